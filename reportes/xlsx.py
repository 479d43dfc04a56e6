"""XLSX writer: one worksheet per sheet of the document model (openpyxl).

Numbers are numeric cells with number formats (percentages as fractions formatted 0% or
0.00%), claves and every other text are text cells neutralized against formula injection
(`plantilla.xlsx_seguro.texto_seguro`), the header block repeats the format's, panes are
frozen below the table header, and the print setup is landscape letter, fit to width,
with the table header as print title rows.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plantilla.xlsx_seguro import proteger_celda, texto_seguro
from reportes.verificable import MARCA_BORRADOR

if TYPE_CHECKING:
    from reportes.formatos.base import Celda, Documento, Hoja

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
MARCA = Font(bold=True, size=12, color="B3261E")


NOTA = Font(italic=True, size=8)
A_LA_DERECHA = Alignment(horizontal="right")
AJUSTE_ARRIBA = Alignment(wrap_text=True, vertical="top")


class _Estilos:
    """Style arrays by kind of cell, prepared once per workbook and shared by its cells.

    openpyxl hashes every style object on assignment (font, fill, border…), which would
    dominate a 300-sheet workbook; a ready StyleArray is assigned instead. Write-only cells
    are serialized and dropped, and nothing restyles them after, so sharing one array is safe.
    """

    def __init__(self):
        self._cache: dict[tuple, StyleArray] = {}

    def buscar(self, llave: tuple) -> StyleArray | None:
        return self._cache.get(llave)

    def de(self, ws, llave: tuple, preparar) -> StyleArray:
        estilo = self._cache.get(llave)
        if estilo is None:
            muestra = WriteOnlyCell(ws)  # registers fonts, fills… in ws's workbook
            preparar(muestra)
            estilo = self._cache[llave] = muestra._style
        return estilo


def _preparar(*, font=None, fill=None, alignment=None, border=None, number_format=None):
    def preparar(d):
        if number_format is not None:
            d.number_format = number_format
        if alignment is not None:
            d.alignment = alignment
        if border is not None:
            d.border = border
        if fill is not None:
            d.fill = fill
        if font is not None:
            d.font = font

    return preparar


class _Rejilla:
    """One worksheet's cells by (row, column), built whole before being streamed.

    A write-only sheet must be written top to bottom, with column widths, frozen panes and
    row heights set before the first row; the header block puts cells out of order (the
    format code and FECHA at the right of rows 1–2), so the sheet is laid out here first.
    """

    def __init__(self, ws, estilos: _Estilos):
        self.ws = ws
        self.estilos = estilos
        self.filas: dict[int, dict[int, Cell]] = {}

    def poner(self, fila: int, columna: int, valor, estilo: StyleArray | None = None) -> Cell:
        celda = WriteOnlyCell(self.ws, valor)
        if estilo is not None:
            celda._style = estilo
        proteger_celda(celda)
        self.filas.setdefault(fila, {})[columna] = celda
        return celda

    def estilo(self, llave: tuple, **atributos) -> StyleArray:
        return self.estilos.de(self.ws, llave, _preparar(**atributos))

    def volcar(self) -> None:
        ws = self.ws
        # Every value handed to append() is a WriteOnlyCell built here; openpyxl's generic
        # conversion would first try each one as a plain value (an exception per cell) and
        # allocate a spare cell after every styled one: a fifth of the writing time.
        ws._values_to_row = _celdas_en_fila
        for r in range(1, max(self.filas, default=0) + 1):
            celdas = self.filas.get(r)
            if not celdas:
                ws.append(())
                continue
            fila = [None] * max(celdas)
            for c, celda in celdas.items():
                fila[c - 1] = celda
            ws.append(fila)


def _celdas_en_fila(celdas: list[Cell | None], fila: int) -> Iterator[Cell]:
    """Place the row's ready cells (None = empty column) for openpyxl's row writer."""
    for columna, celda in enumerate(celdas, 1):
        if celda is not None:
            celda.column = columna
            celda.row = fila
            yield celda


def _escribir(
    rejilla: _Rejilla, fila: int, columna: int, celda: Celda, *, encabezado: bool, clase: str
) -> None:
    numerica = celda.valor is not None
    if numerica:
        valor = celda.valor
        alineacion = DERECHA
    else:
        valor = texto_seguro(celda.texto) if celda.texto else None
        if encabezado or "centro" in celda.clase:
            alineacion = CENTRO
        elif "num" in celda.clase:
            alineacion = DERECHA
        else:
            alineacion = AJUSTE
    sin_captura = "sin-captura" in celda.clase
    formato = (celda.formato or "General") if numerica else "General"
    llave = (formato, id(alineacion), encabezado, celda.semaforo, sin_captura, clase)
    estilo = rejilla.estilos.buscar(llave)
    if estilo is None:
        fuente = relleno = None
        if encabezado:
            fuente, relleno = NEGRITA, ENCABEZADO
        elif celda.semaforo in COLORES_SEMAFORO:
            relleno = COLORES_SEMAFORO[celda.semaforo]
        if sin_captura:
            fuente = ROJO
        if clase in ("grupo", "total"):  # a block title or totals row: bold, grupo shaded
            fuente = NEGRITA
            if clase == "grupo":
                relleno = GRUPO
        estilo = rejilla.estilo(
            llave,
            number_format=formato,
            alignment=alineacion,
            border=BORDE,
            font=fuente,
            fill=relleno,
        )
    rejilla.poner(fila, columna, valor, estilo)
    if celda.colspan > 1 or celda.rowspan > 1:
        borde = rejilla.estilo(("borde",), border=BORDE)
        ultima_fila, ultima_columna = fila + celda.rowspan - 1, columna + celda.colspan - 1
        for r in range(fila, ultima_fila + 1):
            for c in range(columna, ultima_columna + 1):
                if (r, c) != (fila, columna):
                    rejilla.poner(r, c, None, borde)
        rejilla.ws.merged_cells.add(
            f"{get_column_letter(columna)}{fila}:{get_column_letter(ultima_columna)}{ultima_fila}"
        )


def _escribir_filas(
    rejilla: _Rejilla, inicio: int, filas: list[list[Celda]], *, encabezado: bool, clases=()
) -> int:
    """Lay out rows honoring colspan/rowspan (cells covered by a rowspan above are skipped)."""
    ocupadas: set[tuple[int, int]] = set()
    for desplazamiento, celdas in enumerate(filas):
        r = inicio + desplazamiento
        clase = clases[desplazamiento] if clases else ""
        c = 1
        for celda in celdas:
            while (r, c) in ocupadas:
                c += 1
            _escribir(rejilla, r, c, celda, encabezado=encabezado, clase=clase)
            if celda.rowspan > 1:
                for rr in range(r + 1, r + celda.rowspan):
                    for cc in range(c, c + celda.colspan):
                        ocupadas.add((rr, cc))
            c += celda.colspan
    return inicio + len(filas)


def _encabezado(rejilla: _Rejilla, hoja: Hoja, ayuntamiento: str, columnas: int) -> int:
    """Ayuntamiento, titles, code and FECHA, then the header block; returns the next row."""
    ws, poner = rejilla.ws, rejilla.poner
    titulo = rejilla.estilo(("titulo",), font=TITULO)
    subtitulo = rejilla.estilo(("subtitulo",), font=SUBTITULO)
    negrita = rejilla.estilo(("negrita",), font=NEGRITA)
    poner(1, 1, texto_seguro(ayuntamiento), titulo)
    fila = 2
    for linea in [*hoja.encabezado_institucional, *hoja.titulo]:
        poner(fila, 1, texto_seguro(linea), subtitulo)
        fila += 1
    if hoja.codigo:
        poner(1, columnas, texto_seguro(hoja.codigo),
              rejilla.estilo(("codigo",), font=TITULO, alignment=A_LA_DERECHA))  # fmt: skip
    poner(2, columnas, texto_seguro(f"FECHA: {hoja.fecha}"),
          rejilla.estilo(("derecha",), alignment=A_LA_DERECHA))  # fmt: skip
    if not hoja.firmada:  # the quarter is not authorized: say so under the code and FECHA
        poner(3, columnas, MARCA_BORRADOR,
              rejilla.estilo(("borrador",), font=MARCA, alignment=A_LA_DERECHA))  # fmt: skip
    for etiqueta, valor in hoja.datos:
        poner(fila, 1, texto_seguro(f"{etiqueta}:"), negrita)
        if "\n" in (valor or ""):
            poner(
                fila, 2, texto_seguro(valor), rejilla.estilo(("ajuste",), alignment=AJUSTE_ARRIBA)
            )
            ws.row_dimensions[fila].height = 12.5 * (valor.count("\n") + 1)
        else:
            poner(fila, 2, texto_seguro(valor))
        fila += 1
    return fila + 1


def _tablas(rejilla: _Rejilla, hoja: Hoja, fila: int) -> int:
    """Every table, a blank row after each; the first one's header is frozen and printed."""
    ws = rejilla.ws
    primera_tabla = True
    for tabla in hoja.tablas:
        inicio_encabezado = fila
        fila = _escribir_filas(rejilla, fila, tabla.encabezado, encabezado=True)
        if primera_tabla:
            ws.freeze_panes = f"A{fila}"
            ws.print_title_rows = f"{inicio_encabezado}:{fila - 1}"
            primera_tabla = False
        fila = _escribir_filas(
            rejilla,
            fila,
            [f.celdas for f in tabla.filas],
            encabezado=False,
            clases=[f.clase for f in tabla.filas],
        )
        fila += 1
    return fila


def _notas_y_firmas(rejilla: _Rejilla, hoja: Hoja, fila: int, columnas: int) -> None:
    """The legend lines, the signature boxes side by side and the verification code."""
    poner = rejilla.poner
    nota = rejilla.estilo(("nota",), font=NOTA)
    negrita = rejilla.estilo(("negrita",), font=NEGRITA)
    for texto_nota in hoja.notas:
        poner(fila, 1, texto_seguro(texto_nota), nota)
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
                    poner(fila + desplazamiento, columna, texto_seguro(linea),
                          negrita if desplazamiento in (0, 2) else None)  # fmt: skip
    if hoja.verificacion:
        poner(fila + 7, 1, texto_seguro(f"Código de verificación: {hoja.verificacion}"))


def _preparar_pagina(ws: Worksheet, hoja: Hoja) -> None:
    """Column widths and the print setup: landscape letter, fit to width, page footer."""
    anchos = max(hoja.tablas, key=lambda t: t.columnas).anchos
    for i, ancho in enumerate(anchos, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(4.0, ancho * 1.25)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.right.text = "Página &P de &N"
    ws.oddFooter.left.text = hoja.pie.replace("&", "&&")
    if not hoja.firmada:  # the printed page header of every page of an unsigned sheet
        ws.oddHeader.center.text = MARCA_BORRADOR
        ws.oddHeader.center.font = "Liberation Sans,Bold"
        ws.oddHeader.center.size = 14
        ws.oddHeader.center.color = "B3261E"


def _hoja(libro: Workbook, hoja: Hoja, ayuntamiento: str, estilos: _Estilos) -> None:
    ws = libro.create_sheet(hoja.nombre)
    rejilla = _Rejilla(ws, estilos)
    columnas = max(t.columnas for t in hoja.tablas)
    fila = _encabezado(rejilla, hoja, ayuntamiento, columnas)
    fila = _tablas(rejilla, hoja, fila)
    _notas_y_firmas(rejilla, hoja, fila, columnas)
    # A write-only sheet writes its properties (fitToPage), widths, panes and row heights
    # with the first row: every sheet-level setting goes before volcar().
    _preparar_pagina(ws, hoja)
    rejilla.volcar()
    ws.close()  # streams the sheet to its temporary file now; memory stays flat


@contextmanager
def sin_recoleccion_ciclica() -> Iterator[None]:
    """Pause the cyclic GC while a large report is built and written.

    The selector's data and the document stay alive the whole time, so every generation-2
    pass re-walks hundreds of thousands of objects that cannot be garbage: about a third of
    the consolidated XLSX's time. What is allocated meanwhile is freed by reference counting;
    the collector resumes (only if it was running) when the block ends.
    """
    activo = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if activo:
            gc.enable()


def renderizar_xlsx(documento: Documento, *, ayuntamiento: str) -> bytes:
    libro = Workbook(write_only=True)
    estilos = _Estilos()
    for hoja in documento.hojas:
        _hoja(libro, hoja, ayuntamiento, estilos)
    libro.properties.title = documento.titulo
    libro.properties.creator = ayuntamiento[:250]
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
