"""Indicator formulas of the MIR (DOMAIN.md §8), as pure functions over Decimal.

The método de cálculo of an indicator is text such as ``(A / B) * 100``. It is parsed with
Python's own parser (`ast.parse`, which only builds a tree) and every node is checked
against a whitelist: numbers, variable symbols, ``+ - * / ( )``. Nothing is ever evaluated
as code; the accepted tree is evaluated here over Decimal.

Periods follow the frecuencia and are named by their last month (TRIMESTRAL: 3, 6, 9, 12).
A realized value of ``None`` means "not captured"; a blank programado counts as 0.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, DivisionByZero, InvalidOperation
from enum import StrEnum

from programas import formulas

CERO = Decimal(0)
CIEN = Decimal(100)
MAX_LARGO_FORMULA = 500
MAX_PARENTESIS = 40  # nesting depth; real formulas use two or three levels
_CONTEXTO = Context(prec=34, traps=[DivisionByZero, InvalidOperation])
_NUMERO = re.compile(r"\d+(\.\d+)?\Z")
_SIMBOLO = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_PERMITIDOS = re.compile(r"[A-Za-z0-9_.+\-*/() ]*\Z")
# Signs people type when they copy a formula from a document ("A / B × 100").
_EQUIVALENTES = str.maketrans({"×": "*", "÷": "/", "−": "-", "–": "-", "\t": " ", "\n": " "})
_OPERADORES = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaInvalida(ValueError):
    """A método de cálculo outside the grammar; `mensaje` says why, in Spanish."""

    def __init__(self, mensaje: str):
        super().__init__(mensaje)
        self.mensaje = mensaje


class Frecuencia(StrEnum):
    """How often an indicator is measured (DOMAIN.md §8)."""

    MENSUAL = "MENSUAL"
    TRIMESTRAL = "TRIMESTRAL"
    SEMESTRAL = "SEMESTRAL"
    ANUAL = "ANUAL"


class Comportamiento(StrEnum):
    """A flow that adds up over the year, or a stock read at a point in time."""

    ACUMULABLE = "ACUMULABLE"
    CONTINUA = "CONTINUA"


PERIODOS = {
    Frecuencia.MENSUAL: tuple(range(1, 13)),
    Frecuencia.TRIMESTRAL: (3, 6, 9, 12),
    Frecuencia.SEMESTRAL: (6, 12),
    Frecuencia.ANUAL: (12,),
}


# --- The parser ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed método de cálculo: its normalized text, tree and the symbols it uses."""

    texto: str
    arbol: tuple
    simbolos: frozenset[str]


def _nodo(nodo: ast.AST, texto: str) -> tuple:
    """Translate one whitelisted ast node into the module's own tree, or refuse it."""
    if isinstance(nodo, ast.BinOp) and type(nodo.op) in _OPERADORES:
        op = _OPERADORES[type(nodo.op)]
        return ("op", op, _nodo(nodo.left, texto), _nodo(nodo.right, texto))
    if isinstance(nodo, ast.UnaryOp) and isinstance(nodo.op, ast.USub | ast.UAdd):
        signo = "-" if isinstance(nodo.op, ast.USub) else "+"
        return ("signo", signo, _nodo(nodo.operand, texto))
    if isinstance(nodo, ast.Name) and _SIMBOLO.match(nodo.id):
        return ("var", nodo.id)
    if isinstance(nodo, ast.Constant) and type(nodo.value) in (int, float):
        literal = ast.get_source_segment(texto, nodo) or ""
        if _NUMERO.match(literal):
            return ("num", Decimal(literal))  # from the text: 0.1 stays exactly 0.1
        raise FormulaInvalida(f"Número no válido «{literal}»: use dígitos y punto decimal.")
    fragmento = ast.get_source_segment(texto, nodo) or type(nodo).__name__
    raise FormulaInvalida(
        f"«{fragmento}» no se permite: la fórmula solo admite números, variables y + - * / ( )."
    )


def _simbolos(arbol: tuple) -> set[str]:
    if arbol[0] == "var":
        return {arbol[1]}
    if arbol[0] == "num":
        return set()
    return set().union(*(_simbolos(hijo) for hijo in arbol[2:]))


def _profundidad(texto: str) -> int:
    nivel = maximo = 0
    for caracter in texto:
        nivel += {"(": 1, ")": -1}.get(caracter, 0)
        maximo = max(maximo, nivel)
    return maximo


def parse_formula(texto: str) -> Formula:
    """Parse a método de cálculo, or raise FormulaInvalida naming the problem."""
    if not isinstance(texto, str):
        raise FormulaInvalida("La fórmula debe ser texto.")
    limpio = " ".join(texto.translate(_EQUIVALENTES).split())
    if not limpio:
        raise FormulaInvalida("La fórmula está vacía.")
    if len(limpio) > MAX_LARGO_FORMULA:
        raise FormulaInvalida(f"La fórmula pasa de {MAX_LARGO_FORMULA} caracteres.")
    if not _PERMITIDOS.match(limpio):
        malo = next(c for c in limpio if not _PERMITIDOS.match(c))
        raise FormulaInvalida(
            f"Carácter no permitido «{malo}»: use números, variables y + - * / ( )."
        )
    if _profundidad(limpio) > MAX_PARENTESIS:
        raise FormulaInvalida(
            f"La fórmula tiene más de {MAX_PARENTESIS} niveles de paréntesis anidados."
        )
    try:
        arbol = ast.parse(limpio, mode="eval").body
    except SyntaxError as exc:
        donde = f" cerca del carácter {exc.offset}" if exc.offset else ""
        raise FormulaInvalida(f"La fórmula no está bien escrita{donde}: «{limpio}».") from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaInvalida("La fórmula tiene demasiados niveles de paréntesis.") from None
    try:
        propio = _nodo(arbol, limpio)
    except RecursionError:
        raise FormulaInvalida("La fórmula tiene demasiados niveles de paréntesis.") from None
    return Formula(texto=limpio, arbol=propio, simbolos=frozenset(_simbolos(propio)))


def errores_de_variables(formula: Formula, simbolos: Iterable[str]) -> list[str]:
    """Unknown symbols in the formula and declared variables it does not use."""
    declarados = set(simbolos)
    errores = [
        f"La fórmula usa «{s}», que no es una variable del indicador."
        for s in sorted(formula.simbolos - declarados)
    ]
    errores += [
        f"La variable «{s}» no se usa en la fórmula." for s in sorted(declarados - formula.simbolos)
    ]
    return errores


class NoDeterminable(Exception):
    """A division by zero inside a formula: the result is N/D."""


def _valor(arbol: tuple, valores: Mapping[str, Decimal]) -> Decimal:
    tipo = arbol[0]
    if tipo == "num":
        return arbol[1]
    if tipo == "var":
        return valores[arbol[1]]
    if tipo == "signo":
        operando = _valor(arbol[2], valores)
        return _CONTEXTO.minus(operando) if arbol[1] == "-" else operando
    izquierda, derecha = _valor(arbol[2], valores), _valor(arbol[3], valores)
    op = arbol[1]
    if op == "+":
        return _CONTEXTO.add(izquierda, derecha)
    if op == "-":
        return _CONTEXTO.subtract(izquierda, derecha)
    if op == "*":
        return _CONTEXTO.multiply(izquierda, derecha)
    if derecha == 0:
        raise NoDeterminable
    return _CONTEXTO.divide(izquierda, derecha)


def evaluar(formula: Formula, valores: Mapping[str, Decimal]) -> Decimal:
    """The formula's value over Decimal; raises NoDeterminable on a division by zero."""
    faltan = formula.simbolos - set(valores)
    if faltan:
        raise KeyError(f"Faltan valores para {', '.join(sorted(faltan))}")
    return _valor(formula.arbol, valores)


# --- Periods and variables ----------------------------------------------------------------


def periodos(frecuencia: Frecuencia | str) -> tuple[int, ...]:
    """The periods of a frecuencia, each named by its last month."""
    return PERIODOS[Frecuencia(frecuencia)]


def meses_del_periodo(frecuencia: Frecuencia | str, periodo: int) -> range:
    """Months 1..12 that a period covers (TRIMESTRAL 6 → abril..junio)."""
    todos = periodos(frecuencia)
    if periodo not in todos:
        raise ValueError(f"El periodo {periodo} no existe para la frecuencia {frecuencia}.")
    anterior = todos[todos.index(periodo) - 1] if todos.index(periodo) else 0
    return range(anterior + 1, periodo + 1)


def valores_de_meta(
    serie: Sequence[Decimal | None],
    *,
    tipo: formulas.TipoAcumulacion | str,
    frecuencia: Frecuencia | str,
    mes_inicio: int = 1,
    realizado: bool,
) -> dict[int, Decimal | None]:
    """A meta's twelve months aggregated by its tipo over each period (a linked variable).

    Months before the meta's vigencia do not count. A realized period with any month in
    force not captured is "not captured" (None); a programmed blank counts as 0.
    """
    resultado: dict[int, Decimal | None] = {}
    for periodo in periodos(frecuencia):
        meses = [m for m in meses_del_periodo(frecuencia, periodo) if m >= mes_inicio]
        valores = [serie[m - 1] for m in meses]
        if not meses:
            resultado[periodo] = CERO
        elif realizado and any(v is None for v in valores):
            resultado[periodo] = None
        elif realizado:
            resultado[periodo] = formulas.agregar(valores, tipo)
        else:
            resultado[periodo] = formulas.agregar_programado(valores, tipo)
    return resultado


def acumulado(
    valores: Mapping[int, Decimal | None],
    comportamiento: Comportamiento | str,
    periodo: int,
    frecuencia: Frecuencia | str,
) -> Decimal | None:
    """A variable accumulated to `periodo` (None when a period it needs was not captured).

    ACUMULABLE: Σ of its values in periods ≤ p; CONTINUA: its value in period p.
    """
    if Comportamiento(comportamiento) is Comportamiento.CONTINUA:
        return valores.get(periodo)
    suma = CERO
    for p in periodos(frecuencia):
        if p > periodo:
            break
        valor = valores.get(p)
        if valor is None:
            return None
        suma += valor
    return suma


# --- One indicator in one period ----------------------------------------------------------


class Estado(StrEnum):
    """State of a computed indicator figure."""

    NUMERO = "NUMERO"
    ND = "N/D"  # no determinable: a division by zero inside the formula
    SIN_CAPTURA = "SIN_CAPTURA"  # a variable it needs was due and not captured
    VACIO = "VACIO"  # the period is not due yet


class Semaforo(StrEnum):
    """Traffic light of an indicator: the metas' marks plus N/D."""

    VERDE = "verde"
    AMARILLO = "amarillo"
    ROJO = "rojo"
    ND = "nd"
    SIN_CAPTURA = "sin_captura"
    VACIO = "vacio"


@dataclass(frozen=True)
class Cifra:
    """A computed figure: `valor` when `estado` is NUMERO, else None."""

    valor: Decimal | None
    estado: Estado

    def __post_init__(self) -> None:
        if (self.estado is Estado.NUMERO) != (self.valor is not None):
            raise ValueError("Cifra: valor is required iff estado is NUMERO")


VACIA = Cifra(None, Estado.VACIO)
SIN_CAPTURA = Cifra(None, Estado.SIN_CAPTURA)
ND = Cifra(None, Estado.ND)


@dataclass(frozen=True)
class Variable:
    """One variable's values per period (realizado None = not captured)."""

    simbolo: str
    comportamiento: Comportamiento | str
    programado: Mapping[int, Decimal | None] = field(default_factory=dict)
    realizado: Mapping[int, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class DatosIndicador:
    """Everything the formulas need about one indicator."""

    formula: Formula
    frecuencia: Frecuencia | str
    sentido: formulas.Sentido | str
    variables: Sequence[Variable]
    umbrales: formulas.Umbrales | None = None  # the indicator's own ranges, else the ejercicio's


@dataclass(frozen=True)
class FigurasVariable:
    """A variable in the reported period: programado and realizado, del periodo and acumulados."""

    simbolo: str
    programado_periodo: Decimal
    realizado_periodo: Decimal | None
    programado_acumulado: Decimal
    realizado_acumulado: Decimal | None


@dataclass(frozen=True)
class CalculoIndicador:
    """An indicator's figures at one period (DOMAIN.md §8 formulas)."""

    periodo: int
    variables: list[FigurasVariable]
    resultado_periodo: Cifra
    resultado_acumulado: Cifra
    meta_periodo: Cifra
    meta_acumulada: Cifra
    cumplimiento: Cifra
    semaforo: Semaforo


def _aplicar(formula: Formula, valores: Mapping[str, Decimal | None]) -> Cifra:
    """The formula on some values: N/D on division by zero, "sin captura" if one is None."""
    if any(valores[s] is None for s in formula.simbolos):
        return SIN_CAPTURA
    try:
        return Cifra(evaluar(formula, valores), Estado.NUMERO)
    except NoDeterminable:
        return ND


def cumplimiento(resultado: Cifra, meta: Cifra, sentido: formulas.Sentido | str) -> Cifra:
    """resultado / meta × 100 (ascendente); meta / resultado × 100 (descendente, §4).

    N/D or "sin captura" on either side carries over; a zero divisor gives N/D, except a
    descendente indicator whose resultado is 0 against a positive meta, which reached its
    goal in full (100 %, the rule of the metas in §4).
    """
    for cifra in (resultado, meta):
        if cifra.estado is not Estado.NUMERO:
            return cifra
    r, m = resultado.valor, meta.valor
    if formulas.Sentido(sentido) is formulas.Sentido.ASCENDENTE:
        numerador, divisor = r, m
    else:
        if r == 0 and m > 0:
            return Cifra(CIEN, Estado.NUMERO)
        numerador, divisor = m, r
    if divisor == 0:
        return ND
    return Cifra(_CONTEXTO.divide(_CONTEXTO.multiply(numerador, CIEN), divisor), Estado.NUMERO)


def semaforo(c: Cifra, umbrales: formulas.Umbrales = formulas.UMBRALES) -> Semaforo:
    """Classify a cumplimiento with the bands of §4 (the indicator's own or the ejercicio's)."""
    if c.estado is not Estado.NUMERO:
        return {Estado.ND: Semaforo.ND, Estado.SIN_CAPTURA: Semaforo.SIN_CAPTURA}.get(
            c.estado, Semaforo.VACIO
        )
    marca = formulas.semaforo(formulas.Porcentaje(c.valor, formulas.Estado.NUMERO), umbrales)
    return Semaforo(marca.value)


def requiere_justificacion(marca: Semaforo) -> bool:
    """Outside verde (amarillo, rojo) or not determinable: a justificación is required."""
    return marca in (Semaforo.AMARILLO, Semaforo.ROJO, Semaforo.ND)


def exige_justificacion(calculo: CalculoIndicador) -> bool:
    """Whether the capturista must justify the indicator at its period.

    Outside verde or N/D — except the N/D of a period with nothing programmed and nothing
    achieved (meta 0 and resultado 0: like a meta not in force, there is no variance to
    explain).
    """
    if not requiere_justificacion(calculo.semaforo):
        return False
    sin_meta = calculo.meta_acumulada.valor is not None and calculo.meta_acumulada.valor == 0
    sin_resultado = (
        calculo.resultado_acumulado.valor is not None and calculo.resultado_acumulado.valor == 0
    )
    return not (calculo.semaforo is Semaforo.ND and sin_meta and sin_resultado)


def _figuras(variable: Variable, periodo: int, frecuencia) -> FigurasVariable:
    programado = {p: v if v is not None else CERO for p, v in variable.programado.items()}
    return FigurasVariable(
        simbolo=variable.simbolo,
        programado_periodo=programado.get(periodo, CERO),
        realizado_periodo=variable.realizado.get(periodo),
        programado_acumulado=acumulado(
            {p: programado.get(p, CERO) for p in periodos(frecuencia)},
            variable.comportamiento,
            periodo,
            frecuencia,
        ),
        realizado_acumulado=acumulado(
            variable.realizado, variable.comportamiento, periodo, frecuencia
        ),
    )


def calcular_indicador(
    datos: DatosIndicador,
    periodo: int,
    *,
    corte: int,
    umbrales_ejercicio: formulas.Umbrales = formulas.UMBRALES,
) -> CalculoIndicador:
    """Every figure of one indicator at `periodo`, with realized data due up to month `corte`.

    A period after `corte` is not due: its results, cumplimiento and semáforo are empty
    (an ANUAL indicator has nothing to show before December); its metas still show.
    """
    meses_del_periodo(datos.frecuencia, periodo)  # validates the period
    figuras = [_figuras(v, periodo, datos.frecuencia) for v in datos.variables]
    f = datos.formula
    meta_periodo = _aplicar(f, {v.simbolo: v.programado_periodo for v in figuras})
    meta_acumulada = _aplicar(f, {v.simbolo: v.programado_acumulado for v in figuras})
    if periodo > corte:
        resultado_periodo = resultado_acumulado = c = VACIA
    else:
        resultado_periodo = _aplicar(f, {v.simbolo: v.realizado_periodo for v in figuras})
        resultado_acumulado = _aplicar(f, {v.simbolo: v.realizado_acumulado for v in figuras})
        c = cumplimiento(resultado_acumulado, meta_acumulada, datos.sentido)
    return CalculoIndicador(
        periodo=periodo,
        variables=figuras,
        resultado_periodo=resultado_periodo,
        resultado_acumulado=resultado_acumulado,
        meta_periodo=meta_periodo,
        meta_acumulada=meta_acumulada,
        cumplimiento=c,
        semaforo=semaforo(c, datos.umbrales or umbrales_ejercicio),
    )


def periodo_del_trimestre(frecuencia: Frecuencia | str, trimestre: int) -> int | None:
    """The latest period of a frecuencia that ends within quarters 1..trimestre (or None)."""
    fin = 3 * trimestre
    vencidos = [p for p in periodos(frecuencia) if p <= fin]
    return vencidos[-1] if vencidos else None
