"""Locking of authorized quarters: the check every write path calls (DOMAIN.md §5).

No role bypasses it — not a superuser, not the admin, not a command — because the services
that write R, observaciones, P and meta anual all call `exigir_meses_abiertos` first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from programas.formulas import trimestre_de_mes

from avances.models import TrimestreFirma
from programas.models import NOMBRES_MES

logger = logging.getLogger("poa.bloqueo")


class TrimestreBloqueado(Exception):
    """A write touched a month of an authorized (locked) quarter."""

    def __init__(self, mensaje: str, *, meta_clave: str = "", meses: Iterable[int] = ()):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.meta_clave = meta_clave
        self.meses = tuple(meses)


def trimestres_autorizados(*, programa_id: int, unidad_id: int) -> set[int]:
    """Return the authorized quarters of one (programa, unidad) report."""
    return set(
        TrimestreFirma.objects.filter(
            programa_id=programa_id, unidad_id=unidad_id, estado=TrimestreFirma.Estado.AUTORIZADO
        ).values_list("trimestre", flat=True)
    )


def mapa_autorizados(pares: Iterable[tuple[int, int]]) -> dict[tuple[int, int], set[int]]:
    """Return {(programa_id, unidad_id): authorized quarters} for many pairs in one query."""
    pares = set(pares)
    resultado: dict[tuple[int, int], set[int]] = {par: set() for par in pares}
    if not pares:
        return resultado
    programas = {p for p, _ in pares}
    unidades = {u for _, u in pares}
    for programa_id, unidad_id, trimestre in TrimestreFirma.objects.filter(
        programa_id__in=programas,
        unidad_id__in=unidades,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    ).values_list("programa_id", "unidad_id", "trimestre"):
        if (programa_id, unidad_id) in resultado:
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
