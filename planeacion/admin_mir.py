"""Admin of the MIR: objectives, indicators with their variables, programmed values."""

from django.contrib import admin

from avances.admin_base import PoaHistoryAdmin, PoaInlineMixin
from programas.models import Indicador, ObjetivoMIR, ProgramadoVariable, Variable


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
