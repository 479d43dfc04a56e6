"""Reads for the capture screens: plain dataclasses built from values(), constant query count.

Every figure (percentages, semáforo, quarter totals) comes from `programas.formulas`; this
module only gathers the inputs and formats the outputs with `programas.numeros`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, QuerySet

from avances.bloqueo import mapa_autorizados
from avances.calendario import (
    fechas_limite,
    hoy,
    mes_corte,
    meses_cerrados,
    ultimo_mes_capturable,
)
from avances.insumos import cambios_por_meta, datos_meta, umbrales_de
from avances.models import Avance, TrimestreFirma
from programas import formulas
from programas.models import (
    ABREVIATURAS_MES,
    NOMBRES_MES,
    Ejercicio,
    Meta,
    Programado,
    Reprogramacion,
    UnidadEjecutora,
)
from programas.numeros import formatear_numero, formatear_porcentaje

NOMBRES_TRIMESTRE = {
    1: "Enero–Marzo",
    2: "Abril–Junio",
    3: "Julio–Septiembre",
    4: "Octubre–Diciembre",
}
DECIMALES_PORCENTAJE = 2
ETIQUETAS_SEMAFORO = {
    "verde": "Verde",
    "amarillo": "Amarillo",
    "rojo": "Rojo",
    "np": "N/P",
    "sin_captura": "Sin captura",
    "vacio": "—",
}

_CAMPOS_META = (
    "id",
    "clave",
    "descripcion",
    "unidad_medida",
    "meta_anual",
    "mes_inicio",
    "tipo_acumulacion",
    "sentido",
    "orden",
    "programa_id",
    "programa__clave",
    "programa__nombre",
    "unidad_id",
    "unidad__clave",
    "unidad__nombre",
    "unidad__ramo__clave",
    "unidad__ramo__nombre",
)


# --- Figures (the only place that calls the formula module) -------------------------------


def _calcular(
    meta: dict,
    programados: dict[int, Decimal],
    realizados: dict[int, Decimal],
    cambios: list,
    *,
    trimestre: int,
    mes_corte: int,
    umbrales: formulas.Umbrales,
) -> formulas.CalculoMeta:
    datos = datos_meta(
        meta,
        programado=[programados.get(m) or Decimal(0) for m in range(1, 13)],
        realizado=[realizados.get(m) for m in range(1, 13)],
        cambios=cambios,
    )
    return formulas.calcular_meta(
        datos, trimestre=trimestre, mes_corte=mes_corte, umbrales=umbrales
    )


@dataclass
class Figura:
    """A formatted percentage and its semáforo (css class + label)."""

    texto: str
    semaforo: str
    etiqueta: str


def _figura(pct: formulas.Porcentaje, color: formulas.Semaforo) -> Figura:
    return Figura(
        formatear_porcentaje(pct, DECIMALES_PORCENTAJE),
        color.value,
        ETIQUETAS_SEMAFORO.get(color.value, color.value),
    )


def _figura_mes(calculo_mes: formulas.CalculoMes, *, sentido, vencido, umbrales) -> Figura:
    """The month's R / P, coloured by its cumplimiento (which reads the sentido)."""
    c = formulas.cumplimiento(
        calculo_mes.realizado, calculo_mes.programado, sentido, vencido=vencido
    )
    return _figura(calculo_mes.porcentaje, formulas.semaforo(c, umbrales))


# --- Capture grid ------------------------------------------------------------------------


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
    def texto_programado(self) -> str:
        return "" if self.programado is None else formatear_numero(self.programado)

    @property
    def texto_realizado(self) -> str:
        return "" if self.realizado is None else formatear_numero(self.realizado)


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
    enlaces: dict[str, str] = field(default_factory=dict)  # set by the view


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


def rejilla_captura(
    *, unidad: UnidadEjecutora, trimestre: int, puede_capturar: bool, dia: date | None = None
) -> Rejilla:
    """Build the capture grid of one unidad and quarter (constant number of queries)."""
    dia = dia or hoy()
    ejercicio = unidad.ramo.ejercicio
    umbrales = umbrales_de(ejercicio)
    meses_t = formulas.meses_del_trimestre(trimestre)
    ultimo = ultimo_mes_capturable(ejercicio.anio, dia)
    corte = mes_corte(ejercicio.anio, dia)
    cerrados = meses_cerrados(ejercicio.pk)

    metas = list(
        Meta.objects.filter(unidad=unidad)
        .order_by("programa__clave", "orden", "clave", "id")
        .values(*_CAMPOS_META)
    )
    ids = [m["id"] for m in metas]
    programados = _programados(ids)
    cambios = cambios_por_meta(ids)
    avances = defaultdict(dict)
    for a in Avance.objects.filter(meta_id__in=ids).values(
        "meta_id",
        "mes",
        "realizado",
        "observaciones",
        "version",
        "actualizado_en",
        "actualizado_por__username",
        "actualizado_por__first_name",
        "actualizado_por__last_name",
    ):
        avances[a["meta_id"]][a["mes"]] = a
    autorizados = mapa_autorizados({(m["programa_id"], unidad.pk) for m in metas})
    limites = fechas_limite(ejercicio)

    meses = []
    for mes in meses_t:
        motivo = ""
        if mes > ultimo:
            motivo = "Mes futuro"
        elif mes in cerrados:
            motivo = "Periodo cerrado"
        elif not puede_capturar:
            motivo = "Solo lectura"
        meses.append(
            MesRejilla(mes, NOMBRES_MES[mes - 1], ABREVIATURAS_MES[mes - 1], not motivo, motivo)
        )

    grupos: dict[int, GrupoRejilla] = {}
    for meta in metas:
        bloqueado = trimestre in autorizados.get((meta["programa_id"], unidad.pk), set())
        grupo = grupos.get(meta["programa_id"])
        if grupo is None:
            grupo = grupos[meta["programa_id"]] = GrupoRejilla(
                meta["programa_id"], meta["programa__clave"], meta["programa__nombre"], bloqueado
            )
        p_meta = programados.get(meta["id"], {})
        a_meta = avances.get(meta["id"], {})
        r_meta = {mes: a["realizado"] for mes, a in a_meta.items() if a["realizado"] is not None}
        calculo = _calcular(
            meta, p_meta, r_meta, cambios.get(meta["id"], []),
            trimestre=trimestre, mes_corte=corte, umbrales=umbrales,
        )  # fmt: skip
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
                    porcentaje=_figura_mes(
                        calculo.meses[info.numero - 1],
                        sentido=meta["sentido"],
                        vencido=info.numero <= corte,
                        umbrales=umbrales,
                    ),
                    vencido=info.numero <= corte,
                    actualizado_por=_nombre(a, "actualizado_por__") if a else "",
                    actualizado_en=a.get("actualizado_en"),
                )
            )
        grupo.filas.append(
            FilaRejilla(
                meta_id=meta["id"],
                clave=meta["clave"],
                descripcion=meta["descripcion"],
                unidad_medida=meta["unidad_medida"],
                meta_anual=calculo.vigencia.meta_anual,
                tipo_acumulacion=meta["tipo_acumulacion"],
                sentido=meta["sentido"],
                mes_inicio=calculo.vigencia.mes_inicio,
                celdas=celdas,
                programado_trimestre=_texto_numero(calculo.programado_trimestre),
                realizado_trimestre=_texto_numero(calculo.realizado_trimestre),
                trimestre=_figura(calculo.porcentaje_trimestral, calculo.semaforo),
                requiere_justificacion=calculo.requiere_justificacion,
                tiene_observaciones=any(
                    (a_meta.get(m) or {}).get("observaciones") for m in meses_t
                ),
            )
        )
    fecha, configurada = limites[trimestre]
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


def _programados(meta_ids) -> dict[int, dict[int, Decimal]]:
    resultado: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for meta_id, mes, valor in Programado.objects.filter(meta_id__in=meta_ids).values_list(
        "meta_id", "mes", "valor"
    ):
        resultado[meta_id][mes] = valor
    return resultado


def _nombre(fila: dict, prefijo: str) -> str:
    completo = f"{fila.get(prefijo + 'first_name') or ''} {fila.get(prefijo + 'last_name') or ''}"
    return completo.strip() or fila.get(prefijo + "username") or ""


def _texto_numero(valor) -> str:
    return "" if valor is None else formatear_numero(valor)


# --- Inicio / Mis metas ------------------------------------------------------------------


def trimestre_por_omision(ejercicio: Ejercicio, dia: date | None = None) -> int:
    """The current quarter; for a past year the last quarter with captured data (or Q4)."""
    dia = dia or hoy()
    if ejercicio.anio == dia.year:
        return formulas.trimestre_de_mes(dia.month)
    if ejercicio.anio > dia.year:
        return 1
    ultimo_mes = Avance.objects.filter(
        meta__unidad__ramo__ejercicio=ejercicio, realizado__isnull=False
    ).aggregate(m=Max("mes"))["m"]
    return formulas.trimestre_de_mes(ultimo_mes) if ultimo_mes else 4


def metas_inicio(
    *,
    metas: QuerySet[Meta],
    ejercicio: Ejercicio,
    trimestre: int,
    semaforo: str = "",
    dia: date | None = None,
) -> list[dict]:
    """Rows of "Mis metas": this quarter's P, R, %, semáforo and capture status per meta.

    `metas` is already scoped and filtered; the semáforo filter needs the computed figures,
    so it is applied here, in Python, over values() data (queries stay constant).
    """
    dia = dia or hoy()
    umbrales = umbrales_de(ejercicio)
    meses_t = formulas.meses_del_trimestre(trimestre)
    ultimo = ultimo_mes_capturable(ejercicio.anio, dia)
    corte = mes_corte(ejercicio.anio, dia)
    filas_meta = list(
        metas.order_by("unidad__clave", "programa__clave", "orden", "clave").values(*_CAMPOS_META)
    )
    ids = [m["id"] for m in filas_meta]
    programados = _programados(ids)
    cambios = cambios_por_meta(ids)
    realizados: dict[int, dict[int, Decimal]] = defaultdict(dict)
    observadas: set[int] = set()
    for meta_id, mes, realizado, observaciones in Avance.objects.filter(
        meta_id__in=ids
    ).values_list("meta_id", "mes", "realizado", "observaciones"):
        if realizado is not None:
            realizados[meta_id][mes] = realizado
        if observaciones and mes in meses_t:
            observadas.add(meta_id)
    filas = []
    for meta in filas_meta:
        p_meta = programados.get(meta["id"], {})
        r_meta = realizados.get(meta["id"], {})
        calculo = _calcular(
            meta, p_meta, r_meta, cambios.get(meta["id"], []),
            trimestre=trimestre, mes_corte=corte, umbrales=umbrales,
        )  # fmt: skip
        color = calculo.semaforo.value
        if semaforo and color != semaforo:
            continue
        vencidos = [m for m in meses_t if m <= ultimo and (p_meta.get(m) or 0) > 0]
        faltan = [m for m in vencidos if m not in r_meta]
        if not vencidos:
            estado = ("sin_programa", "Sin meses por capturar")
        elif not faltan:
            estado = ("completa", "Completa")
        elif len(faltan) == len(vencidos):
            estado = ("pendiente", "Sin captura")
        else:
            estado = ("parcial", f"Faltan {len(faltan)} de {len(vencidos)} meses")
        filas.append(
            {
                "meta_id": meta["id"],
                "clave": meta["clave"],
                "descripcion": meta["descripcion"],
                "unidad_medida": meta["unidad_medida"],
                "ramo": meta["unidad__ramo__clave"],
                "programa": f"{meta['programa__clave']} {meta['programa__nombre']}",
                "programa_clave": meta["programa__clave"],
                "unidad_id": meta["unidad_id"],
                "unidad": f"{meta['unidad__clave']} {meta['unidad__nombre']}",
                "unidad_clave": meta["unidad__clave"],
                "programado": calculo.programado_trimestre,
                "realizado": calculo.realizado_trimestre,
                "texto_programado": _texto_numero(calculo.programado_trimestre),
                "texto_realizado": _texto_numero(calculo.realizado_trimestre),
                "porcentaje": formatear_porcentaje(
                    calculo.porcentaje_trimestral, DECIMALES_PORCENTAJE
                ),
                "semaforo": color,
                "semaforo_etiqueta": ETIQUETAS_SEMAFORO.get(color, color),
                "estado": estado[0],
                "estado_etiqueta": estado[1],
                "falta_justificacion": calculo.requiere_justificacion
                and meta["id"] not in observadas,
                "trimestre": trimestre,
            }
        )
    return filas


@dataclass
class UnidadAtrasada:
    unidad_id: int
    clave: str
    nombre: str
    ramo: str
    pendientes: int
    esperadas: int
    vencida: bool
    sin_enviar: int


def unidades_atrasadas(
    *,
    ejercicio: Ejercicio,
    trimestre: int,
    dia: date | None = None,
    fecha_limite: date | None = None,
) -> tuple[list[UnidadAtrasada], date]:
    """Unidades with programmed months of the quarter still not captured (for Planeación).

    `vencida` is True once the quarter's deadline has passed. Three queries.
    """
    dia = dia or hoy()
    ultimo = ultimo_mes_capturable(ejercicio.anio, dia)
    meses = [m for m in formulas.meses_del_trimestre(trimestre) if m <= ultimo]
    fecha = fecha_limite or fechas_limite(ejercicio)[trimestre][0]
    if not meses:
        return [], fecha
    esperadas: dict[int, set] = defaultdict(set)
    for meta_id, mes, unidad_id in Programado.objects.filter(
        meta__unidad__ramo__ejercicio=ejercicio, mes__in=meses, valor__gt=0
    ).values_list("meta_id", "mes", "meta__unidad_id"):
        esperadas[unidad_id].add((meta_id, mes))
    capturadas = set(
        Avance.objects.filter(
            meta__unidad__ramo__ejercicio=ejercicio, mes__in=meses, realizado__isnull=False
        ).values_list("meta_id", "mes")
    )
    enviadas = defaultdict(int)
    for unidad_id, estado in TrimestreFirma.objects.filter(
        unidad__ramo__ejercicio=ejercicio, trimestre=trimestre
    ).values_list("unidad_id", "estado"):
        if estado != TrimestreFirma.Estado.BORRADOR:
            enviadas[unidad_id] += 1
    pendientes = {u: len(celdas - capturadas) for u, celdas in esperadas.items()}
    ids = [u for u, n in pendientes.items() if n]
    resultado = []
    for u in (
        UnidadEjecutora.objects.filter(pk__in=ids)
        .values("id", "clave", "nombre", "ramo__clave")
        .order_by("ramo__clave", "clave")
    ):
        resultado.append(
            UnidadAtrasada(
                unidad_id=u["id"],
                clave=u["clave"],
                nombre=u["nombre"],
                ramo=u["ramo__clave"],
                pendientes=pendientes[u["id"]],
                esperadas=len(esperadas[u["id"]]),
                vencida=dia > fecha,
                sin_enviar=0 if enviadas[u["id"]] else 1,
            )
        )
    resultado.sort(key=lambda x: (-x.pendientes, x.ramo, x.clave))
    return resultado, fecha


# --- Historial of a meta -----------------------------------------------------------------


@dataclass
class Cambio:
    fecha: datetime
    usuario: str
    campo: str
    anterior: str
    nuevo: str
    tipo: str  # alta / cambio / baja / motivo


def _texto(valor) -> str:
    if valor is None or valor == "":
        return "—"
    if isinstance(valor, Decimal):
        return formatear_numero(valor)
    return str(valor)


def _cambios_de(registros: list[dict], campos: dict[str, str], etiqueta_objeto) -> list[Cambio]:
    """Diff consecutive history records of each object (records sorted by date)."""
    ultimo: dict[int, dict] = {}
    cambios = []
    for r in registros:
        previo = ultimo.get(r["id"])
        sufijo = etiqueta_objeto(r)
        usuario = _nombre(r, "history_user__") or "sistema"
        if r["history_type"] == "-":
            cambios.append(Cambio(r["history_date"], usuario, f"Eliminado{sufijo}", "", "", "baja"))
            ultimo.pop(r["id"], None)
            continue
        # A change whose creation was never recorded (rows bulk-created before history
        # existed): the old value is unknown, not empty.
        sin_origen = previo is None and r["history_type"] == "~"
        for campo, nombre in campos.items():
            antes = previo.get(campo) if previo else None
            ahora = r.get(campo)
            if previo is None and ahora in (None, "") and not sin_origen:
                continue
            if previo is not None and antes == ahora:
                continue
            cambios.append(
                Cambio(
                    fecha=r["history_date"],
                    usuario=usuario,
                    campo=f"{nombre}{sufijo}",
                    anterior="sin registro previo" if sin_origen else _texto(antes),
                    nuevo=_texto(ahora),
                    tipo="alta" if previo is None and not sin_origen else "cambio",
                )
            )
        ultimo[r["id"]] = r
    return cambios


_HISTORIA = (
    "history_date",
    "history_type",
    "history_id",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
)


def historial_meta(*, meta: Meta) -> list[Cambio]:
    """Every change to meta anual, P, R and observaciones of one meta, newest first (4 queries)."""
    orden = ("history_date", "history_id")
    registros_meta = list(
        Meta.history.filter(id=meta.pk).order_by(*orden).values("id", "meta_anual", *_HISTORIA)
    )
    registros_p = list(
        Programado.history.filter(meta_id=meta.pk)
        .order_by(*orden)
        .values("id", "mes", "valor", *_HISTORIA)
    )
    registros_a = list(
        Avance.history.filter(meta_id=meta.pk)
        .order_by(*orden)
        .values("id", "mes", "realizado", "observaciones", *_HISTORIA)
    )
    cambios = _cambios_de(registros_meta, {"meta_anual": "Meta anual"}, lambda r: "")
    cambios += _cambios_de(
        registros_p, {"valor": "Programado"}, lambda r: f" ({ABREVIATURAS_MES[r['mes'] - 1]})"
    )
    cambios += _cambios_de(
        registros_a,
        {"realizado": "Realizado", "observaciones": "Observaciones"},
        lambda r: f" ({ABREVIATURAS_MES[r['mes'] - 1]})",
    )
    for r in Reprogramacion.objects.filter(meta=meta).values(
        "fecha", "motivo", "tipo", "mes_desde", "usuario__username", "usuario__first_name",
        "usuario__last_name",
    ):  # fmt: skip
        cambios.append(
            Cambio(
                fecha=r["fecha"],
                usuario=_nombre(r, "usuario__") or "sistema",
                campo=f"{Reprogramacion.Tipo(r['tipo']).label} desde "
                f"{NOMBRES_MES[r['mes_desde'] - 1].lower()}",
                anterior="",
                nuevo=r["motivo"],
                tipo="motivo",
            )
        )
    cambios.sort(key=lambda c: c.fecha, reverse=True)
    return cambios
