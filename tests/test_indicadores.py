"""The indicator formulas of DOMAIN.md §8: the safe parser and every figure with its edge cases."""

from __future__ import annotations

import builtins
from decimal import Decimal
from fractions import Fraction
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programas import formulas
from programas.indicadores import (
    CalculoIndicador,
    Cifra,
    Comportamiento,
    DatosIndicador,
    Estado,
    FormulaInvalida,
    Frecuencia,
    NoDeterminable,
    Semaforo,
    Variable,
    acumulado,
    calcular_indicador,
    cumplimiento,
    errores_de_variables,
    evaluar,
    meses_del_periodo,
    parse_formula,
    periodo_del_trimestre,
    periodos,
    requiere_justificacion,
    semaforo,
    valores_de_meta,
)

D = Decimal


def num(valor) -> Cifra:
    return Cifra(D(valor), Estado.NUMERO)


# --- Parser -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texto", "simbolos"),
    [
        ("(A / B) * 100", {"A", "B"}),
        ("A / B × 100", {"A", "B"}),  # copied from the seeds' "× 100"
        (
            "(caudal_desinfectado / caudal_suministrado) * 100",
            {"caudal_desinfectado", "caudal_suministrado"},
        ),  # noqa: E501
        ("-A + 2.5", {"A"}),
        ("((A1 - A2) / A2) * 100", {"A1", "A2"}),
        ("100", set()),
    ],
)
def test_parser_accepts_the_grammar(texto, simbolos):
    assert parse_formula(texto).simbolos == simbolos


@pytest.mark.parametrize(
    ("texto", "fragmento"),
    [
        ("", "vacía"),
        ("   ", "vacía"),
        ("A ** 2", "no se permite"),
        ("A // B", "no se permite"),
        ("__import__('os').system('echo')", "Carácter no permitido"),
        ("A(B)", "no se permite"),
        ("A.b", "no se permite"),
        ("A; B", "Carácter no permitido «;»"),
        ("A % B", "Carácter no permitido «%»"),
        ("1e5", "Número no válido"),
        ("0x10", "Número no válido"),
        ("1_000", "Número no válido"),
        ("A and B", "no se permite"),
        ("True", "no se permite"),
        ("None", "no se permite"),
        ("A B", "no está bien escrita"),
        ("A +", "no está bien escrita"),
        ("(A / B", "no está bien escrita"),
        ("A\x00", "Carácter no permitido"),
        ("A" * 501, "pasa de 500"),
        ("(" * 240 + "A" + ")" * 240, "niveles de paréntesis"),
        ("(" * 41 + "A" + ")" * 41, "niveles de paréntesis"),
        ("A = 1", "Carácter no permitido «=»"),
    ],
)
def test_parser_rejects_everything_outside_the_grammar_with_a_message(texto, fragmento):
    with pytest.raises(FormulaInvalida) as error:
        parse_formula(texto)
    assert fragmento in error.value.mensaje


def test_numbers_are_taken_from_the_text_exactly():
    assert evaluar(parse_formula("0.1 + 0.2"), {}) == D("0.3")
    assert evaluar(parse_formula("A * 3 / 3"), {"A": D("0.1")}) == D("0.1")


def test_division_by_zero_is_not_determinable():
    with pytest.raises(NoDeterminable):
        evaluar(parse_formula("A / B"), {"A": D(1), "B": D(0)})


def test_unknown_and_unused_variables_are_named():
    formula = parse_formula("(A / C) * 100")
    assert errores_de_variables(formula, ["A", "B"]) == [
        "La fórmula usa «C», que no es una variable del indicador.",
        "La variable «B» no se usa en la fórmula.",
    ]
    assert errores_de_variables(formula, ["A", "C"]) == []


# Expressions of the grammar, built as (text, exact Fraction value or None when a division
# by zero happens somewhere).
_valores = st.fractions(min_value=-1000, max_value=1000, max_denominator=1).map(int)
_hojas = st.one_of(
    _valores.map(lambda v: (str(abs(v)), Fraction(abs(v)))),
    st.sampled_from(["A", "B", "C"]).map(lambda s: (s, s)),
)
VALORES = {"A": Fraction(7, 4), "B": Fraction(0), "C": Fraction(-3)}


def _combinar(hijos):
    def unir(par):
        (ti, vi), (td, vd), op = par
        return (f"({ti} {op} {td})", (op, vi, vd))

    return st.tuples(hijos, hijos, st.sampled_from("+-*/")).map(unir) | hijos.map(
        lambda h: (f"-({h[0]})", ("neg", h[1]))
    )


_expresiones = st.recursive(_hojas, _combinar, max_leaves=12)


def _exacto(arbol):
    if isinstance(arbol, Fraction):
        return arbol
    if isinstance(arbol, str):
        return VALORES[arbol]
    if arbol[0] == "neg":
        v = _exacto(arbol[1])
        return None if v is None else -v
    op, i, d = arbol
    vi, vd = _exacto(i), _exacto(d)
    if vi is None or vd is None:
        return None
    if op == "/":
        return None if vd == 0 else vi / vd
    return {"+": vi + vd, "-": vi - vd, "*": vi * vd}[op]


@settings(max_examples=300, deadline=None)
@given(_expresiones)
def test_what_the_parser_accepts_it_evaluates_exactly(expresion):
    texto, arbol = expresion
    formula = parse_formula(texto)
    esperado = _exacto(arbol)
    valores = {s: D(v.numerator) / D(v.denominator) for s, v in VALORES.items()}
    if esperado is None:
        with pytest.raises(NoDeterminable):
            evaluar(formula, {s: valores[s] for s in formula.simbolos})
        return
    obtenido = evaluar(formula, {s: valores[s] for s in formula.simbolos})
    # Decimal keeps 34 significant digits; the exact value may be a repeating fraction.
    assert abs(Fraction(obtenido) - esperado) <= abs(esperado) * Fraction(1, 10**28) + Fraction(
        1, 10**28
    )


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_either_accepted_or_refused_with_a_message_and_never_run(texto):
    def prohibido(*args, **kwargs):
        raise AssertionError("el analizador nunca debe ejecutar código")

    try:
        with (
            mock.patch.object(builtins, "eval", prohibido),
            mock.patch.object(builtins, "exec", prohibido),
        ):
            formula = parse_formula(texto)
    except FormulaInvalida as exc:
        assert exc.mensaje
        return
    # Accepted text re-parses to the same tree and only holds grammar characters.
    assert parse_formula(formula.texto) == formula
    assert set(formula.texto) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+-*/() "
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="\"'[]{}:;,=<>!%&|^~@#$`\\", min_size=1, max_size=5), st.text(max_size=10))
def test_text_with_a_character_outside_the_grammar_is_always_refused(malo, resto):
    with pytest.raises(FormulaInvalida):
        parse_formula(f"A {resto}{malo}")


# --- Periods, variables, indicator figures ------------------------------------------------


def test_periods_follow_the_frecuencia_and_are_named_by_their_last_month():
    assert periodos(Frecuencia.TRIMESTRAL) == (3, 6, 9, 12)
    assert periodos("SEMESTRAL") == (6, 12)
    assert periodos("ANUAL") == (12,)
    assert periodos("MENSUAL") == tuple(range(1, 13))
    assert list(meses_del_periodo("TRIMESTRAL", 6)) == [4, 5, 6]
    assert list(meses_del_periodo("SEMESTRAL", 12)) == [7, 8, 9, 10, 11, 12]
    with pytest.raises(ValueError, match="no existe"):
        meses_del_periodo("TRIMESTRAL", 5)
    assert periodo_del_trimestre("SEMESTRAL", 1) is None
    assert periodo_del_trimestre("SEMESTRAL", 3) == 6
    assert periodo_del_trimestre("ANUAL", 4) == 12


def test_accumulation_by_comportamiento():
    valores = {3: D(10), 6: D(20), 9: None, 12: None}
    assert acumulado(valores, Comportamiento.ACUMULABLE, 6, "TRIMESTRAL") == D(30)
    assert acumulado(valores, Comportamiento.CONTINUA, 6, "TRIMESTRAL") == D(20)
    assert acumulado(valores, Comportamiento.ACUMULABLE, 9, "TRIMESTRAL") is None
    assert acumulado({3: None, 6: D(5)}, "ACUMULABLE", 6, "TRIMESTRAL") is None
    assert acumulado({3: None, 6: D(5)}, "CONTINUA", 6, "TRIMESTRAL") == D(5)


def test_a_linked_variable_takes_its_metas_months_by_tipo_and_vigencia():
    serie = [D(m) for m in range(1, 13)]
    assert valores_de_meta(serie, tipo="SUMA", frecuencia="TRIMESTRAL", realizado=True) == {
        3: D(6), 6: D(15), 9: D(24), 12: D(33)
    }  # fmt: skip
    assert valores_de_meta(serie, tipo="ULTIMO", frecuencia="SEMESTRAL", realizado=True) == {
        6: D(6), 12: D(12)
    }  # fmt: skip
    con_hueco = [*serie[:4], None, *serie[5:]]
    assert (
        valores_de_meta(con_hueco, tipo="SUMA", frecuencia="TRIMESTRAL", realizado=True)[6] is None
    )
    desde_abril = valores_de_meta(
        serie, tipo="SUMA", frecuencia="TRIMESTRAL", mes_inicio=4, realizado=False
    )
    assert desde_abril[3] == D(0) and desde_abril[6] == D(15)


def _cobertura(
    programado, realizado, *, sentido="ASCENDENTE", umbrales=None, frecuencia="TRIMESTRAL"
):
    """Seed 003: Cobertura de desinfección = caudal desinfectado / caudal suministrado × 100."""
    return DatosIndicador(
        formula=parse_formula("(A / B) * 100"),
        frecuencia=frecuencia,
        sentido=sentido,
        variables=[
            Variable("A", "ACUMULABLE", programado[0], realizado[0]),
            Variable("B", "ACUMULABLE", programado[1], realizado[1]),
        ],
        umbrales=umbrales,
    )


def test_indicator_figures_of_the_period_and_accumulated():
    datos = _cobertura(
        ({3: D(90), 6: D(90)}, {3: D(100), 6: D(100)}),
        ({3: D(80), 6: D(99)}, {3: D(100), 6: D(100)}),
    )
    calculo = calcular_indicador(datos, 6, corte=6)
    assert isinstance(calculo, CalculoIndicador)
    assert calculo.resultado_periodo == num("99")
    assert calculo.resultado_acumulado == num("89.5")  # 179 / 200 × 100
    assert calculo.meta_periodo == num("90") and calculo.meta_acumulada == num("90")
    assert calculo.cumplimiento.valor.quantize(D("0.0001")) == D("99.4444")
    assert calculo.semaforo is Semaforo.VERDE
    a = calculo.variables[0]
    assert (a.programado_periodo, a.realizado_periodo) == (D(90), D(99))
    assert (a.programado_acumulado, a.realizado_acumulado) == (D(180), D(179))


def test_division_by_zero_gives_nd_and_missing_capture_gives_sin_captura():
    cero = _cobertura(({3: D(1)}, {3: D(1)}), ({3: D(5)}, {3: D(0)}))
    calculo = calcular_indicador(cero, 3, corte=3)
    assert calculo.resultado_periodo.estado is Estado.ND
    assert calculo.cumplimiento.estado is Estado.ND
    assert calculo.semaforo is Semaforo.ND and requiere_justificacion(calculo.semaforo)
    falta = _cobertura(
        ({3: D(1), 6: D(1)}, {3: D(1), 6: D(1)}), ({3: None, 6: D(1)}, {3: D(2), 6: D(2)})
    )
    calculo = calcular_indicador(falta, 6, corte=6)
    assert calculo.resultado_periodo == num(50)  # del periodo only needs period 6
    assert calculo.resultado_acumulado.estado is Estado.SIN_CAPTURA
    assert calculo.semaforo is Semaforo.SIN_CAPTURA


def test_a_period_not_due_is_empty_and_an_annual_indicator_shows_nothing_before_december():
    anual = _cobertura(({12: D(50)}, {12: D(100)}), ({}, {}), frecuencia="ANUAL")
    calculo = calcular_indicador(anual, 12, corte=9)
    assert calculo.resultado_acumulado.estado is Estado.VACIO
    assert calculo.semaforo is Semaforo.VACIO
    assert calculo.meta_acumulada == num(50)  # the plan is shown


def test_blank_programado_counts_as_zero():
    datos = _cobertura(({3: None}, {3: D(10)}), ({3: D(1)}, {3: D(10)}))
    assert calcular_indicador(datos, 3, corte=3).meta_periodo == num(0)


def test_cumplimiento_with_sentido():
    assert cumplimiento(num(45), num(50), "ASCENDENTE") == num(90)
    assert cumplimiento(num(40), num(50), "DESCENDENTE") == num(125)
    assert cumplimiento(num(0), num(50), "DESCENDENTE") == num(100)
    assert cumplimiento(num(5), num(0), "ASCENDENTE").estado is Estado.ND
    assert (
        cumplimiento(Cifra(None, Estado.SIN_CAPTURA), num(1), "ASCENDENTE").estado
        is Estado.SIN_CAPTURA
    )


def test_semaforo_uses_the_indicators_own_ranges_else_the_ejercicios():
    propios = formulas.Umbrales(D(95), D(105), D(80), D(120))
    assert semaforo(num(92)) is Semaforo.VERDE
    assert semaforo(num(92), propios) is Semaforo.AMARILLO
    datos = _cobertura(({3: D(100)}, {3: D(100)}), ({3: D(92)}, {3: D(100)}), umbrales=propios)
    assert calcular_indicador(datos, 3, corte=3).semaforo is Semaforo.AMARILLO
    sin_propios = _cobertura(({3: D(100)}, {3: D(100)}), ({3: D(92)}, {3: D(100)}))
    assert calcular_indicador(sin_propios, 3, corte=3).semaforo is Semaforo.VERDE
    assert semaforo(num(60)) is Semaforo.ROJO and requiere_justificacion(Semaforo.ROJO)
    assert not requiere_justificacion(Semaforo.VERDE)


def test_indice_de_eficiencia_of_seed_002_as_an_indicator_formula():
    """Índice de eficiencia = actividades logradas / programadas × 100 (seed 002)."""
    formula = parse_formula("(L / P) * 100")
    directo = formulas.indice_eficiencia([D(3), D(2)], [D(4), D(4)])
    assert evaluar(formula, {"L": D(5), "P": D(8)}) == directo.valor == D("62.5")


def test_nothing_programmed_nor_achieved_needs_no_justification():
    """N/D from 0 / 0 (meta 0, resultado 0) is like a meta not in force; B = 0 is not."""
    from programas.indicadores import exige_justificacion

    f = parse_formula("(A / B) * 100")

    def con(a_prog, a_real, b_prog, b_real):
        datos = DatosIndicador(f, "TRIMESTRAL", "ASCENDENTE", [
            Variable("A", "ACUMULABLE", {3: D(a_prog)}, {3: D(a_real)}),
            Variable("B", "ACUMULABLE", {3: D(b_prog)}, {3: D(b_real)}),
        ])  # fmt: skip
        return calcular_indicador(datos, 3, corte=3)

    assert not exige_justificacion(con(0, 0, 120, 130))  # meta 0 %, resultado 0 %
    assert exige_justificacion(con(1, 1, 0, 0))  # division by zero: N/D to explain
    assert exige_justificacion(con(10, 5, 10, 10))  # 50 %: rojo
    assert not exige_justificacion(con(10, 10, 10, 10))
