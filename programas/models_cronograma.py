"""The área's alignment with the Plan Municipal de Desarrollo (seed 002, DOMAIN.md §9)."""

from django.db import models


class AlineacionPMD(models.Model):
    """One row of the table *Módulo / Proyecto general | Eje | Línea estratégica | Acción del
    PMD | Actividad específica* of a unidad's cronograma."""

    unidad = models.ForeignKey(
        "programas.UnidadEjecutora", on_delete=models.CASCADE, related_name="alineaciones"
    )
    numero = models.PositiveSmallIntegerField("N°")
    modulo = models.CharField("módulo / proyecto general", max_length=300, blank=True)
    eje = models.CharField("eje estratégico del PMD", max_length=300, blank=True)
    linea_estrategica = models.CharField("línea estratégica del PMD", max_length=300, blank=True)
    accion_pmd = models.CharField("acción del PMD", max_length=300, blank=True)
    actividad_especifica = models.CharField("actividad específica", max_length=500, blank=True)

    class Meta:
        ordering = ["unidad", "numero"]
        verbose_name = "alineación con el PMD"
        verbose_name_plural = "alineación con el PMD"
        constraints = [
            models.UniqueConstraint(
                fields=["unidad", "numero"], name="programas_alineacionpmd_numero_unico"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero}. {self.modulo or self.actividad_especifica}"[:80]
