"""Reading the workbook: its sheets into `Hoja`s, and each cell into text, numbers and months."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from plantilla.importacion.columnas import (
    ALIAS,
    COLUMNAS,
    COLUMNAS_INFORMATIVAS,
    HOJAS_IGNORADAS,
    Hoja,
    normalizar,
)
from plantilla.importacion.resultado import ErrorImportacion, Plan

MAX_DECIMAL = Decimal("10") ** 16  # DECIMAL(18, 2)
CENTAVO = Decimal("0.01")


def _a_texto(valor: Any) -> str:
    """Text of a cell: strings stripped, formulas as their text, numbers without a '.0'."""
    if valor is None:
        return ""
    if isinstance(valor, str):
        return valor.strip()
    if isinstance(valor, bool):
        return "VERDADERO" if valor else "FALSO"
    if isinstance(valor, int):
        return str(valor)
    if isinstance(valor, float):
        if valor.is_integer():
            return str(int(valor))
        return repr(valor)  # shortest form: 2.1 → "2.1"
    if isinstance(valor, Decimal):
        return format(valor, "f")
    if isinstance(valor, dt.datetime):
        return valor.date().isoformat() if valor.time() == dt.time() else valor.isoformat()
    if isinstance(valor, dt.date | dt.time):
        return valor.isoformat()
    texto = getattr(valor, "text", None)  # ArrayFormula and friends: their formula text
    return str(texto if texto is not None else valor).strip()


def fmt(valor: Decimal | None) -> str:
    """Display a decimal for the preview: 1,234.5; blank for None."""
    if valor is None:
        return "(vacío)"
    valor = valor.normalize()
    if valor == valor.to_integral_value():
        valor = valor.quantize(Decimal(1))
    return f"{valor:,f}"


class _Lector:
    """Collects errors while converting the cells of one row."""

    def __init__(self, hoja: Hoja, errores: list[ErrorImportacion]):
        self.hoja = hoja
        self.errores = errores

    def error(self, fila: int, columna: str, mensaje: str) -> None:
        self.errores.append(ErrorImportacion(self.hoja.nombre, fila, columna, mensaje))

    def texto(self, fila: int, valores: tuple, columna: str, *, requerido=False, max_len=None):
        texto = _a_texto(self.hoja.valor(valores, columna))
        if requerido and not texto:
            self.error(fila, columna, "falta el valor (columna obligatoria).")
        if max_len and len(texto) > max_len:
            self.error(
                fila, columna, f"el texto tiene {len(texto)} caracteres; el máximo es {max_len}."
            )
            texto = texto[:max_len]
        return texto

    def numero(self, fila: int, valores: tuple, columna: str, *, requerido=False) -> Decimal | None:
        crudo = self.hoja.valor(valores, columna)
        if crudo is None or (isinstance(crudo, str) and not crudo.strip()):
            if requerido:
                self.error(fila, columna, "falta el valor (columna obligatoria).")
            return None
        try:
            numero = convertir_numero(crudo)
        except ValueError as exc:
            self.error(fila, columna, str(exc))
            return None
        if numero < 0:
            self.error(fila, columna, f"el valor {fmt(numero)} es negativo; debe ser 0 o mayor.")
            return None
        return numero

    def entero(self, fila, valores, columna, *, minimo, maximo, requerido=False) -> int | None:
        crudo = self.hoja.valor(valores, columna)
        if crudo is None or (isinstance(crudo, str) and not crudo.strip()):
            if requerido:
                self.error(fila, columna, "falta el valor (columna obligatoria).")
            return None
        try:
            numero = convertir_numero(crudo)
        except ValueError:
            numero = None
        if numero is None or numero != numero.to_integral_value():
            self.error(
                fila, columna, f"«{_a_texto(crudo)}» no es un mes válido; use un entero de "
                f"{minimo} a {maximo}."
            )  # fmt: skip
            return None
        if not minimo <= numero <= maximo:
            self.error(fila, columna, f"el mes {fmt(numero)} está fuera de {minimo}..{maximo}.")
            return None
        return int(numero)


def convertir_numero(valor: Any) -> Decimal:
    """Decimal of a numeric cell or of text in `1,234.5` / `1234.5` form (ValueError if not)."""
    if isinstance(valor, bool):
        raise ValueError(f"«{_a_texto(valor)}» no es un número.")
    if isinstance(valor, int):
        numero = Decimal(valor)
    elif isinstance(valor, float):
        if valor != valor or valor in (float("inf"), float("-inf")):
            raise ValueError("el valor no es un número finito.")
        numero = Decimal(repr(valor))
        redondeado = numero.quantize(CENTAVO, rounding=ROUND_HALF_UP)
        if abs(numero - redondeado) < Decimal("1e-9"):  # binary float noise, e.g. 0.1 + 0.2
            numero = redondeado
    elif isinstance(valor, Decimal):
        numero = valor
    else:
        from programas.numeros import NumeroInvalido, parse_numero

        texto = _a_texto(valor)
        try:
            numero = parse_numero(texto)
        except NumeroInvalido as exc:
            mensaje = getattr(exc, "mensaje", None) or str(exc)
            raise ValueError(mensaje) from exc
        if numero is None:
            raise ValueError(f"«{texto}» no es un número.")
    if not numero.is_finite():
        raise ValueError("el valor no es un número finito.")
    if numero != numero.quantize(CENTAVO, rounding=ROUND_HALF_UP):
        raise ValueError(f"el valor {numero} tiene más de 2 decimales.")
    if abs(numero) >= MAX_DECIMAL:
        raise ValueError(f"el valor {fmt(numero)} es demasiado grande.")
    return numero.quantize(CENTAVO)


def _cortar_codigos(texto: str) -> list[str]:
    """Split `2.1.1, 2.1.5` / `2.1.1 2.1.5` / `2.1.1; 2.1.5` into codes, without repeats."""
    vistos: list[str] = []
    for codigo in re.split(r"[,;\s]+", texto):
        codigo = codigo.strip()
        if codigo and codigo not in vistos:
            vistos.append(codigo)
    return vistos


AVISO_CADA = 500  # rows between two progress reports


def _leer_hojas(
    libro, plan: Plan, *, solo: set[str] | None = None, progreso=None
) -> dict[str, Hoja]:
    """Map every known sheet to its header and rows; warn about unknown sheets and columns.

    `solo`: the sheets this kind of upload may carry; any other is ignored with a warning.
    `progreso(filas)`: called every AVISO_CADA rows read, with the rows read so far.
    """
    hojas: dict[str, Hoja] = {}
    leidas = [0]
    for ws in libro.worksheets:
        clave = _clave_de_hoja(ws.title, hojas, plan, solo)
        if clave is None:
            continue
        encabezado, fila_encabezado, filas = _filas_con_datos(ws, leidas, progreso)
        columnas = _mapear_columnas(ws.title, clave, encabezado, fila_encabezado, plan)
        faltantes = [c.nombre for c in COLUMNAS[clave] if c.requerida and c.nombre not in columnas]
        if encabezado is None:
            plan.advertencias.append(ErrorImportacion(ws.title, None, "", "la hoja está vacía."))
        elif faltantes:
            for nombre in faltantes:
                plan.errores.append(
                    ErrorImportacion(
                        ws.title, fila_encabezado, nombre, "falta la columna obligatoria."
                    )
                )
            continue
        hojas[clave] = Hoja(ws.title, clave, columnas, filas)
        plan.hojas.append(ws.title)
    return hojas


def _clave_de_hoja(titulo: str, hojas: dict, plan: Plan, solo: set[str] | None) -> str | None:
    """The canonical name of a sheet to read, or None (unknown, not allowed or repeated)."""
    canonicas = {normalizar(n): n for n in COLUMNAS}
    clave = canonicas.get(normalizar(titulo))
    if clave is None:
        if normalizar(titulo) not in HOJAS_IGNORADAS:
            plan.advertencias.append(
                ErrorImportacion(titulo, None, "", "hoja desconocida; se ignora.")
            )
        return None
    if solo is not None and clave not in solo:
        plan.advertencias.append(
            ErrorImportacion(
                titulo, None, "",
                "en la hoja de captura solo se cargan avances; esta hoja se ignora.",
            )
        )  # fmt: skip
        return None
    if clave in hojas:
        plan.errores.append(
            ErrorImportacion(titulo, None, "", f"la hoja {clave} está repetida en el libro.")
        )
        return None
    return clave


def _filas_con_datos(
    ws, leidas: list[int] | None = None, progreso=None
) -> tuple[tuple | None, int, list[tuple[int, tuple]]]:
    """(header, its row number, data rows); blank rows are skipped.

    `leidas`: a one-item counter of the rows with data read so far (all sheets), reported to
    `progreso` every AVISO_CADA rows.
    """
    encabezado: tuple | None = None
    fila_encabezado = 0
    filas: list[tuple[int, tuple]] = []
    for numero, valores in enumerate(ws.iter_rows(values_only=True), start=1):
        if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in valores):
            continue
        if leidas is not None:
            leidas[0] += 1
            if progreso is not None and leidas[0] % AVISO_CADA == 0:
                progreso(leidas[0])
        if encabezado is None:
            encabezado, fila_encabezado = valores, numero
            continue
        filas.append((numero, valores))
    return encabezado, fila_encabezado, filas


def _mapear_columnas(
    titulo: str, clave: str, encabezado: tuple | None, fila_encabezado: int, plan: Plan
) -> dict[str, int]:
    """Canonical column → index, from the header (names, accents and aliases tolerated)."""
    columnas: dict[str, int] = {}
    conocidas = {normalizar(c.nombre): c.nombre for c in COLUMNAS[clave]}
    informativas = {normalizar(c) for c in COLUMNAS_INFORMATIVAS.get(clave, ())}
    for indice, titulo_col in enumerate(encabezado or ()):
        if titulo_col is None or not _a_texto(titulo_col):
            continue
        clave_col = normalizar(titulo_col)
        nombre = conocidas.get(clave_col) or conocidas.get(normalizar(ALIAS.get(clave_col, "")))
        if nombre is None:
            if clave_col not in informativas:
                plan.advertencias.append(
                    ErrorImportacion(
                        titulo, fila_encabezado or 1, _a_texto(titulo_col),
                        "columna desconocida; se ignora.",
                    )
                )  # fmt: skip
            continue
        if nombre in columnas:
            plan.errores.append(
                ErrorImportacion(titulo, fila_encabezado or 1, nombre, "la columna está repetida.")
            )
            continue
        columnas[nombre] = indice
    return columnas
