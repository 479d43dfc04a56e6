"""The POA's time frames: months and quarters, the vigencia of a meta anual, the deadline.

Pure functions over Decimal, no ORM and no Django, like `programas.formulas`, which uses
them and re-exports every public name here (`formulas.trimestre_de_mes`,
`formulas.CambioVigencia`, `formulas.fecha_limite_trimestre` keep working). Months are
1..12 and quarters 1..4 (DOMAIN.md §2); the vigencia is DOMAIN.md §3 and the report
deadline §5.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


def _validar_mes(mes: int, *, minimo: int = 1) -> None:
    if not (minimo <= mes <= 12):
        raise ValueError(f"Mes fuera de rango: {mes} (se espera {minimo}..12).")


def _validar_trimestre(trimestre: int) -> None:
    if not (1 <= trimestre <= 4):
        raise ValueError(f"Trimestre fuera de rango: {trimestre} (se espera 1..4).")


def trimestre_de_mes(mes: int) -> int:
    """Return the quarter (1..4) a month (1..12) belongs to (DOMAIN.md §2)."""
    _validar_mes(mes)
    return (mes - 1) // 3 + 1


def meses_del_trimestre(trimestre: int) -> range:
    """Return the months 3q−2 .. 3q of a quarter (DOMAIN.md §2)."""
    _validar_trimestre(trimestre)
    return range(3 * trimestre - 2, 3 * trimestre + 1)


@dataclass(frozen=True)
class Vigencia:
    """The meta anual in force and the first month it counts from (DOMAIN.md §3)."""

    meta_anual: Decimal
    mes_inicio: int


@dataclass(frozen=True)
class CambioVigencia:
    """A reprogramación or re-issue effective from `mes_desde`, keeping what it replaced."""

    mes_desde: int
    meta_anual_anterior: Decimal
    mes_inicio_anterior: int


def vigencia_al_mes(
    *,
    meta_anual: Decimal,
    mes_inicio: int,
    cambios: Sequence[CambioVigencia],
    mes_fin: int,
) -> Vigencia:
    """Return the vigencia in force at the end of month `mes_fin` (DOMAIN.md §3).

    `meta_anual`/`mes_inicio` are the current values and `cambios` the history, oldest
    first. Walking newest first, every cambio effective after `mes_fin` is undone, so a
    quarter that ends before a re-issue is reported against the original meta (BISOM
    meta 100: Q1 → 446 from January; Q2–Q4 → 320 from April).
    """
    _validar_mes(mes_fin)
    vigencia = Vigencia(meta_anual=meta_anual, mes_inicio=mes_inicio)
    for cambio in reversed(cambios):
        if cambio.mes_desde > mes_fin:
            vigencia = Vigencia(
                meta_anual=cambio.meta_anual_anterior, mes_inicio=cambio.mes_inicio_anterior
            )
    return vigencia


def fecha_limite_trimestre(
    anio: int, trimestre: int, dias_habiles: int = 10, feriados: Iterable[date] = ()
) -> date:
    """Return the report deadline: `dias_habiles` business days after the quarter ends.

    DOMAIN.md §5 (seed 003): business days are Monday–Friday not in `feriados`; the
    quarter's last day itself does not count.
    """
    _validar_trimestre(trimestre)
    if dias_habiles < 0:
        raise ValueError("dias_habiles no puede ser negativo.")
    inhabiles = set(feriados)
    # Last day of the quarter's last month: first day of the next month minus one day.
    siguiente = date(anio + 1, 1, 1) if trimestre == 4 else date(anio, 3 * trimestre + 1, 1)
    fin_de_trimestre = siguiente - timedelta(days=1)
    dia = fin_de_trimestre
    contados = 0
    while contados < dias_habiles:
        dia += timedelta(days=1)
        if dia.weekday() < 5 and dia not in inhabiles:
            contados += 1
    return dia
