"""Real races on PostgreSQL: two *Autorizar* at once sign once; a capture racing a signature."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from avances import firma as firmas
from avances.models import Avance, EventoFirma, TrimestreFirma
from avances.services import CapturaRechazada, avance_capturar
from tests.test_firmas import llevar_a, reporte

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def solo_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Carrera real con hilos: requiere PostgreSQL (SQLite serializa las escrituras y no "
            "tiene SELECT … FOR UPDATE). Ejecute con DATABASE_URL=postgres://…"
        )


def en_paralelo(*funciones):
    """Run the functions in threads released together; return their results or exceptions."""
    barrera = threading.Barrier(len(funciones))
    resultados: list = [None] * len(funciones)

    def correr(i, funcion):
        try:
            barrera.wait()
            resultados[i] = funcion()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            resultados[i] = exc
        finally:
            connections.close_all()

    hilos = [threading.Thread(target=correr, args=(i, f)) for i, f in enumerate(funciones)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join(30)
    return resultados


def test_two_simultaneous_autorizar_sign_once(poa, personas):
    llevar_a(TrimestreFirma.Estado.REVISADO, poa, personas)

    def autorizar():
        return firmas.trimestre_autorizar(**reporte(poa), usuario=personas.responsable_ramo)

    resultados = en_paralelo(autorizar, autorizar, autorizar)
    exitos = [r for r in resultados if isinstance(r, TrimestreFirma)]
    repetidas = [r for r in resultados if isinstance(r, firmas.FirmaRepetida)]
    assert len(exitos) == 1, resultados
    assert len(repetidas) == 2 and all("ya fue autorizado" in r.mensaje for r in repetidas)
    assert EventoFirma.objects.filter(accion="AUTORIZAR").count() == 1


def test_capture_racing_the_signature_never_leaves_unsigned_changes(poa, personas):
    llevar_a(TrimestreFirma.Estado.REVISADO, poa, personas)
    meta = poa.metas_a1[0]
    version = Avance.objects.get(meta=meta, mes=2).version

    def autorizar():
        return firmas.trimestre_autorizar(**reporte(poa), usuario=personas.responsable_ramo)

    def capturar():
        return avance_capturar(
            meta=meta, mes=2, realizado=Decimal("5"), version_esperada=version,
            usuario=personas.capturista,
        )  # fmt: skip

    for _ in range(3):
        resultados = en_paralelo(autorizar, capturar)
        assert isinstance(resultados[0], TrimestreFirma), resultados
        assert resultados[1] is None or isinstance(resultados[1], (Avance, CapturaRechazada))
        firma = TrimestreFirma.objects.get()
        # Whichever committed first, the signed hash matches the data now stored.
        assert firmas.snapshot_actual(poa.programa_a, poa.unidad_a1, 1)[1] == firma.snapshot_hash
        firmas.trimestre_reabrir(**reporte(poa), usuario=personas.planeacion, motivo="Otra vez")
        Avance.objects.filter(meta=meta, mes=2).update(realizado=Decimal("1"))
        version = Avance.objects.get(meta=meta, mes=2).version
        firmas.trimestre_enviar(**reporte(poa), usuario=personas.responsable_unidad)
        firmas.trimestre_revisar(**reporte(poa), usuario=personas.responsable_programa)
