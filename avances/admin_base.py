"""The admin site: only Planeación (or a superuser) may enter, and lock refusals are messages."""

from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from programas.scope import es_planeacion


class PoaAdminSite(admin.AdminSite):
    site_header = "POA municipal — administración"
    site_title = "POA municipal"
    index_title = "Catálogos y registros"

    def has_permission(self, request) -> bool:
        """Staff of Planeación only: other roles would see data outside their scope."""
        user = request.user
        return user.is_active and user.is_staff and es_planeacion(user)


@contextmanager
def bloqueo_como_error():
    """Turn a lock refusal into a form error, so the admin re-renders the form with the reason."""
    from avances.bloqueo import TrimestreBloqueado

    try:
        yield
    except TrimestreBloqueado as exc:
        raise forms.ValidationError(f"No se guardó nada: {exc.mensaje}") from None


def exigir_mes_mensual_abierto(form: forms.ModelForm, *, campos: tuple[str, ...], accion: str):
    """Lock check of a monthly row (Avance, Programado) edited in the admin.

    A new row touches its month; an edited one touches its old and its new (meta, month) when
    any value changed. Raises a form ValidationError naming meta and months.
    """
    meta, mes = form.cleaned_data.get("meta"), form.cleaned_data.get("mes")
    if meta is None or mes is None:
        return
    tocados: dict[int, set[int]] = {meta.pk: {mes}}
    instancia = form.instance
    if instancia.pk is not None:
        # Compared with the stored row, not the form's initial data: a history "revert" form
        # starts from the old version, so its initial data is not what is in the database.
        previo = type(instancia).objects.filter(pk=instancia.pk).values("meta_id", "mes", *campos)
        previo = previo.first()
        if previo is not None:
            nuevo = {"meta_id": meta.pk, "mes": mes}
            nuevo.update({c: form.cleaned_data.get(c) for c in campos})
            if all(previo[c] == nuevo[c] for c in previo):
                return
            tocados.setdefault(previo["meta_id"], set()).add(previo["mes"])
    from avances.bloqueo import exigir_meses_abiertos
    from programas.models import Meta

    with bloqueo_como_error():
        for meta_id, meses in tocados.items():
            objetivo = meta if meta_id == meta.pk else Meta.objects.get(pk=meta_id)
            exigir_meses_abiertos(meta=objetivo, meses=meses, accion=accion)


class PoaModelAdmin(admin.ModelAdmin):
    """Planeación may do everything the admin offers; a locked quarter refuses with a message.

    Tracked models check the lock in their admin form's clean() (`bloqueo_como_error`), so a
    refused edit comes back with the reason and the user's input. The model guards of
    avances.bloqueo stay as the last line: a write that still reaches them (a bulk delete, an
    inline deletion) raises TrimestreBloqueado inside the admin's transaction, which is
    rolled back whole, and the user sees the Spanish reason instead of an error page.
    """

    list_per_page = 50

    def has_view_permission(self, request, obj=None) -> bool:
        return es_planeacion(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return es_planeacion(request.user)

    def has_add_permission(self, request) -> bool:
        return es_planeacion(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return es_planeacion(request.user)

    def has_module_permission(self, request) -> bool:
        return es_planeacion(request.user)

    def _con_bloqueo(self, request, vista, *args, **kwargs):
        from avances.bloqueo import TrimestreBloqueado

        try:
            return vista(request, *args, **kwargs)
        except TrimestreBloqueado as exc:
            messages.error(request, f"No se guardó nada: {exc.mensaje}")
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._con_bloqueo(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._con_bloqueo(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._con_bloqueo(request, super().changelist_view, *args, **kwargs)


class PoaInlineMixin:
    """Inlines follow the same rule as their parent: Planeación may do what the inline offers.

    Without it an inline falls back to Django's per-model permissions, which Planeación users
    (not superusers) do not hold, and the inline silently disappears from the page.
    """

    def has_view_permission(self, request, obj=None) -> bool:
        return es_planeacion(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return es_planeacion(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return es_planeacion(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return es_planeacion(request.user)


class PoaReadOnlyAdmin(PoaModelAdmin):
    """A record written only by the app's own workflow: Planeación reads it here, never edits."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PoaReadOnlyInlineMixin(PoaInlineMixin):
    """An audit record shown under its parent: visible to Planeación, never written here."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PoaHistoryAdmin(PoaModelAdmin, SimpleHistoryAdmin):
    """Tracked models: each record's history (who, when, old → new) and a guarded revert."""

    def history_form_view(self, request, *args, **kwargs):
        # A revert is a write like any other: one transaction, and a lock refusal is a message.
        with transaction.atomic():
            return self._con_bloqueo(request, super().history_form_view, *args, **kwargs)
