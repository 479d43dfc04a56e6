"""Capture speed: DB time per saved meta row, and queries of a 100-meta grid render.

Runs on the configured database (SQLite by default, DATABASE_URL=postgres://… for
PostgreSQL) inside a throw-away test database, so real data is never touched:

    DEBUG=1 .venv/bin/python bench/bench_captura.py
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/poa \
        .venv/bin/python bench/bench_captura.py

Target (issue 3): ≤ 5 ms of database time per meta row on both databases; the grid of a
100-meta unidad renders in a constant number of queries.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
# A file (not :memory:) so SQLite is measured as it runs in production (WAL, fsync).
_tmp = tempfile.mkdtemp(prefix="poa-bench-")
os.environ.setdefault("SQLITE_TEST_NAME", str(Path(_tmp) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)

METAS = 100
LIMITE_MS = 5.0


class RelojBD:
    """Sum the time spent inside the database driver: every statement and the COMMIT."""

    def __init__(self):
        self.segundos = 0.0
        self.commit = 0.0
        self.consultas = 0

    def __call__(self, execute, sql, params, many, context):
        inicio = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.segundos += time.perf_counter() - inicio
            self.consultas += 1


@contextmanager
def medir():
    reloj = RelojBD()
    commit_original = connection._commit

    def commit_medido():
        inicio = time.perf_counter()
        try:
            return commit_original()
        finally:
            transcurrido = time.perf_counter() - inicio
            reloj.segundos += transcurrido
            reloj.commit += transcurrido

    connection._commit = commit_medido
    try:
        with connection.execute_wrapper(reloj):
            yield reloj
    finally:
        connection._commit = commit_original


def preparar():
    from programas.models import Asignacion
    from tests.factories import (
        MetaFactory,
        ProgramaFactory,
        RamoFactory,
        UnidadFactory,
        UserFactory,
        asignar,
    )

    ramo = RamoFactory(clave="54")
    programas = [ProgramaFactory(ramo=ramo, clave=f"5{i:02d}") for i in range(4)]
    unidad = UnidadFactory(ramo=ramo, clave="54999", nombre="Unidad de 100 metas")
    metas = [
        MetaFactory(programa=programas[i % 4], unidad=unidad, clave=f"B{i:03d}")
        for i in range(METAS)
    ]
    usuario = UserFactory(username="bench")
    asignar(usuario, Asignacion.Rol.CAPTURISTA, unidad)
    return unidad, metas, usuario


def bench_guardado(unidad, metas, usuario):
    from avances.models import Avance
    from avances.services import CeldaCaptura, avances_guardar_rejilla

    filas = []

    def versiones(meses):
        return {
            (a["meta_id"], a["mes"]): a["version"]
            for a in Avance.objects.filter(meta__unidad=unidad, mes__in=meses).values(
                "meta_id", "mes", "version"
            )
        }

    def celdas(metas_, meses, base, ver):
        return [
            CeldaCaptura(m.pk, mes, Decimal(base + mes), f"obs {base}", ver.get((m.pk, mes), 0))
            for m in metas_
            for mes in meses
        ]

    for etiqueta, meses in (("trimestre (3 meses)", (4, 5, 6)), ("año (12 meses)", range(1, 13))):
        # One meta per save (a user saving a single row), first capture then recapture.
        for fase, base in (("alta", 1), ("cambio", 100)):
            tiempos, commits = [], []
            ver = versiones(meses)
            for meta in metas[:50]:
                lote = celdas([meta], meses, base, ver)
                with medir() as reloj:
                    avances_guardar_rejilla(unidad=unidad, celdas=lote, usuario=usuario)
                tiempos.append(reloj.segundos * 1000)
                commits.append(reloj.commit * 1000)
            filas.append(
                (
                    f"1 meta × {etiqueta}, {fase}",
                    statistics.median(tiempos),
                    statistics.median(commits),
                    reloj.consultas,
                )
            )
        # The whole grid in one save (rows 50..99 are new, 0..49 already captured).
        ver = versiones(meses)
        lote = celdas(metas, meses, 1000, ver)
        with medir() as reloj:
            avances_guardar_rejilla(unidad=unidad, celdas=lote, usuario=usuario)
        filas.append(
            (
                f"rejilla de {METAS} metas × {etiqueta}",
                reloj.segundos * 1000 / METAS,
                reloj.commit * 1000 / METAS,
                reloj.consultas,
            )
        )
    return filas


def bench_render(unidad, usuario):
    cliente = Client()
    cliente.force_login(usuario)
    url = f"/captura/{unidad.pk}/2/"
    cliente.get(url)  # warm up templates
    with CaptureQueriesContext(connection) as consultas:
        inicio = time.perf_counter()
        respuesta = cliente.get(url)
        total = (time.perf_counter() - inicio) * 1000
    assert respuesta.status_code == 200, respuesta.status_code
    with CaptureQueriesContext(connection) as inicio_q:
        cliente.get("/?trimestre=2")
    return len(consultas), total, len(inicio_q)


def main() -> int:
    setup_test_environment()
    motor = connection.vendor
    nombre_original = connection.settings_dict["NAME"]
    if motor != "sqlite":
        # Never the shared test_<name> database that pytest runs may be using right now.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"poa_bench_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        unidad, metas, usuario = preparar()
        filas = bench_guardado(unidad, metas, usuario)
        consultas, ms_render, consultas_inicio = bench_render(unidad, usuario)
    finally:
        connection.creation.destroy_test_db(nombre_original, verbosity=0)
    print(f"Base de datos: {motor}")
    print("Tiempo de base de datos por fila de meta guardada (sentencias + COMMIT):")
    print("  (1 meta por guardado: mediana de 50 guardados; rejilla completa: total / 100)")
    peor = 0.0
    for etiqueta, ms, commit, n in filas:
        print(
            f"  {etiqueta:<42} {ms:6.2f} ms por meta "
            f"(COMMIT {commit:5.2f} ms; {n} sentencias por guardado)"
        )
        peor = max(peor, ms)
    estado = "OK" if peor <= LIMITE_MS else "EXCEDE"
    print(f"  peor caso {peor:.2f} ms (meta ≤ {LIMITE_MS:.0f} ms): {estado}")
    print(
        f"Rejilla de {METAS} metas (T2): {consultas} consultas, {ms_render:.0f} ms de respuesta; "
        f"Mis metas: {consultas_inicio} consultas"
    )
    return 0 if peor <= LIMITE_MS else 1


if __name__ == "__main__":
    sys.exit(main())
