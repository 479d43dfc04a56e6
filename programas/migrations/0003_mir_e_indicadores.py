"""The MIR and its indicators (DOMAIN.md §8), and the move of FIN / PROPÓSITO into it.

Until now a programa stored FIN and PROPÓSITO as two text fields. They become the first
two objectives of its MIR (claves F and P, resumen narrativo = the text); nothing is lost,
and going back writes them into the fields again.
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def fin_y_proposito_a_la_mir(apps, schema_editor):
    Programa = apps.get_model("programas", "Programa")
    ObjetivoMIR = apps.get_model("programas", "ObjetivoMIR")
    nuevos = []
    for programa in Programa.objects.only("id", "fin", "proposito").iterator():
        for orden, (nivel, clave, texto) in enumerate(
            (("FIN", "F", programa.fin), ("PROPOSITO", "P", programa.proposito))
        ):
            if (texto or "").strip():
                nuevos.append(
                    ObjetivoMIR(
                        programa_id=programa.id,
                        nivel=nivel,
                        clave=clave,
                        resumen_narrativo=texto.strip(),
                        orden=orden,
                    )
                )
    ObjetivoMIR.objects.bulk_create(nuevos, batch_size=500)


def mir_a_fin_y_proposito(apps, schema_editor):
    Programa = apps.get_model("programas", "Programa")
    ObjetivoMIR = apps.get_model("programas", "ObjetivoMIR")
    for objetivo in ObjetivoMIR.objects.filter(nivel__in=["FIN", "PROPOSITO"]):
        campo = "fin" if objetivo.nivel == "FIN" else "proposito"
        Programa.objects.filter(pk=objetivo.programa_id).update(
            **{campo: objetivo.resumen_narrativo}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('programas', '0002_responsables_vigencia'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Indicador',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('clave', models.CharField(max_length=20)),
                ('nombre', models.CharField(max_length=300)),
                ('definicion', models.TextField(blank=True, verbose_name='definición')),
                ('formula', models.CharField(max_length=500, verbose_name='método de cálculo')),
                ('unidad_medida', models.CharField(max_length=100, verbose_name='unidad de medida')),
                ('frecuencia', models.CharField(choices=[('MENSUAL', 'Mensual'), ('TRIMESTRAL', 'Trimestral'), ('SEMESTRAL', 'Semestral'), ('ANUAL', 'Anual')], max_length=10, verbose_name='frecuencia de medición')),
                ('dimension', models.CharField(choices=[('EFICACIA', 'Eficacia'), ('EFICIENCIA', 'Eficiencia'), ('ECONOMIA', 'Economía'), ('CALIDAD', 'Calidad')], default='EFICACIA', max_length=10, verbose_name='dimensión')),
                ('tipo', models.CharField(choices=[('ESTRATEGICO', 'Estratégico'), ('GESTION', 'De gestión')], default='GESTION', max_length=11)),
                ('sentido', models.CharField(choices=[('ASCENDENTE', 'Ascendente'), ('DESCENDENTE', 'Descendente')], default='ASCENDENTE', max_length=11)),
                ('linea_base', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='línea base')),
                ('linea_base_anio', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1900), django.core.validators.MaxValueValidator(2100)], verbose_name='año de la línea base')),
                ('verde_min', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='verde desde (%)')),
                ('verde_max', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='verde hasta (%)')),
                ('amarillo_min', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='amarillo desde (%)')),
                ('amarillo_max', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='amarillo hasta (%)')),
                ('medios_verificacion', models.TextField(blank=True, verbose_name='medios de verificación')),
                ('orden', models.PositiveIntegerField(default=0)),
                ('programa', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicadores', to='programas.programa')),
                ('unidad', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicadores', to='programas.unidadejecutora', verbose_name='unidad que lo reporta')),
            ],
            options={
                'verbose_name': 'indicador',
                'verbose_name_plural': 'indicadores',
                'ordering': ['programa', 'orden', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalVariable',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('simbolo', models.CharField(max_length=20, verbose_name='símbolo')),
                ('nombre', models.CharField(max_length=300)),
                ('unidad_medida', models.CharField(blank=True, max_length=100, verbose_name='unidad de medida')),
                ('comportamiento', models.CharField(choices=[('ACUMULABLE', 'Acumulable'), ('CONTINUA', 'Continua')], default='ACUMULABLE', max_length=10)),
                ('fuente', models.CharField(blank=True, max_length=300)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meta', models.ForeignKey(blank=True, db_constraint=False, help_text='Si se vincula a una meta del programa, toma sus valores.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.meta')),
                ('indicador', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.indicador')),
            ],
            options={
                'verbose_name': 'historical variable de indicador',
                'verbose_name_plural': 'historical variables de indicador',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ObjetivoMIR',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nivel', models.CharField(choices=[('FIN', 'Fin'), ('PROPOSITO', 'Propósito'), ('COMPONENTE', 'Componente'), ('ACTIVIDAD', 'Actividad')], max_length=10)),
                ('clave', models.CharField(max_length=20)),
                ('resumen_narrativo', models.TextField(verbose_name='resumen narrativo')),
                ('medios_verificacion', models.TextField(blank=True, verbose_name='medios de verificación')),
                ('supuestos', models.TextField(blank=True)),
                ('orden', models.PositiveIntegerField(default=0)),
                ('componente', models.ForeignKey(blank=True, help_text='Solo para actividades: el componente al que pertenecen.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='actividades', to='programas.objetivomir')),
                ('programa', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objetivos_mir', to='programas.programa')),
            ],
            options={
                'verbose_name': 'objetivo de la MIR',
                'verbose_name_plural': 'objetivos de la MIR',
                'ordering': ['programa', 'orden', 'id'],
            },
        ),
        migrations.AddField(
            model_name='indicador',
            name='objetivo',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicadores', to='programas.objetivomir'),
        ),
        migrations.CreateModel(
            name='HistoricalObjetivoMIR',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('nivel', models.CharField(choices=[('FIN', 'Fin'), ('PROPOSITO', 'Propósito'), ('COMPONENTE', 'Componente'), ('ACTIVIDAD', 'Actividad')], max_length=10)),
                ('clave', models.CharField(max_length=20)),
                ('resumen_narrativo', models.TextField(verbose_name='resumen narrativo')),
                ('medios_verificacion', models.TextField(blank=True, verbose_name='medios de verificación')),
                ('supuestos', models.TextField(blank=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programa', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.programa')),
                ('componente', models.ForeignKey(blank=True, db_constraint=False, help_text='Solo para actividades: el componente al que pertenecen.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.objetivomir')),
            ],
            options={
                'verbose_name': 'historical objetivo de la MIR',
                'verbose_name_plural': 'historical objetivos de la MIR',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalIndicador',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('clave', models.CharField(max_length=20)),
                ('nombre', models.CharField(max_length=300)),
                ('definicion', models.TextField(blank=True, verbose_name='definición')),
                ('formula', models.CharField(max_length=500, verbose_name='método de cálculo')),
                ('unidad_medida', models.CharField(max_length=100, verbose_name='unidad de medida')),
                ('frecuencia', models.CharField(choices=[('MENSUAL', 'Mensual'), ('TRIMESTRAL', 'Trimestral'), ('SEMESTRAL', 'Semestral'), ('ANUAL', 'Anual')], max_length=10, verbose_name='frecuencia de medición')),
                ('dimension', models.CharField(choices=[('EFICACIA', 'Eficacia'), ('EFICIENCIA', 'Eficiencia'), ('ECONOMIA', 'Economía'), ('CALIDAD', 'Calidad')], default='EFICACIA', max_length=10, verbose_name='dimensión')),
                ('tipo', models.CharField(choices=[('ESTRATEGICO', 'Estratégico'), ('GESTION', 'De gestión')], default='GESTION', max_length=11)),
                ('sentido', models.CharField(choices=[('ASCENDENTE', 'Ascendente'), ('DESCENDENTE', 'Descendente')], default='ASCENDENTE', max_length=11)),
                ('linea_base', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='línea base')),
                ('linea_base_anio', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1900), django.core.validators.MaxValueValidator(2100)], verbose_name='año de la línea base')),
                ('verde_min', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='verde desde (%)')),
                ('verde_max', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='verde hasta (%)')),
                ('amarillo_min', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='amarillo desde (%)')),
                ('amarillo_max', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='amarillo hasta (%)')),
                ('medios_verificacion', models.TextField(blank=True, verbose_name='medios de verificación')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programa', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.programa')),
                ('unidad', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.unidadejecutora', verbose_name='unidad que lo reporta')),
                ('objetivo', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.objetivomir')),
            ],
            options={
                'verbose_name': 'historical indicador',
                'verbose_name_plural': 'historical indicadores',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Variable',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('simbolo', models.CharField(max_length=20, verbose_name='símbolo')),
                ('nombre', models.CharField(max_length=300)),
                ('unidad_medida', models.CharField(blank=True, max_length=100, verbose_name='unidad de medida')),
                ('comportamiento', models.CharField(choices=[('ACUMULABLE', 'Acumulable'), ('CONTINUA', 'Continua')], default='ACUMULABLE', max_length=10)),
                ('fuente', models.CharField(blank=True, max_length=300)),
                ('indicador', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='variables', to='programas.indicador')),
                ('meta', models.ForeignKey(blank=True, help_text='Si se vincula a una meta del programa, toma sus valores.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='variables_indicador', to='programas.meta')),
            ],
            options={
                'verbose_name': 'variable de indicador',
                'verbose_name_plural': 'variables de indicador',
                'ordering': ['indicador', 'simbolo'],
            },
        ),
        migrations.CreateModel(
            name='ProgramadoVariable',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('periodo', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)])),
                ('valor', models.DecimalField(decimal_places=2, max_digits=18)),
                ('variable', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='programados', to='programas.variable')),
            ],
            options={
                'verbose_name': 'valor programado de variable',
                'verbose_name_plural': 'valores programados de variables',
                'ordering': ['variable', 'periodo'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalProgramadoVariable',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('periodo', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)])),
                ('valor', models.DecimalField(decimal_places=2, max_digits=18)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('variable', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programas.variable')),
            ],
            options={
                'verbose_name': 'historical valor programado de variable',
                'verbose_name_plural': 'historical valores programados de variables',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='objetivomir',
            constraint=models.UniqueConstraint(fields=('programa', 'clave'), name='programas_objetivomir_clave_unica'),
        ),
        migrations.AddConstraint(
            model_name='objetivomir',
            constraint=models.UniqueConstraint(condition=models.Q(('nivel__in', ['FIN', 'PROPOSITO'])), fields=('programa', 'nivel'), name='programas_objetivomir_fin_proposito_unicos'),
        ),
        migrations.AddConstraint(
            model_name='objetivomir',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('componente__isnull', False), ('nivel', 'ACTIVIDAD')), models.Q(models.Q(('nivel', 'ACTIVIDAD'), _negated=True), ('componente__isnull', True)), _connector='OR'), name='programas_objetivomir_componente_solo_actividad'),
        ),
        migrations.AddIndex(
            model_name='indicador',
            index=models.Index(fields=['unidad'], name='programas_indicador_unidad'),
        ),
        migrations.AddConstraint(
            model_name='indicador',
            constraint=models.UniqueConstraint(fields=('programa', 'clave'), name='programas_indicador_clave_unica'),
        ),
        migrations.AddConstraint(
            model_name='indicador',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amarillo_max__isnull', True), ('amarillo_min__isnull', True), ('verde_max__isnull', True), ('verde_min__isnull', True)), models.Q(('amarillo_min__lte', models.F('verde_min')), ('verde_max__lte', models.F('amarillo_max')), ('verde_min__lte', models.F('verde_max'))), _connector='OR'), name='programas_indicador_umbrales_completos'),
        ),
        migrations.AddConstraint(
            model_name='variable',
            constraint=models.UniqueConstraint(fields=('indicador', 'simbolo'), name='programas_variable_simbolo_unico'),
        ),
        migrations.AddConstraint(
            model_name='programadovariable',
            constraint=models.UniqueConstraint(fields=('variable', 'periodo'), name='programas_programadovariable_unico'),
        ),
        migrations.AddConstraint(
            model_name='programadovariable',
            constraint=models.CheckConstraint(condition=models.Q(('periodo__gte', 1), ('periodo__lte', 12)), name='programas_programadovariable_periodo_valido'),
        ),
        migrations.AddConstraint(
            model_name='programadovariable',
            constraint=models.CheckConstraint(condition=models.Q(('valor__gte', 0)), name='programas_programadovariable_no_negativo'),
        ),
        migrations.RunPython(fin_y_proposito_a_la_mir, mir_a_fin_y_proposito),
        migrations.RemoveField(
            model_name='programa',
            name='fin',
        ),
        migrations.RemoveField(
            model_name='programa',
            name='proposito',
        ),
    ]
