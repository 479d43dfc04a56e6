"""Reads for the capture screens: plain dataclasses built from values(), constant query count.

Every figure (percentages, semáforo, quarter totals) comes from `programas.formulas`; this
module only gathers the inputs and formats the outputs with `programas.numeros`. It holds the
figure helpers, "Mis metas", the late unidades and a meta's history; the capture grid, which
shares the helpers, is `avances.rejilla`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, QuerySet

from avances.calendario import fechas_limite, hoy, mes_corte, ultimo_mes_capturable
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


def calcular_fila(
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


def figura(pct: formulas.Porcentaje, color: formulas.Semaforo) -> Figura:
    return Figura(
        formatear_porcentaje(pct, DECIMALES_PORCENTAJE),
        color.value,
        ETIQUETAS_SEMAFORO.get(color.value, color.value),
    )


def figura_mes(calculo_mes: formulas.CalculoMes, *, sentido, vencido, umbrales) -> Figura:
    """The month's R / P, coloured by its cumplimiento (which reads the sentido)."""
    c = formulas.cumplimiento(
        calculo_mes.realizado, calculo_mes.programado, sentido, vencido=vencido
    )
    return figura(calculo_mes.porcentaje, formulas.semaforo(c, umbrales))


# --- Shared reads and formatting (also used by `avances.rejilla`) --------------------------


def programados_de_metas(meta_ids) -> dict[int, dict[int, Decimal]]:
    resultado: dict[int, dict[int, Decimal]] = defaultdict(dict)
    filas = Programado.objects.filter(meta_id__in=meta_ids).order_by()  # no join to order
    for meta_id, mes, valor in filas.values_list("meta_id", "mes", "valor"):
        resultado[meta_id][mes] = valor
    return resultado


def nombre_de_usuario(fila: dict, prefijo: str) -> str:
    completo = f"{fila.get(prefijo + 'first_name') or ''} {fila.get(prefijo + 'last_name') or ''}"
    return completo.strip() or fila.get(prefijo + "username") or ""


def texto_numero(valor) -> str:
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
    programados = programados_de_metas(ids)
    cambios = cambios_por_meta(ids)
    realizados, observadas = _realizados_y_observadas(ids, meses_t)
    filas = []
    for meta in filas_meta:
        p_meta = programados.get(meta["id"], {})
        r_meta = realizados.get(meta["id"], {})
        calculo = calcular_fila(
            meta, p_meta, r_meta, cambios.get(meta["id"], []),
            trimestre=trimestre, mes_corte=corte, umbrales=umbrales,
        )  # fmt: skip
        color = calculo.semaforo.value
        if semaforo and color != semaforo:
            continue
        estado = _estado_captura(meses_t, ultimo, p_meta, r_meta)
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
                "texto_programado": texto_numero(calculo.programado_trimestre),
                "texto_realizado": texto_numero(calculo.realizado_trimestre),
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


def _realizados_y_observadas(meta_ids, meses_t) -> tuple[dict[int, dict[int, Decimal]], set[int]]:
    """The captured R of the metas per month, and the metas with observaciones this quarter."""
    realizados: dict[int, dict[int, Decimal]] = defaultdict(dict)
    observadas: set[int] = set()
    for meta_id, mes, realizado, observaciones in Avance.objects.filter(
        meta_id__in=meta_ids
    ).values_list("meta_id", "mes", "realizado", "observaciones"):
        if realizado is not None:
            realizados[meta_id][mes] = realizado
        if observaciones and mes in meses_t:
            observadas.add(meta_id)
    return realizados, observadas


def _estado_captura(meses_t, ultimo: int, p_meta, r_meta) -> tuple[str, str]:
    """(code, label) of a meta's capture this quarter: months already due with P > 0."""
    vencidos = [m for m in meses_t if m <= ultimo and (p_meta.get(m) or 0) > 0]
    faltan = [m for m in vencidos if m not in r_meta]
    if not vencidos:
        return ("sin_programa", "Sin meses por capturar")
    if not faltan:
        return ("completa", "Completa")
    if len(faltan) == len(vencidos):
        return ("pendiente", "Sin captura")
    return ("parcial", f"Faltan {len(faltan)} de {len(vencidos)} meses")


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
        usuario = nombre_de_usuario(r, "history_user__") or "sistema"
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
                usuario=nombre_de_usuario(r, "usuario__") or "sistema",
                campo=f"{Reprogramacion.Tipo(r['tipo']).label} desde "
                f"{NOMBRES_MES[r['mes_desde'] - 1].lower()}",
                anterior="",
                nuevo=r["motivo"],
                tipo="motivo",
            )
        )
    cambios.sort(key=lambda c: c.fecha, reverse=True)
    return cambios
