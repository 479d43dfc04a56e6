"""Estructura del POA: ejercicio → ramo → programa / unidad ejecutora → meta (DOMAIN.md §1–§3)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

MESES = range(1, 13)
NOMBRES_MES = [
    "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio",
    "Julio", "Agosto", "Septiembre", "Octubre", "Noviembre", "Diciembre",
]  # fmt: skip
ABREVIATURAS_MES = [
    "ene",
    "feb",
    "mar",
    "abr",
    "may",
    "jun",
    "jul",
    "ago",
    "sep",
    "oct",
    "nov",
    "dic",
]

DECIMAL = {"max_digits": 18, "decimal_places": 2}


class Ejercicio(models.Model):
    """A fiscal year; nothing of one ejercicio refers to another."""

    anio = models.PositiveSmallIntegerField(
        "año", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # Semáforo thresholds (DOMAIN.md §4), in percent of cumplimiento.
    verde_min = models.DecimalField(
        "verde desde (%)", max_digits=6, decimal_places=2, default=Decimal("90")
    )
    verde_max = models.DecimalField(
        "verde hasta (%)", max_digits=6, decimal_places=2, default=Decimal("110")
    )
    amarillo_min = models.DecimalField(
        "amarillo desde (%)", max_digits=6, decimal_places=2, default=Decimal("70")
    )
    amarillo_max = models.DecimalField(
        "amarillo hasta (%)", max_digits=6, decimal_places=2, default=Decimal("130")
    )

    class Meta:
        ordering = ["-anio"]
        verbose_name = "ejercicio"
        verbose_name_plural = "ejercicios"
        constraints = [
            models.CheckConstraint(
                name="programas_ejercicio_umbrales_ordenados",
                condition=Q(amarillo_min__lte=models.F("verde_min"))
                & Q(verde_min__lte=models.F("verde_max"))
                & Q(verde_max__lte=models.F("amarillo_max")),
            ),
        ]

    def __str__(self) -> str:
        return str(self.anio)


class Ramo(models.Model):
    """Dependencia or entidad (also a paramunicipal organismo)."""

    ejercicio = models.ForeignKey(Ejercicio, on_delete=models.PROTECT, related_name="ramos")
    clave = models.CharField(max_length=20)
    nombre = models.CharField(max_length=300)
    responsable_nombre = models.CharField("responsable del ramo", max_length=200, blank=True)
    responsable_cargo = models.CharField("cargo del responsable", max_length=200, blank=True)

    class Meta:
        ordering = ["ejercicio", "clave"]
        verbose_name = "ramo"
        verbose_name_plural = "ramos"
        constraints = [
            models.UniqueConstraint(
                fields=["ejercicio", "clave"], name="programas_ramo_clave_unica"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clave} {self.nombre}"


class Programa(models.Model):
    """Programa presupuestario of a ramo, with its functional classification.

    Its MIR (Fin, Propósito, Componentes, Actividades) is `objetivos_mir` (models_mir).
    """

    ramo = models.ForeignKey(Ramo, on_delete=models.PROTECT, related_name="programas")
    clave = models.CharField(max_length=20)
    nombre = models.CharField(max_length=300)
    finalidad = models.CharField(max_length=200, blank=True)
    funcion = models.CharField("función", max_length=200, blank=True)
    subfuncion = models.CharField("subfunción", max_length=200, blank=True)
    eje = models.CharField("eje de gobierno", max_length=200, blank=True)
    responsable_nombre = models.CharField("responsable del programa", max_length=200, blank=True)
    responsable_cargo = models.CharField("cargo del responsable", max_length=200, blank=True)

    class Meta:
        ordering = ["ramo", "clave"]
        verbose_name = "programa"
        verbose_name_plural = "programas"
        constraints = [
            models.UniqueConstraint(
                fields=["ramo", "clave"], name="programas_programa_clave_unica"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clave} {self.nombre}"


class UnidadEjecutora(models.Model):
    """Unidad ejecutora / responsable / área: where people capture."""

    ramo = models.ForeignKey(Ramo, on_delete=models.PROTECT, related_name="unidades")
    clave = models.CharField(max_length=20)
    nombre = models.CharField(max_length=300)
    responsable_nombre = models.CharField("responsable de la unidad", max_length=200, blank=True)
    responsable_cargo = models.CharField("cargo del responsable", max_length=200, blank=True)
    # Seed 002 (DOMAIN.md §9): the área's objectives, printed by the cronograma.
    objetivo_general = models.TextField("objetivo general", blank=True)
    objetivos_especificos = models.TextField("objetivos específicos", blank=True)

    class Meta:
        ordering = ["ramo", "clave"]
        verbose_name = "unidad ejecutora"
        verbose_name_plural = "unidades ejecutoras"
        constraints = [
            models.UniqueConstraint(fields=["ramo", "clave"], name="programas_unidad_clave_unica"),
        ]

    def __str__(self) -> str:
        return f"{self.clave} {self.nombre}"


class Responsable(models.Model):
    """Who holds a post (ramo, programa or unidad) from a month of the ejercicio on.

    The report of quarter q prints the row with the greatest `desde` <= 3q. The post's own
    `responsable_nombre` / `responsable_cargo` are the holder today, i.e. the row with the
    greatest `desde` (programas.responsables reads both the same way).
    """

    ramo = models.ForeignKey(
        Ramo, null=True, blank=True, on_delete=models.CASCADE, related_name="responsables"
    )
    programa = models.ForeignKey(
        Programa, null=True, blank=True, on_delete=models.CASCADE, related_name="responsables"
    )
    unidad = models.ForeignKey(
        UnidadEjecutora,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsables",
    )
    nombre = models.CharField(max_length=200, blank=True)
    cargo = models.CharField(max_length=200, blank=True)
    desde = models.PositiveSmallIntegerField(
        "desde (mes)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Primer mes (1..12) del ejercicio en que la persona ocupa el puesto.",
    )

    class Meta:
        ordering = ["ramo", "programa", "unidad", "desde"]
        verbose_name = "responsable (vigencia)"
        verbose_name_plural = "responsables (vigencias)"
        constraints = [
            models.CheckConstraint(
                name="programas_responsable_un_puesto",
                condition=Q(ramo__isnull=False, programa__isnull=True, unidad__isnull=True)
                | Q(ramo__isnull=True, programa__isnull=False, unidad__isnull=True)
                | Q(ramo__isnull=True, programa__isnull=True, unidad__isnull=False),
            ),
            models.CheckConstraint(
                name="programas_responsable_desde_mes",
                condition=Q(desde__gte=1, desde__lte=12),
            ),
            models.UniqueConstraint(
                fields=["ramo", "desde"],
                condition=Q(ramo__isnull=False),
                name="programas_responsable_ramo_desde_unico",
            ),
            models.UniqueConstraint(
                fields=["programa", "desde"],
                condition=Q(programa__isnull=False),
                name="programas_responsable_programa_desde_unico",
            ),
            models.UniqueConstraint(
                fields=["unidad", "desde"],
                condition=Q(unidad__isnull=False),
                name="programas_responsable_unidad_desde_unico",
            ),
        ]

    def __str__(self) -> str:
        puesto = self.unidad or self.programa or self.ramo
        return f"{puesto}: {self.nombre} (desde {NOMBRES_MES[self.desde - 1].lower()})"


class LineaPMD(models.Model):
    """Eje, estrategia or línea de acción of the Plan Municipal de Desarrollo (code like 2.1.5)."""

    ejercicio = models.ForeignKey(Ejercicio, on_delete=models.PROTECT, related_name="lineas_pmd")
    codigo = models.CharField("código", max_length=30)
    nombre = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["ejercicio", "codigo"]
        verbose_name = "línea del PMD"
        verbose_name_plural = "líneas del PMD"
        constraints = [
            models.UniqueConstraint(
                fields=["ejercicio", "codigo"], name="programas_lineapmd_codigo_unico"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.codigo} {self.nombre}".strip()


class Meta(models.Model):
    """Meta / acción: the unit of planning and capture (DOMAIN.md §1)."""

    class TipoAcumulacion(models.TextChoices):
        SUMA = "SUMA", "Suma"
        PROMEDIO = "PROMEDIO", "Promedio"
        ULTIMO = "ULTIMO", "Último"
        MAXIMO = "MAXIMO", "Máximo"

    class Sentido(models.TextChoices):
        ASCENDENTE = "ASCENDENTE", "Ascendente"
        DESCENDENTE = "DESCENDENTE", "Descendente"

    class NivelMIR(models.TextChoices):
        FIN = "FIN", "Fin"
        PROPOSITO = "PROPOSITO", "Propósito"
        COMPONENTE = "COMPONENTE", "Componente"
        ACTIVIDAD = "ACTIVIDAD", "Actividad"
        SUBACTIVIDAD = "SUBACTIVIDAD", "Sub-actividad"

    programa = models.ForeignKey(Programa, on_delete=models.PROTECT, related_name="metas")
    unidad = models.ForeignKey(UnidadEjecutora, on_delete=models.PROTECT, related_name="metas")
    clave = models.CharField(max_length=40)
    grupo = models.CharField(max_length=500, blank=True)
    descripcion = models.TextField("descripción")
    unidad_medida = models.CharField("unidad de medida", max_length=100)
    meta_anual = models.DecimalField("meta anual (vigente)", **DECIMAL)
    meta_anual_original = models.DecimalField(
        "meta anual autorizada original", null=True, blank=True, **DECIMAL
    )
    mes_inicio = models.PositiveSmallIntegerField(
        "mes de inicio de la vigencia",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    tipo_acumulacion = models.CharField(
        "tipo de acumulación", max_length=10, choices=TipoAcumulacion, default=TipoAcumulacion.SUMA
    )
    sentido = models.CharField(max_length=12, choices=Sentido, default=Sentido.ASCENDENTE)
    nivel_mir = models.CharField("nivel MIR", max_length=12, choices=NivelMIR, blank=True)
    lineas_pmd = models.ManyToManyField(LineaPMD, blank=True, related_name="metas")
    # Cronograma fields (seed 002, DOMAIN.md §9): who does it and when.
    responsable = models.CharField(
        "responsable de la actividad", max_length=200, blank=True,
        help_text="Una persona o un puesto (no el nombre de la unidad).",
    )  # fmt: skip
    fecha_inicio = models.DateField("fecha de inicio", null=True, blank=True)
    fecha_fin = models.DateField("fecha de fin", null=True, blank=True)
    periodicidad = models.CharField(
        max_length=30, blank=True, help_text="En lugar de fechas, p. ej. BIMESTRAL o MENSUAL."
    )
    orden = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["orden"])

    class Meta:
        ordering = ["unidad", "orden", "clave"]
        verbose_name = "meta"
        verbose_name_plural = "metas"
        constraints = [
            models.UniqueConstraint(fields=["unidad", "clave"], name="programas_meta_clave_unica"),
            models.CheckConstraint(
                name="programas_meta_mes_inicio_valido",
                condition=Q(mes_inicio__gte=1, mes_inicio__lte=12),
            ),
            models.CheckConstraint(
                name="programas_meta_anual_no_negativa", condition=Q(meta_anual__gte=0)
            ),
            models.CheckConstraint(
                name="programas_meta_original_no_negativa",
                condition=Q(meta_anual_original__isnull=True) | Q(meta_anual_original__gte=0),
            ),
            models.CheckConstraint(
                name="programas_meta_fechas_ordenadas",
                condition=Q(fecha_inicio__isnull=True)
                | Q(fecha_fin__isnull=True)
                | Q(fecha_inicio__lte=models.F("fecha_fin")),
            ),
        ]
        indexes = [
            # Lists and reports select a programa's metas of one unidad.
            models.Index(fields=["programa", "unidad"], name="programas_meta_prog_unidad"),
        ]

    def __str__(self) -> str:
        return f"{self.clave} {self.descripcion[:60]}"

    @property
    def ejercicio_id(self) -> int:
        return self.unidad.ramo.ejercicio_id


class Programado(models.Model):
    """Programmed value of a meta for one month (the calendarización)."""

    meta = models.ForeignKey(Meta, on_delete=models.CASCADE, related_name="programados")
    mes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    valor = models.DecimalField(**DECIMAL)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meta", "mes"]
        verbose_name = "valor programado"
        verbose_name_plural = "valores programados"
        constraints = [
            models.UniqueConstraint(
                fields=["meta", "mes"], name="programas_programado_meta_mes_unico"
            ),
            models.CheckConstraint(
                name="programas_programado_mes_valido", condition=Q(mes__gte=1, mes__lte=12)
            ),
            models.CheckConstraint(
                name="programas_programado_no_negativo", condition=Q(valor__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meta.clave} {ABREVIATURAS_MES[self.mes - 1]}: {self.valor}"


class Reprogramacion(models.Model):
    """A change of a meta's meta anual / calendarización during the year; the original is kept.

    Reports for a period ending before `mes_desde` use the `*_anterior` values (DOMAIN.md §3).
    """

    class Tipo(models.TextChoices):
        REPROGRAMACION = "REPROGRAMACION", "Reprogramación"
        REALINEACION = "REALINEACION", "Reexpedición (realineación)"
        IMPORTADA = "IMPORTADA", "Meta original importada"

    meta = models.ForeignKey(Meta, on_delete=models.CASCADE, related_name="reprogramaciones")
    tipo = models.CharField(max_length=16, choices=Tipo, default=Tipo.REPROGRAMACION)
    mes_desde = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    meta_anual_anterior = models.DecimalField(**DECIMAL)
    meta_anual_nueva = models.DecimalField(**DECIMAL)
    mes_inicio_anterior = models.PositiveSmallIntegerField(default=1)
    mes_inicio_nuevo = models.PositiveSmallIntegerField(default=1)
    programado_anterior = models.JSONField(default=list, blank=True)
    programado_nuevo = models.JSONField(default=list, blank=True)
    motivo = models.TextField()
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fecha = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meta", "fecha", "id"]
        verbose_name = "reprogramación"
        verbose_name_plural = "reprogramaciones"
        constraints = [
            models.CheckConstraint(
                name="programas_reprogramacion_mes_valido",
                condition=Q(mes_desde__gte=1, mes_desde__lte=12),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meta.clave}: {self.meta_anual_anterior} → {self.meta_anual_nueva}"


class Presupuesto(models.Model):
    """Budget of a programa by capítulo del gasto."""

    programa = models.ForeignKey(Programa, on_delete=models.CASCADE, related_name="presupuesto")
    capitulo = models.CharField("capítulo", max_length=10)
    descripcion = models.CharField("descripción", max_length=200, blank=True)
    autorizado = models.DecimalField("autorizado inicial", default=0, **DECIMAL)
    modificado = models.DecimalField(null=True, blank=True, **DECIMAL)
    devengado_t1 = models.DecimalField("devengado 1er trimestre", null=True, blank=True, **DECIMAL)
    devengado_t2 = models.DecimalField("devengado 2º trimestre", null=True, blank=True, **DECIMAL)
    devengado_t3 = models.DecimalField("devengado 3er trimestre", null=True, blank=True, **DECIMAL)
    devengado_t4 = models.DecimalField("devengado 4º trimestre", null=True, blank=True, **DECIMAL)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programa", "capitulo"]
        verbose_name = "presupuesto por capítulo"
        verbose_name_plural = "presupuesto por capítulo"
        constraints = [
            models.UniqueConstraint(
                fields=["programa", "capitulo"], name="programas_presupuesto_capitulo_unico"
            ),
            models.CheckConstraint(
                name="programas_presupuesto_autorizado_no_negativo", condition=Q(autorizado__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programa.clave} {self.capitulo}"


class Asignacion(models.Model):
    """Who may do what over which part of the structure (DEVELOPERS: roles and scope).

    Planeación is global (no ramo/programa/unidad); every other role names exactly one
    object of its level.
    """

    class Rol(models.TextChoices):
        CAPTURISTA = "CAPTURISTA", "Capturista / enlace"
        RESPONSABLE_UNIDAD = "RESP_UNIDAD", "Responsable de la unidad (Elaboró)"
        RESPONSABLE_PROGRAMA = "RESP_PROGRAMA", "Responsable del programa (Revisó)"
        RESPONSABLE_RAMO = "RESP_RAMO", "Responsable del ramo (Autorizó)"
        PLANEACION = "PLANEACION", "Planeación / Tesorería"
        CONSULTA = "CONSULTA", "Consulta (solo lectura)"

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asignaciones"
    )
    rol = models.CharField(max_length=16, choices=Rol)
    ramo = models.ForeignKey(
        Ramo, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    programa = models.ForeignKey(
        Programa, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unidad = models.ForeignKey(
        UnidadEjecutora, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cargo = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "asignación"
        verbose_name_plural = "asignaciones"
        constraints = [
            # One constraint per scope level: NULLs are distinct in a plain unique index, and
            # SQLite has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["usuario", "rol"],
                condition=Q(rol="PLANEACION"),
                name="programas_asignacion_planeacion_unica",
            ),
            models.UniqueConstraint(
                fields=["usuario", "rol", "unidad"],
                condition=Q(unidad__isnull=False),
                name="programas_asignacion_unidad_unica",
            ),
            models.UniqueConstraint(
                fields=["usuario", "rol", "programa"],
                condition=Q(programa__isnull=False),
                name="programas_asignacion_programa_unica",
            ),
            models.UniqueConstraint(
                fields=["usuario", "rol", "ramo"],
                condition=Q(ramo__isnull=False),
                name="programas_asignacion_ramo_unica",
            ),
            models.CheckConstraint(
                name="programas_asignacion_alcance_coherente",
                condition=(
                    Q(
                        rol="PLANEACION",
                        ramo__isnull=True,
                        programa__isnull=True,
                        unidad__isnull=True,
                    )
                    | Q(
                        rol__in=["CAPTURISTA", "RESP_UNIDAD"],
                        unidad__isnull=False,
                        programa__isnull=True,
                        ramo__isnull=True,
                    )
                    | Q(
                        rol="RESP_PROGRAMA",
                        programa__isnull=False,
                        unidad__isnull=True,
                        ramo__isnull=True,
                    )
                    | Q(
                        rol="RESP_RAMO",
                        ramo__isnull=False,
                        programa__isnull=True,
                        unidad__isnull=True,
                    )
                    | Q(rol="CONSULTA")
                    & (
                        Q(ramo__isnull=False, programa__isnull=True, unidad__isnull=True)
                        | Q(ramo__isnull=True, programa__isnull=False, unidad__isnull=True)
                        | Q(ramo__isnull=True, programa__isnull=True, unidad__isnull=False)
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        objeto = self.unidad or self.programa or self.ramo or "todo el municipio"
        return f"{self.usuario} — {self.get_rol_display()} — {objeto}"


# The MIR and its indicators (DOMAIN.md §8) live in their own module; importing them here
# registers them with the app like every other model of `programas`.
from programas.models_cronograma import AlineacionPMD  # noqa: E402, F401
from programas.models_mir import (  # noqa: E402, F401
    Indicador,
    ObjetivoMIR,
    ProgramadoVariable,
    Variable,
)
