"""Reads behind the sign-off screens: inbox, per-report panel and Planeación's board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q

from avances.calendario import ultimo_mes_capturable
from avances.firma import faltantes_por_par
from avances.firma.faltantes import _cargar_metas
from avances.insumos import umbrales_de
from avances.models import EventoFirma, TrimestreFirma
from programas import formulas
from programas.models import NOMBRES_MES, Ejercicio, Meta, Programa, UnidadEjecutora
from programas.numeros import formatear_numero, formatear_porcentaje
from programas.scope import alcance_de

Estado = TrimestreFirma.Estado


@dataclass
class Reporte:
    """One (programa, unidad, trimestre) report as a row of a list."""

    programa_id: int
    programa_clave: str
    programa_nombre: str
    unidad_id: int
    unidad_clave: str
    unidad_nombre: str
    ramo_clave: str
    trimestre: int
    estado: str = Estado.BORRADOR
    version: int = 1
    actualizado_en: datetime | None = None
    faltantes: list[str] = field(default_factory=list)
    acciones: list[str] = field(default_factory=list)

    @property
    def estado_display(self) -> str:
        return Estado(self.estado).label

    @property
    def listo(self) -> bool:
        return not self.faltantes


def trimestres_iniciados(ejercicio: Ejercicio, dia: date | None = None) -> list[int]:
    """Quarters of the ejercicio with at least one month that is not in the future."""
    ultimo = ultimo_mes_capturable(ejercicio.anio, dia)
    return [q for q in range(1, 5) if 3 * q - 2 <= ultimo]


def _pares(filtro: Q, ejercicio: Ejercicio) -> list[dict]:
    """Distinct (programa, unidad) pairs with metas matching `filtro`, with their names."""
    return list(
        Meta.objects.filter(filtro, unidad__ramo__ejercicio=ejercicio)
        .values(
            "programa_id", "programa__clave", "programa__nombre", "unidad_id", "unidad__clave",
            "unidad__nombre", "unidad__ramo__clave",
        )
        .distinct()
        .order_by("unidad__ramo__clave", "programa__clave", "unidad__clave")
    )  # fmt: skip


def _reportes(pares: list[dict], trimestres: list[int]) -> list[Reporte]:
    firmas_db = {
        (f["programa_id"], f["unidad_id"], f["trimestre"]): f
        for f in TrimestreFirma.objects.filter(
            programa_id__in={p["programa_id"] for p in pares},
            unidad_id__in={p["unidad_id"] for p in pares},
            trimestre__in=trimestres,
        ).values("programa_id", "unidad_id", "trimestre", "estado", "version", "actualizado_en")
    }
    resultado = []
    for p in pares:
        for q in trimestres:
            f = firmas_db.get((p["programa_id"], p["unidad_id"], q), {})
            resultado.append(
                Reporte(
                    programa_id=p["programa_id"],
                    programa_clave=p["programa__clave"],
                    programa_nombre=p["programa__nombre"],
                    unidad_id=p["unidad_id"],
                    unidad_clave=p["unidad__clave"],
                    unidad_nombre=p["unidad__nombre"],
                    ramo_clave=p["unidad__ramo__clave"],
                    trimestre=q,
                    estado=f.get("estado", Estado.BORRADOR),
                    version=f.get("version", 1),
                    actualizado_en=f.get("actualizado_en"),
                )
            )
    return resultado


@dataclass
class Bandeja:
    por_enviar: list[Reporte]  # responsable de la unidad: Borrador, ready or with missing items
    por_revisar: list[Reporte]  # responsable del programa: Enviado
    por_autorizar: list[Reporte]  # responsable del ramo: Revisado
    planeacion: bool
    firmante: bool  # holds at least one signing role


def bandeja(usuario, ejercicio: Ejercicio, *, dia: date | None = None) -> Bandeja:
    """What waits for `usuario`'s signature in `ejercicio`."""
    alcance = alcance_de(usuario)
    trimestres = trimestres_iniciados(ejercicio, dia)
    por_enviar: list[Reporte] = []
    if alcance.responsable_unidad and trimestres:
        reportes = [
            r
            for r in _reportes(
                _pares(Q(unidad__in=alcance.responsable_unidad), ejercicio), trimestres
            )
            if r.estado == Estado.BORRADOR
        ]
        for q in trimestres:
            del_trimestre = [r for r in reportes if r.trimestre == q]
            faltantes = faltantes_por_par(
                [(r.programa_id, r.unidad_id) for r in del_trimestre],
                ejercicio=ejercicio,
                trimestre=q,
                dia=dia,
            )
            for r in del_trimestre:
                r.faltantes = faltantes.get((r.programa_id, r.unidad_id), [])
                r.acciones = [EventoFirma.Accion.ENVIAR] if r.listo else []
        por_enviar = reportes
    por_revisar: list[Reporte] = []
    if alcance.responsable_programa:
        por_revisar = [
            r
            for r in _reportes(
                _pares(Q(programa__in=alcance.responsable_programa), ejercicio), [1, 2, 3, 4]
            )
            if r.estado == Estado.ENVIADO
        ]
        for r in por_revisar:
            r.acciones = [EventoFirma.Accion.REVISAR, EventoFirma.Accion.DEVOLVER]
    por_autorizar: list[Reporte] = []
    if alcance.responsable_ramo:
        por_autorizar = [
            r
            for r in _reportes(
                _pares(Q(programa__ramo__in=alcance.responsable_ramo), ejercicio), [1, 2, 3, 4]
            )
            if r.estado == Estado.REVISADO
        ]
        for r in por_autorizar:
            r.acciones = [EventoFirma.Accion.AUTORIZAR, EventoFirma.Accion.DEVOLVER]
    return Bandeja(
        por_enviar=por_enviar,
        por_revisar=por_revisar,
        por_autorizar=por_autorizar,
        planeacion=alcance.planeacion,
        firmante=bool(
            alcance.responsable_unidad or alcance.responsable_programa or alcance.responsable_ramo
        ),
    )


@dataclass
class FilaTablero:
    ramo_clave: str
    programa_clave: str
    programa_nombre: str
    unidad_clave: str
    unidad_nombre: str
    programa_id: int
    unidad_id: int
    trimestres: list[Reporte]


def tablero(
    ejercicio: Ejercicio, *, ramo_id: int | None = None, estado: str = ""
) -> tuple[list[FilaTablero], dict[int, dict[str, int]]]:
    """Every report's state per quarter (rows) and counts per quarter and state (2 queries)."""
    filtro = Q(unidad__ramo_id=ramo_id) if ramo_id else Q()
    pares = _pares(filtro, ejercicio)
    reportes = _reportes(pares, [1, 2, 3, 4])
    conteos = {q: {e: 0 for e in Estado.values} for q in range(1, 5)}
    filas: dict[tuple[int, int], FilaTablero] = {}
    for r in reportes:
        conteos[r.trimestre][r.estado] += 1
        fila = filas.get((r.programa_id, r.unidad_id))
        if fila is None:
            fila = filas[(r.programa_id, r.unidad_id)] = FilaTablero(
                r.ramo_clave, r.programa_clave, r.programa_nombre, r.unidad_clave,
                r.unidad_nombre, r.programa_id, r.unidad_id, [],
            )  # fmt: skip
        fila.trimestres.append(r)
    resultado = list(filas.values())
    if estado:
        resultado = [f for f in resultado if any(r.estado == estado for r in f.trimestres)]
    return resultado, conteos


@dataclass(frozen=True)
class FilaResumen:
    clave: str
    descripcion: str
    unidad_medida: str
    meta_anual: str
    meses: list[tuple[str, str]]  # (P, R) of each month of the quarter, formatted
    porcentaje_trimestral: str
    acumulado_relativo: str
    semaforo: str
    observaciones: str


def resumen(programa: Programa, unidad: UnidadEjecutora, trimestre: int) -> list[FilaResumen]:
    """The figures a reviewer signs: per meta, P/R of the quarter's months and its percentages."""
    ejercicio = programa.ramo.ejercicio
    umbrales = umbrales_de(ejercicio)
    metas = _cargar_metas([(programa.pk, unidad.pk)])[(programa.pk, unidad.pk)]
    textos = {
        pk: (descripcion, medida)
        for pk, descripcion, medida in Meta.objects.filter(
            pk__in=[m.meta_id for m in metas]
        ).values_list("id", "descripcion", "unidad_medida")
    }
    meses = formulas.meses_del_trimestre(trimestre)
    mes_corte = min(ultimo_mes_capturable(ejercicio.anio), 3 * trimestre)
    filas = []
    for m in metas:
        calculo = formulas.calcular_meta(
            m.datos, trimestre=trimestre, mes_corte=mes_corte, umbrales=umbrales
        )
        filas.append(
            FilaResumen(
                clave=m.clave,
                descripcion=textos.get(m.meta_id, ("", ""))[0],
                unidad_medida=textos.get(m.meta_id, ("", ""))[1],
                meta_anual=formatear_numero(calculo.vigencia.meta_anual),
                meses=[
                    (
                        formatear_numero(calculo.meses[k - 1].programado),
                        formatear_numero(calculo.meses[k - 1].realizado),
                    )
                    for k in meses
                ],
                porcentaje_trimestral=formatear_porcentaje(calculo.porcentaje_trimestral, 2),
                acumulado_relativo=formatear_porcentaje(calculo.acumulado_relativo, 2),
                semaforo=calculo.semaforo.value,
                observaciones="\n".join(
                    f"{NOMBRES_MES[k - 1]}: {m.observaciones[k]}"
                    for k in meses
                    if m.observaciones.get(k)
                ),
            )
        )
    return filas
