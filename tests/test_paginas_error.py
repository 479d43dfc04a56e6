"""Spanish 403/404/500 pages (also with DEBUG on) and where every demo user lands."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import path

from plantilla.demo import CONTRASENA_DEMO, USUARIOS_DEMO, crear_usuarios_demo
from poa_site.urls import urlpatterns as urls_sitio


def _falla(request):
    raise RuntimeError("fallo de prueba")


def _prohibido(request):
    raise PermissionDenied("Solo Planeación puede ver esta prueba.")


urlpatterns = [
    path("prueba/falla/", _falla),
    path("prueba/prohibido/", _prohibido),
    *urls_sitio,
]


@pytest.fixture
def depuracion(settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    return settings


def test_unknown_url_in_debug_is_the_spanish_404_without_the_url_list(client, db, depuracion):
    respuesta = client.get("/no-existe/")
    html = respuesta.content.decode()
    assert respuesta.status_code == 404
    assert "No encontramos esta página" in html and 'href="/"' in html
    assert "URLconf" not in html and "admin/" not in html and "Using the URLconf" not in html
    # A missing slash still redirects (CommonMiddleware runs after this page is chosen).
    assert client.get("/entrar").status_code == 301


def test_http404_from_a_view_in_debug_is_the_spanish_page(client, personas, depuracion):
    client.force_login(personas.capturista)
    respuesta = client.get("/programas/metas/999999/")
    assert respuesta.status_code == 404
    html = respuesta.content.decode()
    assert "No encontramos esta página" in html
    assert "Traceback" not in html and "Page not found" not in html
    assert "Mis metas" in html  # extends base.html: the menu is there


def test_permission_denied_in_debug_shows_its_reason(client, personas, depuracion):
    client.force_login(personas.capturista)
    respuesta = client.get("/prueba/prohibido/")
    assert respuesta.status_code == 403
    html = respuesta.content.decode()
    assert "No tiene permiso para esta acción" in html
    assert "Solo Planeación puede ver esta prueba." in html


def test_server_error_in_debug_is_the_spanish_500_unless_the_trace_is_asked(
    client, db, depuracion, monkeypatch, caplog
):
    respuesta = client.get("/prueba/falla/")
    assert respuesta.status_code == 500
    html = respuesta.content.decode()
    assert "Ocurrió un error inesperado" in html and 'href="/"' in html
    assert "fallo de prueba" not in html and "Traceback" not in html
    assert any("fallo de prueba" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    monkeypatch.setenv("POA_DEBUG_TRAZA", "1")
    with pytest.raises(RuntimeError, match="fallo de prueba"):
        client.get("/prueba/falla/")  # the test client re-raises what Django would trace


def test_without_debug_the_same_spanish_pages_are_served(client, db, settings):
    settings.DEBUG = False
    respuesta = client.get("/no-existe/")
    assert respuesta.status_code == 404
    assert "No encontramos esta página" in respuesta.content.decode()


def _enlaces_menu(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Principal">(.*?)</nav>', html, flags=re.S).group(1)
    return re.findall(r'href="([^"]+)"', nav)


def test_every_demo_user_lands_on_pages_it_may_use(client, poa_demo):
    crear_usuarios_demo()
    for demo in USUARIOS_DEMO:
        client.logout()
        respuesta = client.post(
            "/entrar/", {"username": demo.username, "password": CONTRASENA_DEMO}, follow=True
        )
        assert respuesta.status_code == 200, demo.username
        assert respuesta.redirect_chain[-1][0] == "/", demo.username
        html = respuesta.content.decode()
        assert "no está autorizado" not in html and "Mis metas" in html
        for enlace in _enlaces_menu(html):
            assert client.get(enlace).status_code == 200, (demo.username, enlace)
        estructura = client.get("/programas/").content.decode()
        assert ('href="/admin/"' in estructura) == demo.administrador, demo.username


def test_a_signed_in_user_without_admin_access_is_sent_home_from_the_admin(client, poa_demo):
    crear_usuarios_demo()
    client.post("/entrar/", {"username": "tesoreria", "password": CONTRASENA_DEMO})
    respuesta = client.get("/admin/", follow=True)
    assert respuesta.redirect_chain[-1][0] == "/"
    html = respuesta.content.decode()
    assert "El administrador es solo para el personal de Planeación" in html
    assert "no está autorizado" not in html
    client.logout()
    client.post("/entrar/", {"username": "planeacion", "password": CONTRASENA_DEMO})
    assert client.get("/admin/").status_code == 200
