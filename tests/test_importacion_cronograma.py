"""The cronograma fields through the workbook (seed 002, DOMAIN.md §9)."""

from __future__ import annotations

import datetime as dt

import pytest

from plantilla.exportacion import exportar_libro
from plantilla.importacion import ImportacionInvalida, analizar_libro, importar_libro
from programas.models import AlineacionPMD, Ejercicio, Meta, UnidadEjecutora
from tests.fixtures_demo import COLUMNAS_METAS, fila_meta, libro_xlsx

pytestmark = pytest.mark.django_db

COLUMNAS = [*COLUMNAS_METAS, "responsable", "fecha_inicio", "fecha_fin", "periodicidad"]
OBJETIVOS = ["ramo_clave", "unidad_clave", "objetivo_general", "objetivos_especificos"]
ALINEACION = ["ramo_clave", "unidad_clave", "numero", "modulo", "eje", "linea_estrategica",
              "accion_pmd", "actividad_especifica"]  # fmt: skip


def _libro(metas, objetivos=(), alineacion=()) -> bytes:
    hojas = {"metas": metas}
    if objetivos:
        hojas["objetivos"] = list(objetivos)
    if alineacion:
        hojas["alineacion"] = list(alineacion)
    return libro_xlsx(hojas, columnas={"metas": COLUMNAS, "objetivos": OBJETIVOS,
                                       "alineacion": ALINEACION})  # fmt: skip


def _semilla_002() -> bytes:
    metas = [
        fila_meta("1", responsable="Personal de Gestión Social", fecha_inicio="02/01/26",
                  fecha_fin=dt.datetime(2026, 12, 30)),
        fila_meta("2", responsable="Jefe del Departamento y personal de gestión social.",
                  periodicidad="bimestral"),
    ]  # fmt: skip
    objetivos = [("54", "54101", "Atención directa a los ciudadanos en sus demandas",
                  "Brindar atención personalizada y oportuna a la ciudadanía")]  # fmt: skip
    alineacion = [
        ("54", "54101", 1, "Atención Ciudadana y recepción de solicitudes",
         "Mas desarrollo y competitividad", "Desarrollo económico para los habitantes", "",
         "Recepción y canalización de solicitudes de apoyo social"),
        ("54", "54101", 5, "", "", "", "", "Establecimiento de convenios con organizaciones"),
    ]  # fmt: skip
    return _libro(metas, objetivos, alineacion)


def test_seed_002_fields_are_imported_and_an_export_reimports_with_zero_changes(db):
    contenido = _semilla_002()
    importar_libro(contenido, ejercicio=2026)
    uno = Meta.objects.get(clave="1")
    assert uno.responsable == "Personal de Gestión Social"
    assert (uno.fecha_inicio, uno.fecha_fin) == (dt.date(2026, 1, 2), dt.date(2026, 12, 30))
    assert Meta.objects.get(clave="2").periodicidad == "BIMESTRAL"
    unidad = UnidadEjecutora.objects.get(clave="54101")
    assert unidad.objetivo_general.startswith("Atención directa")
    assert list(unidad.alineaciones.values_list("numero", flat=True)) == [1, 5]
    assert not analizar_libro(contenido, ejercicio=2026).hay_escrituras
    exportado = exportar_libro(ejercicio=Ejercicio.objects.get(anio=2026))
    plan = analizar_libro(exportado, ejercicio=2026)
    assert plan.errores == [] and not plan.hay_escrituras, plan.cambios[:3]


def test_an_older_workbook_without_the_columns_keeps_the_stored_fields(db):
    importar_libro(_semilla_002(), ejercicio=2026)
    viejo = libro_xlsx({"metas": [fila_meta("1"), fila_meta("2")]})
    plan = analizar_libro(viejo, ejercicio=2026)
    assert plan.errores == [] and not plan.hay_escrituras
    assert AlineacionPMD.objects.count() == 2


@pytest.mark.parametrize(
    ("extra", "esperado"),
    [
        ({"fecha_inicio": "31/02/26"}, "metas!2 fecha_inicio: «31/02/26» no es una fecha"),
        ({"fecha_inicio": "mañana"}, "metas!2 fecha_inicio: «mañana» no es una fecha"),
        (
            {"fecha_inicio": "2026-06-01", "fecha_fin": "2026-01-01"},
            "metas!2 fecha_fin: la fecha de fin es anterior a la de inicio.",
        ),
    ],
)
def test_bad_dates_are_named_and_nothing_is_written(db, extra, esperado):
    contenido = _libro([fila_meta("1", **extra)])
    errores = [str(e) for e in analizar_libro(contenido, ejercicio=2026).errores]
    assert any(e.startswith(esperado) for e in errores), errores
    with pytest.raises(ImportacionInvalida):
        importar_libro(contenido, ejercicio=2026)
    assert not Meta.objects.exists()


def test_alineacion_of_an_unknown_unidad_is_an_error(db):
    contenido = _libro([fila_meta("1")], alineacion=[("54", "99999", 1, "x", "", "", "", "")])
    errores = [str(e) for e in analizar_libro(contenido, ejercicio=2026).errores]
    assert any(e.startswith("alineacion!2 unidad_clave: la unidad 99999") for e in errores)
