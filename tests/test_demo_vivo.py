"""The living demo year (`cargar_demo`) and the round trip of an edited database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command

from avances.calendario import fechas_limite, meses_cerrados
from avances.insumos import programados_por_meta
from avances.models import Avance, FechaLimite, TrimestreFirma
from planeacion.services import meta_guardar, meta_reprogramar
from plantilla.exportacion import exportar_libro
from plantilla.importacion import analizar_libro
from programas.models import Asignacion, Ejercicio, Meta, Programa, UnidadEjecutora
from tests.captura_util import congelar_hoy
from tests.factories import UserFactory
from tests.test_importacion import conteos

D = Decimal
HOY = date(2026, 11, 18)  # mid fourth quarter: October ended, November in progress


def test_cargar_demo_creates_the_current_year_with_a_quarter_in_progress(db, monkeypatch, capsys):
    congelar_hoy(monkeypatch)(HOY)
    call_command("cargar_demo")
    salida = capsys.readouterr().out
    assert "ejercicio 2026: copiado de 2022" in salida
    assert salida.count("sin cambios") == 0  # first load: the three workbooks were written
    vivo = Ejercicio.objects.get(anio=2026)
    seeds = Ejercicio.objects.get(anio=2022)
    # The 2022 structure, plus the área of seed 002 (four activities with their cronograma).
    assert (
        Meta.objects.filter(unidad__ramo__ejercicio=vivo).count()
        == Meta.objects.filter(unidad__ramo__ejercicio=seeds).count() + 4
    )
    gsac = UnidadEjecutora.objects.get(ramo__ejercicio=vivo, clave="GSAC")
    assert gsac.objetivo_general.startswith("Atención directa") and gsac.alineaciones.count() == 5
    assert gsac.metas.get(clave="GS-2").periodicidad == "BIMESTRAL"
    # The 2022 seeds stay without capture of the living year's months or signatures.
    assert not TrimestreFirma.objects.filter(programa__ramo__ejercicio=seeds).exists()
    # Past quarters closed, the current one open; deadlines of T4 ahead and configured.
    assert meses_cerrados(vivo.pk) == set(range(1, 10))
    fecha, configurada = fechas_limite(vivo)[4]
    assert configurada and fecha > HOY
    assert not FechaLimite.objects.filter(ejercicio=vivo, trimestre__lt=4).exists()
    # Part of the current quarter captured: 54101 up to November, other unidades October or none.
    enviada = UnidadEjecutora.objects.get(ramo__ejercicio=vivo, ramo__clave="54", clave="54101")
    avances_vivo = Avance.objects.filter(meta__unidad__ramo__ejercicio=vivo)
    assert set(avances_vivo.filter(meta__unidad=enviada).values_list("mes", flat=True)) == set(
        range(1, 12)
    )
    assert not avances_vivo.filter(mes=12).exists()
    con_octubre = set(avances_vivo.filter(mes=10).values_list("meta__unidad", flat=True))
    unidades = UnidadEjecutora.objects.filter(ramo__ejercicio=vivo).count()
    assert 1 < len(con_octubre) < unidades
    # One report sent: Revisó (programa 511) has it to sign.
    firma = TrimestreFirma.objects.get(programa__ramo__ejercicio=vivo, trimestre=4)
    assert (firma.programa.clave, firma.unidad.clave, firma.trimestre) == ("511", "54101", 4)
    assert firma.estado == "ENVIADO"
    # The past quarters of 511/54101 and 54102 were signed by the three demo signers.
    autorizadas = TrimestreFirma.objects.filter(programa__ramo__ejercicio=vivo, estado="AUTORIZADO")
    assert sorted(autorizadas.values_list("unidad__clave", "trimestre")) == [
        ("54101", 1), ("54101", 2), ("54101", 3), ("54102", 1), ("54102", 2), ("54102", 3)
    ]  # fmt: skip
    assert "6 trimestres autorizados" in salida
    reviso = get_user_model().objects.get(username="reviso")
    assert Asignacion.objects.filter(usuario=reviso, programa=firma.programa).exists()
    # The exported living year imports back without a change.
    plan = analizar_libro(io.BytesIO(exportar_libro(ejercicio=vivo)), ejercicio=2026)
    assert plan.errores == [] and plan.cambios == [] and not plan.hay_escrituras
    # Idempotent: a second run changes nothing and says so.
    antes = conteos() | {"firmas": TrimestreFirma.objects.count()}
    call_command("cargar_demo")
    salida = capsys.readouterr().out
    assert conteos() | {"firmas": TrimestreFirma.objects.count()} == antes
    assert salida.count("sin cambios") == 4  # the three seed workbooks and the MIR
    assert "ejercicio 2026: ya existía; no se modificó" in salida


def test_cargar_demo_in_the_seed_year_creates_no_other_ejercicio(db, monkeypatch, capsys):
    congelar_hoy(monkeypatch)(date(2022, 5, 2))
    call_command("cargar_demo")
    assert list(Ejercicio.objects.values_list("anio", flat=True)) == [2022]
    assert "ejercicio 2022" not in capsys.readouterr().out


def test_export_of_an_edited_database_imports_back_without_changes(poa_demo):
    planeacion = UserFactory(username="planeacion")
    editada = (
        Meta.objects.filter(
            unidad__ramo__ejercicio=poa_demo, mes_inicio=1, meta_anual_original__isnull=True,
            tipo_acumulacion="SUMA",
        )
        .order_by("orden")
        .last()
    )  # fmt: skip
    unidad = editada.unidad
    meta_guardar(
        meta=editada,
        datos={"descripcion": "Descripción editada en la web", "meta_anual": D("24")},
        programados=[D("2")] * 12,
        usuario=planeacion,
    )
    nueva = meta_guardar(
        datos={
            "clave": "999", "grupo": "", "descripcion": "Meta nueva capturada en la web",
            "unidad_medida": "Acción", "meta_anual": D("12"), "mes_inicio": 1,
            "tipo_acumulacion": editada.tipo_acumulacion, "sentido": editada.sentido,
            "nivel_mir": editada.nivel_mir,
        },
        programados=[D("1")] * 12,
        usuario=planeacion,
        programa=editada.programa,
        unidad=unidad,
    )  # fmt: skip
    reprogramada = (
        Meta.objects.filter(unidad__ramo__ejercicio=poa_demo, tipo_acumulacion="SUMA")
        .exclude(unidad__ramo__clave="54")
        .order_by("pk")
        .first()
    )
    primer_semestre = sum(programados_por_meta([reprogramada.pk])[reprogramada.pk][:6], D(0))
    meta_reprogramar(
        meta=reprogramada,
        meta_anual_nueva=primer_semestre + 30,
        programado_nuevo={mes: D("5") for mes in range(7, 13)},
        mes_desde=7,
        motivo="Ajuste del segundo semestre",
        usuario=planeacion,
    )
    assert Programa.objects.filter(ramo__ejercicio=poa_demo).exists() and nueva.orden == 0
    datos = exportar_libro(ejercicio=poa_demo)
    plan = analizar_libro(io.BytesIO(datos), ejercicio=2022)
    assert plan.errores == []
    assert plan.cambios == []
    assert plan.creados == [] and dict(plan.conteo_creados) == {}
    assert not plan.hay_escrituras


def test_a_workbook_that_reorders_a_unidad_still_changes_its_order(poa_demo):
    import openpyxl

    libro = openpyxl.load_workbook(io.BytesIO(exportar_libro(ejercicio=poa_demo)))
    hoja = libro["metas"]
    filas = [list(f) for f in hoja.iter_rows(min_row=2, values_only=True)]
    filas[0], filas[1] = filas[1], filas[0]  # swap the first two metas of the first unidad
    for indice, fila in enumerate(filas, start=2):
        for columna, valor in enumerate(fila, start=1):
            hoja.cell(indice, columna, valor)
    salida = io.BytesIO()
    libro.save(salida)
    plan = analizar_libro(io.BytesIO(salida.getvalue()), ejercicio=2022)
    assert plan.errores == []
    assert {c.campo for c in plan.cambios} == {"orden en la hoja"}
    assert plan.hay_escrituras
