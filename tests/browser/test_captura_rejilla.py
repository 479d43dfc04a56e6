"""The dense capture grid at 1366×768 and on a phone (issue 11): rows on screen, fixed
columns, block paste, per-row save, undo, unsaved-changes prompt and the card layout."""

from decimal import Decimal

import pytest

from avances.models import Avance
from programas.models import Asignacion, UnidadEjecutora
from tests.browser.conftest import entrar
from tests.browser.test_captura_navegador import _pegar, expect_estado
from tests.browser.test_firma_navegador import captura
from tests.factories import UserFactory, asignar

pytestmark = pytest.mark.browser

CLAVE = "clave-segura-123"
D = Decimal

FILAS_VISIBLES = """() => {
  const caja = document.getElementById('rejilla-contenedor').getBoundingClientRect();
  const arriba = document.querySelector('#rejilla thead').getBoundingClientRect().bottom;
  const barra = document.querySelector('.barra-guardar').getBoundingClientRect().top;
  const abajo = Math.min(innerHeight, caja.bottom, barra);
  return [...document.querySelectorAll('tr.fila-meta')].filter(r => {
    const b = r.getBoundingClientRect();
    return b.height > 0 && b.top >= arriba - 1 && b.bottom <= abajo + 1;
  }).length;
}"""


def _tamano(pagina, ancho: int, alto: int) -> None:
    pagina.set_viewport_size({"width": ancho, "height": alto})


def test_demo_unidad_01_001_shows_20_rows_and_keeps_the_description_in_view(
    pagina, live_server, poa_demo
):
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="01", clave="001")
    assert unidad.metas.count() == 54
    usuario = UserFactory(username="cap01")
    asignar(usuario, Asignacion.Rol.CAPTURISTA, unidad)
    _tamano(pagina, 1366, 768)
    entrar(pagina, "cap01", CLAVE)
    pagina.goto(f"{live_server.url}/captura/{unidad.pk}/4/")
    primera = pagina.locator("input.entrada-r").first
    primera.click()  # working in the grid brings it to the top of the window
    assert pagina.evaluate(FILAS_VISIBLES) >= 20
    # One scroll area: the page itself never scrolls sideways.
    assert pagina.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # Scrolled to the last row and the last column, the headers, the clave, the description,
    # the quarter's semáforo and the row state stay on screen.
    for ancho in (1366, 1024):
        _tamano(pagina, ancho, 768)
        pagina.eval_on_selector(
            "#rejilla-contenedor", "c => { c.scrollLeft = c.scrollWidth; c.scrollTop = 200; }"
        )
        if ancho == 1024:
            assert pagina.evaluate(
                "(c => c.scrollWidth > c.clientWidth)"
                "(document.getElementById('rejilla-contenedor'))"
            )
        visible = pagina.evaluate(
            """() => { const f = [...document.querySelectorAll('tr.fila-meta')][12];
              const en = (sel) => { const b = f.querySelector(sel).getBoundingClientRect();
                const el = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
                return !!el && f.querySelector(sel).contains(el); };
              return ['td.col-clave', 'td.col-meta', 'td.t-pct', 'td.col-estado'].map(en); }"""
        )
        assert visible == [True, True, True, True], (ancho, visible)
        cabecera = pagina.evaluate(
            "document.querySelector('#rejilla thead th.col-meta').getBoundingClientRect().top"
            " >= document.getElementById('rejilla-contenedor').getBoundingClientRect().top - 1"
        )
        assert cabecera
    captura(pagina, "rejilla-01-001-1024")


def test_block_paste_3x3_undo_and_per_row_autosave(pagina, live_server, poa, personas):
    a, b, c = poa.metas_a1
    pagina.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    _tamano(pagina, 1366, 768)
    entrar(pagina, "capturista", CLAVE)
    pagina.goto(f"{live_server.url}/captura/{poa.unidad_a1.pk}/2/")
    # A 3 × 3 block from a spreadsheet: rows are metas, columns are April, May and June.
    _pegar(pagina, f"#r-{a.pk}-4", "1\t2\t3\r\n4\t5\t6\r\n7\t8\t9\r\n")
    valores = [[pagina.input_value(f"#r-{m.pk}-{mes}") for mes in (4, 5, 6)] for m in (a, b, c)]
    assert valores == [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]
    # Ctrl+Z undoes the whole paste, Ctrl+Z on nothing says so.
    pagina.keyboard.press("Control+z")
    assert [pagina.input_value(f"#r-{m.pk}-5") for m in (a, b, c)] == ["", "", ""]
    _pegar(pagina, f"#r-{a.pk}-4", "1\t2\t3\r\n4\t5\t6\r\n7\t8\t9\r\n")
    # Rows b and c (not focused) save themselves a moment later; row a when it is left.
    expect_estado(pagina, b, "Guardado")
    expect_estado(pagina, c, "Guardado")
    assert pagina.inner_text(f"#meta-{a.pk} .estado-fila") == "Pendiente"
    pagina.click("h1")
    expect_estado(pagina, a, "Guardado")
    guardado = {(x.meta_id, x.mes): x.realizado for x in Avance.objects.all()}
    assert guardado == {
        (m.pk, mes): D(3 * i + mes - 3) for i, m in enumerate((a, b, c)) for mes in (4, 5, 6)
    }
    # The server's figures replace the preview: P = 1 and R = 1 + 2 + 3 in the quarter.
    assert pagina.inner_text(f"#meta-{a.pk} td.t-r") == "6"


def test_unsaved_changes_prompt_before_leaving(pagina, live_server, poa, personas):
    a = poa.metas_a1[0]
    entrar(pagina, "capturista", CLAVE)
    pagina.goto(f"{live_server.url}/captura/{poa.unidad_a1.pk}/2/")
    pagina.click(f"#r-{a.pk}-4")
    pagina.keyboard.type("12")  # still in the row: not saved yet
    assert pagina.inner_text(f"#meta-{a.pk} .estado-fila") == "Pendiente"
    dialogos = []

    def quedarse(dialogo):
        dialogos.append(dialogo.type)
        dialogo.dismiss()

    pagina.on("dialog", quedarse)
    try:
        pagina.goto(f"{live_server.url}/", timeout=2000)
    except Exception:  # noqa: BLE001 - staying on the page cancels the navigation
        pass
    assert dialogos == ["beforeunload"]
    assert "/captura/" in pagina.url and pagina.input_value(f"#r-{a.pk}-4") == "12"
    pagina.keyboard.press("Control+s")
    expect_estado(pagina, a, "Guardado")
    assert Avance.objects.get(meta=a, mes=4).realizado == D("12")


def test_long_observacion_is_marked_not_cut(pagina, live_server, poa, personas):
    a, b, _ = poa.metas_a1
    entrar(pagina, "capturista", CLAVE)
    pagina.goto(f"{live_server.url}/captura/{poa.unidad_a1.pk}/2/")
    pagina.click(f"#meta-{a.pk} button.abrir-obs")
    pagina.fill(f"#o-{a.pk}-5", "x" * 10_000)
    assert len(pagina.input_value(f"#o-{a.pk}-5")) == 10_000  # nothing cut
    assert "10,000 de 4,000" in pagina.inner_text(f"#c-{a.pk}-5")
    assert "como máximo 4,000" in pagina.inner_text(f'[data-celda="o-{a.pk}-5"]')
    pagina.fill(f"#r-{b.pk}-4", "3")
    pagina.keyboard.press("Control+s")
    expect_estado(pagina, b, "Guardado")
    expect_estado(pagina, a, "Rechazada")
    assert list(Avance.objects.values_list("meta_id", "mes")) == [(b.pk, 4)]


def test_phone_layout_is_one_card_per_meta_and_saves(pagina, live_server, poa, personas):
    a = poa.metas_a1[0]
    _tamano(pagina, 390, 844)
    entrar(pagina, "capturista", CLAVE)
    pagina.goto(f"{live_server.url}/captura/{poa.unidad_a1.pk}/2/")
    assert pagina.evaluate("document.documentElement.scrollWidth <= innerWidth")
    tarjeta = pagina.locator(f"#meta-{a.pk}")
    assert tarjeta.evaluate("t => getComputedStyle(t).display") == "grid"
    entrada = pagina.locator(f"#r-{a.pk}-5")
    assert entrada.is_visible() and entrada.bounding_box()["width"] > 80
    etiqueta = entrada.evaluate("e => getComputedStyle(e.closest('td'), '::before').content")
    assert etiqueta.upper() == '"MAY R"'  # each value of the card says its month and column
    entrada.fill("4")
    pagina.click("h1")  # leaving the card saves it
    expect_estado(pagina, a, "Guardado")
    assert Avance.objects.get(meta=a, mes=5).realizado == D("4")
    assert pagina.inner_text(f"#meta-{a.pk} td.pct[data-mes='5']") == "400.00%"
    captura(pagina, "rejilla-telefono")
