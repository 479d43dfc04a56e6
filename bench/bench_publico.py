"""Benchmark of the public side on a synthetic 3,000-meta POA (printed, not a timed test).

Prints the portal pages' server time cold (empty cache: selector + formulas + template) and
warm (served from the per-page cache), and the read API's page time (100 metas a page,
anonymous), each with its query count. Goals (issue 15): portal < 200 ms warm, API page
< 100 ms. Every quarter of the synthetic POA is marked AUTORIZADO; the data is created
inside a transaction that is rolled back, so the database is left as it was.

    DEBUG=1 .venv/bin/python bench/bench_publico.py [--ramos 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from avances.models import TrimestreFirma  # noqa: E402
from programas.models import Meta, Ramo  # noqa: E402
from tests.apoyo_reportes import poa_sintetico  # noqa: E402

ANIO = 2096
TRIMESTRE = 2


class Deshacer(Exception):
    pass


def autorizar_todo(ejercicio) -> int:
    pares = set(
        Meta.objects.filter(programa__ramo__ejercicio=ejercicio).values_list(
            "programa_id", "unidad_id"
        )
    )
    TrimestreFirma.objects.bulk_create(
        TrimestreFirma(
            programa_id=p, unidad_id=u, trimestre=t, estado=TrimestreFirma.Estado.AUTORIZADO,
            codigo_verificacion=f"B{p}X{u}T{t}",
        )
        for p, u in pares
        for t in (1, 2)
    )  # fmt: skip
    return len(pares)


def medir(cliente: Client, url: str, *, frio: bool, veces: int = 5) -> tuple[float, int, int]:
    """Best time in ms, query count and size of GET `url` (cache emptied first if `frio`)."""
    mejores, consultas, tamano = [], 0, 0
    for _ in range(veces):
        if frio:
            cache.clear()
        with CaptureQueriesContext(connection) as capturadas:
            inicio = time.perf_counter()
            respuesta = cliente.get(url)
            mejores.append(time.perf_counter() - inicio)
        assert respuesta.status_code == 200, (url, respuesta.status_code)
        consultas, tamano = len(capturadas), len(respuesta.content)
    return min(mejores) * 1000, consultas, tamano


def informe(etiqueta: str, resultado: tuple[float, int, int], meta_ms: float | None = None):
    ms, consultas, tamano = resultado
    objetivo = (
        "" if meta_ms is None else f" (meta < {meta_ms:.0f} ms: {'sí' if ms < meta_ms else 'NO'})"
    )
    print(
        f"{etiqueta:<52} {ms:8.1f} ms  {consultas:3d} consultas  {tamano / 1024:8.1f} KiB{objetivo}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ramos", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()  # the test client's host is allowed
    settings.POA_API_TASA_ANONIMA = "1000000/min"
    cliente = Client()
    try:
        with transaction.atomic():
            ejercicio = poa_sintetico(
                anio=ANIO, ramos=args.ramos, unidades_por_ramo=10, metas_por_unidad=10
            )
            pares = autorizar_todo(ejercicio)
            with connection.cursor() as cursor:  # fresh rows: give the planner statistics
                cursor.execute("ANALYZE")
            metas = Meta.objects.filter(programa__ramo__ejercicio=ejercicio).count()
            print(
                f"POA sintético: {args.ramos} ramos, {pares} reportes, {metas:,} metas; "
                "T1 y T2 autorizados"
            )
            ramo = Ramo.objects.filter(ejercicio=ejercicio).order_by("clave").first()
            trimestre = reverse("publico:trimestre", args=[ANIO, TRIMESTRE])
            ramo_url = reverse("publico:ramo", args=[ANIO, TRIMESTRE, ramo.pk])
            informe(
                "Portal, trimestre (todo el municipio), en frío",
                medir(cliente, trimestre, frio=True, veces=2),
            )
            informe(
                "Portal, trimestre (todo el municipio), en caliente",
                medir(cliente, trimestre, frio=False),
                200,
            )
            informe("Portal, un ramo (100 metas), en frío", medir(cliente, ramo_url, frio=True))
            informe(
                "Portal, un ramo (100 metas), en caliente",
                medir(cliente, ramo_url, frio=False),
                200,
            )
            informe(
                "Portal, inicio, en caliente",
                medir(cliente, reverse("publico:index"), frio=False),
                200,
            )
            csv_url = reverse("publico:metas", args=[ANIO, TRIMESTRE, "csv"])
            informe(
                "Datos abiertos CSV (3,000 metas), en frío",
                medir(cliente, csv_url, frio=True, veces=2),
            )
            informe(
                "Datos abiertos CSV (3,000 metas), en caliente", medir(cliente, csv_url, frio=False)
            )
            api = reverse("api:meta-list") + f"?ejercicio={ANIO}"
            informe(
                "API metas, página 1 (100 metas, anónimo)", medir(cliente, api, frio=False), 100
            )
            informe(
                "API metas, página 30 (100 metas, anónimo)",
                medir(cliente, api + "&pagina=30", frio=False),
                100,
            )
            informe(
                "API reportes, página 1 (anónimo)",
                medir(cliente, reverse("api:reporte-list"), frio=False),
                100,
            )
            raise Deshacer
    except Deshacer:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
