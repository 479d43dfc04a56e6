"""Benchmark of the tablero on a synthetic municipality (printed, not a timed test).

Prints the server time of `/tablero/` for the whole municipality (30 ramos, 300 unidades,
3,000 metas; goal < 300 ms) side by side with its baseline in the same run: the same page
for one unidad (10 metas) and the bare `reporte_datos` selector it is built on, so the
cost the tablero adds over the official formats' reader shows. "Antes" is the page with the
cache emptied before every request (every figure computed, as before the cache); "después"
is the page as served while the data does not change (`reportes.tablero_cache`: only the
data version is read, ~5 queries). Query counts are printed
too (they must not grow with the data). The data is created inside a transaction that is
rolled back, so the database is left as it was.

    DEBUG=1 .venv/bin/python bench/bench_tablero.py [--ramos 30] [--repeticiones 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from programas.models import Asignacion, UnidadEjecutora  # noqa: E402
from reportes.selectors import reporte_datos  # noqa: E402
from reportes.tablero_cache import version_datos  # noqa: E402
from tests.apoyo_reportes import poa_sintetico  # noqa: E402

ANIO = 2096


class Deshacer(Exception):
    pass


def _medir(funcion, repeticiones: int) -> tuple[float, int]:
    """Median milliseconds over the repetitions (after one warm-up) and the query count."""
    funcion()
    tiempos = []
    for _ in range(repeticiones):
        with CaptureQueriesContext(connection) as consultas:
            inicio = time.perf_counter()
            funcion()
            tiempos.append((time.perf_counter() - inicio) * 1000)
    return statistics.median(tiempos), len(consultas.captured_queries)


def _usuario_planeacion():
    from django.contrib.auth import get_user_model

    usuario, _ = get_user_model().objects.get_or_create(username="bench_tablero")
    Asignacion.objects.get_or_create(usuario=usuario, rol=Asignacion.Rol.PLANEACION)
    return usuario


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ramos", type=int, default=30)
    parser.add_argument("--repeticiones", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    try:
        with transaction.atomic():
            ejercicio = poa_sintetico(
                anio=ANIO, ramos=args.ramos, unidades_por_ramo=10, metas_por_unidad=10
            )
            cliente = Client()
            cliente.force_login(_usuario_planeacion())
            unidad = UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio).first()

            def pagina(**filtro):
                def pedir():
                    respuesta = cliente.get(
                        "/tablero/", {"ejercicio": ejercicio.pk, "trimestre": 2, **filtro}
                    )
                    assert respuesta.status_code == 200, respuesta.status_code

                return pedir

            def sin_cache(pedir):
                def frio():
                    cache.clear()  # every request computes the figures (the old behaviour)
                    pedir()

                return frio

            filas = [
                (
                    "reporte_datos del municipio (base)",
                    lambda: reporte_datos(anio=ANIO, trimestre=2),
                ),
                ("version_datos (llave de la caché)", lambda: version_datos(ANIO)),
                ("/tablero/ del municipio, antes (sin caché)", sin_cache(pagina())),
                ("/tablero/ del municipio", pagina()),
                ("/tablero/ de una unidad", pagina(ramo=unidad.ramo_id, unidad=unidad.pk)),
            ]
            metas = args.ramos * 10 * 10
            print(f"POA sintético: {args.ramos} ramos, {args.ramos * 10} unidades, {metas} metas")
            print(f"{'medición':<40} {'ms (mediana)':>14} {'consultas':>10}")
            resultados = {}
            for nombre, funcion in filas:
                ms, consultas = _medir(funcion, args.repeticiones)
                resultados[nombre] = ms
                print(f"{nombre:<40} {ms:>14.1f} {consultas:>10}")
            municipio = resultados["/tablero/ del municipio"]
            antes = resultados["/tablero/ del municipio, antes (sin caché)"]
            base = resultados["reporte_datos del municipio (base)"]
            print(
                f"\nTablero del municipio: antes {antes:.0f} ms, después {municipio:.0f} ms "
                f"(meta < 300 ms; {antes / municipio:.1f}× más rápido). Sin caché, cada "
                f"petición recalcula todo (el lector de los formatos solo: {base:.0f} ms); "
                "con ella solo se recalcula cuando cambian los datos (reportes.tablero_cache)."
            )
            raise Deshacer
    except Deshacer:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
