"""django-tables2 tables of the capture screens (rows are plain dicts from the selectors)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from programas.models import Asignacion

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class MetasTable(tables.Table):
    """Mis metas: this quarter's P, R, %, semáforo and capture status per meta."""

    clave = tables.Column(verbose_name="Clave", attrs={"td": {"class": "clave"}})
    descripcion = tables.Column(verbose_name="Meta / acción", attrs={"td": {"class": "desc"}})
    unidad = tables.Column(verbose_name="Unidad", order_by=("unidad_clave", "clave"))
    programa = tables.Column(verbose_name="Programa", order_by=("programa_clave", "clave"))
    texto_programado = tables.Column(verbose_name="P trimestre", orderable=False, attrs=NUM)
    texto_realizado = tables.Column(verbose_name="R trimestre", orderable=False, attrs=NUM)
    porcentaje = tables.Column(verbose_name="% avance", orderable=False, attrs=NUM)
    semaforo = tables.Column(verbose_name="Semáforo")
    estado = tables.Column(verbose_name="Captura")
    acciones = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        attrs = {"class": "tabla-metas"}
        order_by = ("unidad", "programa", "clave")
        per_page = 50
        empty_text = "No hay metas que coincidan con los filtros."

    def render_clave(self, value, record):
        url = reverse("avances:historial", args=[record["meta_id"]])
        return format_html('<a href="{}" title="Historial de cambios">{}</a>', url, value)

    def render_descripcion(self, value, record):
        return format_html(
            '{}<br><span class="ayuda">{}</span>{}',
            value,
            record["unidad_medida"],
            mark_safe(' <span class="falta-obs">Falta justificación</span>')
            if record["falta_justificacion"]
            else "",
        )

    def render_semaforo(self, value, record):
        if value == "vacio":
            return "—"
        return format_html(
            '<span class="semaforo {}">{}</span>', value, record["semaforo_etiqueta"]
        )

    def render_estado(self, value, record):
        return format_html(
            '<span class="captura-estado {}">{}</span>', value, record["estado_etiqueta"]
        )

    def render_acciones(self, record):
        url = reverse("avances:captura", args=[record["unidad_id"], record["trimestre"]])
        return format_html(
            '<a class="boton chico" href="{}#meta-{}">Rejilla</a>', url, record["meta_id"]
        )


class AsignacionesTable(tables.Table):
    usuario = tables.Column(verbose_name="Usuario", accessor="usuario__username")
    nombre = tables.Column(
        verbose_name="Nombre", accessor="usuario__last_name", empty_values=(), orderable=True
    )
    rol = tables.Column(verbose_name="Rol")
    ambito = tables.Column(verbose_name="Ámbito", empty_values=(), orderable=False)
    cargo = tables.Column(verbose_name="Cargo")
    quitar = tables.TemplateColumn(
        template_name="avances/_quitar_asignacion.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Asignacion
        fields = ("usuario", "nombre", "rol", "ambito", "cargo")
        order_by = ("usuario",)
        per_page = 100
        empty_text = "No hay asignaciones."

    def render_nombre(self, record):
        return record.usuario.get_full_name() or "—"

    def render_ambito(self, record):
        if record.unidad_id:
            return f"Unidad {record.unidad.ramo.clave}-{record.unidad}"
        if record.programa_id:
            return f"Programa {record.programa.ramo.clave}-{record.programa}"
        if record.ramo_id:
            return f"Ramo {record.ramo} ({record.ramo.ejercicio})"
        return "Todo el municipio"
