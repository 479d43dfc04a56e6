"""es-MX numbers: strict parsing of captured/imported values and display formatting.

es-MX writes a decimal point and comma thousands (`1,234.5`). Parsing never guesses: a
value that could be read two ways (`1,5`) is refused with a Spanish message the capture
screen and the importer show as is. Display rounds half-up, the only place that rounds.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from programas.formulas import Estado, Porcentaje

# The database stores max_digits=18, decimal_places=2.
DECIMALES_MAXIMOS = 2
LIMITE = Decimal(10) ** 15

# Digits with optional comma thousands (every group after the first exactly 3 digits),
# then an optional decimal part.
# ASCII only: \d would otherwise accept other scripts' digits, which Decimal() reads.
_NUMERO = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", re.ASCII)
_CON_COMA_DECIMAL = re.compile(r"^[+-]?[\d.]*\d,\d+$", re.ASCII)
_COMA_AMBIGUA = re.compile(r"^[+-]?\d+,\d{1,2}$", re.ASCII)
_PUNTO_DE_MILES = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3}){2,}$", re.ASCII)

_CONTEXTO = Context(prec=40)
_EXPONENTES = {d: Decimal(1).scaleb(-d) for d in range(7)}  # 0 → 1, 2 → 0.01…


class NumeroInvalido(ValueError):
    """A captured or imported number that cannot be read unambiguously."""


def _comprobar(valor: Decimal, original: str) -> Decimal:
    if not valor.is_finite():
        raise NumeroInvalido(f"«{original}» no es un número.")
    exponente = valor.as_tuple().exponent
    assert isinstance(exponente, int)
    if -exponente > DECIMALES_MAXIMOS:
        raise NumeroInvalido(
            f"«{original}» tiene más de {DECIMALES_MAXIMOS} decimales; "
            f"redondee a {DECIMALES_MAXIMOS} (por ejemplo 12.35)."
        )
    if abs(valor) >= LIMITE:
        raise NumeroInvalido(f"«{original}» es demasiado grande (máximo 999,999,999,999,999.99).")
    if exponente > 0:
        # Decimal('1E+3') is stored and shown as 1000.
        valor = valor.quantize(Decimal(1))
    # -0 is 0: never show or store a negative zero.
    return valor if valor != 0 else abs(valor)


def _rechazo_de_texto(texto: str) -> NumeroInvalido:
    """Explain why a text that is not an es-MX number was refused."""
    if _COMA_AMBIGUA.match(texto):
        entero, _, fraccion = texto.partition(",")
        miles = entero + "," + fraccion.ljust(3, "0")
        return NumeroInvalido(
            f"«{texto}» es ambiguo: use punto decimal ({entero}.{fraccion}) "
            f"o separador de miles completo ({miles})."
        )
    if _CON_COMA_DECIMAL.match(texto) and "." in texto:
        return NumeroInvalido(
            f"«{texto}» usa coma decimal: escriba punto decimal y comas de miles "
            "(por ejemplo 1,234.5)."
        )
    if _PUNTO_DE_MILES.match(texto):
        return NumeroInvalido(
            f"«{texto}» usa punto como separador de miles: escriba "
            f"{texto.replace('.', ',')} (comas de miles, punto decimal)."
        )
    if re.fullmatch(r"[+-]?\.\d+", texto, re.ASCII):
        return NumeroInvalido(
            f"«{texto}» no tiene parte entera: escriba {texto.replace('.', '0.')}."
        )
    if ",," in texto or texto.startswith(",") or texto.endswith(",") or ",." in texto:
        return NumeroInvalido(f"«{texto}» tiene un grupo de miles vacío.")
    if "," in texto and re.fullmatch(r"[+-]?[\d,]+(?:\.\d+)?", texto):
        return NumeroInvalido(
            f"«{texto}» tiene el separador de miles mal colocado: "
            "las comas van cada tres cifras (1,234,567)."
        )
    if re.search(r"\d[eE][+-]?\d", texto):
        return NumeroInvalido(f"«{texto}» usa notación científica; escriba el número completo.")
    if re.search(r"\d\s+\d", texto):
        return NumeroInvalido(f"«{texto}» tiene espacios dentro; use comas para los miles (1,234).")
    return NumeroInvalido(f"«{texto}» no es un número (ejemplos válidos: 1234.5, 1,234.5).")


def parse_numero(texto: str | int | float | Decimal | None) -> Decimal | None:
    """Read an es-MX number from text or a spreadsheet cell; '' or None → None.

    Accepts a sign, comma thousands in complete groups and up to 2 decimals. Floats and
    ints (openpyxl cells) are converted exactly through `str()`. Negative values are
    returned: callers that forbid them say so with their own message.
    """
    if texto is None:
        return None
    if isinstance(texto, bool):
        raise NumeroInvalido(f"«{texto}» no es un número.")
    if isinstance(texto, Decimal):
        return _comprobar(texto, str(texto))
    if isinstance(texto, int):
        return _comprobar(Decimal(texto), str(texto))
    if isinstance(texto, float):
        if not math.isfinite(texto):
            raise NumeroInvalido(f"«{texto}» no es un número.")
        # str() gives the shortest repr that round-trips: 89.27 stays 89.27, not the
        # binary 89.2699999…
        return _comprobar(Decimal(str(texto)), str(texto))
    if not isinstance(texto, str):
        raise TypeError(f"parse_numero no acepta {type(texto).__name__}.")
    limpio = texto.strip()
    if not limpio:
        return None
    if not _NUMERO.match(limpio):
        raise _rechazo_de_texto(limpio)
    decimales = limpio.partition(".")[2]
    if len(decimales) > DECIMALES_MAXIMOS:
        if len(decimales) == 3 and "," not in limpio:
            entero = limpio.partition(".")[0]
            raise NumeroInvalido(
                f"«{limpio}» tiene 3 decimales: si son miles escriba {entero},{decimales}; "
                f"el máximo es {DECIMALES_MAXIMOS} decimales."
            )
        raise NumeroInvalido(
            f"«{limpio}» tiene más de {DECIMALES_MAXIMOS} decimales; "
            f"redondee a {DECIMALES_MAXIMOS} (por ejemplo 12.35)."
        )
    try:
        valor = Decimal(limpio.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the regex already guarantees it
        raise NumeroInvalido(f"«{limpio}» no es un número.") from error
    return _comprobar(valor, limpio)


def redondear(valor: Decimal, decimales: int) -> Decimal:
    """Round half-up to `decimales` places (display only)."""
    exponente = _EXPONENTES.get(decimales) or Decimal(1).scaleb(-decimales)
    resultado = valor.quantize(exponente, rounding=ROUND_HALF_UP, context=_CONTEXTO)
    # Rounding a tiny negative gives -0.00; show it as 0.
    return resultado if resultado != 0 else abs(resultado)


def formatear_numero(valor: Decimal | None, decimales: int | None = None) -> str:
    """Format as es-MX ('1,234.5'); None → ''; `decimales` None = as needed, at most 2."""
    if valor is None:
        return ""
    if decimales is None:
        redondeado = redondear(valor, DECIMALES_MAXIMOS)
        # Strip trailing zeros without letting normalize() switch to exponent notation.
        entero = redondeado.to_integral_value()
        redondeado = entero if redondeado == entero else redondeado.normalize()
        return format(redondeado, ",f")
    return format(redondear(valor, decimales), ",f")


def formatear_porcentaje(p: Porcentaje, decimales: int | None = 0) -> str:
    """Format a percentage cell: '29%', '101.28%', 'N/P', 'sin captura' or ''.

    `decimales` None = as needed, at most 2 (the OROMAPAS style: '100%', '50.1%').
    """
    if p.estado is Estado.NP:
        return "N/P"
    if p.estado is Estado.SIN_CAPTURA:
        return "sin captura"
    if p.estado is Estado.VACIO or p.valor is None:
        return ""
    return formatear_numero(p.valor, decimales) + "%"


def formatear_variacion(valor: Decimal | None, decimales: int | None = 2) -> str:
    """Format a variación with negatives in parentheses, '(10.73)' (DOMAIN.md §4)."""
    if valor is None:
        return ""
    if decimales is None:
        redondeado = redondear(valor, DECIMALES_MAXIMOS)
    else:
        redondeado = redondear(valor, decimales)
    texto = formatear_numero(abs(redondeado), decimales)
    return f"({texto})" if redondeado < 0 else texto
