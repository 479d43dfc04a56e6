"""The admin site: only Planeación (or a superuser) may enter, and lock refusals are messages."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from programas.scope import es_planeacion


class PoaAdminSite(admin.AdminSite):
    site_header = "POA municipal — administración"
    site_title = "POA municipal"
    index_title = "Catálogos y registros"

    def has_permission(self, request) -> bool:
        """Staff of Planeación only: other roles would see data outside their scope."""
        user = request.user
        return user.is_active and user.is_staff and es_planeacion(user)


class PoaModelAdmin(admin.ModelAdmin):
    """Planeación may do everything the admin offers; a locked quarter refuses with a message.

    The lock itself lives in the domain layer (avances.bloqueo model guards): a refused write
    raises TrimestreBloqueado inside the admin's transaction, which is rolled back whole, and
    the user sees the Spanish reason instead of an error page.
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
