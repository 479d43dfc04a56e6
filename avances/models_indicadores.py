"""Captured values of the MIR indicators (DOMAIN.md §8): realized values and justificaciones.

Like `Avance` for metas: one row per (variable, periodo) and per (indicador, periodo), with
optimistic versioning and history. A period is named by its last month (TRIMESTRAL: 3..12).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from programas.models import DECIMAL, Indicador, Variable

MAX_JUSTIFICACION = 4000


class AvanceVariable(models.Model):
    """Realized value of a variable in one period (`realizado` NULL = not captured yet)."""

    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="avances")
    periodo = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    realizado = models.DecimalField(null=True, blank=True, **DECIMAL)
    version = models.PositiveIntegerField(default=1)
    actualizado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actualizado_en = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["actualizado_en"])

    class Meta:
        ordering = ["variable", "periodo"]
        verbose_name = "avance de variable"
        verbose_name_plural = "avances de variables"
        constraints = [
            models.UniqueConstraint(
                fields=["variable", "periodo"], name="avances_avancevariable_unico"
            ),
            models.CheckConstraint(
                name="avances_avancevariable_periodo_valido",
                condition=Q(periodo__gte=1, periodo__lte=12),
            ),
            models.CheckConstraint(
                name="avances_avancevariable_no_negativo",
                condition=Q(realizado__isnull=True) | Q(realizado__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variable.simbolo} periodo {self.periodo}: {self.realizado}"


class AvanceIndicador(models.Model):
    """The justificación of an indicator in one period (required outside verde)."""

    indicador = models.ForeignKey(Indicador, on_delete=models.CASCADE, related_name="avances")
    periodo = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    justificacion = models.TextField("justificación", blank=True)
    version = models.PositiveIntegerField(default=1)
    actualizado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actualizado_en = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["actualizado_en"])

    class Meta:
        ordering = ["indicador", "periodo"]
        verbose_name = "justificación de indicador"
        verbose_name_plural = "justificaciones de indicadores"
        constraints = [
            models.UniqueConstraint(
                fields=["indicador", "periodo"], name="avances_avanceindicador_unico"
            ),
            models.CheckConstraint(
                name="avances_avanceindicador_periodo_valido",
                condition=Q(periodo__gte=1, periodo__lte=12),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicador.clave} periodo {self.periodo}"
