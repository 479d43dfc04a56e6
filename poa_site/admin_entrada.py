"""The admin's login for people already signed in who may not use the admin.

Django's admin answers them with its own login form and "no está autorizado", which looks like
a broken session. They are sent to their home page with a message in Spanish instead.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect


def entrada_admin(request, *args, **kwargs):
    user = request.user
    if user.is_authenticated and not admin.site.has_permission(request):
        messages.info(
            request,
            "El administrador es solo para el personal de Planeación con cuenta de "
            "administración; sus pantallas están en el menú.",
        )
        return redirect(settings.LOGIN_REDIRECT_URL)
    return admin.site.login(request, *args, **kwargs)
