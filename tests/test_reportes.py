"""Every official format generated from the demo data (the seeds), read back as XLSX and PDF."""

from __future__ import annotations

from datetime import datetime

import pytest

from programas.models import Meta, Ramo, UnidadEjecutora
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import fila_con, libro, texto_pdf

pytestmark = pytest.mark.django_db


def _ids(poa_demo):
    ramos = {r.clave: r.pk for r in Ramo.objects.filter(ejercicio=poa_demo)}
    unidades = {
        (u.ramo.clave, u.clave): u.pk
        for u in UnidadEjecutora.objects.filter(ramo__ejercicio=poa_demo).select_related("ramo")
    }
    return ramos, unidades


def _render(reporte, tipo, trimestre, **alcance):
    return EXPORTADORES[reporte].render(
        Parametros(anio=2022, trimestre=trimestre, formato=tipo, workers=1, **alcance)
    )


def _valores(ws, fila):
    return [c.value for c in ws[fila]]


def test_tmm_f004_q1_bisom_54101_reproduces_the_seed(poa_demo):
    _, unidades = _ids(poa_demo)
    nombre, tipo, contenido = _render("tmm-f004", "xlsx", 1, unidad_id=unidades[("54", "54101")])
    assert nombre == "TMM-F004_2022_T1_54-511-54101.xlsx"
    ws = libro(contenido).active
    assert ws.title == "54101"
    # Header block of the format.
    assert ws["A1"].value.startswith("XXIV AYUNTAMIENTO")
    assert ws.cell(row=1, column=ws.max_column).value == "TMM-F004"
    assert ws.cell(row=fila_con(ws, "RAMO:"), column=2).value.startswith("54 BIENESTAR SOCIAL")
    lineas = ws.cell(row=fila_con(ws, "LÍNEAS DE ACCIÓN:"), column=2).value
    assert "2.1.5 APOYOS A POBLACIÓN EN POBREZA EXTREMA" in lineas
    # Meta 100, Q1: meta 446 (original, counted from January), P 126, A 128, absoluto 128, 29 %.
    r = fila_con(ws, "100.- Proporcionar", columna=2)
    fila = _valores(ws, r)
    assert fila[3] == 446
    assert fila[4:6] == [126, 128]  # Ene-Mar P A
    assert fila[6] == 91 and fila[7] is None  # Abr-Jun P, A blank (after the quarter)
    assert fila[12] == 128  # avance absoluto
    assert float(fila[13]) == pytest.approx(128 / 446)
    assert ws.cell(row=r, column=14).number_format == "0%"
    assert ws.cell(row=r, column=4).data_type == "n"
    # Print setup and frozen header.
    assert ws.page_setup.orientation == "landscape"
    # fitToWidth 1 is the OOXML default, which XlsxWriter leaves out (read back as None).
    assert ws.page_setup.fitToWidth in (1, None) and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.freeze_panes == f"A{fila_con(ws, 'P', columna=5) + 1}"
    assert ws.print_title_rows

    _, tipo, pdf = _render("tmm-f004", "pdf", 1, unidad_id=unidades[("54", "54101")])
    assert tipo == "application/pdf"
    texto = texto_pdf(pdf)
    assert "TMM-F004" in texto and "FECHA: ENERO-MARZO 2022" in texto
    linea = next(x for x in texto.splitlines() if "100.- Proporcionar" in x)
    assert linea.split()[-9:-6] == ["446", "126", "128"] or "446" in linea
    numeros = [t for t in linea.split() if t.replace(",", "").replace("%", "").isdigit()]
    assert numeros[:4] == ["446", "126", "128", "91"]
    assert "128" in numeros and "29%" in numeros
    assert "ELABORÓ" in texto and "REVISÓ" in texto and "AUTORIZÓ" in texto
    # The Q1 sheets were signed by the people in office then (responsables desde = 1).
    assert "YOLANDA LOZANO PÁEZ" in texto and "DAVID MURILLO JIMÉNEZ" in texto
    assert "HARO BELTRÁN" not in texto
    assert "Página 1 de 1" in texto


def test_tmm_f004_q4_counts_from_april(poa_demo):
    _, unidades = _ids(poa_demo)
    _, _, contenido = _render("tmm-f004", "xlsx", 4, unidad_id=unidades[("54", "54101")])
    ws = libro(contenido).active
    fila = _valores(ws, fila_con(ws, "100.- Proporcionar", columna=2))
    assert fila[3] == 320
    assert fila[4:6] == [None, None]  # Ene-Mar outside the re-issued POA's vigencia
    assert fila[6:12] == [91, 91, 207, 237, 22, 22]
    assert fila[12] == 350
    assert float(fila[13]) == pytest.approx(350 / 320)
    texto = texto_pdf(_render("tmm-f004", "pdf", 4, unidad_id=unidades[("54", "54101")])[2])
    linea = next(x for x in texto.splitlines() if "100.- Proporcionar" in x)
    assert "350" in linea.split() and "109%" in linea.split()
    assert "OCTUBRE-DICIEMBRE 2022" in texto


def test_tmm_f004_has_the_official_columns_and_marks_the_semaforo(poa_demo):
    """DOMAIN.md §6 lists the columns; the semáforo colours AVANCE ABSOLUTO, not a column."""
    from reportes.xlsx import COLORES_SEMAFORO

    _, unidades = _ids(poa_demo)
    _, _, contenido = _render("tmm-f004", "xlsx", 1, unidad_id=unidades[("54", "54101")])
    ws = libro(contenido).active
    arriba = fila_con(ws, "LÍNEA DE ACCIÓN P.M.D.")
    assert [v for v in _valores(ws, arriba) if v] == [
        "LÍNEA DE ACCIÓN P.M.D.",
        "METAS Y ACCIONES",
        "UNIDAD DE MEDIDA",
        "META ANUAL",
        "ENE-MAR",
        "ABR-JUN",
        "JUL-SEP",
        "OCT-DIC",
        "AVANCE ABSOLUTO",
        "ACUMULADO RELATIVO",
        "OBSERVACIONES",
    ]
    assert _valores(ws, arriba + 1)[4:12] == ["P", "A"] * 4
    # Meta 100: P 126, A 128 → 101.6 % → verde, on the avance absoluto cell (column 13).
    r = fila_con(ws, "100.- Proporcionar", columna=2)
    assert ws.cell(row=r, column=13).value == 128
    verde = COLORES_SEMAFORO["verde"]
    assert ws.cell(row=r, column=13).fill.fgColor.rgb.endswith(verde[-6:])
    assert ws.cell(row=r, column=14).fill.fgColor.rgb in (None, "00000000")
    leyenda = fila_con(ws, "Semáforo (color en AVANCE ABSOLUTO)")
    assert "verde 90–110 %" in ws.cell(row=leyenda, column=1).value

    pdf = _render("tmm-f004", "pdf", 1, unidad_id=unidades[("54", "54101")])[2]
    texto = texto_pdf(pdf)
    assert "SEMÁFORO" not in texto and "Semáforo (color en AVANCE ABSOLUTO)" in texto


def test_tmm_f004_mensual_shows_twelve_months(poa_demo):
    _, unidades = _ids(poa_demo)
    _, _, contenido = _render("tmm-f004-mensual", "xlsx", 1, unidad_id=unidades[("54", "54204")])
    ws = libro(contenido).active
    encabezado = _valores(ws, fila_con(ws, "LÍNEA DE ACCIÓN P.M.D."))
    assert "ENE" in encabezado and "DIC" in encabezado
    fila = _valores(ws, fila_con(ws, "500.-", columna=2))
    # March holds the Q1 programmed value (7,469) and its realized value.
    assert fila[4 + 2 * 2] == 7469
    texto = texto_pdf(_render("tmm-f004-mensual", "pdf", 1, unidad_id=unidades[("54", "54204")])[2])
    assert "AVANCE FÍSICO PROGRAMÁTICO (MENSUAL)" in texto and "7,469" in texto


def test_poa_trimestral_oromapas_q2_totals(poa_demo):
    ramos, _ = _ids(poa_demo)
    _, _, contenido = _render("poa-trimestral", "xlsx", 2, ramo_id=ramos["OROMAPAS"])
    wb = libro(contenido)
    assert wb.sheetnames == ["OROMAPAS"]  # one worksheet per organismo, a block per área
    ws = wb["OROMAPAS"]
    fila = _valores(ws, fila_con(ws, "2.1.1.2.16.6", columna=1))
    assert fila[3] == 664320
    assert fila[4:6] == [55300, 56006] and fila[6] == pytest.approx(1.0128, abs=0.00005)
    assert fila[13] == 167499  # realizadas en el trimestre
    assert float(fila[16]) == pytest.approx(334087 / 694836)  # ponderado 48.08 %
    assert ws.cell(row=fila_con(ws, "2.1.1.2.16.6", columna=1), column=17).number_format == (
        "0.00%"
    )
    total = ws
    assert fila_con(ws, "TOTAL") > fila_con(ws, "2.1.1.2.45.6.e", columna=1)  # after SP
    fila_total = _valores(total, fila_con(total, "TOTAL"))
    assert fila_total[3] == 694836
    assert float(fila_total[16]) == pytest.approx(0.5035, abs=0.00005)

    texto = texto_pdf(_render("poa-trimestral", "pdf", 2, ramo_id=ramos["OROMAPAS"])[2])
    assert "Programa Operativo Anual Segundo Trimestre del 2022" in texto
    assert "694,836" in texto and "50.35%" in texto and "50.11%" not in texto
    assert "48.08%" in texto and "101.28%" in texto
    assert "Josué Raúl Gutiérrez Casillas" in texto


def test_poa_trimestral_marks_np(poa_demo):
    # BISOM 305: nothing programmed Oct-Dic but 30 realized → N/P (DOMAIN.md §4).
    _, unidades = _ids(poa_demo)
    _, _, contenido = _render("poa-trimestral", "xlsx", 4, unidad_id=unidades[("54", "54201")])
    ws = libro(contenido).active
    fila = _valores(ws, fila_con(ws, "305", columna=1))
    assert fila[12] == "N/P"  # diciembre P/R
    texto = texto_pdf(_render("poa-trimestral", "pdf", 4, unidad_id=unidades[("54", "54201")])[2])
    assert "N/P" in texto


def test_estimacion_avances_negatives_in_parentheses(poa_demo):
    ramos, _ = _ids(poa_demo)
    _, _, contenido = _render("estimacion-avances", "xlsx", 4, ramo_id=ramos["01"])
    ws = libro(contenido)["000-001"]
    inicio = fila_con(ws, "2 - DAR SEGUIMIENTO", columna=1)
    programado, realizado, variacion = (_valores(ws, inicio + i) for i in range(3))
    assert programado[2] == 100 and realizado[2] == 89.27
    assert variacion[2] == -10.73 and variacion[15] == "VARIACIÓN"
    assert "(" in ws.cell(row=inicio + 2, column=3).number_format
    assert ws.cell(row=fila_con(ws, "Meta: 1 - VIGILAR"), column=1).value.startswith("Meta: 1")
    texto = texto_pdf(_render("estimacion-avances", "pdf", 4, ramo_id=ramos["01"])[2])
    assert "(10.73)" in texto and "(70.09)" in texto and "PROGRAMADO" in texto
    assert "ESTIMACIÓN Y AVANCES DE ACCIÓN 2022" in texto


def test_avance_trimestre_tesoreria(poa_demo):
    ramos, _ = _ids(poa_demo)
    _, _, contenido = _render("avance-trimestre", "xlsx", 4, ramo_id=ramos["01"])
    ws = libro(contenido)["010-001"]
    fila = _valores(ws, fila_con(ws, "4.- PROMOVER LA PARTICIPACIÓN", columna=1))
    assert fila[2:6] == [3171, 2639, 3171, 2639]
    # Acciones of meta 4 are listed in the Estimación, not here.
    with pytest.raises(AssertionError):
        fila_con(ws, "4.1.- ", columna=1)
    fila = _valores(ws, fila_con(ws, "3.- COORDINAR", columna=1))
    assert "4.2.3" in fila[12]
    texto = texto_pdf(_render("avance-trimestre", "pdf", 4, ramo_id=ramos["01"])[2])
    assert "AVANCE DEL CUARTO TRIMESTRE" in texto and "TESORERÍA MUNICIPAL" in texto
    assert "CIERRE DEL EJERCICIO" in texto


def test_identificacion_programas_fin_proposito_and_budget(poa_demo):
    ramos, _ = _ids(poa_demo)
    _, _, contenido = _render("identificacion-programas", "xlsx", 4, ramo_id=ramos["01"])
    ws = libro(contenido)["01-000"]
    assert ws.cell(row=fila_con(ws, "FIN"), column=2).value.startswith("CONTRIBUIR A QUE LOS")
    assert ws.cell(row=fila_con(ws, "PROPÓSITO"), column=2).value.startswith("LOS RECURSOS HUMANOS")
    fila = _valores(ws, fila_con(ws, "10000", columna=1))
    assert fila[2:5] == [814015.58, 1350142.92, 1339381.59]
    assert ws.cell(row=fila_con(ws, "10000", columna=1), column=1).data_type == "s"
    texto = texto_pdf(_render("identificacion-programas", "pdf", 4, ramo_id=ramos["01"])[2])
    assert "IDENTIFICACIÓN DE PROGRAMAS PARA EL EJERCICIO FISCAL 2022" in texto
    assert "$ 16,922,717.64" in texto and "$ 2,460,643.40" in texto
    assert "FRANCISCO JAVIER ECHEVERRÍA VERDUGO" in texto
    assert "RESPONSABLE DEL PROGRAMA" in texto


def test_cronograma_marks_months_and_efficiency(poa_demo):
    _, unidades = _ids(poa_demo)
    _, _, contenido = _render("cronograma", "xlsx", 2, unidad_id=unidades[("54", "54101")])
    ws = libro(contenido).active
    fila = _valores(ws, fila_con(ws, "100.- Proporcionar", columna=2))
    meses = fila[9:21]
    assert [i + 1 for i, v in enumerate(meses) if v == "X"] == [6, 9, 12]
    # Meta programada / alcanzada: N° to the quarter, % of the meta anual (91 / 320).
    assert fila[4] == 320 and fila[5] == 91 and fila[7] == 91
    assert float(fila[6]) == float(fila[8]) == pytest.approx(91 / 320)
    assert fila[0] == 1  # N° is a number and the dates are dates (issue 13)
    assert fila[21:24] == [datetime(2022, 6, 1), datetime(2022, 12, 31), "TRIMESTRAL"]
    assert ws.cell(row=fila_con(ws, "100.- Proporcionar", columna=2), column=22).is_date
    total = _valores(ws, fila_con(ws, "ÍNDICE DE EFICIENCIA"))
    assert total[5] == 162 and total[7] == 162 and float(total[8]) == pytest.approx(1)
    texto = texto_pdf(_render("cronograma", "pdf", 2, unidad_id=unidades[("54", "54101")])[2])
    assert "CRONOGRAMA" in texto and "Índice de eficiencia" in texto and " X " in texto


def test_every_format_downloads_for_a_whole_ramo(poa_demo):
    ramos, _ = _ids(poa_demo)
    for reporte, exportador in EXPORTADORES.items():
        for tipo in exportador.formatos:
            nombre, _, contenido = _render(reporte, tipo, 2, ramo_id=ramos["54"])
            assert nombre.endswith(f".{tipo}")
            assert contenido[:4] in (b"%PDF", b"PK\x03\x04")
    wb = libro(_render("tmm-f004", "xlsx", 2, ramo_id=ramos["54"])[2])
    assert wb.sheetnames == ["Índice", "54101", "54102", "54201", "54202", "54204"]


def test_claves_stay_text_and_formulas_are_neutralized(poa_demo):
    meta = Meta.objects.get(unidad__ramo__clave="54", unidad__clave="54101", clave="101")
    meta.descripcion = '=HYPERLINK("http://malo.example","clic")'
    meta.save()
    unidad = meta.unidad
    unidad.clave = "054101"
    unidad.save()
    ws = libro(_render("tmm-f004", "xlsx", 1, unidad_id=unidad.pk)[2]).active
    assert ws.cell(row=fila_con(ws, "UNIDAD EJECUTORA:"), column=2).value.startswith("054101")
    for fila in ws.iter_rows():
        for celda in fila:
            assert celda.data_type != "f", celda.coordinate
