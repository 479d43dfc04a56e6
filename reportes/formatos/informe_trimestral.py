"""Informe trimestral ejecutivo (issue 15): 2–4 letter pages per ramo or for the municipality.

Page 1 is the tablero in print: achieved vs expected to date, the semáforo distribution and
the progress chart (the same SVG of `reportes.graficas`), the capture and sign-off state
with the deadline, and the year-end projection (`programas.proyeccion`). Page 2 is the
progress by ramo → programa and the monthly trend. From page 3, the metas in rojo with their
justification (the quarter's observaciones) and projection, and the MIR indicators outside
green with theirs. Every figure is the tablero's: `reportes.tablero` over `reporte_datos`
(metas) and `avances.selectors_indicadores.filas_indicadores` (indicators).

It is a PDF only (charts and prose, not a table to consolidate); `ExportadorInforme` has the
interface of `reportes.formatos.Exportador` and is registered beside the official formats,
so the `reporte` command, the Reportes page and the background jobs offer it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from avances.selectors_indicadores import filas_indicadores
from programas import formulas
from programas.models import Ejercicio, Indicador
from programas.proyeccion import proyectar
from reportes import graficas
from reportes.datos import ORDINALES_TRIMESTRE, DatosReporte
from reportes.pdf import pdf_de_html
from reportes.selectors import reporte_datos
from reportes.tablero import ESTADOS_FIRMA, Nodo, Tablero, nodos, tablero_datos
from reportes.tablero_indicadores import ETIQUETAS, explicar_semaforo_indicador, resumir
from reportes.verificable import MARCA_BORRADOR

if TYPE_CHECKING:
    from reportes.formatos import Parametros

IDENTIFICADOR = "informe-trimestral"
LIMITE_ROJAS = 20  # metas in rojo listed; the rest are counted (the tablero lists them all)
LIMITE_INDICADORES = 10
MAXIMO_FILAS_AVANCE = 36  # ramo + programa rows that fit the page with the monthly trend
FUERA_DEL_VERDE = ("rojo", "nd", "sin_captura", "amarillo")


@dataclass
class FilaAvance:
    """A row of the progress table: a ramo (with its programas below) or a programa."""

    nivel: str  # "ramo" / "programa"
    nodo: Nodo

    @property
    def semaforos(self) -> list[int]:
        otros = sum(
            n for m, n in self.nodo.semaforos.items() if m not in ("verde", "amarillo", "rojo")
        )
        return [self.nodo.semaforos.get(m, 0) for m in ("verde", "amarillo", "rojo")] + [otros]


@dataclass
class Proyecciones:
    """How many metas would reach the green floor of their meta anual, per estimate."""

    umbral: Decimal  # verde_min, % of the meta anual
    metas: int  # ascending metas counted (a descending meta's "more" is not better)
    descendentes: int
    al_ritmo: int  # reach the floor at the run rate
    al_ritmo_sin_dato: int  # nothing captured yet: no rhythm
    segun_programado: int  # reach it with what is still programmed


@dataclass
class IndicadorFuera:
    clave: str
    nombre: str
    nivel: str
    programa: str
    marca: str
    marca_texto: str
    explicacion: str
    justificacion: str


@dataclass
class Informe:
    anio: int
    trimestre: int
    periodo: str
    alcance: str  # "Municipio (todos los ramos)" / "Ramo 54 …"
    tablero: Tablero
    avance: list[FilaAvance]
    avance_solo_ramos: bool  # too many programas for one page: see each ramo's informe
    estados: list[tuple[str, int]]
    proyecciones: Proyecciones
    graficas: dict
    indicadores: list[IndicadorFuera] = field(default_factory=list)
    indicadores_total: int = 0
    indicadores_sin_listar: int = 0
    indicadores_por_nivel: list = field(default_factory=list)
    firmado: bool = False

    @property
    def titulo(self) -> str:
        return f"{ORDINALES_TRIMESTRE[self.trimestre]} trimestre {self.anio}"


def _avance(datos: DatosReporte) -> tuple[list[FilaAvance], bool]:
    """Ramo → programa: each ramo's row followed by its programas' (the tablero's nodes);
    only the ramos when that would not fit a page (and True: programas left out)."""
    ramos, _ = nodos(datos, "municipio")
    programas, _ = nodos(datos, "ramo")
    if len(ramos) + len(programas) > MAXIMO_FILAS_AVANCE:
        return [FilaAvance("ramo", ramo) for ramo in ramos], True
    ramo_de = {s.programa_id: s.ramo_id for s in datos.secciones}
    filas = []
    for ramo in ramos:
        filas.append(FilaAvance("ramo", ramo))
        filas += [FilaAvance("programa", p) for p in programas if ramo_de[p.id] == ramo.id]
    return filas, False


def _proyecciones(datos: DatosReporte) -> Proyecciones:
    piso = datos.umbrales.verde_min
    cuenta = Counter()
    for fila in (f for s in datos.secciones for f in s.filas):
        if formulas.Sentido(fila.datos.sentido) is formulas.Sentido.DESCENDENTE:
            cuenta["descendentes"] += 1
            continue
        p = proyectar(fila.datos, corte=datos.mes_corte)
        cuenta["metas"] += 1
        if p.al_ritmo is None:
            cuenta["sin_dato"] += 1
        elif p.porcentaje_al_ritmo.es_numero and p.porcentaje_al_ritmo.valor >= piso:
            cuenta["al_ritmo"] += 1
        pct = p.porcentaje_segun_programado
        cuenta["segun"] += pct.es_numero and pct.valor >= piso
    return Proyecciones(
        umbral=piso,
        metas=cuenta["metas"],
        descendentes=cuenta["descendentes"],
        al_ritmo=cuenta["al_ritmo"],
        al_ritmo_sin_dato=cuenta["sin_dato"],
        segun_programado=cuenta["segun"],
    )


def _indicadores(informe: Informe, params: Parametros) -> None:
    """The scope's MIR indicators: semáforo per level and the ones outside green."""
    consulta = Indicador.objects.filter(programa__ramo__ejercicio__anio=params.anio)
    if params.filtro_alcance is not None:
        consulta = consulta.filter(params.filtro_alcance)
    for campo in ("ramo_id", "programa_id", "unidad_id"):
        valor = getattr(params, campo)
        if valor is not None:
            ruta = "programa__ramo_id" if campo == "ramo_id" else campo
            consulta = consulta.filter(Q(**{ruta: valor}))
    filas = filas_indicadores(consulta, trimestre=params.trimestre)
    if not filas:
        return
    resumen = resumir(filas, limite=len(filas))
    fuera = [i for i in resumen.lista if i.marca in FUERA_DEL_VERDE]
    por_id = {f.indicador.pk: f for f in filas}
    informe.indicadores = [
        IndicadorFuera(
            clave=i.clave,
            nombre=i.nombre,
            nivel=i.nivel_texto,
            programa=i.programa,
            marca=i.marca,
            marca_texto=ETIQUETAS[i.marca],
            explicacion=explicar_semaforo_indicador(por_id[i.indicador_id]),
            justificacion=i.justificacion,
        )
        for i in fuera[:LIMITE_INDICADORES]
    ]
    informe.indicadores_total = len(filas)
    informe.indicadores_sin_listar = max(len(fuera) - LIMITE_INDICADORES, 0)
    informe.indicadores_por_nivel = resumen.filas_tabla
    informe.graficas["indicadores"] = graficas.semaforo_por_nivel(
        [(texto, conteo) for _, texto, conteo in resumen.por_nivel],
        titulo="Semáforo de los indicadores de la MIR por nivel",
        etiquetas=ETIQUETAS,
    )


def _graficas(tablero: Tablero, un_ramo: bool) -> dict:
    hijos = "programa" if un_ramo else "ramo"
    return {
        "semaforo": graficas.distribucion_semaforo(
            dict(tablero.semaforos), titulo="Distribución del semáforo de las metas"
        ),
        "avance": graficas.avance_por_nivel(
            [graficas.Barra(h.etiqueta, h.porcentaje.valor, h.marca) for h in tablero.hijos],
            titulo=f"Logrado contra lo esperado a la fecha, por {hijos}",
        ),
        "tendencia": graficas.tendencia_mensual(
            tablero.programado,
            tablero.realizado,
            titulo="Programado y realizado por mes de las metas de conteo (SUMA)",
        ),
    }


def _alcance(datos: DatosReporte) -> tuple[str, bool]:
    ramos = {(s.ramo_clave, s.ramo_nombre) for s in datos.secciones}
    if len(ramos) == 1:
        clave, nombre = next(iter(ramos))
        return f"Ramo {clave} {nombre}", True
    return "Municipio (todos los ramos de su ámbito)", False


def construir_informe(datos: DatosReporte, params: Parametros) -> Informe:
    """The informe's figures: the tablero of the scope (same functions, same numbers)."""
    alcance, un_ramo = _alcance(datos)
    ejercicio = Ejercicio.objects.only("id", "anio").get(anio=datos.anio)
    tablero = tablero_datos(
        datos,
        nivel="ramo" if un_ramo else "municipio",
        limite_metas=LIMITE_ROJAS,
        ejercicio=ejercicio,
    )
    estados = Counter(u.estado for u in tablero.unidades)
    avance, solo_ramos = _avance(datos)
    informe = Informe(
        anio=datos.anio,
        trimestre=datos.trimestre,
        periodo=datos.periodo,
        alcance=alcance,
        tablero=tablero,
        avance=avance,
        avance_solo_ramos=solo_ramos,
        estados=[(texto, estados.get(estado, 0)) for estado, texto in ESTADOS_FIRMA.items()],
        proyecciones=_proyecciones(datos),
        graficas=_graficas(tablero, un_ramo),
        firmado=datos.firmado,
    )
    _indicadores(informe, params)
    return informe


def html_informe(informe: Informe) -> str:
    return render_to_string(
        "reportes/pdf/informe.html",
        {
            "i": informe,
            "t": informe.tablero,
            "ayuntamiento": settings.POA_AYUNTAMIENTO,
            "marca_borrador": MARCA_BORRADOR,
            "generado": timezone.localtime(),
        },
    )


def _nombre_archivo(informe: Informe, datos: DatosReporte) -> str:
    ramos = {s.ramo_clave for s in datos.secciones}
    sufijo = next(iter(ramos)) if len(ramos) == 1 else "municipio"
    sufijo = sufijo.replace("/", "_").replace(" ", "_")
    return f"informe-trimestral_{informe.anio}_T{informe.trimestre}_{sufijo}.pdf"


@dataclass(frozen=True)
class ExportadorInforme:
    """The informe beside the official formats (same interface as `Exportador`)."""

    identificador: str = IDENTIFICADOR
    nombre: str = "Informe trimestral ejecutivo"
    descripcion: str = (
        "De 2 a 4 páginas por ramo o del municipio: gráficas del tablero, semáforo, avance "
        "por ramo y programa, proyección al cierre y metas e indicadores en rojo con su "
        "justificación. Solo PDF."
    )
    formatos: tuple[str, ...] = ("pdf",)
    con_presupuesto: bool = False

    def datos(self, params: Parametros) -> DatosReporte:
        return reporte_datos(
            anio=params.anio,
            trimestre=params.trimestre,
            ramo_id=params.ramo_id,
            programa_id=params.programa_id,
            unidad_id=params.unidad_id,
            filtro_alcance=params.filtro_alcance,
        )

    def render(
        self, params: Parametros, *, progreso: Callable[[int, int], None] | None = None
    ) -> tuple[str, str, bytes]:
        """Return (filename, content_type, bytes); raises AlcanceVacio like the formats."""
        if params.formato not in self.formatos:
            raise ValueError("El informe trimestral ejecutivo solo se genera en PDF.")
        datos = self.datos(params)
        informe = construir_informe(datos, params)
        contenido = pdf_de_html(html_informe(informe))
        if progreso:
            progreso(1, 1)
        return _nombre_archivo(informe, datos), "application/pdf", contenido


INFORME_TRIMESTRAL = ExportadorInforme()
