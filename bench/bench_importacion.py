"""Benchmark: import a generated 10,000-meta plantilla on the configured database.

Prints the seconds and rows per second of: reading + validating (analizar_libro), writing
(aplicar_plan), a second identical import (must change nothing), and the export. Everything
runs inside a transaction that is rolled back at the end, so the database is left as it was.

    DEBUG=1 .venv/bin/python bench/bench_importacion.py [--metas 10000] [--avances-por-meta 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poa DEBUG=1 .venv/bin/python bench/…

`--web` compares the web path side by side (issue 16), each in its own process so its
peak memory (ru_maxrss) is its own: *antes*, the upload answered in the request (POST subir,
GET previa, POST confirmar, as when every workbook was immediate) against *después*, the
upload queued as a job (POST subir, POST confirmar) plus the job's tasks
(plantilla.analizar_libro, plantilla.aplicar_libro) run in the bench process as a worker
would. Default 20,000 metas with one avance each.

    DEBUG=1 .venv/bin/python bench/bench_importacion.py --web [--metas 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from plantilla.exportacion import exportar_libro  # noqa: E402
from plantilla.importacion import analizar_libro, aplicar_plan  # noqa: E402
from programas.models import ABREVIATURAS_MES, Ejercicio, Meta  # noqa: E402

ANIO = 2099  # a year no real POA uses; the transaction is rolled back anyway
COLUMNAS = [
    "ramo_clave", "ramo_nombre", "programa_clave", "programa_nombre", "unidad_clave",
    "unidad_nombre", "grupo", "clave", "descripcion", "unidad_medida", "meta_anual",
    "meta_anual_original", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir",
    "lineas_pmd", *ABREVIATURAS_MES,
]  # fmt: skip
TIPOS = ["SUMA", "SUMA", "SUMA", "PROMEDIO", "ULTIMO", "MAXIMO"]


class Deshacer(Exception):
    """Raised to roll the benchmark's writes back."""


def generar(ruta: Path, metas: int, avances_por_meta: int) -> tuple[int, int]:
    """Write a plantilla with `metas` metas (10 ramos × 4 programas × 25 unidades × N)."""
    libro = openpyxl.Workbook(write_only=True)
    hoja = libro.create_sheet("metas")
    # Like Excel, declare each sheet's size (openpyxl's write-only mode omits it otherwise).
    hoja.calculate_dimension = lambda: f"A1:AC{metas + 1}"
    hoja.append(COLUMNAS)
    avances = []
    por_unidad = max(1, metas // (10 * 25))
    n = 0
    for r in range(10):
        ramo = f"{r + 1:02d}"
        for u in range(25):
            unidad = f"{ramo}{u + 101:03d}"
            for i in range(por_unidad):
                if n >= metas:
                    break
                n += 1
                programa = f"{(u % 4) + 1:03d}"
                tipo = TIPOS[n % len(TIPOS)]
                if tipo == "SUMA":
                    meses = [(n + m) % 7 + 1 for m in range(12)]
                    meta_anual = sum(meses)
                else:
                    meses = [round(80 + (n % 20) + m * 0.25, 2) for m in range(12)]
                    meta_anual = max(meses)
                clave = f"{i // 10 + 1}.{i % 10 + 1}" if i % 3 else f"{i:03d}"
                hoja.append([
                    ramo, f"Ramo de medición {ramo}", programa, f"Programa {programa}", unidad,
                    f"Unidad {unidad}", f"Actividad {i // 10 + 1}", clave,
                    f"Acción de medición número {n} con una descripción de longitud realista",
                    "Informe" if tipo == "SUMA" else "Porcentaje", meta_anual,
                    meta_anual + 1 if n % 50 == 0 else None, 1, tipo, "ASCENDENTE", "",
                    f"2.{n % 5 + 1}.{n % 7 + 1}", *meses,
                ])  # fmt: skip
                for mes in range(1, avances_por_meta + 1):
                    avances.append([ramo, unidad, clave, mes, meses[mes - 1], ""])
    hoja_avances = libro.create_sheet("avances")
    hoja_avances.calculate_dimension = lambda: f"A1:F{len(avances) + 1}"
    hoja_avances.append(["ramo_clave", "unidad_clave", "clave", "mes", "realizado",
                         "observaciones"])  # fmt: skip
    for fila in avances:
        hoja_avances.append(fila)
    libro.save(ruta)
    return n, len(avances)


def medir(etiqueta: str, funcion, filas: int):
    inicio = time.perf_counter()
    resultado = funcion()
    segundos = time.perf_counter() - inicio
    print(f"{etiqueta:<42} {segundos:8.2f} s   {filas / segundos:10,.0f} filas/s")
    return resultado


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def fase_web(ruta: Path, fase: str) -> dict:
    """One side of `--web`, in this (fresh) process; everything is rolled back at the end."""
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from plantilla import tasks
    from plantilla.models import TrabajoImportacion
    from programas.models import Asignacion

    setup_test_environment()
    datos = ruta.read_bytes()
    r: dict = {"rss_inicio_mb": _rss_mb()}
    grande = 10**9 if fase == "antes" else None
    umbral = {} if grande is None else {
        "POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO": grande,
        "POA_IMPORTACION_BYTES_EN_SEGUNDO_PLANO": grande,
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, **umbral):
        try:
            with transaction.atomic(), mock.patch("plantilla.views_trabajo.encolar"):
                usuario = get_user_model().objects.create_user("bench_importacion")
                Asignacion.objects.create(usuario=usuario, rol=Asignacion.Rol.PLANEACION)
                cliente = Client()
                cliente.force_login(usuario)

                def pedir(etiqueta, metodo, url, **kw):
                    inicio = time.perf_counter()
                    respuesta = getattr(cliente, metodo)(url, **kw)
                    r[etiqueta] = time.perf_counter() - inicio
                    assert respuesta.status_code in (200, 302), (etiqueta, respuesta.status_code)
                    return respuesta

                archivo = SimpleUploadedFile("bench.xlsx", datos)
                subida = pedir("subir", "post", reverse("importacion:subir"),
                               data={"archivo": archivo, "ejercicio": ANIO})  # fmt: skip
                if fase == "antes":
                    pedir("previa", "get", subida.url)
                    token = subida.url.rstrip("/").split("/")[-1]
                    pedir("confirmar", "post", reverse("importacion:confirmar", args=[token]))
                    r["rss_web_mb"] = _rss_mb()
                else:
                    trabajo = TrabajoImportacion.objects.get(usuario=usuario)
                    r["rss_web_mb"] = _rss_mb()
                    for paso, tarea in (("analizar", tasks.tarea_analizar),
                                        ("aplicar", tasks.tarea_aplicar)):  # fmt: skip
                        if paso == "aplicar":
                            url = reverse("importacion:trabajo_confirmar", args=[trabajo.pk])
                            pedir("confirmar", "post", url)
                        inicio = time.perf_counter()
                        etapa = tarea(trabajo.pk)
                        r[f"tarea_{paso}"] = time.perf_counter() - inicio
                        r[f"etapa_{paso}"] = etapa
                    r["rss_worker_mb"] = _rss_mb()
                r["metas"] = Meta.objects.filter(unidad__ramo__ejercicio__anio=ANIO).count()
                raise Deshacer
        except Deshacer:
            pass
    return r


def comparar(args) -> int:
    """`--web`: generate the workbook once, run each side in its own process, print both."""
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = Path(carpeta) / "poa_web.xlsx"
        metas, avances = generar(ruta, args.metas, args.avances_por_meta)
        print(f"Base de datos: {connection.vendor}")
        print(f"Libro: {metas:,} metas, {avances:,} avances, {ruta.stat().st_size / 1024:,.0f} KB")
        connection.close()
        resultados = {}
        for fase in ("antes", "despues"):
            if resultados:
                time.sleep(args.pausa)  # the machine is shared: no long run without a break
            salida = subprocess.run(
                [sys.executable, __file__, "--fase", fase, "--archivo", str(ruta)],
                capture_output=True, text=True, check=False,
                env={**os.environ, "POA_LOG_PETICIONES": "WARNING"},
            )  # fmt: skip
            linea = next((x for x in salida.stdout.splitlines() if x.startswith("{")), None)
            if salida.returncode or linea is None:
                print(salida.stdout[-2000:], salida.stderr[-4000:], sep="\n")
                return 1
            resultados[fase] = json.loads(linea)
    a, d = resultados["antes"], resultados["despues"]
    web_a = a["subir"] + a["previa"] + a["confirmar"]
    web_d = d["subir"] + d["confirmar"]
    filas = [
        ("Petición de subida (POST subir)", a["subir"], d["subir"]),
        ("Vista previa en la petición (GET previa)", a["previa"], None),
        ("Confirmar (POST confirmar)", a["confirmar"], d["confirmar"]),
        ("Peticiones web, total", web_a, web_d),
        ("Trabajo: analizar (worker)", None, d["tarea_analizar"]),
        ("Trabajo: aplicar (worker)", None, d["tarea_aplicar"]),
        ("De la subida al dato guardado", web_a, web_d + d["tarea_analizar"] + d["tarea_aplicar"]),
    ]

    def s(v):
        return f"{v:10.2f} s" if v is not None else f"{'—':>12}"

    print(f"\n{'':<44}{'antes (síncrono)':>18}{'después (trabajo)':>20}")
    for etiqueta, antes, despues in filas:
        print(f"{etiqueta:<44}{s(antes):>18}{s(despues):>20}")
    print(f"{'Memoria pico del proceso web (ru_maxrss)':<44}{a['rss_web_mb']:13.0f} MB"
          f"{d['rss_web_mb']:15.0f} MB")  # fmt: skip
    print(f"{'Memoria pico del worker (ru_maxrss)':<44}{'—':>16}{d['rss_worker_mb']:15.0f} MB")
    print(f"{'Memoria al arrancar el proceso':<44}{a['rss_inicio_mb']:13.0f} MB"
          f"{d['rss_inicio_mb']:15.0f} MB")  # fmt: skip
    print(f"Metas escritas: antes {a['metas']:,}, después {d['metas']:,} "
          f"(etapas: {d['etapa_analizar']} → {d['etapa_aplicar']}); todo revertido.")  # fmt: skip
    return 0 if a["metas"] == d["metas"] == metas else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--metas", type=int, default=None)
    parser.add_argument("--avances-por-meta", type=int, default=None)
    parser.add_argument("--web", action="store_true", help="antes/después de la petición web")
    parser.add_argument("--pausa", type=float, default=20, help="segundos entre las dos fases")
    parser.add_argument("--fase", choices=["antes", "despues"], help=argparse.SUPPRESS)
    parser.add_argument("--archivo", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if Ejercicio.objects.filter(anio=ANIO).exists():
        print(f"El ejercicio {ANIO} ya existe en esta base; la medición lo necesita libre.")
        return 1
    if args.fase:
        print(json.dumps(fase_web(args.archivo, args.fase)))
        return 0
    if args.web:
        args.metas = args.metas or 20_000
        args.avances_por_meta = 1 if args.avances_por_meta is None else args.avances_por_meta
        return comparar(args)
    args.metas = args.metas or 10_000
    args.avances_por_meta = 3 if args.avances_por_meta is None else args.avances_por_meta
    if Ejercicio.objects.filter(anio=ANIO).exists():
        print(f"El ejercicio {ANIO} ya existe en esta base; la medición lo necesita libre.")
        return 1
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = Path(carpeta) / "poa_10000.xlsx"
        inicio = time.perf_counter()
        metas, avances = generar(ruta, args.metas, args.avances_por_meta)
        print(f"Base de datos: {connection.vendor}")
        print(
            f"Libro generado: {metas:,} metas, {metas * 12:,} valores programados, "
            f"{avances:,} avances, {ruta.stat().st_size / 1024:,.0f} KB "
            f"({time.perf_counter() - inicio:.1f} s)"
        )
        filas = metas + avances
        total = time.perf_counter()
        try:
            with transaction.atomic():
                plan = medir("Leer y validar (analizar_libro)", lambda: analizar_libro(
                    ruta, ejercicio=ANIO), filas)  # fmt: skip
                if plan.errores:
                    print("Errores:", *plan.errores[:10], sep="\n  ")
                    return 1
                medir("Escribir (aplicar_plan)", lambda: aplicar_plan(plan), filas)
                print(f"{'Primera importación, total':<42} {time.perf_counter() - total:8.2f} s")
                segundo = time.perf_counter()
                plan2 = medir("Segunda importación: validar", lambda: analizar_libro(
                    ruta, ejercicio=ANIO), filas)  # fmt: skip
                assert not plan2.hay_escrituras, "la segunda importación no debe cambiar nada"
                medir("Segunda importación: aplicar (nada)", lambda: aplicar_plan(plan2), filas)
                print(f"{'Segunda importación, total':<42} {time.perf_counter() - segundo:8.2f} s")
                ejercicio = Ejercicio.objects.get(anio=ANIO)
                contenido = medir("Exportar la plantilla", lambda: exportar_libro(
                    ejercicio=ejercicio), filas)  # fmt: skip
                print(f"Plantilla exportada: {len(contenido) / 1024:,.0f} KB")
                raise Deshacer
        except Deshacer:
            print("Cambios revertidos: la base queda como estaba.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
