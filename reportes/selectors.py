"""Reads that feed every official format (DOMAIN.md §6): `reportes.datos`, constant queries.

One call gathers a whole scope — a (programa, unidad) pair, a programa, a ramo or the whole
ejercicio — with a fixed number of `.values()` queries, however many metas it holds. Every
figure is computed by `programas.formulas.calcular_meta` / `calcular_totales`; this module
only assembles their inputs and the header and signature data around them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from avances.bloqueo import vigente_en_trimestre
from avances.firma import firmantes_por_par
from avances.insumos import (
    cambios_por_meta,
    datos_meta,
    programados_por_meta,
    realizados_por_meta,
    umbrales_de,
)
from avances.models import TrimestreFirma
from programas import formulas, mir, responsables
from programas.models import (
    Ejercicio,
    Meta,
    Presupuesto,
    Programa,
    Ramo,
    UnidadEjecutora,
)
from reportes.datos import (
    NOMBRES_PERIODO,
    Capitulo,
    DatosReporte,
    FilaMeta,
    Firmante,
    LineaAccion,
    ProgramaInfo,
    Seccion,
    llave_clave,
    llave_codigo,
)


class AlcanceVacio(Exception):
    """The requested scope holds no metas; `mensaje` is shown to the user as is."""

    def __init__(self, mensaje: str):
        super().__init__(mensaje)
        self.mensaje = mensaje


def mes_corte_de(anio: int, dia: date | None = None) -> int:
    """Return the last month of `anio` already over (its capture is due): 0..12."""
    dia = dia or timezone.localdate()
    if anio < dia.year:
        return 12
    if anio > dia.year:
        return 0
    return dia.month - 1


def _firmantes_por_defecto(ramo: dict, programa: dict, unidad: dict) -> list[Firmante]:
    return [
        Firmante(
            "ELABORÓ",
            "RESPONSABLE DE LA UNIDAD EJECUTORA",
            unidad["responsable_nombre"],
            unidad["responsable_cargo"],
        ),
        Firmante(
            "REVISÓ",
            "RESPONSABLE DEL PROGRAMA",
            programa["responsable_nombre"],
            programa["responsable_cargo"],
        ),
        Firmante(
            "AUTORIZÓ",
            "RESPONSABLE DEL RAMO",
            ramo["responsable_nombre"],
            ramo["responsable_cargo"],
        ),
    ]


@dataclass
class _Insumos:
    """The formula inputs of every meta in scope, by meta id (one query each)."""

    programado: dict[int, list[Decimal]]
    realizado: dict[int, list[Decimal | None]]
    observaciones: dict[int, list[str]]  # the reported quarter's, months in order
    cambios: dict[int, list[formulas.CambioVigencia]]
    lineas: dict[int, list[LineaAccion]]


@dataclass
class _Estructura:
    """Programas, unidades and ramos in scope by id, their signed quarters and signers."""

    programas: dict[int, dict]
    unidades: dict[int, dict]
    ramos: dict[int, dict]
    firmas: dict[tuple[int, int], dict]  # AUTORIZADO quarters by (programa, unidad)
    cajas: dict  # signature boxes by (programa, unidad), from the sign-off workflow

    def llave_par(self, par: tuple[int, int]) -> tuple:
        """Order of the formats: ramo, programa, unidad (by clave)."""
        programa = self.programas[par[0]]
        return (
            llave_clave(self.ramos[programa["ramo_id"]]["clave"]),
            llave_clave(programa["clave"]),
            llave_clave(self.unidades[par[1]]["clave"]),
        )


def _ejercicio(anio: int) -> dict:
    ejercicio = (
        Ejercicio.objects.filter(anio=anio)
        .values("id", "anio", "verde_min", "verde_max", "amarillo_min", "amarillo_max")
        .first()
    )
    if ejercicio is None:
        raise AlcanceVacio(f"No existe el ejercicio {anio}.")
    return ejercicio


def _filtro_metas(
    ejercicio_id: int,
    ramo_id: int | None,
    programa_id: int | None,
    unidad_id: int | None,
    filtro_alcance: Q | None,
) -> Q:
    filtro = Q(programa__ramo__ejercicio_id=ejercicio_id)
    if ramo_id is not None:
        filtro &= Q(programa__ramo_id=ramo_id)
    if programa_id is not None:
        filtro &= Q(programa_id=programa_id)
    if unidad_id is not None:
        filtro &= Q(unidad_id=unidad_id)
    if filtro_alcance is not None:
        filtro &= filtro_alcance
    return filtro


def _metas(filtro: Q) -> list[dict]:
    metas = list(
        Meta.objects.filter(filtro).values(
            "id",
            "clave",
            "descripcion",
            "unidad_medida",
            "grupo",
            "orden",
            "meta_anual",
            "mes_inicio",
            "tipo_acumulacion",
            "sentido",
            "programa_id",
            "unidad_id",
        )
    )
    if not metas:
        raise AlcanceVacio("El alcance solicitado no tiene metas en el ejercicio.")
    return metas


def _vigentes(metas: list[dict], insumos: _Insumos, trimestre: int) -> list[dict]:
    """Only the metas in force in the quarter: one starting later is not reported (§3)."""
    vigentes = [
        m
        for m in metas
        if vigente_en_trimestre(
            mes_inicio=m["mes_inicio"],
            cambios=insumos.cambios.get(m["id"], ()),
            trimestre=trimestre,
        )  # fmt: skip
    ]
    if not vigentes:
        raise AlcanceVacio(
            f"Ninguna meta del alcance está vigente en el periodo "
            f"{NOMBRES_PERIODO[trimestre].lower()}: "
            "sus vigencias empiezan después."
        )
    return vigentes


def _insumos(filtro: Q, trimestre: int) -> _Insumos:
    metas_qs = Meta.objects.filter(filtro).values("id")
    programado = programados_por_meta(metas_qs)
    realizados = realizados_por_meta(metas_qs)
    meses_q = formulas.meses_del_trimestre(trimestre)
    observaciones = {
        meta_id: [texto for mes, texto in sorted(por_mes.items()) if mes in meses_q]
        for meta_id, por_mes in realizados.observaciones.items()
    }
    cambios = cambios_por_meta(metas_qs)
    lineas: dict[int, list[LineaAccion]] = defaultdict(list)
    for meta_id, codigo, nombre in Meta.lineas_pmd.through.objects.filter(
        meta__in=metas_qs
    ).values_list("meta_id", "lineapmd__codigo", "lineapmd__nombre"):
        lineas[meta_id].append(LineaAccion(codigo, nombre))
    return _Insumos(programado, realizados.valores, observaciones, cambios, lineas)


def _estructura(metas: list[dict], trimestre: int) -> _Estructura:
    programa_ids = {m["programa_id"] for m in metas}
    unidad_ids = {m["unidad_id"] for m in metas}
    programas = {
        p["id"]: p
        for p in Programa.objects.filter(pk__in=programa_ids).values(
            "id", "clave", "nombre", "ramo_id", "finalidad", "funcion", "subfuncion", "eje",
            "responsable_nombre", "responsable_cargo",
        )
    }  # fmt: skip
    for programa_id, textos in mir.fin_y_proposito(programas).items():
        programas[programa_id].update(textos)
    unidades = {
        u["id"]: u
        for u in UnidadEjecutora.objects.filter(pk__in=unidad_ids).values(
            "id", "clave", "nombre", "responsable_nombre", "responsable_cargo"
        )
    }
    ramos = {
        r["id"]: r
        for r in Ramo.objects.filter(pk__in={p["ramo_id"] for p in programas.values()}).values(
            "id", "clave", "nombre", "responsable_nombre", "responsable_cargo"
        )
    }
    firmas = {
        (f["programa_id"], f["unidad_id"]): f
        for f in TrimestreFirma.objects.filter(
            programa_id__in=programa_ids,
            unidad_id__in=unidad_ids,
            trimestre=trimestre,
            estado=TrimestreFirma.Estado.AUTORIZADO,
        ).values("id", "programa_id", "unidad_id", "snapshot_hash")
    }
    # Responsables in office at the end of the quarter (one query, shared with the boxes),
    # then the signature boxes as the sign-off workflow records them (avances.firma): who
    # signed, with cargo and date, or the responsable in office while a step is unsigned.
    vigencias = responsables.filas_por_puesto(
        ramos=ramos.keys(), programas=programas.keys(), unidades=unidades.keys()
    )
    for nivel, puestos in (("ramo", ramos), ("programa", programas), ("unidad", unidades)):
        for puesto in puestos.values():
            actual = (puesto["responsable_nombre"], puesto["responsable_cargo"])
            lista = responsables.periodos(vigencias.get((nivel, puesto["id"]), []), actual)
            en_oficio = responsables.vigente(lista, responsables.mes_de_cierre(trimestre))
            puesto["responsable_nombre"], puesto["responsable_cargo"] = en_oficio
    cajas = firmantes_por_par(
        {(m["programa_id"], m["unidad_id"]) for m in metas}, trimestre, vigencias=vigencias
    )
    return _Estructura(programas, unidades, ramos, firmas, cajas)


def _filas(
    metas: list[dict],
    insumos: _Insumos,
    *,
    trimestre: int,
    corte: int,
    umbrales: formulas.Umbrales,
) -> list[FilaMeta]:
    """A section's metas in order (orden, clave), each with its computed figures."""
    filas = []
    for meta in sorted(metas, key=lambda m: (m["orden"], llave_clave(m["clave"]))):
        datos = datos_meta(
            meta,
            programado=insumos.programado.get(meta["id"]),
            realizado=insumos.realizado.get(meta["id"]),
            cambios=insumos.cambios.get(meta["id"]),
        )
        calculo = formulas.calcular_meta(
            datos, trimestre=trimestre, mes_corte=corte, umbrales=umbrales
        )
        filas.append(
            FilaMeta(
                meta_id=meta["id"],
                clave=meta["clave"],
                descripcion=meta["descripcion"],
                unidad_medida=meta["unidad_medida"],
                grupo=meta["grupo"],
                orden=meta["orden"],
                lineas=sorted(
                    insumos.lineas.get(meta["id"], []), key=lambda x: llave_codigo(x.codigo)
                ),
                observaciones="\n".join(insumos.observaciones.get(meta["id"], [])),
                datos=datos,
                calculo=calculo,
            )
        )
    return filas


def _seccion(
    par: tuple[int, int], filas: list[FilaMeta], estructura: _Estructura, trimestre: int
) -> Seccion:
    programa = estructura.programas[par[0]]
    unidad = estructura.unidades[par[1]]
    ramo = estructura.ramos[programa["ramo_id"]]
    firma = estructura.firmas.get(par)
    firmas_par = estructura.cajas.get(par)
    if firmas_par is not None:
        firmantes = [
            Firmante(f.rol, f.titulo, f.nombre, f.cargo, f.fecha) for f in firmas_par.firmantes
        ]
    else:
        firmantes = _firmantes_por_defecto(ramo, programa, unidad)
    seccion = Seccion(
        ramo_id=ramo["id"],
        ramo_clave=ramo["clave"],
        ramo_nombre=ramo["nombre"],
        programa_id=programa["id"],
        programa_clave=programa["clave"],
        programa_nombre=programa["nombre"],
        unidad_id=unidad["id"],
        unidad_clave=unidad["clave"],
        unidad_nombre=unidad["nombre"],
        finalidad=programa["finalidad"],
        funcion=programa["funcion"],
        subfuncion=programa["subfuncion"],
        eje=programa["eje"],
        filas=filas,
        firmantes=firmantes,
        firmado=firma is not None,
        snapshot_hash=firma["snapshot_hash"] if firma else "",
        codigo_verificacion=firmas_par.codigo_verificacion if firmas_par else "",
    )
    seccion.totales = formulas.calcular_totales(
        [(f.datos, f.calculo) for f in filas], trimestre=trimestre
    )
    return seccion


def _totales_por_ramo(secciones: list[Seccion], trimestre: int) -> dict[int, formulas.Totales]:
    """The OROMAPAS weighting is over the whole report of each ramo (DOMAIN.md §4).

    Sets each fila's `ponderado` and returns the ramo's totals.
    """
    totales_ramo: dict[int, formulas.Totales] = {}
    por_ramo: dict[int, list[FilaMeta]] = defaultdict(list)
    for seccion in secciones:
        por_ramo[seccion.ramo_id].extend(seccion.filas)
    for ramo_id, filas in por_ramo.items():
        totales = formulas.calcular_totales(
            [(f.datos, f.calculo) for f in filas], trimestre=trimestre
        )
        for fila, ponderado in zip(filas, totales.ponderados, strict=True):
            fila.ponderado = ponderado
        totales_ramo[ramo_id] = totales
    return totales_ramo


def _capitulos(programa_ids: set[int], trimestre: int) -> dict[int, list[Capitulo]]:
    """Each programa's budget by capítulo, with the reported quarter's devengado; one query."""
    capitulos: dict[int, list[Capitulo]] = defaultdict(list)
    devengado = f"devengado_t{trimestre}"
    for p in (
        Presupuesto.objects.filter(programa_id__in=programa_ids)
        .order_by("programa_id", "capitulo")
        .values("programa_id", "capitulo", "descripcion", "autorizado", "modificado", devengado)
    ):
        capitulos[p["programa_id"]].append(
            Capitulo(
                p["capitulo"], p["descripcion"], p["autorizado"], p["modificado"], p[devengado]
            )
        )
    return capitulos


def _programa_info(programa: dict, ramo: dict, capitulos: list[Capitulo]) -> ProgramaInfo:
    return ProgramaInfo(
        programa_id=programa["id"],
        ramo_clave=ramo["clave"],
        ramo_nombre=ramo["nombre"],
        clave=programa["clave"],
        nombre=programa["nombre"],
        finalidad=programa["finalidad"],
        funcion=programa["funcion"],
        subfuncion=programa["subfuncion"],
        eje=programa["eje"],
        fin=programa["fin"],
        proposito=programa["proposito"],
        capitulos=capitulos,
        firmantes=[
            Firmante(
                "", "RESPONSABLE DEL RAMO", ramo["responsable_nombre"], ramo["responsable_cargo"]
            ),
            Firmante(
                "",
                "RESPONSABLE DEL PROGRAMA",
                programa["responsable_nombre"],
                programa["responsable_cargo"],
            ),
        ],
    )


def _programas_info(estructura: _Estructura, trimestre: int) -> list[ProgramaInfo]:
    """Every programa in scope with its budget, ordered by ramo and programa clave."""
    programas, ramos = estructura.programas, estructura.ramos
    capitulos = _capitulos(set(programas), trimestre)
    return [
        _programa_info(programa, ramos[programa["ramo_id"]], capitulos.get(programa["id"], []))
        for programa in sorted(
            programas.values(),
            key=lambda p: (llave_clave(ramos[p["ramo_id"]]["clave"]), llave_clave(p["clave"])),
        )
    ]


def filas_por_par(
    *,
    ejercicio_id: int,
    trimestre: int,
    corte: int,
    umbrales: formulas.Umbrales,
    filtro: Q,
    pares: Collection[tuple[int, int]] | None = None,
) -> Iterator[tuple[tuple[int, int], list[FilaMeta]]]:
    """The metas of `filtro` in force in the quarter, with their figures, by (programa,
    unidad): what `reporte_datos` puts in its sections, without headers, signers or budget
    (the tablero's reader). Only the `pares` asked for (all when None); none when nothing
    is left.

    The inputs are read up front (constant queries); each pair's figures are computed as
    the caller takes them, so only one pair's are alive at a time (3,000 metas' worth at
    once would make the garbage collector sweep the whole heap)."""
    filtro = _filtro_metas(ejercicio_id, None, None, None, filtro)
    try:
        metas = _metas(filtro)
        insumos = _insumos(filtro, trimestre)
        metas = _vigentes(metas, insumos, trimestre)
    except AlcanceVacio:
        return
    por_par: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for meta in metas:
        por_par[(meta["programa_id"], meta["unidad_id"])].append(meta)
    for par, lista in por_par.items():
        if pares is None or par in pares:
            yield par, _filas(lista, insumos, trimestre=trimestre, corte=corte, umbrales=umbrales)


def reporte_datos(
    *,
    anio: int,
    trimestre: int,
    ramo_id: int | None = None,
    programa_id: int | None = None,
    unidad_id: int | None = None,
    filtro_alcance: Q | None = None,
    con_presupuesto: bool = False,
    mes_corte: int | None = None,
) -> DatosReporte:
    """Gather one scope's metas, figures, headers and signers with a constant query count.

    `filtro_alcance` (a Q over Meta, from `programas.scope`) narrows the scope to what the
    requesting user may see. Raises AlcanceVacio when nothing is left.
    """
    if trimestre not in NOMBRES_PERIODO:
        raise AlcanceVacio(f"El trimestre debe ser 1, 2, 3 o 4 (se recibió {trimestre}).")
    ejercicio = _ejercicio(anio)
    umbrales = umbrales_de(ejercicio)
    corte = mes_corte_de(anio) if mes_corte is None else mes_corte
    filtro = _filtro_metas(ejercicio["id"], ramo_id, programa_id, unidad_id, filtro_alcance)
    metas = _metas(filtro)
    insumos = _insumos(filtro, trimestre)
    metas = _vigentes(metas, insumos, trimestre)
    estructura = _estructura(metas, trimestre)

    por_par: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for meta in metas:
        por_par[(meta["programa_id"], meta["unidad_id"])].append(meta)
    secciones = [
        _seccion(
            par,
            _filas(por_par[par], insumos, trimestre=trimestre, corte=corte, umbrales=umbrales),
            estructura,
            trimestre,
        )
        for par in sorted(por_par, key=estructura.llave_par)
    ]
    totales_ramo = _totales_por_ramo(secciones, trimestre)
    return DatosReporte(
        anio=anio,
        trimestre=trimestre,
        mes_corte=corte,
        umbrales=umbrales,
        secciones=secciones,
        programas=_programas_info(estructura, trimestre) if con_presupuesto else [],
        totales_ramo=totales_ramo,
    )


@dataclass(frozen=True)
class AlcanceClaves:
    ramo_id: int | None = None
    programa_id: int | None = None
    unidad_id: int | None = None


def resolver_claves(
    *, anio: int, ramo: str | None = None, programa: str | None = None, unidad: str | None = None
) -> AlcanceClaves:
    """Turn the claves of a ramo and optionally its programa / unidad into ids.

    Raises AlcanceVacio with a Spanish message naming the clave that does not exist.
    """
    if not Ejercicio.objects.filter(anio=anio).exists():
        raise AlcanceVacio(f"No existe el ejercicio {anio}.")
    if ramo is None:
        if programa or unidad:
            raise AlcanceVacio("Para indicar --programa o --unidad indique también --ramo.")
        return AlcanceClaves()
    ramo_id = (
        Ramo.objects.filter(ejercicio__anio=anio, clave=ramo).values_list("id", flat=True).first()
    )
    if ramo_id is None:
        raise AlcanceVacio(f"No existe el ramo «{ramo}» en el ejercicio {anio}.")
    programa_id = unidad_id = None
    if programa is not None:
        programa_id = (
            Programa.objects.filter(ramo_id=ramo_id, clave=programa)
            .values_list("id", flat=True)
            .first()
        )
        if programa_id is None:
            raise AlcanceVacio(f"No existe el programa «{programa}» en el ramo {ramo} ({anio}).")
    if unidad is not None:
        unidad_id = (
            UnidadEjecutora.objects.filter(ramo_id=ramo_id, clave=unidad)
            .values_list("id", flat=True)
            .first()
        )
        if unidad_id is None:
            raise AlcanceVacio(f"No existe la unidad «{unidad}» en el ramo {ramo} ({anio}).")
    return AlcanceClaves(ramo_id, programa_id, unidad_id)
