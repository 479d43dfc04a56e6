"""What the database holds for the ejercicio, loaded in bulk (a few queries whatever the size)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from avances.models import Avance
from plantilla.importacion.mir_planear import MirExistente, cargar_mir
from programas import responsables
from programas.models import (
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)


@dataclass
class Existente:
    ejercicio: Ejercicio | None
    ramos: dict[str, Ramo] = field(default_factory=dict)
    programas: dict[tuple[str, str], Programa] = field(default_factory=dict)
    unidades: dict[tuple[str, str], UnidadEjecutora] = field(default_factory=dict)
    lineas: dict[str, LineaPMD] = field(default_factory=dict)
    metas: dict[tuple[str, str, str], Meta] = field(default_factory=dict)
    lineas_meta: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    # (meta_id, mes) → (id, valor): plain tuples, 120,000 of them for a large POA.
    programados: dict[tuple[int, int], tuple[int, Decimal]] = field(default_factory=dict)
    reprogramaciones: dict[int, list[Reprogramacion]] = field(
        default_factory=lambda: defaultdict(list)
    )
    avances: dict[tuple[int, int], Avance] = field(default_factory=dict)
    presupuesto: dict[tuple[int, str], Presupuesto] = field(default_factory=dict)
    # Responsable rows by post: (nivel, pk) → [Periodo] (programas.responsables).
    vigencias: dict = field(default_factory=dict)
    # {(programa_id, unidad_id): authorized quarters} at preview time (avances.bloqueo).
    autorizados: dict = field(default_factory=dict)
    # The MIR of the ejercicio (mir_planear.MirExistente), loaded for whole workbooks.
    mir: Any = None


def _cargar_existente(anio: int, *, modo: str, unidades_permitidas=None) -> Existente:
    ejercicio = Ejercicio.objects.filter(anio=anio).first()
    existente = Existente(ejercicio, mir=MirExistente())
    if ejercicio is None:
        return existente
    existente.ramos = {r.clave: r for r in Ramo.objects.filter(ejercicio=ejercicio)}
    por_id = {r.pk: r for r in existente.ramos.values()}
    for programa in Programa.objects.filter(ramo__ejercicio=ejercicio):
        programa.ramo = por_id[programa.ramo_id]
        existente.programas[(programa.ramo.clave, programa.clave)] = programa
    for unidad in UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio):
        unidad.ramo = por_id[unidad.ramo_id]
        existente.unidades[(unidad.ramo.clave, unidad.clave)] = unidad
    existente.vigencias = responsables.filas_por_puesto(
        ramos=por_id, programas=[p.pk for p in existente.programas.values()],
        unidades=[u.pk for u in existente.unidades.values()],
    )  # fmt: skip
    existente.lineas = {li.codigo: li for li in LineaPMD.objects.filter(ejercicio=ejercicio)}
    metas = Meta.objects.filter(unidad__ramo__ejercicio=ejercicio)
    if unidades_permitidas is not None:
        metas = metas.filter(unidad_id__in=unidades_permitidas)
    programas_id = {p.pk: p for p in existente.programas.values()}
    unidades_id = {u.pk: u for u in existente.unidades.values()}
    for meta in metas:
        meta.programa = programas_id[meta.programa_id]
        meta.unidad = unidades_id[meta.unidad_id]
        existente.metas[(meta.unidad.ramo.clave, meta.unidad.clave, meta.clave)] = meta
    filtro = {"meta__unidad__ramo__ejercicio": ejercicio}
    if unidades_permitidas is not None:
        filtro["meta__unidad_id__in"] = unidades_permitidas
    existente.avances = {(a.meta_id, a.mes): a for a in Avance.objects.filter(**filtro)}
    if modo == "captura":
        return existente
    for meta_id, codigo in Meta.lineas_pmd.through.objects.filter(**filtro).values_list(
        "meta_id", "lineapmd__codigo"
    ):
        existente.lineas_meta[meta_id].add(codigo)
    existente.programados = {
        (meta_id, mes): (pk, valor)
        for pk, meta_id, mes, valor in Programado.objects.filter(**filtro).values_list(
            "pk", "meta_id", "mes", "valor"
        )
    }
    for reprogramacion in Reprogramacion.objects.filter(
        tipo=Reprogramacion.Tipo.IMPORTADA, **filtro
    ).order_by("id"):
        existente.reprogramaciones[reprogramacion.meta_id].append(reprogramacion)
    existente.presupuesto = {
        (p.programa_id, p.capitulo): p
        for p in Presupuesto.objects.filter(programa__ramo__ejercicio=ejercicio)
    }
    existente.mir = cargar_mir(ejercicio, existente.programas, existente.unidades, existente.metas)
    return existente
