"""Capture of the MIR indicators' variables in the capture screen (issue 14, DOMAIN.md §8)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avances.models import AvanceIndicador, AvanceVariable, TrimestreFirma
from programas.models import Asignacion, Indicador, UnidadEjecutora
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def som(poa_demo):
    return UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, clave="SOM")


@pytest.fixture
def cliente_som(som):
    usuario = UserFactory(username="capt_som")
    Asignacion.objects.create(usuario=usuario, rol=Asignacion.Rol.CAPTURISTA, unidad=som)
    cliente = Client()
    cliente.force_login(usuario)
    return cliente


def _variable(simbolo="A", clave="5.1"):
    return Indicador.objects.get(clave=clave).variables.get(simbolo=simbolo)


def _url(unidad, trimestre=1):
    return reverse("avances:captura_indicadores", args=[unidad.pk, trimestre])


def test_the_capture_screen_shows_the_indicator_section(cliente_som, som):
    respuesta = cliente_som.get(reverse("avances:captura", args=[som.pk, 3]))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert "Cobertura de desinfección de agua en la red pública" in html
    assert f'name="v{_variable().pk}-9"' in html
    assert "Amarillo" in html  # 84.42 % of cumplimiento in Q3
    assert "Fuera del verde: escriba la justificación." in html


def test_a_value_is_saved_with_history_and_a_new_version(cliente_som, som):
    variable = _variable()
    clave = f"v{variable.pk}-3"
    respuesta = cliente_som.post(_url(som), {clave: "0.97", f"version-{clave}": "1"},
                                 HTTP_ACCEPT="application/json")  # fmt: skip
    assert respuesta.status_code == 200, respuesta.content
    assert respuesta.json()["guardados"] == [clave]
    avance = AvanceVariable.objects.get(variable=variable, periodo=3)
    assert avance.realizado == D("0.97") and avance.version == 2
    assert avance.history.first().history_user.username == "capt_som"


def test_a_stale_page_gets_a_conflict_and_keeps_the_other_value(cliente_som, som):
    variable = _variable()
    clave = f"v{variable.pk}-3"
    cliente_som.post(_url(som), {clave: "0.97", f"version-{clave}": "1"})
    respuesta = cliente_som.post(_url(som), {clave: "0.50", f"version-{clave}": "1"},
                                 HTTP_ACCEPT="application/json")  # fmt: skip
    assert respuesta.json()["conflictos"] == {clave: "0.97"}
    assert AvanceVariable.objects.get(variable=variable, periodo=3).realizado == D("0.97")


def test_one_bad_value_does_not_stop_the_others(cliente_som, som):
    a, b = _variable("A"), _variable("B")
    datos = {
        f"v{a.pk}-3": "0.91", f"version-v{a.pk}-3": "1",
        f"v{b.pk}-3": "-5", f"version-v{b.pk}-3": "1",
        f"v{a.pk}-6": "0.80", f"version-v{a.pk}-6": "1",  # period of another quarter
    }  # fmt: skip
    respuesta = cliente_som.post(_url(som), datos, HTTP_ACCEPT="application/json")
    cuerpo = respuesta.json()
    assert respuesta.status_code == 422
    assert cuerpo["guardados"] == [f"v{a.pk}-3"]
    assert set(cuerpo["errores"]) == {f"v{b.pk}-3", f"v{a.pk}-6"}
    assert "no corresponde" in cuerpo["errores"][f"v{a.pk}-6"]
    assert AvanceVariable.objects.get(variable=b, periodo=3).realizado == D("1.00")


def test_a_linked_variable_is_shown_not_typed(poa_demo):
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, clave="54101")
    usuario = UserFactory(username="capt_54101")
    Asignacion.objects.create(usuario=usuario, rol=Asignacion.Rol.CAPTURISTA, unidad=unidad)
    cliente = Client()
    cliente.force_login(usuario)
    vinculada = _variable("A", "P.1")
    html = cliente.get(reverse("avances:captura", args=[unidad.pk, 2])).content.decode()
    assert f'name="v{vinculada.pk}-6"' not in html and "de la meta 100" in html
    respuesta = cliente.post(_url(unidad, 2), {f"v{vinculada.pk}-6": "5"},
                             HTTP_ACCEPT="application/json")  # fmt: skip
    assert "toma sus valores de una meta" in respuesta.json()["errores"][f"v{vinculada.pk}-6"]


def test_an_authorized_quarter_refuses_values_and_justificaciones(cliente_som, som):
    indicador = Indicador.objects.get(clave="5.1")
    TrimestreFirma.objects.create(programa=indicador.programa, unidad=som, trimestre=1,
                                  estado=TrimestreFirma.Estado.AUTORIZADO)  # fmt: skip
    variable = _variable()
    datos = {f"v{variable.pk}-3": "0.5", f"version-v{variable.pk}-3": "1",
             f"j{indicador.pk}-3": "Texto"}  # fmt: skip
    cuerpo = cliente_som.post(_url(som), datos, HTTP_ACCEPT="application/json").json()
    assert (
        all("autorizado" in m for m in cuerpo["errores"].values()) and len(cuerpo["errores"]) == 2
    )
    assert AvanceVariable.objects.get(variable=variable, periodo=3).realizado == D("0.93")
    assert not AvanceIndicador.objects.exists()


def test_a_long_justificacion_is_refused_not_cut(cliente_som, som):
    indicador = Indicador.objects.get(clave="5.1")
    clave = f"j{indicador.pk}-9"
    cuerpo = cliente_som.post(_url(som, 3), {clave: "x" * 4001},
                              HTTP_ACCEPT="application/json").json()  # fmt: skip
    assert "No se cortó" in cuerpo["errores"][clave]
    cliente_som.post(_url(som, 3), {clave: "Falla en el clorador de la línea 2."})
    assert AvanceIndicador.objects.get(indicador=indicador, periodo=9).justificacion.startswith(
        "Falla"
    )


def test_another_unidads_capturist_gets_404(poa_demo, som):
    otra = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, clave="54101")
    usuario = UserFactory(username="capt_otra")
    Asignacion.objects.create(usuario=usuario, rol=Asignacion.Rol.CAPTURISTA, unidad=otra)
    cliente = Client()
    cliente.force_login(usuario)
    assert cliente.get(_url(som)).status_code == 404
    assert cliente.post(_url(som), {f"v{_variable().pk}-3": "1"}).status_code == 404
    assert AvanceVariable.objects.get(variable=_variable(), periodo=3).realizado == D("0.93")


def test_csrf_is_required(som):
    usuario = UserFactory(username="capt_csrf")
    Asignacion.objects.create(usuario=usuario, rol=Asignacion.Rol.CAPTURISTA, unidad=som)
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(usuario)
    assert cliente.post(_url(som), {f"v{_variable().pk}-3": "1"}).status_code == 403


def test_queries_of_the_section_do_not_grow_with_the_indicators(cliente_som, som):
    def contar() -> int:
        with CaptureQueriesContext(connection) as consultas:
            assert cliente_som.get(_url(som, 3)).status_code == 200
        return len(consultas)

    contar()  # the session's first request renews it (one write)
    antes = contar()
    original = Indicador.objects.get(clave="5.1")
    for n in range(5):
        copia = Indicador.objects.get(pk=original.pk)
        copia.pk, copia.clave = None, f"5.1.{n}"
        copia.save()
        for variable in original.variables.all():
            variable.pk, variable.indicador = None, copia
            variable.save()
    assert contar() == antes
