"""The same XLSX plan written with openpyxl (write-only), to compare with XlsxWriter.

`reportes.xlsx` writes the product's workbooks with XlsxWriter. This writer takes the very
same `PlanHoja`s (cells, styles, merges, widths, heights, print setup) and writes them with
openpyxl's fastest mode, so `bench_reportes.py` can time the two writers side by side on
one document. Not used by the product.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reportes import xlsx_medidas as medidas
from reportes.verificable import MARCA_BORRADOR
from reportes.xlsx_plan import Estilo, PlanHoja, plan_de_hoja

_FINO = Side(style="thin", color="777777")
_BORDE = Border(left=_FINO, right=_FINO, top=_FINO, bottom=_FINO)


class _Estilos:
    def __init__(self, ws):
        self.ws = ws
        self.cache: dict[Estilo, object] = {}

    def de(self, estilo: Estilo):
        guardado = self.cache.get(estilo)
        if guardado is None:
            muestra = WriteOnlyCell(self.ws)
            muestra.font = Font(
                name=medidas.FUENTE,
                size=estilo.tamano,
                bold=estilo.negrita,
                italic=estilo.cursiva,
                color=estilo.color or None,
            )
            if estilo.relleno:
                muestra.fill = PatternFill("solid", fgColor=estilo.relleno)
            muestra.alignment = Alignment(
                horizontal=estilo.horizontal,
                vertical="center" if estilo.vertical == "vcenter" else "top",
                wrap_text=estilo.ajuste,
            )
            if estilo.borde:
                muestra.border = _BORDE
            if estilo.formato:
                muestra.number_format = estilo.formato
            if estilo.prefijo:
                muestra.quotePrefix = True
            guardado = self.cache[estilo] = muestra._style
        return guardado


def _pagina(ws, plan: PlanHoja) -> None:
    for i, ancho in enumerate(plan.anchos, 1):
        ws.column_dimensions[get_column_letter(i)].width = ancho
    for fila, alto in plan.alturas.items():
        ws.row_dimensions[fila].height = alto
    if plan.congelar:
        ws.freeze_panes = f"A{plan.congelar}"
    if plan.titulos_impresion:
        ws.print_title_rows = f"{plan.titulos_impresion[0]}:{plan.titulos_impresion[1]}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = (
        Worksheet.PAPERSIZE_LEGAL if plan.papel == "oficio" else Worksheet.PAPERSIZE_LETTER
    )
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.right.text = "Página &P de &N"
    ws.oddFooter.left.text = plan.pie_izquierdo.replace("&", "&&")[:120]
    if plan.borrador:
        ws.oddHeader.center.text = MARCA_BORRADOR


def _hoja(libro: Workbook, plan: PlanHoja) -> None:
    ws = libro.create_sheet(plan.nombre)
    estilos = _Estilos(ws)
    filas: dict[int, dict[int, WriteOnlyCell]] = {}
    for c in plan.celdas:
        celda = WriteOnlyCell(ws, c.valor if c.valor != "" else None)
        celda._style = estilos.de(c.estilo)
        filas.setdefault(c.fila, {})[c.columna] = celda
        if c.combinada:
            for r in range(c.fila, c.hasta_fila + 1):
                for k in range(c.columna, c.hasta_columna + 1):
                    if (r, k) != (c.fila, c.columna):
                        cubierta = WriteOnlyCell(ws)
                        cubierta._style = celda._style
                        filas.setdefault(r, {}).setdefault(k, cubierta)
            ws.merged_cells.add(
                f"{get_column_letter(c.columna)}{c.fila}:"
                f"{get_column_letter(c.hasta_columna)}{c.hasta_fila}"
            )
    _pagina(ws, plan)
    for r in range(1, max(filas, default=0) + 1):
        celdas = filas.get(r, {})
        fila = [None] * max(celdas, default=0)
        for k, celda in celdas.items():
            fila[k - 1] = celda
        ws.append(fila)
    ws.close()


def renderizar_xlsx_openpyxl(documento, *, ayuntamiento: str) -> bytes:
    libro = Workbook(write_only=True)
    for hoja in documento.hojas:
        _hoja(libro, plan_de_hoja(hoja, ayuntamiento))
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
