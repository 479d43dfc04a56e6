"""The tablero's speed: constant queries and a cache that follows every change of the data."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avances.models import Avance
from programas.models import Asignacion, Programado, Ramo
from programas.numeros import formatear_numero
from reportes import tablero_cache
from tests.apoyo_reportes import poa_sintetico
from tests.factories import UserFactory, asignar

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_vacia():
    cache.clear()
    yield
    cache.clear()


def _planeacion():
    usuario = UserFactory(username="planeacion_cache")
    asignar(usuario, Asignacion.Rol.PLANEACION)
    return usuario


def _pedir(client, usuario, ejercicio, **parametros) -> tuple[str, int]:
    client.force_login(usuario)
    with CaptureQueriesContext(connection) as consultas:
        respuesta = client.get(
            "/tablero/", {"ejercicio": ejercicio.pk, "trimestre": 2, **parametros}
        )
    assert respuesta.status_code == 200
    return respuesta.content.decode(), len(consultas.captured_queries)


def _logrado(html: str, logrado, esperado) -> bool:
    texto = f"{formatear_numero(Decimal(logrado))} logrado de {formatear_numero(Decimal(esperado))}"
    return texto in html


def test_query_count_does_not_grow_with_the_poa_cold_or_warm(client):
    usuario = _planeacion()
    chico = poa_sintetico(anio=2019, ramos=2, unidades_por_ramo=2, metas_por_unidad=3)
    grande = poa_sintetico(anio=2020, ramos=6, unidades_por_ramo=4, metas_por_unidad=6)
    conteos = {}
    for nombre, ejercicio in (("chico", chico), ("grande", grande)):
        _, frio = _pedir(client, usuario, ejercicio)
        _, tibio = _pedir(client, usuario, ejercicio)
        conteos[nombre] = (frio, tibio)
    assert conteos["chico"] == conteos["grande"], conteos
    frio, tibio = conteos["grande"]
    assert tibio < frio  # served from the cache: only the data version is read


def test_a_warm_tablero_does_not_compute_again(client, monkeypatch):
    usuario = _planeacion()
    ejercicio = poa_sintetico(anio=2019, ramos=2, unidades_por_ramo=2, metas_por_unidad=3)
    llamadas = []
    original = tablero_cache.reporte_datos
    monkeypatch.setattr(
        tablero_cache, "reporte_datos", lambda **kw: llamadas.append(kw) or original(**kw)
    )
    primera, _ = _pedir(client, usuario, ejercicio)
    segunda, _ = _pedir(client, usuario, ejercicio)
    assert len(llamadas) == 1
    sin_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert sin_token.sub("", primera) == sin_token.sub("", segunda)


def test_the_cached_tablero_follows_writes_that_bypass_models_and_signals(client):
    """Bulk `update()`s (no signals, no version bump, no history) still change the figures."""
    usuario = _planeacion()
    ejercicio = poa_sintetico(anio=2019, ramos=1, unidades_por_ramo=1, metas_por_unidad=1)
    # One SUMA meta, P = 10 each month; R months 1..6 as poa_sintetico writes them.
    realizado = sum(
        a.realizado for a in Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio)
    )
    html, _ = _pedir(client, usuario, ejercicio)
    assert _logrado(html, realizado, 60)

    Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio, mes=1).update(
        realizado=Decimal(50)
    )
    nuevo = sum(
        a.realizado for a in Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio)
    )
    html, _ = _pedir(client, usuario, ejercicio)
    assert nuevo != realizado and _logrado(html, nuevo, 60)

    Programado.objects.filter(meta__programa__ramo__ejercicio=ejercicio, mes=2).update(
        valor=Decimal(25)
    )
    html, _ = _pedir(client, usuario, ejercicio)
    assert _logrado(html, nuevo, 75)

    Ramo.objects.filter(ejercicio=ejercicio).update(nombre="Ramo con nombre nuevo")
    html, _ = _pedir(client, usuario, ejercicio)
    assert "Ramo con nombre nuevo" in html

    antes = tablero_cache.version_datos(2019)
    Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio, mes=3).update(
        observaciones="Otra justificación, más larga que la de antes"
    )
    assert tablero_cache.version_datos(2019) != antes


def test_a_changed_scope_never_reuses_another_scopes_figures(client):
    ejercicio = poa_sintetico(anio=2019, ramos=2, unidades_por_ramo=1, metas_por_unidad=2)
    uno, dos = Ramo.objects.filter(ejercicio=ejercicio).order_by("clave")
    usuario = UserFactory(username="consulta_cache")
    asignacion = asignar(usuario, Asignacion.Rol.CONSULTA, uno)
    html, _ = _pedir(client, usuario, ejercicio)
    assert uno.nombre in html and dos.nombre not in html

    asignacion.ramo = dos
    asignacion.save()
    html, _ = _pedir(client, usuario, ejercicio)
    assert dos.nombre in html and uno.nombre not in html
