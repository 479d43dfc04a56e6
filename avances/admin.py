"""Admin of captured values, periods and the sign-off record (the workflow itself is in the app)."""

from django import forms
from django.contrib import admin

from avances.admin_base import (
    PoaHistoryAdmin,
    PoaModelAdmin,
    PoaReadOnlyAdmin,
    PoaReadOnlyInlineMixin,
    exigir_mes_mensual_abierto,
)
from avances.models import (
    Avance,
    AvanceIndicador,
    AvanceVariable,
    EventoFirma,
    FechaLimite,
    Periodo,
    SolicitudReapertura,
    TrimestreFirma,
)


class AvanceAdminForm(forms.ModelForm):
    class Meta:
        model = Avance
        fields = ["meta", "mes", "realizado", "observaciones"]

    def clean(self):
        datos = super().clean()
        exigir_mes_mensual_abierto(
            self, campos=("realizado", "observaciones"), accion="modificar el avance"
        )
        return datos


@admin.register(Avance)
class AvanceAdmin(PoaHistoryAdmin):
    form = AvanceAdminForm
    list_display = [
        "meta",
        "mes",
        "realizado",
        "observaciones_cortas",
        "version",
        "actualizado_por",
    ]
    list_filter = ["meta__programa__ramo__ejercicio", "mes", "meta__programa__ramo"]
    search_fields = ["meta__clave", "meta__descripcion", "meta__unidad__clave", "observaciones"]
    list_select_related = ["meta", "actualizado_por"]
    raw_id_fields = ["meta"]
    readonly_fields = ["version", "actualizado_por", "actualizado_en"]

    @admin.display(description="observaciones")
    def observaciones_cortas(self, obj) -> str:
        texto = obj.observaciones or ""
        return texto if len(texto) <= 60 else texto[:59] + "…"

    def save_model(self, request, obj, form, change) -> None:
        # Keep optimistic versioning meaningful: an admin edit is a new version too.
        if change:
            obj.version += 1
        obj.actualizado_por = request.user
        super().save_model(request, obj, form, change)


@admin.register(Periodo)
class PeriodoAdmin(PoaModelAdmin):
    list_display = ["ejercicio", "mes", "abierto"]
    list_filter = ["ejercicio", "abierto"]


@admin.register(FechaLimite)
class FechaLimiteAdmin(PoaModelAdmin):
    list_display = ["ejercicio", "trimestre", "fecha"]
    list_filter = ["ejercicio"]


class EventoFirmaInline(PoaReadOnlyInlineMixin, admin.TabularInline):
    model = EventoFirma
    extra = 0
    can_delete = False
    fields = ["fecha", "accion", "estado_anterior", "estado_nuevo", "nombre", "cargo", "comentario"]
    readonly_fields = fields
    ordering = ["fecha", "id"]


@admin.register(TrimestreFirma)
class TrimestreFirmaAdmin(PoaModelAdmin):
    """Read-only: signing, returning and reopening are audited acts done in the app."""

    list_display = ["programa", "unidad", "trimestre", "estado", "codigo_verificacion"]
    list_filter = ["estado", "trimestre", "programa__ramo__ejercicio", "programa__ramo"]
    search_fields = ["programa__clave", "unidad__clave", "codigo_verificacion"]
    list_select_related = ["programa", "unidad"]
    inlines = [EventoFirmaInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EventoFirma)
class EventoFirmaAdmin(PoaReadOnlyAdmin):
    """The audit trail of signatures, returns and reopenings: readable, never editable."""

    list_display = ["fecha", "firma", "accion", "nombre", "cargo", "comentario"]
    list_filter = ["accion", "firma__trimestre", "firma__programa__ramo"]
    search_fields = ["nombre", "comentario", "firma__unidad__clave", "firma__programa__clave"]
    list_select_related = ["firma__programa", "firma__unidad"]


@admin.register(SolicitudReapertura)
class SolicitudReaperturaAdmin(PoaReadOnlyAdmin):
    """Requests to reopen and their decisions: made in the app's panel, readable here."""

    list_display = ["creada_en", "firma", "solicitante_nombre", "estado", "decidida_por_nombre"]
    list_filter = ["estado", "firma__trimestre", "firma__programa__ramo"]
    search_fields = [
        "solicitante_nombre",
        "motivo",
        "firma__unidad__clave",
        "firma__programa__clave",
    ]
    list_select_related = ["firma__programa", "firma__unidad"]


@admin.register(AvanceVariable)
class AvanceVariableAdmin(PoaHistoryAdmin):
    list_display = ["variable", "periodo", "realizado", "version", "actualizado_por"]
    list_filter = ["variable__indicador__programa__ramo__ejercicio", "periodo"]
    search_fields = ["variable__simbolo", "variable__indicador__clave"]
    list_select_related = ["variable__indicador", "actualizado_por"]
    raw_id_fields = ["variable"]
    readonly_fields = ["version", "actualizado_por", "actualizado_en"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.version += 1
        obj.actualizado_por = request.user
        super().save_model(request, obj, form, change)


@admin.register(AvanceIndicador)
class AvanceIndicadorAdmin(AvanceVariableAdmin):
    list_display = ["indicador", "periodo", "justificacion", "version", "actualizado_por"]
    list_filter = ["indicador__programa__ramo__ejercicio", "periodo"]
    search_fields = ["indicador__clave", "justificacion"]
    list_select_related = ["indicador", "actualizado_por"]
    raw_id_fields = ["indicador"]
