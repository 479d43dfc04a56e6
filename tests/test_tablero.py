"""The tablero: drill-down, SVG charts with text alternatives, semáforos that explain themselves."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import Truncator

from avances.models import Avance
from programas.models import Asignacion, Meta, Ramo
from reportes import graficas
from reportes.views_tablero import _acortar
from tests.factories import UserFactory, asignar

pytestmark = pytest.mark.django_db


@pytest.fixture
def planeacion(poa_demo):
    usuario = UserFactory(username="planeacion_tablero")
    asignar(usuario, Asignacion.Rol.PLANEACION)
    return usuario


def abrir(client, usuario, **parametros):
    client.force_login(usuario)
    respuesta = client.get("/tablero/", parametros)
    assert respuesta.status_code == 200
    return respuesta.content.decode()


def test_municipio_level_shows_every_ramo_with_charts_and_their_text_alternatives(
    client, poa_demo, planeacion
):
    html = abrir(client, planeacion, ejercicio=poa_demo.pk, trimestre=2)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4  # 3 + the indicators'
    assert "<title>Distribución del semáforo de las metas</title>" in html
    assert "<desc>" in html and 'role="img"' in html
    for ramo in Ramo.objects.filter(ejercicio=poa_demo):
        assert f"&amp;ramo={ramo.pk}" in html  # drill-down link of each ramo
    assert "Metas por marca del semáforo" in html  # the table beside the chart
    assert "Captura y firma por unidad" in html


def test_capture_rows_link_each_pairs_panel_and_shorten_names_like_truncator(
    client, poa_demo, planeacion
):
    html = abrir(client, planeacion, ejercicio=poa_demo.pk, trimestre=2)
    pares = set(Meta.objects.filter(programa__ramo__ejercicio=poa_demo).values_list(
        "programa_id", "unidad_id", "programa__clave", "programa__nombre", "unidad__clave",
        "unidad__nombre"))  # fmt: skip
    assert pares
    for programa_id, unidad_id, p_clave, p_nombre, u_clave, u_nombre in pares:
        assert f'href="{reverse("firmas:panel", args=[programa_id, unidad_id, 2])}"' in html
        for nombre in (f"{p_clave} {p_nombre}", f"{u_clave} {u_nombre}"):
            assert f"<td>{escape(Truncator(nombre).chars(40))}</td>" in html
    assert _acortar("á" * 41) == Truncator("á" * 41).chars(40)
    assert _acortar("a" * 40) == "a" * 40


def test_oromapas_progress_is_what_was_realized_of_what_was_programmed_to_date(
    client, poa_demo, planeacion
):
    oromapas = Ramo.objects.get(ejercicio=poa_demo, nombre__icontains="OROMAPAS")
    html = abrir(client, planeacion, ejercicio=poa_demo.pk, trimestre=2, ramo=oromapas.pk)
    # Independent computation: SUMA metas of the ramo, months of their vigencia to June.
    logrado = esperado = Decimal(0)
    for meta in Meta.objects.filter(programa__ramo=oromapas, tipo_acumulacion="SUMA"):
        meses = range(meta.mes_inicio, 7)
        esperado += sum((p.valor for p in meta.programados.filter(mes__in=meses)), Decimal(0))
        logrado += sum(
            (a.realizado or 0 for a in Avance.objects.filter(meta=meta, mes__in=meses)), Decimal(0)
        )
    from programas.numeros import formatear_numero

    assert f"{formatear_numero(logrado)} logrado de {formatear_numero(esperado)} programado" in html


def test_drill_down_to_a_unidad_lists_its_metas_with_explained_semaforo_and_projection(
    client, poa_demo, planeacion
):
    meta = Meta.objects.filter(programa__ramo__ejercicio=poa_demo, unidad__clave="54101").first()
    html = abrir(
        client,
        planeacion,
        ejercicio=poa_demo.pk,
        trimestre=4,
        ramo=meta.programa.ramo_id,
        programa=meta.programa_id,
        unidad=meta.unidad_id,
    )
    assert "Metas de la unidad" in html
    assert f'id="meta-{meta.pk}"' in html
    assert "Fórmula: realizado ÷ programado × 100" in html
    assert "Verde de 90 % a 110 %" in html
    assert "Son estimaciones, no cifras oficiales." in html
    assert "Logrado contra lo esperado a la fecha" not in html  # no children below a unidad


def test_the_trend_of_one_meta_is_its_twelve_months(client, poa_demo, planeacion):
    meta = Meta.objects.filter(programa__ramo__ejercicio=poa_demo, clave="100").first()
    html = abrir(client, planeacion, ejercicio=poa_demo.pk, trimestre=4, meta=meta.pk)
    assert f"Tendencia mensual de la meta {meta.clave}" in html
    assert f"<title>Programado y realizado de la meta {meta.clave}</title>" in html


def test_another_users_ramo_is_404_and_a_huge_id_is_404(client, poa, personas):
    client.force_login(personas.ajeno)
    assert client.get("/tablero/", {"ramo": poa.ramo_a.pk}).status_code == 404
    assert client.get("/tablero/", {"ramo": "9" * 30}).status_code in (400, 404)
    assert client.get("/tablero/", {"trimestre": "7"}).status_code == 404


def test_a_capturista_sees_only_their_unidad(client, poa, personas):
    html = abrir(client, personas.capturista, trimestre=1)
    assert poa.unidad_a1.nombre[:30] in html
    assert poa.unidad_b1.nombre[:30] not in html


def test_query_count_does_not_grow_with_the_data(
    client, poa, personas, poa_demo, planeacion, django_assert_max_num_queries
):
    client.force_login(planeacion)
    with django_assert_max_num_queries(32) as pequeno:
        client.get(
            "/tablero/",
            {
                "ejercicio": poa_demo.pk,
                "trimestre": 1,
                "unidad": Meta.objects.filter(programa__ramo__ejercicio=poa_demo).first().unidad_id,
            },
        )  # noqa: E501
    with django_assert_max_num_queries(32) as grande:
        client.get("/tablero/", {"ejercicio": poa_demo.pk, "trimestre": 4})
    assert len(grande.captured_queries) <= len(pequeno.captured_queries) + 2


def test_charts_escape_text_and_describe_themselves():
    svg = graficas.avance_por_nivel(
        [graficas.Barra("<script>x</script>", Decimal("95.5"), "verde")], titulo="A & B"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title>A &amp; B</title>" in svg
    assert re.search(r"<desc>.*96 %</desc>", svg)
    vacio = graficas.distribucion_semaforo({}, titulo="Semáforo")
    assert "Sin metas" in vacio
