"""The Responsables page in a real browser: Planeación adds a person from a month on."""

import pytest

from programas import responsables
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser

CLAVE = "clave-segura-123"


def test_planeacion_adds_a_person_desde_abril(pagina, live_server, poa, personas):
    entrar(pagina, "planeacion", CLAVE)
    pagina.set_viewport_size({"width": 1366, "height": 768})
    pagina.goto(f"{live_server.url}/programas/responsables/?ejercicio={poa.ramo_a.ejercicio_id}")
    prefijo = f"unidad-{poa.unidad_a1.pk}"
    pagina.fill(f"[name={prefijo}-nuevo-nombre]", "LUIS SOTO")
    pagina.fill(f"[name={prefijo}-nuevo-cargo]", "DIRECTOR")
    pagina.select_option(f"[name={prefijo}-nuevo-desde]", "4")
    with pagina.expect_navigation():
        pagina.click("button.primario >> text=Guardar responsables")
    assert "Responsables guardados: 1 cambio(s)." in pagina.content()
    assert pagina.locator("tr.vigencia-anterior").count() == 1
    pagina.screenshot(path="/tmp/responsables_1366.png", full_page=True)
    pagina.set_viewport_size({"width": 390, "height": 844})
    pagina.screenshot(path="/tmp/responsables_390.png", full_page=True)
    poa.unidad_a1.refresh_from_db()
    assert [(p.desde, p.nombre) for p in responsables.periodos_de(poa.unidad_a1)] == [
        (1, "RESPONSABLE DE LA UNIDAD"),
        (4, "LUIS SOTO"),
    ]
