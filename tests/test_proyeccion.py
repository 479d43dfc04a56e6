"""Year-end projections of a meta: run rate and calendar, with the sentence that explains them."""

from decimal import Decimal as D

import pytest

from programas import formulas
from programas.proyeccion import proyectar


def meta(programado, realizado, meta_anual, **extra):
    return formulas.DatosMeta(
        programado=[D(p) for p in programado],
        realizado=[None if r is None else D(r) for r in realizado],
        meta_anual=D(meta_anual),
        **extra,
    )


def test_suma_meta_projects_the_monthly_rhythm_and_the_remaining_calendar():
    p = proyectar(meta([10] * 12, [8] * 6 + [None] * 6, 120), corte=6)
    assert (p.ritmo_mensual, p.al_ritmo, p.segun_programado) == (D(8), D(96), D(108))
    assert p.porcentaje_al_ritmo.valor == D(80) and p.porcentaje_segun_programado.valor == D(90)
    assert p.explicacion == (
        "Al ritmo de enero–junio (8 por mes) llegará a 96 (80% de la meta anual de 120); "
        "según lo que falta programado, a 108 (90%). Son estimaciones, no cifras oficiales."
    )


def test_the_rhythm_counts_only_captured_months_of_the_vigencia():
    # Re-issued from April (DOMAIN.md §3): January–March do not count; May is not captured.
    datos = meta([0, 0, 0] + [10] * 9, [5, 5, 5, 12, None, 18] + [None] * 6, 90, mes_inicio=4)
    p = proyectar(datos, corte=6)
    assert p.ritmo_mensual == D(15)  # (12 + 18) / 2 captured months
    assert p.al_ritmo == D(135)  # 15 × 9 months of vigencia
    assert p.segun_programado == D(30) + D(60)
    assert p.meses_base == (4, 6)


@pytest.mark.parametrize(
    ("tipo", "al_ritmo", "segun"),
    [
        ("ULTIMO", D(50), D(40)),  # the level reached; the last programmed value
        ("MAXIMO", D(50), D(50)),
        ("PROMEDIO", D(115) / D(3), (D(115) + D(40) * 6) / D(9)),
    ],
)
def test_level_metas_keep_their_level(tipo, al_ritmo, segun):
    datos = meta(
        [0, 0, 0] + [40] * 9, [None] * 3 + [30, 35, 50] + [None] * 6, 50, mes_inicio=4, tipo=tipo
    )
    p = proyectar(datos, corte=6)
    assert p.ritmo_mensual is None
    assert p.al_ritmo.quantize(D("0.0001")) == al_ritmo.quantize(D("0.0001"))
    assert p.segun_programado.quantize(D("0.0001")) == segun.quantize(D("0.0001"))
    assert p.explicacion.startswith("Con el nivel de abril–junio quedará en")


def test_nothing_captured_yet_says_so_and_still_gives_the_calendar():
    p = proyectar(meta([10] * 12, [None] * 12, 120), corte=0)
    assert p.al_ritmo is None and p.porcentaje_al_ritmo.estado is formulas.Estado.VACIO
    assert p.segun_programado == D(120)
    assert p.explicacion.startswith("Aún no hay meses capturados")


def test_a_meta_anual_of_zero_gives_no_percentage_division():
    p = proyectar(meta([0] * 12, [3] + [None] * 11, 0), corte=1)
    assert p.porcentaje_al_ritmo.estado is formulas.Estado.NP
    assert "N/P" in p.explicacion
