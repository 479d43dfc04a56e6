"""django-tables2 table of the structure browser."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from programas.models import NOMBRES_MES, Meta
from programas.numeros import formatear_numero

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class MetasEstructuraTable(tables.Table):
    clave = tables.Column(verbose_name="Clave")
    descripcion = tables.Column(verbose_name="Meta / acción")
    unidad = tables.Column(
        verbose_name="Unidad", accessor="unidad__clave", order_by=("unidad__clave", "orden")
    )
    programa = tables.Column(
        verbose_name="Programa", accessor="programa__clave", order_by=("programa__clave",)
    )
    unidad_medida = tables.Column(verbose_name="U. de medida")
    meta_anual = tables.Column(verbose_name="Meta vigente", attrs=NUM)
    meta_anual_original = tables.Column(verbose_name="Original", attrs=NUM)
    mes_inicio = tables.Column(verbose_name="Vigente desde")
    tipo_acumulacion = tables.Column(verbose_name="Acumulación")

    class Meta:
        per_page = 50
        order_by = ("unidad", "clave")
        empty_text = "No hay metas que coincidan con los filtros."

    def render_clave(self, value, record):
        url = reverse("programas:meta", args=[record["id"]])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_unidad(self, value, record):
        return f"{value} {record['unidad__nombre']}"

    def render_programa(self, value, record):
        return f"{value} {record['programa__nombre']}"

    def render_meta_anual(self, value):
        return formatear_numero(value)

    def render_meta_anual_original(self, value):
        return formatear_numero(value)

    def render_mes_inicio(self, value):
        return NOMBRES_MES[value - 1]

    def render_tipo_acumulacion(self, value):
        return Meta.TipoAcumulacion(value).label
