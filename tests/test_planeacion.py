"""Planning services: calendarización, reprogramación, re-issue from a month, year copy."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from avances.bloqueo import TrimestreBloqueado
from avances.models import Avance, TrimestreFirma
from programas import formulas
from programas.models import Ejercicio, Meta, Programado, Reprogramacion
from programas.selectors import (
    cambios_por_meta,
    datos_meta,
    programados_por_meta,
    realizados_por_meta,
)
from programas.services import (
    ejercicio_copiar_estructura,
    meta_reprogramar,
    metas_reexpedir,
)

D = Decimal


def _calculo(meta, trimestre):
    fila = Meta.objects.values("id", "meta_anual", "mes_inicio", "tipo_acumulacion", "sentido").get(
        pk=meta.pk
    )
    datos = datos_meta(
        fila,
        programado=programados_por_meta([meta.pk])[meta.pk],
        realizado=realizados_por_meta([meta.pk]).valores.get(meta.pk),
        cambios=cambios_por_meta([meta.pk]).get(meta.pk),
    )
    return formulas.calcular_meta(datos, trimestre=trimestre, mes_corte=12)


def test_reprogramacion_keeps_original_and_records_history(poa, personas):
    meta = poa.metas_a1[0]  # 12 per year, 1 each month
    historia_meta = meta.history.count()
    historia_julio = Programado.objects.get(meta=meta, mes=7).history.count()
    registro = meta_reprogramar(
        meta=meta,
        meta_anual_nueva=D("18"),
        programado_nuevo={mes: D("2") for mes in range(7, 13)},
        mes_desde=7,
        motivo="Se amplía la cobertura en el segundo semestre",
        usuario=personas.planeacion,
    )
    meta.refresh_from_db()
    assert meta.meta_anual == D("18")
    assert meta.meta_anual_original == D("12")
    assert registro.meta_anual_anterior == D("12")
    assert D(registro.programado_anterior[6]) == D("1")
    assert D(registro.programado_nuevo[6]) == D("2")
    assert meta.history.count() == historia_meta + 1
    assert meta.history.first().history_user == personas.planeacion
    julio = Programado.objects.get(meta=meta, mes=7)
    assert julio.valor == D("2")
    assert julio.history.count() == historia_julio + 1
    assert julio.history.first().history_user == personas.planeacion
    # Reports of quarters ending before July still use the original meta (DOMAIN §3).
    assert _calculo(meta, 2).vigencia.meta_anual == D("12")
    assert _calculo(meta, 3).vigencia.meta_anual == D("18")


def test_reprogramacion_refuses_months_that_do_not_add_up(poa, personas):
    meta = poa.metas_a1[0]
    with pytest.raises(ValidationError, match="suman 18 y la meta anual es 20"):
        meta_reprogramar(
            meta=meta, meta_anual_nueva=D("20"),
            programado_nuevo={mes: D("2") for mes in range(7, 13)}, mes_desde=7,
            motivo="x", usuario=personas.planeacion,
        )  # fmt: skip
    meta.refresh_from_db()
    assert meta.meta_anual == D("12")
    assert not Reprogramacion.objects.exists()


def test_reprogramacion_needs_a_reason_and_only_open_months(poa, personas):
    meta = poa.metas_a1[0]
    with pytest.raises(ValidationError, match="motivo"):
        meta_reprogramar(
            meta=meta, meta_anual_nueva=D("12"), programado_nuevo={}, mes_desde=7,
            motivo="  ", usuario=personas.planeacion,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="meses no cerrados"):
        meta_reprogramar(
            meta=meta, meta_anual_nueva=D("12"), programado_nuevo={3: D("1")}, mes_desde=7,
            motivo="x", usuario=personas.planeacion,
        )  # fmt: skip


def test_reprogramacion_cannot_touch_an_authorized_quarter(poa, personas):
    meta = poa.metas_a1[0]
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=1,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    # From January it would change what the signed Q1 reports.
    with pytest.raises(TrimestreBloqueado):
        meta_reprogramar(
            meta=meta, meta_anual_nueva=D("13"), programado_nuevo={1: D("2")}, mes_desde=1,
            motivo="x", usuario=personas.planeacion,
        )  # fmt: skip
    meta.refresh_from_db()
    assert meta.meta_anual == D("12")
    # From April on, Q1 keeps its figures: allowed.
    meta_reprogramar(
        meta=meta, meta_anual_nueva=D("13"), programado_nuevo={12: D("2")}, mes_desde=4,
        motivo="Ajuste de diciembre", usuario=personas.planeacion,
    )  # fmt: skip
    meta.refresh_from_db()
    assert meta.meta_anual == D("13")
    assert _calculo(meta, 1).vigencia.meta_anual == D("12")


def test_reexpedicion_from_april_keeps_q1_on_the_original_meta(poa, personas):
    metas = poa.metas_a1
    Avance.objects.create(meta=metas[0], mes=3, realizado=D("3"))
    Avance.objects.create(meta=metas[0], mes=6, realizado=D("5"))
    nuevos = {m.pk: (D("18"), {mes: D("2") for mes in range(4, 13)}) for m in metas}
    registros = metas_reexpedir(
        metas=metas, mes_desde=4, nuevos=nuevos, motivo="Nuevo PMD", usuario=personas.planeacion
    )
    assert len(registros) == 3
    assert {r.tipo for r in registros} == {Reprogramacion.Tipo.REALINEACION}
    meta = Meta.objects.get(pk=metas[0].pk)
    assert (meta.meta_anual, meta.mes_inicio, meta.meta_anual_original) == (D("18"), 4, D("12"))
    q1 = _calculo(meta, 1)
    assert (q1.vigencia.meta_anual, q1.vigencia.mes_inicio) == (D("12"), 1)
    assert q1.avance_absoluto == D("3")  # 3 / 12 = 25 %
    q2 = _calculo(meta, 2)
    assert (q2.vigencia.meta_anual, q2.vigencia.mes_inicio) == (D("18"), 4)
    assert q2.avance_absoluto == D("5")  # counted from April only


def test_reexpedicion_lists_every_meta_that_does_not_add_up(poa, personas):
    metas = poa.metas_a1
    nuevos = {m.pk: (D("99"), {mes: D("2") for mes in range(4, 13)}) for m in metas}
    with pytest.raises(ValidationError) as exc:
        metas_reexpedir(
            metas=metas, mes_desde=4, nuevos=nuevos, motivo="x", usuario=personas.planeacion
        )
    assert len(exc.value.messages) == 3
    assert not Reprogramacion.objects.exists()


def test_copy_structure_to_next_year(poa, personas):
    Avance.objects.create(meta=poa.metas_a1[0], mes=1, realizado=D("1"))
    origen = poa.ramo_a.ejercicio
    destino = ejercicio_copiar_estructura(
        origen=origen, anio_destino=origen.anio + 1, usuario=personas.planeacion
    )
    assert destino.ramos.count() == 2
    metas = Meta.objects.filter(unidad__ramo__ejercicio=destino)
    assert metas.count() == 7
    assert not Avance.objects.filter(meta__in=metas).exists()
    assert Programado.objects.filter(meta__in=metas).count() == 7 * 12
    with pytest.raises(ValidationError, match="ya tiene ramos"):
        ejercicio_copiar_estructura(
            origen=origen, anio_destino=origen.anio + 1, usuario=personas.planeacion
        )
    assert Ejercicio.objects.count() == 2


def test_copy_of_a_reissued_meta_starts_whole_in_january(poa_demo):
    destino = ejercicio_copiar_estructura(origen=poa_demo, anio_destino=2023, usuario=None)
    meta = Meta.objects.get(unidad__ramo__ejercicio=destino, unidad__clave="54101", clave="100")
    assert (meta.meta_anual, meta.mes_inicio) == (D("320"), 1)
    assert sum(programados_por_meta([meta.pk])[meta.pk]) == D("320")
