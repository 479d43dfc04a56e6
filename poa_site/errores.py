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
from django.http import (
    Http404,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
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
