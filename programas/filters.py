"""django-filter filters of the structure browser (choices limited to the user's scope)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from programas.models import Meta
from programas.scope import programas_visibles, ramos_visibles, unidades_visibles


class EstructuraFilter(django_filters.FilterSet):
    """Ramo, programa, unidad and text, with choices limited to the user's scope.

    "Mis metas" (avances.filters.MetasFilter) extends it with trimestre and semáforo.
    """

    ramo = django_filters.ModelChoiceFilter(
        queryset=None, field_name="programa__ramo", label="Ramo", empty_label="Todos"
    )
    programa = django_filters.ModelChoiceFilter(
        queryset=None, field_name="programa", label="Programa", empty_label="Todos"
    )
    unidad = django_filters.ModelChoiceFilter(
        queryset=None, field_name="unidad", label="Unidad", empty_label="Todas"
    )
    q = django_filters.CharFilter(
        method="buscar",
        label="Buscar",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "clave o descripción"}),
    )

    class Meta:
        model = Meta
        fields = ["ramo", "programa", "unidad", "q"]

    def __init__(self, *args, usuario, ejercicio, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["ramo"].queryset = ramos_visibles(usuario).filter(ejercicio=ejercicio)
        self.filters["programa"].queryset = programas_visibles(usuario).filter(
            ramo__ejercicio=ejercicio
        )
        self.filters["unidad"].queryset = unidades_visibles(usuario).filter(
            ramo__ejercicio=ejercicio
        )

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
