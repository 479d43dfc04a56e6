"""Reads that feed every official format (DOMAIN.md §6): plain dataclasses, constant queries.

One call gathers a whole scope — a (programa, unidad) pair, a programa, a ramo or the whole
ejercicio — with a fixed number of `.values()` queries, however many metas it holds. Every
figure is computed by `programas.formulas.calcular_meta` / `calcular_totales`; this module
only assembles their inputs and the header and signature data around them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from avances.firmas import firmantes_por_par
from avances.insumos import (
    cambios_por_meta,
    datos_meta,
    programados_por_meta,
    realizados_por_meta,
    umbrales_de,
)
from avances.models import TrimestreFirma
from programas import formulas
from programas.models import (
    Ejercicio,
    Meta,
    Presupuesto,
    Programa,
    Ramo,
    UnidadEjecutora,
)

NOMBRES_PERIODO = {
    1: "ENERO-MARZO",
    2: "ABRIL-JUNIO",
    3: "JULIO-SEPTIEMBRE",
    4: "OCTUBRE-DICIEMBRE",
}
ORDINALES_TRIMESTRE = {1: "Primer", 2: "Segundo", 3: "Tercer", 4: "Cuarto"}
CERO = Decimal(0)


class AlcanceVacio(Exception):
    """The requested scope holds no metas; `mensaje` is shown to the user as is."""

    def __init__(self, mensaje: str):
        super().__init__(mensaje)
        self.mensaje = mensaje


@dataclass(frozen=True)
class Firmante:
    """One signature box: role label, name and cargo, and the date once signed."""

    rol: str  # ELABORÓ / REVISÓ / AUTORIZÓ
    titulo: str  # RESPONSABLE DE LA UNIDAD EJECUTORA …
    nombre: str
    cargo: str
    fecha: datetime | None = None


@dataclass(frozen=True)
class LineaAccion:
    codigo: str
    nombre: str


@dataclass
class FilaMeta:
    """One meta of a report: its identity, its formula inputs and every computed figure."""

    meta_id: int
    clave: str
    descripcion: str
    unidad_medida: str
    grupo: str
    orden: int
    lineas: list[LineaAccion]
    observaciones: str  # the reported quarter's observaciones, months joined in order
    datos: formulas.DatosMeta
    calculo: formulas.CalculoMeta
    ponderado: formulas.Porcentaje = formulas.PORCENTAJE_VACIO


@dataclass
class Seccion:
    """One (programa, unidad) pair: the unit of a TMM-F004 sheet and of a signed quarter."""

    ramo_id: int
    ramo_clave: str
    ramo_nombre: str
    programa_id: int
    programa_clave: str
    programa_nombre: str
    unidad_id: int
    unidad_clave: str
    unidad_nombre: str
    finalidad: str
    funcion: str
    subfuncion: str
    eje: str
    filas: list[FilaMeta]
    firmantes: list[Firmante]
    firmado: bool  # the quarter is AUTORIZADO for this pair
    snapshot_hash: str
    codigo_verificacion: str = ""
    totales: formulas.Totales | None = None

    @property
    def lineas(self) -> list[LineaAccion]:
        """Every línea de acción used by the section's metas, in code order."""
        vistas: dict[str, LineaAccion] = {}
        for fila in self.filas:
            for linea in fila.lineas:
                vistas.setdefault(linea.codigo, linea)
        return [vistas[c] for c in sorted(vistas, key=_llave_codigo)]


@dataclass
class Capitulo:
    capitulo: str
    descripcion: str
    autorizado: Decimal
    modificado: Decimal | None
    devengado: Decimal | None  # devengado of the reported quarter (t1..t4)


@dataclass
class ProgramaInfo:
    """A programa's identification: MIR narrative, budget and its two signers."""

    programa_id: int
    ramo_clave: str
    ramo_nombre: str
    clave: str
    nombre: str
    finalidad: str
    funcion: str
    subfuncion: str
    eje: str
    fin: str
    proposito: str
    capitulos: list[Capitulo]
    firmantes: list[Firmante]


@dataclass
class DatosReporte:
    """Everything a format needs for one scope and quarter."""

    anio: int
    trimestre: int
    mes_corte: int
    umbrales: formulas.Umbrales
    secciones: list[Seccion]
    programas: list[ProgramaInfo] = field(default_factory=list)
    # Totals per ramo (the OROMAPAS totals row is the whole organismo's).
    totales_ramo: dict[int, formulas.Totales] = field(default_factory=dict)

    @property
    def periodo(self) -> str:
        return f"{NOMBRES_PERIODO[self.trimestre]} {self.anio}"

    @property
    def firmado(self) -> bool:
        """Every section's quarter is AUTORIZADO (the figures can no longer change)."""
        return bool(self.secciones) and all(s.firmado for s in self.secciones)

    def huella_firmada(self) -> str:
        """A key for the signed snapshots of every section ('' unless all are signed)."""
        if not self.firmado:
            return ""
        # The verification code is unique per authorization: a re-signed report with the same
        # figures has new signers, dates and code, so it must not reuse the old PDF.
        base = "|".join(
            f"{s.programa_id}:{s.unidad_id}:{s.snapshot_hash}:{s.codigo_verificacion}"
            for s in self.secciones
        )
        return hashlib.sha256(f"{self.anio}:{self.trimestre}:{base}".encode()).hexdigest()


def _llave_codigo(codigo: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in codigo.replace("-", ".").split("."))


def _llave_linea(linea: LineaAccion) -> tuple:
    return _llave_codigo(linea.codigo)


def _llave_clave(clave: str) -> tuple:
    partes = clave.replace(" ", "").replace("-", ".").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in partes)


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
    ejercicio = (
        Ejercicio.objects.filter(anio=anio)
        .values("id", "anio", "verde_min", "verde_max", "amarillo_min", "amarillo_max")
        .first()
    )
    if ejercicio is None:
        raise AlcanceVacio(f"No existe el ejercicio {anio}.")
    umbrales = umbrales_de(ejercicio)
    corte = mes_corte_de(anio) if mes_corte is None else mes_corte

    filtro = Q(programa__ramo__ejercicio_id=ejercicio["id"])
    if ramo_id is not None:
        filtro &= Q(programa__ramo_id=ramo_id)
    if programa_id is not None:
        filtro &= Q(programa_id=programa_id)
    if unidad_id is not None:
        filtro &= Q(unidad_id=unidad_id)
    if filtro_alcance is not None:
        filtro &= filtro_alcance
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
    metas_qs = Meta.objects.filter(filtro).values("id")

    programado = programados_por_meta(metas_qs)
    realizados = realizados_por_meta(metas_qs)
    realizado = realizados.valores
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

    programa_ids = {m["programa_id"] for m in metas}
    unidad_ids = {m["unidad_id"] for m in metas}
    programas = {
        p["id"]: p
        for p in Programa.objects.filter(pk__in=programa_ids).values(
            "id", "clave", "nombre", "ramo_id", "finalidad", "funcion", "subfuncion", "eje",
            "fin", "proposito", "responsable_nombre", "responsable_cargo",
        )
    }  # fmt: skip
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
    # Signature boxes as the sign-off workflow records them (avances.firmas): who signed,
    # with cargo and date, or the responsable on record while a step is unsigned.
    cajas = firmantes_por_par({(m["programa_id"], m["unidad_id"]) for m in metas}, trimestre)

    # Build the sections in the order of the formats: ramo, programa, unidad, meta.
    por_par: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for meta in metas:
        por_par[(meta["programa_id"], meta["unidad_id"])].append(meta)

    def llave_par(par):
        programa = programas[par[0]]
        return (
            _llave_clave(ramos[programa["ramo_id"]]["clave"]),
            _llave_clave(programa["clave"]),
            _llave_clave(unidades[par[1]]["clave"]),
        )

    secciones: list[Seccion] = []
    for par in sorted(por_par, key=llave_par):
        programa = programas[par[0]]
        unidad = unidades[par[1]]
        ramo = ramos[programa["ramo_id"]]
        filas = []
        for meta in sorted(por_par[par], key=lambda m: (m["orden"], _llave_clave(m["clave"]))):
            datos = datos_meta(
                meta,
                programado=programado.get(meta["id"]),
                realizado=realizado.get(meta["id"]),
                cambios=cambios.get(meta["id"]),
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
                        lineas.get(meta["id"], []), key=lambda x: _llave_codigo(x.codigo)
                    ),
                    observaciones="\n".join(observaciones.get(meta["id"], [])),
                    datos=datos,
                    calculo=calculo,
                )
            )
        firma = firmas.get(par)
        firmas_par = cajas.get(par)
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
        secciones.append(seccion)

    # The OROMAPAS weighting is over the whole report of each ramo (DOMAIN.md §4).
    totales_ramo: dict[int, formulas.Totales] = {}
    por_ramo: dict[int, list[FilaMeta]] = defaultdict(list)
    for seccion in secciones:
        por_ramo[seccion.ramo_id].extend(seccion.filas)
    for ramo_id_, filas in por_ramo.items():
        totales = formulas.calcular_totales(
            [(f.datos, f.calculo) for f in filas], trimestre=trimestre
        )
        for fila, ponderado in zip(filas, totales.ponderados, strict=True):
            fila.ponderado = ponderado
        totales_ramo[ramo_id_] = totales

    info_programas: list[ProgramaInfo] = []
    if con_presupuesto:
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
        for programa in sorted(
            programas.values(),
            key=lambda p: (_llave_clave(ramos[p["ramo_id"]]["clave"]), _llave_clave(p["clave"])),
        ):
            ramo = ramos[programa["ramo_id"]]
            info_programas.append(
                ProgramaInfo(
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
                    capitulos=capitulos.get(programa["id"], []),
                    firmantes=[
                        Firmante(
                            "",
                            "RESPONSABLE DEL RAMO",
                            ramo["responsable_nombre"],
                            ramo["responsable_cargo"],
                        ),
                        Firmante(
                            "",
                            "RESPONSABLE DEL PROGRAMA",
                            programa["responsable_nombre"],
                            programa["responsable_cargo"],
                        ),
                    ],
                )
            )

    return DatosReporte(
        anio=anio,
        trimestre=trimestre,
        mes_corte=corte,
        umbrales=umbrales,
        secciones=secciones,
        programas=info_programas,
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
