"""Reportes in Chromium (issue 4): Tesorería downloads a unit's TMM-F004 as XLSX and asks
for the OROMAPAS quarterly sheet as a background PDF, follows the progress page and
downloads it; both files are read back and hold the seeds' figures."""

import pytest

from plantilla.demo import CONTRASENA_DEMO, crear_usuarios_demo
from programas.models import Ramo, UnidadEjecutora
from tests.apoyo_reportes import fila_con, libro, texto_pdf
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser


def test_tesoreria_downloads_xlsx_and_a_background_pdf(pagina, live_server, poa_demo):
    crear_usuarios_demo()
    bisom = Ramo.objects.get(ejercicio=poa_demo, clave="54")
    oromapas = Ramo.objects.get(ejercicio=poa_demo, clave="OROMAPAS")
    unidad = UnidadEjecutora.objects.get(ramo=bisom, clave="54101")
    entrar(pagina, "tesoreria", CONTRASENA_DEMO)
    pagina.goto(f"{live_server.url}/reportes/")

    # 1. Direct download: TMM-F004, T1, BISOM 54101, XLSX.
    pagina.select_option("#id_trimestre", "1")
    pagina.select_option("#id_ramo", str(bisom.pk))
    pagina.select_option("#id_unidad", str(unidad.pk))
    pagina.check("input[name=tipo][value=xlsx]")
    pagina.check("input[name=reporte][value=tmm-f004]")
    with pagina.expect_download() as descarga:
        pagina.click("button.primario:has-text('Descargar')")
    archivo = descarga.value
    assert archivo.suggested_filename.startswith("TMM-F004_2022_T1")
    assert archivo.suggested_filename.endswith(".xlsx")
    ws = libro(open(archivo.path(), "rb").read()).active
    fila = [c.value for c in ws[fila_con(ws, "100.- Proporcionar", columna=2)]]
    assert fila[3:6] == [446, 126, 128]  # meta anual, P and A of Ene-Mar (seed 001)
    assert fila[12] == 128 and float(fila[13]) == pytest.approx(128 / 446)

    # 2. Background job: POA trimestral, T2, OROMAPAS, PDF, with its progress page.
    pagina.goto(f"{live_server.url}/reportes/")
    pagina.select_option("#id_trimestre", "2")
    pagina.select_option("#id_ramo", str(oromapas.pk))
    pagina.check("input[name=tipo][value=pdf]")
    pagina.check("input[name=reporte][value=poa-trimestral]")
    with pagina.expect_navigation():
        pagina.click("button:has-text('Generar en segundo plano')")
    assert "/reportes/trabajos/" in pagina.url
    assert pagina.locator("[role=progressbar]").count() == 1
    pagina.wait_for_selector("#descarga:not([hidden])")
    assert "Listo" in pagina.inner_text("#etiqueta")
    with pagina.expect_download() as descarga:
        pagina.click("#descarga a")
    texto = texto_pdf(open(descarga.value.path(), "rb").read())
    assert "Programa Operativo Anual Segundo Trimestre del 2022" in texto
    assert "694,836" in texto and "50.35%" in texto

    # 3. The job is listed on the Reportes page with its download link.
    pagina.goto(f"{live_server.url}/reportes/")
    assert "poa-trimestral · PDF · T2 2022" in pagina.inner_text("table.trabajos")
