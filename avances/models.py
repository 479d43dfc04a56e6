"""Captura mensual, periodos y firma trimestral (DOMAIN.md §2, §5)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from programas.models import DECIMAL, Ejercicio, Meta, Programa, UnidadEjecutora

# A stored cell as the grid and the conflict check read it (values()): its figures, version
# and who wrote it last.
CAMPOS_CELDA = (
    "meta_id",
    "mes",
    "realizado",
    "observaciones",
    "version",
    "actualizado_en",
    "actualizado_por__username",
    "actualizado_por__first_name",
    "actualizado_por__last_name",
)


class Avance(models.Model):
    """Realized value and observaciones of a meta in one month.

    `realizado` NULL means *not captured yet*, which is different from 0. `version` grows on
    every write so a save made from a stale page can be detected (optimistic versioning).
    """

    meta = models.ForeignKey(Meta, on_delete=models.CASCADE, related_name="avances")
    mes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    realizado = models.DecimalField(null=True, blank=True, **DECIMAL)
    observaciones = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    actualizado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actualizado_en = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["actualizado_en"])

    class Meta:
        ordering = ["meta", "mes"]
        verbose_name = "avance mensual"
        verbose_name_plural = "avances mensuales"
        constraints = [
            models.UniqueConstraint(fields=["meta", "mes"], name="avances_avance_meta_mes_unico"),
            models.CheckConstraint(
                name="avances_avance_mes_valido", condition=Q(mes__gte=1, mes__lte=12)
            ),
            models.CheckConstraint(
                name="avances_avance_realizado_no_negativo",
                condition=Q(realizado__isnull=True) | Q(realizado__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meta.clave} mes {self.mes}: {self.realizado}"


class Periodo(models.Model):
    """Whether capture of one month of an ejercicio is open."""

    ejercicio = models.ForeignKey(Ejercicio, on_delete=models.CASCADE, related_name="periodos")
    mes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    abierto = models.BooleanField(default=True)

    class Meta:
        ordering = ["ejercicio", "mes"]
        verbose_name = "periodo de captura"
        verbose_name_plural = "periodos de captura"
        constraints = [
            models.UniqueConstraint(fields=["ejercicio", "mes"], name="avances_periodo_mes_unico"),
            models.CheckConstraint(
                name="avances_periodo_mes_valido", condition=Q(mes__gte=1, mes__lte=12)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ejercicio} mes {self.mes}: {'abierto' if self.abierto else 'cerrado'}"


class FechaLimite(models.Model):
    """Deadline to deliver a quarter (default: 10 business days after it ends, DOMAIN.md §5)."""

    ejercicio = models.ForeignKey(Ejercicio, on_delete=models.CASCADE, related_name="fechas_limite")
    trimestre = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    fecha = models.DateField()

    class Meta:
        ordering = ["ejercicio", "trimestre"]
        verbose_name = "fecha límite"
        verbose_name_plural = "fechas límite"
        constraints = [
            models.UniqueConstraint(
                fields=["ejercicio", "trimestre"], name="avances_fechalimite_trimestre_unico"
            ),
            models.CheckConstraint(
                name="avances_fechalimite_trimestre_valido",
                condition=Q(trimestre__gte=1, trimestre__lte=4),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ejercicio} T{self.trimestre}: {self.fecha}"


class TrimestreFirma(models.Model):
    """Sign-off state of one (programa, unidad) report for one quarter."""

    class Estado(models.TextChoices):
        BORRADOR = "BORRADOR", "Borrador"
        ENVIADO = "ENVIADO", "Enviado (Elaboró)"
        REVISADO = "REVISADO", "Revisado (Revisó)"
        AUTORIZADO = "AUTORIZADO", "Autorizado (Autorizó)"

    programa = models.ForeignKey(Programa, on_delete=models.PROTECT, related_name="firmas")
    unidad = models.ForeignKey(UnidadEjecutora, on_delete=models.PROTECT, related_name="firmas")
    trimestre = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    estado = models.CharField(max_length=12, choices=Estado, default=Estado.BORRADOR)
    version = models.PositiveIntegerField(default=1)
    snapshot = models.JSONField("cifras firmadas", null=True, blank=True)
    snapshot_hash = models.CharField(max_length=64, blank=True)
    codigo_verificacion = models.CharField(max_length=16, blank=True)
    actualizado_en = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programa", "unidad", "trimestre"]
        verbose_name = "firma trimestral"
        verbose_name_plural = "firmas trimestrales"
        constraints = [
            models.UniqueConstraint(
                fields=["programa", "unidad", "trimestre"], name="avances_trimestrefirma_unica"
            ),
            models.CheckConstraint(
                name="avances_trimestrefirma_trimestre_valido",
                condition=Q(trimestre__gte=1, trimestre__lte=4),
            ),
            models.UniqueConstraint(
                fields=["codigo_verificacion"],
                condition=~Q(codigo_verificacion=""),
                name="avances_trimestrefirma_codigo_unico",
            ),
        ]
        indexes = [
            # The lock check asks: is this (unidad, trimestre) authorized?
            models.Index(fields=["unidad", "trimestre", "estado"], name="avances_firma_bloqueo"),
        ]

    def __str__(self) -> str:
        clave = f"{self.programa.clave}/{self.unidad.clave}"
        return f"{clave} T{self.trimestre}: {self.get_estado_display()}"


class EventoFirma(models.Model):
    """One step of the sign-off workflow, with the signer's name and cargo at that moment."""

    class Accion(models.TextChoices):
        ENVIAR = "ENVIAR", "Envió (Elaboró)"
        REVISAR = "REVISAR", "Revisó"
        AUTORIZAR = "AUTORIZAR", "Autorizó"
        DEVOLVER = "DEVOLVER", "Devolvió"
        REABRIR = "REABRIR", "Reabrió"

    firma = models.ForeignKey(TrimestreFirma, on_delete=models.CASCADE, related_name="eventos")
    accion = models.CharField(max_length=10, choices=Accion)
    estado_anterior = models.CharField(max_length=12, choices=TrimestreFirma.Estado)
    estado_nuevo = models.CharField(max_length=12, choices=TrimestreFirma.Estado)
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nombre = models.CharField(max_length=200)
    cargo = models.CharField(max_length=200, blank=True)
    comentario = models.TextField(blank=True)
    fecha = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fecha", "id"]
        verbose_name = "evento de firma"
        verbose_name_plural = "eventos de firma"

    def __str__(self) -> str:
        return f"{self.get_accion_display()} por {self.nombre} ({self.fecha:%Y-%m-%d %H:%M})"


class SolicitudReapertura(models.Model):
    """A request to reopen an authorized quarter, and Planeación's decision on it.

    The names are kept as they stood (like `EventoFirma`), so the record still says who asked
    and who decided after an account is deleted. An approval points to the REABRIR event that
    `trimestre_reabrir` wrote, the audit row of the reopening itself.
    """

    class Estado(models.TextChoices):
        PENDIENTE = "PENDIENTE", "Pendiente"
        APROBADA = "APROBADA", "Aprobada"
        RECHAZADA = "RECHAZADA", "Rechazada"

    MAX_MOTIVO = 1000
    MAX_COMENTARIO = 500

    firma = models.ForeignKey(
        TrimestreFirma, on_delete=models.CASCADE, related_name="solicitudes_reapertura"
    )
    solicitante = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    solicitante_nombre = models.CharField("solicitante (nombre)", max_length=200)
    motivo = models.CharField(max_length=MAX_MOTIVO)
    estado = models.CharField(max_length=10, choices=Estado, default=Estado.PENDIENTE)
    creada_en = models.DateTimeField("solicitada el", auto_now_add=True)
    decidida_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decidida_por_nombre = models.CharField("decidida por (nombre)", max_length=200, blank=True)
    comentario_decision = models.CharField(
        "comentario de la decisión", max_length=MAX_COMENTARIO, blank=True
    )
    decidida_en = models.DateTimeField("decidida el", null=True, blank=True)
    evento = models.ForeignKey(
        EventoFirma,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="evento de reapertura",
    )

    class Meta:
        ordering = ["-creada_en", "-id"]
        verbose_name = "solicitud de reapertura"
        verbose_name_plural = "solicitudes de reapertura"
        constraints = [
            models.UniqueConstraint(
                fields=["firma"],
                condition=Q(estado="PENDIENTE"),
                name="avances_solicitudreapertura_una_pendiente",
            ),
            models.CheckConstraint(
                name="avances_solicitudreapertura_estado_valido",
                condition=Q(estado__in=["PENDIENTE", "APROBADA", "RECHAZADA"]),
            ),
            models.CheckConstraint(
                name="avances_solicitudreapertura_motivo_no_vacio",
                condition=~Q(motivo="") & ~Q(solicitante_nombre=""),
            ),
            models.CheckConstraint(
                name="avances_solicitudreapertura_decision_coherente",
                condition=(
                    Q(
                        estado="PENDIENTE",
                        decidida_en__isnull=True,
                        decidida_por_nombre="",
                        comentario_decision="",
                        evento__isnull=True,
                    )
                    | (
                        Q(estado__in=["APROBADA", "RECHAZADA"], decidida_en__isnull=False)
                        & ~Q(decidida_por_nombre="")
                    )
                ),
            ),
            models.CheckConstraint(
                name="avances_solicitudreapertura_rechazo_con_comentario",
                condition=~Q(estado="RECHAZADA") | ~Q(comentario_decision=""),
            ),
        ]
        indexes = [
            models.Index(fields=["estado", "creada_en"], name="avances_solreap_estado"),
        ]

    def __str__(self) -> str:
        return f"Reapertura de {self.firma_id} ({self.get_estado_display()})"


# Captured values of the MIR indicators (DOMAIN.md §8), in their own module.
from avances.models_indicadores import AvanceIndicador, AvanceVariable  # noqa: E402, F401
