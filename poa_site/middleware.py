"""Site-wide middleware: bad query strings, private caching, request and denial logs."""

import logging
import time

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

log_peticiones = logging.getLogger("poa.peticiones")
log_seguridad = logging.getLogger("poa.seguridad")

# A query-string value of only digits longer than this cannot be an id (BigAutoField).
MAX_DIGITOS_ID = 18
# Free-text parameters: a long number typed in a search box is text, not an id.
PARAMETROS_TEXTO = {"q", "buscar", "codigo"}


def error_en_parametros(query_dict) -> str | None:
    """The Spanish reason a query string is refused, or None when it is acceptable."""
    for nombre, valores in query_dict.lists():
        if "\x00" in nombre:
            return "La dirección contiene un carácter no válido (NUL)."
        for valor in valores:
            if "\x00" in valor:
                return f"El parámetro «{nombre}» contiene un carácter no válido (NUL)."
            limpio = valor.strip().lstrip("+-")
            if (
                nombre not in PARAMETROS_TEXTO
                and limpio.isdigit()
                and len(limpio.lstrip("0")) > MAX_DIGITOS_ID
            ):
                return f"El parámetro «{nombre}» no es un identificador válido."
    return None


def solicitud_invalida(request, mensaje: str):
    html = render_to_string("400.html", {"mensaje": mensaje}, request=request)
    return HttpResponseBadRequest(html)


class ParametrosSegurosMiddleware:
    """Refuse query strings with NUL bytes or out-of-range ids with a 400 page in Spanish."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        mensaje = error_en_parametros(request.GET)
        if mensaje:
            log_seguridad.warning(
                "Parámetros rechazados: %s %s usuario=%s",
                request.method,
                request.path,
                _usuario_id(request),
            )
            return solicitud_invalida(request, mensaje)
        return self.get_response(request)


class SesionDeslizanteMiddleware:
    """Sliding session expiry with at most one session write per renewal interval.

    The session of an active user is saved (its expiry moved SESSION_COOKIE_AGE ahead) when
    its last renewal is older than POA_SESION_RENOVAR_SEGUNDOS; other requests only read it.
    An idle user is logged out between SESSION_COOKIE_AGE minus that interval and
    SESSION_COOKIE_AGE after their last request.
    """

    CLAVE = "_poa_renovada"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sesion = getattr(request, "session", None)
        if sesion is None or sesion.is_empty() or response.status_code >= 500:
            return response
        ahora = int(time.time())
        try:
            renovada = int(sesion.get(self.CLAVE, 0))
        except (TypeError, ValueError, DatabaseError):
            return response
        if ahora - renovada >= settings.POA_SESION_RENOVAR_SEGUNDOS:
            sesion[self.CLAVE] = ahora  # marks it modified: SessionMiddleware saves it
        return response


class SinCacheAutenticadoMiddleware:
    """`Cache-Control: private, no-store` on every response to an authenticated user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _autenticado(request) is not False:  # unknown (database down): no-store too
            response["Cache-Control"] = "private, no-store"
        return response


class RegistroPeticionesMiddleware:
    """One log line per request: method, path, status, user id and duration; denials
    (403/404) also go to `poa.seguridad` with the user who asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        inicio = time.monotonic()
        response = self.get_response(request)
        ms = (time.monotonic() - inicio) * 1000
        usuario = _usuario_id(request)
        log_peticiones.info(
            "%s %s %s usuario=%s %.1fms",
            request.method,
            request.path,
            response.status_code,
            usuario,
            ms,
            extra={
                "metodo": request.method,
                "ruta": request.path,
                "estado": response.status_code,
                "usuario_id": usuario,
                "duracion_ms": round(ms, 1),
            },
        )
        if response.status_code in (403, 404) and usuario != "-":
            log_seguridad.warning(
                "Acceso denegado (%s): %s %s usuario=%s",
                response.status_code,
                request.method,
                request.path,
                usuario,
            )
        return response


def _autenticado(request) -> bool | None:
    """Whether the request has a logged-in user; None when the session cannot be read
    (the database is down: the response is already the retry message)."""
    user = getattr(request, "user", None)
    if user is None:
        return False
    try:
        return bool(user.is_authenticated)
    except DatabaseError:
        return None


def _usuario_id(request) -> str:
    if _autenticado(request):
        return str(request.user.pk)
    return "-"
