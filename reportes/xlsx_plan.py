"""The printed layout of one XLSX sheet, computed before any writer touches it.

`plan_de_hoja` turns a document sheet (`Hoja`) into a `PlanHoja`: every cell with its value
and `Estilo`, the merged ranges, the column widths and the row heights. The widths fit the
longest formatted number of each column (no "###") and its widest word (no word cut), the
heights fit the wrapped text (`reportes.xlsx_medidas`), and the title rows, the header
block values, the legend and the signature boxes are merged ranges, so what a spreadsheet
prints is what the PDF shows. The writer (`reportes.xlsx`, XlsxWriter) only serializes the
plan; `bench/` writes the same plan with openpyxl to compare the two writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from plantilla.xlsx_seguro import es_formula_potencial, limpiar_texto
from reportes import xlsx_medidas as medidas
from reportes.verificable import MARCA_BORRADOR
from reportes.xlsx_paginas import saltos_de_pagina

if TYPE_CHECKING:
    from reportes.formatos.base import Celda, Hoja

COLORES_SEMAFORO = {
    "verde": "C9EBD3",
    "amarillo": "FCE8A8",
    "rojo": "F6C4C0",
    "np": "E3D4EF",
    "sin_captura": "FFFFFF",
}
ENCABEZADO, GRUPO, GUINDA, ROJO = "ECE3E6", "F6EEF1", "7A1F3D", "B3261E"
CUERPO, CABECERA, DATOS, NOTA = 9, 8, 9, 8  # font sizes (points)
MAX_PALABRA_PX = 260  # a longer "word" (a URL) may break rather than widen its column
ALTO_VACIA = 12.75  # a row without a height of its own (Arial 10)


@dataclass(frozen=True, slots=True)
class Estilo:
    tamano: float = CUERPO
    negrita: bool = False
    cursiva: bool = False
    color: str = ""
    relleno: str = ""
    horizontal: str = "left"  # left / center / right
    vertical: str = "top"  # top / vcenter
    ajuste: bool = True  # wrap text
    borde: bool = False
    formato: str = ""  # number format
    prefijo: bool = False  # quote prefix: a text starting with = + - @ stays text


@dataclass(slots=True)
class CeldaPlan:
    fila: int  # 1-based
    columna: int  # 1-based
    valor: str | float | date | None
    estilo: Estilo
    texto: str  # what prints (measured)
    hasta_fila: int
    hasta_columna: int
    partes: tuple[tuple[str, bool], ...] = ()  # rich text: (fragment, bold) in order

    @property
    def combinada(self) -> bool:
        return self.hasta_fila != self.fila or self.hasta_columna != self.columna


@dataclass
class PlanHoja:
    nombre: str
    columnas: int
    anchos: list[float] = field(default_factory=list)
    alturas: dict[int, float] = field(default_factory=dict)
    celdas: list[CeldaPlan] = field(default_factory=list)
    congelar: int = 0  # first row below the frozen panes (0 = none)
    titulos_impresion: tuple[int, int] | None = None  # rows repeated on every page
    ultima_fila_tabla: int = 0  # the last row of the last table (before legend and signatures)
    inicio_ultima_tabla: int = 0  # the first row (title or header) of the last table
    saltos: list[int] = field(default_factory=list)  # manual page breaks above these rows
    pie_izquierdo: str = ""
    borrador: bool = False
    papel: str = "carta"  # "carta" (letter) or "oficio" (legal)

    def poner(self, fila, columna, valor, estilo: Estilo, *, filas=1, columnas=1) -> None:
        texto = ""
        if valor.__class__ is str:
            texto = valor
            valor = limpiar_texto(valor)
            if es_formula_potencial(valor):
                estilo = replace(estilo, prefijo=True)
        self.celdas.append(
            CeldaPlan(fila, columna, valor, estilo, texto, fila + filas - 1, columna + columnas - 1)
        )


# --- the sheet's parts ---------------------------------------------------------------------

TITULO = Estilo(tamano=12, negrita=True, horizontal="center")
SUBTITULO = Estilo(tamano=11, negrita=True, color=GUINDA, horizontal="center")
A_LA_DERECHA = Estilo(tamano=DATOS, horizontal="right", ajuste=False)
CODIGO = Estilo(tamano=12, negrita=True, horizontal="right", ajuste=False)
MARCA = Estilo(tamano=12, negrita=True, color=ROJO, horizontal="right", ajuste=False)
ETIQUETA = Estilo(tamano=DATOS, negrita=True)
VALOR = Estilo(tamano=DATOS)
LEYENDA = Estilo(tamano=NOTA, cursiva=True)
FIRMA = Estilo(tamano=DATOS, horizontal="center")
FIRMA_NEGRITA = Estilo(tamano=DATOS, negrita=True, horizontal="center")
VACIA = Estilo(borde=True)  # an empty table cell: only its borders
_ESTILOS_CELDA: dict[tuple, Estilo] = {}


def _columnas_derecha(anchos: list[float], textos: list[tuple[str, float, bool]]) -> int:
    """How many columns at the right hold the code, FECHA and BORRADOR (right-aligned)."""
    necesario = max(medidas.ancho_px(t, s, b) for t, s, b in textos)
    suma, n = 0.0, 0
    while n < len(anchos) - 1 and suma < necesario:
        n += 1
        suma += medidas.px_de_columna(anchos[-n]) + medidas._MARGEN_TEXTO_PX
    return n


def _encabezado(plan: PlanHoja, hoja: Hoja, ayuntamiento: str) -> int:
    """Ayuntamiento and titles merged and centred, code/FECHA/BORRADOR at the right."""
    n = plan.columnas
    derecha = [(f"FECHA: {hoja.fecha}", DATOS, False), (hoja.codigo, 12, True)]
    if not hoja.firmada:
        derecha.append((MARCA_BORRADOR, 12, True))
    reservadas = _columnas_derecha(plan.anchos, derecha)
    ancho_titulo = max(1, n - reservadas)
    fila = 1
    plan.poner(1, 1, ayuntamiento, TITULO, columnas=ancho_titulo)
    for linea in [*hoja.encabezado_institucional, *hoja.titulo]:
        fila += 1
        plan.poner(fila, 1, linea, SUBTITULO, columnas=ancho_titulo)
    if hoja.codigo:
        plan.poner(1, n, hoja.codigo, CODIGO)
    plan.poner(2, n, f"FECHA: {hoja.fecha}", A_LA_DERECHA)
    if not hoja.firmada:  # the quarter is not authorized: say so under the code and FECHA
        plan.poner(3, n, MARCA_BORRADOR, MARCA)
    fila = max(fila, 3 if not hoja.firmada else 2) + 1
    for etiqueta, valor in hoja.datos:
        plan.poner(fila, 1, f"{etiqueta}:", ETIQUETA)
        plan.poner(fila, 2, valor or "", VALOR, columnas=_columnas_para(plan.anchos, valor or ""))
        fila += 1
    return fila + 1


def _columnas_para(anchos: list[float], texto: str) -> int:
    """Columns from B a header value spans: just enough for one line, else up to the end.

    Fewer merged columns, fewer blank cells to write (a merge writes one per column).
    """
    necesario = medidas.ancho_px(texto, DATOS) if "\n" not in texto else float("inf")
    suma, n = 0.0, 0
    while n < len(anchos) - 1 and suma < necesario:
        n += 1
        suma += medidas.px_de_columna(anchos[n]) + medidas._MARGEN_TEXTO_PX
    return max(1, n)


def _estilo_celda(celda: Celda, *, encabezado: bool, clase: str) -> Estilo:
    numerica = celda.valor is not None or celda.fecha is not None
    llave = (
        numerica, celda.formato, celda.clase, encabezado, celda.semaforo, clase,
    )  # fmt: skip
    estilo = _ESTILOS_CELDA.get(llave)
    if estilo is not None:
        return estilo
    relleno, color = "", ""
    negrita = cursiva = False
    tamano = CABECERA if encabezado else CUERPO
    if numerica:
        horizontal, formato = "right", celda.formato or ("dd/mm/yyyy" if celda.fecha else "")
        if "centro" in celda.clase:
            horizontal = "center"
    else:
        formato = ""
        if encabezado or "centro" in celda.clase:
            horizontal = "center"
        elif "num" in celda.clase:
            horizontal = "right"
        else:
            horizontal = "left"
    if encabezado:
        negrita, relleno = True, ENCABEZADO
    elif celda.semaforo in COLORES_SEMAFORO:
        relleno = COLORES_SEMAFORO[celda.semaforo]
    if "sin-captura" in celda.clase:
        color, cursiva = ROJO, True
    if "np" in celda.clase.split() or "marca" in celda.clase:
        negrita = True
    if clase in ("grupo", "total"):  # a block title or totals row: bold, grupo shaded
        negrita = True
        if clase == "grupo":
            relleno = GRUPO
        elif clase == "total" and not relleno:
            relleno = ENCABEZADO
    estilo = Estilo(
        tamano=tamano,
        negrita=negrita,
        cursiva=cursiva,
        color=color,
        relleno=relleno,
        horizontal=horizontal,
        vertical="vcenter" if encabezado else "top",
        ajuste=not numerica,
        borde=True,
        formato=formato,
    )
    _ESTILOS_CELDA[llave] = estilo
    return estilo


def _valor(celda: Celda):
    if celda.fecha is not None:
        return celda.fecha
    if celda.valor is not None:
        return float(celda.valor) if isinstance(celda.valor, Decimal) else celda.valor
    return celda.texto or None


def _filas(plan: PlanHoja, inicio: int, filas: list[list[Celda]], *, encabezado: bool, clases=()):
    """Lay out rows honoring colspan/rowspan (cells covered by a rowspan above are skipped)."""
    ocupadas: set[tuple[int, int]] = set()
    vacia = VACIA
    for desplazamiento, celdas in enumerate(filas):
        r = inicio + desplazamiento
        clase = clases[desplazamiento] if clases else ""
        c = 1
        for celda in celdas:
            while (r, c) in ocupadas:
                c += 1
            estilo = _estilo_celda(celda, encabezado=encabezado, clase=clase) if (
                celda.texto or celda.valor is not None or encabezado or clase or celda.semaforo
            ) else vacia  # fmt: skip
            # A rowspan of the body is not merged: a merged cell cut by a page break prints
            # its text over the next page's repeated header. Its text goes in the first row
            # (which grows to hold it) and the rows below get empty bordered cells.
            filas_combinadas = celda.rowspan if encabezado else 1
            plan.poner(r, c, _valor(celda), estilo, filas=filas_combinadas, columnas=celda.colspan)
            plan.celdas[-1].texto = celda.texto
            if celda.rowspan > 1:
                for rr in range(r + 1, r + celda.rowspan):
                    for cc in range(c, c + celda.colspan):
                        ocupadas.add((rr, cc))
                        if not encabezado:
                            plan.poner(rr, cc, None, vacia)
            c += celda.colspan
    return inicio + len(filas)


def _tablas(plan: PlanHoja, hoja: Hoja, fila: int) -> int:
    """Every table, a blank row after each; the first one's header is frozen and printed."""
    for tabla in hoja.tablas:
        plan.inicio_ultima_tabla = fila
        if tabla.titulo:  # a block's title (POA trimestral: one block per área)
            plan.poner(fila, 1, tabla.titulo, ETIQUETA, columnas=plan.columnas)
            fila += 1
        inicio = fila
        fila = _filas(plan, fila, tabla.encabezado, encabezado=True)
        if not plan.congelar and tabla.repetir_encabezado:
            plan.congelar = fila
            plan.titulos_impresion = (inicio, fila - 1)
        fila = _filas(
            plan,
            fila,
            [f.celdas for f in tabla.filas],
            encabezado=False,
            clases=[f.clase for f in tabla.filas],
        )
        plan.ultima_fila_tabla = fila - 1
        fila += 1
    return fila


def _notas_y_firmas(plan: PlanHoja, hoja: Hoja, fila: int) -> None:
    """The legend lines, the signature boxes side by side and the verification code."""
    n = plan.columnas
    for texto_nota in hoja.notas:
        plan.poner(fila, 1, texto_nota, LEYENDA, columnas=n)
        fila += 1
    if hoja.firmantes:
        fila += 2
        paso = max(1, n // len(hoja.firmantes))
        for i, firmante in enumerate(hoja.firmantes):
            columna = 1 + i * paso
            ancho = paso if i < len(hoja.firmantes) - 1 else n - columna + 1
            _firma(plan, fila, columna, ancho, firmante)
        fila += 1
    if hoja.verificacion:
        plan.poner(fila + 1, 1, f"Código de verificación: {hoja.verificacion}", VALOR, columnas=n)


def _firma(plan: PlanHoja, fila: int, columna: int, ancho: int, firmante) -> None:
    """One signature box: a single merged cell, rôle and name in bold (rich text).

    One cell per box rather than a row per line: a merge writes a cell per column it
    covers, and six merged rows per box were a third of the consolidado's cells.
    """
    lineas = [
        (firmante.rol, True),
        ("", False),  # room to sign
        ("_______________________________", False),
        (firmante.nombre, True),
        (firmante.titulo, False),
        (firmante.cargo if firmante.cargo != firmante.titulo else "", False),
        (f"Firmado el {firmante.fecha:%d/%m/%Y %H:%M}" if firmante.fecha else "", False),
    ]
    lineas = [(t, b) for k, (t, b) in enumerate(lineas) if t or k == 1]
    texto = "\n".join(t for t, _ in lineas)
    partes: list[tuple[str, bool]] = []
    for k, (t, negrita) in enumerate(lineas):
        for fragmento, en_negrita in (("\n" if k else "", False), (t, negrita)):
            if not fragmento:
                continue
            if partes and partes[-1][1] == en_negrita:
                partes[-1] = (partes[-1][0] + fragmento, en_negrita)
            else:
                partes.append((fragmento, en_negrita))
    if len(partes) == 1:  # one run only: a plain cell, bold or not
        plan.poner(fila, columna, texto, FIRMA_NEGRITA if partes[0][1] else FIRMA, columnas=ancho)
        return
    plan.poner(fila, columna, texto, FIRMA, columnas=ancho)
    plan.celdas[-1].partes = tuple(partes)


# --- widths and heights --------------------------------------------------------------------


def _px(celda: CeldaPlan, px: list[float]) -> float:
    """Usable width in pixels of a cell (of its merged range), from each column's `px`."""
    if celda.hasta_columna == celda.columna:
        return px[celda.columna - 1]
    suma = sum(px[celda.columna - 1 : celda.hasta_columna])
    return suma + medidas._MARGEN_TEXTO_PX * (celda.hasta_columna - celda.columna)


def _necesario_px(celda: CeldaPlan) -> float:
    """Width a cell needs: its whole formatted number, or its widest word when it wraps."""
    e = celda.estilo
    if not celda.texto:
        return 0.0
    if not e.ajuste:
        return medidas.ancho_px(celda.texto, e.tamano, e.negrita)
    return min(MAX_PALABRA_PX, medidas.palabra_mas_ancha(celda.texto, e.tamano, e.negrita))


def _anchos(plan: PlanHoja) -> None:
    """Widen the design widths until every number and every word fits its column."""
    anchos = plan.anchos
    px = [medidas.px_de_columna(a) for a in anchos]
    combinadas = []
    for celda in plan.celdas:
        if not celda.texto or (celda.estilo.horizontal == "right" and not celda.estilo.borde):
            continue  # empty, or the right-aligned code / FECHA overflowing into empty cells
        if celda.hasta_columna != celda.columna:
            combinadas.append(celda)
            continue
        necesario = _necesario_px(celda)
        if necesario > px[celda.columna - 1]:
            anchos[celda.columna - 1] = medidas.columna_para(necesario)
            px[celda.columna - 1] = medidas.px_de_columna(anchos[celda.columna - 1])
    for celda in combinadas:
        faltan = _necesario_px(celda) - _px(celda, px)
        if faltan > 0:
            ultima = celda.hasta_columna - 1
            anchos[ultima] = medidas.columna_para(px[ultima] + faltan)
            px[ultima] = medidas.px_de_columna(anchos[ultima])


def _alto(celda: CeldaPlan, px: list[float]) -> float:
    e = celda.estilo
    if e.ajuste and celda.texto:
        n = medidas.lineas(celda.texto, _px(celda, px), e.tamano, e.negrita)
    else:
        n = 1
    return medidas.alto_lineas(n, e.tamano)


def _alturas(plan: PlanHoja) -> None:
    """Each row as tall as its tallest cell; a rowspan cell grows the last row it covers."""
    alturas = plan.alturas
    anchos = [medidas.px_de_columna(a) for a in plan.anchos]
    altas = []
    for celda in plan.celdas:
        if not celda.texto and celda.valor is None:
            continue
        if celda.hasta_fila != celda.fila:
            altas.append(celda)
            continue
        alto = _alto(celda, anchos)
        if alto > alturas.get(celda.fila, 0.0):
            alturas[celda.fila] = alto
    for celda in altas:
        filas = range(celda.fila, celda.hasta_fila + 1)
        faltan = _alto(celda, anchos) - sum(alturas.get(r, ALTO_VACIA) for r in filas)
        if faltan > 0:
            alturas[celda.hasta_fila] = alturas.get(celda.hasta_fila, ALTO_VACIA) + faltan


def plan_de_hoja(hoja: Hoja, ayuntamiento: str) -> PlanHoja:
    """The sheet's cells, merges, widths, heights and print settings."""
    tabla_ancha = max(hoja.tablas, key=lambda t: t.columnas)
    plan = PlanHoja(
        nombre=hoja.nombre,
        columnas=tabla_ancha.columnas,
        anchos=[max(4.0, ancho * 1.25) for ancho in tabla_ancha.anchos],
        pie_izquierdo=hoja.pie,
        borrador=not hoja.firmada,
        papel=hoja.papel,
    )
    fila = _encabezado(plan, hoja, ayuntamiento)
    fila = _tablas(plan, hoja, fila)
    _notas_y_firmas(plan, hoja, fila)
    _anchos(plan)
    _alturas(plan)
    plan.saltos = saltos_de_pagina(plan)
    return plan
