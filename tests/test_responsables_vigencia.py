"""Responsables with a vigencia: each quarter's report prints the people in office at its end,
a signed quarter keeps its signers, and the plantilla carries `desde` both ways."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from avances import firma as firmas
from avances.models import EventoFirma, TrimestreFirma
from plantilla.exportacion import exportar_libro
from plantilla.importacion import analizar_libro, importar_libro
from programas import responsables
from programas.models import Programa, Ramo, Responsable, UnidadEjecutora
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import libro, texto_pdf
from tests.fixtures_demo import fila_meta, libro_xlsx
from tests.test_firmas import llevar_a

pytestmark = pytest.mark.django_db

Q1 = ("YOLANDA LOZANO PÁEZ", "DAVID MURILLO JIMÉNEZ", "YOLANDA LOZANO PÁEZ")
Q4 = ("JUAN GABRIEL HARO BELTRÁN", "DAVID MURILLO JIMÉNEZ", "JUAN GABRIEL HARO BELTRÁN")


def _tmm_f004(unidad_id, trimestre, formato):
    return EXPORTADORES["tmm-f004"].render(
        Parametros(anio=2022, trimestre=trimestre, formato=formato, workers=1, unidad_id=unidad_id)
    )[2]


def _textos_xlsx(contenido) -> str:
    celdas = libro(contenido).active.iter_rows()
    return "\n".join(str(c.value) for fila in celdas for c in fila if c.value)


def test_tmm_f004_of_bisom_54101_prints_the_signers_in_office_at_the_end_of_each_quarter(
    poa_demo,
):
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, clave="54101")
    q1_pdf = texto_pdf(_tmm_f004(unidad.pk, 1, "pdf"))
    q4_pdf = texto_pdf(_tmm_f004(unidad.pk, 4, "pdf"))
    assert "YOLANDA LOZANO PÁEZ" in q1_pdf and "DAVID MURILLO JIMÉNEZ" in q1_pdf
    assert "HARO BELTRÁN" not in q1_pdf
    assert "JUAN GABRIEL HARO BELTRÁN" in q4_pdf and "LOZANO PÁEZ" not in q4_pdf
    q1_xlsx = _textos_xlsx(_tmm_f004(unidad.pk, 1, "xlsx"))
    q4_xlsx = _textos_xlsx(_tmm_f004(unidad.pk, 4, "xlsx"))
    assert [n for n in Q1 if n in q1_xlsx] == list(Q1)
    assert "JUAN GABRIEL HARO BELTRÁN" not in q1_xlsx
    assert [n for n in Q4 if n in q4_xlsx] == list(Q4)
    # Q2 (April on) already has the Q4 signers; 54201 and 54204 change their Elaboró too.
    cajas = firmas.firmantes(unidad.ramo.programas.get(clave="511"), unidad, 2).firmantes
    assert tuple(c.nombre for c in cajas) == Q4
    programa_542 = Programa.objects.get(ramo=unidad.ramo, clave="542")
    for clave, antes, despues in (
        ("54201", "MAYRA ALFONSO TORRES PUEBLA", "NESTOR ALONSO LOPEZ SOTOQUIROS"),
        ("54204", "CINTHIA TIERRAS AGUILLO", "HOMERO SAMANIEGO AGUILERA"),
    ):
        u = UnidadEjecutora.objects.get(ramo=unidad.ramo, clave=clave)
        assert firmas.firmantes(programa_542, u, 1).firmantes[0].nombre == antes
        assert firmas.firmantes(programa_542, u, 4).firmantes[0].nombre == despues


def test_the_post_fields_are_the_holder_today_and_the_rows_the_history(poa_demo):
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, clave="54101")
    assert unidad.responsable_nombre == "JUAN GABRIEL HARO BELTRÁN"
    assert list(Responsable.objects.filter(unidad=unidad).values_list("desde", "nombre")) == [
        (1, "YOLANDA LOZANO PÁEZ"),
        (4, "JUAN GABRIEL HARO BELTRÁN"),
    ]
    lista = responsables.periodos_de(unidad)
    assert responsables.vigente(lista, 3) == (
        "YOLANDA LOZANO PÁEZ",
        "RESPONSABLE DE LA UNIDAD EJECUTORA",
    )
    assert responsables.vigente(lista, 4)[0] == "JUAN GABRIEL HARO BELTRÁN"


def test_the_elaboro_box_names_before_sending_the_person_printed_after(poa, personas):
    responsables.guardar_periodos(
        poa.unidad_a1,
        [responsables.Periodo(1, "ANA PÉREZ", "DIRECTORA"),
         responsables.Periodo(4, "LUIS SOTO", "DIRECTOR")],
    )  # fmt: skip
    antes = firmas.firmantes(poa.programa_a, poa.unidad_a1, 1).firmantes[0]
    assert (antes.nombre, antes.cargo, antes.fecha) == ("ANA PÉREZ", "DIRECTORA", None)
    llevar_a(TrimestreFirma.Estado.ENVIADO, poa, personas)
    despues = firmas.firmantes(poa.programa_a, poa.unidad_a1, 1).firmantes[0]
    assert (despues.nombre, despues.cargo) == ("ANA PÉREZ", "DIRECTORA")
    assert despues.fecha is not None
    evento = EventoFirma.objects.get()
    assert evento.usuario == personas.responsable_unidad  # who clicked stays audited
    assert evento.nombre == "ANA PÉREZ"


def test_a_signed_quarter_keeps_its_signers_after_the_responsable_changes(poa, personas):
    from planeacion.catalogos import responsables_guardar

    llevar_a(TrimestreFirma.Estado.AUTORIZADO, poa, personas)
    assert firmas.firmantes(poa.programa_a, poa.unidad_a1, 1).firmantes[0].fecha is not None
    firmados = [
        (c.nombre, c.cargo) for c in firmas.firmantes(poa.programa_a, poa.unidad_a1, 1).firmantes
    ]
    responsables_guardar(
        ejercicio=poa.ramo_a.ejercicio,
        cambios={},
        vigencias={
            ("unidad", poa.unidad_a1.pk): [(1, "OTRA PERSONA", "OTRO CARGO")],
            ("ramo", poa.ramo_a.pk): [(1, "OTRO TITULAR", "TITULAR")],
        },
        usuario=personas.planeacion,
    )
    ahora = [
        (c.nombre, c.cargo) for c in firmas.firmantes(poa.programa_a, poa.unidad_a1, 1).firmantes
    ]
    assert ahora == firmados
    assert "OTRA PERSONA" not in [n for n, _ in ahora]
    # An unsigned quarter of the same report prints the new people.
    q2 = firmas.firmantes(poa.programa_a, poa.unidad_a1, 2).firmantes
    assert (q2[0].nombre, q2[2].nombre) == ("OTRA PERSONA", "OTRO TITULAR")


def test_export_then_import_with_desde_plans_no_change_and_keeps_both_signers(poa_demo):
    contenido = exportar_libro(ejercicio=poa_demo)
    hoja = openpyxl.load_workbook(io.BytesIO(contenido))["responsables"]
    filas = [dict(zip([c.value for c in hoja[1]], [c.value for c in f], strict=True))
             for f in hoja.iter_rows(min_row=2)]  # fmt: skip
    de_54101 = [(f["desde"], f["nombre"]) for f in filas if f["clave"] == "54101"]
    assert de_54101 == [(1, "YOLANDA LOZANO PÁEZ"), (4, "JUAN GABRIEL HARO BELTRÁN")]
    plan = analizar_libro(contenido, ejercicio=2022)
    assert not plan.errores
    assert [c for c in plan.cambios if c.tipo == "Responsable"] == []
    assert plan.cambios == []


def _libro_responsables(filas, columnas):
    return libro_xlsx(
        {"metas": [fila_meta()], "responsables": filas},
        columnas={"responsables": columnas},
    )


def test_import_with_desde_creates_the_periods_and_a_change_is_planned_in_words(db):
    columnas = ["nivel", "ramo_clave", "clave", "nombre", "cargo", "desde"]
    importar_libro(_libro_responsables([
        ["UNIDAD", "54", "54101", "ANA PÉREZ", "DIRECTORA", None],
        ["UNIDAD", "54", "54101", "LUIS SOTO", "DIRECTOR", 7],
    ], columnas), ejercicio=2030)  # fmt: skip
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio__anio=2030, clave="54101")
    assert (unidad.responsable_nombre, unidad.responsable_cargo) == ("LUIS SOTO", "DIRECTOR")
    assert [(p.desde, p.nombre) for p in responsables.periodos_de(unidad)] == [
        (1, "ANA PÉREZ"),
        (7, "LUIS SOTO"),
    ]
    plan = analizar_libro(_libro_responsables([
        ["UNIDAD", "54", "54101", "ANA PÉREZ", "DIRECTORA", 1],
        ["UNIDAD", "54", "54101", "LUIS SOTO", "DIRECTOR", 4],
    ], columnas), ejercicio=2030)  # fmt: skip
    cambios = [c for c in plan.cambios if c.tipo == "Responsable"]
    assert len(cambios) == 1 and "desde jul: LUIS SOTO" in cambios[0].anterior
    assert "desde abr: LUIS SOTO" in cambios[0].nuevo


def test_an_old_workbook_without_desde_imports_and_keeps_the_history(db):
    columnas = ["nivel", "ramo_clave", "clave", "nombre", "cargo", "desde"]
    importar_libro(_libro_responsables([
        ["UNIDAD", "54", "54101", "ANA PÉREZ", "DIRECTORA", 1],
        ["UNIDAD", "54", "54101", "LUIS SOTO", "DIRECTOR", 4],
    ], columnas), ejercicio=2031)  # fmt: skip
    viejo = _libro_responsables(
        [["UNIDAD", "54", "54101", "LUIS SOTO LÓPEZ", "DIRECTOR"]],
        ["nivel", "ramo_clave", "clave", "nombre", "cargo"],
    )
    plan = analizar_libro(viejo, ejercicio=2031)
    assert not plan.errores
    importar_libro(viejo, ejercicio=2031)
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio__anio=2031, clave="54101")
    assert [(p.desde, p.nombre) for p in responsables.periodos_de(unidad)] == [
        (1, "ANA PÉREZ"),
        (4, "LUIS SOTO LÓPEZ"),
    ]


@pytest.mark.parametrize(
    "desde, mensaje",
    [
        (0, "responsables!2 desde: el mes 0 está fuera de 1..12."),
        (13, "responsables!2 desde: el mes 13 está fuera de 1..12."),
        ("abril", "responsables!2 desde: «abril» no es un mes válido; use un entero de 1 a 12."),
    ],
)
def test_a_bad_desde_is_an_error_in_its_cell(db, desde, mensaje):
    contenido = _libro_responsables(
        [["UNIDAD", "54", "54101", "ANA PÉREZ", "DIRECTORA", desde]],
        ["nivel", "ramo_clave", "clave", "nombre", "cargo", "desde"],
    )
    plan = analizar_libro(contenido, ejercicio=2032)
    assert mensaje in [str(e) for e in plan.errores]
    assert not Ramo.objects.filter(ejercicio__anio=2032).exists()


def test_two_rows_of_one_post_and_month_are_an_error(db):
    contenido = _libro_responsables(
        [["UNIDAD", "54", "54101", "ANA PÉREZ", "DIRECTORA", 4],
         ["UNIDAD", "54", "54101", "LUIS SOTO", "DIRECTOR", 4]],
        ["nivel", "ramo_clave", "clave", "nombre", "cargo", "desde"],
    )  # fmt: skip
    plan = analizar_libro(contenido, ejercicio=2033)
    assert "responsables!3 clave: el responsable de unidad 54101 desde el mes 4 se repite " \
        "(fila 2)." in [str(e) for e in plan.errores]  # fmt: skip


def _todos(poa) -> dict:
    """The page's fields of every post as they stand (the form posts the whole grid)."""
    datos = {}
    for tipo, objeto in (
        ("ramo", poa.ramo_a), ("programa", poa.programa_a), ("unidad", poa.unidad_a1),
        ("unidad", poa.unidad_a2), ("ramo", poa.ramo_b), ("programa", poa.programa_b),
        ("unidad", poa.unidad_b1),
    ):  # fmt: skip
        objeto.refresh_from_db()
        datos[f"{tipo}-{objeto.pk}-nombre"] = objeto.responsable_nombre
        datos[f"{tipo}-{objeto.pk}-cargo"] = objeto.responsable_cargo
    return datos


def test_planeacion_adds_a_person_from_a_month_on_the_responsables_page(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("programas:responsables") + f"?ejercicio={poa.ramo_a.ejercicio_id}"
    html = client.get(url).content.decode()
    prefijo = f"unidad-{poa.unidad_a1.pk}"
    assert f'name="{prefijo}-nuevo-desde"' in html and "al cierre de ese trimestre" in html
    datos = _todos(poa)
    datos.update({f"{prefijo}-nuevo-nombre": "LUIS SOTO", f"{prefijo}-nuevo-cargo": "DIRECTOR"})
    respuesta = client.post(url, datos)
    assert "Indique desde qué mes ocupa el puesto." in respuesta.content.decode()
    assert not Responsable.objects.exists()
    datos[f"{prefijo}-nuevo-desde"] = "4"
    respuesta = client.post(url, datos, follow=True)
    assert "Responsables guardados: 1 cambio(s)." in respuesta.content.decode()
    poa.unidad_a1.refresh_from_db()
    assert poa.unidad_a1.responsable_nombre == "LUIS SOTO"
    assert [(p.desde, p.nombre) for p in responsables.periodos_de(poa.unidad_a1)] == [
        (1, "RESPONSABLE DE LA UNIDAD"),
        (4, "LUIS SOTO"),
    ]
    html = client.get(url).content.decode()
    assert "Antes (desde enero)" in html and f'name="{prefijo}-p1-quitar"' in html
    # The same month twice: a Spanish error and nothing written.
    repetido = _todos(poa)
    repetido.update({f"{prefijo}-nuevo-nombre": "EVA RÍOS", f"{prefijo}-nuevo-desde": "4"})
    html = client.post(url, repetido).content.decode()
    assert "Unidad 54101: hay dos personas desde abril; deje una por mes." in html
    assert Responsable.objects.filter(unidad=poa.unidad_a1).count() == 2


def test_responsables_service_refuses_a_month_outside_the_year(poa, personas):
    from planeacion.catalogos import responsables_guardar

    with pytest.raises(ValidationError, match="no es un mes"):
        responsables_guardar(
            ejercicio=poa.ramo_a.ejercicio, cambios={},
            vigencias={("ramo", poa.ramo_a.pk): [(13, "X", "Y")]}, usuario=personas.planeacion,
        )  # fmt: skip
    assert not Responsable.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_copies_todays_responsables_from_january():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    antes, despues = [("programas", "0001_initial")], [("programas", "0002_responsables_vigencia")]
    executor = MigrationExecutor(connection)
    executor.migrate(antes)
    viejas = executor.loader.project_state(antes).apps
    ejercicio = viejas.get_model("programas", "Ejercicio").objects.create(anio=2040)
    ramo = viejas.get_model("programas", "Ramo").objects.create(
        ejercicio=ejercicio, clave="54", nombre="Bienestar",
        responsable_nombre="YOLANDA LOZANO PÁEZ", responsable_cargo="RESPONSABLE DEL RAMO",
    )  # fmt: skip
    viejas.get_model("programas", "UnidadEjecutora").objects.create(
        ramo=ramo, clave="54101", nombre="Dirección"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(despues)
    assert list(Responsable.objects.values_list("ramo_id", "desde", "nombre", "cargo")) == [
        (ramo.pk, 1, "YOLANDA LOZANO PÁEZ", "RESPONSABLE DEL RAMO")
    ]
    assert responsables.vigente(responsables.periodos_de(Ramo.objects.get(pk=ramo.pk)), 12) == (
        "YOLANDA LOZANO PÁEZ",
        "RESPONSABLE DEL RAMO",
    )
