"""Text measurement for the XLSX layout: how wide a text prints and how many lines it wraps to.

A spreadsheet stores row heights and column widths, not a layout: Excel and LibreOffice
only grow a row to fit wrapped text when they edit it, and print the stored height
otherwise (text over the next rows), and print "###" for a number wider than its column.
So the writer measures every text itself with the advance widths of Arial (metric-identical
to Liberation Sans, which LibreOffice uses for it), in thousandths of an em, and sets the
widths and heights it needs. Measurements lean a little wide so what is computed never
falls short of what a spreadsheet lays out.
"""

from __future__ import annotations

from functools import lru_cache

FUENTE = "Arial"
TAMANO_BASE = 10  # the workbook's Normal style: column widths count its digit width
_PX_POR_PUNTO = 96 / 72
_PX_POR_CARACTER = 7  # maximum digit width of Arial 10 at 96 dpi: Excel's width unit
_RELLENO_PX = 5  # Excel's column padding (width w → 7w + 5 px)
_MARGEN_TEXTO_PX = 7  # what the cell's own padding and rounding take from that width
INTERLINEA = 1.16  # line height over font size (Liberation Sans: ascent + descent 1.117)
RELLENO_FILA = 3.0  # points above and below the lines of a row

_CARACTERES = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvw"
    "xyz{|}~ÁÉÍÓÚÑÜáéíóúñü°–—·¿¡×−…“”‘’«»"
)
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584, 667, 667, 278, 778, 722, 722, 722, 556, 556, 278, 556, 556, 556,
    556, 400, 556, 1000, 278, 611, 333, 584, 584, 1000, 333, 333, 222, 222, 556, 556,
)  # fmt: skip
_NEGRITA = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
    722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
    611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
    500, 389, 280, 389, 584, 722, 667, 278, 778, 722, 722, 722, 556, 556, 278, 611, 611, 611,
    611, 400, 556, 1000, 333, 611, 333, 584, 584, 1000, 500, 500, 278, 278, 556, 556,
)  # fmt: skip
_ANCHOS = {
    False: dict(zip(_CARACTERES, _REGULAR, strict=True)),
    True: dict(zip(_CARACTERES, _NEGRITA, strict=True)),
}
_DESCONOCIDO = 722  # any other character: as wide as a capital letter


@lru_cache(maxsize=65536)
def ancho_px(texto: str, tamano: float, negrita: bool = False) -> float:
    """Printed width of one line of `texto` in pixels (96 dpi), 1 % on the wide side."""
    anchos = _ANCHOS[negrita]
    milesimas = sum(anchos.get(c, _DESCONOCIDO) for c in texto)
    return milesimas * tamano * _PX_POR_PUNTO / 1000 * 1.01


def px_de_columna(ancho: float) -> float:
    """Usable text width in pixels of a column `ancho` characters wide."""
    return int(ancho * _PX_POR_CARACTER + 0.5) + _RELLENO_PX - _MARGEN_TEXTO_PX


def columna_para(px: float) -> float:
    """The column width (characters) whose usable text width holds `px` pixels."""
    return round((px + _MARGEN_TEXTO_PX - _RELLENO_PX) / _PX_POR_CARACTER + 0.15, 2)


@lru_cache(maxsize=65536)
def palabra_mas_ancha(texto: str, tamano: float, negrita: bool = False) -> float:
    """Width in pixels of the widest word: a column narrower than it cuts a word."""
    return max((ancho_px(p, tamano, negrita) for p in texto.split()), default=0.0)


@lru_cache(maxsize=65536)
def lineas(texto: str, px: float, tamano: float, negrita: bool = False) -> int:
    """Lines `texto` wraps to in `px` pixels: greedy by words, as spreadsheets wrap."""
    if not texto:
        return 1
    espacio = ancho_px(" ", tamano, negrita)
    total = 0
    for parrafo in texto.split("\n"):
        usado, cuenta = 0.0, 1
        for palabra in parrafo.split():
            ancho = ancho_px(palabra, tamano, negrita)
            if ancho > px:  # a word wider than the cell is broken inside
                cuenta += int(ancho // max(px, 1.0)) + (1 if usado else 0)
                usado = ancho % max(px, 1.0)
                continue
            if usado and usado + espacio + ancho > px:
                cuenta += 1
                usado = ancho
            else:
                usado += (espacio if usado else 0) + ancho
        total += cuenta
    return total


@lru_cache(maxsize=4096)
def alto_lineas(n: int, tamano: float) -> float:
    """Row height in points for `n` lines of text of size `tamano`."""
    return round(n * tamano * INTERLINEA + RELLENO_FILA, 2)
