"""Benchmark of the official formats on a synthetic large POA (printed, not a timed test).

Prints: a unit's quarterly PDF (40 metas) total time vs the bare WeasyPrint render of its
final HTML (target ≤ 1.2×); the consolidated PDF of 30 ramos / 300 unidades / 3,000 metas
in parallel (POA_REPORT_WORKERS processes) vs one process, with pages/s; the consolidated
XLSX time (< 3 s) and peak memory (< 200 MB, tracemalloc); and the query counts. The data
is created inside a transaction that is rolled back, so the database is left as it was.

    DEBUG=1 .venv/bin/python bench/bench_reportes.py [--ramos 30] [--sin-secuencial]
        [--solo-xlsx] [--perfil-xlsx]

The consolidated XLSX is also timed for every format, one line each (cell counts differ:
Estimación y avances writes three rows per meta). Last, the consolidated PDF of a quarter
where every unidad is signed (AUTORIZADO, PDF/A-3b sections): laid out cold, then joined
from the signed sections kept on disk (target < 5 s), side by side in the same run.
`--solo-firmado` measures only that. `--solo-xlsx` measures only the
consolidated XLSX (no PDF, no WeasyPrint); `--perfil-xlsx`
adds a cProfile of it split into building (selector + document) and writing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.xlsx_openpyxl import renderizar_xlsx_openpyxl  # noqa: E402
from programas.models import UnidadEjecutora  # noqa: E402
from reportes.formatos import EXPORTADORES, Parametros  # noqa: E402
from reportes.selectors import AlcanceVacio  # noqa: E402
from reportes.xlsx import renderizar_xlsx, sin_recoleccion_ciclica  # noqa: E402
from tests.apoyo_reportes import poa_sintetico  # noqa: E402

ANIO_UNIDAD, ANIO_GRANDE = 2097, 2098


class Deshacer(Exception):
    pass


def _paginas(contenido: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(contenido)).pages)


def medir_unidad(exportador) -> None:
    import weasyprint

    from reportes import pdf

    unidad = UnidadEjecutora.objects.get(ramo__ejercicio__anio=ANIO_UNIDAD)
    params = Parametros(anio=ANIO_UNIDAD, trimestre=2, formato="pdf", unidad_id=unidad.pk)
    total, bare, dentro = [], [], []
    html = pdf.html_de(exportador.construir(exportador.datos(params)))
    weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()  # warm-up
    original = pdf.pdf_de_html

    def medido(html_final: str, opciones=None) -> bytes:  # WeasyPrint inside the request
        inicio = time.perf_counter()
        contenido = original(html_final, opciones)
        dentro.append(time.perf_counter() - inicio)
        return contenido

    pdf.pdf_de_html = medido
    try:
        for _ in range(5):  # alternate, keep the best of each: the machine's noise is ±20 %
            inicio = time.perf_counter()
            weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
            bare.append(time.perf_counter() - inicio)
            inicio = time.perf_counter()
            with CaptureQueriesContext(connection) as consultas:
                _, _, contenido = exportador.render(params)
            total.append(time.perf_counter() - inicio)
    finally:
        pdf.pdf_de_html = original
    t, b = min(total), min(bare)
    # Per run, everything but WeasyPrint (queries, formulas, document, template): this does
    # not carry WeasyPrint's own run-to-run noise, which dominates the ratio of two minima.
    resto = min(tt - d for tt, d in zip(total, dentro, strict=True))
    print(
        f"PDF de una unidad (40 metas, {_paginas(contenido)} pág.): total {t:.2f} s, "
        f"WeasyPrint solo {b:.2f} s → {t / b:.2f}× (meta ≤ 1.2×); {len(consultas)} consultas"
    )
    print(
        f"  fuera de WeasyPrint (consultas, fórmulas, documento, plantilla): {resto * 1000:.0f} ms"
        f" = {(b + resto) / b:.2f}× del render de WeasyPrint"
    )


def medir_consolidado(exportador, *, secuencial: bool) -> None:
    workers = settings.POA_REPORT_WORKERS
    corridas = [("paralelo", workers)] + ([("un proceso", 1)] if secuencial else [])
    resultados = {}
    for etiqueta, n in corridas:
        inicio = time.perf_counter()
        with CaptureQueriesContext(connection) as consultas:
            _, _, contenido = exportador.render(
                Parametros(anio=ANIO_GRANDE, trimestre=2, formato="pdf", workers=n)
            )
        segundos = time.perf_counter() - inicio
        paginas = _paginas(contenido)
        resultados[etiqueta] = segundos
        print(
            f"PDF consolidado {etiqueta} ({n} proceso(s)): {segundos:.1f} s, {paginas} páginas, "
            f"{paginas / segundos:.1f} pág/s, {len(contenido) / 1e6:.1f} MB, "
            f"{len(consultas)} consultas"
        )
    if len(resultados) == 2:
        print(f"  aceleración: {resultados['un proceso'] / resultados['paralelo']:.2f}×")


def firmar_trimestre(anio: int, trimestre: int) -> int:
    """Authorize every (programa, unidad) of `anio` in `trimestre` with its real snapshot."""
    from avances.firma.huella import snapshot_actual
    from avances.models import TrimestreFirma
    from programas.models import Meta

    pares = sorted(
        set(
            Meta.objects.filter(programa__ramo__ejercicio__anio=anio).values_list(
                "programa_id", "unidad_id"
            )
        )
    )
    firmas = []
    for i, (programa_id, unidad_id) in enumerate(pares):
        snapshot, huella = snapshot_actual(programa_id, unidad_id, trimestre)
        firmas.append(
            TrimestreFirma(
                programa_id=programa_id, unidad_id=unidad_id, trimestre=trimestre,
                estado=TrimestreFirma.Estado.AUTORIZADO, snapshot=snapshot,
                snapshot_hash=huella, codigo_verificacion=f"BENCH{i:05d}",
            )
        )  # fmt: skip
    TrimestreFirma.objects.bulk_create(firmas)
    return len(firmas)


def medir_consolidado_firmado(exportador) -> None:
    """The consolidated PDF of a signed quarter: cold, then from the cached sections."""
    import tempfile

    from reportes.formatos import ruta_firmado

    trimestre = 1
    pares = firmar_trimestre(ANIO_GRANDE, trimestre)
    params = Parametros(anio=ANIO_GRANDE, trimestre=trimestre, formato="pdf")
    media = settings.MEDIA_ROOT
    with tempfile.TemporaryDirectory() as temporal:
        settings.MEDIA_ROOT = temporal
        try:
            tiempos = {}
            for etiqueta in ("en frío", "desde las secciones en caché", "archivo entero en caché"):
                if etiqueta == "desde las secciones en caché":  # keep the sections only
                    huella = exportador.datos(params).huella_firmada()
                    ruta_firmado(exportador.identificador, huella).unlink()
                inicio = time.perf_counter()
                _, _, contenido = exportador.render(params)
                tiempos[etiqueta] = time.perf_counter() - inicio
            guardadas = Path(temporal, "reportes", "secciones").glob("*.pdf")
            secciones = sum(not r.name.endswith(".union.pdf") for r in guardadas)
        finally:
            settings.MEDIA_ROOT = media
    import pypdf

    lector = pypdf.PdfReader(io.BytesIO(contenido))
    xmp = lector.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    pdfa = 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    print(
        f"PDF consolidado de un trimestre firmado ({pares} unidades, {len(lector.pages)} pág., "
        f"{secciones} secciones en caché, PDF/A-3b: {'sí' if pdfa else 'NO'}, "
        f"{len(lector.attachments)} instantáneas adjuntas):"
    )
    frio = tiempos["en frío"]
    for etiqueta, segundos in tiempos.items():
        meta = " (meta < 5 s)" if etiqueta == "desde las secciones en caché" else ""
        veces = f"  ({frio / segundos:.0f}× más rápido)" if segundos != frio else ""
        print(f"  {etiqueta:<30} {segundos:6.2f} s{meta}{veces}")


def medir_xlsx(exportador, *, perfil: bool = False) -> None:
    params = Parametros(anio=ANIO_GRANDE, trimestre=2, formato="xlsx")
    exportador.render(params)  # warm-up: imports, first-use caches
    inicio, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as consultas:
        _, _, contenido = exportador.render(params)
    segundos, cpu = time.perf_counter() - inicio, time.process_time() - cpu
    # Memory in a second run: tracemalloc itself slows Python down several times.
    tracemalloc.start()
    exportador.render(params)
    _, pico = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    hojas = len(openpyxl.load_workbook(io.BytesIO(contenido), read_only=True).sheetnames)
    print(
        f"XLSX consolidado ({hojas} hojas): {segundos:.2f} s (meta < 3 s; CPU {cpu:.2f} s), "
        f"pico de memoria {pico / 2**20:.0f} MB (meta < 200 MB), "
        f"{len(contenido) / 1e6:.1f} MB, {len(consultas)} consultas"
    )
    inicio = time.perf_counter()
    documento = exportador.construir(exportador.datos(params))
    construir = time.perf_counter() - inicio
    inicio = time.perf_counter()
    renderizar_xlsx(documento, ayuntamiento=settings.POA_AYUNTAMIENTO)
    escribir = time.perf_counter() - inicio
    print(f"  datos + documento {construir:.2f} s, escritura XLSX {escribir:.2f} s")
    if perfil:
        perfilador = cProfile.Profile()
        perfilador.enable()
        documento = exportador.construir(exportador.datos(params))
        perfilador.disable()
        print("  cProfile de datos + documento:")
        pstats.Stats(perfilador).sort_stats("cumulative").print_stats(25)
        perfilador = cProfile.Profile()
        perfilador.enable()
        renderizar_xlsx(documento, ayuntamiento=settings.POA_AYUNTAMIENTO)
        perfilador.disable()
        print("  cProfile de la escritura XLSX:")
        pstats.Stats(perfilador).sort_stats("tottime").print_stats(25)


def _mejor_de_dos(funcion) -> float:
    return _mejor_de_dos_con_cpu(funcion)[0]


def _mejor_de_dos_con_cpu(funcion) -> tuple[float, float]:
    """Best (wall, CPU) seconds of two runs; CPU time shows what another load adds."""
    tiempos = []
    for _ in range(2):
        inicio, cpu = time.perf_counter(), time.process_time()
        with sin_recoleccion_ciclica():
            funcion()
        tiempos.append((time.perf_counter() - inicio, time.process_time() - cpu))
    return min(tiempos)


def medir_xlsx_por_formato() -> None:
    """The consolidated XLSX of every format (best of two), one line each.

    Beside the whole render (selector + document + layout + XlsxWriter), the writing alone
    of the same document, layout included, with XlsxWriter (the product) and with openpyxl
    write-only (`bench/xlsx_openpyxl.py`, the same plan): the two writers side by side.
    """
    params = Parametros(anio=ANIO_GRANDE, trimestre=2, formato="xlsx")
    ayuntamiento = settings.POA_AYUNTAMIENTO
    print(
        "XLSX consolidado de cada formato (mejor de 2; meta < 3 s); escritura del mismo "
        "documento con XlsxWriter y con openpyxl:"
    )
    for identificador, exportador in EXPORTADORES.items():
        if "xlsx" not in exportador.formatos:  # the informe trimestral is a PDF only
            continue
        try:
            exportador.render(params)
        except AlcanceVacio:  # a MIR format: the synthetic POA has no MIR
            print(f"  {identificador:<26} sin datos en el POA sintético (no tiene MIR)")
            continue
        total, cpu = _mejor_de_dos_con_cpu(lambda e=exportador: e.render(params))
        _, _, contenido = exportador.render(params)
        documento = exportador.construir(exportador.datos(params))
        con_xlsxwriter = _mejor_de_dos(
            lambda d=documento: renderizar_xlsx(d, ayuntamiento=ayuntamiento)
        )
        con_openpyxl = _mejor_de_dos(
            lambda d=documento: renderizar_xlsx_openpyxl(d, ayuntamiento=ayuntamiento)
        )
        with zipfile.ZipFile(io.BytesIO(contenido)) as paquete:
            hojas = [n for n in paquete.namelist() if n.startswith("xl/worksheets/sheet")]
            celdas = sum(paquete.read(n).count(b"<c ") for n in hojas)
        print(
            f"  {identificador:<26} {total:5.2f} s (CPU {cpu:.2f} s)  {len(hojas):>3} hojas, "
            f"≈{celdas / 1000:.0f} mil celdas; escritura XlsxWriter {con_xlsxwriter:.2f} s, "
            f"openpyxl {con_openpyxl:.2f} s ({con_openpyxl / con_xlsxwriter:.1f}×)"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ramos", type=int, default=30)
    parser.add_argument("--formato", default="tmm-f004", choices=list(EXPORTADORES))
    parser.add_argument("--sin-secuencial", action="store_true")
    parser.add_argument("--solo-xlsx", action="store_true", help="only the consolidated XLSX")
    parser.add_argument("--perfil-xlsx", action="store_true", help="cProfile of the XLSX")
    parser.add_argument(
        "--solo-firmado", action="store_true", help="only the signed consolidated PDF"
    )
    args = parser.parse_args()
    exportador = EXPORTADORES[args.formato]
    print(f"Formato: {exportador.nombre}; POA_REPORT_WORKERS={settings.POA_REPORT_WORKERS}")
    try:
        with transaction.atomic():
            inicio = time.perf_counter()
            if args.solo_firmado:
                poa_sintetico(
                    anio=ANIO_GRANDE, ramos=args.ramos, unidades_por_ramo=10, metas_por_unidad=10
                )
                medir_consolidado_firmado(exportador)
                raise Deshacer
            if not args.solo_xlsx:
                poa_sintetico(anio=ANIO_UNIDAD, ramos=1, unidades_por_ramo=1, metas_por_unidad=40)
            poa_sintetico(
                anio=ANIO_GRANDE, ramos=args.ramos, unidades_por_ramo=10, metas_por_unidad=10
            )
            print(f"Datos sintéticos creados en {time.perf_counter() - inicio:.1f} s")
            if not args.solo_xlsx:
                medir_unidad(exportador)
            medir_xlsx(exportador, perfil=args.perfil_xlsx)
            medir_xlsx_por_formato()
            if not args.solo_xlsx:
                medir_consolidado(exportador, secuencial=not args.sin_secuencial)
                medir_consolidado_firmado(exportador)
            raise Deshacer
    except Deshacer:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
