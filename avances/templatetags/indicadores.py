"""Display of the indicators' figures: numbers es-MX, N/D, «sin captura», empty."""

from django import template

from programas.indicadores import Cifra, Estado, Semaforo
from programas.numeros import formatear_numero

register = template.Library()

TEXTOS_ESTADO = {Estado.ND: "N/D", Estado.SIN_CAPTURA: "sin captura", Estado.VACIO: "—"}
TEXTOS_SEMAFORO = {
    Semaforo.VERDE: "Verde", Semaforo.AMARILLO: "Amarillo", Semaforo.ROJO: "Rojo",
    Semaforo.ND: "N/D (no determinable)", Semaforo.SIN_CAPTURA: "Sin captura",
    Semaforo.VACIO: "—",
}  # fmt: skip


@register.filter
def cifra_indicador(cifra: Cifra | None) -> str:
    if cifra is None:
        return "—"
    if cifra.estado is Estado.NUMERO:
        return formatear_numero(cifra.valor, 2)
    return TEXTOS_ESTADO[cifra.estado]


@register.filter
def semaforo_indicador(marca) -> str:
    try:
        return TEXTOS_SEMAFORO[Semaforo(str(marca))]
    except ValueError:
        return "—"
