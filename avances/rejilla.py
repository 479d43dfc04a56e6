"""The capture grid of one unidad and quarter: months, cells, rows per meta, groups per programa.

A read like those of `avances.selectors` (values() only, constant query count), whose figure
helpers it shares, so the grid and "Mis metas" always show the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from avances.bloqueo import (
    mapa_autorizados,
    razones_de_bloqueo,
    texto_de_bloqueo,
    vigente_en_trimestre,
)
from avances.calendario import fechas_limite, hoy, mes_corte, meses_cerrados, ultimo_mes_capturable
from avances.insumos import cambios_por_meta, umbrales_de
from avances.models import CAMPOS_CELDA, Avance
from avances.selectors import (
    _CAMPOS_META,
    NOMBRES_TRIMESTRE,
    Figura,
    calcular_fila,
    figura,
    figura_mes,
    nombre_de_usuario,
    programados_de_metas,
    texto_numero,
)
from programas import formulas
from programas.models import ABREVIATURAS_MES, NOMBRES_MES, Ejercicio, Meta, UnidadEjecutora
from programas.numeros import formatear_numero


@dataclass
class MesRejilla:
    numero: int
    nombre: str
    abreviatura: str
    editable: bool
    motivo: str = ""


@dataclass
class CeldaRejilla:
    mes: int
    programado: Decimal | None
    realizado: Decimal | None
    observaciones: str
    version: int
    editable: bool
    motivo: str
    porcentaje: Figura
    vencido: bool = False  # the month has ended: a blank R with P > 0 is "sin captura"
    actualizado_por: str = ""
    actualizado_en: datetime | None = None
    entrada: object = None  # the bound form cell, set by the view for editable cells

    @property
    def abreviatura(self) -> str:
        return ABREVIATURAS_MES[self.mes - 1]

    @property
    def mes_nombre(self) -> str:
        return NOMBRES_MES[self.mes - 1]

    @property
    def texto_programado(self) -> str:
        return "" if self.programado is None else formatear_numero(self.programado)

    @property
    def texto_realizado(self) -> str:
        return "" if self.realizado is None else formatear_numero(self.realizado)

    @property
    def fuera_de_verde(self) -> bool:
        """The month's own figure is off the green band (its observación should justify it)."""
        return self.porcentaje.semaforo in ("amarillo", "rojo", "np")


@dataclass
class FilaRejilla:
    meta_id: int
    clave: str
    descripcion: str
    unidad_medida: str
    meta_anual: Decimal
    tipo_acumulacion: str
    sentido: str
    mes_inicio: int
    celdas: list[CeldaRejilla]
    programado_trimestre: str
    realizado_trimestre: str
    trimestre: Figura
    requiere_justificacion: bool
    tiene_observaciones: bool
    abrir_obs: bool = False  # the view opens the observaciones of a row with an error there
    html_celdas: str = ""  # the month cells' markup (set by the view, avances.rejilla_html)

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.celdas)

    @property
    def con_observacion(self) -> int:
        return sum(1 for c in self.celdas if c.observaciones)

    @property
    def tipo_etiqueta(self) -> str:
        return Meta.TipoAcumulacion(self.tipo_acumulacion).label.lower()

    @property
    def texto_meta_anual(self) -> str:
        return formatear_numero(self.meta_anual)

    @property
    def falta_justificacion(self) -> bool:
        return self.requiere_justificacion and not self.tiene_observaciones


@dataclass
class GrupoRejilla:
    programa_id: int
    clave: str
    nombre: str
    autorizado: bool
    filas: list[FilaRejilla] = field(default_factory=list)
    motivo_bloqueo: str = ""  # why and by whom the quarter is locked, in words
    enlaces: dict[str, str] = field(default_factory=dict)  # set by the view
    palabras: object = None  # the report's sign-off state in words (set by the view)


@dataclass
class Rejilla:
    unidad: UnidadEjecutora
    ejercicio: Ejercicio
    trimestre: int
    meses: list[MesRejilla]
    grupos: list[GrupoRejilla]
    puede_capturar: bool
    fecha_limite: date
    fecha_limite_configurada: bool
    umbrales: formulas.Umbrales

    @property
    def nombre_trimestre(self) -> str:
        return NOMBRES_TRIMESTRE[self.trimestre]

    @property
    def filas(self) -> list[FilaRejilla]:
        return [f for g in self.grupos for f in g.filas]

    @property
    def editable(self) -> bool:
        return any(c.editable for f in self.filas for c in f.celdas)

    @property
    def faltan_justificaciones(self) -> list[FilaRejilla]:
        return [f for f in self.filas if f.falta_justificacion]

    def celdas_editables(self) -> list[dict]:
        return [
            {
                "meta_id": f.meta_id,
                "mes": c.mes,
                "realizado": c.realizado,
                "observaciones": c.observaciones,
                "version": c.version,
            }
            for f in self.filas
            for c in f.celdas
            if c.editable
        ]


@dataclass
class EstructuraRejilla:
    """What a row save does not change: the metas in force, their calendar and changes,
    the locks and deadlines. The per-row save reads it once and builds the grid before and
    after the save from it, reading only the avances again."""

    metas: list[dict]
    cambios: dict
    programados: dict
    autorizados: dict
    limites: dict
    cerrados: set


def estructura_rejilla(
    *, unidad: UnidadEjecutora, trimestre: int, meta_ids=None
) -> EstructuraRejilla:
    """Read the grid's structure (constant number of queries); `meta_ids` restricts rows."""
    ejercicio = unidad.ramo.ejercicio
    consulta = Meta.objects.filter(unidad=unidad)
    if meta_ids is not None:
        consulta = consulta.filter(pk__in=meta_ids)
    metas = list(consulta.order_by("programa__clave", "orden", "clave", "id").values(*_CAMPOS_META))
    cambios = cambios_por_meta([m["id"] for m in metas])
    # A meta whose vigencia starts after the quarter is not part of it (DOMAIN.md §3).
    metas = [
        m
        for m in metas
        if vigente_en_trimestre(
            mes_inicio=m["mes_inicio"], cambios=cambios.get(m["id"], ()), trimestre=trimestre
        )
    ]
    return EstructuraRejilla(
        metas=metas,
        cambios=cambios,
        programados=programados_de_metas([m["id"] for m in metas]),
        autorizados=mapa_autorizados({(m["programa_id"], unidad.pk) for m in metas}),
        limites=fechas_limite(ejercicio),
        cerrados=meses_cerrados(ejercicio.pk),
    )


def rejilla_captura(
    *,
    unidad: UnidadEjecutora,
    trimestre: int,
    puede_capturar: bool,
    dia: date | None = None,
    meta_ids=None,
    estructura: EstructuraRejilla | None = None,
) -> Rejilla:
    """Build the capture grid of one unidad and quarter (constant number of queries).

    `meta_ids` restricts it to some rows (the per-row save reads only the row it saved);
    with `estructura` (read by `estructura_rejilla`) only the avances are read.
    """
    dia = dia or hoy()
    ejercicio = unidad.ramo.ejercicio
    umbrales = umbrales_de(ejercicio)
    meses_t = formulas.meses_del_trimestre(trimestre)
    ultimo = ultimo_mes_capturable(ejercicio.anio, dia)
    corte = mes_corte(ejercicio.anio, dia)
    if estructura is None:
        estructura = estructura_rejilla(unidad=unidad, trimestre=trimestre, meta_ids=meta_ids)
    e = estructura
    avances = _avances_por_meta([m["id"] for m in e.metas])

    meses = _meses_rejilla(
        meses_t, ultimo=ultimo, cerrados=e.cerrados, puede_capturar=puede_capturar
    )
    grupos: dict[int, GrupoRejilla] = {}
    for meta in e.metas:
        bloqueado = trimestre in e.autorizados.get((meta["programa_id"], unidad.pk), set())
        grupo = grupos.get(meta["programa_id"])
        if grupo is None:
            grupo = grupos[meta["programa_id"]] = GrupoRejilla(
                meta["programa_id"], meta["programa__clave"], meta["programa__nombre"], bloqueado
            )
        p_meta = e.programados.get(meta["id"], {})
        a_meta = avances.get(meta["id"], {})
        r_meta = {mes: a["realizado"] for mes, a in a_meta.items() if a["realizado"] is not None}
        calculo = calcular_fila(
            meta, p_meta, r_meta, e.cambios.get(meta["id"], []),
            trimestre=trimestre, mes_corte=corte, umbrales=umbrales,
        )  # fmt: skip
        celdas = _celdas(
            meta, calculo, p_meta, a_meta,
            meses=meses, bloqueado=bloqueado, corte=corte, umbrales=umbrales,
        )  # fmt: skip
        grupo.filas.append(_fila_rejilla(meta, calculo, celdas, a_meta, meses_t=meses_t))
    _motivos_de_bloqueo(grupos.values(), unidad=unidad, trimestre=trimestre)
    fecha, configurada = e.limites[trimestre]
    return Rejilla(
        unidad=unidad,
        ejercicio=ejercicio,
        trimestre=trimestre,
        meses=meses,
        grupos=list(grupos.values()),
        puede_capturar=puede_capturar,
        fecha_limite=fecha,
        fecha_limite_configurada=configurada,
        umbrales=umbrales,
    )


def _motivos_de_bloqueo(grupos, *, unidad, trimestre: int) -> None:
    """Name why and by whom each locked programa's quarter is locked (one query, if any)."""
    bloqueados = [g for g in grupos if g.autorizado]
    razones = razones_de_bloqueo((g.programa_id, unidad.pk, trimestre) for g in bloqueados)
    for grupo in bloqueados:
        grupo.motivo_bloqueo = razones.get((grupo.programa_id, unidad.pk, trimestre)) or (
            texto_de_bloqueo(trimestre, programa=grupo.clave, unidad=unidad.clave)
        )


def _avances_por_meta(meta_ids) -> dict[int, dict[int, dict]]:
    """The stored cells of the metas, {meta_id: {mes: values() row}} (one query)."""
    avances = defaultdict(dict)
    for a in Avance.objects.filter(meta_id__in=meta_ids).order_by().values(*CAMPOS_CELDA):
        avances[a["meta_id"]][a["mes"]] = a
    return avances


def _meses_rejilla(meses_t, *, ultimo: int, cerrados, puede_capturar: bool) -> list[MesRejilla]:
    """The quarter's month columns, each with the reason it cannot be edited (if any)."""
    meses = []
    for mes in meses_t:
        motivo = ""
        if mes > ultimo:
            motivo = "Mes futuro"
        elif mes in cerrados:
            motivo = "Periodo cerrado por Planeación"
        elif not puede_capturar:
            motivo = "Solo lectura"
        meses.append(
            MesRejilla(mes, NOMBRES_MES[mes - 1], ABREVIATURAS_MES[mes - 1], not motivo, motivo)
        )
    return meses


def _celdas(
    meta: dict, calculo, p_meta, a_meta, *, meses, bloqueado: bool, corte: int, umbrales
) -> list[CeldaRejilla]:
    """One cell per month column of a meta; an authorized quarter locks all of them."""
    celdas = []
    for info in meses:
        a = a_meta.get(info.numero, {})
        motivo = "Trimestre autorizado" if bloqueado else info.motivo
        celdas.append(
            CeldaRejilla(
                mes=info.numero,
                programado=p_meta.get(info.numero),
                realizado=a.get("realizado"),
                observaciones=a.get("observaciones", ""),
                version=a.get("version", 0),
                editable=not motivo,
                motivo=motivo,
                porcentaje=figura_mes(
                    calculo.meses[info.numero - 1],
                    sentido=meta["sentido"],
                    vencido=info.numero <= corte,
                    umbrales=umbrales,
                ),
                vencido=info.numero <= corte,
                actualizado_por=nombre_de_usuario(a, "actualizado_por__") if a else "",
                actualizado_en=a.get("actualizado_en"),
            )
        )
    return celdas


def _fila_rejilla(meta: dict, calculo, celdas, a_meta, *, meses_t) -> FilaRejilla:
    """The row of one meta: its cells and the quarter's totals, percentage and semáforo."""
    return FilaRejilla(
        meta_id=meta["id"],
        clave=meta["clave"],
        descripcion=meta["descripcion"],
        unidad_medida=meta["unidad_medida"],
        meta_anual=calculo.vigencia.meta_anual,
        tipo_acumulacion=meta["tipo_acumulacion"],
        sentido=meta["sentido"],
        mes_inicio=calculo.vigencia.mes_inicio,
        celdas=celdas,
        programado_trimestre=texto_numero(calculo.programado_trimestre),
        realizado_trimestre=texto_numero(calculo.realizado_trimestre),
        trimestre=figura(calculo.porcentaje_trimestral, calculo.semaforo),
        requiere_justificacion=calculo.requiere_justificacion,
        tiene_observaciones=any((a_meta.get(m) or {}).get("observaciones") for m in meses_t),
    )
