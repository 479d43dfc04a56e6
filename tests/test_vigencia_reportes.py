"""The reports of a quarter show only the metas in force in it (issue 16, DOMAIN.md §3).

BISOM 205 and 509 were created in April (the seed's Q1 sheets do not list them): no format,
tablero, signed snapshot or public page of Q1 shows them, while the other 33 BISOM metas,
re-issued in April with the same or another meta, still appear in Q1 counted from January.
The importer tells one case from the other by the meta's history before `mes_inicio`.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from avances.firma.huella import snapshot_actual
from avances.models import Avance, TrimestreFirma
from plantilla.importacion import importar_libro
from programas.models import Meta, Ramo, Reprogramacion, UnidadEjecutora
from publico.selectors import datos_publicos
from reportes.formatos import EXPORTADORES, Exportador, Parametros
from reportes.selectors import reporte_datos
from reportes.tablero import tablero_datos
from tests.fixtures_demo import COLUMNAS_AVANCES, COLUMNAS_METAS, fila_meta, libro_xlsx

NUEVAS = {"205", "509"}
DESCRIPCION_205 = "Celebrar sesiones del comité de transparencia"


def _claves(datos) -> set[str]:
    return {f.clave for s in datos.secciones for f in s.filas}


@pytest.fixture
def bisom(poa_demo):
    return Ramo.objects.get(ejercicio=poa_demo, clave="54")


def test_q1_of_bisom_lists_the_33_metas_of_the_seed_and_not_205_or_509(bisom):
    q1 = _claves(reporte_datos(anio=2022, trimestre=1, ramo_id=bisom.pk))
    assert len(q1) == 33 and not q1 & NUEVAS
    for trimestre in (2, 3, 4):
        assert NUEVAS <= _claves(reporte_datos(anio=2022, trimestre=trimestre, ramo_id=bisom.pk))
    # The re-issued metas keep their Q1 (meta 100: original 446 counted from January).
    assert "100" in q1 and "103" in q1


def test_no_format_of_q1_prints_the_metas_created_in_april(bisom):
    # The formats built on the metas (`reporte_datos`); MIR formats list indicators.
    de_metas = {i: e for i, e in EXPORTADORES.items() if type(e) is Exportador}
    assert {"tmm-f004", "tmm-f004-mensual"} <= set(de_metas) and len(de_metas) >= 5
    for identificador, exportador in de_metas.items():
        params = Parametros(anio=2022, trimestre=1, ramo_id=bisom.pk, formato="xlsx")
        documento = exportador.construir(exportador.datos(params))
        assert DESCRIPCION_205 not in repr(documento), identificador
        params_q2 = Parametros(anio=2022, trimestre=2, ramo_id=bisom.pk, formato="xlsx")
        if identificador.startswith("tmm-f004"):
            assert DESCRIPCION_205 in repr(exportador.construir(exportador.datos(params_q2)))
    _, _, contenido = EXPORTADORES["tmm-f004"].render(
        Parametros(anio=2022, trimestre=1, ramo_id=bisom.pk, formato="xlsx")
    )
    libro = openpyxl.load_workbook(io.BytesIO(contenido), read_only=True)
    textos = " ".join(
        str(v) for hoja in libro for fila in hoja.iter_rows(values_only=True) for v in fila if v
    )
    assert "Celebrar sesiones del comit" not in textos and "Promover la adopción" not in textos


def test_tablero_snapshot_and_portal_of_q1_leave_them_out(bisom):
    datos = reporte_datos(anio=2022, trimestre=1, ramo_id=bisom.pk)
    tablero = tablero_datos(datos, nivel="unidad")
    assert not {m.clave for m in tablero.metas} & NUEVAS
    unidad = UnidadEjecutora.objects.get(ramo=bisom, clave="54102")
    meta = Meta.objects.get(unidad=unidad, clave="205")
    snapshot, _ = snapshot_actual(meta.programa, unidad, 1)
    assert "205" not in repr(snapshot) and "200" in repr(snapshot)
    assert "205" in repr(snapshot_actual(meta.programa, unidad, 2)[0])
    for programa_id, unidad_id in (
        Meta.objects.filter(unidad__ramo=bisom).values_list("programa_id", "unidad_id").distinct()
    ):
        TrimestreFirma.objects.update_or_create(
            programa_id=programa_id, unidad_id=unidad_id, trimestre=1,
            defaults={"estado": TrimestreFirma.Estado.AUTORIZADO},
        )  # fmt: skip
    publicos = _claves(datos_publicos(anio=2022, trimestre=1, ramo_id=bisom.pk))
    assert len(publicos) == 33 and not publicos & NUEVAS


def _libro(metas: list[dict], avances: list[list]) -> bytes:
    return libro_xlsx(
        {"metas": metas, "avances": avances},
        columnas={"metas": COLUMNAS_METAS, "avances": COLUMNAS_AVANCES},
    )


@pytest.mark.parametrize(
    ("programado_feb", "avance_marzo", "en_q1"),
    [(0, False, False), (0, True, True), (2, False, True)],
    ids=["creada-en-abril", "con-avance-en-marzo", "con-programado-en-febrero"],
)
def test_importer_tells_a_meta_created_mid_year_from_a_reissued_one(
    db, programado_feb, avance_marzo, en_q1
):
    programado = [0, programado_feb, 0] + [1] * 9
    meta = fila_meta("100", meta_anual=9, mes_inicio=4, programado=programado)
    avances = [["54", "54101", "100", 3, 1, ""]] if avance_marzo else []
    importar_libro(io.BytesIO(_libro([meta], avances)), ejercicio=2030)
    guardada = Meta.objects.get(clave="100", unidad__ramo__ejercicio__anio=2030)
    assert Reprogramacion.objects.filter(meta=guardada).exists() is en_q1
    claves = {f.clave for s in reporte_datos(anio=2030, trimestre=2).secciones for f in s.filas}
    assert claves == {"100"}
    if en_q1:
        assert _claves(reporte_datos(anio=2030, trimestre=1)) == {"100"}
    else:
        from reportes.selectors import AlcanceVacio

        with pytest.raises(AlcanceVacio, match="vigencias empiezan después"):
            reporte_datos(anio=2030, trimestre=1)
    # Importing the same workbook again changes nothing (the rule reads back the same).
    plan = importar_libro(io.BytesIO(_libro([meta], avances)), ejercicio=2030)
    assert not plan.hay_escrituras
    assert Avance.objects.filter(meta=guardada).count() == (1 if avance_marzo else 0)
