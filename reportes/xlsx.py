"""XLSX writer: one worksheet per sheet of the document model (openpyxl).

Numbers are numeric cells with number formats (percentages as fractions formatted 0% or
0.00%), claves and every other text are text cells neutralized against formula injection
(`programas.xlsx_seguro.texto_seguro`), the header block repeats the format's, panes are
frozen below the table header, and the print setup is landscape letter, fit to width,
with the table header as print title rows.
"""

from __future__ import annotations

import io
from copy import copy
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange

from programas.xlsx_seguro import texto_seguro

if TYPE_CHECKING:
    from reportes.exporters.base import Celda, Documento, Hoja

_FINO = Side(style="thin", color="777777")
BORDE = Border(left=_FINO, right=_FINO, top=_FINO, bottom=_FINO)
NEGRITA = Font(bold=True)
TITULO = Font(bold=True, size=12)
SUBTITULO = Font(bold=True, size=11, color="7A1F3D")
ENCABEZADO = PatternFill("solid", fgColor="ECE3E6")
GRUPO = PatternFill("solid", fgColor="F6EEF1")
CENTRO = Alignment(horizontal="center", vertical="center", wrap_text=True)
AJUSTE = Alignment(vertical="top", wrap_text=True)
DERECHA = Alignment(horizontal="right", vertical="top")
COLORES_SEMAFORO = {
    "verde": PatternFill("solid", fgColor="C9EBD3"),
    "amarillo": PatternFill("solid", fgColor="FCE8A8"),
    "rojo": PatternFill("solid", fgColor="F6C4C0"),
    "np": PatternFill("solid", fgColor="E3D4EF"),
    "sin_captura": PatternFill("solid", fgColor="FFFFFF"),
}
ROJO = Font(color="B3261E", italic=True)


class _Estilos:
    """Style arrays by kind of cell: openpyxl hashes every style object on assignment, which
    dominates a 300-sheet workbook; copying a ready StyleArray avoids it."""

    def __init__(self):
        self._cache: dict[tuple, object] = {}

    def aplicar(self, destino, llave: tuple, preparar) -> None:
        estilo = self._cache.get(llave)
        if estilo is None:
            preparar(destino)
            self._cache[llave] = copy(destino._style)
        else:
            destino._style = copy(estilo)


def _escribir(ws, fila: int, columna: int, celda: Celda, estilos: _Estilos, *, encabezado=False):
    destino = ws.cell(row=fila, column=columna)
    numerica = celda.valor is not None
    destino.value = (
        celda.valor if numerica else (texto_seguro(celda.texto) if celda.texto else None)
    )
    if numerica:
        alineacion = DERECHA
    elif encabezado or "centro" in celda.clase:
        alineacion = CENTRO
    elif "num" in celda.clase:
        alineacion = DERECHA
    else:
        alineacion = AJUSTE
    sin_captura = "sin-captura" in celda.clase
    llave = (celda.formato if numerica else None, id(alineacion), encabezado, celda.semaforo,
             sin_captura)  # fmt: skip

    def preparar(d):
        d.number_format = (celda.formato or "General") if numerica else "General"
        d.alignment = alineacion
        d.border = BORDE
        if encabezado:
            d.font = NEGRITA
            d.fill = ENCABEZADO
        elif celda.semaforo in COLORES_SEMAFORO:
            d.fill = COLORES_SEMAFORO[celda.semaforo]
        if sin_captura:
            d.font = ROJO

    estilos.aplicar(destino, llave, preparar)
    if celda.colspan > 1 or celda.rowspan > 1:
        for r in range(fila, fila + celda.rowspan):
            for c in range(columna, columna + celda.colspan):
                if (r, c) != (fila, columna):
                    estilos.aplicar(ws.cell(row=r, column=c), ("borde",), _solo_borde)
        # Registered directly: merge_cells() would also create and re-style every covered
        # cell, the slowest step of a large workbook; the covered cells are already empty.
        rango = CellRange(
            min_row=fila, min_col=columna, max_row=fila + celda.rowspan - 1,
            max_col=columna + celda.colspan - 1,
        )  # fmt: skip
        ws.merged_cells.add(MergedCellRange(ws, rango.coord))
    return destino


def _solo_borde(d) -> None:
    d.border = BORDE


def _escribir_filas(
    ws, inicio: int, filas: list[list[Celda]], estilos: _Estilos, *, encabezado: bool, clases=()
):
    """Write rows honoring colspan/rowspan (cells covered by a rowspan above are skipped)."""
    ocupadas: set[tuple[int, int]] = set()
    for desplazamiento, celdas in enumerate(filas):
        r = inicio + desplazamiento
        c = 1
        for celda in celdas:
            while (r, c) in ocupadas:
                c += 1
            destino = _escribir(ws, r, c, celda, estilos, encabezado=encabezado)
            clase = clases[desplazamiento] if clases else ""
            if clase in ("grupo", "total"):
                estilos.aplicar(destino, (clase, destino._style.tobytes()), _resaltar(clase))
            for rr in range(r, r + celda.rowspan):
                for cc in range(c, c + celda.colspan):
                    ocupadas.add((rr, cc))
            c += celda.colspan
    return inicio + len(filas)


def _resaltar(clase: str):
    def preparar(d):
        d.font = NEGRITA
        if clase == "grupo":
            d.fill = GRUPO

    return preparar


def _hoja(libro: Workbook, hoja: Hoja, ayuntamiento: str, estilos: _Estilos) -> None:
    ws = libro.create_sheet(hoja.nombre)
    columnas = max(t.columnas for t in hoja.tablas)
    ws.cell(row=1, column=1, value=texto_seguro(ayuntamiento)).font = TITULO
    fila = 2
    for linea in [*hoja.encabezado_institucional, *hoja.titulo]:
        ws.cell(row=fila, column=1, value=texto_seguro(linea)).font = SUBTITULO
        fila += 1
    if hoja.codigo:
        ws.cell(row=1, column=columnas, value=hoja.codigo).font = TITULO
        ws.cell(row=1, column=columnas).alignment = Alignment(horizontal="right")
    ws.cell(row=2, column=columnas, value=f"FECHA: {hoja.fecha}").alignment = Alignment(
        horizontal="right"
    )
    for etiqueta, valor in hoja.datos:
        ws.cell(row=fila, column=1, value=f"{etiqueta}:").font = NEGRITA
        destino = ws.cell(row=fila, column=2, value=texto_seguro(valor))
        if "\n" in (valor or ""):
            destino.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[fila].height = 12.5 * (valor.count("\n") + 1)
        fila += 1
    fila += 1
    primera_tabla = True
    for tabla in hoja.tablas:
        inicio_encabezado = fila
        fila = _escribir_filas(ws, fila, tabla.encabezado, estilos, encabezado=True)
        if primera_tabla:
            ws.freeze_panes = ws.cell(row=fila, column=1)
            ws.print_title_rows = f"{inicio_encabezado}:{fila - 1}"
            primera_tabla = False
        fila = _escribir_filas(
            ws,
            fila,
            [f.celdas for f in tabla.filas],
            estilos,
            encabezado=False,
            clases=[f.clase for f in tabla.filas],
        )
        fila += 1
    for nota in hoja.notas:
        ws.cell(row=fila, column=1, value=texto_seguro(nota)).font = Font(italic=True, size=8)
        fila += 1
    if hoja.firmantes:
        fila += 2
        paso = max(1, columnas // len(hoja.firmantes))
        for i, firmante in enumerate(hoja.firmantes):
            columna = 1 + i * paso
            lineas = [
                firmante.rol,
                "_______________________________",
                firmante.nombre,
                firmante.titulo,
                firmante.cargo if firmante.cargo != firmante.titulo else "",
                f"Firmado el {firmante.fecha:%d/%m/%Y %H:%M}" if firmante.fecha else "",
            ]
            for desplazamiento, linea in enumerate(lineas):
                if linea:
                    celda = ws.cell(row=fila + desplazamiento, column=columna)
                    celda.value = texto_seguro(linea)
                    if desplazamiento in (0, 2):
                        celda.font = NEGRITA
    if hoja.verificacion:
        ws.cell(row=fila + 7, column=1, value=f"Código de verificación: {hoja.verificacion}")
    anchos = max(hoja.tablas, key=lambda t: t.columnas).anchos
    for i, ancho in enumerate(anchos, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(4.0, ancho * 1.25)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.right.text = "Página &P de &N"
    ws.oddFooter.left.text = hoja.pie.replace("&", "&&")


def renderizar_xlsx(documento: Documento, *, ayuntamiento: str) -> bytes:
    libro = Workbook()
    libro.remove(libro.active)
    estilos = _Estilos()
    for hoja in documento.hojas:
        _hoja(libro, hoja, ayuntamiento, estilos)
    libro.properties.title = documento.titulo
    libro.properties.creator = ayuntamiento[:250]
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
