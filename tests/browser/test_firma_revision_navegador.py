"""Review page in Chromium: missing items open their grid cell; "Pedir a la captura" emails.

BISOM programa 511 / unidad 54101, T3 2022 of the demo: metas 100 and 101 are outside the
green band without observaciones. Set POA_CAPTURAS=<dir> to keep screenshots of the inbox,
the review page and the board at 1366×768 and 390 px wide.
"""

import re

import pytest
from django.core import mail

from plantilla.demo import crear_usuarios_demo
from programas.models import Meta, Programa, UnidadEjecutora
from tests.browser.test_firma_navegador import captura, como, pulsar

pytestmark = pytest.mark.browser


def _en_dos_anchos(pagina, nombre: str) -> None:
    for ancho, alto in ((1366, 768), (390, 844)):
        pagina.set_viewport_size({"width": ancho, "height": alto})
        captura(pagina, f"{nombre}-{ancho}")
    pagina.set_viewport_size({"width": 1400, "height": 900})


def test_missing_items_open_the_cell_and_signers_ask_the_capture(pagina, live_server, poa_demo):
    crear_usuarios_demo()
    programa = Programa.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="511")
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="54101")
    meta = Meta.objects.get(unidad=unidad, clave="100")
    base = live_server.url
    panel = f"{base}/firmas/{programa.pk}/{unidad.pk}/3/"

    pagina.goto(f"{base}/verificar/", timeout=60_000)  # first request loads every URLconf
    # Elaboró does not capture: the items read without "escriba" and can be sent by email.
    como(pagina, "elaboro")
    pagina.goto(f"{base}/firmas/")
    _en_dos_anchos(pagina, "10-bandeja")
    pagina.goto(panel)
    pendientes = pagina.inner_text("#pendientes")
    assert "Meta 100: cumplimiento del trimestre" in pendientes
    assert "escriba" not in pendientes
    _en_dos_anchos(pagina, "11-revision-pendientes")
    mail.outbox.clear()
    pulsar(pagina, "#pedir-captura button")
    assert "Se pidió a la captura de la unidad 54101" in pagina.inner_text(".mensajes")
    assert len(mail.outbox) == 1
    assert f"?celda=o-{meta.pk}-" in mail.outbox[0].body

    pagina.goto(f"{base}/firmas/tablero/")
    assert "Por capturar" in pagina.inner_text('td[data-celda="511/54101/T3"]')
    _en_dos_anchos(pagina, "12-tablero")

    # The capturista follows the first item to the observación of meta 100 in the grid.
    como(pagina, "capturista")
    pagina.goto(panel)
    assert pagina.locator("#pedir-captura").count() == 0
    enlace = pagina.locator(f'#pendientes a[data-celda^="o-{meta.pk}-"]')
    celda = enlace.get_attribute("data-celda")
    pulsar(pagina, f'#pendientes a[data-celda="{celda}"]')
    assert re.search(rf"/captura/{unidad.pk}/3/\?celda={celda}", pagina.url)
    assert pagina.evaluate("document.activeElement.id") == celda
    assert "celda-pedida" in pagina.get_attribute(f'[data-celda="{celda}"]', "class")
    captura(pagina, "13-celda-pedida")
