"""Planning an indicator of the MIR in a real browser: the formula is checked as it is typed."""

from decimal import Decimal

import pytest

from planeacion.mir_servicios import objetivo_guardar
from programas.models import Indicador, ProgramadoVariable
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser

CLAVE = "clave-segura-123"


@pytest.fixture
def componente(poa, personas):
    return objetivo_guardar(
        programa=poa.programa_a,
        usuario=personas.planeacion,
        datos={"nivel": "COMPONENTE", "clave": "C1", "resumen_narrativo": "Apoyos entregados"},
    )


def test_the_formula_is_checked_live_and_the_indicator_is_saved(
    pagina, live_server, poa, personas, componente
):
    errores = []  # a CSP violation or a script error shows up in the console

    def consola(mensaje):
        if mensaje.type == "error" and not mensaje.location["url"].endswith("/favicon.ico"):
            errores.append(mensaje.text)

    pagina.on("console", consola)
    entrar(pagina, "planeacion", CLAVE)
    pagina.goto(f"{live_server.url}/programas/mir/{poa.programa_a.pk}/")
    pagina.get_by_role("link", name="Agregar indicador").click()
    assert pagina.input_value("#id_tipo") == "GESTION"  # by the componente's level
    pagina.fill("#id_clave", "C1.1")
    pagina.fill("#id_nombre", "Porcentaje de apoyos entregados")
    pagina.fill("#id_unidad_medida", "Porcentaje")
    pagina.select_option("#id_unidad", str(poa.unidad_a1.pk))
    problemas = pagina.locator("#formula-problemas")

    # The variables are proposed from the formula's symbols.
    pagina.fill("#id_formula", "(A / B) × 100")
    boton = pagina.locator("#proponer-variables")
    boton.wait_for(state="visible")
    assert boton.inner_text() == "Agregar las variables A, B de la fórmula"
    assert "La fórmula usa «A», que no es una variable del indicador." in problemas.inner_text()
    boton.click()
    pagina.wait_for_selector("#formula-problemas li.correcta")
    assert pagina.input_value("#id_variables-0-simbolo") == "A"
    assert pagina.input_value("#id_variables-1-simbolo") == "B"

    # An unknown symbol is flagged as it is typed, and the unused variable too.
    pagina.fill("#id_formula", "(A / X) * 100")
    pagina.wait_for_selector("#formula-problemas li.problema")
    texto = problemas.inner_text()
    assert "La fórmula usa «X», que no es una variable del indicador." in texto
    assert "La variable «B» no se usa en la fórmula." in texto
    assert pagina.get_attribute("#id_formula", "aria-invalid") == "true"
    # Correcting it removes the warning.
    pagina.fill("#id_formula", "(A / B) * 100")
    pagina.wait_for_selector("#formula-problemas li.correcta")
    assert pagina.locator("#formula-problemas li.problema").count() == 0
    assert not boton.is_visible()

    # Only the periods of the frecuencia can be typed: TRIMESTRAL is 3, 6, 9, 12.
    assert pagina.is_visible("#id_variables-0-p3") and not pagina.is_visible("#id_variables-0-p4")
    pagina.select_option("#id_frecuencia", "ANUAL")
    assert not pagina.is_visible("#id_variables-0-p3") and pagina.is_visible("#id_variables-0-p12")
    pagina.select_option("#id_frecuencia", "TRIMESTRAL")
    pagina.fill("#id_variables-0-nombre", "Apoyos entregados")
    pagina.fill("#id_variables-0-p3", "10")
    pagina.fill("#id_variables-0-p6", "1,200")
    pagina.fill("#id_variables-1-nombre", "Apoyos solicitados")
    pagina.select_option("#id_variables-1-comportamiento", "CONTINUA")
    pagina.fill("#id_variables-1-p3", "40")
    # A variable linked to a meta takes its values: its periods are not typed.
    pagina.select_option("#id_variables-1-meta", str(poa.metas_a1[0].pk))
    assert pagina.is_disabled("#id_variables-1-p3")
    pagina.select_option("#id_variables-1-meta", "")
    pagina.fill("#id_variables-1-p3", "40")

    with pagina.expect_navigation():
        pagina.get_by_role("button", name="Guardar indicador").click()
    assert "Se guardó el indicador C1.1." in pagina.content()
    assert "(A / B) * 100" in pagina.locator(f"#objetivo-{componente.pk}").inner_text()
    indicador = Indicador.objects.get(programa=poa.programa_a, clave="C1.1")
    assert (indicador.formula, indicador.frecuencia) == ("(A / B) * 100", "TRIMESTRAL")
    filas = ProgramadoVariable.objects.filter(variable__indicador=indicador)
    valores = {(p.variable.simbolo, p.periodo): p.valor for p in filas}
    assert valores == {("A", 3): Decimal("10"), ("A", 6): Decimal("1200"), ("B", 3): Decimal("40")}
    assert indicador.variables.get(simbolo="B").comportamiento == "CONTINUA"
    assert errores == []


def test_a_formula_that_is_still_wrong_is_refused_by_the_server(
    pagina, live_server, poa, personas, componente
):
    """Saving before correcting it: the server says the same thing and saves nothing."""
    entrar(pagina, "planeacion", CLAVE)
    pagina.goto(
        f"{live_server.url}/programas/mir/{poa.programa_a.pk}/indicadores/nuevo/"
        f"?objetivo={componente.pk}"
    )
    pagina.fill("#id_clave", "C1.9")
    pagina.fill("#id_nombre", "Con error")
    pagina.fill("#id_unidad_medida", "Porcentaje")
    pagina.select_option("#id_unidad", str(poa.unidad_a1.pk))
    pagina.get_by_role("button", name="Agregar variable").click()
    pagina.fill("#id_variables-0-simbolo", "A")
    pagina.fill("#id_variables-0-nombre", "Apoyos")
    pagina.fill("#id_formula", "A / Z")
    pagina.wait_for_selector("#formula-problemas li.problema")
    with pagina.expect_navigation():
        pagina.get_by_role("button", name="Guardar indicador").click()
    alerta = pagina.locator(".mensaje.error[role=alert]").inner_text()
    assert "Indicador C1.9: La fórmula usa «Z», que no es una variable del indicador." in alerta
    assert not Indicador.objects.exists()
    # The page comes back with what was typed, and the live check runs again.
    assert pagina.input_value("#id_variables-0-simbolo") == "A"
    pagina.wait_for_selector("#formula-problemas li.problema")
