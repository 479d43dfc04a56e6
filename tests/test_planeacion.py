"""Planning services: calendarización, reprogramación, re-issue from a month, year copy."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from avances.bloqueo import TrimestreBloqueado, cambios_de_vigencia
from avances.insumos import cambios_por_meta, datos_meta, programados_por_meta, realizados_por_meta
from avances.models import Avance, TrimestreFirma
from planeacion.catalogos import linea_pmd_guardar, programa_guardar, ramo_guardar, unidad_guardar
from planeacion.copia import ejercicio_copiar_estructura
from planeacion.services import meta_guardar, meta_reprogramar, metas_reexpedir
from programas import formulas
from programas.models import Ejercicio, Meta, Programado, Reprogramacion

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


# --- meta_guardar -----------------------------------------------------------------------------


def _datos(poa, **cambios):
    datos = {
        "programa": poa.programa_a, "unidad": poa.unidad_a1, "clave": "2.1.10",
        "descripcion": "Jornadas comunitarias", "unidad_medida": "Jornada",
        "meta_anual": D("24"), "tipo_acumulacion": Meta.TipoAcumulacion.SUMA,
    }  # fmt: skip
    datos.update(cambios)
    return datos


def test_meta_guardar_refuses_a_suma_meta_whose_months_do_not_add_up(poa, personas):
    with pytest.raises(ValidationError) as exc:
        meta_guardar(datos=_datos(poa), programados=[D("1.5")] * 12, usuario=personas.planeacion)
    assert exc.value.messages == [
        "Los meses programados desde el mes 1 suman 18 y la meta anual es 24: deben ser "
        "iguales en una meta de tipo SUMA."
    ]
    assert not Meta.objects.filter(clave="2.1.10").exists()
    # A PROMEDIO meta does not add its months.
    meta = meta_guardar(
        datos=_datos(poa, tipo_acumulacion=Meta.TipoAcumulacion.PROMEDIO),
        programados=[D("1.5")] * 12,
        usuario=personas.planeacion,
    )
    assert programados_por_meta([meta.pk])[meta.pk] == [D("1.5")] * 12


def test_meta_guardar_creates_with_history_and_pmd_lines(poa, personas):
    from programas.models import LineaPMD

    linea = LineaPMD.objects.create(ejercicio=poa.ramo_a.ejercicio, codigo="2.1.5")
    meta = meta_guardar(
        datos=_datos(poa, lineas_pmd=[linea]), programados=[D("2")] * 12,
        usuario=personas.planeacion,
    )  # fmt: skip
    assert (meta.clave, meta.meta_anual) == ("2.1.10", D("24"))
    assert list(meta.lineas_pmd.all()) == [linea]
    assert meta.history.get().history_user == personas.planeacion
    assert Programado.history.filter(meta_id=meta.pk).count() == 12
    # Editing the months records only the changed ones, with their author.
    meses = [D("2")] * 11 + [D("3")]
    meta_guardar(
        meta=meta, datos={"meta_anual": D("25")}, programados=meses, usuario=personas.planeacion
    )
    assert Programado.history.filter(meta_id=meta.pk).count() == 13
    assert Meta.objects.get(pk=meta.pk).meta_anual == D("25")


def test_meta_guardar_refuses_duplicate_clave_and_mixed_ramos(poa, personas):
    clave = poa.metas_a1[0].clave
    with pytest.raises(ValidationError, match=f"Ya existe la meta {clave} en la unidad 54101"):
        meta_guardar(
            datos=_datos(poa, clave=clave), programados=[D("2")] * 12, usuario=personas.planeacion
        )
    with pytest.raises(ValidationError, match="mismo ramo"):
        meta_guardar(
            datos=_datos(poa, unidad=poa.unidad_b1), programados=[D("2")] * 12,
            usuario=personas.planeacion,
        )  # fmt: skip
    # The same clave in another unidad is fine (claves are unique within their unidad).
    meta_guardar(
        datos=_datos(poa, clave=clave, unidad=poa.unidad_a2), programados=[D("2")] * 12,
        usuario=personas.planeacion,
    )  # fmt: skip


def test_meta_guardar_cannot_change_an_authorized_quarter(poa, personas):
    meta = poa.metas_a1[0]
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=1,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    enero = [D("2")] + [D("1")] * 10 + [D("0")]
    with pytest.raises(TrimestreBloqueado, match="enero"):
        meta_guardar(meta=meta, datos={}, programados=enero, usuario=personas.planeacion)
    with pytest.raises(TrimestreBloqueado, match="T1"):
        # Same months, another meta anual: Q1 would report against another meta.
        meta_guardar(
            meta=meta, datos={"meta_anual": D("12"), "tipo_acumulacion": "ULTIMO"},
            programados=[D("1")] * 12, usuario=personas.planeacion,
        )  # fmt: skip
    with pytest.raises(TrimestreBloqueado):
        meta_guardar(
            meta=meta, datos={"unidad": poa.unidad_a2}, programados=[D("1")] * 12,
            usuario=personas.planeacion,
        )  # fmt: skip
    meta.refresh_from_db()
    assert (meta.unidad_id, meta.tipo_acumulacion) == (poa.unidad_a1.pk, "SUMA")
    assert Programado.objects.get(meta=meta, mes=1).valor == D("1")
    # Months of open quarters can still change.
    diciembre = [D("1")] * 11 + [D("1")]
    meta_guardar(
        meta=meta, datos={"descripcion": "Otra redacción"}, programados=diciembre,
        usuario=personas.planeacion,
    )  # fmt: skip
    assert Meta.objects.get(pk=meta.pk).descripcion == "Otra redacción"


def test_reprogramacion_in_an_authorized_quarter_is_refused_with_history_untouched(poa, personas):
    meta = poa.metas_a1[0]
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=3,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    historia = (meta.history.count(), Programado.history.filter(meta_id=meta.pk).count())
    with pytest.raises(TrimestreBloqueado) as exc:
        meta_reprogramar(
            meta=meta, meta_anual_nueva=D("15"),
            programado_nuevo={mes: D("1") for mes in range(7, 12)} | {12: D("4")},
            mes_desde=7, motivo="Ajuste", usuario=personas.planeacion,
        )  # fmt: skip
    assert "T3" in exc.value.mensaje
    assert historia == (meta.history.count(), Programado.history.filter(meta_id=meta.pk).count())
    assert not Reprogramacion.objects.exists()


def test_realineacion_q1_reports_original_from_january_and_q2_new_from_april(poa, personas):
    """DOMAIN §3 with the BISOM figures: 446 re-issued as 320 from April."""
    meta = poa.metas_a1[0]
    Programado.objects.filter(meta=meta).delete()
    for mes, valor in enumerate([42] * 3 + [35] * 9, start=1):  # 126 in Q1, 446 in the year
        Programado.objects.create(meta=meta, mes=mes, valor=D(valor))
    Meta.objects.filter(pk=meta.pk).update(meta_anual=D("446"))
    for mes, valor in ((1, 40), (2, 44), (3, 44), (4, 91), (5, 100), (6, 137)):
        Avance.objects.create(meta=meta, mes=mes, realizado=D(valor))
    nuevos_meses = {mes: D("35") for mes in range(4, 12)} | {12: D("40")}
    (registro,) = metas_reexpedir(
        metas=[meta], mes_desde=4, nuevos={meta.pk: (D("320"), nuevos_meses)},
        motivo="Alineación al nuevo PMD", usuario=personas.planeacion,
    )  # fmt: skip
    assert (registro.tipo, registro.mes_inicio_anterior, registro.mes_inicio_nuevo) == (
        Reprogramacion.Tipo.REALINEACION, 1, 4,
    )  # fmt: skip
    assert (registro.meta_anual_anterior, registro.meta_anual_nueva) == (D("446"), D("320"))
    assert registro.motivo == "Alineación al nuevo PMD" and registro.usuario == personas.planeacion
    assert registro.programado_nuevo[11] == "40"

    fila = Meta.objects.values("id", "meta_anual", "mes_inicio", "tipo_acumulacion", "sentido")
    datos = datos_meta(
        fila.get(pk=meta.pk),
        programado=programados_por_meta([meta.pk])[meta.pk],
        realizado=realizados_por_meta([meta.pk]).valores.get(meta.pk),
        cambios=cambios_de_vigencia(meta.pk),
    )
    q1 = formulas.calcular_meta(datos, trimestre=1, mes_corte=12)
    assert (q1.vigencia.meta_anual, q1.vigencia.mes_inicio) == (D("446"), 1)
    assert q1.avance_absoluto == D("128")  # 40 + 44 + 44, counted from January
    q2 = formulas.calcular_meta(datos, trimestre=2, mes_corte=12)
    assert (q2.vigencia.meta_anual, q2.vigencia.mes_inicio) == (D("320"), 4)
    assert q2.avance_absoluto == D("328")  # April–June only, not 456 from January
    assert Meta.objects.get(pk=meta.pk).meta_anual_original == D("446")


def test_copy_carries_structure_without_values_and_refuses_a_used_destination(poa, personas):
    from programas.models import LineaPMD, Presupuesto, Programa, UnidadEjecutora

    origen = poa.ramo_a.ejercicio
    linea = LineaPMD.objects.create(ejercicio=origen, codigo="2.1.5", nombre="Vivienda digna")
    poa.metas_a1[0].lineas_pmd.add(linea)
    Presupuesto.objects.create(
        programa=poa.programa_a, capitulo="10000", autorizado=D("1000"), modificado=D("1200"),
        devengado_t1=D("300"),
    )  # fmt: skip
    meta_reprogramar(
        meta=poa.metas_a1[1], meta_anual_nueva=D("18"),
        programado_nuevo={mes: D("2") for mes in range(7, 13)}, mes_desde=7, motivo="x",
        usuario=personas.planeacion,
    )  # fmt: skip
    Avance.objects.create(meta=poa.metas_a1[0], mes=1, realizado=D("1"))
    TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip

    destino = ejercicio_copiar_estructura(
        origen=origen, anio_destino=origen.anio + 1, usuario=personas.planeacion
    )
    assert Programa.objects.filter(ramo__ejercicio=destino).count() == 2
    assert UnidadEjecutora.objects.filter(ramo__ejercicio=destino).count() == 3
    copia_programa = Programa.objects.get(ramo__ejercicio=destino, clave="511")
    assert copia_programa.responsable_nombre == poa.programa_a.responsable_nombre
    (capitulo,) = Presupuesto.objects.filter(programa=copia_programa)
    assert (capitulo.autorizado, capitulo.modificado, capitulo.devengado_t1) == (
        D("1000"), None, None,
    )  # fmt: skip
    metas = Meta.objects.filter(unidad__ramo__ejercicio=destino)
    reprogramada = metas.get(unidad__clave="54101", clave=poa.metas_a1[1].clave)
    assert (reprogramada.meta_anual, reprogramada.meta_anual_original) == (D("18"), None)
    assert sum(programados_por_meta([reprogramada.pk])[reprogramada.pk]) == D("18")
    copia_linea = metas.get(unidad__clave="54101", clave=poa.metas_a1[0].clave).lineas_pmd.get()
    assert (copia_linea.ejercicio_id, copia_linea.codigo) == (destino.pk, "2.1.5")
    assert not Avance.objects.filter(meta__in=metas).exists()
    assert not Reprogramacion.objects.filter(meta__in=metas).exists()
    assert not TrimestreFirma.objects.filter(programa__ramo__ejercicio=destino).exists()

    vacio = Ejercicio.objects.create(anio=origen.anio + 2)
    LineaPMD.objects.create(ejercicio=vacio, codigo="2.1.5", nombre="Nuevo plan")
    ejercicio_copiar_estructura(origen=origen, anio_destino=vacio.anio, usuario=None)
    assert LineaPMD.objects.filter(ejercicio=vacio).count() == 1  # the existing línea is kept
    antes = Meta.objects.count()
    with pytest.raises(ValidationError, match=f"{vacio.anio} ya tiene ramos"):
        ejercicio_copiar_estructura(origen=origen, anio_destino=vacio.anio, usuario=None)
    assert Meta.objects.count() == antes


# --- catalogs ---------------------------------------------------------------------------------


def test_programa_guardar_with_budget_by_capitulo_and_history(poa, personas):
    from programas.models import Presupuesto

    programa = programa_guardar(
        datos={"ramo": poa.ramo_a, "clave": "512", "nombre": "Desarrollo comunitario",
               "finalidad": "2 Desarrollo social", "fin": "Contribuir al bienestar"},
        presupuesto=[{"capitulo": "10000", "autorizado": D("1500000.50")},
                     {"capitulo": "20000", "autorizado": D("10")}],
        usuario=personas.planeacion,
    )  # fmt: skip
    assert programa.presupuesto.count() == 2
    programa_guardar(
        programa=programa, datos={"nombre": "Desarrollo comunitario y social"},
        presupuesto=[{"capitulo": "10000", "autorizado": D("1500000.50"), "modificado": D("2")}],
        usuario=personas.planeacion,
    )  # fmt: skip
    diez_mil = Presupuesto.objects.get(programa=programa, capitulo="10000")
    assert diez_mil.modificado == D("2")
    assert diez_mil.history.first().history_user == personas.planeacion
    assert not Presupuesto.objects.filter(programa=programa, capitulo="20000").exists()
    with pytest.raises(ValidationError, match="Capítulo repetido"):
        programa_guardar(
            programa=programa, datos={},
            presupuesto=[{"capitulo": "10000"}, {"capitulo": "10000"}], usuario=None,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Ya existe el programa 511"):
        programa_guardar(programa=programa, datos={"clave": "511"}, usuario=None)


def test_catalogs_keep_metas_consistent(poa, personas):
    with pytest.raises(ValidationError, match="ya tiene metas"):
        programa_guardar(programa=poa.programa_a, datos={"ramo": poa.ramo_b}, usuario=None)
    with pytest.raises(ValidationError, match="ya tiene metas"):
        unidad_guardar(unidad=poa.unidad_a1, datos={"ramo": poa.ramo_b}, usuario=None)
    ejercicio = poa.ramo_a.ejercicio
    with pytest.raises(ValidationError, match="Ya existe el ramo 54"):
        ramo_guardar(ejercicio=ejercicio, datos={"clave": "54", "nombre": "Otro"}, usuario=None)
    ramo = ramo_guardar(
        ejercicio=ejercicio, datos={"clave": " 07 ", "nombre": "Obras"}, usuario=None
    )
    assert ramo.clave == "07"
    unidad = unidad_guardar(
        datos={"ramo": ramo, "clave": "07101", "nombre": "Dirección de Obras",
               "responsable_nombre": "Ing. Pérez", "responsable_cargo": "Director"},
        usuario=None,
    )  # fmt: skip
    assert unidad.ramo == ramo
    linea = linea_pmd_guardar(
        ejercicio=ejercicio, datos={"codigo": "2.1.5", "nombre": "Vivienda"}, usuario=None
    )
    with pytest.raises(ValidationError, match="Ya existe la línea 2.1.5"):
        linea_pmd_guardar(ejercicio=ejercicio, datos={"codigo": "2.1.5"}, usuario=None)
    assert linea_pmd_guardar(linea=linea, datos={"nombre": "Vivienda digna"}, usuario=None)
