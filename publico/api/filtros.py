"""Query filters of the API: ids and years validated as bounded integers (a 400, never a 500)."""

from __future__ import annotations

import django_filters as df
from django import forms

from avances.models import TrimestreFirma
from programas.models import Ejercicio, Meta, Programa, Ramo, UnidadEjecutora

MAX_ID = 10**18 - 1


class Entero(df.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, minimo: int = 1, maximo: int = MAX_ID, **kwargs):
        kwargs.setdefault("min_value", minimo)
        kwargs.setdefault("max_value", maximo)
        super().__init__(*args, **kwargs)


def filtro_anio(campo: str) -> Entero:
    return Entero(field_name=campo, minimo=1900, maximo=2999, label="Año del ejercicio")


class FiltroEjercicio(df.FilterSet):
    anio = filtro_anio("anio")

    class Meta:
        model = Ejercicio
        fields: list[str] = []


class FiltroRamo(df.FilterSet):
    ejercicio = filtro_anio("ejercicio__anio")

    class Meta:
        model = Ramo
        fields: list[str] = []


class FiltroPrograma(df.FilterSet):
    ejercicio = filtro_anio("ramo__ejercicio__anio")
    ramo = Entero(field_name="ramo_id", label="Id del ramo")

    class Meta:
        model = Programa
        fields: list[str] = []


class FiltroUnidad(FiltroPrograma):
    class Meta:
        model = UnidadEjecutora
        fields: list[str] = []


class FiltroMeta(df.FilterSet):
    ejercicio = filtro_anio("programa__ramo__ejercicio__anio")
    ramo = Entero(field_name="programa__ramo_id", label="Id del ramo")
    programa = Entero(field_name="programa_id", label="Id del programa")
    unidad = Entero(field_name="unidad_id", label="Id de la unidad ejecutora")

    class Meta:
        model = Meta
        fields: list[str] = []


class FiltroReporte(df.FilterSet):
    ejercicio = filtro_anio("programa__ramo__ejercicio__anio")
    trimestre = Entero(field_name="trimestre", minimo=1, maximo=4, label="Trimestre (1 a 4)")
    programa = Entero(field_name="programa_id", label="Id del programa")
    unidad = Entero(field_name="unidad_id", label="Id de la unidad ejecutora")
    estado = df.ChoiceFilter(choices=TrimestreFirma.Estado.choices, label="Estado del reporte")

    class Meta:
        model = TrimestreFirma
        fields: list[str] = []
