"""Portal público de transparencia (no login): authorized quarters only, cached per page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from publico import presentacion
from publico.cache import en_cache
from publico.indicadores import conteo_por_ramo, filas_publicas, leyenda_indicadores
from publico.selectors import (
    NoPublico,
    datos_publicos,
    par_autorizado,
    periodos_publicos,
    resumen_por_ramo,
)
from reportes.formatos import EXPORTADORES, Parametros
from reportes.selectors import AlcanceVacio
from reportes.tablero_indicadores import ETIQUETAS, ORDEN_SEMAFORO_INDICADOR

FORMATO_FIRMADO = "tmm-f004"


def pagina(plantilla: str, contexto: dict) -> str:
    """Render a public page: no user, no session, the same HTML for everybody."""
    contexto = {"POA_AYUNTAMIENTO": settings.POA_AYUNTAMIENTO, **contexto}
    return render_to_string(plantilla, contexto)


def _html(contenido: str) -> HttpResponse:
    respuesta = HttpResponse(contenido)
    respuesta["Cache-Control"] = "no-cache"  # browsers re-ask: a reopened quarter vanishes at once
    return respuesta


@require_GET
def index(request):
    def construir():
        periodos = [
            {"anio": anio, "trimestres": [
                {"numero": t, "nombre": presentacion.NOMBRES_TRIMESTRE[t]} for t in trimestres
            ]}
            for anio, trimestres in periodos_publicos().items()
        ]  # fmt: skip
        return pagina("publico/index.html", {"periodos": periodos})

    return _html(en_cache("index", construir))


def _contar_indicadores(ramos: list[dict], filas) -> None:
    """Add each ramo's public indicators per semáforo mark to its summary row."""
    conteos = conteo_por_ramo(filas)
    for r in ramos:
        conteo = conteos.get(r["id"], {})
        r["indicadores"] = sum(conteo.values())
        r["conteo_indicadores"] = [
            {"clave": m, "etiqueta": ETIQUETAS[m], "n": conteo.get(m, 0)}
            for m in ORDEN_SEMAFORO_INDICADOR
        ]


@require_GET
def trimestre(request, anio: int, trimestre: int):
    def construir():
        datos = datos_publicos(anio=anio, trimestre=trimestre)
        ramos = [
            {"id": r.ramo_id, "clave": r.clave, "nombre": r.nombre, "metas": r.metas,
             "reportes": len(r.secciones), "conteo": presentacion.conteo(r)}
            for r in resumen_por_ramo(datos)
        ]  # fmt: skip
        _contar_indicadores(ramos, filas_publicas(anio=anio, trimestre=trimestre))
        return pagina(
            "publico/trimestre.html",
            {
                "anio": anio,
                "trimestre": trimestre,
                "periodo": presentacion.nombre_periodo(anio, trimestre),
                "ramos": ramos,
                "leyenda": presentacion.leyenda(datos),
                "hay_indicadores": any(r["indicadores"] for r in ramos),
                "leyenda_indicadores": leyenda_indicadores(datos.umbrales),
            },
        )

    return _html(en_cache(f"trimestre:{anio}:{trimestre}", construir))


@require_GET
def ramo(request, anio: int, trimestre: int, ramo_id: int):
    def construir():
        datos = datos_publicos(anio=anio, trimestre=trimestre, ramo_id=ramo_id)
        (resumen,) = resumen_por_ramo(datos)
        indicadores = filas_publicas(anio=anio, trimestre=trimestre, ramo_id=ramo_id)
        return pagina(
            "publico/ramo.html",
            {
                "anio": anio,
                "trimestre": trimestre,
                "periodo": presentacion.nombre_periodo(anio, trimestre),
                "ramo": resumen,
                "programas": presentacion.con_indicadores(
                    presentacion.programas_de(resumen, datos), indicadores
                ),
                "leyenda": presentacion.leyenda(datos),
                "indicadores": len(indicadores),
                "leyenda_indicadores": leyenda_indicadores(datos.umbrales),
            },
        )

    return _html(en_cache(f"ramo:{anio}:{trimestre}:{ramo_id}", construir))


@require_GET
def pdf_firmado(request, anio: int, trimestre: int, programa_id: int, unidad_id: int):
    """The signed TMM-F004 of an authorized (programa, unidad) quarter; 404 otherwise.

    The exporter keeps signed PDFs on disk by their snapshots' hash (reportes.formatos), so
    it is rendered once per authorization.
    """
    if not par_autorizado(
        anio=anio, trimestre=trimestre, programa_id=programa_id, unidad_id=unidad_id
    ):
        raise Http404("Ese reporte no está autorizado o no existe.")
    params = Parametros(
        anio=anio, trimestre=trimestre, formato="pdf", programa_id=programa_id,
        unidad_id=unidad_id,
    )  # fmt: skip
    try:
        nombre, tipo, contenido = EXPORTADORES[FORMATO_FIRMADO].render(params)
    except AlcanceVacio as error:
        raise Http404(error.mensaje) from error
    respuesta = HttpResponse(contenido, content_type=tipo)
    respuesta["Content-Disposition"] = f'inline; filename="{nombre}"'
    return respuesta


__all__ = ["NoPublico", "index", "pdf_firmado", "ramo", "trimestre"]
