"""Benchmark of the tablero on a synthetic municipality (printed, not a timed test).

Prints, side by side in the same run and for two sizes (3 ramos = 300 metas, 30 ramos =
3,000 metas; goal < 300 ms for the whole municipality), the server time and query count of
`/tablero/`:

- "frío total": the cache emptied before every request (every pair's summary computed);
- "tras un cambio en una unidad": one avance of one unidad changed before every request
  (what a user sees during the quarterly close: that pair is recomputed, the other 299
  come from the cache, `reportes.tablero_cache`);
- "caliente": nothing changed (only the data digests are read, one query);

and, as baselines, the bare figures from scratch the way the tablero was built before the
per-pair cache (`reporte_datos` + `tablero_datos`, no page) and the digest query alone
(`leer_datos`, the floor of every request). Query counts must not grow with the data. The
data is created inside a transaction that is rolled back, so the database is left as it was.

    DEBUG=1 .venv/bin/python bench/bench_tablero.py [--ramos 3 30] [--repeticiones 5]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from avances.models import Avance  # noqa: E402
from programas.models import Asignacion, UnidadEjecutora  # noqa: E402
from reportes.selectors import reporte_datos  # noqa: E402
from reportes.tablero import tablero_datos  # noqa: E402
from reportes.tablero_cache import leer_datos  # noqa: E402
from tests.apoyo_reportes import poa_sintetico  # noqa: E402

# Past years: every month is closed, so the semáforo, the capture and "logrado contra lo
# esperado" all have figures (a future year would have none to compare).
ANIO_BASE = 2001
TRIMESTRE = 2


class Deshacer(Exception):
    pass


def _medir(funcion, repeticiones: int, antes=None) -> tuple[float, int]:
    """Median milliseconds over the repetitions (after one warm-up) and the query count;
    `antes` runs before each one, outside the measure (empty the cache, change a value)."""
    funcion()
    tiempos = []
    for _ in range(repeticiones):
        if antes is not None:
            antes()
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


def _mediciones(ejercicio, cliente) -> list[tuple[str, object, object]]:
    unidad = UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio).first()
    avance = Avance.objects.filter(meta__unidad=unidad, mes=5).first()
    valores = itertools.cycle([Decimal(3), Decimal(10), Decimal(17)])

    def pagina(**filtro):
        def pedir():
            respuesta = cliente.get(
                "/tablero/", {"ejercicio": ejercicio.pk, "trimestre": TRIMESTRE, **filtro}
            )
            assert respuesta.status_code == 200, respuesta.status_code

        return pedir

    def cambiar():
        # A capture the way the grid writes it: new value, version + 1.
        Avance.objects.filter(pk=avance.pk).update(
            realizado=next(valores), version=F("version") + 1
        )

    municipio, de_unidad = pagina(), pagina(ramo=unidad.ramo_id, unidad=unidad.pk)
    return [
        ("antes: reporte_datos + tablero_datos", lambda: tablero_datos(
            reporte_datos(anio=ejercicio.anio, trimestre=TRIMESTRE), nivel="municipio",
            ejercicio=ejercicio), None),
        ("leer_datos (estructura + huellas)", lambda: leer_datos(ejercicio.pk, TRIMESTRE), None),
        ("municipio, frío total (caché vacía)", municipio, cache.clear),
        ("municipio, tras un cambio en una unidad", municipio, cambiar),
        ("municipio, caliente", municipio, None),
        ("una unidad, frío total", de_unidad, cache.clear),
        ("una unidad, tras un cambio en ella", de_unidad, cambiar),
        ("una unidad, caliente", de_unidad, None),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ramos", type=int, nargs="+", default=[3, 30])
    parser.add_argument("--repeticiones", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    resultados: dict[str, list[tuple[float, int]]] = {}
    try:
        with transaction.atomic():
            cliente = Client()
            cliente.force_login(_usuario_planeacion())
            cliente.get("/salud/")  # the session's first write stays out of the measures
            for i, ramos in enumerate(args.ramos):
                ejercicio = poa_sintetico(
                    anio=ANIO_BASE + i, ramos=ramos, unidades_por_ramo=10, metas_por_unidad=10
                )
                for nombre, funcion, antes in _mediciones(ejercicio, cliente):
                    resultados.setdefault(nombre, []).append(
                        _medir(funcion, args.repeticiones, antes)
                    )
            raise Deshacer
    except Deshacer:
        pass
    cabeza = "".join(f"{f'{r} ramos ({r * 100} metas)':>26}" for r in args.ramos)
    print(f"Tablero, trimestre {TRIMESTRE}: ms (mediana de {args.repeticiones}) y consultas")
    print(f"{'medición':<42}{cabeza}")
    for nombre, filas in resultados.items():
        celdas = "".join(f"{ms:>14.1f} ms {consultas:>4} c." for ms, consultas in filas)
        print(f"{nombre:<42}{celdas}")
    grande = {nombre: filas[-1][0] for nombre, filas in resultados.items()}
    print(
        f"\nMunicipio de {args.ramos[-1] * 100} metas (meta < 300 ms): frío total "
        f"{grande['municipio, frío total (caché vacía)']:.0f} ms, tras un cambio en una unidad "
        f"{grande['municipio, tras un cambio en una unidad']:.0f} ms, caliente "
        f"{grande['municipio, caliente']:.0f} ms; las cifras desde cero, sin página, "
        f"{grande['antes: reporte_datos + tablero_datos']:.0f} ms."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
