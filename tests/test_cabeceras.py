"""Headers and login throttling (issue 16): CSP, no caching of private pages, axes keys."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CLAVE = "clave-correcta-123"


def test_csp_allows_only_our_own_scripts(client, db):
    politica = client.get(reverse("login"))["Content-Security-Policy"]
    directivas = dict(d.strip().split(" ", 1) for d in politica.split(";") if d.strip())
    assert directivas["default-src"] == "'self'"
    assert directivas["script-src"] == "'self'"
    assert directivas["object-src"] == "'none'"
    assert directivas["frame-ancestors"] == "'none'"


def test_templates_have_no_inline_scripts_nor_event_handlers():
    encontrados = []
    for plantilla in TEMPLATES.rglob("*.html"):
        texto = plantilla.read_text()
        for etiqueta in re.findall(r"<script\b[^>]*>", texto):
            if "src=" not in etiqueta:
                encontrados.append(f"{plantilla}: {etiqueta}")
        for manejador in re.findall(r"\son[a-z]+\s*=", texto):
            encontrados.append(f"{plantilla}: {manejador}")
    assert encontrados == []


def test_authenticated_responses_are_private_and_not_stored(client, personas):
    assert "Cache-Control" not in client.get("/static/css/poa.css")
    client.force_login(personas.capturista)
    for url in (reverse("avances:inicio"), reverse("reportes:index"), "/no-existe/"):
        assert client.get(url)["Cache-Control"] == "private, no-store", url


def _entrar(client, usuario, clave, direccion="10.0.0.1", **meta):
    return client.post(
        reverse("login"), {"username": usuario, "password": clave}, REMOTE_ADDR=direccion, **meta
    )


@pytest.fixture
def cuentas(db):
    return [UserFactory(username=f"persona{i}", password=CLAVE) for i in range(4)]


def test_five_failures_lock_that_username_from_any_address(client, cuentas):
    for i in range(5):
        _entrar(client, "persona0", "mala", direccion=f"10.0.1.{i}")
    respuesta = _entrar(client, "persona0", CLAVE, direccion="10.0.9.9")
    assert respuesta.status_code == 429
    assert "Acceso bloqueado temporalmente" in respuesta.content.decode()


def test_failures_on_one_account_do_not_lock_others_behind_the_same_proxy(client, cuentas):
    for _ in range(6):
        _entrar(client, "persona0", "mala")
    respuesta = _entrar(client, "persona1", CLAVE)
    assert respuesta.status_code == 302  # same REMOTE_ADDR, another account: not locked


@override_settings(POA_ACCESO_LIMITE_POR_DIRECCION=8)
def test_one_address_guessing_many_accounts_is_locked(client, cuentas):
    for i in range(8):  # two tries on each of four accounts: no account reaches 5
        _entrar(client, f"persona{i % 4}", "mala")
    assert _entrar(client, "persona3", CLAVE).status_code == 429
    assert _entrar(client, "persona3", CLAVE, direccion="10.0.0.2").status_code == 302


@override_settings(POA_ACCESO_LIMITE_POR_DIRECCION=3)
def test_forwarded_header_is_ignored_unless_a_proxy_is_configured(client, cuentas):
    for i in range(3):
        _entrar(client, f"persona{i}", "mala", HTTP_X_FORWARDED_FOR=f"200.1.1.{i}")
    # Without AXES_IPWARE_PROXY_COUNT the client chose nothing: all came from 10.0.0.1.
    assert _entrar(client, "persona3", CLAVE, HTTP_X_FORWARDED_FOR="200.1.1.9").status_code == 429


@override_settings(
    POA_ACCESO_LIMITE_POR_DIRECCION=3,
    AXES_IPWARE_PROXY_COUNT=1,
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
)
def test_trusted_proxy_header_gives_each_client_its_own_address(client, cuentas):
    for i in range(3):
        _entrar(client, f"persona{i}", "mala", HTTP_X_FORWARDED_FOR="200.1.1.1, 10.0.0.1")
    otro = _entrar(client, "persona3", CLAVE, HTTP_X_FORWARDED_FOR="200.1.1.2, 10.0.0.1")
    assert otro.status_code == 302
    client.logout()
    mismo = _entrar(client, "persona3", CLAVE, HTTP_X_FORWARDED_FOR="200.1.1.1, 10.0.0.1")
    assert mismo.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=7, POA_ACCESO_MINUTOS=30)
def test_login_pages_take_their_numbers_from_the_settings(client, cuentas):
    html = _entrar(client, "persona0", "mala").content.decode()
    assert "Tras 7 intentos fallidos la cuenta se bloquea 30 minutos." in html
    assert "5 intentos" not in html and "15 minutos" not in html
    for _ in range(7):
        _entrar(client, "persona0", "mala")
    bloqueo = _entrar(client, "persona0", CLAVE).content.decode()
    assert "7 para un mismo usuario" in bloqueo and "Espere 30 minutos" in bloqueo


def test_production_settings_keep_csp_no_store_and_per_username_lockout():
    import os
    import subprocess
    import sys

    codigo = (
        "from django.conf import settings as s;"
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']);"
        "print('poa_site.middleware.SinCacheAutenticadoMiddleware' in s.MIDDLEWARE);"
        "print(s.AXES_LOCKOUT_PARAMETERS, s.AXES_IPWARE_META_PRECEDENCE_ORDER,"
        " s.AXES_IPWARE_PROXY_COUNT)"
    )
    resultado = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", codigo],
        cwd=TEMPLATES.parent,
        env={
            "PATH": os.environ["PATH"],
            "HOME": "/tmp",
            "DEBUG": "0",
            "SECRET_KEY": "prueba-" + "x7Kq9" * 12,
            "ALLOWED_HOSTS": "poa.example.gob.mx",
        },  # fmt: skip
        capture_output=True,
        text=True,
    )
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.strip().split("\n")[-3:] == [
        "[\"'self'\"]",
        "True",
        "['username'] ('REMOTE_ADDR',) None",
    ]
