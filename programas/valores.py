"""The value types of the POA formulas (DOMAIN.md §2, §4): how months combine, the sentido
of a meta, a percentage cell and its states, the semáforo marks and their thresholds.

Plain values without behaviour beyond validation; `programas.formulas` computes them and
re-exports every name here, so `formulas.Porcentaje` & co. keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class TipoAcumulacion(StrEnum):
    """How a meta's months combine into a period value (DOMAIN.md §2)."""

    SUMA = "SUMA"
    PROMEDIO = "PROMEDIO"
    ULTIMO = "ULTIMO"
    MAXIMO = "MAXIMO"


class Sentido(StrEnum):
    """Whether a meta's goal is to go up or down (DOMAIN.md §4, sentido descendente)."""

    ASCENDENTE = "ASCENDENTE"
    DESCENDENTE = "DESCENDENTE"


class Estado(StrEnum):
    """State of a computed percentage cell."""

    NUMERO = "NUMERO"  # a real quotient in `Porcentaje.valor`
    NP = "N/P"  # "no programado": P = 0 but something was realized
    VACIO = "VACIO"  # nothing to show (nothing programmed nor realized, or not due yet)
    SIN_CAPTURA = "SIN_CAPTURA"  # something was due in a closed month and R is blank


class Semaforo(StrEnum):
    """Traffic-light mark of a cumplimiento (DOMAIN.md §4, Semáforo)."""

    VERDE = "verde"
    AMARILLO = "amarillo"
    ROJO = "rojo"
    NP = "np"
    SIN_CAPTURA = "sin_captura"
    VACIO = "vacio"


@dataclass(frozen=True)
class Porcentaje:
    """A percentage cell: exact value ×100 when `estado` is NUMERO, else ``None``."""

    valor: Decimal | None
    estado: Estado

    def __post_init__(self) -> None:
        if (self.estado is Estado.NUMERO) != (self.valor is not None):
            raise ValueError("Porcentaje: valor is required iff estado is NUMERO")

    @property
    def es_numero(self) -> bool:
        """Return True when the cell holds a number."""
        return self.estado is Estado.NUMERO


PORCENTAJE_VACIO = Porcentaje(None, Estado.VACIO)
PORCENTAJE_NP = Porcentaje(None, Estado.NP)
PORCENTAJE_SIN_CAPTURA = Porcentaje(None, Estado.SIN_CAPTURA)


@dataclass(frozen=True)
class Umbrales:
    """Semáforo bands on cumplimiento ×100, configurable per ejercicio (DOMAIN.md §4)."""

    verde_min: Decimal = Decimal(90)
    verde_max: Decimal = Decimal(110)
    amarillo_min: Decimal = Decimal(70)
    amarillo_max: Decimal = Decimal(130)

    def __post_init__(self) -> None:
        if not (self.amarillo_min <= self.verde_min <= self.verde_max <= self.amarillo_max):
            raise ValueError(
                "Umbrales: se requiere amarillo_min ≤ verde_min ≤ verde_max ≤ amarillo_max."
            )


# The default bands (verde 90–110, amarillo 70–130); frozen, so safe as a default argument.
UMBRALES = Umbrales()
