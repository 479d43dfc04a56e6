"""A capturista's offline round trip in a real browser (issue 11): from the grid, download
the months-as-columns sheet, fill it in Excel's place (openpyxl) with one cell the rules
refuse, upload it and read, cell by cell, what was stored and what was refused and why."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from avances.models import Avance
from avances.services import periodos_cambiar
from plantilla.demo import CONTRASENA_DEMO, crear_usuarios_demo
from plantilla.hoja_captura import HOJA
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_web(transactional_db, poa_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    crear_usuarios_demo()
    return poa_demo


def _fila(hoja, clave: str) -> int:
    return next(f for f in range(5, hoja.max_row + 1) if hoja.cell(row=f, column=1).value == clave)


def test_offline_sheet_round_trip_with_one_refused_cell(pagina, demo_web, tmp_path):
    periodos_cambiar(ejercicio=demo_web, meses=[5], abierto=False)  # Planeación closed May
    entrar(pagina, "capturista", CONTRASENA_DEMO)
    unidad_id = Avance.objects.filter(meta__unidad__clave="54101").first().meta.unidad_id
    pagina.goto(pagina.poa_base_url + f"/captura/{unidad_id}/2/")
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Descargar hoja para trabajar sin conexión").click()
    archivo = tmp_path / descarga.value.suggested_filename
    descarga.value.save_as(archivo)
    assert archivo.name == "captura_2022_54_54101_T2.xlsx"

    libro = openpyxl.load_workbook(archivo)
    hoja = libro[HOJA]
    f100, f101 = _fila(hoja, "100"), _fila(hoja, "101")
    assert hoja.cell(row=f100, column=8).value == 91  # Junio R as stored
    hoja.cell(row=f100, column=8).value = 93
    hoja.cell(row=f100, column=11).value = "Se sumaron dos visitas"
    hoja.cell(row=f101, column=6).value = 4  # Mayo R: the month is closed
    libro.save(archivo)

    pagina.goto(pagina.poa_base_url + "/importacion/captura/")
    pagina.set_input_files("#id_archivo", str(archivo))
    pagina.get_by_role("button", name="Revisar la hoja").click()
    pagina.wait_for_selector("#rechazadas")
    assert pagina.locator("h1").inner_text() == f"Resultado: {archivo.name}"
    assert "2 celdas guardadas, 1 rechazada" in pagina.locator("#resumen").inner_text()
    rechazadas = pagina.locator("#rechazadas").inner_text()
    assert f"{HOJA}!F{f101} (Mayo R)" in rechazadas
    assert "el mes de mayo está cerrado por Planeación" in rechazadas
    tomadas = pagina.locator("#tomadas").inner_text()
    assert f"{HOJA}!H{f100} (Junio R)" in tomadas and "91" in tomadas and "93" in tomadas
    assert f"{HOJA}!K{f100} (Junio observaciones)" in tomadas

    # The grid, reloaded, shows the stored cells; the refused one was not written.
    pagina.get_by_role("link", name="Ir a la rejilla de captura").click()
    pagina.wait_for_url(f"**/captura/{unidad_id}/2/")
    junio = Avance.objects.get(meta__unidad__clave="54101", meta__clave="100", mes=6)
    assert (junio.realizado, junio.observaciones) == (Decimal(93), "Se sumaron dos visitas")
    assert not Avance.objects.filter(meta__unidad__clave="54101", meta__clave="101", mes=5).exists()
    pagina.screenshot(path=str(tmp_path / "rejilla.png"))


def test_old_one_row_per_month_sheet_still_goes_through_the_preview(pagina, demo_web, tmp_path):
    entrar(pagina, "capturista", CONTRASENA_DEMO)
    unidad_id = Avance.objects.filter(meta__unidad__clave="54101").first().meta.unidad_id
    pagina.goto(pagina.poa_base_url + "/importacion/captura/")
    respuesta = pagina.request.get(
        pagina.poa_base_url + f"/importacion/captura/{unidad_id}/2/descargar/?formato=filas"
    )
    archivo = tmp_path / "vieja.xlsx"
    archivo.write_bytes(respuesta.body())
    libro = openpyxl.load_workbook(archivo)
    libro["avances"].append(["54", "54201", "542", "300", "", "", 6, "Junio", 0, 5, ""])
    libro.save(archivo)
    pagina.set_input_files("#id_archivo", str(archivo))
    pagina.get_by_role("button", name="Revisar la hoja").click()
    pagina.wait_for_url("**/importacion/previa/**")
    errores = pagina.locator("#errores").inner_text()
    assert "la unidad 54201 del ramo 54 no está entre las unidades que usted captura" in errores
    assert pagina.get_by_role("button", name="Confirmar y guardar").count() == 0
