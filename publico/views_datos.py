"""Datos abiertos (no login): per ejercicio and quarter, CSV / JSON / XLSX, dictionaries and
the transparency format of fracción IV. Authorized quarters only; cached by public version.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from publico import abiertos
from publico.cache import en_cache
from publico.diccionario import COLUMNAS_METAS, CONJUNTOS
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
        if formato == "json":
            meta = {
                "titulo": titulo,
                "ejercicio": anio,
                "trimestre": trimestre,
                "generado": timezone.now().isoformat(timespec="seconds"),
                "registros": len(filas),
                "licencia": "Datos abiertos: uso libre citando la fuente.",
            }
            return abiertos.json_de(COLUMNAS_METAS, filas, meta)
        return abiertos.xlsx_de(COLUMNAS_METAS, filas, titulo)

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
