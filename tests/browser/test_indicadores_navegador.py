"""Capture of a trimestral indicator's variables in a real browser (issue 14)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from avances.models import AvanceIndicador, AvanceVariable
from programas.models import Asignacion, Indicador, UnidadEjecutora
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser


def test_capturista_types_a_variable_and_the_justificacion_and_they_persist(pagina, poa_demo):
    som = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, clave="SOM")
    usuario = get_user_model().objects.create_user("capt_som_nav", password="clave-segura-123")
    Asignacion.objects.create(usuario=usuario, rol=Asignacion.Rol.CAPTURISTA, unidad=som)
    indicador = Indicador.objects.get(clave="5.1")
    a = indicador.variables.get(simbolo="A")
    entrar(pagina, "capt_som_nav", "clave-segura-123")
    pagina.goto(f"{pagina.poa_base_url}/captura/{som.pk}/3/")
    seccion = pagina.locator("#indicadores")
    assert "Cobertura de desinfección" in seccion.inner_text()
    assert "Amarillo" in seccion.inner_text()
    celda = pagina.locator(f'input[name="v{a.pk}-9"]')
    celda.fill("0.96")
    pagina.locator(f'textarea[name="j{indicador.pk}-9"]').fill("Se cambió el clorador.")
    pagina.get_by_role("button", name="Guardar indicadores").click()
    pagina.wait_for_selector("text=Se guardaron 2 valor(es) de indicadores.")
    assert AvanceVariable.objects.get(variable=a, periodo=9).realizado == Decimal("0.96")
    assert AvanceIndicador.objects.get(indicador=indicador, periodo=9).justificacion
    # 0.96 / 1.01 = 95.05 % of 95 % → verde after the reload.
    assert "Verde" in pagina.locator("#indicadores").inner_text()
    assert pagina.locator(f'input[name="v{a.pk}-9"]').input_value() == "0.96"
