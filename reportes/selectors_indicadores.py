"""Reads for the four MIR formats (DOMAIN.md §8): `DatosIndicadores`, constant queries.

Every figure comes from `avances.selectors_indicadores.filas_indicadores` (and so from the
pure module `programas.indicadores`); this module only gathers the scope — programas with
their MIR objectives, the (programa, unidad que reporta) pairs with their signature boxes —
around those rows. The scope rules are the metas': an indicator is seen by whoever sees its
programa or the unidad that reports it (`Alcance.q_metas`, whose fields Indicador has).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from avances.firma import firmantes_por_par
from avances.models import TrimestreFirma
from avances.selectors_indicadores import FilaIndicador, filas_indicadores
from programas.models import Ejercicio, Indicador, Meta, ObjetivoMIR, Programa
from reportes.datos import NOMBRES_PERIODO, Firmante, llave_clave
from reportes.selectors import AlcanceVacio

ORDEN_NIVEL = {"FIN": 0, "PROPOSITO": 1, "COMPONENTE": 2, "ACTIVIDAD": 3}


@dataclass
class ProgramaMIR:
    """A programa's MIR: its objectives in reading order and its indicators in scope."""

    programa_id: int
    ramo_clave: str
    ramo_nombre: str
    clave: str
    nombre: str
    finalidad: str
    funcion: str
    subfuncion: str
    eje: str
    objetivos: list[ObjetivoMIR]
    filas: list[FilaIndicador]
    firmantes: list[Firmante]
    firmado: bool  # every pair of its indicators is AUTORIZADO in the quarter

    def filas_de(self, objetivo: ObjetivoMIR) -> list[FilaIndicador]:
        return [f for f in self.filas if f.indicador.objetivo_id == objetivo.pk]


@dataclass
class SeccionIndicadores:
    """The indicators one unidad reports in one programa: the unit of a signed quarter."""

    ramo_clave: str
    ramo_nombre: str
    programa_id: int
    programa_clave: str
    programa_nombre: str
    unidad_id: int
    unidad_clave: str
    unidad_nombre: str
    filas: list[FilaIndicador]
    firmantes: list[Firmante]
    firmado: bool
    snapshot_hash: str = ""
    codigo_verificacion: str = ""


@dataclass
class DatosIndicadores:
    """Everything the MIR formats need for one scope and quarter."""

    anio: int
    trimestre: int
    programas: list[ProgramaMIR]
    secciones: list[SeccionIndicadores]
    generado: date = field(default_factory=timezone.localdate)
    # Planning documents (MIR, ficha) print texts the signed snapshot does not hold: their
    # PDFs are never served from the signed-PDF cache.
    cacheable: bool = True

    @property
    def periodo(self) -> str:
        return f"{NOMBRES_PERIODO[self.trimestre]} {self.anio}"

    @property
    def filas(self) -> list[FilaIndicador]:
        return [f for p in self.programas for f in p.filas]

    @property
    def firmado(self) -> bool:
        return bool(self.secciones) and all(s.firmado for s in self.secciones)

    def huella_firmada(self) -> str:
        """A key for the signed snapshots of every pair ('' unless all are signed)."""
        if not (self.firmado and self.cacheable):
            return ""
        base = "|".join(
            f"{s.programa_id}:{s.unidad_id}:{s.snapshot_hash}:{s.codigo_verificacion}"
            for s in self.secciones
        )
        return hashlib.sha256(f"mir:{self.anio}:{self.trimestre}:{base}".encode()).hexdigest()


def _indicadores(ejercicio_id, ramo_id, programa_id, unidad_id, filtro_alcance):
    consulta = Indicador.objects.filter(programa__ramo__ejercicio_id=ejercicio_id)
    if ramo_id is not None:
        consulta = consulta.filter(programa__ramo_id=ramo_id)
    if programa_id is not None:
        consulta = consulta.filter(programa_id=programa_id)
    if unidad_id is not None:
        consulta = consulta.filter(unidad_id=unidad_id)
    if filtro_alcance is not None:
        consulta = consulta.filter(filtro_alcance)
    return consulta


def _programas_mir(ejercicio_id, ramo_id, programa_id, unidad_id, filtro_alcance, indicadores):
    """Programas in scope with a MIR: through their metas or the indicators in scope."""
    metas = Meta.objects.filter(programa__ramo__ejercicio_id=ejercicio_id)
    if unidad_id is not None:
        metas = metas.filter(unidad_id=unidad_id)
    if filtro_alcance is not None:
        metas = metas.filter(filtro_alcance)
    consulta = Programa.objects.filter(ramo__ejercicio_id=ejercicio_id).filter(
        Q(pk__in=metas.values("programa_id")) | Q(pk__in=indicadores.values("programa_id"))
    )
    if ramo_id is not None:
        consulta = consulta.filter(ramo_id=ramo_id)
    if programa_id is not None:
        consulta = consulta.filter(pk=programa_id)
    return consulta.filter(objetivos_mir__isnull=False).distinct()


def _objetivos(programa_ids) -> dict[int, list[ObjetivoMIR]]:
    """Each programa's objectives: Fin, Propósito, then each componente and its actividades."""
    todos = list(ObjetivoMIR.objects.filter(programa_id__in=programa_ids))
    por_programa: dict[int, list[ObjetivoMIR]] = defaultdict(list)
    for o in todos:
        por_programa[o.programa_id].append(o)
    ordenados = {}
    for programa_id, objetivos in por_programa.items():
        componentes = {o.pk: o for o in objetivos if o.nivel == "COMPONENTE"}

        def llave(o, componentes=componentes):
            padre = componentes.get(o.componente_id) if o.componente_id else o
            grupo = ORDEN_NIVEL[padre.nivel] if padre else 9
            return (
                grupo,
                (padre.orden, llave_clave(padre.clave)) if padre else (0, ()),
                o.nivel == "ACTIVIDAD",
                o.orden,
                llave_clave(o.clave),
            )

        ordenados[programa_id] = sorted(objetivos, key=llave)
    return ordenados


def _firmas(filas: list[FilaIndicador], trimestre: int):
    pares = {(f.indicador.programa_id, f.indicador.unidad_id) for f in filas}
    cajas = firmantes_por_par(pares, trimestre)
    hashes = dict(
        (((p, u), h))
        for p, u, h in TrimestreFirma.objects.filter(
            programa_id__in={p for p, _ in pares},
            unidad_id__in={u for _, u in pares},
            trimestre=trimestre,
            estado=TrimestreFirma.Estado.AUTORIZADO,
        ).values_list("programa_id", "unidad_id", "snapshot_hash")
    )
    return cajas, hashes


def _secciones(filas, cajas, hashes) -> list[SeccionIndicadores]:
    por_par: dict[tuple[int, int], list[FilaIndicador]] = defaultdict(list)
    for fila in filas:
        por_par[(fila.indicador.programa_id, fila.indicador.unidad_id)].append(fila)
    secciones = []
    for par, lista in por_par.items():
        ind = lista[0].indicador
        programa, unidad, ramo = ind.programa, ind.unidad, ind.programa.ramo
        firmas = cajas.get(par)
        firmado = bool(firmas and firmas.autorizado and par in hashes)
        secciones.append(
            SeccionIndicadores(
                ramo_clave=ramo.clave, ramo_nombre=ramo.nombre, programa_id=programa.pk,
                programa_clave=programa.clave, programa_nombre=programa.nombre,
                unidad_id=unidad.pk, unidad_clave=unidad.clave, unidad_nombre=unidad.nombre,
                filas=lista,
                firmantes=[
                    Firmante(f.rol, f.titulo, f.nombre, f.cargo, f.fecha)
                    for f in (firmas.firmantes if firmas else [])
                ],
                firmado=firmado,
                snapshot_hash=hashes.get(par, "") if firmado else "",
                codigo_verificacion=firmas.codigo_verificacion if firmado else "",
            )
        )  # fmt: skip
    secciones.sort(
        key=lambda s: (llave_clave(s.ramo_clave), llave_clave(s.programa_clave),
                       llave_clave(s.unidad_clave))
    )  # fmt: skip
    return secciones


def _programa(p: Programa, objetivos, filas, secciones) -> ProgramaMIR:
    propias = [s for s in secciones if s.programa_id == p.pk]
    return ProgramaMIR(
        programa_id=p.pk, ramo_clave=p.ramo.clave, ramo_nombre=p.ramo.nombre, clave=p.clave,
        nombre=p.nombre, finalidad=p.finalidad, funcion=p.funcion, subfuncion=p.subfuncion,
        eje=p.eje, objetivos=objetivos, filas=filas,
        firmantes=[
            Firmante("", "RESPONSABLE DEL PROGRAMA", p.responsable_nombre, p.responsable_cargo),
            Firmante("", "RESPONSABLE DEL RAMO", p.ramo.responsable_nombre,
                     p.ramo.responsable_cargo),
        ],
        firmado=bool(propias) and all(s.firmado for s in propias),
    )  # fmt: skip


def datos_indicadores(
    *,
    anio: int,
    trimestre: int,
    ramo_id: int | None = None,
    programa_id: int | None = None,
    unidad_id: int | None = None,
    filtro_alcance: Q | None = None,
    con_mir: bool = False,
) -> DatosIndicadores:
    """One scope's indicators with their figures at the quarter, in constant queries.

    `con_mir` also lists programas whose MIR has no indicator in scope (the MIR format);
    otherwise only programas with indicators. Raises AlcanceVacio when nothing is left.
    """
    if trimestre not in NOMBRES_PERIODO:
        raise AlcanceVacio(f"El trimestre debe ser 1, 2, 3 o 4 (se recibió {trimestre}).")
    ejercicio_id = Ejercicio.objects.filter(anio=anio).values_list("id", flat=True).first()
    if ejercicio_id is None:
        raise AlcanceVacio(f"No existe el ejercicio {anio}.")
    consulta = _indicadores(ejercicio_id, ramo_id, programa_id, unidad_id, filtro_alcance)
    filas = filas_indicadores(consulta, trimestre=trimestre)
    if con_mir:
        programas = list(
            _programas_mir(
                ejercicio_id, ramo_id, programa_id, unidad_id, filtro_alcance, consulta
            ).select_related("ramo")
        )
        if not programas:
            raise AlcanceVacio("El alcance solicitado no tiene una MIR registrada en el ejercicio.")
    else:
        if not filas:
            raise AlcanceVacio("El alcance solicitado no tiene indicadores en el ejercicio.")
        programas = list({f.indicador.programa_id: f.indicador.programa for f in filas}.values())
    programas.sort(key=lambda p: (llave_clave(p.ramo.clave), llave_clave(p.clave)))
    objetivos = _objetivos([p.pk for p in programas]) if con_mir else {}
    cajas, hashes = _firmas(filas, trimestre) if filas else ({}, {})
    secciones = _secciones(filas, cajas, hashes)
    por_programa: dict[int, list[FilaIndicador]] = defaultdict(list)
    for fila in filas:
        por_programa[fila.indicador.programa_id].append(fila)
    return DatosIndicadores(
        anio=anio,
        trimestre=trimestre,
        programas=[
            _programa(p, objetivos.get(p.pk, []), por_programa.get(p.pk, []), secciones)
            for p in programas
        ],
        secciones=secciones,
    )
