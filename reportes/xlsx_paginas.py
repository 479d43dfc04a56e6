"""Where a printed XLSX sheet breaks pages: the signatures never stand alone on one.

A spreadsheet paginates by itself, and a sheet whose last table rows fill a page prints
its legend and signature boxes alone on the next one. This module predicts the automatic
breaks of the sheet as it prints (landscape, fit to the page width, the table header
repeated on every page) and, when the last page would hold no table row, puts a manual
break above the table's last row, so that row goes to the next page with the signatures.
The prediction is run with a tight and a loose page height: a break that turns out not to
be needed only moves one row to the next page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportes.xlsx_plan import PlanHoja

ANCHO_UTIL_PULGADAS = {"carta": 11 - 0.8, "oficio": 14 - 0.8}  # landscape less side margins
ALTO_UTIL_PT = (8.5 - 1.5) * 72  # landscape height less the 0.75 in top and bottom margins
ALTO_FILA_VACIA = 12.75  # a row without a height of its own (Arial 10)
HOLGURAS = (0.9, 1.0)  # page heights tried: the header and footer may take some of it


# Pixels per width unit: Excel rounds Arial 10's digit to 7 px, LibreOffice keeps 7.41.
PX_POR_CARACTER = (7.0, 7.41)


def _escala(plan: PlanHoja, px_por_caracter: float) -> float:
    """The print scale of "fit to one page wide" (whole percent, rounded down)."""
    ancho = sum(a * px_por_caracter + 5 for a in plan.anchos)
    util = ANCHO_UTIL_PULGADAS.get(plan.papel, ANCHO_UTIL_PULGADAS["carta"]) * 96
    return min(1.0, int(util / ancho * 100) / 100) if ancho else 1.0


def _inicios_de_pagina(plan: PlanHoja, capacidad: float, ultima: int) -> list[int]:
    """First row of every printed page, the print title rows repeated after the first."""
    alto = plan.alturas.get
    titulos = 0.0
    if plan.titulos_impresion:
        inicio, fin = plan.titulos_impresion
        titulos = sum(alto(r, ALTO_FILA_VACIA) for r in range(inicio, fin + 1))
    inicios, usado = [1], 0.0
    for r in range(1, ultima + 1):
        h = alto(r, ALTO_FILA_VACIA)
        if usado + h > capacidad and usado > titulos:
            inicios.append(r)
            usado = titulos
        usado += h
    return inicios


def saltos_de_pagina(plan: PlanHoja) -> list[int]:
    """Rows to break above ([] when the sheet's own breaks already keep the rows together)."""
    if not plan.ultima_fila_tabla or not plan.celdas:
        return []
    ultima = max(c.hasta_fila for c in plan.celdas)
    if ultima <= plan.ultima_fila_tabla:
        return []
    for px in PX_POR_CARACTER:
        escala = _escala(plan, px)
        for holgura in HOLGURAS:
            inicios = _inicios_de_pagina(plan, ALTO_UTIL_PT * holgura / escala, ultima)
            if inicios[-1] > plan.ultima_fila_tabla:  # the last page would hold no table row
                return [_salto(plan)]
    return []


FILAS_TABLA_CORTA = 6  # a closing table this short moves whole (title, header and rows)


def _salto(plan: PlanHoja) -> int:
    """Above the last row; above the whole last table when it is a short one (the
    cronograma's Indicador de medida), so its title and header never stay behind."""
    inicio = plan.inicio_ultima_tabla
    if inicio and plan.ultima_fila_tabla - inicio < FILAS_TABLA_CORTA:
        return inicio
    return plan.ultima_fila_tabla
