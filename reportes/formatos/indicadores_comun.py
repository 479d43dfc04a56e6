"""Cells and words the four MIR formats share (DOMAIN.md §8). Formatting only.

Every figure arrives computed in the selector's `FilaIndicador` / `CalculoIndicador`: a
`Cifra` is a number, N/D (a division by zero), "sin captura" or empty (not due yet), and
prints as such — the texts sit in numeric cells, like N/P in the metas' formats.
"""

from __future__ import annotations

from decimal import Decimal

from avances.selectors_indicadores import FilaIndicador
from programas import indicadores as calc
from programas.models import ObjetivoMIR
from programas.numeros import formatear_numero
from reportes.formatos.base import Celda, sin_captura
from reportes.tablero_indicadores import nombre_periodo, texto_rangos, umbrales_vigentes

# The indicator's semáforo → the mark the writers colour (N/D takes N/P's purple).
MARCAS = {"verde": "verde", "amarillo": "amarillo", "rojo": "rojo", "nd": "np"}
ETIQUETAS_SEMAFORO = {
    "verde": "Verde",
    "amarillo": "Amarillo",
    "rojo": "Rojo",
    "nd": "N/D",
    "sin_captura": "sin captura",
}
NOTA_CIFRAS = (
    "N/D = no determinable (división entre cero en la fórmula); «sin captura» = falta lo "
    "alcanzado de una variable en un periodo vencido; en blanco = periodo aún no vencido."
)


def cifra(c: calc.Cifra | None, decimales: int = 2) -> Celda:
    """An indicator figure: the number (2 decimals), N/D, «sin captura» or blank."""
    if c is None or c.estado is calc.Estado.VACIO:
        return Celda(clase="num")
    if c.estado is calc.Estado.ND:
        return Celda("N/D", clase="num np")
    if c.estado is calc.Estado.SIN_CAPTURA:
        return sin_captura()
    assert c.valor is not None
    formato = "#,##0.00" if decimales == 2 else "#,##0"
    return Celda(formatear_numero(c.valor, decimales), valor=c.valor, formato=formato, clase="num")


def valor(v: Decimal | None, *, vencido: bool = True) -> Celda:
    """A variable's value: a number as typed (up to 2 decimals) or «sin captura»."""
    if v is None:
        return sin_captura() if vencido else Celda(clase="num")
    formato = "#,##0" if v == v.to_integral_value() else "#,##0.00"
    return Celda(formatear_numero(v), valor=v, formato=formato, clase="num")


def cumplimiento(c: calc.Cifra | None, marca: calc.Semaforo | None = None) -> Celda:
    """The cumplimiento as a percentage (84.42 %), coloured by its semáforo."""
    celda = cifra(c)
    if celda.valor is not None:
        celda.texto += " %"
        celda.valor = celda.valor.scaleb(-2)
        celda.formato = "0.00%"
    celda.semaforo = MARCAS.get(marca.value, "") if marca is not None else ""
    return celda


def semaforo(marca: calc.Semaforo | None) -> Celda:
    """The semáforo in words, with its colour."""
    if marca is None or marca is calc.Semaforo.VACIO:
        return Celda(clase="centro")
    clase = "centro sin-captura" if marca is calc.Semaforo.SIN_CAPTURA else "centro marca"
    return Celda(ETIQUETAS_SEMAFORO[marca.value], clase=clase, semaforo=MARCAS.get(marca.value, ""))


def nivel(o: ObjetivoMIR) -> str:
    """«FIN», «PROPÓSITO», «COMPONENTE C1», «ACTIVIDAD C1.A1»."""
    etiqueta = o.get_nivel_display().upper()
    if o.nivel in (ObjetivoMIR.Nivel.COMPONENTE, ObjetivoMIR.Nivel.ACTIVIDAD):
        return f"{etiqueta} {o.clave}"
    return etiqueta


def periodo_texto(fila: FilaIndicador, periodo: int) -> str:
    """«julio–septiembre» (the period's months) for an indicator's frecuencia."""
    return nombre_periodo(fila.indicador.frecuencia, periodo)


def sin_medicion(fila: FilaIndicador) -> str:
    ind = fila.indicador
    cierres = ", ".join(
        nombre_periodo(calc.Frecuencia.MENSUAL, p) for p in calc.periodos(ind.frecuencia)
    )
    return (
        f"Sin medición en el trimestre {fila.trimestre}: indicador "
        f"{ind.get_frecuencia_display().lower()}, se mide al cierre de {cierres}."
    )


def rangos(fila: FilaIndicador) -> str:
    umbrales, propios = umbrales_vigentes(fila)
    return texto_rangos(umbrales, propios)


def linea_base(fila: FilaIndicador) -> Celda:
    ind = fila.indicador
    celda = valor(ind.linea_base, vencido=False)
    if ind.linea_base is not None and ind.linea_base_anio:
        celda.nota = f"({ind.linea_base_anio})"
    return celda


def nombre_unico(base: str, usados: set[str]) -> str:
    """A worksheet title: ≤ 31 characters, no []:*?/\\, unique (case-insensitive)."""
    for ch in "[]:*?/\\":
        base = base.replace(ch, "_")
    base = base[:31]
    nombre, n = base, 2
    while nombre.lower() in usados:
        sufijo = f"~{n}"
        nombre = base[: 31 - len(sufijo)] + sufijo
        n += 1
    usados.add(nombre.lower())
    return nombre


def datos_programa(p) -> list[tuple[str, str]]:
    """RAMO, PROGRAMA and the classifications the POA records (blank ones left out)."""
    datos = [
        ("RAMO", f"{p.ramo_clave} {p.ramo_nombre}"),
        ("PROGRAMA", f"{p.clave} {p.nombre}" if hasattr(p, "clave") else ""),
    ]
    for etiqueta, texto in (
        ("FINALIDAD", getattr(p, "finalidad", "")),
        ("FUNCIÓN", getattr(p, "funcion", "")),
        ("SUBFUNCIÓN", getattr(p, "subfuncion", "")),
        ("EJE DE GOBIERNO", getattr(p, "eje", "")),
    ):
        if (texto or "").strip():
            datos.append((etiqueta, texto))
    return datos
