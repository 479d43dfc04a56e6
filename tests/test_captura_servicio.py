"""The capture service: atomic grid saves, optimistic versioning, locks, periods, history."""

from datetime import date
from decimal import Decimal

import pytest

from avances.models import Avance, Periodo, TrimestreFirma
from avances.services import (
    CapturaRechazada,
    CeldaCaptura,
    avance_capturar,
    avances_guardar_rejilla,
)
from tests.captura_util import congelar_hoy, unidad_grande

D = Decimal


@pytest.fixture
def hoy_fijo(monkeypatch):
    return congelar_hoy(monkeypatch)


def _historia(meta, mes):
    return list(Avance.history.filter(meta_id=meta.pk, mes=mes).order_by("history_date"))


def test_avance_capturar_creates_the_avance_and_its_history(poa, personas):
    meta = poa.metas_a1[0]
    avance = avance_capturar(
        meta=meta, mes=4, realizado=D("3.5"), observaciones="Se visitaron 3.5 km",
        version_esperada=0, usuario=personas.capturista,
    )  # fmt: skip
    assert avance.realizado == D("3.5") and avance.version == 1
    assert avance.actualizado_por == personas.capturista
    [registro] = _historia(meta, 4)
    assert registro.history_type == "+"
    assert registro.realizado == D("3.5")
    assert registro.observaciones == "Se visitaron 3.5 km"
    assert registro.history_user == personas.capturista


def test_update_with_the_loaded_version_bumps_it_and_records_old_and_new(poa, personas):
    meta = poa.metas_a1[0]
    avance_capturar(meta=meta, mes=4, realizado=D("1"), version_esperada=0, usuario=None)
    avance = avance_capturar(
        meta=meta, mes=4, realizado=D("2"), observaciones="corrección", version_esperada=1,
        usuario=personas.capturista,
    )  # fmt: skip
    assert avance.version == 2 and avance.realizado == D("2")
    historia = _historia(meta, 4)
    assert [h.history_type for h in historia] == ["+", "~"]
    assert [h.realizado for h in historia] == [D("1"), D("2")]
    assert historia[-1].version == 2
    assert historia[-1].history_user == personas.capturista


def test_stale_version_is_a_conflict_showing_the_other_persons_value(poa, personas):
    meta = poa.metas_a1[0]
    avance_capturar(meta=meta, mes=5, realizado=D("7"), version_esperada=0, usuario=personas.ajeno)
    with pytest.raises(CapturaRechazada) as exc:
        avance_capturar(
            meta=meta, mes=5, realizado=D("9"), version_esperada=0, usuario=personas.capturista
        )
    conflicto = exc.value.conflictos[(meta.pk, 5)]
    assert conflicto.realizado == D("7") and conflicto.version == 1
    assert conflicto.usuario == personas.ajeno.get_full_name()
    assert Avance.objects.get(meta=meta, mes=5).realizado == D("7")
    assert len(_historia(meta, 5)) == 1


def test_a_conflict_anywhere_stores_nothing_of_the_grid(poa, personas):
    a, b, c = poa.metas_a1
    avance_capturar(meta=b, mes=4, realizado=D("1"), version_esperada=0)
    avance_capturar(meta=b, mes=4, realizado=D("2"), version_esperada=1)  # someone else: v2
    with pytest.raises(CapturaRechazada) as exc:
        avances_guardar_rejilla(
            unidad=poa.unidad_a1,
            celdas=[
                CeldaCaptura(a.pk, 4, D("10")),
                CeldaCaptura(b.pk, 4, D("20"), version_esperada=1),
                CeldaCaptura(c.pk, 4, D("30")),
            ],
            usuario=personas.capturista,
        )
    assert set(exc.value.conflictos) == {(b.pk, 4)}
    assert not Avance.objects.filter(meta__in=[a, c]).exists()
    assert Avance.objects.get(meta=b, mes=4).realizado == D("2")
    assert Avance.history.filter(meta_id__in=[a.pk, c.pk]).count() == 0


def test_an_invalid_cell_stores_nothing_and_names_the_cell(poa, personas):
    a, b, _ = poa.metas_a1
    with pytest.raises(CapturaRechazada) as exc:
        avances_guardar_rejilla(
            unidad=poa.unidad_a1,
            celdas=[CeldaCaptura(a.pk, 4, D("5")), CeldaCaptura(b.pk, 4, D("-1"))],
            usuario=personas.capturista,
        )
    assert exc.value.errores == {(b.pk, 4): "El realizado no puede ser negativo."}
    assert not Avance.objects.exists()
    assert "No se guardó nada" in exc.value.mensaje


def test_future_months_are_refused(poa, personas, hoy_fijo):
    hoy_fijo(date(2022, 5, 10))
    meta = poa.metas_a1[0]
    avance_capturar(meta=meta, mes=5, realizado=D("1"), version_esperada=0)  # current month: ok
    with pytest.raises(CapturaRechazada) as exc:
        avance_capturar(meta=meta, mes=6, realizado=D("1"), version_esperada=0)
    assert exc.value.errores[(meta.pk, 6)] == "No se puede capturar junio: es un mes futuro."
    assert not Avance.objects.filter(mes=6).exists()


def test_closed_period_is_refused(poa, personas):
    meta = poa.metas_a1[0]
    Periodo.objects.create(ejercicio=poa.ramo_a.ejercicio, mes=3, abierto=False)
    with pytest.raises(CapturaRechazada) as exc:
        avance_capturar(meta=meta, mes=3, realizado=D("1"), version_esperada=0)
    assert "El mes de marzo está cerrado por Planeación" in exc.value.errores[(meta.pk, 3)]
    avance_capturar(meta=meta, mes=4, realizado=D("1"), version_esperada=0)  # April is open


def test_authorized_quarter_is_locked_for_every_write(poa, personas):
    meta = poa.metas_a1[0]
    TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=2,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    with pytest.raises(CapturaRechazada) as exc:
        avance_capturar(meta=meta, mes=5, realizado=D("1"), version_esperada=0)
    mensaje = exc.value.errores[(meta.pk, 5)]
    assert "T2 autorizado" in mensaje and "mayo" in mensaje
    assert not Avance.objects.exists()
    avance_capturar(meta=meta, mes=7, realizado=D("1"), version_esperada=0)  # T3 is open


def test_unchanged_cells_are_not_rewritten(poa, personas):
    meta = poa.metas_a1[0]
    avance_capturar(meta=meta, mes=4, realizado=D("5"), observaciones="ok", version_esperada=0)
    resultado = avances_guardar_rejilla(
        unidad=poa.unidad_a1,
        celdas=[CeldaCaptura(meta.pk, 4, D("5.00"), "ok\r\n", version_esperada=1)],
    )
    assert resultado.sin_cambio == 1 and resultado.guardados == 0
    assert Avance.objects.get(meta=meta, mes=4).version == 1
    assert len(_historia(meta, 4)) == 1


def test_same_value_saved_by_both_people_is_not_a_conflict(poa):
    meta = poa.metas_a1[0]
    avance_capturar(meta=meta, mes=4, realizado=D("5"), version_esperada=0)
    avance_capturar(meta=meta, mes=4, realizado=D("5"), version_esperada=0)  # stale, same value
    assert Avance.objects.get(meta=meta, mes=4).version == 1


def test_clearing_a_value_keeps_the_row_as_not_captured(poa):
    meta = poa.metas_a1[0]
    avance_capturar(meta=meta, mes=4, realizado=D("0"), version_esperada=0)
    avance = avance_capturar(meta=meta, mes=4, realizado=None, version_esperada=1)
    assert avance.realizado is None and avance.version == 2
    assert [h.realizado for h in _historia(meta, 4)] == [D("0"), None]


def test_meta_of_another_unidad_cannot_be_written_through_this_unidad(poa):
    ajena = poa.metas_b1[0]
    with pytest.raises(CapturaRechazada) as exc:
        avances_guardar_rejilla(unidad=poa.unidad_a1, celdas=[CeldaCaptura(ajena.pk, 4, D("1"))])
    assert exc.value.errores[(ajena.pk, 4)] == "La meta no pertenece a esta unidad."
    assert not Avance.objects.exists()


@pytest.mark.parametrize(
    ("valor", "observaciones", "mensaje"),
    [
        (D("-0.01"), "", "El realizado no puede ser negativo."),
        (D("1e20"), "", "demasiado grande"),
        (D("NaN"), "", "no es un número"),
        (D("Infinity"), "", "no es un número"),
        (D("1.234"), "", "como máximo 2 decimales"),
        (D("1"), "x" * 4001, "como máximo 4,000 caracteres"),
    ],
)
def test_service_refuses_values_the_database_must_never_hold(poa, valor, observaciones, mensaje):
    meta = poa.metas_a1[0]
    with pytest.raises(CapturaRechazada) as exc:
        avance_capturar(
            meta=meta, mes=4, realizado=valor, observaciones=observaciones, version_esperada=0
        )
    assert mensaje in exc.value.errores[(meta.pk, 4)]
    assert not Avance.objects.exists()


def test_saving_a_100_meta_grid_is_a_constant_number_of_queries(
    poa, personas, django_assert_max_num_queries
):
    unidad, metas = unidad_grande(poa.ramo_a)
    celdas = [CeldaCaptura(m.pk, mes, D(mes)) for m in metas for mes in (4, 5, 6)]
    # 4 reads + INSERTs and history INSERTs in batches (SQLite: 999 parameters per statement)
    # + savepoint: no query per cell.
    with django_assert_max_num_queries(14):
        resultado = avances_guardar_rejilla(
            unidad=unidad, celdas=celdas, usuario=personas.capturista
        )
    assert resultado.creados == 300
    versiones = {(c.meta_id, c.mes): 1 for c in celdas}
    celdas = [
        CeldaCaptura(c.meta_id, c.mes, c.realizado + 1, "revisado", versiones[c.clave])
        for c in celdas
    ]
    with django_assert_max_num_queries(12):  # 4 reads, 1 conditional UPDATE, history batches
        resultado = avances_guardar_rejilla(
            unidad=unidad, celdas=celdas, usuario=personas.capturista
        )
    assert resultado.actualizados == 300
    assert (
        Avance.objects.filter(meta__unidad=unidad, version=2, observaciones="revisado").count()
        == 300
    )
    assert Avance.history.filter(meta_id__in=[m.pk for m in metas]).count() == 600
