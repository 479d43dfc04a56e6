"""Per-row save of the capture grid (`avances:guardar_fila`): JSON answers, scope, locks,
optimistic versions, CSRF and the limits that never cut a value silently."""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from avances.models import Avance, Periodo, TrimestreFirma
from avances.services import MAX_OBSERVACIONES, avance_capturar
from tests.captura_util import datos_rejilla

D = Decimal


def _url_fila(unidad, meta, trimestre=2):
    return reverse("avances:guardar_fila", args=[unidad.pk, trimestre, meta.pk])


def _fila(client, unidad, meta, trimestre=2) -> dict[str, str]:
    """The grid's fields of one meta row, as the page shows them."""
    html = client.get(reverse("avances:captura", args=[unidad.pk, trimestre])).content.decode()
    return {k: v for k, v in datos_rejilla(html).items() if re.match(rf"^[rov]-{meta.pk}-", k)}


@pytest.fixture
def capturista(client, personas):
    client.force_login(personas.capturista)
    return client


def test_a_row_is_saved_and_answers_its_new_versions_and_figures(capturista, poa, personas):
    a, b, _ = poa.metas_a1
    datos = _fila(capturista, poa.unidad_a1, a)
    datos.update({f"r-{a.pk}-4": "1,234.5", f"o-{a.pk}-4": "Campaña de abril"})
    respuesta = capturista.post(_url_fila(poa.unidad_a1, a), datos)
    assert respuesta.status_code == 200
    cuerpo = respuesta.json()
    assert cuerpo["estado"] == "guardado"
    assert "Se guardaron 1 celda(s)" in cuerpo["mensaje"]
    avance = Avance.objects.get(meta=a, mes=4)
    assert avance.realizado == D("1234.5") and avance.observaciones == "Campaña de abril"
    assert avance.actualizado_por == personas.capturista
    assert not Avance.objects.filter(meta=b).exists()  # only the posted row
    abril = cuerpo["fila"]["meses"]["4"]
    assert abril["realizado"] == "1,234.5" and abril["semaforo"] == "rojo"
    assert abril["texto"] == "123,450.00%"
    assert abril["ficha"].startswith("1.")
    # Saving again with the answered version replaces the value (no false conflict).
    datos[f"v-{a.pk}-4"] = abril["ficha"]
    datos[f"r-{a.pk}-4"] = "1"
    segunda = capturista.post(_url_fila(poa.unidad_a1, a), datos).json()
    assert segunda["estado"] == "guardado"
    assert Avance.objects.get(meta=a, mes=4).realizado == D("1")
    datos[f"v-{a.pk}-4"] = segunda["fila"]["meses"]["4"]["ficha"]
    assert capturista.post(_url_fila(poa.unidad_a1, a), datos).json()["estado"] == "sin_cambios"


def test_an_invalid_cell_refuses_its_row_only(capturista, poa):
    a, b, _ = poa.metas_a1
    malo = _fila(capturista, poa.unidad_a1, a)
    malo.update({f"r-{a.pk}-4": "1,5", f"r-{a.pk}-5": "3"})
    respuesta = capturista.post(_url_fila(poa.unidad_a1, a), malo)
    assert respuesta.status_code == 400
    cuerpo = respuesta.json()
    assert cuerpo["estado"] == "rechazado"
    assert "ambiguo" in cuerpo["errores"]["4"]["texto"]
    assert not Avance.objects.filter(meta=a).exists()  # the row is atomic
    bueno = _fila(capturista, poa.unidad_a1, b)
    bueno[f"r-{b.pk}-4"] = "7"
    assert capturista.post(_url_fila(poa.unidad_a1, b), bueno).status_code == 200
    assert Avance.objects.get(meta=b, mes=4).realizado == D("7")


def test_long_observaciones_and_huge_numbers_are_refused_not_cut(capturista, poa):
    a = poa.metas_a1[0]
    datos = _fila(capturista, poa.unidad_a1, a)
    datos[f"o-{a.pk}-4"] = "x" * (MAX_OBSERVACIONES + 1)
    cuerpo = capturista.post(_url_fila(poa.unidad_a1, a), datos).json()
    assert cuerpo["estado"] == "rechazado"
    assert cuerpo["errores"]["4"]["en_observaciones"] is True
    assert "como máximo 4,000 caracteres (escribió 4,001)" in cuerpo["errores"]["4"]["texto"]
    datos[f"o-{a.pk}-4"] = ""
    datos[f"r-{a.pk}-4"] = "99999999999999"
    cuerpo = capturista.post(_url_fila(poa.unidad_a1, a), datos).json()
    assert "demasiado grande" in cuerpo["errores"]["4"]["texto"]
    assert not Avance.objects.exists()


def test_outside_the_users_scope_is_404(client, poa, personas):
    a = poa.metas_a1[0]
    client.force_login(personas.capturista)
    datos = _fila(client, poa.unidad_a1, a)
    datos[f"r-{a.pk}-4"] = "1"
    client.force_login(personas.ajeno)  # capturista of another ramo's unidad
    assert client.post(_url_fila(poa.unidad_a1, a), datos).status_code == 404
    client.force_login(personas.capturista)
    otra = poa.metas_a2[0]  # a meta of another unidad, under this unidad's URL
    assert client.post(_url_fila(poa.unidad_a1, otra), datos).status_code == 404
    assert client.post(_url_fila(poa.unidad_a1, a, trimestre=5), datos).status_code == 404
    assert not Avance.objects.exists()


def test_read_only_roles_get_403_and_get_is_not_allowed(client, poa, personas):
    a = poa.metas_a1[0]
    client.force_login(personas.consulta)
    respuesta = client.post(_url_fila(poa.unidad_a1, a), {f"r-{a.pk}-4": "1"})
    assert respuesta.status_code == 403 and respuesta.json()["estado"] == "prohibido"
    client.force_login(personas.capturista)
    assert client.get(_url_fila(poa.unidad_a1, a)).status_code == 405
    assert not Avance.objects.exists()


def test_an_authorized_quarter_is_locked(capturista, poa):
    a = poa.metas_a1[0]
    datos = _fila(capturista, poa.unidad_a1, a)
    datos[f"r-{a.pk}-4"] = "5"
    TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=2,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    respuesta = capturista.post(_url_fila(poa.unidad_a1, a), datos)
    assert respuesta.status_code == 409
    cuerpo = respuesta.json()
    assert cuerpo["estado"] == "bloqueado" and "autoriz" in cuerpo["mensaje"].lower()
    assert not Avance.objects.exists()


def test_a_closed_month_is_refused_with_its_reason(capturista, poa):
    a = poa.metas_a1[0]
    datos = _fila(capturista, poa.unidad_a1, a)
    Periodo.objects.create(ejercicio=poa.ramo_a.ejercicio, mes=4, abierto=False)
    datos[f"r-{a.pk}-4"] = "5"
    datos[f"r-{a.pk}-5"] = "6"
    cuerpo = capturista.post(_url_fila(poa.unidad_a1, a), datos).json()
    assert cuerpo["estado"] == "rechazado"
    assert "periodo cerrado" in cuerpo["errores"]["4"]["texto"].lower()
    assert not Avance.objects.exists()  # May is not stored either: the row is atomic


def test_a_version_conflict_answers_the_other_persons_value(capturista, poa, personas):
    a = poa.metas_a1[0]
    personas.planeacion.first_name, personas.planeacion.last_name = "Ana", "Ruiz"
    personas.planeacion.save()
    datos = _fila(capturista, poa.unidad_a1, a)  # the page is loaded…
    avance_capturar(
        meta=a, mes=4, realizado=D("9"), observaciones="Dato de Ana", usuario=personas.planeacion
    )  # …then someone else saves the same cell
    datos[f"r-{a.pk}-4"] = "3"
    respuesta = capturista.post(_url_fila(poa.unidad_a1, a), datos)
    assert respuesta.status_code == 409
    cuerpo = respuesta.json()
    assert cuerpo["estado"] == "conflicto"
    otro = cuerpo["conflictos"]["4"]
    assert otro["usuario"] == "Ana Ruiz" and otro["realizado"] == "9"
    assert otro["observaciones"] == "Dato de Ana"
    assert Avance.objects.get(meta=a, mes=4).realizado == D("9")
    # Saving again with their version (what the page does after showing it) replaces it.
    datos[f"v-{a.pk}-4"] = otro["ficha"]
    assert capturista.post(_url_fila(poa.unidad_a1, a), datos).json()["estado"] == "guardado"
    assert Avance.objects.get(meta=a, mes=4).realizado == D("3")


def test_csrf_is_required(poa, personas):
    a = poa.metas_a1[0]
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(personas.capturista)
    pagina = cliente.get(reverse("avances:captura", args=[poa.unidad_a1.pk, 2]))
    datos = {k: v for k, v in datos_rejilla(pagina.content.decode()).items() if f"-{a.pk}-" in k}
    datos[f"r-{a.pk}-4"] = "2"
    assert cliente.post(_url_fila(poa.unidad_a1, a), datos).status_code == 403
    assert not Avance.objects.exists()
    token = pagina.cookies["csrftoken"].value
    respuesta = cliente.post(_url_fila(poa.unidad_a1, a), datos, headers={"X-CSRFToken": token})
    assert respuesta.status_code == 200, json.loads(respuesta.content)
    assert Avance.objects.get(meta=a, mes=4).realizado == D("2")
