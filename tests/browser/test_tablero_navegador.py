"""The tablero in Chromium: charts drawn as SVG with text alternatives, drill-down, and a
semáforo that explains itself when clicked."""

from __future__ import annotations

import pytest

from programas.models import Asignacion, Ramo
from tests.browser.conftest import entrar
from tests.factories import UserFactory, asignar

pytestmark = pytest.mark.django_db(transaction=True)
CLAVE = "clave-segura-123"


def test_tablero_charts_drill_down_and_an_explained_semaforo(pagina, poa_demo):
    usuario = UserFactory(username="plan_tablero")
    asignar(usuario, Asignacion.Rol.PLANEACION)
    entrar(pagina, usuario.username, CLAVE)
    pagina.goto(f"{pagina.poa_base_url}/tablero/?ejercicio={poa_demo.pk}&trimestre=4")

    graficas = pagina.locator("svg.grafica[role=img]")
    assert graficas.count() == 4  # metas (3) and the indicators' semáforo per MIR level
    for i in range(4):
        assert graficas.nth(i).locator(":scope > title").text_content().strip()
        assert graficas.nth(i).locator(":scope > desc").text_content().strip()
    assert pagina.get_by_role("table").filter(has_text="Ramos de la selección").is_visible()

    bisom = Ramo.objects.get(ejercicio=poa_demo, clave="54")
    pagina.get_by_role("link", name=f"{bisom.clave} {bisom.nombre}").click()
    pagina.wait_for_url(f"**ramo={bisom.pk}**")
    assert "Programas de la selección" in pagina.content()
    pagina.locator("a.bajar").first.click()  # programa → its unidades
    pagina.wait_for_url("**programa=**")
    pagina.locator("a.bajar").first.click()  # → one unidad and its metas
    pagina.wait_for_url("**unidad=**")
    assert pagina.get_by_role("heading", name="Metas de la unidad").is_visible()

    explicacion = pagina.locator("details.explica").first
    assert not explicacion.locator("p").is_visible()
    explicacion.locator("summary").click()
    texto = explicacion.locator("p").inner_text()
    assert "Fórmula:" in texto and "Verde de 90 % a 110 %" in texto
