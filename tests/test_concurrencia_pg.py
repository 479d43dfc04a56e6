"""No lost updates under real concurrency (PostgreSQL): threads on separate connections.

Each round starts every writer together (a barrier) from the same loaded version, so they
race for the conditional ``UPDATE … WHERE version = …`` (or the INSERT of a new cell):
exactly one must win and every other must be told about the conflict, with nothing of its
save stored. SQLite serializes writers with a database-wide lock, so these tests only mean
something on PostgreSQL; CI runs them in its PostgreSQL pass.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from avances.models import Avance
from avances.services import CapturaRechazada, CeldaCaptura, avances_guardar_rejilla
from tests.factories import MetaFactory, ProgramaFactory, RamoFactory, UnidadFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="Concurrencia real solo en PostgreSQL: ejecute con "
        "DATABASE_URL=postgres://… (CI lo hace en su pasada de PostgreSQL).",
    ),
]

HILOS = 4
RONDAS = 25


@pytest.fixture
def escenario(transactional_db):
    ramo = RamoFactory(clave="77")
    programa = ProgramaFactory(ramo=ramo)
    unidad = UnidadFactory(ramo=ramo)
    metas = [MetaFactory(programa=programa, unidad=unidad, clave=f"C{i}") for i in range(3)]
    usuarios = [UserFactory(username=f"hilo{i}") for i in range(HILOS)]
    return unidad, metas, usuarios


def _en_paralelo(funciones):
    """Run each function in its own thread (own DB connection), all released together."""
    barrera = threading.Barrier(len(funciones))
    resultados: list = [None] * len(funciones)

    def correr(i, funcion):
        try:
            barrera.wait(timeout=30)
            resultados[i] = ("ok", funcion())
        except CapturaRechazada as exc:
            resultados[i] = ("conflicto", exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            resultados[i] = ("error", exc)
        finally:
            connection.close()

    hilos = [threading.Thread(target=correr, args=(i, f)) for i, f in enumerate(funciones)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=60)
    assert all(not h.is_alive() for h in hilos), "un hilo no terminó"
    errores = [r for r in resultados if r and r[0] == "error"]
    assert not errores, errores
    return resultados


def test_exactly_one_writer_wins_each_round_on_the_same_cell(escenario):
    unidad, metas, usuarios = escenario
    meta = metas[0]
    version = 0
    for ronda in range(RONDAS):
        valores = [Decimal(ronda * 10 + i) for i in range(HILOS)]
        resultados = _en_paralelo(
            [
                (lambda v=v, u=u, ver=version: avances_guardar_rejilla(
                    unidad=unidad, celdas=[CeldaCaptura(meta.pk, 4, v, "", ver)], usuario=u
                ))
                for v, u in zip(valores, usuarios, strict=True)
            ]
        )  # fmt: skip
        ganadores = [i for i, r in enumerate(resultados) if r[0] == "ok"]
        assert len(ganadores) == 1, (ronda, resultados)
        avance = Avance.objects.get(meta=meta, mes=4)
        assert avance.realizado == valores[ganadores[0]]
        assert avance.version == version + 1
        for i, r in enumerate(resultados):
            if i != ganadores[0]:
                conflicto = r[1].conflictos[(meta.pk, 4)]
                assert conflicto.realizado == valores[ganadores[0]]  # the other person's value
        version = avance.version
    # One history row per winning write, none for the losers.
    assert Avance.history.filter(meta_id=meta.pk, mes=4).count() == RONDAS


def test_overlapping_grids_are_all_or_nothing_under_contention(escenario):
    """Grid 1 writes (a, b), grid 2 writes (b, c): one wins whole, the other stores nothing."""
    unidad, (a, b, c), usuarios = escenario
    for ronda in range(RONDAS):
        mes = ronda % 12 + 1
        antes = {
            x["meta_id"]: x for x in Avance.objects.filter(mes=mes).values(
                "meta_id", "realizado", "version"
            )
        }  # fmt: skip

        def celda(meta, valor, antes=antes, mes=mes, ronda=ronda):
            version = antes[meta.pk]["version"] if meta.pk in antes else 0
            return CeldaCaptura(meta.pk, mes, Decimal(valor + ronda), "", version)

        resultados = _en_paralelo(
            [
                lambda: avances_guardar_rejilla(
                    unidad=unidad, celdas=[celda(a, 1000), celda(b, 1000)], usuario=usuarios[0]
                ),
                lambda: avances_guardar_rejilla(
                    unidad=unidad, celdas=[celda(b, 2000), celda(c, 2000)], usuario=usuarios[1]
                ),
            ]
        )
        estados = [r[0] for r in resultados]
        assert sorted(estados) == ["conflicto", "ok"], (ronda, resultados)
        despues = dict(Avance.objects.filter(mes=mes).values_list("meta_id", "realizado"))
        previo = {k: v["realizado"] for k, v in antes.items()}
        if estados[0] == "ok":
            ganadas, intacta = {a.pk: 1000, b.pk: 1000}, c.pk
        else:
            ganadas, intacta = {b.pk: 2000, c.pk: 2000}, a.pk
        for meta_id, valor in ganadas.items():
            assert despues[meta_id] == Decimal(valor + ronda)
        assert despues.get(intacta) == previo.get(intacta)  # the loser stored nothing


def test_zero_lost_updates_with_read_modify_write_retries(escenario):
    unidad, metas, usuarios = escenario
    meta = metas[1]
    por_hilo = 15

    def incrementar(usuario):
        # Each write carries a unique observación: two writers never store the same content,
        # which the service would (rightly) accept as "nothing to change".
        hechos = 0
        reintentos = 0
        while hechos < por_hilo:
            actual = Avance.objects.filter(meta=meta, mes=7).values("realizado", "version").first()
            valor = actual["realizado"] if actual else Decimal(0)
            version = actual["version"] if actual else 0
            try:
                avances_guardar_rejilla(
                    unidad=unidad,
                    celdas=[
                        CeldaCaptura(
                            meta.pk, 7, valor + 1, f"{usuario.username} paso {hechos}", version
                        )
                    ],
                    usuario=usuario,
                )
                hechos += 1
            except CapturaRechazada as exc:
                assert exc.conflictos or "al mismo tiempo" in exc.mensaje
                reintentos += 1
        return reintentos

    resultados = _en_paralelo([lambda u=u: incrementar(u) for u in usuarios])
    avance = Avance.objects.get(meta=meta, mes=7)
    assert avance.realizado == Decimal(HILOS * por_hilo)  # no increment lost
    assert avance.version == HILOS * por_hilo
    assert Avance.history.filter(meta_id=meta.pk, mes=7).count() == HILOS * por_hilo
    assert sum(r[1] for r in resultados) > 0, "the threads never actually raced"
