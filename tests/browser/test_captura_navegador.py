"""Capture round trip in a real browser: keyboard, paste from Excel, per-row save, reload,
errors (a bad cell refuses only its own row)."""

from decimal import Decimal

import pytest

from avances.models import Avance
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser

CLAVE = "clave-segura-123"


def _activa(pagina) -> str:
    return pagina.evaluate("document.activeElement.id")


def _pegar(pagina, selector: str, texto: str) -> None:
    """Paste `texto` into a cell as Ctrl+V would, through the real clipboard when allowed."""
    pagina.click(selector)
    try:
        pagina.evaluate("t => navigator.clipboard.writeText(t)", texto)
        pagina.keyboard.press("Control+V")
    except Exception:  # noqa: BLE001 - clipboard unavailable: dispatch the same event
        pagina.eval_on_selector(
            selector,
            """(el, t) => { const dt = new DataTransfer(); dt.setData('text/plain', t);
                el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true,
                cancelable: true})); }""",
            texto,
        )


def test_capturista_fills_the_grid_with_keyboard_and_paste_and_it_persists(
    pagina, live_server, poa, personas
):
    a, b, c = poa.metas_a1
    pagina.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    entrar(pagina, live_server.url, "capturista", CLAVE)
    url = f"{live_server.url}/captura/{poa.unidad_a1.pk}/2/"
    pagina.goto(url)

    # Keyboard: type, Enter goes down, arrows move between cells.
    pagina.click(f"#r-{a.pk}-4")
    pagina.keyboard.type("1,234.5")
    pagina.keyboard.press("Enter")
    assert _activa(pagina) == f"r-{b.pk}-4"
    pagina.keyboard.type("2")
    pagina.keyboard.press("ArrowRight")
    assert _activa(pagina) == f"r-{b.pk}-5"
    pagina.keyboard.type("3")
    pagina.keyboard.press("ArrowDown")
    assert _activa(pagina) == f"r-{c.pk}-5"
    pagina.keyboard.type("4")
    pagina.keyboard.press("ArrowUp")
    pagina.keyboard.press("ArrowUp")
    assert _activa(pagina) == f"r-{a.pk}-5"
    pagina.keyboard.press("Tab")
    assert _activa(pagina) == f"r-{a.pk}-6"

    # A column copied from Excel fills the cells downward.
    _pegar(pagina, f"#r-{a.pk}-6", "7\r\n8\r\n9\r\n")
    assert pagina.input_value(f"#r-{a.pk}-6") == "7"
    assert pagina.input_value(f"#r-{b.pk}-6") == "8"
    assert pagina.input_value(f"#r-{c.pk}-6") == "9"

    # Live preview: P = 1 and R = 1,234.5 in April.
    fila_a = pagina.locator(f"#meta-{a.pk}")
    assert "123,450.00%" in fila_a.locator("td.pct").first.inner_text()
    pagina.click(f"#meta-{a.pk} button.abrir-obs")  # observaciones open below the row
    pagina.fill(f"textarea[name=o-{a.pk}-4]", "Campaña extraordinaria de abril")
    pagina.click("#guardar")
    for meta in (a, b, c):
        expect_estado(pagina, meta, "Guardado")
    assert "3 fila(s) guardadas" in pagina.inner_text("#estado-cambios")

    pagina.reload()
    assert pagina.input_value(f"#r-{a.pk}-4") == "1,234.5"
    assert pagina.input_value(f"#r-{b.pk}-4") == "2"
    assert pagina.input_value(f"#r-{b.pk}-5") == "3"
    assert pagina.input_value(f"#r-{c.pk}-5") == "4"
    assert [pagina.input_value(f"#r-{m.pk}-6") for m in (a, b, c)] == ["7", "8", "9"]
    assert pagina.input_value(f"textarea[name=o-{a.pk}-4]") == "Campaña extraordinaria de abril"
    guardado = {(x.meta_id, x.mes): x.realizado for x in Avance.objects.all()}
    assert guardado == {
        (a.pk, 4): Decimal("1234.5"), (b.pk, 4): Decimal("2"), (b.pk, 5): Decimal("3"),
        (c.pk, 5): Decimal("4"), (a.pk, 6): Decimal("7"), (b.pk, 6): Decimal("8"),
        (c.pk, 6): Decimal("9"),
    }  # fmt: skip


def expect_estado(pagina, meta, texto: str) -> None:
    """Wait until the row's state, in words, starts with `texto`."""
    pagina.wait_for_function(
        "([id, t]) => document.querySelector('#meta-' + id + ' .estado-fila')"
        ".textContent.startsWith(t)",
        arg=[meta.pk, texto],
    )


def test_a_bad_value_shows_its_error_next_to_the_cell_and_only_its_row_is_refused(
    pagina, live_server, poa, personas
):
    a, b, _ = poa.metas_a1
    entrar(pagina, live_server.url, "capturista", CLAVE)
    pagina.goto(f"{live_server.url}/captura/{poa.unidad_a1.pk}/2/")
    pagina.fill(f"#r-{a.pk}-4", "5")
    pagina.click(f"#r-{b.pk}-4")
    pagina.keyboard.type("1,5")
    # The preview already flags it while typing…
    assert "ambiguo" in pagina.inner_text(f"#meta-{b.pk} td.r.celda-error")
    pagina.click("#guardar")
    # …its row is refused and stays on screen, while the valid row is stored.
    expect_estado(pagina, a, "Guardado")
    expect_estado(pagina, b, "Rechazada")
    assert "ambiguo" in pagina.inner_text(f"#meta-{b.pk} td.celda-error")
    assert pagina.input_value(f"#r-{b.pk}-4") == "1,5"  # typed values stay on screen
    assert list(Avance.objects.values_list("meta_id", "mes", "realizado")) == [(a.pk, 4, D5)]
    pagina.on("dialog", lambda dialogo: dialogo.accept())  # leave although 1,5 is unsaved
    pagina.reload()
    assert pagina.input_value(f"#r-{a.pk}-4") == "5"
    assert pagina.input_value(f"#r-{b.pk}-4") == ""


D5 = Decimal("5")


def test_without_javascript_the_classic_post_refuses_the_whole_grid(
    live_server, navegador, poa, personas
):
    a, b, _ = poa.metas_a1
    contexto = navegador.new_context(java_script_enabled=False, locale="es-MX")
    pagina = contexto.new_page()
    try:
        entrar(pagina, live_server.url, "capturista", CLAVE)
        pagina.goto(f"{live_server.url}/captura/{poa.unidad_a1.pk}/2/")
        pagina.fill(f"#r-{a.pk}-4", "5")
        pagina.fill(f"#r-{b.pk}-4", "1,5")
        with pagina.expect_navigation():
            pagina.click("#guardar")
        celda = pagina.locator(f"#meta-{b.pk} td.celda-error").first
        assert "«1,5» es ambiguo" in celda.inner_text()
        assert "No se guardó nada" in pagina.inner_text(".mensajes")
        assert pagina.input_value(f"#r-{b.pk}-4") == "1,5"
        assert pagina.input_value(f"#r-{a.pk}-4") == "5"
        assert not Avance.objects.exists()
    finally:
        contexto.close()
