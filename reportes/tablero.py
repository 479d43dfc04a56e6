"""The tablero's figures: progress by level, semáforo distribution, capture and sign-off state.

Two steps. `resumir_par` turns the metas of one (programa, unidad) — `FilaMeta`s with their
figures from `programas.formulas`, the same as the official formats — into a `ResumenPar`:
counts, sums and the metas worth listing, nothing that depends on names or on the day.
`armar_tablero` adds the summaries of a selection up to the levels of the drill-down.
`tablero_datos` does both over `reporte_datos`; `reportes.tablero_cache` keeps each
`ResumenPar` in the cache under the version of its own pair's data, so a change in one
unidad recomputes only that unidad. Plain dataclasses; the view adds links and the charts
(`reportes.graficas`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from avances.calendario import fechas_limite, hoy
from avances.models import TrimestreFirma
from programas import formulas
from programas.models import Ejercicio
from programas.numeros import formatear_numero, formatear_porcentaje
from programas.proyeccion import MESES_EN_TEXTO, Proyeccion, proyectar
from reportes.datos import DatosReporte, FilaMeta, llave_clave

CERO = Decimal(0)
ORDEN_SEMAFORO = ("verde", "amarillo", "rojo", "np", "sin_captura", "vacio")
ESTADOS_FIRMA = {
    TrimestreFirma.Estado.BORRADOR: "Por capturar / por enviar",
    TrimestreFirma.Estado.ENVIADO: "Enviado (esperando a Revisó)",
    TrimestreFirma.Estado.REVISADO: "Revisado (esperando a Autorizó)",
    TrimestreFirma.Estado.AUTORIZADO: "Autorizado",
}
NIVELES = ("municipio", "ramo", "programa", "unidad")


@dataclass
class Nodo:
    """One ramo, programa or unidad of the drill-down: achieved vs expected to date."""

    id: int
    clave: str
    nombre: str
    metas: int = 0
    logrado: Decimal = CERO  # Σ realized of SUMA metas, months of the vigencia to the cut
    esperado: Decimal = CERO  # Σ programmed of the same months
    semaforos: Counter = field(default_factory=Counter)
    porcentaje: formulas.Porcentaje = formulas.PORCENTAJE_VACIO
    marca: str = "vacio"

    @property
    def etiqueta(self) -> str:
        return f"{self.clave} {self.nombre}"


@dataclass
class EstadoUnidad:
    """Capture completeness and sign-off state of one (programa, unidad) report."""

    ramo: str
    programa: str
    programa_id: int
    unidad: str
    unidad_id: int
    capturadas: int
    exigibles: int
    estado: str
    estado_texto: str

    @property
    def completitud(self) -> formulas.Porcentaje:
        return formulas.porcentaje(Decimal(self.capturadas), Decimal(self.exigibles))


@dataclass
class MetaTablero:
    """A meta listed on the tablero with its semáforo explained and its projection."""

    meta_id: int
    clave: str
    descripcion: str
    unidad_medida: str
    unidad: str
    marca: str
    cumplimiento: formulas.Porcentaje
    explicacion: str
    proyeccion: Proyeccion
    observaciones: str


@dataclass
class Tablero:
    anio: int
    trimestre: int
    corte: int
    umbrales: formulas.Umbrales
    hijos: list[Nodo]
    total: Nodo
    unidades: list[EstadoUnidad]
    metas: list[MetaTablero]
    metas_sin_listar: int  # metas in rojo beyond the list's limit
    programado: list[Decimal]  # monthly Σ P of the selection's SUMA metas (or of one meta)
    realizado: list[Decimal | None]
    fecha_limite: date
    dias: int  # > 0 days left, < 0 days late
    hasta: int  # last month counted "to date"

    @property
    def en_curso(self) -> bool:
        """Some but not all of the quarter's months are closed (its first month may be open)."""
        return 3 * self.trimestre - 3 <= self.corte < 3 * self.trimestre

    @property
    def por_venir(self) -> bool:
        return self.corte < 3 * self.trimestre - 3

    @property
    def mes_hasta(self) -> str:
        return MESES_EN_TEXTO[self.hasta - 1] if self.hasta else "el inicio del año"

    @property
    def semaforos(self) -> list[tuple[str, int]]:
        return [(m, self.total.semaforos.get(m, 0)) for m in ORDEN_SEMAFORO]


@dataclass(frozen=True)
class Lugar:
    """Where a (programa, unidad) pair sits: its ramo, programa and unidad (ids, claves,
    names), read fresh on every request; the same attribute names as `Seccion`."""

    ramo_id: int
    ramo_clave: str
    ramo_nombre: str
    programa_id: int
    programa_clave: str
    programa_nombre: str
    unidad_id: int
    unidad_clave: str
    unidad_nombre: str

    @property
    def par(self) -> tuple[int, int]:
        return self.programa_id, self.unidad_id

    @property
    def orden(self) -> tuple:
        """Order of the formats: ramo, programa, unidad (by clave)."""
        claves = (self.ramo_clave, self.programa_clave, self.unidad_clave)
        return tuple(llave_clave(c) for c in claves)


@dataclass
class ResumenPar:
    """The tablero's figures of the metas in force of one (programa, unidad) pair.

    What the levels add up (counts and sums to date), the metas worth listing already
    explained and projected, and — with `detalle` — every meta and its monthly series.
    Independent of names, scope and the day (the cut is part of its cache key)."""

    programa_id: int
    unidad_id: int
    metas: int = 0
    semaforos: Counter = field(default_factory=Counter)
    logrado: Decimal = CERO
    esperado: Decimal = CERO
    programado: list[Decimal] = field(default_factory=lambda: [CERO] * 12)  # Σ P of SUMA
    realizado: list[Decimal | None] = field(default_factory=lambda: [None] * 12)  # Σ R of SUMA
    capturadas: int = 0
    exigibles: int = 0
    rojas: list[MetaTablero] = field(default_factory=list)
    todas: list[MetaTablero] | None = None  # with detalle: every meta, in order
    series: dict[int, tuple[list, list]] | None = None  # with detalle: each meta's P and R


def _hasta(trimestre: int, corte: int) -> int:
    """Last month that counts 'to date' for the quarter: its end, or the cut if earlier."""
    return max(min(3 * trimestre, corte), 0)


def _acumular(programado: list, realizado: list, meses) -> None:
    """Add twelve (P, R) pairs to the monthly series; R stays None while none was captured."""
    for i, (p, r) in enumerate(meses):
        programado[i] += p
        if r is not None:
            realizado[i] = (realizado[i] or CERO) + r


def _pr(calculo: formulas.CalculoMeta):
    return ((mes.programado, mes.realizado) for mes in calculo.meses)


def _meta_tablero(fila: FilaMeta, umbrales: formulas.Umbrales, corte: int) -> MetaTablero:
    return MetaTablero(
        meta_id=fila.meta_id,
        clave=fila.clave,
        descripcion=fila.descripcion,
        unidad_medida=fila.unidad_medida,
        unidad="",  # the unidad's clave and name, filled in by `armar_tablero`
        marca=fila.calculo.semaforo.value,
        cumplimiento=fila.calculo.cumplimiento,
        explicacion=explicar_semaforo(fila.calculo, fila.datos.sentido, umbrales),
        proyeccion=proyectar(fila.datos, corte=corte),
        observaciones=fila.observaciones,
    )


def resumir_par(
    par: tuple[int, int],
    filas: list[FilaMeta],
    *,
    trimestre: int,
    corte: int,
    umbrales: formulas.Umbrales,
    detalle: bool = False,
) -> ResumenPar:
    """Add up one pair's metas (`filas`, in the formats' order) for the tablero.

    Logrado/esperado: SUMA metas, months of their vigencia up to the cut; capture: months
    of the quarter up to the cut with something programmed, in force."""
    hasta = _hasta(trimestre, corte)
    primero = 3 * trimestre - 2
    resumen = ResumenPar(programa_id=par[0], unidad_id=par[1], metas=len(filas))
    if detalle:
        resumen.todas, resumen.series = [], {}
    for fila in filas:
        calculo = fila.calculo
        resumen.semaforos[calculo.semaforo.value] += 1
        if fila.datos.tipo is formulas.TipoAcumulacion.SUMA:
            for mes in calculo.meses[calculo.vigencia.mes_inicio - 1 : hasta]:
                resumen.esperado += mes.programado
                resumen.logrado += mes.realizado or CERO
            _acumular(resumen.programado, resumen.realizado, _pr(calculo))
        for mes in calculo.meses[primero - 1 : hasta]:
            if mes.vigente and mes.programado > 0:
                resumen.exigibles += 1
                resumen.capturadas += mes.realizado is not None
        rojo = calculo.semaforo is formulas.Semaforo.ROJO
        meta = _meta_tablero(fila, umbrales, corte) if rojo or detalle else None
        if rojo:
            resumen.rojas.append(meta)
        if detalle:
            resumen.todas.append(meta)
            serie = ([CERO] * 12, [None] * 12)
            _acumular(*serie, _pr(calculo))
            resumen.series[fila.meta_id] = serie
    return resumen


def _cerrar(nodo: Nodo, umbrales: formulas.Umbrales) -> Nodo:
    nodo.porcentaje = formulas.porcentaje(nodo.logrado, nodo.esperado)
    nodo.marca = formulas.semaforo(nodo.porcentaje, umbrales).value
    return nodo


def _llave_hijo(lugar: Lugar, nivel: str) -> tuple[int, str, str]:
    if nivel == "municipio":
        return lugar.ramo_id, lugar.ramo_clave, lugar.ramo_nombre
    if nivel == "ramo":
        return lugar.programa_id, lugar.programa_clave, lugar.programa_nombre
    return lugar.unidad_id, lugar.unidad_clave, lugar.unidad_nombre


def _sumar(nodo: Nodo, resumen: ResumenPar) -> None:
    nodo.metas += resumen.metas
    nodo.semaforos.update(resumen.semaforos)
    nodo.logrado += resumen.logrado
    nodo.esperado += resumen.esperado


Pares = list[tuple[Lugar, ResumenPar]]


def _nodos(pares: Pares, nivel: str, umbrales) -> tuple[list[Nodo], Nodo]:
    """Achieved vs expected to date of each child of `nivel` (ordered by clave) and total."""
    hijos: dict[int, Nodo] = {}
    total = Nodo(id=0, clave="", nombre="Total")
    for lugar, resumen in pares:
        id_, clave, nombre = _llave_hijo(lugar, nivel)
        _sumar(hijos.setdefault(id_, Nodo(id=id_, clave=clave, nombre=nombre)), resumen)
        _sumar(total, resumen)
    hijos_ = sorted((_cerrar(h, umbrales) for h in hijos.values()), key=lambda n: n.clave)
    return hijos_, _cerrar(total, umbrales)


def _lugar(seccion) -> Lugar:
    return Lugar(
        seccion.ramo_id, seccion.ramo_clave, seccion.ramo_nombre,
        seccion.programa_id, seccion.programa_clave, seccion.programa_nombre,
        seccion.unidad_id, seccion.unidad_clave, seccion.unidad_nombre,
    )  # fmt: skip


def _pares(datos: DatosReporte, *, detalle: bool) -> Pares:
    return [
        (
            _lugar(s),
            resumir_par(
                (s.programa_id, s.unidad_id),
                s.filas,
                trimestre=datos.trimestre,
                corte=datos.mes_corte,
                umbrales=datos.umbrales,
                detalle=detalle,
            ),  # fmt: skip
        )
        for s in datos.secciones
    ]


def nodos(datos: DatosReporte, nivel: str) -> tuple[list[Nodo], Nodo]:
    """Achieved vs expected to date of each child of `nivel` (ramos of the municipio,
    programas of a ramo, unidades of a programa) and of the total, ordered by clave; the
    same figures the tablero shows."""
    return _nodos(_pares(datos, detalle=False), nivel, datos.umbrales)


def estados_firma(trimestre: int, pares: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The sign-off state of each (programa, unidad) report of the quarter; one query."""
    return {
        (f["programa_id"], f["unidad_id"]): f["estado"]
        for f in TrimestreFirma.objects.filter(
            trimestre=trimestre,
            programa_id__in={p for p, _ in pares},
            unidad_id__in={u for _, u in pares},
        ).values("programa_id", "unidad_id", "estado")
    }


def _estados(pares: Pares, estados: dict[tuple[int, int], str]) -> list[EstadoUnidad]:
    resultado = []
    for lugar, resumen in pares:
        estado = estados.get(lugar.par, TrimestreFirma.Estado.BORRADOR)
        resultado.append(
            EstadoUnidad(
                ramo=lugar.ramo_clave,
                programa=f"{lugar.programa_clave} {lugar.programa_nombre}",
                programa_id=lugar.programa_id,
                unidad=f"{lugar.unidad_clave} {lugar.unidad_nombre}",
                unidad_id=lugar.unidad_id,
                capturadas=resumen.capturadas,
                exigibles=resumen.exigibles,
                estado=estado,
                estado_texto=ESTADOS_FIRMA[estado],
            )
        )
    return resultado


def explicar_semaforo(calculo: formulas.CalculoMeta, sentido, umbrales) -> str:
    """The semáforo of a meta in words: cumplimiento, the thresholds in force, the formula."""
    u = umbrales
    rangos = (
        f"Verde de {formatear_numero(u.verde_min)} % a {formatear_numero(u.verde_max)} %; "
        f"amarillo de {formatear_numero(u.amarillo_min)} % a menos de "
        f"{formatear_numero(u.verde_min)} % o de más de {formatear_numero(u.verde_max)} % a "
        f"{formatear_numero(u.amarillo_max)} %; rojo fuera de esos rangos."
    )
    descendente = formulas.Sentido(sentido) is formulas.Sentido.DESCENDENTE
    formula = (
        "programado ÷ realizado × 100 (sentido descendente: hacer menos es bueno)"
        if descendente
        else "realizado ÷ programado × 100"
    )
    p, r = calculo.programado_trimestre, calculo.realizado_trimestre
    estado = calculo.cumplimiento.estado
    if estado is formulas.Estado.NP:
        valor = f"N/P: se realizó {formatear_numero(r)} sin nada programado en el trimestre."
    elif estado is formulas.Estado.SIN_CAPTURA:
        valor = "Sin captura: hay meses vencidos con programado y sin realizado."
    elif estado is formulas.Estado.VACIO:
        valor = "Nada programado ni realizado en el trimestre."
    else:
        valor = (
            f"Cumplimiento del trimestre: {formatear_porcentaje(calculo.cumplimiento, 2)} "
            f"(realizado {formatear_numero(r)}, programado {formatear_numero(p)})."
        )
    return f"{valor} Fórmula: {formula}. {rangos}"


def _metas(pares: Pares, *, todas: bool, limite: int) -> tuple[list[MetaTablero], int]:
    """Every meta (one unidad) or the ones in rojo, each explained and projected; and how
    many were left out of the list."""
    lista, total = [], 0
    for lugar, resumen in pares:
        metas = resumen.todas if todas else resumen.rojas
        total += len(metas)
        etiqueta = f"{lugar.unidad_clave} {lugar.unidad_nombre}"
        lista.extend(replace(m, unidad=etiqueta) for m in metas[: max(limite - len(lista), 0)])
    return lista, max(total - limite, 0)


def _tendencia(pares: Pares, meta_id: int | None) -> tuple[list, list]:
    """Monthly Σ P and Σ R of the SUMA metas, or the series of one meta (with detalle)."""
    programado, realizado = [CERO] * 12, [None] * 12
    for _, resumen in pares:
        if meta_id is None:
            _acumular(
                programado, realizado, zip(resumen.programado, resumen.realizado, strict=True)
            )
        elif resumen.series and meta_id in resumen.series:
            return list(resumen.series[meta_id][0]), list(resumen.series[meta_id][1])
    return programado, realizado


def armar_tablero(
    pares: Pares,
    *,
    anio: int,
    trimestre: int,
    corte: int,
    umbrales: formulas.Umbrales,
    nivel: str,
    estados: dict[tuple[int, int], str],
    fecha_limite: date,
    meta_id: int | None = None,
    limite_metas: int = 15,
) -> Tablero:
    """The tablero of a selection from the summaries of its pairs, in the formats' order.

    At the unidad level every meta is listed (the summaries need `detalle`); a trend of one
    meta needs the `detalle` summary of its pair."""
    hasta = _hasta(trimestre, corte)
    hijos, total = _nodos(pares, nivel, umbrales)
    programado, realizado = _tendencia(pares, meta_id)
    unidad = nivel == "unidad"
    metas, sin_listar = _metas(pares, todas=unidad, limite=200 if unidad else limite_metas)
    return Tablero(
        anio=anio,
        trimestre=trimestre,
        corte=corte,
        umbrales=umbrales,
        hijos=hijos,
        total=total,
        unidades=_estados(pares, estados),
        metas=metas,
        metas_sin_listar=sin_listar,
        programado=programado,
        realizado=realizado,
        fecha_limite=fecha_limite,
        dias=(fecha_limite - hoy()).days,
        hasta=hasta,
    )


def tablero_datos(
    datos: DatosReporte,
    *,
    nivel: str,
    meta_id: int | None = None,
    limite_metas: int = 15,
    ejercicio: Ejercicio | None = None,
) -> Tablero:
    """The tablero of one selection (`datos` from `reporte_datos`) at a drill-down level.

    `ejercicio` (the model of `datos.anio`, when the caller has it) spares a query."""
    if ejercicio is None or ejercicio.anio != datos.anio:
        ejercicio = Ejercicio.objects.only("id", "anio").get(anio=datos.anio)
    fecha, _ = fechas_limite(ejercicio)[datos.trimestre]
    pares = _pares(datos, detalle=nivel == "unidad" or meta_id is not None)
    return armar_tablero(
        pares,
        anio=datos.anio,
        trimestre=datos.trimestre,
        corte=datos.mes_corte,
        umbrales=datos.umbrales,
        nivel=nivel,
        estados=estados_firma(datos.trimestre, {lugar.par for lugar, _ in pares}),
        fecha_limite=fecha,
        meta_id=meta_id,
        limite_metas=limite_metas,
    )
