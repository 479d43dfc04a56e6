"""Background imports of large workbooks: the uploaded file, the stage and the progress."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

MENSAJE_INTERRUMPIDO = (
    "El trabajo no terminó: el servidor o el proceso que lo hacía se detuvo. No se escribió "
    "nada; puede intentarlo de nuevo."
)


class TrabajoImportacion(models.Model):
    """A workbook analyzed (and, once confirmed, applied) by Celery tasks, with its progress.

    The file lives under MEDIA_ROOT (`archivo`, relative), never in the session. `resumen` is
    the preview of the last analysis (a small JSON: counts, the first changes and errors).
    """

    class Etapa(models.TextChoices):
        EN_COLA = "EN_COLA", "En cola"
        ANALIZANDO = "ANALIZANDO", "Analizando el libro"
        PREVIA = "PREVIA", "Vista previa lista"
        APLICANDO = "APLICANDO", "Guardando"
        TERMINADO = "TERMINADO", "Terminado"
        ERROR = "ERROR", "Con error"
        CANCELADO = "CANCELADO", "Descartado"

    ACTIVAS = (Etapa.EN_COLA, Etapa.ANALIZANDO, Etapa.APLICANDO)

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trabajos_importacion"
    )
    modo = models.CharField(max_length=10, default="libro")  # "libro" or "captura"
    anio = models.PositiveSmallIntegerField("ejercicio")
    nombre = models.CharField("archivo subido", max_length=200)
    archivo = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    bytes = models.PositiveIntegerField(default=0)
    etapa = models.CharField(max_length=12, choices=Etapa, default=Etapa.EN_COLA)
    hechas = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    resumen = models.JSONField(default=dict, blank=True)
    mensaje = models.TextField(blank=True)
    confirmado = models.DateTimeField(null=True, blank=True)
    creado = models.DateTimeField(auto_now_add=True)
    actualizado = models.DateTimeField(default=timezone.now)
    terminado = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-creado", "-id"]
        verbose_name = "trabajo de importación"
        verbose_name_plural = "trabajos de importación"
        indexes = [
            models.Index(fields=["usuario", "-creado"], name="plantilla_trabajo_usuario"),
        ]

    def __str__(self) -> str:
        return f"{self.nombre} ({self.get_etapa_display()})"

    @property
    def activo(self) -> bool:
        return self.etapa in self.ACTIVAS

    def interrumpido_desde(self, ultima_senal) -> bool:
        """Active but silent for longer than POA_TRABAJO_MINUTOS_MAXIMOS: whatever ran it died.

        `ultima_senal`: the latest sign of life (the row's `actualizado`, or the progress
        file written during the apply transaction).
        """
        limite = timezone.now() - timedelta(minutes=settings.POA_TRABAJO_MINUTOS_MAXIMOS)
        return self.activo and ultima_senal < limite
