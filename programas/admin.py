"""Admin of the POA structure: search, filters and inlines so Planeación can fix any record."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from poa_site.admin import PoaModelAdmin
from programas.models import (
    Asignacion,
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)


class PoaHistoryAdmin(PoaModelAdmin, SimpleHistoryAdmin):
    """Tracked models: the admin shows each record's history (who, when, old → new)."""


@admin.register(Ejercicio)
class EjercicioAdmin(PoaModelAdmin):
    list_display = ["anio", "verde_min", "verde_max", "amarillo_min", "amarillo_max"]
    search_fields = ["anio"]


@admin.register(Ramo)
class RamoAdmin(PoaModelAdmin):
    list_display = ["clave", "nombre", "ejercicio", "responsable_nombre", "responsable_cargo"]
    list_filter = ["ejercicio"]
    search_fields = ["clave", "nombre", "responsable_nombre"]
    list_select_related = ["ejercicio"]


class PresupuestoInline(admin.TabularInline):
    model = Presupuesto
    extra = 0
    fields = [
        "capitulo", "descripcion", "autorizado", "modificado",
        "devengado_t1", "devengado_t2", "devengado_t3", "devengado_t4",
    ]  # fmt: skip


@admin.register(Programa)
class ProgramaAdmin(PoaModelAdmin):
    list_display = ["clave", "nombre", "ramo", "finalidad", "funcion", "responsable_nombre"]
    list_filter = ["ramo__ejercicio", "ramo"]
    search_fields = ["clave", "nombre", "ramo__clave", "ramo__nombre", "responsable_nombre"]
    list_select_related = ["ramo__ejercicio"]
    inlines = [PresupuestoInline]
    fieldsets = [
        (None, {"fields": ["ramo", "clave", "nombre"]}),
        ("Clasificación funcional", {"fields": ["finalidad", "funcion", "subfuncion", "eje"]}),
        ("MIR", {"fields": ["fin", "proposito"]}),
        ("Responsable (Revisó)", {"fields": ["responsable_nombre", "responsable_cargo"]}),
    ]


@admin.register(UnidadEjecutora)
class UnidadEjecutoraAdmin(PoaModelAdmin):
    list_display = ["clave", "nombre", "ramo", "responsable_nombre", "responsable_cargo"]
    list_filter = ["ramo__ejercicio", "ramo"]
    search_fields = ["clave", "nombre", "ramo__clave", "responsable_nombre"]
    list_select_related = ["ramo__ejercicio"]


@admin.register(LineaPMD)
class LineaPMDAdmin(PoaModelAdmin):
    list_display = ["codigo", "nombre", "ejercicio"]
    list_filter = ["ejercicio"]
    search_fields = ["codigo", "nombre"]


class ProgramadoInline(admin.TabularInline):
    model = Programado
    extra = 0
    max_num = 12
    fields = ["mes", "valor"]
    ordering = ["mes"]


class ReprogramacionInline(admin.TabularInline):
    model = Reprogramacion
    extra = 0
    can_delete = False
    fields = [
        "tipo", "mes_desde", "meta_anual_anterior", "meta_anual_nueva",
        "mes_inicio_anterior", "mes_inicio_nuevo", "motivo", "usuario", "fecha",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # reprogramaciones are made through the planning service, with a reason


@admin.register(Meta)
class MetaAdmin(PoaHistoryAdmin):
    list_display = [
        "clave", "descripcion_corta", "unidad", "programa", "unidad_medida",
        "meta_anual", "mes_inicio", "tipo_acumulacion", "sentido",
    ]  # fmt: skip
    list_filter = [
        "programa__ramo__ejercicio", "programa__ramo", "tipo_acumulacion", "sentido", "nivel_mir",
    ]  # fmt: skip
    search_fields = ["clave", "descripcion", "grupo", "unidad__clave", "programa__clave"]
    list_select_related = ["unidad", "programa"]
    autocomplete_fields = ["lineas_pmd"]
    raw_id_fields = ["programa", "unidad"]
    inlines = [ProgramadoInline, ReprogramacionInline]

    @admin.display(description="descripción", ordering="descripcion")
    def descripcion_corta(self, obj) -> str:
        return obj.descripcion if len(obj.descripcion) <= 80 else obj.descripcion[:79] + "…"


@admin.register(Programado)
class ProgramadoAdmin(PoaHistoryAdmin):
    list_display = ["meta", "mes", "valor"]
    list_filter = ["meta__programa__ramo__ejercicio", "mes"]
    search_fields = ["meta__clave", "meta__descripcion", "meta__unidad__clave"]
    list_select_related = ["meta"]
    raw_id_fields = ["meta"]


@admin.register(Reprogramacion)
class ReprogramacionAdmin(PoaModelAdmin):
    list_display = ["meta", "tipo", "mes_desde", "meta_anual_anterior", "meta_anual_nueva", "fecha"]
    list_filter = ["tipo", "meta__programa__ramo__ejercicio"]
    search_fields = ["meta__clave", "motivo"]
    list_select_related = ["meta"]
    raw_id_fields = ["meta", "usuario"]


@admin.register(Presupuesto)
class PresupuestoAdmin(PoaHistoryAdmin):
    list_display = ["programa", "capitulo", "descripcion", "autorizado", "modificado"]
    list_filter = ["programa__ramo__ejercicio", "capitulo"]
    search_fields = ["programa__clave", "programa__nombre", "capitulo", "descripcion"]
    list_select_related = ["programa"]


@admin.register(Asignacion)
class AsignacionAdmin(PoaModelAdmin):
    list_display = ["usuario", "rol", "ramo", "programa", "unidad", "cargo"]
    list_filter = ["rol"]
    search_fields = ["usuario__username", "usuario__first_name", "usuario__last_name", "cargo"]
    list_select_related = ["usuario", "ramo", "programa", "unidad"]
    raw_id_fields = ["usuario", "ramo", "programa", "unidad"]
