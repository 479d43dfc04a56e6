"""Spanish error pages also with DEBUG on (as `make run` uses it).

With DEBUG off Django already renders templates/403.html, 404.html and 500.html. With DEBUG on
it shows its technical pages instead, and the 404 one lists every URL of the site. This
middleware (the last one of MIDDLEWARE, so APPEND_SLASH still redirects a missing slash)
renders the same Spanish pages in DEBUG. The technical traceback of a 500 is kept only when
the environment asks for it with POA_DEBUG_TRAZA=1.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver

log_peticiones = logging.getLogger("django.request")


def traza_tecnica() -> bool:
    """True when the developer asked for Django's technical 500 page (POA_DEBUG_TRAZA=1)."""
    return os.environ.get("POA_DEBUG_TRAZA", "").strip().lower() in {"1", "true", "si", "sí"}


def pagina_404(request) -> HttpResponseNotFound:
    return HttpResponseNotFound(render(request, "404.html").content)


def pagina_403(request, exception: PermissionDenied) -> HttpResponseForbidden:
    mensaje = str(exception) if exception.args else ""
    return HttpResponseForbidden(render(request, "403.html", {"exception": mensaje}).content)


MENSAJE_BASE_NO_DISPONIBLE = (
    "La base de datos no responde en este momento; no se guardó nada. "
    "Espere unos segundos y vuelva a intentarlo."
)


def base_no_disponible(request) -> HttpResponse:
    """503 with a retry message when the database is unreachable (restart, network)."""
    if "application/json" in request.headers.get("Accept", ""):
        respuesta = JsonResponse(
            {"estado": "error", "mensaje": MENSAJE_BASE_NO_DISPONIBLE}, status=503
        )
    else:
        respuesta = HttpResponse(
            '<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8">'
            "<title>Servicio no disponible · POA municipal</title></head><body><main>"
            f"<h1>Servicio no disponible</h1><p>{MENSAJE_BASE_NO_DISPONIBLE}</p>"
            '<p><a href="">Volver a intentar</a></p></main></body></html>',
            status=503,
        )
    respuesta["Retry-After"] = "10"
    respuesta["Cache-Control"] = "no-store"
    sesion = getattr(request, "session", None)
    if sesion is not None and not hasattr(sesion, "_session_cache"):
        # The session could not be loaded: answer with it empty (not deleted, not saved)
        # so no middleware after this one queries the database again.
        sesion._session_cache = {}
    return respuesta


def pagina_500() -> HttpResponseServerError:
    # Self-contained: no context processors or database, which may be what failed.
    return HttpResponseServerError(render_to_string("500.html"))


class PaginasDeErrorMiddleware:
    """In DEBUG, answer unknown URLs, Http404 and PermissionDenied with the Spanish pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            urlconf = getattr(request, "urlconf", None)
            try:
                get_resolver(urlconf).resolve(request.path_info)
            except Resolver404:
                return pagina_404(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) and not traza_tecnica():
            log_peticiones.error(
                "Base de datos sin respuesta: %s %s", request.method, request.path,
                exc_info=exception,
            )  # fmt: skip
            return base_no_disponible(request)
        if not settings.DEBUG:
            return None  # Django's own handlers render the same templates
        if isinstance(exception, Http404):
            return pagina_404(request)
        if isinstance(exception, PermissionDenied):
            return pagina_403(request, exception)
        if traza_tecnica():
            return None
        log_peticiones.error(
            "Error interno: %s %s", request.method, request.path, exc_info=exception
        )
        return pagina_500()
