"""Locking of authorized quarters: the check every write path calls (DOMAIN.md §5).

No role bypasses it — not a superuser, not the admin, not a command — because the services
that write R, observaciones, P and meta anual all call `exigir_meses_abiertos` first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal

from avances.models import TrimestreFirma
from programas.formulas import CambioVigencia, trimestre_de_mes, vigencia_al_mes
from programas.models import NOMBRES_MES

logger = logging.getLogger("poa.bloqueo")


class TrimestreBloqueado(Exception):
    """A write touched a month of an authorized (locked) quarter."""

    def __init__(self, mensaje: str, *, meta_clave: str = "", meses: Iterable[int] = ()):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.meta_clave = meta_clave
        self.meses = tuple(meses)


def trimestres_autorizados(*, programa_id: int, unidad_id: int, bloquear: bool = False) -> set[int]:
    """Return the authorized quarters of one (programa, unidad) report."""
    return mapa_autorizados([(programa_id, unidad_id)], bloquear=bloquear)[(programa_id, unidad_id)]


def mapa_autorizados(
    pares: Iterable[tuple[int, int]], *, bloquear: bool = False
) -> dict[tuple[int, int], set[int]]:
    """Return {(programa_id, unidad_id): authorized quarters} for many pairs in one query.

    With `bloquear` (inside a transaction) every sign-off row of those pairs is locked
    FOR UPDATE, so an authorization cannot commit between this check and the caller's write:
    `avances.firmas` locks the same row before it reads the figures it signs.
    """
    pares = set(pares)
    resultado: dict[tuple[int, int], set[int]] = {par: set() for par in pares}
    if not pares:
        return resultado
    programas = {p for p, _ in pares}
    unidades = {u for _, u in pares}
    filas = TrimestreFirma.objects.filter(programa_id__in=programas, unidad_id__in=unidades)
    if bloquear:
        filas = filas.select_for_update().order_by("pk")  # fixed order: no deadlocks
    else:
        filas = filas.filter(estado=TrimestreFirma.Estado.AUTORIZADO)
    for programa_id, unidad_id, trimestre, estado in filas.values_list(
        "programa_id", "unidad_id", "trimestre", "estado"
    ):
        if (programa_id, unidad_id) in resultado and estado == TrimestreFirma.Estado.AUTORIZADO:
            resultado[(programa_id, unidad_id)].add(trimestre)
    return resultado


def exigir_meses_abiertos(
    *,
    meta,
    meses: Iterable[int],
    accion: str,
    usuario=None,
    autorizados: set[int] | None = None,
) -> None:
    """Raise TrimestreBloqueado (and log it) if any month belongs to an authorized quarter.

    `autorizados` may be passed by callers that checked many metas with `mapa_autorizados`.
    """
    meses = sorted(set(meses))
    if not meses:
        return
    if autorizados is None:
        autorizados = trimestres_autorizados(programa_id=meta.programa_id, unidad_id=meta.unidad_id)
    bloqueados = [m for m in meses if trimestre_de_mes(m) in autorizados]
    if not bloqueados:
        return
    nombres = ", ".join(NOMBRES_MES[m - 1].lower() for m in bloqueados)
    trimestres = ", ".join(f"T{t}" for t in sorted({trimestre_de_mes(m) for m in bloqueados}))
    mensaje = (
        f"La meta {meta.clave} tiene {trimestres} autorizado: no se puede {accion} "
        f"({nombres}). Solicite a Planeación la reapertura del trimestre."
    )
    logger.warning(
        "Escritura rechazada por bloqueo: meta=%s meses=%s accion=%s usuario=%s",
        meta.pk,
        bloqueados,
        accion,
        getattr(usuario, "username", usuario),
    )
    raise TrimestreBloqueado(mensaje, meta_clave=meta.clave, meses=bloqueados)


Vigente = tuple[Decimal, int, Sequence[CambioVigencia]]  # (meta_anual, mes_inicio, cambios)


def exigir_vigencia_intacta(
    *,
    meta,
    antes: Vigente,
    despues: Vigente,
    accion: str,
    usuario=None,
    autorizados: set[int] | None = None,
) -> None:
    """Refuse a change of meta anual / mes de inicio that alters an authorized quarter.

    What a quarter reports is the vigencia at its last month (DOMAIN.md §3): a direct edit of
    `meta_anual` changes it for every quarter, while a reprogramación effective after the
    locked quarters (`mes_desde` later than their last month) leaves them as signed.
    """
    if autorizados is None:
        autorizados = trimestres_autorizados(programa_id=meta.programa_id, unidad_id=meta.unidad_id)
    alterados = []
    for trimestre in sorted(autorizados):
        fin = 3 * trimestre
        previo = vigencia_al_mes(
            meta_anual=antes[0], mes_inicio=antes[1], cambios=antes[2], mes_fin=fin
        )
        nuevo = vigencia_al_mes(
            meta_anual=despues[0], mes_inicio=despues[1], cambios=despues[2], mes_fin=fin
        )
        if previo != nuevo:
            alterados.append(fin)
    exigir_meses_abiertos(
        meta=meta, meses=alterados, accion=accion, usuario=usuario, autorizados=autorizados
    )


def cambios_de_vigencia(meta_id: int) -> list[CambioVigencia]:
    """A meta's reprogramaciones as formula inputs, oldest first (one query)."""
    from programas.models import Reprogramacion

    return [
        CambioVigencia(desde, anterior, inicio_anterior)
        for desde, anterior, inicio_anterior in Reprogramacion.objects.filter(meta_id=meta_id)
        .order_by("fecha", "id")
        .values_list("mes_desde", "meta_anual_anterior", "mes_inicio_anterior")
    ]
