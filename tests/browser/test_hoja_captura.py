"""A capturista's offline round trip in a real browser: download the quarter's capture sheet,
fill it in Excel's place (openpyxl), upload it, read the preview and confirm."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from avances.models import Avance
from plantilla.demo import CONTRASENA_DEMO, crear_usuarios_demo
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_web(transactional_db, poa_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    crear_usuarios_demo()
    return poa_demo


def test_capturista_downloads_fills_uploads_and_confirms_capture_sheet(pagina, demo_web, tmp_path):
    entrar(pagina, "capturista", CONTRASENA_DEMO)
    pagina.goto(pagina.poa_base_url + "/importacion/")  # capturistas land on their page
    assert pagina.locator("h1").inner_text() == "Hoja de captura (Excel)"
    enlace = pagina.get_by_role("link", name="Descargar hoja de captura T3 de 54101")
    with pagina.expect_download() as descarga:
        enlace.click()
    archivo = tmp_path / descarga.value.suggested_filename
    descarga.value.save_as(archivo)
    assert archivo.name == "captura_2022_54_54101_T3.xlsx"

    libro = openpyxl.load_workbook(archivo)
    hoja = libro["avances"]
    encabezado = [c.value for c in hoja[1]]
    col = {nombre: encabezado.index(nombre) for nombre in encabezado}
    llenadas = 0
    for fila in hoja.iter_rows(min_row=2):
        clave, mes = fila[col["clave"]].value, fila[col["mes"]].value
        if (clave, mes) == ("101", 8):
            assert fila[col["programado"]].value == 0
            fila[col["realizado"]].value = 12
            fila[col["observaciones"]].value = "Se adelantó la entrega de becas"
            llenadas += 1
        if (clave, mes) == ("100", 9):
            assert fila[col["realizado"]].value == 237  # current value pre-filled
            fila[col["realizado"]].value = 240
            llenadas += 1
    assert llenadas == 2
    libro.save(archivo)

    pagina.set_input_files("#id_archivo", str(archivo))
    pagina.get_by_role("button", name="Revisar la hoja").click()
    pagina.wait_for_url("**/importacion/previa/**")
    assert "hoja de captura" in pagina.locator("p.sub").inner_text()
    cambios = pagina.locator("#cambios").inner_text()
    assert "Avance 54/54101/100 sep" in cambios and "237" in cambios and "240" in cambios
    assert pagina.get_by_text("Se crearían (1)").is_visible()  # few items: shown open
    assert "Avance 54/54101/101 ago" in pagina.locator("#creados").inner_text()
    assert pagina.locator("#errores").count() == 0
    # Nothing is written until the user confirms.
    assert not Avance.objects.filter(meta__unidad__clave="54101", meta__clave="101", mes=8).exists()

    pagina.get_by_role("button", name="Confirmar y guardar").click()
    pagina.wait_for_url("**/importacion/captura/")
    assert "Se cargó «captura_2022_54_54101_T3.xlsx»" in pagina.locator(".mensajes").inner_text()
    nuevo = Avance.objects.get(meta__unidad__clave="54101", meta__clave="101", mes=8)
    assert (nuevo.realizado, nuevo.observaciones) == (
        Decimal(12),
        "Se adelantó la entrega de becas",
    )
    assert nuevo.actualizado_por.username == "capturista"
    cambiado = Avance.objects.get(meta__unidad__clave="54101", meta__clave="100", mes=9)
    assert cambiado.realizado == Decimal(240) and cambiado.version == 2


def test_capture_sheet_with_another_unidad_is_refused_in_the_preview(pagina, demo_web, tmp_path):
    entrar(pagina, "capturista", CONTRASENA_DEMO)
    pagina.goto(pagina.poa_base_url + "/importacion/captura/")
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Descargar hoja de captura T2 de 54102").click()
    archivo = tmp_path / "hoja.xlsx"
    descarga.value.save_as(archivo)
    libro = openpyxl.load_workbook(archivo)
    libro["avances"].append(["54", "54201", "542", "300", "", "", 6, "Junio", 0, 5, ""])
    libro.save(archivo)
    pagina.set_input_files("#id_archivo", str(archivo))
    pagina.get_by_role("button", name="Revisar la hoja").click()
    errores = pagina.locator("#errores").inner_text()
    assert (
        "unidad_clave: la unidad 54201 del ramo 54 no está entre las unidades que usted captura"
        in errores
    )
    assert pagina.get_by_role("button", name="Confirmar y guardar").count() == 0
