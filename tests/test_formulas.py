"""DOMAIN.md §2–§5 formulas (programas.formulas), pinned to the seeds' printed figures."""

from collections import defaultdict
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from programas.formulas import (
    PORCENTAJE_VACIO,
    CambioVigencia,
    DatosMeta,
    Estado,
    Porcentaje,
    Semaforo,
    Sentido,
    TipoAcumulacion,
    Umbrales,
    Vigencia,
    acumulado_relativo,
    agregar,
    agregar_programado,
    avance_absoluto,
    calcular_meta,
    calcular_totales,
    cumplimiento,
    fecha_limite_trimestre,
    indice_eficiencia,
    meses_del_trimestre,
    por_realizar,
    porcentaje,
    porcentaje_ponderado,
    requiere_justificacion,
    semaforo,
    trimestre_de_mes,
    variacion,
    vigencia_al_mes,
)
from programas.numeros import (
    formatear_porcentaje,
    formatear_variacion,
    parse_numero,
)

D = Decimal
CERO = D(0)
NUMERO = Estado.NUMERO

# The structured seeds (same files as /work/shared/seeds/estructurados, see its LEEME.md).
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def serie(**meses) -> tuple:
    """Build a 12-month series from {'mar': 126, ...}; unspecified months are None."""
    nombres = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
    return tuple(None if meses.get(n) is None else D(meses[n]) for n in nombres)


def programado(**meses) -> tuple:
    """Build a 12-month programmed series; unspecified months are 0."""
    return tuple(CERO if v is None else v for v in serie(**meses))


def pct(valor) -> Porcentaje:
    return Porcentaje(D(valor), NUMERO)


def cociente(a, b) -> Decimal:
    """Return a × 100 / b unrounded, at the 34 digits the formulas work with."""
    with localcontext() as ctx:
        ctx.prec = 34
        return a * 100 / b


def leer_libro(nombre: str) -> dict[tuple[str, str], tuple[dict, DatosMeta]]:
    """Read a seed workbook's `metas` and `avances` into DatosMeta keyed by (unidad, clave)."""
    libro = openpyxl.load_workbook(FIXTURES / nombre, read_only=True, data_only=True)
    filas = libro["metas"].iter_rows(values_only=True)
    cabecera = next(filas)
    metas = [dict(zip(cabecera, fila, strict=True)) for fila in filas if any(fila)]
    realizados: dict[tuple[str, str], list] = defaultdict(lambda: [None] * 12)
    filas = libro["avances"].iter_rows(values_only=True)
    cab_avances = next(filas)
    for fila in filas:
        avance = dict(zip(cab_avances, fila, strict=True))
        clave = (avance["unidad_clave"], avance["clave"])
        realizados[clave][avance["mes"] - 1] = parse_numero(avance["realizado"])
    libro.close()
    resultado = {}
    meses = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
    for meta in metas:
        clave = (meta["unidad_clave"], meta["clave"])
        mes_inicio = meta["mes_inicio"] or 1
        original = parse_numero(meta["meta_anual_original"])
        cambios = (CambioVigencia(mes_inicio, original, 1),) if original is not None else ()
        datos = DatosMeta(
            programado=tuple(parse_numero(meta[m]) or CERO for m in meses),
            realizado=tuple(realizados[clave]),
            meta_anual=parse_numero(meta["meta_anual"]),
            mes_inicio=mes_inicio,
            cambios=cambios,
            tipo=TipoAcumulacion(meta["tipo_acumulacion"] or "SUMA"),
            sentido=Sentido(meta["sentido"] or "ASCENDENTE"),
        )
        resultado[clave] = (meta, datos)
    return resultado


# --- Months and quarters -----------------------------------------------------------------


def test_quarter_of_each_month():
    assert [trimestre_de_mes(m) for m in range(1, 13)] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]


def test_months_of_each_quarter():
    assert [list(meses_del_trimestre(q)) for q in range(1, 5)] == [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
        [10, 11, 12],
    ]


@pytest.mark.parametrize("mes", [0, 13])
def test_quarter_of_invalid_month_is_refused(mes):
    with pytest.raises(ValueError):
        trimestre_de_mes(mes)


# --- agregar by tipo (DOMAIN §2) -------------------------------------------------------


@pytest.mark.parametrize(
    ("tipo", "esperado"),
    [
        (TipoAcumulacion.SUMA, D(12)),
        (TipoAcumulacion.PROMEDIO, D(4)),
        (TipoAcumulacion.ULTIMO, D(3)),
        (TipoAcumulacion.MAXIMO, D(5)),
    ],
)
def test_agregar_by_tipo_ignores_blank_months(tipo, esperado):
    assert agregar([D(4), None, D(5), None, D(3), None], tipo) == esperado


@pytest.mark.parametrize("tipo", list(TipoAcumulacion))
def test_agregar_with_no_value_is_none_not_zero(tipo):
    assert agregar([None, None, None], tipo) is None
    assert agregar([], tipo) is None


def test_agregar_counts_a_captured_zero():
    assert agregar([D(0), None], TipoAcumulacion.SUMA) == 0
    assert agregar([D(6), D(0)], TipoAcumulacion.PROMEDIO) == 3


def test_agregar_accepts_the_model_choice_strings():
    assert agregar([D(1), D(2)], "MAXIMO") == 2


def test_agregar_programado_reads_zero_as_nothing_programmed_for_promedio():
    # A rate programmed only in March is an 80 for the quarter, not (0 + 0 + 80) / 3.
    assert agregar_programado([D(0), D(0), D(80)], TipoAcumulacion.PROMEDIO) == 80
    assert agregar_programado([D(70), D(80), D(0)], TipoAcumulacion.ULTIMO) == 80
    assert agregar_programado([D(0), D(0), D(0)], TipoAcumulacion.PROMEDIO) == 0
    assert agregar_programado([D(0), D(2), D(3)], TipoAcumulacion.SUMA) == 5


# --- porcentaje and its edge cases (DOMAIN §4) -------------------------------------------


def test_oromapas_monthly_p_r_example_is_r_over_p():
    # Seed 000, 2.1.1.2.16.6 abril: P 55,300, R 56,006, printed 101.28% under header "P/R".
    p = porcentaje(D(56006), D(55300))
    assert p.estado is NUMERO
    assert formatear_porcentaje(p, 2) == "101.28%"


def test_p_zero_with_r_positive_is_np():
    assert porcentaje(D(30), CERO) == Porcentaje(None, Estado.NP)
    assert porcentaje(D(30), None).estado is Estado.NP


@pytest.mark.parametrize("r", [None, CERO])
def test_p_zero_and_r_blank_or_zero_is_empty(r):
    assert porcentaje(r, CERO) == PORCENTAJE_VACIO


def test_r_blank_in_past_month_is_sin_captura_and_empty_in_future_month():
    assert porcentaje(None, D(10), vencido=True).estado is Estado.SIN_CAPTURA
    assert porcentaje(None, D(10), vencido=False).estado is Estado.VACIO


def test_r_zero_is_a_number_not_sin_captura():
    assert porcentaje(CERO, D(10)) == pct(0)


def test_porcentaje_rejects_a_number_without_estado_numero():
    with pytest.raises(ValueError):
        Porcentaje(D(1), Estado.NP)
    with pytest.raises(ValueError):
        Porcentaje(None, Estado.NUMERO)


# --- vigencia (DOMAIN §3) ----------------------------------------------------------------


def test_vigencia_undoes_cambios_after_the_reported_period():
    cambios = (CambioVigencia(4, D(446), 1),)
    assert vigencia_al_mes(meta_anual=D(320), mes_inicio=4, cambios=cambios, mes_fin=3) == (
        Vigencia(D(446), 1)
    )
    assert vigencia_al_mes(meta_anual=D(320), mes_inicio=4, cambios=cambios, mes_fin=6) == (
        Vigencia(D(320), 4)
    )


def test_vigencia_with_several_cambios_walks_back_newest_first():
    # 446 from January → re-issued 320 from April → reprogrammed 300 from October.
    cambios = (CambioVigencia(4, D(446), 1), CambioVigencia(10, D(320), 4))
    kwargs = {"meta_anual": D(300), "mes_inicio": 4, "cambios": cambios}
    assert vigencia_al_mes(**kwargs, mes_fin=3) == Vigencia(D(446), 1)
    assert vigencia_al_mes(**kwargs, mes_fin=9) == Vigencia(D(320), 4)
    assert vigencia_al_mes(**kwargs, mes_fin=12) == Vigencia(D(300), 4)


def test_vigencia_without_cambios_is_the_current_one():
    assert vigencia_al_mes(meta_anual=D(12), mes_inicio=1, cambios=(), mes_fin=3) == Vigencia(
        D(12), 1
    )


# --- Single formulas -------------------------------------------------------------------


def test_avance_absoluto_counts_only_the_vigencia_window():
    r = serie(mar=128, jun=91, sep=237, dic=22)
    assert avance_absoluto(r, TipoAcumulacion.SUMA, mes_inicio=1, mes_fin=3) == 128
    assert avance_absoluto(r, TipoAcumulacion.SUMA, mes_inicio=4, mes_fin=12) == 350
    # With January–March it would wrongly be 478 (DOMAIN §3).
    assert avance_absoluto(r, TipoAcumulacion.SUMA, mes_inicio=1, mes_fin=12) == 478


def test_avance_absoluto_with_nothing_captured_is_none():
    assert avance_absoluto(serie(), TipoAcumulacion.SUMA, mes_inicio=1, mes_fin=6) is None
    # Vigencia starting after the period: empty window.
    assert avance_absoluto(serie(mar=5), "SUMA", mes_inicio=4, mes_fin=3) is None


def test_acumulado_relativo_with_meta_anual_zero():
    assert acumulado_relativo(D(5), CERO).estado is Estado.NP
    assert acumulado_relativo(CERO, CERO) == PORCENTAJE_VACIO
    assert acumulado_relativo(None, CERO) == PORCENTAJE_VACIO


def test_acumulado_relativo_blank_avance():
    assert acumulado_relativo(None, D(10)).estado is Estado.SIN_CAPTURA
    assert acumulado_relativo(None, D(10), vencido=False) == PORCENTAJE_VACIO


def test_por_realizar_never_negative_and_blank_counts_as_zero():
    assert por_realizar(D(12), D(6)) == 6
    assert por_realizar(D(300), D(344)) == 0
    assert por_realizar(D(4), None) == 4
    assert por_realizar(CERO, D(5)) == 0


def test_variacion_is_r_minus_p_and_blank_without_r():
    assert variacion(D("89.27"), D(100)) == D("-10.73")
    assert variacion(None, D(100)) is None


def test_indice_eficiencia_seed_002():
    assert indice_eficiencia(D(9), D(12)) == pct(75)
    assert indice_eficiencia([D(3), None, D(6)], [D(4), D(4), D(4)]) == pct(75)
    assert indice_eficiencia(D(2), CERO).estado is Estado.NP


def test_porcentaje_ponderado_blank_avance_weighs_zero():
    assert porcentaje_ponderado(None, D(100)) == pct(0)
    assert porcentaje_ponderado(CERO, CERO) == PORCENTAJE_VACIO


# --- cumplimiento, semáforo, justificación ---------------------------------------------


def test_cumplimiento_ascendente_is_r_over_p():
    assert cumplimiento(D(8), D(10), Sentido.ASCENDENTE) == pct(80)


@pytest.mark.parametrize(
    ("r", "esperado"),
    [(D(8), D(125)), (D(10), D(100)), (D(20), D(50)), (D(40), D(25))],
)
def test_cumplimiento_descendente_is_p_over_r(r, esperado):
    # Fewer complaints than programmed is good: 8 against 10 programmed → 125 %.
    assert cumplimiento(r, D(10), Sentido.DESCENDENTE) == pct(esperado)


def test_cumplimiento_descendente_with_r_zero_is_full_compliance():
    # Documented rule: R = 0 (nothing of what had to go down) counts as 100 %, verde.
    c = cumplimiento(CERO, D(10), Sentido.DESCENDENTE)
    assert c == pct(100)
    assert semaforo(c) is Semaforo.VERDE
    assert not requiere_justificacion(c)


def test_cumplimiento_descendente_edge_cases_follow_porcentaje():
    assert cumplimiento(D(5), CERO, "DESCENDENTE").estado is Estado.NP
    assert cumplimiento(None, CERO, "DESCENDENTE") == PORCENTAJE_VACIO
    assert cumplimiento(None, D(3), "DESCENDENTE").estado is Estado.SIN_CAPTURA
    assert cumplimiento(None, D(3), "DESCENDENTE", vencido=False) == PORCENTAJE_VACIO


@pytest.mark.parametrize(
    ("valor", "esperado"),
    [
        ("90", Semaforo.VERDE),
        ("100", Semaforo.VERDE),
        ("110", Semaforo.VERDE),
        ("89.99", Semaforo.AMARILLO),
        ("110.01", Semaforo.AMARILLO),
        ("70", Semaforo.AMARILLO),
        ("130", Semaforo.AMARILLO),
        ("69.99", Semaforo.ROJO),
        ("130.01", Semaforo.ROJO),
        ("0", Semaforo.ROJO),
        ("150", Semaforo.ROJO),
    ],
)
def test_semaforo_band_edges(valor, esperado):
    assert semaforo(pct(valor)) is esperado


@pytest.mark.parametrize(
    ("c", "esperado"),
    [
        (Porcentaje(None, Estado.NP), Semaforo.NP),
        (Porcentaje(None, Estado.SIN_CAPTURA), Semaforo.SIN_CAPTURA),
        (PORCENTAJE_VACIO, Semaforo.VACIO),
    ],
)
def test_semaforo_own_marks(c, esperado):
    assert semaforo(c) is esperado


def test_semaforo_with_custom_umbrales():
    estricto = Umbrales(verde_min=D(95), verde_max=D(105), amarillo_min=D(80), amarillo_max=D(120))
    assert semaforo(pct(92), estricto) is Semaforo.AMARILLO
    assert semaforo(pct(92)) is Semaforo.VERDE
    assert semaforo(pct(125), estricto) is Semaforo.ROJO
    assert semaforo(pct(105), estricto) is Semaforo.VERDE
    assert requiere_justificacion(pct(92), estricto)
    assert not requiere_justificacion(pct(92))


def test_umbrales_must_be_nested():
    with pytest.raises(ValueError):
        Umbrales(verde_min=D(60), amarillo_min=D(70))


@pytest.mark.parametrize(
    ("c", "esperado"),
    [
        (pct(100), False),
        (pct(90), False),
        (pct("89.99"), True),
        (pct(115), True),  # BISOM 305 over-achievement needs its "Se supera la meta…"
        (pct(150), True),
        (Porcentaje(None, Estado.NP), True),
        (Porcentaje(None, Estado.SIN_CAPTURA), False),
        (PORCENTAJE_VACIO, False),
    ],
)
def test_requiere_justificacion_outside_verde_or_np(c, esperado):
    assert requiere_justificacion(c, Umbrales()) is esperado


# --- fecha límite (DOMAIN §5, seed 003) --------------------------------------------------


def test_fecha_limite_2022_q1_is_ten_business_days_after_thursday_31_march():
    assert date(2022, 3, 31).weekday() == 3  # Thursday
    # Fri 1 Apr (1), 4–8 Apr (2–6), 11–14 Apr (7–10).
    assert fecha_limite_trimestre(2022, 1) == date(2022, 4, 14)


def test_fecha_limite_skips_feriados():
    # Jueves y Viernes Santo 2022 off: the count runs to Monday 18 April.
    feriados = [date(2022, 4, 14), date(2022, 4, 15)]
    assert fecha_limite_trimestre(2022, 1, feriados=feriados) == date(2022, 4, 18)
    # A feriado on a weekend changes nothing.
    assert fecha_limite_trimestre(2022, 1, feriados=[date(2022, 4, 9)]) == date(2022, 4, 14)


def test_fecha_limite_q4_crosses_the_year():
    # Sat 31 Dec 2022 → Mon 2 Jan is day 1, Fri 13 Jan day 10.
    assert fecha_limite_trimestre(2022, 4) == date(2023, 1, 13)
    assert fecha_limite_trimestre(2022, 2, dias_habiles=1) == date(2022, 7, 1)


# --- calcular_meta: BISOM (seed 001, LEEME §2) -------------------------------------------


BISOM_100 = DatosMeta(
    programado=programado(mar=126, jun=91, sep=207, dic=22),
    realizado=serie(mar=128, jun=91, sep=237, dic=22),
    meta_anual=D(320),
    mes_inicio=4,
    cambios=(CambioVigencia(4, D(446), 1),),
)


def test_bisom_100_q1_uses_the_original_meta_counted_from_january():
    c = calcular_meta(BISOM_100, trimestre=1, mes_corte=12)
    assert c.vigencia == Vigencia(D(446), 1)
    assert c.avance_absoluto == 128
    assert c.acumulado_relativo.valor == cociente(D(128), D(446))  # 28.6995…, unrounded
    assert formatear_porcentaje(c.acumulado_relativo) == "29%"
    assert c.programado_trimestre == 126
    assert c.realizado_trimestre == 128
    assert c.por_realizar == 318
    assert c.meta_anual_original == 446
    # A Q1 report generated in December still shows only Q1's realized values.
    assert [t.realizado for t in c.trimestres] == [D(128), None, None, None]
    assert [t.programado for t in c.trimestres] == [D(126), D(91), D(207), D(22)]


def test_bisom_100_q4_counts_from_april_against_320():
    c = calcular_meta(BISOM_100, trimestre=4, mes_corte=12)
    assert c.vigencia == Vigencia(D(320), 4)
    assert c.avance_absoluto == 350  # not 478
    assert c.acumulado_relativo == pct("109.375")
    assert formatear_porcentaje(c.acumulado_relativo) == "109%"
    assert c.por_realizar == 0
    # History before the vigencia still shows its P and R.
    assert [t.realizado for t in c.trimestres] == [D(128), D(91), D(237), D(22)]
    assert c.meses[2].vigente is False and c.meses[2].realizado == 128
    assert c.meses[3].vigente is True
    assert c.semaforo is Semaforo.VERDE  # Oct–Dic 22 / 22


def test_bisom_101_q1():
    datos = DatosMeta(
        programado=programado(mar=50, sep=100),
        realizado=serie(mar=52, jun=0, sep=130, dic=0),
        meta_anual=D(100),
        mes_inicio=4,
        cambios=(CambioVigencia(4, D(150), 1),),
    )
    c = calcular_meta(datos, trimestre=1, mes_corte=12)
    assert c.avance_absoluto == 52
    assert formatear_porcentaje(c.acumulado_relativo) == "35%"  # 52 / 150 = 34.67


BISOM_305 = DatosMeta(
    programado=programado(mar=190, jun=145, sep=155),
    realizado=serie(mar=190, jun=159, sep=155, dic=30),
    meta_anual=D(300),
    mes_inicio=4,
    cambios=(CambioVigencia(4, D(490), 1),),
)


def test_bisom_305_over_achievement_shown_as_is():
    c = calcular_meta(BISOM_305, trimestre=4, mes_corte=12)
    assert c.avance_absoluto == 344
    assert formatear_porcentaje(c.acumulado_relativo) == "115%"
    assert c.acumulado_relativo.valor > 100
    # Oct–Dic: nothing programmed, 30 realized ("no se tenía meta programada") → N/P.
    assert c.porcentaje_trimestral.estado is Estado.NP
    assert c.meses[11].porcentaje.estado is Estado.NP
    assert c.semaforo is Semaforo.NP and c.requiere_justificacion


def test_bisom_305_q1_sheet():
    c = calcular_meta(BISOM_305, trimestre=1, mes_corte=12)
    assert (c.vigencia.meta_anual, c.avance_absoluto) == (D(490), D(190))
    assert formatear_porcentaje(c.acumulado_relativo) == "39%"


def test_bisom_205_over_achievement_150():
    datos = DatosMeta(
        programado=programado(jun=2, sep=1, dic=1),
        realizado=serie(jun=2, sep=3, dic=1),
        meta_anual=D(4),
        mes_inicio=4,
    )
    c = calcular_meta(datos, trimestre=4, mes_corte=12)
    assert c.avance_absoluto == 6
    assert formatear_porcentaje(c.acumulado_relativo) == "150%"
    # Q1: the meta did not exist yet (vigencia from April): nothing to show.
    q1 = calcular_meta(datos, trimestre=1, mes_corte=3)
    assert q1.avance_absoluto is None
    assert q1.acumulado_relativo == PORCENTAJE_VACIO
    assert q1.por_realizar == 4


def test_bisom_workbook_q4_figures_count_from_april():
    libro = leer_libro("bisom_2022.xlsx")
    assert len(libro) == 35
    esperado = {"100": "109%", "305": "115%", "205": "150%", "300": "145%", "500": "77%"}
    for (_, clave), (_, datos) in libro.items():
        c = calcular_meta(datos, trimestre=4, mes_corte=12)
        assert c.vigencia.mes_inicio == 4
        if clave in esperado:
            assert formatear_porcentaje(c.acumulado_relativo) == esperado[clave], clave
    # 300: 237,273 / 164,100 (DOMAIN §3: not the 319,338 / 195 % of months 1..12).
    c300 = calcular_meta(libro[("54201", "300")][1], trimestre=4, mes_corte=12)
    assert c300.avance_absoluto == 237273


def test_bisom_503_q1_formula_wins_over_printed_zero():
    # Seed 001 prints 0 / 0 % for 54204 meta 503 Q1 although 434 were realized (DOMAIN §7).
    _, datos = leer_libro("bisom_2022.xlsx")[("54204", "503")]
    c = calcular_meta(datos, trimestre=1, mes_corte=12)
    assert c.avance_absoluto == 434
    assert formatear_porcentaje(c.acumulado_relativo) == "9%"


# --- calcular_meta: capture states and tipos ----------------------------------------------


MENSUAL = DatosMeta(
    programado=tuple([D(10)] * 12),
    realizado=serie(ene=10, feb=8),
    meta_anual=D(120),
)


def test_blank_month_up_to_mes_corte_is_sin_captura():
    c = calcular_meta(MENSUAL, trimestre=1, mes_corte=3)
    assert c.meses[2].porcentaje.estado is Estado.SIN_CAPTURA
    assert c.meses_sin_captura == (3,)
    assert c.meses[1].porcentaje == pct(80)
    assert c.meses[1].variacion == -2


def test_blank_month_after_mes_corte_is_just_empty():
    c = calcular_meta(MENSUAL, trimestre=1, mes_corte=2)
    assert c.meses[2].porcentaje == PORCENTAJE_VACIO
    assert c.meses_sin_captura == ()
    assert c.meses[5].porcentaje == PORCENTAJE_VACIO


def test_quarter_with_nothing_captured():
    datos = DatosMeta(programado=tuple([D(10)] * 12), realizado=serie(), meta_anual=D(120))
    vencido = calcular_meta(datos, trimestre=1, mes_corte=3)
    assert vencido.porcentaje_trimestral.estado is Estado.SIN_CAPTURA
    assert vencido.acumulado_relativo.estado is Estado.SIN_CAPTURA
    assert vencido.semaforo is Semaforo.SIN_CAPTURA
    assert not vencido.requiere_justificacion
    assert vencido.por_realizar == 120
    en_curso = calcular_meta(datos, trimestre=1, mes_corte=0)
    assert en_curso.porcentaje_trimestral == PORCENTAJE_VACIO
    assert en_curso.semaforo is Semaforo.VACIO


def test_meta_anual_zero_in_calcular_meta():
    datos = DatosMeta(programado=programado(), realizado=serie(may=3), meta_anual=CERO)
    c = calcular_meta(datos, trimestre=2, mes_corte=6)
    assert c.acumulado_relativo.estado is Estado.NP
    assert c.porcentaje_trimestral.estado is Estado.NP
    assert c.por_realizar == 0


def test_descendente_meta_semaforo_reads_cumplimiento():
    datos = DatosMeta(
        programado=programado(mar=10),
        realizado=serie(mar=8),
        meta_anual=D(10),
        sentido=Sentido.DESCENDENTE,
    )
    c = calcular_meta(datos, trimestre=1, mes_corte=3)
    assert c.porcentaje_trimestral == pct(80)
    assert c.cumplimiento == pct(125)
    assert c.semaforo is Semaforo.AMARILLO
    assert c.requiere_justificacion


def test_promedio_meta_ignores_zeros_of_unprogrammed_months():
    # A rate programmed quarterly; the sheet writes 0 in the months with nothing programmed.
    datos = DatosMeta(
        programado=programado(mar=80, jun=80, sep=80, dic=80),
        realizado=serie(ene=0, feb=0, mar=90, abr=0, may=0, jun=70),
        meta_anual=D(80),
        tipo=TipoAcumulacion.PROMEDIO,
    )
    c = calcular_meta(datos, trimestre=2, mes_corte=6)
    assert [t.programado for t in c.trimestres] == [D(80)] * 4
    assert c.trimestres[0].realizado == 90
    assert c.realizado_trimestre == 70
    assert c.avance_absoluto == 80  # mean of 90 and 70
    assert c.acumulado_relativo == pct(100)


def test_custom_umbrales_reach_calcular_meta():
    datos = DatosMeta(programado=programado(mar=100), realizado=serie(mar=92), meta_anual=D(100))
    estricto = Umbrales(verde_min=D(95), verde_max=D(105))
    assert calcular_meta(datos, trimestre=1, mes_corte=3).semaforo is Semaforo.VERDE
    c = calcular_meta(datos, trimestre=1, mes_corte=3, umbrales=estricto)
    assert c.semaforo is Semaforo.AMARILLO and c.requiere_justificacion


def test_datos_meta_validates_its_series():
    with pytest.raises(ValueError):
        DatosMeta(programado=(CERO,) * 11, realizado=serie(), meta_anual=CERO)
    with pytest.raises(TypeError):
        DatosMeta(programado=(1.5,) + (CERO,) * 11, realizado=serie(), meta_anual=CERO)
    with pytest.raises(ValueError):
        calcular_meta(MENSUAL, trimestre=5, mes_corte=3)
    with pytest.raises(ValueError):
        calcular_meta(MENSUAL, trimestre=1, mes_corte=13)


def test_datos_meta_accepts_lists_and_choice_strings():
    datos = DatosMeta(programado=[CERO] * 12, realizado=[None] * 12, meta_anual=CERO, tipo="MAXIMO")
    assert isinstance(datos.programado, tuple)
    assert datos.tipo is TipoAcumulacion.MAXIMO


# --- OROMAPAS (seed 000, LEEME §1): Q2 with mes_corte 6 ----------------------------------


@pytest.fixture(scope="module")
def oromapas():
    libro = leer_libro("oromapas_2022.xlsx")
    filas = [(datos, calcular_meta(datos, trimestre=2, mes_corte=6)) for _, datos in libro.values()]
    claves = [clave for _, clave in libro]
    return claves, filas, calcular_totales(filas, trimestre=2)


def fila(oromapas, clave):
    claves, filas, totales = oromapas
    i = claves.index(clave)
    return filas[i][1], totales.ponderados[i]


def test_oromapas_has_45_suma_metas(oromapas):
    claves, filas, _ = oromapas
    assert len(filas) == 45
    assert all(datos.tipo is TipoAcumulacion.SUMA for datos, _ in filas)


def test_oromapas_sigma_meta_anual(oromapas):
    assert oromapas[2].suma_meta_anual == 694836


def test_oromapas_total_ponderado_is_exact_not_sum_of_rounded_rows(oromapas):
    # Printed 50.11 % adds the rounded printed rows (DOMAIN §7); exact Σ abs / Σ meta = 50.35.
    totales = oromapas[2]
    assert totales.ponderado.valor == cociente(totales.suma_avance_absoluto, D(694836))
    assert formatear_porcentaje(totales.ponderado, 2) == "50.35%"


def test_oromapas_quarter_total_is_sigma_r_over_sigma_p(oromapas):
    # Printed 99.87 % matches no formula (DOMAIN §7); Σ R / Σ P for Q2 = 100.79 %.
    assert formatear_porcentaje(oromapas[2].porcentaje_trimestral, 2) == "100.79%"


def test_oromapas_16_6_ponderado_contradiction_printed_47_86_formula_48_08(oromapas):
    c, ponderado = fila(oromapas, "2.1.1.2.16.6")
    assert c.avance_absoluto == 334087
    assert ponderado.valor == cociente(D(334087), D(694836))
    # The seed prints 47.86 %; the formula (DOMAIN §7) gives 48.08 %.
    assert formatear_porcentaje(ponderado, 2) == "48.08%"
    assert formatear_porcentaje(c.acumulado_relativo, 2) == "50.29%"
    assert c.realizado_trimestre == 167499
    assert formatear_porcentaje(c.porcentaje_trimestral, 2) == "100.96%"
    assert [formatear_porcentaje(m.porcentaje, None) for m in c.meses[3:6]] == [
        "101.28%",
        "101.61%",
        "100%",
    ]


def test_oromapas_06_6_por_realizar_contradiction_printed_4_formula_6(oromapas):
    c, _ = fila(oromapas, "2.1.1.2.06.6")
    assert c.vigencia.meta_anual == 12
    assert c.avance_absoluto == 6
    # The seed prints 4 (DOMAIN §7 "Actividades por realizar"); max(12 − 6, 0) = 6.
    assert c.por_realizar == 6


def test_oromapas_row_with_nothing_programmed_in_q2_shows_empty_quarter(oromapas):
    # 2.1.1.4.02.6 prints "0" realized and a blank % trimestral, 100 % anual.
    c, _ = fila(oromapas, "2.1.1.4.02.6")
    assert c.realizado_trimestre == 0
    assert c.porcentaje_trimestral == PORCENTAJE_VACIO
    assert formatear_porcentaje(c.acumulado_relativo) == "100%"


def test_oromapas_printed_percentages_are_reproduced(oromapas):
    esperado = {  # clave: (% trimestral, % anual) as printed in seed 000
        "2.1.1.2.11.6": ("100%", "52.91%"),
        "2.1.1.2.17.6": ("100%", "53.27%"),
        "2.1.1.2.24.6": ("0%", "0.83%"),
        "2.1.1.2.29.6": ("0%", "25.13%"),
        "2.1.1.2.07.6.e": ("100%", "20%"),
    }
    for clave, (trimestral, anual) in esperado.items():
        c, _ = fila(oromapas, clave)
        assert formatear_porcentaje(c.porcentaje_trimestral, None) == trimestral, clave
        assert formatear_porcentaje(c.acumulado_relativo, None) == anual, clave


def test_totales_exclude_non_suma_metas():
    suma = DatosMeta(programado=programado(mar=10), realizado=serie(mar=5), meta_anual=D(10))
    maximo = DatosMeta(
        programado=programado(mar=100),
        realizado=serie(mar=90),
        meta_anual=D(100),
        tipo=TipoAcumulacion.MAXIMO,
    )
    filas = [(d, calcular_meta(d, trimestre=1, mes_corte=3)) for d in (suma, maximo)]
    totales = calcular_totales(filas, trimestre=1)
    assert totales.suma_meta_anual == 10
    assert totales.suma_avance_absoluto == 5
    assert totales.ponderado == pct(50)
    assert totales.porcentaje_trimestral == pct(50)
    assert totales.ponderados == (pct(50), PORCENTAJE_VACIO)
    with pytest.raises(ValueError):
        calcular_totales(filas, trimestre=2)


# --- Tesorería (seed 004, LEEME §3) ------------------------------------------------------


@pytest.fixture(scope="module")
def presidencia():
    return leer_libro("presidencia_2022.xlsx")


def test_tesoreria_maximo_total_is_largest_month_and_variacion_in_parentheses(presidencia):
    # Acción 1.2 "DAR SEGUIMIENTO A LOS INDICADORES": P 100 each quarter, R 89.27/70/62/29.91.
    # Printed: total PROGRAMADO 100, REALIZADO 89.27, VARIACIÓN (10.73); March (10.73),
    # June (30), September (38), December (70.09).
    _, datos = presidencia[("001", "1.2")]
    assert datos.tipo is TipoAcumulacion.MAXIMO
    c = calcular_meta(datos, trimestre=4, mes_corte=12)
    assert c.total_programado == 100
    assert c.total_realizado == D("89.27")
    assert formatear_variacion(c.variacion_total) == "(10.73)"
    assert [formatear_variacion(c.meses[k].variacion, None) for k in (2, 5, 8, 11)] == [
        "(10.73)",
        "(30)",
        "(38)",
        "(70.09)",
    ]
    assert formatear_variacion(c.meses[0].variacion, None) == "0"


def test_tesoreria_maximo_total_positive_variacion(presidencia):
    # Acción 1.3: total REALIZADO 97 (largest month) against 90 → VARIACIÓN 7.
    c = calcular_meta(presidencia[("001", "1.3")][1], trimestre=4, mes_corte=12)
    assert (c.total_programado, c.total_realizado) == (D(90), D(97))
    assert formatear_variacion(c.variacion_total, None) == "7"


def test_tesoreria_every_accion_total_programado_matches_printed_total(presidencia):
    # meta_anual holds the printed total PROGRAMADO: SUMA for counts, MÁXIMO for Porcentaje.
    acciones = [(m, d) for (_, clave), (m, d) in presidencia.items() if "." in clave]
    assert len(acciones) == 45
    assert sum(d.tipo is TipoAcumulacion.MAXIMO for _, d in acciones) == 7
    for meta, datos in acciones:
        c = calcular_meta(datos, trimestre=4, mes_corte=12)
        assert c.total_programado == datos.meta_anual, meta["clave"]


# --- Hypothesis invariants ----------------------------------------------------------------

decimales = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
realizados = st.one_of(st.none(), decimales)
tipos = st.sampled_from(list(TipoAcumulacion))


@given(decimales, st.one_of(st.none(), decimales))
def test_por_realizar_is_never_negative(meta, absoluto):
    assert por_realizar(meta, absoluto) >= 0


@given(realizados, decimales, st.booleans())
def test_porcentaje_is_np_iff_p_zero_and_r_positive(r, p, vencido):
    es_np = porcentaje(r, p, vencido=vencido).estado is Estado.NP
    assert es_np == (p == 0 and r is not None and r > 0)


@given(
    st.lists(decimales, min_size=12, max_size=12), st.lists(realizados, min_size=12, max_size=12)
)
def test_suma_quarter_equals_sum_of_its_months(p, r):
    datos = DatosMeta(programado=p, realizado=r, meta_anual=sum(p, CERO))
    c = calcular_meta(datos, trimestre=4, mes_corte=12)
    for q, t in enumerate(c.trimestres, 1):
        meses = range(3 * q - 3, 3 * q)
        assert t.programado == sum((p[k] for k in meses), CERO)
        capturados = [r[k] for k in meses if r[k] is not None]
        assert t.realizado == (sum(capturados, CERO) if capturados else None)


@given(st.lists(realizados, max_size=12))
def test_promedio_ignores_blank_months(valores):
    sin_blancos = [v for v in valores if v is not None]
    assert agregar(valores, TipoAcumulacion.PROMEDIO) == agregar(
        sin_blancos, TipoAcumulacion.PROMEDIO
    )
    if sin_blancos:
        assert min(sin_blancos) <= agregar(valores, TipoAcumulacion.PROMEDIO) <= max(sin_blancos)


@given(
    st.lists(decimales, min_size=12, max_size=12),
    st.lists(realizados, min_size=12, max_size=12),
    st.integers(1, 4),
    tipos,
)
def test_calcular_meta_values_are_unrounded(p, r, trimestre, tipo):
    datos = DatosMeta(programado=p, realizado=r, meta_anual=sum(p, CERO) or D(1), tipo=tipo)
    c = calcular_meta(datos, trimestre=trimestre, mes_corte=12)
    if c.porcentaje_trimestral.es_numero:
        exacto = cociente(c.realizado_trimestre, c.programado_trimestre)
        assert c.porcentaje_trimestral.valor == exacto
    if c.avance_absoluto is not None:
        exacto = cociente(c.avance_absoluto, c.vigencia.meta_anual)
        assert c.acumulado_relativo.valor == exacto
    assert c.por_realizar >= 0


def test_semaforo_reads_the_unrounded_value_not_the_displayed_one():
    casi_noventa = pct("89.995")
    assert formatear_porcentaje(casi_noventa, 2) == "90.00%"
    assert formatear_porcentaje(casi_noventa) == "90%"
    assert semaforo(casi_noventa) is Semaforo.AMARILLO


@given(
    st.lists(decimales, min_size=12, max_size=12),
    st.lists(realizados, min_size=12, max_size=12),
    st.integers(1, 4),
    st.integers(0, 12),
    st.integers(1, 12),
    tipos,
)
def test_calcular_meta_shortcuts_agree_with_the_single_formulas(
    p, r, trimestre, mes_corte, mes_inicio, tipo
):
    """The month and quarter cells, computed on first use, and the shortcuts of
    `calcular_meta` (months "sin captura", quarters due, SUMA totals) say exactly what the
    single formulas say."""
    datos = DatosMeta(
        programado=p, realizado=r, meta_anual=sum(p, CERO), mes_inicio=mes_inicio, tipo=tipo
    )
    c = calcular_meta(datos, trimestre=trimestre, mes_corte=mes_corte)
    fin, corte = 3 * trimestre, min(mes_corte, 3 * trimestre)
    for k, mes in enumerate(c.meses, 1):
        r_k = r[k - 1] if k <= fin else None
        assert mes.porcentaje == porcentaje(r_k, p[k - 1], vencido=k <= corte)
        assert mes.variacion == variacion(r_k, p[k - 1])
        assert mes.vigente == (k >= mes_inicio)
    assert c.meses_sin_captura == tuple(
        m.mes for m in c.meses if m.porcentaje.estado is Estado.SIN_CAPTURA
    )
    for q, t in enumerate(c.trimestres, 1):
        due = any(p[k - 1] > 0 and k <= corte for k in meses_del_trimestre(q))
        assert t.porcentaje == porcentaje(t.realizado, t.programado, vencido=due)
        assert t.variacion == variacion(t.realizado, t.programado)
    reportado = c.trimestres[trimestre - 1]
    assert (reportado.programado, reportado.realizado, reportado.porcentaje) == (
        c.programado_trimestre,
        c.realizado_trimestre,
        c.porcentaje_trimestral,
    )
    sin_ceros = [v if v else None for v in p]
    assert c.total_programado == (agregar(sin_ceros, tipo) or CERO)
    assert str(c.total_programado) == str(agregar(sin_ceros, tipo) or CERO)
    con_dato = [
        None if tipo in ("PROMEDIO", "ULTIMO") and v == 0 and not p[k] else v
        for k, v in enumerate(r[:fin] + [None] * (12 - fin))
    ]
    assert c.total_realizado == agregar(con_dato, tipo)
    assert c.variacion_total == variacion(c.total_realizado, c.total_programado)
