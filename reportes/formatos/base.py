"""The document model every format builds and both writers (PDF, XLSX) render.

A format turns a `DatosReporte` into a `Documento`: sheets (`Hoja`, one per unidad or
programa) with the header block, tables of `Celda`s and the signature boxes. A cell carries
its display text (already formatted by `programas.numeros`) and, for the XLSX, the raw
number and its number format. No figure is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from programas import formulas
from programas.numeros import formatear_numero, formatear_porcentaje, formatear_variacion
from reportes.datos import Firmante
from reportes.verificable import url_verificacion


@dataclass(slots=True)
class Celda:
    texto: str = ""
    valor: Decimal | None = None  # number written to the XLSX (None → the text)
    formato: str | None = None  # XLSX number format
    clase: str = ""  # css classes: num, np, sin-captura, centro…
    colspan: int = 1
    rowspan: int = 1
    semaforo: str = ""  # verde / amarillo / rojo / np / sin_captura: a coloured mark
    nota: str = ""  # a small second line in the PDF only (e.g. the original meta anual)
    fecha: date | None = None  # a date written as a date to the XLSX (with `formato`)


@dataclass(slots=True)
class Fila:
    celdas: list[Celda]
    clase: str = ""  # "grupo" (a block title row), "total"


@dataclass
class Tabla:
    anchos: list[float]  # relative column widths (PDF %) and XLSX widths (characters)
    encabezado: list[list[Celda]]
    filas: list[Fila] = field(default_factory=list)
    clase: str = ""
    titulo: str = ""  # a block's title printed above it ("Área o Proyecto Específico: …")
    # Its header is the one frozen and repeated on every printed page of the XLSX (the first
    # table with the flag; a small leading table such as the cronograma's alineación has not).
    repetir_encabezado: bool = True

    @property
    def columnas(self) -> int:
        return len(self.anchos)

    @property
    def anchos_pdf(self) -> list[float]:
        """Column widths as percentages of the page width (layout, not a figure)."""
        total = sum(self.anchos)
        return [round(a * 100 / total, 3) for a in self.anchos]


@dataclass
class Hoja:
    """One sheet / PDF section: a unidad's (or programa's) format."""

    nombre: str  # worksheet title (≤ 31 chars, unique in the workbook)
    titulo: list[str]  # title lines under the ayuntamiento's name
    codigo: str  # format code (TMM-F004) or ""
    fecha: str  # the period ("ENERO-MARZO 2022")
    datos: list[tuple[str, str]]  # header block: label → value (multi-line values allowed)
    tablas: list[Tabla]
    firmantes: list[Firmante] = field(default_factory=list)
    notas: list[str] = field(default_factory=list)  # legend lines
    pie: str = ""  # running footer text (format · unidad · period)
    encabezado_institucional: list[str] = field(default_factory=list)  # e.g. TESORERÍA
    verificacion: str = ""  # verification code of the authorized quarter
    firmada: bool = False  # the sheet's quarter is AUTORIZADO; otherwise it prints BORRADOR
    papel: str = "carta"  # "carta" (letter) or "oficio" (legal), both landscape

    @property
    def url_verificacion(self) -> str:
        """Absolute `/verificar/<código>/` URL printed (and QR-encoded) on a signed sheet."""
        return url_verificacion(self.verificacion) if self.verificacion else ""


@dataclass
class Documento:
    nombre: str  # file name without extension
    titulo: str
    hojas: list[Hoja]
    huella_firmada: str = ""  # non-empty when every sheet's quarter is signed


# --- cell helpers (formatting only) ------------------------------------------------------


def _es_entero(valor: Decimal) -> bool:
    return valor == valor.to_integral_value()


def texto(valor: str | None, clase: str = "", **extra) -> Celda:
    return Celda(texto=valor or "", clase=clase, **extra)


def numero(valor: Decimal | None, *, cero_vacio: bool = False, clase: str = "num") -> Celda:
    """A number cell, es-MX text and a #,##0 / #,##0.00 number format."""
    if valor is None or (cero_vacio and valor == 0):
        return Celda(clase=clase)
    formato = "#,##0" if _es_entero(valor) else "#,##0.00"
    return Celda(formatear_numero(valor), valor=valor, formato=formato, clase=clase)


def porcentaje(p: formulas.Porcentaje, decimales: int | None = 0, semaforo: str = "") -> Celda:
    """A percentage: a number (fraction) formatted 0% / 0.00%, or N/P / sin captura text."""
    semaforo = "" if semaforo == formulas.Semaforo.VACIO.value else semaforo
    if p.es_numero:
        assert p.valor is not None
        return Celda(
            formatear_porcentaje(p, decimales),
            valor=p.valor.scaleb(-2),  # 29 (%) is stored as 0.29 with a % number format
            formato="0%" if decimales == 0 else "0.00%",
            clase="num",
            semaforo=semaforo,
        )
    clase = {
        formulas.Estado.NP: "num np",
        formulas.Estado.SIN_CAPTURA: "num sin-captura",
    }.get(p.estado, "num")
    return Celda(formatear_porcentaje(p, decimales or 0), clase=clase, semaforo=semaforo)


def variacion(valor: Decimal | None) -> Celda:
    """R − P with negatives in parentheses, (10.73) (DOMAIN.md §4 "Variación")."""
    if valor is None:
        return Celda(clase="num")
    formato = "#,##0;(#,##0)" if _es_entero(valor) else "#,##0.00;(#,##0.00)"
    clase = "num negativo" if valor < 0 else "num"
    return Celda(formatear_variacion(valor, None), valor=valor, formato=formato, clase=clase)


def entero(n: int, clase: str = "num centro") -> Celda:
    """A whole number (a row's N°): a number in the XLSX, plain digits in the PDF."""
    return Celda(str(n), valor=Decimal(n), formato="0", clase=clase)


def fecha(dia: date, clase: str = "centro") -> Celda:
    """A date: dd/mm/aaaa in the PDF, a real date formatted dd/mm/yyyy in the XLSX."""
    return Celda(f"{dia:%d/%m/%Y}", fecha=dia, formato="dd/mm/yyyy", clase=clase)


def sin_captura() -> Celda:
    return Celda("sin captura", clase="num sin-captura")
