"""Admin of the MIR (objectives, indicators, variables, programados) and the PMD alignment."""

from django.contrib import admin

from avances.admin_base import PoaHistoryAdmin, PoaInlineMixin, PoaModelAdmin
from programas.models import AlineacionPMD, Indicador, ObjetivoMIR, ProgramadoVariable, Variable


class VariableInline(PoaInlineMixin, admin.TabularInline):
    model = Variable
    extra = 0
    fields = ["simbolo", "nombre", "unidad_medida", "comportamiento", "fuente", "meta"]
    raw_id_fields = ["meta"]


@admin.register(ObjetivoMIR)
class ObjetivoMIRAdmin(PoaHistoryAdmin):
    list_display = ["programa", "nivel", "clave", "resumen_narrativo"]
    list_filter = ["programa__ramo__ejercicio", "nivel", "programa__ramo"]
    search_fields = ["clave", "resumen_narrativo", "programa__clave"]
    list_select_related = ["programa__ramo"]
    raw_id_fields = ["programa", "componente"]


@admin.register(Indicador)
class IndicadorAdmin(PoaHistoryAdmin):
    list_display = ["programa", "clave", "nombre", "frecuencia", "unidad", "formula"]
    list_filter = ["programa__ramo__ejercicio", "frecuencia", "dimension", "programa__ramo"]
    search_fields = ["clave", "nombre", "programa__clave", "unidad__clave"]
    list_select_related = ["programa__ramo", "unidad"]
    raw_id_fields = ["programa", "objetivo", "unidad"]
    inlines = [VariableInline]


@admin.register(Variable)
class VariableAdmin(PoaHistoryAdmin):
    list_display = ["indicador", "simbolo", "nombre", "comportamiento", "meta"]
    list_filter = ["indicador__programa__ramo__ejercicio", "comportamiento"]
    search_fields = ["simbolo", "nombre", "indicador__clave"]
    list_select_related = ["indicador", "meta"]
    raw_id_fields = ["indicador", "meta"]


@admin.register(ProgramadoVariable)
class ProgramadoVariableAdmin(PoaHistoryAdmin):
    list_display = ["variable", "periodo", "valor"]
    list_filter = ["variable__indicador__programa__ramo__ejercicio", "periodo"]
    search_fields = ["variable__simbolo", "variable__indicador__clave"]
    list_select_related = ["variable__indicador"]
    raw_id_fields = ["variable"]


@admin.register(AlineacionPMD)
class AlineacionPMDAdmin(PoaModelAdmin):
    """The cronograma's table of alignment with the PMD (seed 002, DOMAIN.md §9)."""

    list_display = ["unidad", "numero", "modulo", "eje", "actividad_especifica"]
    list_filter = ["unidad__ramo__ejercicio", "unidad__ramo"]
    search_fields = ["modulo", "actividad_especifica", "unidad__clave"]
    list_select_related = ["unidad__ramo"]
    raw_id_fields = ["unidad"]
