"""The XLSX writer (XlsxWriter) keeps every property of the format.

This reads a generated workbook back with openpyxl and pins each property: header block,
frozen panes, print titles, print setup, number formats and texts that never become
formulas (issues 4 and 13, XLSX).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from programas.models import Meta, Ramo
from reportes import xlsx as modulo_xlsx
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import fila_con, libro

pytestmark = pytest.mark.django_db


def _xlsx(ramo_id: int, monkeypatch) -> bytes:
    modos = []
    original = modulo_xlsx.xlsxwriter.Workbook

    def espia(salida, opciones):
        modos.append(opciones)
        return original(salida, opciones)

    monkeypatch.setattr(modulo_xlsx.xlsxwriter, "Workbook", espia)
    _, _, contenido = EXPORTADORES["tmm-f004"].render(
        Parametros(anio=2022, trimestre=1, formato="xlsx", ramo_id=ramo_id)
    )
    # One XlsxWriter workbook that never turns a text into a formula or a link.
    assert len(modos) == 1
    assert modos[0]["strings_to_formulas"] is False and modos[0]["strings_to_urls"] is False
    return contenido


def test_write_only_workbook_keeps_format_properties(poa_demo, monkeypatch):
    meta = Meta.objects.get(unidad__ramo__clave="54", unidad__clave="54101", clave="101")
    peligrosas = ['=HYPERLINK("http://malo.example","clic")', "+1+1", "-2+3", "@SUMA(A1)"]
    meta.descripcion = peligrosas[0]
    meta.save()
    otras = list(
        Meta.objects.filter(unidad__ramo__clave="54", unidad__clave="54101")
        .exclude(pk=meta.pk)
        .order_by("clave")[:3]
    )
    for otra, texto in zip(otras, peligrosas[1:], strict=False):
        otra.descripcion = texto
        otra.save()
    unidad = meta.unidad
    unidad.clave = "054101"
    unidad.save()
    ramo = Ramo.objects.get(ejercicio=poa_demo, clave="54")

    contenido = _xlsx(ramo.pk, monkeypatch)
    wb = libro(contenido)
    assert wb.sheetnames == ["Índice", "054101", "54102", "54201", "54202", "54204"]  # + unidades
    for ws in wb.worksheets[1:]:  # after the index sheet
        # Header block.
        assert ws["A1"].value.startswith("XXIV AYUNTAMIENTO")
        assert ws.cell(row=1, column=ws.max_column).value == "TMM-F004"
        assert ws["A1"].font.b
        assert ws.cell(row=2, column=ws.max_column).value == "FECHA: ENERO-MARZO 2022"
        assert ws.cell(row=fila_con(ws, "RAMO:"), column=2).value.startswith("54 ")
        # Frozen panes right below the table header, which repeats on every printed page.
        fila_p = fila_con(ws, "P", columna=5)
        assert ws.freeze_panes == f"A{fila_p + 1}"
        inicio = fila_con(ws, "LÍNEA DE ACCIÓN P.M.D.")
        assert ws.print_title_rows == f"${inicio}:${fila_p}"
        assert ws.cell(row=inicio, column=1).font.b and ws.cell(row=inicio, column=1).fill.fgColor
        assert ws.merged_cells.ranges  # colspan/rowspan of the table header
        # Print setup.
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == Worksheet.PAPERSIZE_LETTER
        # fitToWidth 1 is the OOXML default, which XlsxWriter leaves out (read back as None).
        assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.oddFooter.right.text == "Página &P de &N"
        assert ws.column_dimensions["B"].width > 30  # the description column is wide
        # Real numbers with number formats; percentages as fractions formatted 0%.
        r = fila_p + 1
        while ws.cell(row=r, column=4).value is None:
            r += 1
        assert ws.cell(row=r, column=4).data_type == "n"
        assert ws.cell(row=r, column=4).number_format in ("#,##0", "#,##0.00")
        assert ws.cell(row=r, column=4).border.left.style == "thin"
        porcentajes = [
            c for c in ws.iter_rows(min_row=fila_p + 1) for c in c if c.number_format == "0%"
        ]
        assert porcentajes and all(isinstance(c.value, int | float) for c in porcentajes)

    ws = wb["054101"]
    assert ws.cell(row=fila_con(ws, "UNIDAD EJECUTORA:"), column=2).value.startswith("054101")
    r = fila_con(ws, "101.- =HYPERLINK", columna=2)
    assert ws.cell(row=r, column=1).data_type == "s"  # the PMD line's code stays text
    # Texts that start with = + - @ are text, never formulas.
    valores = {c.value for fila in ws.iter_rows() for c in fila}
    for texto in peligrosas[: len(otras) + 1]:
        assert any(isinstance(v, str) and v.endswith(texto) for v in valores), texto
    for fila in ws.iter_rows():
        for celda in fila:
            assert celda.data_type != "f", celda.coordinate
    with zipfile.ZipFile(io.BytesIO(contenido)) as paquete:
        for nombre in paquete.namelist():
            if nombre.startswith("xl/worksheets/"):
                assert b"<f>" not in paquete.read(nombre), nombre


def test_text_starting_with_formula_characters_is_neutralized():
    from decimal import Decimal

    from programas.formulas import Estado, Porcentaje
    from reportes.formatos.base import Celda, Documento, Fila, Hoja, Tabla, porcentaje

    peligrosas = ["=1+1", "+1+1", "-2+3", "@SUMA(A1)"]
    veintinueve = Porcentaje(Decimal(29), Estado.NUMERO)
    hoja = Hoja(
        nombre="099",
        titulo=["=TITULO()"],
        codigo="F-1",
        fecha="ENERO-MARZO 2022",
        datos=[("UNIDAD", "099 UNIDAD"), ("NOTA", "-peligro\nsegunda línea")],
        tablas=[
            Tabla(
                anchos=[8, 30, 8],
                encabezado=[[Celda("CLAVE"), Celda("DESCRIPCIÓN"), Celda("%")]],
                filas=[
                    Fila(
                        [
                            Celda("099"),
                            Celda(texto),
                            porcentaje(veintinueve),
                        ]
                    )
                    for texto in peligrosas
                ],
            )
        ],
        notas=["@nota"],
    )
    contenido = modulo_xlsx.renderizar_xlsx(
        Documento(nombre="x", titulo="x", hojas=[hoja]), ayuntamiento="AYUNTAMIENTO"
    )
    ws = libro(contenido)["099"]
    # OWASP: the quote-prefix style keeps the text from becoming a formula, even once edited.
    assert ws["A2"].value == "=TITULO()" and ws["A2"].data_type != "f" and ws["A2"].quotePrefix
    for i, texto in enumerate(peligrosas):
        fila = fila_con(ws, texto, columna=2)
        assert ws.cell(row=fila, column=2).quotePrefix
        assert ws.cell(row=fila, column=1).value == "099"
        assert ws.cell(row=fila, column=1).data_type == "s"
        assert ws.cell(row=fila, column=3).value == pytest.approx(0.29)
        assert ws.cell(row=fila, column=3).number_format == "0%"
        assert fila == fila_con(ws, "CLAVE") + 1 + i
    celda_nota = ws.cell(row=fila_con(ws, "NOTA:"), column=2)
    assert celda_nota.value == "-peligro\nsegunda línea" and celda_nota.alignment.wrap_text
    assert celda_nota.quotePrefix and not ws.cell(row=fila_con(ws, "CLAVE"), column=1).quotePrefix
    assert ws.row_dimensions[celda_nota.row].height >= 24  # two lines of 9 pt
    assert ws.freeze_panes == f"A{fila_con(ws, 'CLAVE') + 1}"
    for fila in ws.iter_rows():
        for celda in fila:
            assert celda.data_type != "f", celda.coordinate
    with zipfile.ZipFile(io.BytesIO(contenido)) as paquete:
        assert b"<f>" not in paquete.read("xl/worksheets/sheet1.xml")


def test_the_same_report_twice_in_one_process_writes_the_same_styles(poa_demo):
    """XlsxWriter writes into the default format properties it is given: each workbook gets
    its own copy, so the second export of a process is the first one's twin."""
    ramo = Ramo.objects.filter(ejercicio=poa_demo).order_by("clave").first()
    params = Parametros(anio=2022, trimestre=1, formato="xlsx", ramo_id=ramo.pk)
    estilos = []
    for _ in range(2):
        _, _, contenido = EXPORTADORES["tmm-f004"].render(params)
        with zipfile.ZipFile(io.BytesIO(contenido)) as paquete:
            estilos.append(paquete.read("xl/styles.xml"))
    assert estilos[0] == estilos[1]
    assert "theme_font_name" not in modulo_xlsx.OPCIONES_LIBRO["default_format_properties"]
