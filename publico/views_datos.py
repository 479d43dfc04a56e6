"""Datos abiertos (no login): per ejercicio and quarter, CSV / JSON / XLSX, dictionaries and
the transparency format of fracción IV. Authorized quarters only; cached by public version.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from publico import abiertos, abiertos_indicadores
from publico.cache import en_cache
from publico.diccionario import (
    COLUMNAS_FRACCION_V,
    COLUMNAS_FRACCION_VI,
    COLUMNAS_INDICADORES,
    COLUMNAS_METAS,
    COLUMNAS_VARIABLES,
    CONJUNTOS,
)
from publico.indicadores import periodos_con_indicadores
from publico.presentacion import NOMBRES_TRIMESTRE, nombre_periodo
from publico.selectors import datos_publicos, objetivos_de_programas, periodos_publicos
from publico.views import _html, pagina


def _archivo(contenido: bytes, formato: str, nombre: str) -> HttpResponse:
    respuesta = HttpResponse(contenido, content_type=abiertos.TIPOS_ARCHIVO[formato])
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    respuesta["Cache-Control"] = "no-cache"  # browsers re-ask: a reopened quarter vanishes at once
    return respuesta


@require_GET
def index(request):
    def construir():
        periodos = [
            {"anio": anio, "trimestres": [
                {"numero": t, "nombre": NOMBRES_TRIMESTRE[t]} for t in trimestres
            ]}
            for anio, trimestres in periodos_publicos().items()
        ]  # fmt: skip
        conjuntos = [{"clave": k, "titulo": t} for k, (t, _) in CONJUNTOS.items()]
        con_indicadores = periodos_con_indicadores()
        for p in periodos:
            for t in p["trimestres"]:
                t["indicadores"] = (p["anio"], t["numero"]) in con_indicadores
        return pagina("publico/datos.html", {"periodos": periodos, "conjuntos": conjuntos})

    return _html(en_cache("datos", construir))


@require_GET
def diccionario(request, conjunto: str):
    if conjunto not in CONJUNTOS:
        raise Http404("No existe ese conjunto de datos.")
    titulo, columnas = CONJUNTOS[conjunto]
    html = pagina(
        "publico/diccionario.html",
        {"conjunto": conjunto, "titulo": titulo, "columnas": columnas},
    )
    return _html(html)


@require_GET
def diccionario_archivo(request, conjunto: str, formato: str):
    if conjunto not in CONJUNTOS or formato not in ("csv", "json"):
        raise Http404("No existe ese diccionario de datos.")
    contenido = abiertos.diccionario_de(conjunto, formato)
    return _archivo(contenido, formato, f"diccionario-{conjunto}.{formato}")


def _conjunto(columnas, filas: list[dict], formato: str, titulo: str, anio, trimestre) -> bytes:
    """A dataset as CSV (BOM, comma, one header row), JSON (with its dictionary) or XLSX."""
    if formato == "csv":
        return abiertos.csv_de(columnas, filas)
    if formato == "json":
        meta = {
            "titulo": titulo,
            "ejercicio": anio,
            "trimestre": trimestre,
            "generado": timezone.now().isoformat(timespec="seconds"),
            "registros": len(filas),
            "licencia": "Datos abiertos: uso libre citando la fuente.",
        }
        return abiertos.json_de(columnas, filas, meta)
    return abiertos.xlsx_de(columnas, filas, titulo)


@require_GET
def metas(request, anio: int, trimestre: int, formato: str):
    if formato not in abiertos.TIPOS_ARCHIVO:
        raise Http404("Formato no disponible: use csv, json o xlsx.")

    def construir() -> bytes:
        datos = datos_publicos(anio=anio, trimestre=trimestre)
        filas = abiertos.filas_metas(datos)
        titulo = f"Avance trimestral de metas, {nombre_periodo(anio, trimestre)}"
        if formato == "csv":
            return abiertos.csv_de(COLUMNAS_METAS, filas)
        return _conjunto(COLUMNAS_METAS, filas, formato, titulo, anio, trimestre)

    contenido = en_cache(f"metas:{anio}:{trimestre}:{formato}", construir)
    return _archivo(contenido, formato, f"metas-{anio}-T{trimestre}.{formato}")


@require_GET
def fraccion_iv(request, anio: int, trimestre: int):
    def construir() -> bytes:
        datos = datos_publicos(anio=anio, trimestre=trimestre)
        objetivos = objetivos_de_programas({s.programa_id for s in datos.secciones})
        return abiertos.xlsx_fraccion_iv(datos, abiertos.filas_fraccion_iv(datos, objetivos))

    contenido = en_cache(f"fraccion-iv:{anio}:{trimestre}", construir)
    return _archivo(contenido, "xlsx", f"LGT_Art70_FIV_{anio}_T{trimestre}.xlsx")


CONJUNTOS_INDICADORES = {
    "indicadores": (
        "Avance de los indicadores de la MIR",
        COLUMNAS_INDICADORES,
        abiertos_indicadores.filas_indicadores_abiertos,
    ),
    "variables": (
        "Variables de los indicadores de la MIR",
        COLUMNAS_VARIABLES,
        abiertos_indicadores.filas_variables,
    ),
}


@require_GET
def indicadores(request, anio: int, trimestre: int, conjunto: str, formato: str):
    """The quarter's authorized indicators (or their variables) as CSV, JSON or XLSX."""
    if conjunto not in CONJUNTOS_INDICADORES or formato not in abiertos.TIPOS_ARCHIVO:
        raise Http404("Conjunto o formato no disponible: use csv, json o xlsx.")
    nombre, columnas, construir_filas = CONJUNTOS_INDICADORES[conjunto]

    def construir() -> bytes:
        pub = abiertos_indicadores.indicadores_del_trimestre(anio=anio, trimestre=trimestre)
        titulo = f"{nombre}, {nombre_periodo(anio, trimestre)}"
        return _conjunto(columnas, construir_filas(pub), formato, titulo, anio, trimestre)

    contenido = en_cache(f"{conjunto}:{anio}:{trimestre}:{formato}", construir)
    return _archivo(contenido, formato, f"{conjunto}-{anio}-T{trimestre}.{formato}")


FRACCIONES = {
    "v": (
        "Fracción V. Indicadores relacionados con temas de interés público o trascendencia "
        "social (indicadores estratégicos de la MIR: Fin y Propósito)",
        COLUMNAS_FRACCION_V,
        abiertos_indicadores.filas_fraccion_v,
        (10, 14, 14, 45, 40, 16, 45, 40, 18, 14, 18, 14, 14, 14, 14, 35, 30, 14, 14, 50),
    ),
    "vi": (
        "Fracción VI. Indicadores que permitan rendir cuenta de sus objetivos y resultados",
        COLUMNAS_FRACCION_VI,
        abiertos_indicadores.filas_fraccion_vi,
        (10, 14, 14, 35, 45, 40, 16, 45, 40, 18, 14, 18, 14, 14, 14, 14, 35, 30, 14, 50),
    ),
}


def _fraccion(anio: int, trimestre: int, clave: str) -> HttpResponse:
    texto, columnas, construir_filas, anchos = FRACCIONES[clave]

    def construir() -> bytes:
        pub = abiertos_indicadores.indicadores_del_trimestre(anio=anio, trimestre=trimestre)
        return abiertos.xlsx_transparencia(
            anio=anio, trimestre=trimestre, fraccion=texto, columnas=columnas,
            filas=construir_filas(pub), anchos=anchos,
        )  # fmt: skip

    contenido = en_cache(f"fraccion-{clave}:{anio}:{trimestre}", construir)
    nombre = f"LGT_Art70_F{clave.upper()}_{anio}_T{trimestre}.xlsx"
    return _archivo(contenido, "xlsx", nombre)


@require_GET
def fraccion_v(request, anio: int, trimestre: int):
    return _fraccion(anio, trimestre, "v")


@require_GET
def fraccion_vi(request, anio: int, trimestre: int):
    return _fraccion(anio, trimestre, "vi")
