"""Reads behind the sign-off screens: inbox, per-report panel and Planeación's board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, Subquery
from django.utils import timezone

from avances.calendario import ultimo_mes_capturable
from avances.firma.faltantes import (
    Faltante,
    cargar_metas,
    faltantes_por_par,
    faltantes_por_trimestre,
)
from avances.insumos import umbrales_de
from avances.models import EventoFirma, TrimestreFirma
from programas import formulas
from programas.models import NOMBRES_MES, Ejercicio, Meta, Programa, UnidadEjecutora
from programas.numeros import formatear_numero, formatear_porcentaje
from programas.scope import alcance_de

Estado = TrimestreFirma.Estado
Accion = EventoFirma.Accion


# --- The state in words (one wording for every screen) --------------------------------


@dataclass(frozen=True)
class UltimoEvento:
    """The latest sign-off step of a report: what the wording needs of an `EventoFirma`."""

    accion: str
    nombre: str
    fecha: datetime
    comentario: str = ""

    @classmethod
    def de(cls, evento) -> UltimoEvento | None:
        """From an `EventoFirma` (or None)."""
        if evento is None:
            return None
        return cls(evento.accion, evento.nombre, evento.fecha, evento.comentario)


@dataclass(frozen=True)
class EstadoEnPalabras:
    """How every screen names a report's situation: `clave` (CSS class) and `texto`."""

    clave: str  # por-capturar, listo, enviado, devuelto, revisado, autorizado, reabierto
    texto: str
    estado: str  # TrimestreFirma.Estado
    nombre: str = ""
    fecha: datetime | None = None
    comentario: str = ""

    @property
    def titulo(self) -> str:
        """The text without the comment (for narrow cells; the comment goes in a tooltip)."""
        return self.texto.split(": «", 1)[0]


def _fecha(valor: datetime) -> str:
    return (
        f"{timezone.localtime(valor):%d/%m/%Y}"
        if timezone.is_aware(valor)
        else (f"{valor:%d/%m/%Y}")
    )


def estado_en_palabras(
    estado: str, ultimo: UltimoEvento | None, *, faltantes: list | None = None
) -> EstadoEnPalabras:
    """Name a report's situation from its state and latest step (TrimestreFirma/EventoFirma).

    A draft is "Devuelto por … el …: «…»" after a return, "Reabierto …" after a reopening,
    else "Listo para enviar" when `faltantes` is known and empty and "Por capturar" otherwise.
    """
    if estado == Estado.ENVIADO:
        return EstadoEnPalabras("enviado", "Enviado (esperando a Revisó)", estado)
    if estado == Estado.REVISADO:
        return EstadoEnPalabras("revisado", "Revisado (esperando a Autorizó)", estado)
    if estado == Estado.AUTORIZADO:
        if ultimo is None or ultimo.accion != Accion.AUTORIZAR:
            return EstadoEnPalabras("autorizado", "Autorizado", estado)
        return EstadoEnPalabras(
            "autorizado", f"Autorizado el {_fecha(ultimo.fecha)} por {ultimo.nombre}", estado,
            ultimo.nombre, ultimo.fecha,
        )  # fmt: skip
    if ultimo is not None and ultimo.accion == Accion.DEVOLVER:
        return EstadoEnPalabras(
            "devuelto",
            f"Devuelto por {ultimo.nombre} el {_fecha(ultimo.fecha)}: «{ultimo.comentario}»",
            estado, ultimo.nombre, ultimo.fecha, ultimo.comentario,
        )  # fmt: skip
    if ultimo is not None and ultimo.accion == Accion.REABRIR:
        return EstadoEnPalabras(
            "reabierto",
            f"Reabierto por {ultimo.nombre} el {_fecha(ultimo.fecha)}: «{ultimo.comentario}»",
            estado, ultimo.nombre, ultimo.fecha, ultimo.comentario,
        )  # fmt: skip
    if faltantes is not None and not faltantes:
        return EstadoEnPalabras("listo", "Listo para enviar", estado)
    return EstadoEnPalabras("por-capturar", "Por capturar", estado)


def ultimos_eventos(firma_ids) -> dict[int, UltimoEvento]:
    """The latest step of each TrimestreFirma id (one query)."""
    resultado: dict[int, UltimoEvento] = {}
    for e in (
        EventoFirma.objects.filter(firma_id__in=list(firma_ids))
        .order_by("firma_id", "-fecha", "-id")
        .values("firma_id", "accion", "nombre", "fecha", "comentario")
    ):
        if e["firma_id"] not in resultado:
            resultado[e["firma_id"]] = UltimoEvento(
                e["accion"], e["nombre"], e["fecha"], e["comentario"]
            )
    return resultado


def palabras_por_par(
    pares, *, ejercicio, trimestre: int
) -> dict[tuple[int, int], EstadoEnPalabras]:
    """The state in words of several (programa_id, unidad_id) reports of one quarter.

    For the grid banner and *Mis metas*: the same wording as the inbox and the panel, in a
    constant number of queries (the reports, their latest steps, what is missing).
    """
    pares = set(pares)
    if not pares:
        return {}
    firmas = {
        (f["programa_id"], f["unidad_id"]): f
        for f in TrimestreFirma.objects.filter(
            trimestre=trimestre,
            programa_id__in={p for p, _ in pares},
            unidad_id__in={u for _, u in pares},
        ).values("id", "programa_id", "unidad_id", "estado")
    }
    ultimos = ultimos_eventos(f["id"] for f in firmas.values()) if firmas else {}
    borradores = [
        par
        for par in pares
        if firmas.get(par, {}).get("estado", Estado.BORRADOR) == Estado.BORRADOR
    ]
    faltantes = faltantes_por_par(borradores, ejercicio=ejercicio, trimestre=trimestre)
    resultado = {}
    for par in pares:
        firma = firmas.get(par)
        estado = firma["estado"] if firma else Estado.BORRADOR
        ultimo = ultimos.get(firma["id"]) if firma else None
        resultado[par] = estado_en_palabras(estado, ultimo, faltantes=faltantes.get(par, []))
    return resultado


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
    faltantes: list[Faltante] = field(default_factory=list)
    acciones: list[str] = field(default_factory=list)
    ultimo: UltimoEvento | None = None
    faltantes_conocidos: bool = False  # `faltantes` was computed (else "Por capturar")

    @property
    def estado_display(self) -> str:
        return Estado(self.estado).label

    @property
    def palabras(self) -> EstadoEnPalabras:
        return estado_en_palabras(
            self.estado, self.ultimo, faltantes=self.faltantes if self.faltantes_conocidos else None
        )

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
    """A Reporte per pair and quarter with its state and latest step (2 queries)."""
    firmas_db = {
        (f["programa_id"], f["unidad_id"], f["trimestre"]): f
        for f in TrimestreFirma.objects.filter(
            programa_id__in={p["programa_id"] for p in pares},
            unidad_id__in={p["unidad_id"] for p in pares},
            trimestre__in=trimestres,
        ).values(
            "id", "programa_id", "unidad_id", "trimestre", "estado", "version", "actualizado_en"
        )
    }
    ultimos = ultimos_eventos(f["id"] for f in firmas_db.values()) if firmas_db else {}
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
                    ultimo=ultimos.get(f.get("id")),
                )
            )
    return resultado


def _poner_faltantes(reportes: list[Reporte], ejercicio: Ejercicio, dia) -> None:
    """Fill the missing items of the draft reports of started quarters (5 queries)."""
    iniciados = set(trimestres_iniciados(ejercicio, dia))
    borradores = [r for r in reportes if r.estado == Estado.BORRADOR and r.trimestre in iniciados]
    if not borradores:
        return
    faltantes = faltantes_por_trimestre(
        {(r.programa_id, r.unidad_id) for r in borradores},
        ejercicio=ejercicio,
        trimestres=sorted({r.trimestre for r in borradores}),
        dia=dia,
    )
    for r in borradores:
        r.faltantes = faltantes.get((r.programa_id, r.unidad_id, r.trimestre), [])
        r.faltantes_conocidos = True


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
        _poner_faltantes(reportes, ejercicio, dia)
        for r in reportes:
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


def puede_ver_tablero(usuario) -> bool:
    """Planeación, every signer and Consulta see the board (each within their scope)."""
    a = alcance_de(usuario)
    return bool(
        a.planeacion or a.responsable_unidad or a.responsable_programa or a.responsable_ramo
        or a.consulta_unidad or a.consulta_programa or a.consulta_ramo
    )  # fmt: skip


def tablero(
    ejercicio: Ejercicio,
    *,
    usuario,
    ramo_id: int | None = None,
    estado: str = "",
    dia: date | None = None,
) -> tuple[list[FilaTablero], dict[int, dict[str, int]]]:
    """Every report in `usuario`'s scope: state per quarter and counts per quarter and state."""
    filtro = alcance_de(usuario).q_metas()
    if ramo_id:
        filtro &= Q(unidad__ramo_id=ramo_id)
    pares = _pares(filtro, ejercicio)
    reportes = _reportes(pares, [1, 2, 3, 4])
    _poner_faltantes(reportes, ejercicio, dia)
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


ETIQUETAS_SEMAFORO = {
    "verde": "Verde", "amarillo": "Amarillo", "rojo": "Rojo", "np": "N/P",
    "sin_captura": "Sin captura", "vacio": "—",
}  # fmt: skip


@dataclass(frozen=True)
class FilaResumen:
    """One meta as the TMM-F004 prints it, plus the quarter's % and semáforo."""

    meta_id: int
    clave: str
    descripcion: str
    unidad_medida: str
    meta_anual: str
    trimestres: list[tuple[str, str]]  # (P, A) of Ene-Mar … Oct-Dic; A blank after `trimestre`
    avance_absoluto: str
    acumulado_relativo: str
    porcentaje_trimestral: str
    semaforo: str
    semaforo_texto: str
    observaciones: str


def resumen(programa: Programa, unidad: UnidadEjecutora, trimestre: int) -> list[FilaResumen]:
    """The TMM-F004 a reviewer signs, as figures: per meta, the four quarters' P/A (5 queries)."""
    ejercicio = programa.ramo.ejercicio
    umbrales = umbrales_de(ejercicio)
    metas = cargar_metas([(programa.pk, unidad.pk)])[(programa.pk, unidad.pk)]
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
        c = formulas.calcular_meta(
            m.datos, trimestre=trimestre, mes_corte=mes_corte, umbrales=umbrales
        )
        descripcion, medida = textos.get(m.meta_id, ("", ""))
        filas.append(
            FilaResumen(
                meta_id=m.meta_id, clave=m.clave, descripcion=descripcion, unidad_medida=medida,
                meta_anual=formatear_numero(c.vigencia.meta_anual),
                trimestres=[
                    (
                        formatear_numero(t.programado),
                        formatear_numero(t.realizado) if t.trimestre <= trimestre else "",
                    )
                    for t in c.trimestres
                ],
                avance_absoluto=formatear_numero(c.avance_absoluto),
                acumulado_relativo=formatear_porcentaje(c.acumulado_relativo, 2),
                porcentaje_trimestral=formatear_porcentaje(c.porcentaje_trimestral, 2),
                semaforo=c.semaforo.value,
                semaforo_texto=ETIQUETAS_SEMAFORO.get(c.semaforo.value, ""),
                observaciones="\n".join(
                    f"{NOMBRES_MES[k - 1]}: {m.observaciones[k]}"
                    for k in meses
                    if m.observaciones.get(k)
                ),
            )
        )  # fmt: skip
    return filas


# --- The navigation badge -----------------------------------------------------------------


def pendientes_de_firma(usuario) -> int:
    """How many reports of the latest ejercicio wait for `usuario` (one query; 0 without roles).

    Revisó: sent reports of their programas; Autorizó: reviewed reports of their ramos;
    Elaboró: reports of their unidades returned or reopened (drafts that were signed once).
    """
    a = alcance_de(usuario)
    filtro = Q()
    if a.responsable_programa:
        filtro |= Q(estado=Estado.ENVIADO, programa__in=a.responsable_programa)
    if a.responsable_ramo:
        filtro |= Q(estado=Estado.REVISADO, programa__ramo__in=a.responsable_ramo)
    if a.responsable_unidad:
        filtro |= Q(estado=Estado.BORRADOR, unidad__in=a.responsable_unidad)
    if not filtro:
        return 0
    ultimo = Ejercicio.objects.order_by("-anio").values("pk")[:1]
    return TrimestreFirma.objects.filter(filtro, programa__ramo__ejercicio=Subquery(ultimo)).count()
