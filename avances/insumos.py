"""The formula module's inputs (P and R), read from the database in a constant number of queries.

Every screen, report and check that computes a meta's figures builds its `DatosMeta` here, so
the capture grid, the sign-off snapshot and the official formats read the same series.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from avances.models import Avance
from programas import formulas
from programas.models import Ejercicio, Programado, Reprogramacion

CERO = Decimal(0)

# The Meta columns `datos_meta` needs; callers add them to their `.values(...)`.
CAMPOS_FORMULA = ("id", "meta_anual", "mes_inicio", "tipo_acumulacion", "sentido")


def umbrales_de(ejercicio: Ejercicio | dict) -> formulas.Umbrales:
    """The ejercicio's semáforo thresholds (a model or a `.values()` row) for the formulas."""
    valor = ejercicio.__getitem__ if isinstance(ejercicio, dict) else ejercicio.__getattribute__
    return formulas.Umbrales(
        verde_min=valor("verde_min"),
        verde_max=valor("verde_max"),
        amarillo_min=valor("amarillo_min"),
        amarillo_max=valor("amarillo_max"),
    )


def _filtro(metas) -> Q:
    """Accept meta ids or a Meta queryset (used as a subquery, no extra round trip)."""
    if isinstance(metas, QuerySet):
        return Q(meta__in=metas.values("id"))
    return Q(meta_id__in=list(metas))


def programados_por_meta(metas) -> dict[int, list[Decimal]]:
    """Twelve programmed values per meta (blank months are 0); one query."""
    resultado: dict[int, list[Decimal]] = defaultdict(lambda: [CERO] * 12)
    # No ORDER BY: the default ordering joins the structure to sort by claves (most of the time).
    for meta_id, mes, valor in (
        Programado.objects.filter(_filtro(metas)).order_by().values_list("meta_id", "mes", "valor")
    ):
        resultado[meta_id][mes - 1] = valor
    return resultado


@dataclass
class Realizados:
    """Twelve realized values per meta (None = not captured) and observaciones by month."""

    valores: dict[int, list[Decimal | None]] = field(
        default_factory=lambda: defaultdict(lambda: [None] * 12)
    )
    observaciones: dict[int, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))


def realizados_por_meta(metas) -> Realizados:
    """Realized values and observaciones of every month; one query."""
    resultado = Realizados()
    for meta_id, mes, valor, obs in (
        Avance.objects.filter(_filtro(metas))
        .order_by()
        .values_list("meta_id", "mes", "realizado", "observaciones")
    ):
        resultado.valores[meta_id][mes - 1] = valor
        if obs and obs.strip():
            resultado.observaciones[meta_id][mes] = obs.strip()
    return resultado


def cambios_por_meta(metas) -> dict[int, list[formulas.CambioVigencia]]:
    """Reprogramaciones of each meta as vigencia changes, oldest first; one query."""
    resultado: dict[int, list[formulas.CambioVigencia]] = defaultdict(list)
    for meta_id, desde, anterior, inicio_anterior in (
        Reprogramacion.objects.filter(_filtro(metas))
        .order_by("fecha", "id")
        .values_list("meta_id", "mes_desde", "meta_anual_anterior", "mes_inicio_anterior")
    ):
        resultado[meta_id].append(formulas.CambioVigencia(desde, anterior, inicio_anterior))
    return resultado


def datos_meta(
    meta: dict,
    *,
    programado: list[Decimal] | None,
    realizado: list[Decimal | None] | None,
    cambios: list[formulas.CambioVigencia] | None,
) -> formulas.DatosMeta:
    """Assemble the formula input of one meta from a `.values(*CAMPOS_FORMULA)` row."""
    return formulas.DatosMeta(
        programado=programado if programado is not None else [CERO] * 12,
        realizado=realizado if realizado is not None else [None] * 12,
        meta_anual=meta["meta_anual"],
        mes_inicio=meta["mes_inicio"],
        cambios=cambios or (),
        tipo=meta["tipo_acumulacion"],
        sentido=meta["sentido"],
    )
