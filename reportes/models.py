"""Background report jobs: who asked for what, progress and the resulting file."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

MENSAJE_INTERRUMPIDO = (
    "El trabajo no terminó: el servidor o el proceso que lo generaba se detuvo. "
    "Vuelva a solicitarlo desde Reportes."
)


class TrabajoReporte(models.Model):
    """A report rendered by a Celery task (large PDFs), with its progress for the web UI."""

    class Estado(models.TextChoices):
        PENDIENTE = "PENDIENTE", "En cola"
        EN_PROCESO = "EN_PROCESO", "Generando"
        TERMINADO = "TERMINADO", "Listo"
        ERROR = "ERROR", "Con error"

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trabajos_reporte"
    )
    reporte = models.CharField("formato", max_length=40)
    parametros = models.JSONField(default=dict)
    estado = models.CharField(max_length=12, choices=Estado, default=Estado.PENDIENTE)
    hechas = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    archivo = models.CharField(max_length=500, blank=True)  # relative to MEDIA_ROOT
    nombre_archivo = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    mensaje = models.TextField(blank=True)
    creado = models.DateTimeField(auto_now_add=True)
    terminado = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-creado", "-id"]
        verbose_name = "trabajo de reporte"
        verbose_name_plural = "trabajos de reporte"
        indexes = [
            # The Reportes page lists the user's latest jobs.
            models.Index(fields=["usuario", "-creado"], name="reportes_trabajo_usuario"),
        ]

    def __str__(self) -> str:
        return f"{self.reporte} ({self.get_estado_display()})"

    @property
    def porcentaje(self) -> int:
        """Progress for the bar (display only)."""
        if self.estado == self.Estado.TERMINADO:
            return 100
        return int(self.hechas * 100 / self.total) if self.total else 0

    @property
    def interrumpido(self) -> bool:
        """Still queued or running long after it was requested: whatever ran it stopped."""
        activo = self.estado in (self.Estado.PENDIENTE, self.Estado.EN_PROCESO)
        limite = timezone.now() - timedelta(minutes=settings.POA_TRABAJO_MINUTOS_MAXIMOS)
        return activo and self.creado < limite

    @property
    def en_curso(self) -> bool:
        """Queued or running, and not interrupted: the job page keeps polling."""
        return self.estado_visible in (self.Estado.PENDIENTE, self.Estado.EN_PROCESO)

    @property
    def estado_visible(self) -> str:
        return "INTERRUMPIDO" if self.interrumpido else self.estado

    @property
    def etiqueta(self) -> str:
        return "Interrumpido" if self.interrumpido else self.get_estado_display()

    @property
    def mensaje_visible(self) -> str:
        return MENSAJE_INTERRUMPIDO if self.interrumpido else self.mensaje
