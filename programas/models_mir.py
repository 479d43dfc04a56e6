"""MIR of a programa and its performance indicators (DOMAIN.md §8, PbR-SED).

Structure and programmed values live here (planning); realized values per period and the
justificaciones live in `avances` (capture), like the metas' Programado / Avance.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from programas import indicadores

DECIMAL = {"max_digits": 18, "decimal_places": 2}
PORCENTAJE = {"max_digits": 6, "decimal_places": 2, "null": True, "blank": True}
MAX_FORMULA = 500


class ObjetivoMIR(models.Model):
    """One objective of a programa's MIR: Fin, Propósito, a Componente or an Actividad."""

    class Nivel(models.TextChoices):
        FIN = "FIN", "Fin"
        PROPOSITO = "PROPOSITO", "Propósito"
        COMPONENTE = "COMPONENTE", "Componente"
        ACTIVIDAD = "ACTIVIDAD", "Actividad"

    programa = models.ForeignKey(
        "programas.Programa", on_delete=models.CASCADE, related_name="objetivos_mir"
    )
    nivel = models.CharField(max_length=10, choices=Nivel)
    clave = models.CharField(max_length=20)
    componente = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actividades",
        help_text="Solo para actividades: el componente al que pertenecen.",
    )
    resumen_narrativo = models.TextField("resumen narrativo")
    medios_verificacion = models.TextField("medios de verificación", blank=True)
    supuestos = models.TextField(blank=True)
    orden = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["orden"])

    class Meta:
        ordering = ["programa", "orden", "id"]
        verbose_name = "objetivo de la MIR"
        verbose_name_plural = "objetivos de la MIR"
        constraints = [
            models.UniqueConstraint(
                fields=["programa", "clave"], name="programas_objetivomir_clave_unica"
            ),
            # One Fin and one Propósito per programa.
            models.UniqueConstraint(
                fields=["programa", "nivel"],
                condition=Q(nivel__in=["FIN", "PROPOSITO"]),
                name="programas_objetivomir_fin_proposito_unicos",
            ),
            models.CheckConstraint(
                name="programas_objetivomir_componente_solo_actividad",
                condition=Q(nivel="ACTIVIDAD", componente__isnull=False)
                | (~Q(nivel="ACTIVIDAD") & Q(componente__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nivel_display()} {self.clave}: {self.resumen_narrativo[:60]}"


class Indicador(models.Model):
    """A performance indicator of a MIR objective: a formula over variables (DOMAIN.md §8)."""

    class Frecuencia(models.TextChoices):  # the values of programas.indicadores.Frecuencia
        MENSUAL = "MENSUAL", "Mensual"
        TRIMESTRAL = "TRIMESTRAL", "Trimestral"
        SEMESTRAL = "SEMESTRAL", "Semestral"
        ANUAL = "ANUAL", "Anual"

    class Dimension(models.TextChoices):
        EFICACIA = "EFICACIA", "Eficacia"
        EFICIENCIA = "EFICIENCIA", "Eficiencia"
        ECONOMIA = "ECONOMIA", "Economía"
        CALIDAD = "CALIDAD", "Calidad"

    class Tipo(models.TextChoices):
        ESTRATEGICO = "ESTRATEGICO", "Estratégico"
        GESTION = "GESTION", "De gestión"

    class Sentido(models.TextChoices):
        ASCENDENTE = "ASCENDENTE", "Ascendente"
        DESCENDENTE = "DESCENDENTE", "Descendente"

    programa = models.ForeignKey(
        "programas.Programa", on_delete=models.CASCADE, related_name="indicadores"
    )
    objetivo = models.ForeignKey(ObjetivoMIR, on_delete=models.CASCADE, related_name="indicadores")
    clave = models.CharField(max_length=20)
    nombre = models.CharField(max_length=300)
    definicion = models.TextField("definición", blank=True)
    formula = models.CharField("método de cálculo", max_length=MAX_FORMULA)
    unidad_medida = models.CharField("unidad de medida", max_length=100)
    frecuencia = models.CharField("frecuencia de medición", max_length=10, choices=Frecuencia)
    dimension = models.CharField(
        "dimensión", max_length=10, choices=Dimension, default=Dimension.EFICACIA
    )
    tipo = models.CharField(max_length=11, choices=Tipo, default=Tipo.GESTION)
    sentido = models.CharField(max_length=11, choices=Sentido, default=Sentido.ASCENDENTE)
    linea_base = models.DecimalField("línea base", null=True, blank=True, **DECIMAL)
    linea_base_anio = models.PositiveSmallIntegerField(
        "año de la línea base",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    unidad = models.ForeignKey(
        "programas.UnidadEjecutora",
        on_delete=models.PROTECT,
        related_name="indicadores",
        verbose_name="unidad que lo reporta",
    )
    verde_min = models.DecimalField("verde desde (%)", **PORCENTAJE)
    verde_max = models.DecimalField("verde hasta (%)", **PORCENTAJE)
    amarillo_min = models.DecimalField("amarillo desde (%)", **PORCENTAJE)
    amarillo_max = models.DecimalField("amarillo hasta (%)", **PORCENTAJE)
    medios_verificacion = models.TextField("medios de verificación", blank=True)
    orden = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["orden"])

    class Meta:
        ordering = ["programa", "orden", "id"]
        verbose_name = "indicador"
        verbose_name_plural = "indicadores"
        constraints = [
            models.UniqueConstraint(
                fields=["programa", "clave"], name="programas_indicador_clave_unica"
            ),
            # Its own semáforo ranges: all four or none, ordered like the ejercicio's.
            models.CheckConstraint(
                name="programas_indicador_umbrales_completos",
                condition=Q(
                    verde_min__isnull=True,
                    verde_max__isnull=True,
                    amarillo_min__isnull=True,
                    amarillo_max__isnull=True,
                )
                | Q(
                    amarillo_min__lte=models.F("verde_min"),
                    verde_min__lte=models.F("verde_max"),
                    verde_max__lte=models.F("amarillo_max"),
                ),
            ),
        ]
        indexes = [models.Index(fields=["unidad"], name="programas_indicador_unidad")]

    def __str__(self) -> str:
        return f"{self.clave} {self.nombre[:60]}"

    @property
    def tiene_umbrales(self) -> bool:
        return self.verde_min is not None


class Variable(models.Model):
    """A variable of an indicator's formula; linked to a meta, it takes that meta's values."""

    class Comportamiento(models.TextChoices):  # programas.indicadores.Comportamiento
        ACUMULABLE = "ACUMULABLE", "Acumulable"
        CONTINUA = "CONTINUA", "Continua"

    indicador = models.ForeignKey(Indicador, on_delete=models.CASCADE, related_name="variables")
    simbolo = models.CharField("símbolo", max_length=20)
    nombre = models.CharField(max_length=300)
    unidad_medida = models.CharField("unidad de medida", max_length=100, blank=True)
    comportamiento = models.CharField(
        max_length=10, choices=Comportamiento, default=Comportamiento.ACUMULABLE
    )
    fuente = models.CharField(max_length=300, blank=True)
    meta = models.ForeignKey(
        "programas.Meta",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variables_indicador",
        help_text="Si se vincula a una meta del programa, toma sus valores.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicador", "simbolo"]
        verbose_name = "variable de indicador"
        verbose_name_plural = "variables de indicador"
        constraints = [
            models.UniqueConstraint(
                fields=["indicador", "simbolo"], name="programas_variable_simbolo_unico"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.simbolo} = {self.nombre[:60]}"


class ProgramadoVariable(models.Model):
    """Programmed value of a variable in one period (named by its last month)."""

    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="programados")
    periodo = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    valor = models.DecimalField(**DECIMAL)
    history = HistoricalRecords()

    class Meta:
        ordering = ["variable", "periodo"]
        verbose_name = "valor programado de variable"
        verbose_name_plural = "valores programados de variables"
        constraints = [
            models.UniqueConstraint(
                fields=["variable", "periodo"], name="programas_programadovariable_unico"
            ),
            models.CheckConstraint(
                name="programas_programadovariable_periodo_valido",
                condition=Q(periodo__gte=1, periodo__lte=12),
            ),
            models.CheckConstraint(
                name="programas_programadovariable_no_negativo", condition=Q(valor__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variable.simbolo} periodo {self.periodo}: {self.valor}"


# The choices above and the pure module's enums must not drift apart.
assert {c.value for c in Indicador.Frecuencia} == {f.value for f in indicadores.Frecuencia}
assert {c.value for c in Variable.Comportamiento} == {c.value for c in indicadores.Comportamiento}
