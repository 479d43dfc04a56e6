"""django-filter filters of "Mis metas"."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from programas.models import Meta
from programas.scope import programas_visibles, ramos_visibles, unidades_visibles

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


class MetasFilter(django_filters.FilterSet):
    """Scoped filters; `trimestre` and `semaforo` are inputs of the selector's computation.

    The ejercicio is chosen by the view (`?ejercicio=`) and scopes the queryset and choices.
    """

    trimestre = django_filters.ChoiceFilter(
        choices=TRIMESTRES, method="calculado", label="Trimestre", empty_label=None
    )
    ramo = django_filters.ModelChoiceFilter(
        queryset=None, field_name="programa__ramo", label="Ramo", empty_label="Todos"
    )
    programa = django_filters.ModelChoiceFilter(
        queryset=None, field_name="programa", label="Programa", empty_label="Todos"
    )
    unidad = django_filters.ModelChoiceFilter(
        queryset=None, field_name="unidad", label="Unidad", empty_label="Todas"
    )
    semaforo = django_filters.ChoiceFilter(
        choices=SEMAFOROS, method="calculado", label="Semáforo", empty_label="Todos"
    )
    q = django_filters.CharFilter(
        method="buscar",
        label="Buscar",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "clave o descripción"}),
    )

    class Meta:
        model = Meta
        fields = ["trimestre", "ramo", "programa", "unidad", "semaforo", "q"]

    def __init__(self, *args, usuario, ejercicio, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["ramo"].queryset = ramos_visibles(usuario).filter(ejercicio=ejercicio)
        self.filters["programa"].queryset = programas_visibles(usuario).filter(
            ramo__ejercicio=ejercicio
        )
        self.filters["unidad"].queryset = unidades_visibles(usuario).filter(
            ramo__ejercicio=ejercicio
        )

    def calculado(self, queryset, name, value):
        """Applied by the selector over computed figures, not by the queryset."""
        return queryset

    def buscar(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(clave__icontains=value)
            | Q(descripcion__icontains=value)
            | Q(grupo__icontains=value)
            | Q(unidad_medida__icontains=value)
        )
