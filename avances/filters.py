"""django-filter filters of "Mis metas"."""

from __future__ import annotations

import django_filters

from programas.filters import EstructuraFilter
from programas.models import Meta

SEMAFOROS = [
    ("verde", "Verde"),
    ("amarillo", "Amarillo"),
    ("rojo", "Rojo"),
    ("np", "N/P (no programado)"),
    ("sin_captura", "Sin captura"),
    ("vacio", "Sin programación"),
]
TRIMESTRES = [
    ("1", "1er trimestre"),
    ("2", "2º trimestre"),
    ("3", "3er trimestre"),
    ("4", "4º trimestre"),
]


class MetasFilter(EstructuraFilter):
    """Scoped filters; `trimestre` and `semaforo` are inputs of the selector's computation.

    The ejercicio is chosen by the view (`?ejercicio=`) and scopes the queryset and choices.
    """

    trimestre = django_filters.ChoiceFilter(
        choices=TRIMESTRES, method="calculado", label="Trimestre", empty_label=None
    )
    semaforo = django_filters.ChoiceFilter(
        choices=SEMAFOROS, method="calculado", label="Semáforo", empty_label="Todos"
    )

    class Meta:
        model = Meta
        fields = ["trimestre", "ramo", "programa", "unidad", "semaforo", "q"]

    def calculado(self, queryset, name, value):
        """Applied by the selector over computed figures, not by the queryset."""
        return queryset
