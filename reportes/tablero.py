"""The tablero's figures: progress by level, semáforo distribution, capture and sign-off state.

Built on `reporte_datos` (the same figures as the official formats, constant queries) plus
one query for the sign-off states and one for the deadlines. Plain dataclasses; the view
adds links and the charts (`reportes.graficas`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from avances.calendario import fechas_limite, hoy
from avances.models import TrimestreFirma
from programas import formulas
from programas.models import Ejercicio
from programas.numeros import formatear_numero, formatear_porcentaje
from programas.proyeccion import MESES_EN_TEXTO, Proyeccion, proyectar
from reportes.datos import DatosReporte, FilaMeta, Seccion

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


def _hasta(trimestre: int, corte: int) -> int:
    """Last month that counts 'to date' for the quarter: its end, or the cut if earlier."""
    return max(min(3 * trimestre, corte), 0)


def _sumar_meta(nodo: Nodo, fila: FilaMeta, hasta: int) -> None:
    calculo = fila.calculo
    nodo.metas += 1
    nodo.semaforos[calculo.semaforo.value] += 1
    if fila.datos.tipo is not formulas.TipoAcumulacion.SUMA:
        return
    inicio = calculo.vigencia.mes_inicio
    for mes in calculo.meses[inicio - 1 : hasta]:
        nodo.esperado += mes.programado
        nodo.logrado += mes.realizado or CERO


def _cerrar(nodo: Nodo, umbrales: formulas.Umbrales) -> Nodo:
    nodo.porcentaje = formulas.porcentaje(nodo.logrado, nodo.esperado)
    nodo.marca = formulas.semaforo(nodo.porcentaje, umbrales).value
    return nodo


def _llave_hijo(seccion: Seccion, nivel: str) -> tuple[int, str, str]:
    if nivel == "municipio":
        return seccion.ramo_id, seccion.ramo_clave, seccion.ramo_nombre
    if nivel == "ramo":
        return seccion.programa_id, seccion.programa_clave, seccion.programa_nombre
    return seccion.unidad_id, seccion.unidad_clave, seccion.unidad_nombre


def _nodos(datos: DatosReporte, nivel: str, hasta: int) -> tuple[list[Nodo], Nodo]:
    hijos: dict[int, Nodo] = {}
    total = Nodo(id=0, clave="", nombre="Total")
    for seccion in datos.secciones:
        id_, clave, nombre = _llave_hijo(seccion, nivel)
        hijo = hijos.setdefault(id_, Nodo(id=id_, clave=clave, nombre=nombre))
        for fila in seccion.filas:
            _sumar_meta(hijo, fila, hasta)
            _sumar_meta(total, fila, hasta)
    return [_cerrar(h, datos.umbrales) for h in hijos.values()], _cerrar(total, datos.umbrales)


def nodos(datos: DatosReporte, nivel: str) -> tuple[list[Nodo], Nodo]:
    """Achieved vs expected to date of each child of `nivel` (ramos of the municipio,
    programas of a ramo, unidades of a programa) and of the total, ordered by clave; the
    same figures the tablero shows."""
    hijos, total = _nodos(datos, nivel, _hasta(datos.trimestre, datos.mes_corte))
    return sorted(hijos, key=lambda n: n.clave), total


def _estados(datos: DatosReporte, hasta: int) -> list[EstadoUnidad]:
    pares = {(s.programa_id, s.unidad_id) for s in datos.secciones}
    estados = {
        (f["programa_id"], f["unidad_id"]): f["estado"]
        for f in TrimestreFirma.objects.filter(
            trimestre=datos.trimestre,
            programa_id__in={p for p, _ in pares},
            unidad_id__in={u for _, u in pares},
        ).values("programa_id", "unidad_id", "estado")
    }
    primero = 3 * datos.trimestre - 2
    resultado = []
    for s in datos.secciones:
        exigibles = capturadas = 0
        for fila in s.filas:
            for mes in fila.calculo.meses[primero - 1 : hasta]:
                if mes.vigente and mes.programado > 0:
                    exigibles += 1
                    capturadas += mes.realizado is not None
        estado = estados.get((s.programa_id, s.unidad_id), TrimestreFirma.Estado.BORRADOR)
        resultado.append(
            EstadoUnidad(
                ramo=s.ramo_clave,
                programa=f"{s.programa_clave} {s.programa_nombre}",
                programa_id=s.programa_id,
                unidad=f"{s.unidad_clave} {s.unidad_nombre}",
                unidad_id=s.unidad_id,
                capturadas=capturadas,
                exigibles=exigibles,
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


def _metas(datos: DatosReporte, *, todas: bool, limite: int) -> tuple[list[MetaTablero], int]:
    """Every meta (one unidad) or the ones in rojo, each explained and projected; and how
    many were left out of the list."""
    filas = [(s, f) for s in datos.secciones for f in s.filas]
    if not todas:
        filas = [(s, f) for s, f in filas if f.calculo.semaforo is formulas.Semaforo.ROJO]
    return [
        MetaTablero(
            meta_id=f.meta_id,
            clave=f.clave,
            descripcion=f.descripcion,
            unidad_medida=f.unidad_medida,
            unidad=f"{s.unidad_clave} {s.unidad_nombre}",
            marca=f.calculo.semaforo.value,
            cumplimiento=f.calculo.cumplimiento,
            explicacion=explicar_semaforo(f.calculo, f.datos.sentido, datos.umbrales),
            proyeccion=proyectar(f.datos, corte=datos.mes_corte),
            observaciones=f.observaciones,
        )
        for s, f in filas[:limite]
    ], max(len(filas) - limite, 0)


def _tendencia(datos: DatosReporte, meta_id: int | None) -> tuple[list, list]:
    programado, realizado = [CERO] * 12, [None] * 12
    for seccion in datos.secciones:
        for fila in seccion.filas:
            if meta_id is not None and fila.meta_id != meta_id:
                continue
            if meta_id is None and fila.datos.tipo is not formulas.TipoAcumulacion.SUMA:
                continue
            for i, mes in enumerate(fila.calculo.meses):
                programado[i] += mes.programado
                if mes.realizado is not None:
                    realizado[i] = (realizado[i] or CERO) + mes.realizado
    return programado, realizado


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
    hasta = _hasta(datos.trimestre, datos.mes_corte)
    hijos, total = _nodos(datos, nivel, hasta)
    if ejercicio is None or ejercicio.anio != datos.anio:
        ejercicio = Ejercicio.objects.only("id", "anio").get(anio=datos.anio)
    fecha, _ = fechas_limite(ejercicio)[datos.trimestre]
    programado, realizado = _tendencia(datos, meta_id)
    metas, sin_listar = _metas(
        datos, todas=nivel == "unidad", limite=200 if nivel == "unidad" else limite_metas
    )
    return Tablero(
        anio=datos.anio,
        trimestre=datos.trimestre,
        corte=datos.mes_corte,
        umbrales=datos.umbrales,
        hijos=sorted(hijos, key=lambda n: n.clave),
        total=total,
        unidades=_estados(datos, hasta),
        metas=metas,
        metas_sin_listar=sin_listar,
        programado=programado,
        realizado=realizado,
        fecha_limite=fecha,
        dias=(fecha - hoy()).days,
        hasta=hasta,
    )
