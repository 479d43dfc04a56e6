"""es-MX number parsing and display formatting (programas.numeros)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programas.formulas import (
    PORCENTAJE_NP,
    PORCENTAJE_SIN_CAPTURA,
    PORCENTAJE_VACIO,
    Estado,
    Porcentaje,
    porcentaje,
)
from programas.numeros import (
    NumeroInvalido,
    formatear_numero,
    formatear_porcentaje,
    formatear_variacion,
    parse_numero,
    redondear,
)

D = Decimal


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("1234.5", D("1234.5")),
        ("1,234.5", D("1234.5")),
        ("1,234,567.89", D("1234567.89")),
        ("  12 ", D("12")),
        ("0.25", D("0.25")),
        ("-3", D("-3")),
        ("+5", D("5")),
        ("1,234", D("1234")),
        ("999,999,999,999,999.99", D("999999999999999.99")),
        ("-0", D("0")),
        ("\t7.10\n", D("7.10")),
    ],
)
def test_parse_numero_accepts_es_mx_forms(texto, esperado):
    assert parse_numero(texto) == esperado


@pytest.mark.parametrize("vacio", [None, "", "   "])
def test_parse_numero_blank_is_none_not_zero(vacio):
    assert parse_numero(vacio) is None


def test_parse_numero_negative_zero_is_plain_zero():
    assert str(parse_numero("-0")) == "0"


@pytest.mark.parametrize(
    ("texto", "fragmento"),
    [
        ("1,5", "es ambiguo"),
        ("12,34", "es ambiguo"),
        ("1.234,5", "coma decimal"),
        ("12,3456", "mal colocado"),
        ("1,23,456", "mal colocado"),
        ("1,,234", "grupo de miles vacío"),
        (",123", "grupo de miles vacío"),
        ("1,", "grupo de miles vacío"),
        ("1e309", "notación científica"),
        ("1e3", "notación científica"),
        ("NaN", "no es un número"),
        ("inf", "no es un número"),
        ("-Infinity", "no es un número"),
        ("doce", "no es un número"),
        ("1.2.3", "no es un número"),
        ("1.234.567", "punto como separador de miles"),
        ("1 234", "espacios"),
        (".5", "parte entera"),
        ("12.", "no es un número"),
        ("1.234", "3 decimales"),
        ("1.2345", "más de 2 decimales"),
        ("1,234.567", "más de 2 decimales"),
        ("1000000000000000", "demasiado grande"),
        ("-1,000,000,000,000,000", "demasiado grande"),
        ("١٢", "no es un número"),  # Arabic-Indic digits, which Decimal() would accept
    ],
)
def test_parse_numero_rejects_with_spanish_message(texto, fragmento):
    with pytest.raises(NumeroInvalido) as error:
        parse_numero(texto)
    assert fragmento in str(error.value)
    assert f"«{texto.strip()}»" in str(error.value)


def test_ambiguous_comma_message_offers_both_readings():
    with pytest.raises(NumeroInvalido) as error:
        parse_numero("1,5")
    assert str(error.value) == (
        "«1,5» es ambiguo: use punto decimal (1.5) o separador de miles completo (1,500)."
    )


def test_numero_invalido_is_a_value_error():
    assert issubclass(NumeroInvalido, ValueError)


@pytest.mark.parametrize(
    ("celda", "esperado"),
    [(3, D("3")), (2.5, D("2.5")), (89.27, D("89.27")), (166140, D("166140")), (0.1, D("0.1"))],
)
def test_parse_numero_converts_spreadsheet_cells_exactly(celda, esperado):
    resultado = parse_numero(celda)
    assert resultado == esperado
    # Exact: not the binary expansion of the float (89.2699999…).
    assert str(resultado) == str(esperado)


@pytest.mark.parametrize("celda", [float("nan"), float("inf"), float("-inf"), 1e16, True])
def test_parse_numero_rejects_non_finite_or_huge_cells(celda):
    with pytest.raises(NumeroInvalido):
        parse_numero(celda)


def test_parse_numero_rejects_float_noise_beyond_two_decimals():
    with pytest.raises(NumeroInvalido, match="más de 2 decimales"):
        parse_numero(0.1 + 0.2)


def test_parse_numero_checks_decimals_given_as_decimal():
    assert parse_numero(D("12.50")) == D("12.50")
    assert str(parse_numero(D("1E+3"))) == "1000"
    with pytest.raises(NumeroInvalido):
        parse_numero(D("NaN"))
    with pytest.raises(NumeroInvalido):
        parse_numero(D("0.001"))


@pytest.mark.parametrize(
    ("valor", "decimales", "esperado"),
    [
        (D("1234.5"), None, "1,234.5"),
        (D("1234.50"), None, "1,234.5"),
        (D("100.00"), None, "100"),
        (D("1E+3"), None, "1,000"),
        (D("694836"), None, "694,836"),
        (D("0.005"), None, "0.01"),
        (D("-0.001"), None, "0"),
        (D("-1234567.891"), None, "-1,234,567.89"),
        (D("1234.565"), 2, "1,234.57"),
        (D("1234"), 2, "1,234.00"),
        (D("28.5"), 0, "29"),
        (None, None, ""),
        (None, 2, ""),
    ],
)
def test_formatear_numero(valor, decimales, esperado):
    assert formatear_numero(valor, decimales) == esperado


@pytest.mark.parametrize(
    ("p", "decimales", "esperado"),
    [
        (porcentaje(D(128), D(446)), 0, "29%"),
        (porcentaje(D(56006), D(55300)), 2, "101.28%"),
        (Porcentaje(D("28.5"), Estado.NUMERO), 0, "29%"),  # half-up, not banker's (28)
        (Porcentaje(D("0.125"), Estado.NUMERO), 2, "0.13%"),
        (Porcentaje(D("1500"), Estado.NUMERO), 0, "1,500%"),
        (Porcentaje(D("100"), Estado.NUMERO), None, "100%"),  # OROMAPAS style
        (Porcentaje(D("50.1"), Estado.NUMERO), None, "50.1%"),
        (porcentaje(D(334087), D(664320)), None, "50.29%"),
        (PORCENTAJE_NP, 0, "N/P"),
        (PORCENTAJE_SIN_CAPTURA, 0, "sin captura"),
        (PORCENTAJE_VACIO, 0, ""),
    ],
)
def test_formatear_porcentaje(p, decimales, esperado):
    assert formatear_porcentaje(p, decimales) == esperado


@pytest.mark.parametrize(
    ("valor", "decimales", "esperado"),
    [
        (D("-10.73"), 2, "(10.73)"),
        (D("10.73"), 2, "10.73"),
        (D("-30"), None, "(30)"),
        (D("-30"), 2, "(30.00)"),
        (D("0"), None, "0"),
        (D("-0.001"), 2, "0.00"),  # rounds to zero: no "(0.00)"
        (D("-1234.5"), 2, "(1,234.50)"),
        (None, 2, ""),
    ],
)
def test_formatear_variacion_puts_negatives_in_parentheses(valor, decimales, esperado):
    assert formatear_variacion(valor, decimales) == esperado


@pytest.mark.parametrize(
    ("valor", "decimales", "esperado"),
    [
        (D("0.5"), 0, D("1")),
        (D("1.5"), 0, D("2")),
        (D("2.5"), 0, D("3")),
        (D("-2.5"), 0, D("-3")),
        (D("1.005"), 2, D("1.01")),
        (D("101.275"), 2, D("101.28")),
    ],
)
def test_redondear_is_half_up(valor, decimales, esperado):
    assert redondear(valor, decimales) == esperado


valores_validos = st.decimals(
    min_value=D(0),
    max_value=D("999999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(valores_validos)
def test_parse_of_format_roundtrips(x):
    assert parse_numero(formatear_numero(x)) == x


@given(valores_validos)
def test_parse_of_format_with_two_decimals_roundtrips(x):
    assert parse_numero(formatear_numero(x, 2)) == x


@given(valores_validos)
def test_negative_values_parse_with_their_sign(x):
    assert parse_numero("-" + formatear_numero(x)) == -x


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4), st.integers(0, 3))
def test_redondear_is_within_half_a_unit(x, decimales):
    unidad = D(1).scaleb(-decimales)
    assert abs(redondear(x, decimales) - x) <= unidad / 2


@given(st.text(max_size=12))
def test_parse_numero_never_fails_other_than_numero_invalido(texto):
    try:
        resultado = parse_numero(texto)
    except NumeroInvalido:
        return
    assert resultado is None or (resultado.is_finite() and abs(resultado) < D(10) ** 15)
