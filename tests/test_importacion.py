"""The POA workbook importer (PLANTILLA.md): seeds, validation, idempotence, history, safety."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from avances.models import Avance, TrimestreFirma
from plantilla.importacion import (
    ImportacionInvalida,
    analizar_libro,
    aplicar_plan,
    importar_libro,
)
from plantilla.xlsx_seguro import FIRMA_OLE
from programas.models import (
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)
from tests.fixtures_demo import FIXTURES, a_bytes, fila_meta, leer_seed, libro_xlsx

D = Decimal


def conteos() -> dict[str, int]:
    """Rows and history rows of everything the importer writes."""
    return {
        "ejercicios": Ejercicio.objects.count(),
        "ramos": Ramo.objects.count(),
        "programas": Programa.objects.count(),
        "unidades": UnidadEjecutora.objects.count(),
        "lineas": LineaPMD.objects.count(),
        "metas": Meta.objects.count(),
        "programados": Programado.objects.count(),
        "avances": Avance.objects.count(),
        "presupuesto": Presupuesto.objects.count(),
        "reprogramaciones": Reprogramacion.objects.count(),
        "historia_metas": Meta.history.count(),
        "historia_programados": Programado.history.count(),
        "historia_avances": Avance.history.count(),
        "historia_presupuesto": Presupuesto.history.count(),
    }


def metas_de(ramo: str):
    return Meta.objects.filter(unidad__ramo__clave=ramo, unidad__ramo__ejercicio__anio=2022)


# --- The seeds (LEEME.md) -------------------------------------------------------------------


def test_demo_load_reproduces_seed_counts(poa_demo):
    assert poa_demo.anio == 2022
    assert metas_de("OROMAPAS").count() == 45
    assert Avance.objects.filter(meta__unidad__ramo__clave="OROMAPAS").count() == 136
    assert metas_de("54").count() == 35
    assert Avance.objects.filter(meta__unidad__ramo__clave="54").count() == 138
    assert metas_de("01").count() == 54
    assert Avance.objects.filter(meta__unidad__ramo__clave="01").count() == 576
    assert Presupuesto.objects.count() == 7
    assert UnidadEjecutora.objects.filter(ramo__clave="OROMAPAS").count() == 5
    assert Programa.objects.count() == 5
    # 26 BISOM códigos + 5 of Presidencia, one of them (4.2.3) shared.
    assert LineaPMD.objects.filter(ejercicio=poa_demo).count() == 30
    assert Programado.objects.count() == (45 + 35 + 54) * 12
    total = sum(metas_de("OROMAPAS").values_list("meta_anual", flat=True), D(0))
    assert total == D("694836")


def test_demo_claves_stay_text(poa_demo):
    ramo = Ramo.objects.get(clave="01")
    assert {p.clave for p in ramo.programas.all()} == {"000", "010"}
    assert ramo.unidades.get().clave == "001"
    assert metas_de("01").filter(clave="1.1").exists()
    assert metas_de("OROMAPAS").filter(clave="2.1.1.2.16.6").exists()


def test_demo_bisom_reissue_keeps_original_meta(poa_demo):
    meta = metas_de("54").get(unidad__clave="54101", clave="100")
    assert (meta.meta_anual, meta.meta_anual_original, meta.mes_inicio) == (D(320), D(446), 4)
    programado = dict(meta.programados.values_list("mes", "valor"))
    assert programado[3] == D(126) and programado[6] == D(91)
    assert sum(programado[m] for m in range(4, 13)) == D(320)
    realizado = dict(meta.avances.values_list("mes", "realizado"))
    assert realizado == {3: D(128), 6: D(91), 9: D(237), 12: D(22)}
    (reprogramacion,) = meta.reprogramaciones.all()
    assert reprogramacion.tipo == Reprogramacion.Tipo.IMPORTADA
    assert (reprogramacion.mes_desde, reprogramacion.mes_inicio_anterior) == (4, 1)
    assert reprogramacion.mes_inicio_nuevo == 4
    assert (reprogramacion.meta_anual_anterior, reprogramacion.meta_anual_nueva) == (D(446), D(320))
    assert reprogramacion.motivo == "Meta autorizada original (importada)"
    # Every BISOM meta starts in April. The 33 of the Q1 sheets were re-issued, so each has
    # one such record (27 with an original meta); 205 and 509 were created in April (no
    # programado or avance before it), so they have none and are not in Q1 (issue 16).
    assert Reprogramacion.objects.filter(meta__unidad__ramo__clave="54").count() == 33
    assert metas_de("54").filter(meta_anual_original__isnull=False).count() == 27
    misma_meta = metas_de("54").get(unidad__clave="54101", clave="103")
    assert misma_meta.reprogramaciones.get().meta_anual_anterior == misma_meta.meta_anual
    for clave in ("205", "509"):
        assert not metas_de("54").get(clave=clave).reprogramaciones.exists()


def test_demo_responsables_programas_budget_and_order(poa_demo):
    ramo = Ramo.objects.get(clave="54")
    assert ramo.responsable_nombre == "JUAN GABRIEL HARO BELTRÁN"
    programa = ramo.programas.get(clave="511")
    assert programa.responsable_nombre == "DAVID MURILLO JIMÉNEZ"
    assert programa.finalidad == "2 DESARROLLO SOCIAL"
    assert programa.eje == "2 BIENESTAR PARA TODOS"
    unidad = ramo.unidades.get(clave="54204")
    assert unidad.responsable_nombre == "HOMERO SAMANIEGO AGUILERA"
    assert unidad.responsable_cargo == "RESPONSABLE DE LA UNIDAD EJECUTORA"
    assert Ramo.objects.get(clave="OROMAPAS").responsable_cargo == "Director"
    capitulo = Presupuesto.objects.get(programa__clave="000", capitulo="10000")
    assert capitulo.autorizado == D("814015.58")
    assert capitulo.modificado == D("1350142.92")
    assert capitulo.devengado_t4 == D("1339381.59")
    assert capitulo.devengado_t1 is None
    presidencia = Programa.objects.get(clave="010")
    proposito = presidencia.objetivos_mir.get(nivel="PROPOSITO")
    assert proposito.resumen_narrativo.startswith("LA PRESIDENCIA MUNICIPAL")
    assert proposito.clave == "P"
    meta = metas_de("54").get(clave="100")
    assert sorted(meta.lineas_pmd.values_list("codigo", flat=True)) == [
        "2.1.1", "2.1.4", "2.1.5", "2.3.3",
    ]  # fmt: skip
    # Meta.orden follows the rows of the sheet.
    claves = list(metas_de("01").order_by("orden").values_list("clave", flat=True))
    assert claves[:3] == ["1.1", "1.2", "1.3"]
    assert list(metas_de("01").values_list("orden", flat=True).order_by("orden")) == list(
        range(1, 55)
    )
    assert metas_de("01").get(clave="1.2").tipo_acumulacion == Meta.TipoAcumulacion.MAXIMO


def test_second_import_changes_nothing(poa_demo, django_assert_max_num_queries):
    antes = conteos()
    for nombre in ("oromapas_2022.xlsx", "bisom_2022.xlsx", "presidencia_2022.xlsx"):
        # Analysis prefetches in bulk: the query count does not grow with the rows.
        with django_assert_max_num_queries(21):  # +6: the MIR (5 tables) and its locks
            plan = analizar_libro(FIXTURES / nombre, ejercicio=2022)
        assert plan.errores == []
        assert not plan.hay_escrituras, plan.cambios[:5]
        assert plan.cambios == [] and plan.creados == []
        with django_assert_max_num_queries(3):  # the transaction only
            aplicar_plan(plan)
    assert conteos() == antes


def test_cargar_demo_twice_changes_nothing(db, capsys, monkeypatch):
    # In the seed year: only 2022 (the living current year is tests/test_demo_vivo.py).
    from datetime import date

    from tests.captura_util import congelar_hoy

    congelar_hoy(monkeypatch)(date(2022, 6, 15))
    call_command("cargar_demo")
    primero = conteos()
    from django.contrib.auth import get_user_model

    hashes = dict(get_user_model().objects.values_list("username", "password"))
    call_command("cargar_demo")
    assert conteos() == primero
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    salida = capsys.readouterr().out
    assert "http://" in salida and "Poa-2022-demo" in salida
    assert "sin cambios" in salida
    from programas.models import Asignacion

    capturista = get_user_model().objects.get(username="capturista")
    assert capturista.check_password("Poa-2022-demo")
    unidades = set(
        Asignacion.objects.filter(usuario=capturista).values_list("unidad__clave", flat=True)
    )
    assert unidades == {"54101", "54102"}
    assert Asignacion.objects.filter(usuario__username="oromapas").count() == 5
    reviso = Asignacion.objects.get(usuario__username="reviso")
    assert (reviso.rol, reviso.programa.clave, reviso.programa.ramo.clave) == (
        "RESP_PROGRAMA", "511", "54",
    )  # fmt: skip


# --- Changes and history ----------------------------------------------------------------


def test_changed_values_update_and_are_recorded_in_history(poa_demo):
    libro = leer_seed("bisom_2022.xlsx")
    metas = libro["metas"]
    encabezado = [c.value for c in metas[1]]
    fila_100 = next(
        r for r in metas.iter_rows(min_row=2) if r[encabezado.index("clave")].value == "100"
    )
    fila_100[encabezado.index("jun")].value = 101
    fila_100[encabezado.index("dic")].value = 12
    fila_100[encabezado.index("descripcion")].value = "Apoyos de orden social (corregida)"
    avances = libro["avances"]
    fila_avance = next(
        r for r in avances.iter_rows(min_row=2) if r[2].value == "100" and r[3].value == 6
    )
    fila_avance[4].value = 95
    meta = metas_de("54").get(clave="100")
    historia_p = Programado.history.filter(meta_id=meta.pk).count()
    plan = analizar_libro(a_bytes(libro), ejercicio=2022)
    assert plan.errores == []
    cambios = {(c.campo, c.anterior, c.nuevo) for c in plan.cambios}
    assert ("programado jun", "91", "101") in cambios
    assert ("programado dic", "22", "12") in cambios
    assert ("realizado", "91", "95") in cambios
    assert any(c.campo == "descripción" for c in plan.cambios)
    aplicar_plan(plan)
    assert meta.programados.get(mes=6).valor == D(101)
    assert Programado.history.filter(meta_id=meta.pk).count() == historia_p + 2
    avance = meta.avances.get(mes=6)
    assert avance.realizado == D(95) and avance.version == 2
    assert avance.history.first().realizado == D(95)
    assert meta.history.count() == 2
    meta.refresh_from_db()
    assert meta.descripcion == "Apoyos de orden social (corregida)"


def test_meta_anual_original_change_updates_the_single_importada_record(db):
    fila = fila_meta(meta_anual=9, mes_inicio=4, meta_anual_original=12, programado=[1] * 12)
    importar_libro(libro_xlsx({"metas": [fila]}), ejercicio=2030)
    meta = Meta.objects.get()
    assert meta.reprogramaciones.get().meta_anual_anterior == D(12)
    fila["meta_anual_original"] = 15
    importar_libro(libro_xlsx({"metas": [fila]}), ejercicio=2030)
    (registro,) = meta.reprogramaciones.all()
    assert (registro.meta_anual_anterior, registro.meta_anual_nueva, registro.mes_desde) == (
        D(15), D(9), 4,
    )  # fmt: skip
    fila.update(meta_anual=12, mes_inicio=None, meta_anual_original=None)
    importar_libro(libro_xlsx({"metas": [fila]}), ejercicio=2030)
    assert not meta.reprogramaciones.exists()
    meta.refresh_from_db()
    assert meta.meta_anual_original is None and meta.mes_inicio == 1


def test_unknown_ejercicio_is_created_and_years_never_mix(poa_demo):
    importar_libro(FIXTURES / "bisom_2022.xlsx", ejercicio=2023)
    assert Ejercicio.objects.filter(anio=2023).exists()
    assert Meta.objects.filter(unidad__ramo__ejercicio__anio=2023).count() == 35
    assert metas_de("54").count() == 35
    ramos = Ramo.objects.filter(clave="54").values_list("ejercicio__anio", flat=True)
    assert sorted(ramos) == [2022, 2023]
    assert LineaPMD.objects.filter(ejercicio__anio=2023).count() == 26


# --- Reading rules ----------------------------------------------------------------------


def test_headers_are_matched_ignoring_case_accents_spaces_and_order(db):
    columnas = [
        "Descripción", "Clave", " RAMO_CLAVE ", "Ramo Nombre", "programa_clave",
        "PROGRAMA_NOMBRE", "Unidad_Clave", "unidad nombre", "Unidad de Medida", "Meta Anual",
        "Enero", "feb", "MAR", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
        "Comentario interno",
    ]  # fmt: skip
    fila = ["Informe mensual", "099", "054", "Ramo", 511, "Programa", "54101", "Unidad",
            "Informe", "12", *[1] * 12, "ignorar"]  # fmt: skip
    plan = analizar_libro(libro_xlsx({"Metas": [fila]}, columnas={"Metas": columnas}),
                          ejercicio=2030)  # fmt: skip
    assert plan.errores == []
    assert [str(a) for a in plan.advertencias] == [
        "Metas!1 Comentario interno: columna desconocida; se ignora."
    ]
    aplicar_plan(plan)
    meta = Meta.objects.select_related("programa", "unidad__ramo").get()
    assert (meta.clave, meta.unidad.ramo.clave, meta.programa.clave) == ("099", "054", "511")
    assert meta.meta_anual == D(12) and meta.descripcion == "Informe mensual"


def test_claves_from_numeric_cells_never_get_a_decimal_part(db):
    filas = [
        fila_meta(54, ramo=54, programa=511.0, unidad=54101),
        fila_meta(2.1, ramo=54, programa=511, unidad=54101),
        fila_meta("2.1.10", ramo="54", programa="511", unidad="54101"),
    ]
    importar_libro(libro_xlsx({"metas": filas}), ejercicio=2030)
    assert sorted(Meta.objects.values_list("clave", flat=True)) == ["2.1", "2.1.10", "54"]
    assert Ramo.objects.get().clave == "54"
    assert Programa.objects.get().clave == "511"


def test_numbers_as_text_in_both_forms_and_decimals(db):
    filas = [
        fila_meta("1", meta_anual="1,234.5", programado=[0] * 11 + ["1,234.50"]),
        fila_meta(
            "2", meta_anual="1234.5", programado=[0] * 11 + [1234.5], tipo_acumulacion="último"
        ),  # fmt: skip
        fila_meta("3", meta_anual=0.3, programado=[0.1, 0.2] + [0] * 10),
    ]
    importar_libro(libro_xlsx({"metas": filas}), ejercicio=2030)
    metas = {m.clave: m for m in Meta.objects.all()}
    assert metas["1"].meta_anual == metas["2"].meta_anual == D("1234.5")
    assert metas["2"].tipo_acumulacion == Meta.TipoAcumulacion.ULTIMO
    assert metas["3"].programados.get(mes=2).valor == D("0.2")


def test_unknown_linea_is_created_without_name_with_a_warning(db):
    filas = [fila_meta("1", lineas_pmd="2.1.1, 9.9.9"), fila_meta("2", lineas_pmd="2.1.1 2.1.5")]
    lineas = [{"codigo": "2.1.1", "nombre": "DIAGNÓSTICO"}, {"codigo": "2.1.5", "nombre": "APOYOS"}]
    plan = analizar_libro(libro_xlsx({"metas": filas, "lineas_pmd": lineas}), ejercicio=2030)
    assert [str(a) for a in plan.advertencias] == [
        "metas!2 lineas_pmd: la línea 9.9.9 no está en la hoja lineas_pmd ni en la base de "
        "datos; se crea sin nombre."
    ]
    aplicar_plan(plan)
    assert LineaPMD.objects.get(codigo="9.9.9").nombre == ""
    assert LineaPMD.objects.get(codigo="2.1.1").nombre == "DIAGNÓSTICO"
    assert set(Meta.objects.get(clave="2").lineas_pmd.values_list("codigo", flat=True)) == {
        "2.1.1", "2.1.5",
    }  # fmt: skip


def test_formula_cells_are_imported_as_text_never_evaluated(db):
    peligrosos = ['=HYPERLINK("http://malo.example","clic")', "+cmd|' /C calc'!A0", "-1+1",
                  "@SUM(A1:A2)"]  # fmt: skip
    filas = [fila_meta(str(i), descripcion=t, grupo=t) for i, t in enumerate(peligrosos, 1)]
    contenido = libro_xlsx({"metas": filas})
    # The '=' one really is a formula cell in the file.
    hoja = zipfile.ZipFile(io.BytesIO(contenido)).read("xl/worksheets/sheet1.xml")
    assert b"<f>HYPERLINK" in hoja
    importar_libro(contenido, ejercicio=2030)
    assert sorted(Meta.objects.values_list("descripcion", flat=True)) == sorted(peligrosos)


def test_formula_in_a_number_column_is_an_error_not_a_value(db):
    fila = fila_meta("1", meta_anual="=SUM(R2:AC2)")
    plan = analizar_libro(libro_xlsx({"metas": [fila]}), ejercicio=2030)
    assert [e.columna for e in plan.errores] == ["meta_anual"]
    assert str(plan.errores[0]).startswith("metas!2 meta_anual: ")


# --- Errors: everything is reported and nothing is written ------------------------------


def test_workbook_with_errors_changes_nothing_and_lists_every_error(poa_demo):
    metas = [
        fila_meta("1", meta_anual=12, programado=[1] * 11 + [2]),  # adds up to 13
        fila_meta("2", meta_anual=-5, programado=[0] * 12),  # negative
        fila_meta("3", mes_inicio=13),  # mes_inicio outside 1..12
        fila_meta("4", tipo_acumulacion="MEDIANA", sentido="ARRIBA", nivel_mir="META"),
        fila_meta("1"),  # duplicate clave in (54, 54101)
        fila_meta("5", programado=[1] * 11 + ["1.234,5"]),  # not es-MX
        fila_meta("6", programado=[1] * 11 + [-1], meta_anual=10),
        fila_meta("7", descripcion="", unidad_medida=None),
    ]
    avances = [
        ["54", "54101", "6", 13, 4, ""],  # month 13
        ["54", "54101", "6", 2, -3, ""],  # negative
        ["54", "54101", "999", 1, 1, ""],  # unknown clave
        ["54", "54101", "6", 3, 1, ""],
        ["54", "54101", "6", 3, 2, ""],  # duplicate (meta, mes)
        ["54", "54101", "6", 4, None, None],  # no realizado
    ]
    antes = conteos()
    contenido = libro_xlsx({"metas": metas, "avances": avances})
    plan = analizar_libro(contenido, ejercicio=2022)
    errores = [str(e) for e in plan.errores]
    esperados = [
        "metas!2 meta_anual: meta 1: los meses programados de ene a dic suman 13, pero la meta "
        "anual es 12.",
        "metas!3 meta_anual: el valor -5 es negativo; debe ser 0 o mayor.",
        "metas!4 mes_inicio: el mes 13 está fuera de 1..12.",
        "metas!5 tipo_acumulacion: «MEDIANA» no es válido; use SUMA, PROMEDIO, ULTIMO, MAXIMO.",
        "metas!5 sentido: «ARRIBA» no es válido; use ASCENDENTE, DESCENDENTE.",
        "metas!5 nivel_mir: «META» no es válido; use FIN, PROPOSITO, COMPONENTE, ACTIVIDAD, "
        "SUBACTIVIDAD.",
        "metas!6 clave: la clave 1 se repite en la unidad 54101 del ramo 54 (ya está en la "
        "fila 2).",
        "metas!8 dic: el valor -1 es negativo; debe ser 0 o mayor.",
        "metas!9 descripcion: falta el valor (columna obligatoria).",
        "metas!9 unidad_medida: falta el valor (columna obligatoria).",
        "avances!2 mes: el mes 13 está fuera de 1..12.",
        "avances!3 realizado: el valor -3 es negativo; debe ser 0 o mayor.",
        "avances!4 clave: la meta 54/54101/999 no está en la hoja metas ni en la base de datos "
        "del ejercicio 2022.",
        "avances!6 mes: la meta 6 ya tiene el mes 3 en la fila 5.",
        "avances!7 realizado: falta el valor (columna obligatoria).",
    ]
    for esperado in esperados:
        assert esperado in errores, (esperado, errores)
    assert any(e.startswith("metas!7 dic: ") for e in errores)  # "1.234,5"
    assert len(errores) == len(esperados) + 1, errores
    with pytest.raises(ImportacionInvalida) as exc:
        importar_libro(contenido, ejercicio=2022)
    assert len(exc.value.errores) == len(errores)
    with pytest.raises(ImportacionInvalida):
        aplicar_plan(plan)
    assert conteos() == antes


def test_programa_or_unidad_of_another_ramo_is_an_error(poa_demo):
    contenido = libro_xlsx({
        "metas": [fila_meta("1", ramo="54", programa="511", unidad="54101")],
        "programas": [{"programa_clave": "542", "ramo_clave": "01", "finalidad": "X"}],
        "responsables": [{"nivel": "UNIDAD", "ramo_clave": "01", "clave": "54204",
                          "nombre": "X", "cargo": "Y"}],
        "presupuesto": [{"ramo_clave": "54", "programa_clave": "777", "capitulo": "10000",
                         "autorizado": 5}],
        "avances": [["01", "54101", "100", 3, 1, ""]],
    })  # fmt: skip
    errores = [str(e) for e in analizar_libro(contenido, ejercicio=2022).errores]
    assert errores == [
        "programas!2 programa_clave: el programa 542 pertenece al ramo 54, no al 01.",
        "responsables!2 clave: la unidad 54204 pertenece al ramo 54, no al 01.",
        "presupuesto!2 programa_clave: el programa 777 del ramo 54 no está en la hoja metas ni "
        "en la base de datos.",
        "avances!2 unidad_clave: la unidad 54101 pertenece al ramo 54, no al 01.",
    ]


def test_missing_sheet_and_required_columns_are_errors(db):
    sin_metas = libro_xlsx({"avances": [["54", "54101", "1", 1, 1, ""]]})
    assert [str(e) for e in analizar_libro(sin_metas, ejercicio=2030).errores][0] == (
        "metas: falta la hoja metas (obligatoria)."
    )
    columnas = ["ramo_clave", "ramo_nombre", "clave"]
    incompleto = libro_xlsx({"metas": [["54", "R", "1"]]}, columnas={"metas": columnas})
    errores = [str(e) for e in analizar_libro(incompleto, ejercicio=2030).errores]
    assert "metas!1 meta_anual: falta la columna obligatoria." in errores
    assert "metas!1 unidad_clave: falta la columna obligatoria." in errores


def test_locked_quarter_refuses_realized_values_naming_meta_and_month(poa_demo):
    meta = metas_de("54").get(unidad__clave="54101", clave="100")
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=1,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    # The unchanged workbook still imports: nothing in the locked quarter changes.
    assert analizar_libro(FIXTURES / "bisom_2022.xlsx", ejercicio=2022).errores == []
    libro = leer_seed("bisom_2022.xlsx")
    fila = next(r for r in libro["avances"].iter_rows(min_row=2)
                if r[2].value == "100" and r[3].value == 3)  # fmt: skip
    fila[4].value = 130
    fila_otra = next(r for r in libro["avances"].iter_rows(min_row=2)
                     if r[2].value == "101" and r[3].value == 9)  # fmt: skip
    fila_otra[4].value = 131  # Q3 is open: would be fine on its own
    antes = conteos()
    plan = analizar_libro(a_bytes(libro), ejercicio=2022)
    (error,) = plan.errores
    assert str(error).startswith(
        f"avances!{fila[0].row} realizado: La meta 100 tiene T1 autorizado"
    )
    assert "marzo" in error.mensaje
    assert conteos() == antes


def test_locked_quarter_refuses_programmed_changes(poa_demo):
    meta = metas_de("54").get(unidad__clave="54101", clave="100")
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=2,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    libro = leer_seed("bisom_2022.xlsx")
    encabezado = [c.value for c in libro["metas"][1]]
    fila = next(r for r in libro["metas"].iter_rows(min_row=2) if r[7].value == "100")
    fila[encabezado.index("jun")].value = 90
    fila[encabezado.index("sep")].value = 208
    errores = [str(e) for e in analizar_libro(a_bytes(libro), ejercicio=2022).errores]
    assert len(errores) == 1
    assert errores[0].startswith(f"metas!{fila[0].row} programado: La meta 100 tiene T2 autorizado")
    assert "junio" in errores[0]


# --- The command ------------------------------------------------------------------------


def test_command_lists_errors_on_stderr_and_exits_nonzero(db, tmp_path, capsys):
    archivo = tmp_path / "malo.xlsx"
    archivo.write_bytes(
        libro_xlsx({"metas": [fila_meta("1", meta_anual=5)], "avances": [["54", "54101", "1",
                                                                          13, 1, ""]]})
    )  # fmt: skip
    with pytest.raises(CommandError) as exc:
        call_command("importar_poa", str(archivo), "--ejercicio", "2030")
    assert "2 error(es); no se escribió nada" in str(exc.value)
    err = capsys.readouterr().err
    assert "metas!2 meta_anual: meta 1: los meses programados de ene a dic suman 12" in err
    assert "avances!2 mes: el mes 13 está fuera de 1..12." in err
    assert "Traceback" not in err
    assert not Ejercicio.objects.exists()


def test_command_dry_run_previews_without_writing(db, tmp_path, capsys):
    call_command("importar_poa", str(FIXTURES / "bisom_2022.xlsx"), "--ejercicio", "2022",
                 "--dry-run")  # fmt: skip
    salida = capsys.readouterr().out
    assert "Simulación: no se escribió nada." in salida
    assert "Meta" in salida and "35" in salida
    assert not Meta.objects.exists()
    call_command("importar_poa", str(FIXTURES / "bisom_2022.xlsx"), "--ejercicio", "2022")
    assert Meta.objects.count() == 35
    call_command("importar_poa", str(FIXTURES / "bisom_2022.xlsx"), "--ejercicio", "2022")
    assert "Sin cambios" in capsys.readouterr().out


def test_command_refuses_a_file_that_is_not_xlsx(db, tmp_path, capsys):
    archivo = tmp_path / "informe.xlsx"
    archivo.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    with pytest.raises(CommandError):
        call_command("importar_poa", str(archivo), "--ejercicio", "2022")
    assert "no es un libro de Excel .xlsx (parece un PDF)" in capsys.readouterr().err


# --- Safety -----------------------------------------------------------------------------


def _mensaje(contenido) -> str:
    errores = analizar_libro(contenido, ejercicio=2030).errores
    assert len(errores) == 1, errores
    assert errores[0].hoja == "archivo"
    return errores[0].mensaje


def test_text_renamed_as_xlsx_is_refused(db):
    assert "no es un libro de Excel .xlsx" in _mensaje(b"ramo_clave,clave\n54,100\n")


def test_other_office_zip_is_refused(db):
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<document/>")  # fmt: skip
    assert "no un libro de Excel" in _mensaje(salida.getvalue())
    solo_zip = io.BytesIO()
    with zipfile.ZipFile(solo_zip, "w") as z:
        z.writestr("hola.txt", "hola")
    assert "falta [Content_Types].xml" in _mensaje(solo_zip.getvalue())


def test_oversize_file_is_refused(db, settings):
    contenido = libro_xlsx({"metas": [fila_meta("1")]})
    settings.POA_UPLOAD_MAX_BYTES = len(contenido) - 1
    assert "el máximo permitido" in _mensaje(contenido)


def _libro_con_parte(nombre: str, contenido: bytes, *, tamano_declarado=None) -> bytes:
    """A valid workbook plus (or replacing) one part; optionally lie about its size."""
    base = zipfile.ZipFile(io.BytesIO(libro_xlsx({"metas": [fila_meta("1")]})))
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != nombre:
                z.writestr(info, base.read(info.filename))
        z.writestr(nombre, contenido)
    datos = salida.getvalue()
    if tamano_declarado is not None:
        # Patch the uncompressed size in the local header and the central directory.
        real = len(contenido).to_bytes(4, "little")
        falso = tamano_declarado.to_bytes(4, "little")
        datos = datos.replace(real, falso)
    return datos


def test_zip_bomb_is_refused_by_declared_size(db, settings):
    settings.POA_UPLOAD_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    contenido = _libro_con_parte("xl/media/relleno.bin", b"\0" * (20 * 1024 * 1024))
    assert len(contenido) < 100 * 1024  # a small file...
    assert "se descomprime a" in _mensaje(contenido)  # ...that inflates too much


def test_zip_bomb_lying_about_its_size_is_refused(db, settings):
    settings.POA_UPLOAD_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    relleno = b"\0" * (7 * 1024 * 1024 + 3)
    contenido = _libro_con_parte("xl/media/relleno.bin", relleno, tamano_declarado=1000)
    infos = zipfile.ZipFile(io.BytesIO(contenido)).infolist()
    assert sum(i.file_size for i in infos) < 5 * 1024 * 1024  # the lie passes the first check
    mensaje = _mensaje(contenido)
    assert "se descomprime a más de" in mensaje or "dañado" in mensaje


def test_encrypted_workbook_is_refused_with_a_clear_message(db):
    cifrado = FIRMA_OLE + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024
    assert "protegido con contraseña" in _mensaje(cifrado)
    xls = FIRMA_OLE + b"\0" * 2048
    assert "Excel 97-2003" in _mensaje(xls)


def test_xxe_payload_is_refused(db, tmp_path):
    secreto = tmp_path / "secreto.txt"
    secreto.write_text("CONTRASEÑA")
    hoja = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + str(secreto) + '">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    contenido = _libro_con_parte("xl/worksheets/sheet1.xml", hoja)
    mensaje = _mensaje(contenido)
    assert "DTD o entidades" in mensaje
    assert "CONTRASEÑA" not in mensaje


def test_openpyxl_parses_without_resolving_entities(tmp_path):
    """Behind the DTD/ENTITY refusal, openpyxl's own parsers resolve no entity either.

    Worksheets and shared strings go through defusedxml's iterparse; the other parts through
    `fromstring`, which is defusedxml's, or lxml's with entity resolution off when lxml is
    installed (it is: openpyxl writes the reports with it).
    """
    import openpyxl.xml.functions as funciones
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
    assert "defusedxml" in funciones.iterparse.__module__
    secreto = tmp_path / "secreto.txt"
    secreto.write_text("CONTRASEÑA")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secreto}">]><x>&xxe;</x>'
    ).encode()
    try:
        raiz = funciones.fromstring(xml)
    except Exception:  # defusedxml refuses the document outright
        return
    assert "CONTRASEÑA" not in (raiz.text or "")
    assert "CONTRASEÑA" not in funciones.tostring(raiz).decode()


@pytest.mark.parametrize("parte", ["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_dtd_in_any_part_is_refused(db, parte):
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    assert "DTD o entidades" in _mensaje(_libro_con_parte(parte, xml))


def test_texto_seguro_neutralizes_formula_text():
    from plantilla.xlsx_seguro import proteger_celda, texto_seguro

    libro = openpyxl.Workbook()
    ws = libro.active
    ws.append([texto_seguro('=HYPERLINK("x")'), texto_seguro("+1"), texto_seguro("normal"), 5])
    for celda in ws[1]:
        proteger_celda(celda)
    contenido = a_bytes(libro)
    xml = zipfile.ZipFile(io.BytesIO(contenido)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    leido = openpyxl.load_workbook(io.BytesIO(contenido)).active
    # Shown as text with Excel's quote prefix, so editing the cell does not make a formula.
    assert [c.value for c in leido[1]] == ['=HYPERLINK("x")', "+1", "normal", 5]
    assert leido["A1"].data_type == "s" and leido["A1"].quotePrefix
    assert not leido["C1"].quotePrefix


def test_new_rows_get_their_creation_history(db, personas):
    importar_libro(
        libro_xlsx({"metas": [fila_meta("1")], "avances": [["54", "54101", "1", 1, 2, "x"]]}),
        ejercicio=2030, usuario=personas.planeacion,
    )  # fmt: skip
    meta = Meta.objects.get(unidad__ramo__ejercicio__anio=2030)
    assert Meta.history.filter(id=meta.pk).count() == 1
    assert Programado.history.filter(meta_id=meta.pk).count() == 12
    assert Avance.history.filter(meta_id=meta.pk).count() == 1
    registro = Programado.history.get(meta_id=meta.pk, mes=5)
    assert (registro.history_type, registro.valor) == ("+", D(1))
    assert registro.history_user == personas.planeacion
    assert registro.history_change_reason == "Importación de plantilla XLSX"
    assert Meta.history.get(id=meta.pk).descripcion == "Meta de prueba 1"
    assert Avance.history.get(meta_id=meta.pk).observaciones == "x"
