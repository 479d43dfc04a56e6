"""Benchmark: import a generated 10,000-meta plantilla on the configured database.

Prints the seconds and rows per second of: reading + validating (analizar_libro), writing
(aplicar_plan), a second identical import (must change nothing), and the export. Everything
runs inside a transaction that is rolled back at the end, so the database is left as it was.

    DEBUG=1 .venv/bin/python bench/bench_importacion.py [--metas 10000] [--avances-por-meta 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poa DEBUG=1 .venv/bin/python bench/…
"""

from __future__ import annotations

import argparse
import os
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
from programas.models import ABREVIATURAS_MES, Ejercicio  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--metas", type=int, default=10_000)
    parser.add_argument("--avances-por-meta", type=int, default=3)
    args = parser.parse_args()
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
