"""Which months can be captured and when each quarter is due (DOMAIN.md §5).

A month is capturable when it is not in the future, its Periodo is open (no row = open) and
its quarter is not authorized (`avances.bloqueo`). Shared by the services (to refuse) and
the selectors (to render read-only cells), so both always agree.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from avances.models import FechaLimite, Periodo
from programas.formulas import fecha_limite_trimestre


def hoy() -> date:
    return timezone.localdate()


def ultimo_mes_capturable(anio: int, dia: date | None = None) -> int:
    """Return the last month of `anio` that may be captured today (0 = the year has not begun).

    The current month is capturable: staff enter progress during and after each month.
    """
    dia = dia or hoy()
    if anio < dia.year:
        return 12
    if anio > dia.year:
        return 0
    return dia.month


def mes_corte(anio: int, dia: date | None = None) -> int:
    """Return the last month of `anio` that has ended (0..12): blanks up to it are "sin captura"."""
    dia = dia or hoy()
    if anio < dia.year:
        return 12
    if anio > dia.year:
        return 0
    return dia.month - 1


def meses_cerrados(ejercicio_id: int) -> set[int]:
    """Return the months whose capture Planeación closed (one query)."""
    return set(
        Periodo.objects.filter(ejercicio_id=ejercicio_id, abierto=False).values_list(
            "mes", flat=True
        )
    )


def fechas_limite(ejercicio) -> dict[int, tuple[date, bool]]:
    """Return {trimestre: (fecha, configurada)}; unset quarters get the default (one query).

    `configurada` is False when the date is the default of 10 business days after the
    quarter ends (`formulas.fecha_limite_trimestre`).
    """
    configuradas = dict(
        FechaLimite.objects.filter(ejercicio_id=ejercicio.pk).values_list("trimestre", "fecha")
    )
    resultado = {}
    for trimestre in range(1, 5):
        if trimestre in configuradas:
            resultado[trimestre] = (configuradas[trimestre], True)
        else:
            resultado[trimestre] = (fecha_limite_trimestre(ejercicio.anio, trimestre), False)
    return resultado
