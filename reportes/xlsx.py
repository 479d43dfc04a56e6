"""XLSX writer: one worksheet per sheet of the document model, written with XlsxWriter.

The layout (cells, merges, widths that fit every number, heights that fit the wrapped
text) is computed by `reportes.xlsx_plan`; this module serializes it. Numbers are numeric
cells with number formats (percentages as fractions formatted 0% or 0.00%), dates are
dates, claves and every other text are text cells, and a text that could become a formula
(= + - @) is written as a string with the quote-prefix style (OWASP). Panes are frozen
below the table header, and the print setup is landscape letter, fit to width, with the
table header as print title rows and "Página X de Y" at the foot.

XlsxWriter rather than openpyxl for writing: with the same plan it writes the 300-sheet
consolidado about twice as fast (`bench/bench_reportes.py` prints both side by side).
openpyxl stays the reader (the tests read every file back with it).
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import xlsxwriter

from reportes import xlsx_medidas as medidas
from reportes.verificable import MARCA_BORRADOR
from reportes.xlsx_plan import COLORES_SEMAFORO, Estilo, PlanHoja, plan_de_hoja

if TYPE_CHECKING:
    from reportes.formatos.base import Documento
    from reportes.pdf_indice import Entrada

NOMBRE_INDICE = "Índice"

__all__ = ["COLORES_SEMAFORO", "renderizar_xlsx", "sin_recoleccion_ciclica", "escribir_plan"]

OPCIONES_LIBRO = {
    "in_memory": True,
    "strings_to_formulas": False,  # a text is text, whatever it starts with
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_format_properties": {"font_name": medidas.FUENTE, "font_size": medidas.TAMANO_BASE},
}


class _Formatos:
    """One XlsxWriter format per distinct `Estilo`, shared by every sheet of the workbook."""

    def __init__(self, libro: xlsxwriter.Workbook):
        self.libro = libro
        self._cache: dict[Estilo, object] = {}
        # By identity first: the layout shares a few Estilo objects among thousands of
        # cells, and hashing a dataclass per cell was a tenth of the writing time.
        self._por_id: dict[int, tuple[Estilo, object]] = {}

    def de(self, estilo: Estilo):
        visto = self._por_id.get(id(estilo))
        if visto is not None and visto[0] is estilo:
            return visto[1]
        formato = self._nuevo(estilo)
        self._por_id[id(estilo)] = (estilo, formato)
        return formato

    def _nuevo(self, estilo: Estilo):
        formato = self._cache.get(estilo)
        if formato is None:
            propiedades = {
                "font_name": medidas.FUENTE,
                "font_size": estilo.tamano,
                "align": estilo.horizontal,
                "valign": estilo.vertical,
            }
            if estilo.negrita:
                propiedades["bold"] = True
            if estilo.cursiva:
                propiedades["italic"] = True
            if estilo.color:
                propiedades["font_color"] = f"#{estilo.color}"
            if estilo.relleno:
                propiedades["pattern"] = 1
                propiedades["bg_color"] = f"#{estilo.relleno}"
            if estilo.ajuste:
                propiedades["text_wrap"] = True
            if estilo.borde:
                propiedades["border"] = 1
                propiedades["border_color"] = "#777777"
            if estilo.formato:
                propiedades["num_format"] = estilo.formato
            if estilo.prefijo:
                propiedades["quote_prefix"] = True
            formato = self._cache[estilo] = self.libro.add_format(propiedades)
        return formato

    def fragmentos(self, estilo: Estilo, partes) -> list:
        """A rich string's arguments: each fragment preceded by its font (bold or not).

        A fragment without a format would take the workbook's default font, not the cell's.
        """
        fuentes = {
            negrita: self.de(replace(estilo, negrita=negrita, ajuste=False, borde=False))
            for negrita in (True, False)
        }
        argumentos: list = []
        for texto, en_negrita in partes:
            argumentos += [fuentes[en_negrita], texto]
        return argumentos


def _celdas(ws, plan: PlanHoja, formatos: _Formatos) -> None:
    # The hottest loop of the consolidado (one pass per cell): methods bound once, the
    # format looked up by the Estilo's identity, the value's type tested by class.
    de, por_id = formatos.de, formatos._por_id
    escribir_texto, escribir_numero = ws.write_string, ws.write_number
    escribir_vacia, combinar = ws.write_blank, ws.merge_range
    for c in plan.celdas:
        estilo = c.estilo
        visto = por_id.get(id(estilo))
        formato = visto[1] if visto is not None and visto[0] is estilo else de(estilo)
        r, k, valor = c.fila - 1, c.columna - 1, c.valor
        combinada = c.hasta_fila != c.fila or c.hasta_columna != c.columna
        if combinada:
            combinar(r, k, c.hasta_fila - 1, c.hasta_columna - 1, None, formato)
        clase = valor.__class__
        if clase is float or clase is int:
            escribir_numero(r, k, valor, formato)
        elif valor is None or valor == "":
            if not combinada:
                escribir_vacia(r, k, None, formato)
        elif c.partes:
            ws.write_rich_string(r, k, *formatos.fragmentos(estilo, c.partes), formato)
        elif clase is str:
            escribir_texto(r, k, valor, formato)
        elif isinstance(valor, date):
            ws.write_datetime(r, k, valor, formato)
        else:
            escribir_numero(r, k, valor, formato)


def _pagina(ws, plan: PlanHoja) -> None:
    """Widths, heights, panes and the print setup: landscape letter, fit to width."""
    for i, ancho in enumerate(plan.anchos):
        ws.set_column(i, i, ancho)
    for fila, alto in plan.alturas.items():
        ws.set_row(fila - 1, alto)
    if plan.congelar:
        ws.freeze_panes(plan.congelar - 1, 0)
    if plan.saltos:
        ws.set_h_pagebreaks([fila - 1 for fila in plan.saltos])
    if plan.titulos_impresion:
        ws.repeat_rows(plan.titulos_impresion[0] - 1, plan.titulos_impresion[1] - 1)
    ws.set_landscape()
    ws.set_paper(5 if plan.papel == "oficio" else 1)  # legal or letter
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    pie = plan.pie_izquierdo.replace("&", "&&")[:120]
    ws.set_footer(f"&L{pie}&RPágina &P de &N")
    if plan.borrador:  # the printed page header of every page of an unsigned sheet
        ws.set_header(f'&C&"{medidas.FUENTE},Bold"&14&KB3261E{MARCA_BORRADOR}')


def escribir_plan(libro: xlsxwriter.Workbook, plan: PlanHoja, formatos: _Formatos) -> None:
    ws = libro.add_worksheet(plan.nombre)
    _pagina(ws, plan)
    _celdas(ws, plan, formatos)


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


def _hoja_indice(libro, documento: Documento, entradas: list[Entrada] | None) -> None:
    """A first worksheet linking every sheet of a consolidated workbook, with its ramo."""
    nombres = {h.nombre.lower() for h in documento.hojas}
    nombre = NOMBRE_INDICE if NOMBRE_INDICE.lower() not in nombres else f"{NOMBRE_INDICE}~"
    ws = libro.add_worksheet(nombre)
    titulo = libro.add_format({"bold": True, "font_size": 12, "font_color": "#7A1F3D"})
    encabezado = libro.add_format({"bold": True, "bg_color": "#ECE3E6", "border": 1})
    vinculo = libro.add_format({"font_color": "#0563C1", "underline": 1})
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 60)
    ws.write_string(0, 0, f"{documento.titulo} — índice", titulo)
    ws.write_string(1, 0, f"{len(documento.hojas)} hojas; cada vínculo abre la suya.")
    for k, texto in enumerate(("Hoja", "Ramo", "Sección")):
        ws.write_string(3, k, texto, encabezado)
    if entradas is None or len(entradas) != len(documento.hojas):
        entradas = None
    for i, hoja in enumerate(documento.hojas):
        destino = hoja.nombre.replace("'", "''")
        ws.write_url(4 + i, 0, f"internal:'{destino}'!A1", vinculo, string=hoja.nombre)
        ws.write_string(4 + i, 1, entradas[i].grupo if entradas else "")
        ws.write_string(4 + i, 2, entradas[i].titulo if entradas else hoja.pie)
    ws.freeze_panes(4, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def renderizar_xlsx(
    documento: Documento, *, ayuntamiento: str, entradas: list[Entrada] | None = None
) -> bytes:
    """The workbook; several sheets open on an index sheet (`entradas` names each one)."""
    salida = io.BytesIO()
    # A copy each time: XlsxWriter writes into the default properties it is given, and a
    # shared dict made every workbook after a process's first one differ from it.
    opciones = {
        **OPCIONES_LIBRO,
        "default_format_properties": dict(OPCIONES_LIBRO["default_format_properties"]),
    }
    libro = xlsxwriter.Workbook(salida, opciones)
    formatos = _Formatos(libro)
    if len(documento.hojas) > 1:
        _hoja_indice(libro, documento, entradas)
    for hoja in documento.hojas:
        # Each sheet's plan is dropped once written: only XlsxWriter's cells stay.
        escribir_plan(libro, plan_de_hoja(hoja, ayuntamiento), formatos)
    libro.set_properties({"title": documento.titulo, "author": ayuntamiento[:250]})
    libro.close()
    return salida.getvalue()
