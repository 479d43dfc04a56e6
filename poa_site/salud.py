"""`/salud/`: is the site able to serve? Database, Redis and the Celery broker, as JSON."""

import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

NO_CONFIGURADO = "no configurado"
TIEMPO_ESPERA = 2.0  # seconds per check: a health probe must answer quickly


def _base_de_datos() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return False, f"sin respuesta ({type(exc).__name__})"
    return True, "ok"


def _redis_responde(url: str) -> tuple[bool, str]:
    """PING the Redis server of a redis:// URL (no client library needed)."""
    partes = urlsplit(url)
    try:
        with socket.create_connection(
            (partes.hostname or "127.0.0.1", partes.port or 6379), timeout=TIEMPO_ESPERA
        ) as s:
            if partes.password:
                usuario = partes.username or "default"
                s.sendall(f"AUTH {usuario} {partes.password}\r\n".encode())
                s.recv(64)
            s.sendall(b"PING\r\n")
            respuesta = s.recv(64)
    except OSError as exc:
        return False, f"sin respuesta ({type(exc).__name__})"
    if respuesta.startswith(b"+PONG"):
        return True, "ok"
    return False, "respuesta inesperada"


def _broker() -> tuple[bool | None, str]:
    url = settings.CELERY_BROKER_URL
    if not url:
        return None, NO_CONFIGURADO
    if url.startswith(("redis://", "rediss://")):
        return _redis_responde(url)
    try:
        from poa_site.celery import app

        with app.connection_for_write() as conexion:
            conexion.ensure_connection(max_retries=1, timeout=TIEMPO_ESPERA)
    except Exception as exc:  # noqa: BLE001
        return False, f"sin respuesta ({type(exc).__name__})"
    return True, "ok"


@never_cache
@require_GET
def salud(request):
    """200 while the database answers (503 otherwise); Redis/Celery are reported, and a
    missing broker is "no configurado" (tasks then run inside the web process)."""
    bd_ok, bd = _base_de_datos()
    broker_ok, broker = _broker()
    es_redis = settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    cuerpo = {
        "estado": "ok" if bd_ok and broker_ok is not False else ("degradado" if bd_ok else "falla"),
        "base_de_datos": bd,
        "redis": broker if es_redis or broker_ok is None else NO_CONFIGURADO,
        "celery_broker": broker,
    }
    return JsonResponse(cuerpo, status=200 if bd_ok else 503)
