"""The official formats' registry: identifier → name, options and `render(params)` (STYLE.md §6).

A plain dict; each exporter builds its `Documento` with its format family's module (one
module per family in this package: `tmm_f004`, `poa_trimestral`, `tesoreria`,
`identificacion`, `cronograma`, over `base` and `comun`) from the shared selector and
writes it as PDF or XLSX. PDFs of quarters whose every sheet is AUTORIZADO never change, so
they are kept on disk under MEDIA_ROOT keyed by the signed snapshots' hash and served again
without rendering.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from reportes.datos import DatosReporte
from reportes.formatos import (
    avance_indicadores,
    cronograma,
    ficha_indicador,
    identificacion,
    indicadores_resultados,
    mir,
    poa_trimestral,
    tesoreria,
    tmm_f004,
)
from reportes.formatos.base import Documento
from reportes.formatos.indice import entradas_indice
from reportes.formatos.informe_trimestral import INFORME_TRIMESTRAL
from reportes.pdf import renderizar_pdf  # imports WeasyPrint once per process
from reportes.selectors import reporte_datos
from reportes.selectors_indicadores import datos_indicadores
from reportes.xlsx import renderizar_xlsx, sin_recoleccion_ciclica

logger = logging.getLogger("poa.reportes")

FORMATOS_ARCHIVO = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Bump when a template or builder changes the look of a format: old cached PDFs are ignored.
VERSION_PLANTILLAS = "6"  # 6: PDF/A-3b signed sheets, table of contents, file numbering
# 5: oficio mensual, hyphenation, signatures kept with the rows


@dataclass(frozen=True)
class Parametros:
    """What to export: ejercicio, quarter, optional scope ids and the file type."""

    anio: int
    trimestre: int
    formato: str = "pdf"
    ramo_id: int | None = None
    programa_id: int | None = None
    unidad_id: int | None = None
    filtro_alcance: Q | None = None  # the requesting user's scope (programas.scope)
    workers: int | None = None


@dataclass(frozen=True)
class Exportador:
    identificador: str
    nombre: str
    descripcion: str
    construir: Callable[[DatosReporte], Documento]
    con_presupuesto: bool = False
    formatos: tuple[str, ...] = ("pdf", "xlsx")

    def datos(self, params: Parametros) -> DatosReporte:
        return reporte_datos(
            anio=params.anio,
            trimestre=params.trimestre,
            ramo_id=params.ramo_id,
            programa_id=params.programa_id,
            unidad_id=params.unidad_id,
            filtro_alcance=params.filtro_alcance,
            con_presupuesto=self.con_presupuesto,
        )

    def render(
        self, params: Parametros, *, progreso: Callable[[int, int], None] | None = None
    ) -> tuple[str, str, bytes]:
        """Return (filename, content_type, bytes) of this format for `params`."""
        if params.formato not in self.formatos:
            raise ValueError(f"Formato de archivo no válido: {params.formato}")
        if params.formato == "xlsx":
            with sin_recoleccion_ciclica():
                return self._render(params, progreso)
        return self._render(params, progreso)

    def _render(
        self, params: Parametros, progreso: Callable[[int, int], None] | None
    ) -> tuple[str, str, bytes]:
        datos = self.datos(params)
        huella = datos.huella_firmada() if params.formato == "pdf" else ""
        cache = ruta_firmado(self.identificador, huella) if huella else None
        documento = self.construir(datos)
        nombre = f"{documento.nombre}{_sufijo(datos)}.{params.formato}"
        if cache is not None and cache.is_file():
            logger.info("PDF firmado servido desde %s", cache)
            if progreso:
                progreso(1, 1)
            return nombre, FORMATOS_ARCHIVO["pdf"], cache.read_bytes()
        if params.formato == "pdf":
            contenido = renderizar_pdf(
                documento,
                workers=params.workers,
                progreso=progreso,
                entradas=entradas_indice(documento, datos),
            )
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                temporal = cache.with_suffix(".tmp")
                temporal.write_bytes(contenido)
                temporal.replace(cache)
        else:
            contenido = renderizar_xlsx(
                documento,
                ayuntamiento=settings.POA_AYUNTAMIENTO,
                entradas=entradas_indice(documento, datos),
            )
            if progreso:
                progreso(1, 1)
        return nombre, FORMATOS_ARCHIVO[params.formato], contenido


@dataclass(frozen=True)
class ExportadorIndicadores(Exportador):
    """A MIR format: its data are the scope's indicators (`reportes.selectors_indicadores`)."""

    con_mir: bool = False  # also programas whose MIR has no indicator in scope
    cacheable: bool = True  # False: planning texts outside the signed snapshot

    def datos(self, params: Parametros):
        datos = datos_indicadores(
            anio=params.anio,
            trimestre=params.trimestre,
            ramo_id=params.ramo_id,
            programa_id=params.programa_id,
            unidad_id=params.unidad_id,
            filtro_alcance=params.filtro_alcance,
            con_mir=self.con_mir,
        )
        datos.cacheable = self.cacheable
        return datos


def _sufijo(datos: DatosReporte) -> str:
    secciones = datos.secciones
    ramos = {s.ramo_clave for s in secciones}
    if len(ramos) != 1:
        return "_consolidado"
    partes = [f"_{next(iter(ramos))}"]
    programas = {s.programa_clave for s in secciones}
    unidades = {s.unidad_clave for s in secciones}
    if len(programas) == 1:
        partes.append(next(iter(programas)))
    if len(unidades) == 1:
        partes.append(next(iter(unidades)))
    return "-".join(partes).replace("/", "_").replace(" ", "_")


def ruta_firmado(identificador: str, huella: str) -> Path:
    # The signed sheets print the verification URL: a new POA_URL_BASE needs new files.
    base = hashlib.sha256(settings.POA_URL_BASE.rstrip("/").encode()).hexdigest()[:8]
    return (
        Path(settings.MEDIA_ROOT)
        / "reportes"
        / "firmados"
        / f"{identificador}-v{VERSION_PLANTILLAS}-{base}-{huella}.pdf"
    )


EXPORTADORES: dict[str, Exportador] = {
    e.identificador: e
    for e in (
        Exportador(
            "tmm-f004",
            "TMM-F004 Avance Físico Programático (trimestral)",
            "Por unidad ejecutora y programa: P/A por trimestre, avance absoluto y relativo.",
            tmm_f004.construir_tmm_f004,
        ),
        Exportador(
            "tmm-f004-mensual",
            "TMM-F004 Avance Físico Programático (mensual)",
            "Variante mensual (ENE…DIC) para unidades que programan por mes.",
            tmm_f004.construir_tmm_f004_mensual,
        ),
        Exportador(
            "poa-trimestral",
            "POA trimestral (por áreas, con totales)",
            "Estilo organismo operador: P, R y P/R de cada mes, avance trimestral, anual y "
            "ponderado, con la fila de totales.",
            poa_trimestral.construir_poa_trimestral,
        ),
        Exportador(
            "avance-trimestre",
            "Avance del trimestre (Tesorería)",
            "Por meta: calendarización, metas esperadas por trimestre, línea del PMD y "
            "observaciones.",
            tesoreria.construir_avance_trimestre,
        ),
        Exportador(
            "estimacion-avances",
            "Estimación y avances de acción (Tesorería)",
            "Por acción: 12 meses con PROGRAMADO, REALIZADO y VARIACIÓN.",
            tesoreria.construir_estimacion_avances,
        ),
        Exportador(
            "identificacion-programas",
            "Identificación de programas (Tesorería)",
            "Por programa: FIN y PROPÓSITO de la MIR y presupuesto por capítulo.",
            identificacion.construir_identificacion_programas,
            con_presupuesto=True,
        ),
        Exportador(
            "cronograma",
            "Cronograma POA",
            "Por actividad: meses programados (X), fechas, periodicidad e índice de eficiencia.",
            cronograma.construir_cronograma,
        ),
        ExportadorIndicadores(
            "mir",
            "Matriz de Indicadores para Resultados (MIR)",
            "Por programa: niveles y resumen narrativo, indicadores con método de cálculo, "
            "frecuencia, dimensión y tipo, medios de verificación y supuestos.",
            mir.construir_mir,
            con_mir=True,
            cacheable=False,
        ),
        ExportadorIndicadores(
            "ficha-indicador",
            "Ficha técnica del indicador",
            "Una página por indicador: todos sus datos, línea base, meta, variables, rangos "
            "del semáforo y la tabla por periodo.",
            ficha_indicador.construir_ficha_indicador,
            cacheable=False,
        ),
        ExportadorIndicadores(
            "avance-indicadores",
            "Avance de indicadores (PbRM-08b)",
            "Por indicador: variables del periodo y acumuladas, resultado y meta, cumplimiento, "
            "semáforo y justificación.",
            avance_indicadores.construir_avance_indicadores,
        ),
        ExportadorIndicadores(
            "indicadores-resultados",
            "Indicadores de resultados (transparencia, fr. VI)",
            "Las 20 columnas de la fracción VI del artículo 70 de la Ley General de "
            "Transparencia, un renglón por indicador.",
            indicadores_resultados.construir_indicadores_resultados,
        ),
    )
}
# PDF only, its own layout (charts and prose): same interface as an Exportador.
EXPORTADORES[INFORME_TRIMESTRAL.identificador] = INFORME_TRIMESTRAL  # type: ignore[assignment]
