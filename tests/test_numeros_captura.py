"""Hostile and es-MX inputs through the capture grid: clear Spanish errors, nothing stored."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from avances.forms import RejillaCapturaForm, ficha_version
from avances.models import Avance
from avances.services import MAX_REALIZADO
from programas.numeros import formatear_numero
from tests.captura_util import datos_rejilla


def _url(poa):
    return reverse("avances:captura", args=[poa.unidad_a1.pk, 2])


@pytest.mark.parametrize(
    ("tecleado", "mensaje"),
    [
        ("99999999999999999999", "es demasiado grande"),
        ("10,000,000,000,000", "es demasiado grande (máximo 9,999,999,999,999.99)"),
        ("1e309", "notación científica"),
        ("NaN", "no es un número"),
        ("Infinity", "no es un número"),
        ("-5", "El realizado no puede ser negativo."),
        ("-0.01", "El realizado no puede ser negativo."),
        ("cinco", "no es un número"),
        ("1,5", "es ambiguo"),
        ("1,50", "es ambiguo"),
        ("1.234", "3 decimales"),
        ("1.234,5", "coma decimal"),
        ("1.234.567", "punto como separador de miles"),
        ("12 345", "espacios"),
        ("１２", "no es un número"),
        ("0x10", "no es un número"),
        ("=1+1", "no es un número"),
        ("9" * 5000, "demasiado largo"),
    ],
)
def test_hostile_numbers_are_refused_with_a_message_next_to_the_cell(
    client, poa, personas, tecleado, mensaje
):
    client.force_login(personas.capturista)
    datos = datos_rejilla(client.get(_url(poa)).content.decode())
    meta = poa.metas_a1[0]
    datos[f"r-{meta.pk}-4"] = tecleado
    datos[f"r-{meta.pk}-5"] = "3"  # a valid cell in the same save
    respuesta = client.post(_url(poa), datos)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    celda = html.split(f'id="m-{meta.pk}-4"')[1].split("</span>")[0]
    assert mensaje in celda
    assert "No se guardó nada" in html
    assert not Avance.objects.exists()


def test_10000_character_observaciones_are_refused_with_the_limit(client, poa, personas):
    client.force_login(personas.capturista)
    datos = datos_rejilla(client.get(_url(poa)).content.decode())
    meta = poa.metas_a1[0]
    datos[f"o-{meta.pk}-4"] = "x" * 10_000
    respuesta = client.post(_url(poa), datos)
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "admiten como máximo 4,000 caracteres (escribió 10,000)" in html
    assert not Avance.objects.exists()


def test_4000_character_observaciones_are_stored(client, poa, personas):
    client.force_login(personas.capturista)
    datos = datos_rejilla(client.get(_url(poa)).content.decode())
    meta = poa.metas_a1[0]
    datos[f"o-{meta.pk}-4"] = "ñ" * 4000
    assert client.post(_url(poa), datos).status_code == 302
    assert Avance.objects.get().observaciones == "ñ" * 4000


@pytest.mark.parametrize(
    ("tecleado", "guardado"),
    [
        ("1,234.5", Decimal("1234.5")),
        ("1234.5", Decimal("1234.5")),
        ("  12  ", Decimal("12")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("0", Decimal("0")),
        ("0.00", Decimal("0")),
        ("+7", Decimal("7")),
        ("9,999,999,999,999.99", Decimal("9999999999999.99")),
    ],
)
def test_valid_es_mx_numbers_are_stored_exactly(client, poa, personas, tecleado, guardado):
    client.force_login(personas.capturista)
    datos = datos_rejilla(client.get(_url(poa)).content.decode())
    meta = poa.metas_a1[0]
    datos[f"r-{meta.pk}-4"] = tecleado
    assert client.post(_url(poa), datos).status_code == 302
    assert Avance.objects.get().realizado == guardado


def test_grid_shows_stored_values_formatted_and_they_save_back_unchanged(client, poa, personas):
    client.force_login(personas.capturista)
    datos = datos_rejilla(client.get(_url(poa)).content.decode())
    meta = poa.metas_a1[0]
    datos[f"r-{meta.pk}-4"] = "1234567.5"
    client.post(_url(poa), datos)
    datos = datos_rejilla(client.get(_url(poa)).content.decode())
    assert datos[f"r-{meta.pk}-4"] == "1,234,567.5"
    client.post(_url(poa), datos)
    avance = Avance.objects.get()
    assert avance.realizado == Decimal("1234567.5") and avance.version == 1


valores = st.decimals(
    min_value=Decimal("0"),
    max_value=MAX_REALIZADO,
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@settings(max_examples=300, deadline=None)
@given(x=valores)
def test_grid_form_parses_back_what_the_grid_formats(x):
    """parse(format(x)) == x on the grid path: the form reads what the page showed."""
    celda = {"meta_id": 1, "mes": 4, "realizado": None, "observaciones": "", "version": 0}
    form = RejillaCapturaForm(
        [celda],
        data={"r-1-4": formatear_numero(x), "o-1-4": "", "v-1-4": ficha_version(0, None, "")},
    )
    assert form.is_valid(), form.errores
    if x == 0 and formatear_numero(x) == "0":
        assert form.cambios[0].realizado == 0
    else:
        assert form.cambios[0].realizado == x


@settings(max_examples=200, deadline=None)
@given(x=valores)
def test_a_stored_value_shown_and_posted_back_is_not_a_change(x):
    celda = {"meta_id": 1, "mes": 4, "realizado": x, "observaciones": "nota", "version": 3}
    form = RejillaCapturaForm([celda])
    mostrada = form.celdas[(1, 4)]
    form = RejillaCapturaForm(
        [celda],
        data={"r-1-4": mostrada.texto_realizado, "o-1-4": "nota\r\n", "v-1-4": mostrada.ficha},
    )
    assert form.is_valid() and form.cambios == []
