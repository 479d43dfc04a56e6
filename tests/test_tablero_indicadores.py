"""The tablero's MIR indicators (issue 15): semáforo per level (Fin, Propósito, Componente,
Actividad) as server SVG with its table, and each colour explained (cumplimiento, the
thresholds in force — the indicator's own or the ejercicio's — and the formula).

Scenario: tests.test_publico_indicadores' `indicadores` (nothing needs to be authorized: the
tablero shows the user's scope in any state). In T1: F.1 verde (95 %), P.1 amarillo with
its own thresholds (90 %), C1.1 semestral without a period, A1.1 N/D; C1.2 (unidad A2)
alcanza 1 de 1 → verde; B.1 (ramo B) verde.
"""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programas.models import Asignacion, Indicador
from reportes import graficas
from tests.factories import UserFactory, asignar
from tests.test_publico_indicadores import indicadores, poa_con_indicadores  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def planeacion(db):
    usuario = UserFactory(username="plan_indicadores")
    asignar(usuario, Asignacion.Rol.PLANEACION)
    return usuario


def abrir(client, usuario, **parametros) -> str:
    client.force_login(usuario)
    respuesta = client.get("/tablero/", parametros)
    assert respuesta.status_code == 200
    return respuesta.content.decode()


def fila_de_nivel(html: str, nivel: str) -> list[int]:
    """The counts of one level in the chart's table: verde … sin medición, and the total."""
    tabla = html[html.index("<caption>Indicadores por nivel de la MIR") :]
    fila = re.search(rf'<tr><th scope="row">{nivel}</th>(.*?)</tr>', tabla, re.S).group(1)
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', fila)]


def explicacion(html: str, indicador) -> str:
    fila = html[html.index(f'id="indicador-{indicador.pk}"') :]
    return re.search(r"<p>(.*?)</p>", fila, re.S).group(1)


def test_semaforo_per_mir_level_is_an_svg_with_its_table(client, poa, indicadores, planeacion):  # noqa: F811
    html = abrir(client, planeacion, ejercicio=poa.ramo_a.ejercicio_id, trimestre=1)
    titulo = "Distribución del semáforo de los indicadores por nivel de la MIR"
    assert f"<title>{titulo}</title>" in html
    svg = html[html.index(f"<title>{titulo}</title>") :]
    svg = svg[: svg.index("</svg>")]
    assert (
        "<desc>Fin: Verde 2; Propósito: Amarillo 1; Componente: Verde 1, Sin medición 1; "
        "Actividad: N/D 1</desc>" in svg
    )
    # verde, amarillo, rojo, N/D, sin captura, sin medición, total
    assert fila_de_nivel(html, "Fin") == [2, 0, 0, 0, 0, 0, 2]  # F.1 and B.1
    assert fila_de_nivel(html, "Propósito") == [0, 1, 0, 0, 0, 0, 1]
    assert fila_de_nivel(html, "Componente") == [1, 0, 0, 0, 0, 1, 2]
    assert fila_de_nivel(html, "Actividad") == [0, 0, 0, 1, 0, 0, 1]
    # The metas' own semáforo is still there, beside it.
    assert "<title>Distribución del semáforo de las metas</title>" in html


def test_each_indicator_colour_explains_itself(client, poa, indicadores, planeacion):  # noqa: F811
    html = abrir(client, planeacion, ejercicio=poa.ramo_a.ejercicio_id, trimestre=1)
    p1 = explicacion(html, indicadores["P.1"])
    # Independent: 45 / 50 × 100 = 90 against a meta of 50 / 50 × 100 = 100 → 90 %.
    assert "Cumplimiento acumulado a marzo (periodo enero–marzo): 90.00 %" in p1
    assert "resultado acumulado 90.00, meta acumulada 100.00" in p1
    assert "Cumplimiento = resultado acumulado ÷ meta acumulada × 100" in p1
    assert "Método de cálculo: A / B * 100." in p1
    assert "Umbrales propios del indicador: verde de 95 % a 105 %; amarillo de 80 %" in p1
    f1 = explicacion(html, indicadores["F.1"])
    assert "95.00 %" in f1 and "Umbrales del ejercicio: verde de 90 % a 110 %" in f1
    assert "N/D (no determinable)" in explicacion(html, indicadores["A1.1"])
    c11 = explicacion(html, indicadores["C1.1"])
    assert "Sin medición en el trimestre 1" in c11 and "junio, diciembre" in c11
    # The list starts with what needs attention: N/D, then amarillo, then verde.
    orden = [html.index(f'id="indicador-{indicadores[c].pk}"') for c in ("A1.1", "P.1", "F.1")]
    assert orden == sorted(orden)
    assert "Lluvias atípicas en marzo." in html  # P.1's justificación


def test_descending_indicator_explains_its_inverted_formula(client, poa, indicadores, planeacion):  # noqa: F811
    Indicador.objects.filter(pk=indicadores["F.1"].pk).update(sentido="DESCENDENTE")
    html = abrir(client, planeacion, ejercicio=poa.ramo_a.ejercicio_id, trimestre=1)
    f1 = explicacion(html, indicadores["F.1"])
    # meta 10 / resultado 9.5 × 100 = 105.26… %
    assert f"{D(10) / D('9.5') * 100:.2f} %" in f1
    assert "meta acumulada ÷ resultado acumulado × 100 (sentido descendente" in f1


def test_drill_down_and_scope_filter_the_indicators(client, poa, personas, indicadores):  # noqa: F811
    html = abrir(client, personas.capturista, trimestre=1)  # unidad A1 only
    assert f'id="indicador-{indicadores["F.1"].pk}"' in html
    assert "SECRETO-IND-A2" not in html and "SECRETO-IND-B1" not in html
    ajeno = abrir(client, personas.ajeno, trimestre=1)
    assert "SECRETO-IND-B1" in ajeno and f'id="indicador-{indicadores["F.1"].pk}"' not in ajeno
    unidad = abrir(client, personas.planeacion, trimestre=1, ramo=poa.ramo_a.pk,
                   unidad=poa.unidad_a2.pk)  # fmt: skip
    assert "SECRETO-IND-A2" in unidad and f'id="indicador-{indicadores["F.1"].pk}"' not in unidad


def test_demo_indicator_explains_its_amarillo_with_the_seed_figures(client, poa_demo, planeacion):
    html = abrir(client, planeacion, ejercicio=poa_demo.pk, trimestre=3)
    ind = Indicador.objects.get(programa__ramo__ejercicio=poa_demo, clave="5.1")
    texto = explicacion(html, ind)
    # DOMAIN.md §8 by hand: (0.81 / 1.01) / (0.95 / 1.00) × 100 = 84.42 %.
    esperado = (D("0.81") / D("1.01")) / (D("0.95") / D("1.00")) * 100
    assert f"{esperado:.2f} %" in texto and "Umbrales del ejercicio" in texto
    assert 'class="punto semaforo-amarillo"></span>Amarillo' in html


def _consultas(client, usuario, **parametros) -> int:
    client.force_login(usuario)
    client.get("/salud/")  # the session's own writes stay out of the count
    with CaptureQueriesContext(connection) as consultas:
        assert client.get("/tablero/", parametros).status_code == 200
    return len(consultas)


def test_query_count_does_not_grow_with_the_number_of_indicators(client, planeacion):
    chico = poa_con_indicadores(2031, ramos=1, unidades=1, por_unidad=1)
    grande = poa_con_indicadores(2032, ramos=2, unidades=3, por_unidad=6)
    pocas = _consultas(client, planeacion, ejercicio=chico.pk, trimestre=1)
    muchas = _consultas(client, planeacion, ejercicio=grande.pk, trimestre=1)
    assert muchas == pocas
    html = abrir(client, planeacion, ejercicio=grande.pk, trimestre=1)
    assert "36 indicadores en la selección" in html


def test_the_level_chart_escapes_text_and_describes_empty_levels():
    svg = graficas.semaforo_por_nivel(
        [("<b>Fin</b>", {"verde": 2, "rojo": 1}), ("Propósito", {"verde": 0})],
        titulo="A & B",
        etiquetas={"vacio": "Sin medición"},
    )
    assert "<b>" not in svg and "&lt;b&gt;Fin&lt;/b&gt;" in svg
    assert "<title>A &amp; B</title>" in svg
    assert "<desc>&lt;b&gt;Fin&lt;/b&gt;: Verde 2, Rojo 1; Propósito: sin indicadores</desc>" in svg
    anchos = [
        float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="18"', svg)
    ]
    assert [round(a) for a in anchos] == [293, 147]  # 2/3 and 1/3 of the 440-unit bar
