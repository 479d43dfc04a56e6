"""Admin of the POA structure: search, filters and inlines so Planeación can fix any record."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from avances.admin_base import (
    PoaHistoryAdmin,
    PoaInlineMixin,
    PoaModelAdmin,
    PoaReadOnlyAdmin,
    PoaReadOnlyInlineMixin,
    bloqueo_como_error,
    exigir_mes_mensual_abierto,
)
from avances.bloqueo import (
    cambios_de_vigencia,
    exigir_meses_abiertos,
    exigir_vigencia_intacta,
    trimestres_autorizados,
)
from planeacion.services import validar_calendario
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
    Responsable,
    UnidadEjecutora,
)

CERO = Decimal(0)


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


class PresupuestoInline(PoaInlineMixin, admin.TabularInline):
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
        ("Responsable (Revisó)", {"fields": ["responsable_nombre", "responsable_cargo"]}),
    ]


@admin.register(UnidadEjecutora)
class UnidadEjecutoraAdmin(PoaModelAdmin):
    list_display = ["clave", "nombre", "ramo", "responsable_nombre", "responsable_cargo"]
    list_filter = ["ramo__ejercicio", "ramo"]
    search_fields = ["clave", "nombre", "ramo__clave", "responsable_nombre"]
    list_select_related = ["ramo__ejercicio"]


@admin.register(Responsable)
class ResponsableAdmin(PoaReadOnlyAdmin):
    """Who held each post from which month: read here, edited on the Responsables page.

    The page (planeacion.catalogos.responsables_guardar) keeps the post's current holder
    and its vigencias in step; an edit here could leave them apart.
    """

    list_display = ["nombre", "cargo", "desde", "ramo", "programa", "unidad"]
    list_filter = ["desde", "ramo__ejercicio"]
    search_fields = ["nombre", "cargo", "ramo__clave", "programa__clave", "unidad__clave"]
    list_select_related = ["ramo", "programa", "unidad"]


@admin.register(LineaPMD)
class LineaPMDAdmin(PoaModelAdmin):
    list_display = ["codigo", "nombre", "ejercicio"]
    list_filter = ["ejercicio"]
    search_fields = ["codigo", "nombre"]


class ProgramadoInlineFormSet(BaseInlineFormSet):
    """The twelve months of a meta edited together with it: lock and SUMA checked as a whole."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        meta = self.instance
        meses = {} if meta.pk is None else dict(meta.programados.values_list("mes", "valor"))
        tocados: set[int] = set()
        for form in self.forms:
            datos = getattr(form, "cleaned_data", None)
            if not datos:
                continue  # an untouched extra row
            previo = form.initial.get("mes") if form.instance.pk else None
            if self.can_delete and self._should_delete_form(form):
                if previo is not None:
                    meses.pop(previo, None)
                    tocados.add(previo)
                continue
            if previo is not None and not form.has_changed():
                continue
            if previo is not None and previo != datos["mes"]:
                meses.pop(previo, None)
                tocados.add(previo)
            meses[datos["mes"]] = datos["valor"]
            tocados.add(datos["mes"])
        if meta.pk is not None and tocados:
            with bloqueo_como_error():
                exigir_meses_abiertos(meta=meta, meses=tocados, accion="cambiar lo programado")
        if isinstance(meta.meta_anual, Decimal) and isinstance(meta.mes_inicio, int):
            validar_calendario(
                meta_anual=meta.meta_anual,
                programados=[meses.get(m, CERO) for m in range(1, 13)],
                mes_inicio=meta.mes_inicio,
                tipo=meta.tipo_acumulacion,
            )


class ProgramadoInline(PoaInlineMixin, admin.TabularInline):
    model = Programado
    formset = ProgramadoInlineFormSet
    max_num = 12
    fields = ["mes", "valor"]
    ordering = ["mes"]

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 0 if obj is not None else 12  # a new meta starts with its twelve months


class ReprogramacionInline(PoaReadOnlyInlineMixin, admin.TabularInline):
    model = Reprogramacion
    extra = 0
    can_delete = False
    fields = [
        "tipo", "mes_desde", "meta_anual_anterior", "meta_anual_nueva",
        "mes_inicio_anterior", "mes_inicio_nuevo", "motivo", "usuario", "fecha",
    ]  # fmt: skip
    readonly_fields = fields  # made by the planning services, with a reason


class MetaAdminForm(forms.ModelForm):
    """A direct edit may not change what an authorized quarter reports (avances.bloqueo)."""

    class Meta:
        model = Meta
        fields = [
            "programa", "unidad", "clave", "grupo", "descripcion", "unidad_medida", "meta_anual",
            "meta_anual_original", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir",
            "lineas_pmd", "orden",
        ]  # fmt: skip

    def _post_clean(self):
        super()._post_clean()
        meta = self.instance
        if meta.pk is None or self.errors:
            return
        previo = (
            Meta.objects.filter(pk=meta.pk)
            .values("programa_id", "unidad_id", "tipo_acumulacion", "sentido", "meta_anual",
                    "mes_inicio")
            .get()
        )  # fmt: skip
        autorizados = trimestres_autorizados(
            programa_id=previo["programa_id"], unidad_id=previo["unidad_id"]
        )
        if not autorizados:
            return
        original = Meta(pk=meta.pk, clave=meta.clave, **previo)
        try:
            with bloqueo_como_error():
                if any(
                    previo[c] != getattr(meta, c)
                    for c in ("programa_id", "unidad_id", "tipo_acumulacion", "sentido")
                ):
                    exigir_meses_abiertos(
                        meta=original, meses=range(1, 13), accion="cambiar la meta",
                        autorizados=autorizados,
                    )  # fmt: skip
                cambios = cambios_de_vigencia(meta.pk)
                exigir_vigencia_intacta(
                    meta=original,
                    antes=(previo["meta_anual"], previo["mes_inicio"], cambios),
                    despues=(meta.meta_anual, meta.mes_inicio, cambios),
                    accion="cambiar la meta anual vigente",
                    autorizados=autorizados,
                )
        except forms.ValidationError as exc:
            self.add_error(None, exc)


@admin.register(Meta)
class MetaAdmin(PoaHistoryAdmin):
    form = MetaAdminForm
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

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ProgramadoInline) and obj.pk is None:
            kwargs["initial"] = [{"mes": mes} for mes in range(1, 13)]
        return kwargs

    @admin.display(description="descripción", ordering="descripcion")
    def descripcion_corta(self, obj) -> str:
        return obj.descripcion if len(obj.descripcion) <= 80 else obj.descripcion[:79] + "…"


class ProgramadoAdminForm(forms.ModelForm):
    """One month alone: the lock, and a SUMA meta must still add up to its meta anual."""

    class Meta:
        model = Programado
        fields = ["meta", "mes", "valor"]

    def clean(self):
        datos = super().clean()
        exigir_mes_mensual_abierto(self, campos=("valor",), accion="cambiar lo programado")
        meta, mes, valor = datos.get("meta"), datos.get("mes"), datos.get("valor")
        if meta is None or mes is None or valor is None:
            return datos
        meses = dict(meta.programados.exclude(pk=self.instance.pk).values_list("mes", "valor"))
        meses[mes] = valor
        try:
            validar_calendario(
                meta_anual=meta.meta_anual,
                programados=[meses.get(m, CERO) for m in range(1, 13)],
                mes_inicio=meta.mes_inicio,
                tipo=meta.tipo_acumulacion,
            )
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                f"{exc.messages[0]} Edite la calendarización desde la meta {meta.clave} para "
                "ajustar también la meta anual, o use «Reprogramar» en la aplicación."
            ) from None
        return datos


@admin.register(Programado)
class ProgramadoAdmin(PoaHistoryAdmin):
    form = ProgramadoAdminForm
    list_display = ["meta", "mes", "valor"]
    list_filter = ["meta__programa__ramo__ejercicio", "mes"]
    search_fields = ["meta__clave", "meta__descripcion", "meta__unidad__clave"]
    list_select_related = ["meta"]
    raw_id_fields = ["meta"]


@admin.register(Reprogramacion)
class ReprogramacionAdmin(PoaReadOnlyAdmin):
    """Read-only: a reprogramación decides which meta each quarter reports against, so it is
    made (with its reason and the lock check) only by «Reprogramar» / «Reexpedir» in the app."""

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


from planeacion import admin_mir  # noqa: E402, F401  (registers the MIR models)
