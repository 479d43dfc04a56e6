"""`/salud/`: database, Redis and Celery broker, without login (issue 16)."""

import json
import socket

import pytest
from django.db.utils import OperationalError


def test_salud_answers_without_login_and_reports_no_broker(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    respuesta = client.get("/salud/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/json"
    cuerpo = json.loads(respuesta.content)
    assert cuerpo == {
        "estado": "ok",
        "base_de_datos": "ok",
        "redis": "no configurado",
        "celery_broker": "no configurado",
    }


def test_salud_is_503_when_the_database_does_not_answer(client, db, monkeypatch, settings):
    settings.CELERY_BROKER_URL = ""
    from poa_site import salud

    class SinBase:
        def cursor(self):
            raise OperationalError("sin conexión")

    monkeypatch.setattr(salud, "connection", SinBase())
    respuesta = client.get("/salud/")
    assert respuesta.status_code == 503
    cuerpo = json.loads(respuesta.content)
    assert cuerpo["estado"] == "falla"
    assert cuerpo["base_de_datos"] == "sin respuesta (OperationalError)"


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_salud_reports_an_unreachable_redis_but_stays_200(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_puerto_libre()}/0"
    respuesta = client.get("/salud/")
    assert respuesta.status_code == 200
    cuerpo = json.loads(respuesta.content)
    assert cuerpo["estado"] == "degradado"
    assert cuerpo["redis"].startswith("sin respuesta")
    assert cuerpo["celery_broker"] == cuerpo["redis"]


def _redis_local() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not _redis_local(), reason="sin Redis en 127.0.0.1:6379")
def test_salud_reports_a_live_redis(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    cuerpo = json.loads(client.get("/salud/").content)
    assert cuerpo == {
        "estado": "ok", "base_de_datos": "ok", "redis": "ok", "celery_broker": "ok"
    }  # fmt: skip
