"""XLSX writer: one worksheet per sheet of the document model (openpyxl).

Numbers are numeric cells with number formats (percentages as fractions formatted 0% or
0.00%), claves and every other text are text cells neutralized against formula injection
(`programas.xlsx_seguro.texto_seguro`), the header block repeats the format's, panes are
frozen below the table header, and the print setup is landscape letter, fit to width,
with the table header as print title rows.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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


def _escribir(ws, fila: int, columna: int, celda: Celda, *, encabezado: bool = False):
    destino = ws.cell(row=fila, column=columna)
    if celda.valor is not None:
        destino.value = celda.valor
        destino.number_format = celda.formato or "General"
        destino.alignment = DERECHA
    else:
        destino.value = texto_seguro(celda.texto) if celda.texto else None
        if encabezado or "centro" in celda.clase:
            destino.alignment = CENTRO
        elif "num" in celda.clase:
            destino.alignment = DERECHA
        else:
            destino.alignment = AJUSTE
    destino.border = BORDE
    if encabezado:
        destino.font = NEGRITA
        destino.fill = ENCABEZADO
    elif celda.semaforo in COLORES_SEMAFORO:
        destino.fill = COLORES_SEMAFORO[celda.semaforo]
    if "sin-captura" in celda.clase:
        destino.font = ROJO
    if celda.colspan > 1 or celda.rowspan > 1:
        for r in range(fila, fila + celda.rowspan):
            for c in range(columna, columna + celda.colspan):
                ws.cell(row=r, column=c).border = BORDE
        ws.merge_cells(
            start_row=fila,
            start_column=columna,
            end_row=fila + celda.rowspan - 1,
            end_column=columna + celda.colspan - 1,
        )
    return destino


def _escribir_filas(ws, inicio: int, filas: list[list[Celda]], *, encabezado: bool, clases=()):
    """Write rows honoring colspan/rowspan (cells covered by a rowspan above are skipped)."""
    ocupadas: set[tuple[int, int]] = set()
    for desplazamiento, celdas in enumerate(filas):
        r = inicio + desplazamiento
        c = 1
        for celda in celdas:
            while (r, c) in ocupadas:
                c += 1
            destino = _escribir(ws, r, c, celda, encabezado=encabezado)
            clase = clases[desplazamiento] if clases else ""
            if clase in ("grupo", "total"):
                destino.font = NEGRITA
                if clase == "grupo":
                    destino.fill = GRUPO
            for rr in range(r, r + celda.rowspan):
                for cc in range(c, c + celda.colspan):
                    ocupadas.add((rr, cc))
            c += celda.colspan
    return inicio + len(filas)


def _hoja(libro: Workbook, hoja: Hoja, ayuntamiento: str) -> None:
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
        fila = _escribir_filas(ws, fila, tabla.encabezado, encabezado=True)
        if primera_tabla:
            ws.freeze_panes = ws.cell(row=fila, column=1)
            ws.print_title_rows = f"{inicio_encabezado}:{fila - 1}"
            primera_tabla = False
        fila = _escribir_filas(
            ws,
            fila,
            [f.celdas for f in tabla.filas],
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
    for hoja in documento.hojas:
        _hoja(libro, hoja, ayuntamiento)
    libro.properties.title = documento.titulo
    libro.properties.creator = ayuntamiento[:250]
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
