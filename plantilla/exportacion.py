"""Write the POA workbook (PLANTILLA.md) and a unidad's quarterly capture sheet.

`exportar_libro(ejercicio=…)` writes every sheet of the plantilla so that importing the file
into an empty database reproduces the same POA. `exportar_hoja_captura(unidad=…,
trimestre=…)` writes the `avances` layout for one unidad and quarter with helpful read-only
columns (descripción, P of each month) and the current R and observaciones, to be filled
offline and uploaded back through the same preview/confirm flow.

Claves are text cells (format `@`), figures are numeric cells, and any text that a
spreadsheet could run as a formula is written as an explicit string (`xlsx_seguro`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from avances.models import Avance
from plantilla.exportacion_cronograma import COLUMNAS_META_CRONOGRAMA, HOJAS_CRONOGRAMA
from plantilla.exportacion_mir import HOJAS_MIR, NUMERICAS_MIR
from plantilla.xlsx_seguro import celda_texto
from programas import mir, responsables
from programas.formulas import meses_del_trimestre
from programas.models import (
    ABREVIATURAS_MES,
    NOMBRES_MES,
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    UnidadEjecutora,
)

COLUMNAS_METAS = [
    "ramo_clave", "ramo_nombre", "programa_clave", "programa_nombre", "unidad_clave",
    "unidad_nombre", "grupo", "clave", "descripcion", "unidad_medida", "meta_anual",
    "meta_anual_original", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir",
    "lineas_pmd", *ABREVIATURAS_MES, *COLUMNAS_META_CRONOGRAMA,
]  # fmt: skip
COLUMNAS_AVANCES = ["ramo_clave", "unidad_clave", "clave", "mes", "realizado", "observaciones"]
COLUMNAS_PROGRAMAS = ["programa_clave", "ramo_clave", "finalidad", "funcion", "subfuncion", "eje",
                      "fin", "proposito"]  # fmt: skip
COLUMNAS_RESPONSABLES = ["nivel", "ramo_clave", "clave", "nombre", "cargo", "desde"]
COLUMNAS_PRESUPUESTO = [
    "ramo_clave", "programa_clave", "capitulo", "descripcion", "autorizado", "modificado",
    "devengado_t1", "devengado_t2", "devengado_t3", "devengado_t4",
]  # fmt: skip
# Columns holding claves: always text cells, so `054` stays `054`.
CLAVES = {"ramo_clave", "programa_clave", "unidad_clave", "clave", "codigo", "capitulo"}
NUMERICAS = {"meta_anual", "meta_anual_original", "mes_inicio", "mes", "desde", "realizado",
             "programado", "autorizado", "modificado", "devengado_t1", "devengado_t2",
             "devengado_t3", "devengado_t4", *ABREVIATURAS_MES, *NUMERICAS_MIR,
             "numero"}  # fmt: skip
ANCHOS = {"descripcion": 60, "observaciones": 50, "ramo_nombre": 30, "programa_nombre": 30,
          "unidad_nombre": 28, "grupo": 30, "nombre": 40, "cargo": 30, "fin": 50,
          "proposito": 50, "lineas_pmd": 18, "unidad_medida": 16, "mes_nombre": 12}  # fmt: skip

ENCABEZADO = {"font": Font(bold=True, color="FFFFFF"),
              "fill": PatternFill("solid", fgColor="1F4E79")}  # fmt: skip
SOLO_LECTURA = {"fill": PatternFill("solid", fgColor="E7E6E6"), "font": Font(color="555555")}
EDITABLE = {"fill": PatternFill("solid", fgColor="FFF2CC")}


def _celda(ws, columna: str, valor, estilo: dict | None = None) -> WriteOnlyCell:
    """A cell of the plantilla: claves and text as text, figures as numbers."""
    if isinstance(valor, dt.date):  # cronograma dates: real dates, shown dd/mm/aaaa
        celda = WriteOnlyCell(ws, value=valor)
        celda.number_format = "DD/MM/YYYY"
        return celda
    if columna in NUMERICAS and (valor is None or isinstance(valor, int | Decimal)):
        celda = WriteOnlyCell(ws, value=valor)
        for atributo, valor_estilo in (estilo or {}).items():
            setattr(celda, atributo, valor_estilo)
        return celda
    celda = celda_texto(ws, valor, estilo=estilo)
    if columna in CLAVES:
        celda.number_format = "@"
    if columna in ("descripcion", "observaciones", "fin", "proposito"):
        celda.alignment = Alignment(wrap_text=True, vertical="top")
    return celda


def _hoja(libro, nombre: str, columnas: list[str], filas, estilos: dict | None = None):
    """Append a sheet with a bold header, frozen first row and sensible widths."""
    ws = libro.create_sheet(nombre)
    for indice, columna in enumerate(columnas, start=1):
        ws.column_dimensions[get_column_letter(indice)].width = ANCHOS.get(
            columna, max(10, len(columna) + 2)
        )
    ws.freeze_panes = "A2"
    filas = list(filas)
    # Declare the sheet's size up front, as Excel does: without <dimension> openpyxl's
    # read-only mode parses the whole sheet once more just to measure it.
    ultima = f"{get_column_letter(len(columnas))}{len(filas) + 1}"
    ws.calculate_dimension = lambda: f"A1:{ultima}"
    ws.append([celda_texto(ws, c, estilo=ENCABEZADO) for c in columnas])
    estilos = estilos or {}
    for fila in filas:
        ws.append([_celda(ws, c, fila.get(c), estilos.get(c)) for c in columnas])
    return ws


def _guardar(libro) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


# --- Selectors: plain rows for the sheets ---------------------------------------------------


def filas_metas(ejercicio: Ejercicio) -> list[dict]:
    """One dict per meta of the ejercicio, in report order, with its 12 programmed months."""
    metas = list(
        Meta.objects.filter(unidad__ramo__ejercicio=ejercicio)
        .order_by("unidad__ramo__clave", "orden", "unidad__clave", "clave", "pk")
        .values(
            "pk", "clave", "grupo", "descripcion", "unidad_medida", "meta_anual",
            "meta_anual_original", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir",
            "unidad__ramo__clave", "unidad__ramo__nombre", "programa__clave",
            "programa__nombre", "unidad__clave", "unidad__nombre", *COLUMNAS_META_CRONOGRAMA,
        )
    )  # fmt: skip
    programado: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for meta_id, mes, valor in Programado.objects.filter(
        meta__unidad__ramo__ejercicio=ejercicio
    ).values_list("meta_id", "mes", "valor"):
        programado[meta_id][mes] = valor
    lineas: dict[int, list[str]] = defaultdict(list)
    for meta_id, codigo in (
        Meta.lineas_pmd.through.objects.filter(meta__unidad__ramo__ejercicio=ejercicio)
        .order_by("lineapmd__codigo")
        .values_list("meta_id", "lineapmd__codigo")
    ):
        lineas[meta_id].append(codigo)
    filas = []
    for m in metas:
        fila = {
            "ramo_clave": m["unidad__ramo__clave"], "ramo_nombre": m["unidad__ramo__nombre"],
            "programa_clave": m["programa__clave"], "programa_nombre": m["programa__nombre"],
            "unidad_clave": m["unidad__clave"], "unidad_nombre": m["unidad__nombre"],
            "grupo": m["grupo"], "clave": m["clave"], "descripcion": m["descripcion"],
            "unidad_medida": m["unidad_medida"], "meta_anual": m["meta_anual"],
            "meta_anual_original": m["meta_anual_original"], "mes_inicio": m["mes_inicio"],
            "tipo_acumulacion": m["tipo_acumulacion"], "sentido": m["sentido"],
            "nivel_mir": m["nivel_mir"], "lineas_pmd": ", ".join(lineas.get(m["pk"], ())),
            **{c: m[c] for c in COLUMNAS_META_CRONOGRAMA},
        }  # fmt: skip
        meses = programado.get(m["pk"], {})
        for mes, abrev in enumerate(ABREVIATURAS_MES, start=1):
            fila[abrev] = meses.get(mes, Decimal("0"))
        filas.append(fila)
    return filas


def filas_avances(ejercicio: Ejercicio) -> list[dict]:
    """Captured months (a value or observaciones) of the ejercicio, in report order."""
    return [
        {
            "ramo_clave": a["meta__unidad__ramo__clave"],
            "unidad_clave": a["meta__unidad__clave"],
            "clave": a["meta__clave"],
            "mes": a["mes"],
            "realizado": a["realizado"],
            "observaciones": a["observaciones"],
        }
        for a in Avance.objects.filter(meta__unidad__ramo__ejercicio=ejercicio)
        .exclude(realizado__isnull=True, observaciones="")
        .order_by(
            "meta__unidad__ramo__clave", "meta__orden", "meta__unidad__clave", "meta__clave", "mes"
        )  # fmt: skip
        .values(
            "meta__unidad__ramo__clave",
            "meta__unidad__clave",
            "meta__clave",
            "mes",
            "realizado",
            "observaciones",
        )  # fmt: skip
    ]


def filas_responsables(ejercicio: Ejercicio) -> list[dict]:
    """One row per post and `desde` (programas.responsables); four queries."""
    niveles = (
        ("RAMO", "ramo", Ramo.objects.filter(ejercicio=ejercicio), "clave", "clave"),
        ("PROGRAMA", "programa", Programa.objects.filter(ramo__ejercicio=ejercicio),
         "ramo__clave", "clave"),
        ("UNIDAD", "unidad", UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio),
         "ramo__clave", "clave"),
    )  # fmt: skip
    puestos = [
        (etiqueta, nivel, fila[ramo], fila[clave], fila)
        for etiqueta, nivel, consulta, ramo, clave in niveles
        for fila in consulta.order_by(ramo, clave).values(
            "id", ramo, clave, "responsable_nombre", "responsable_cargo"
        )
    ]
    vigencias = responsables.filas_por_puesto(
        ramos=[f["id"] for _, n, _, _, f in puestos if n == "ramo"],
        programas=[f["id"] for _, n, _, _, f in puestos if n == "programa"],
        unidades=[f["id"] for _, n, _, _, f in puestos if n == "unidad"],
    )
    filas = []
    for etiqueta, nivel, ramo_clave, clave, fila in puestos:
        actual = (fila["responsable_nombre"], fila["responsable_cargo"])
        for periodo in responsables.periodos(vigencias.get((nivel, fila["id"]), []), actual):
            filas.append(
                {"nivel": etiqueta, "ramo_clave": ramo_clave, "clave": clave,
                 "nombre": periodo.nombre, "cargo": periodo.cargo, "desde": periodo.desde}
            )  # fmt: skip
    return filas


def exportar_libro(*, ejercicio: Ejercicio) -> bytes:
    """Return the whole POA of `ejercicio` as a plantilla workbook (XLSX bytes)."""
    libro = openpyxl.Workbook(write_only=True)
    _hoja(libro, "metas", COLUMNAS_METAS, filas_metas(ejercicio))
    _hoja(libro, "avances", COLUMNAS_AVANCES, filas_avances(ejercicio))
    _hoja(
        libro, "lineas_pmd", ["codigo", "nombre"],
        LineaPMD.objects.filter(ejercicio=ejercicio).order_by("codigo").values("codigo", "nombre"),
    )  # fmt: skip
    programas = list(
        Programa.objects.filter(ramo__ejercicio=ejercicio)
        .order_by("ramo__clave", "clave")
        .values("id", "clave", "ramo__clave", "finalidad", "funcion", "subfuncion", "eje")
    )
    textos = mir.fin_y_proposito(p["id"] for p in programas)
    _hoja(
        libro, "programas", COLUMNAS_PROGRAMAS,
        ({**p, **textos[p["id"]], "programa_clave": p["clave"], "ramo_clave": p["ramo__clave"]}
         for p in programas),
    )  # fmt: skip
    _hoja(libro, "responsables", COLUMNAS_RESPONSABLES, filas_responsables(ejercicio))
    presupuesto = (
        Presupuesto.objects.filter(programa__ramo__ejercicio=ejercicio)
        .order_by("programa__ramo__clave", "programa__clave", "capitulo")
        .values("programa__ramo__clave", "programa__clave", *COLUMNAS_PRESUPUESTO[2:])
    )
    _hoja(
        libro, "presupuesto", COLUMNAS_PRESUPUESTO,
        ({**p, "ramo_clave": p["programa__ramo__clave"], "programa_clave": p["programa__clave"]}
         for p in presupuesto),
    )  # fmt: skip
    for nombre, columnas, filas in (*HOJAS_CRONOGRAMA, *HOJAS_MIR):
        _hoja(libro, nombre, columnas, filas(ejercicio))
    return _guardar(libro)


def nombre_archivo_libro(ejercicio: Ejercicio) -> str:
    return f"poa_{ejercicio.anio}.xlsx"


# --- The capture sheet ----------------------------------------------------------------------

COLUMNAS_CAPTURA = [
    "ramo_clave", "unidad_clave", "programa_clave", "clave", "descripcion", "unidad_medida",
    "mes", "mes_nombre", "programado", "realizado", "observaciones",
]  # fmt: skip
ESTILOS_CAPTURA = {
    c: SOLO_LECTURA for c in COLUMNAS_CAPTURA if c not in ("realizado", "observaciones")
}
ESTILOS_CAPTURA |= {"realizado": EDITABLE, "observaciones": EDITABLE}


def filas_hoja_captura(*, unidad: UnidadEjecutora, trimestre: int) -> list[dict]:
    """One row per meta of the unidad and month of the quarter, with P and the current R."""
    meses = list(meses_del_trimestre(trimestre))
    metas = list(
        Meta.objects.filter(unidad=unidad)
        .order_by("orden", "clave", "pk")
        .values("pk", "clave", "descripcion", "unidad_medida", "programa__clave")
    )
    programado = {
        (m, mes): v
        for m, mes, v in Programado.objects.filter(meta__unidad=unidad, mes__in=meses).values_list(
            "meta_id", "mes", "valor"
        )
    }
    avances = {
        (a["meta_id"], a["mes"]): a
        for a in Avance.objects.filter(meta__unidad=unidad, mes__in=meses).values(
            "meta_id", "mes", "realizado", "observaciones"
        )
    }
    filas = []
    for meta in metas:
        for mes in meses:
            avance = avances.get((meta["pk"], mes), {})
            filas.append(
                {
                    "ramo_clave": unidad.ramo.clave, "unidad_clave": unidad.clave,
                    "programa_clave": meta["programa__clave"], "clave": meta["clave"],
                    "descripcion": meta["descripcion"], "unidad_medida": meta["unidad_medida"],
                    "mes": mes, "mes_nombre": NOMBRES_MES[mes - 1],
                    "programado": programado.get((meta["pk"], mes), Decimal("0")),
                    "realizado": avance.get("realizado"),
                    "observaciones": avance.get("observaciones", ""),
                }
            )  # fmt: skip
    return filas


def exportar_hoja_captura(*, unidad: UnidadEjecutora, trimestre: int) -> bytes:
    """Return the quarter's capture sheet of a unidad (sheet `avances` + instrucciones)."""
    libro = openpyxl.Workbook(write_only=True)
    ws = _hoja(
        libro, "avances", COLUMNAS_CAPTURA,
        filas_hoja_captura(unidad=unidad, trimestre=trimestre), ESTILOS_CAPTURA,
    )  # fmt: skip
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNAS_CAPTURA))}1"
    ejercicio = unidad.ramo.ejercicio.anio
    instrucciones = libro.create_sheet("instrucciones")
    instrucciones.column_dimensions["A"].width = 110
    for linea in (
        f"Hoja de captura — unidad {unidad.clave} {unidad.nombre}, trimestre {trimestre} de "
        f"{ejercicio}",
        "",
        "1. Llene solo las columnas amarillas: realizado (número, p. ej. 1234.5 o 1,234.5) y "
        "observaciones.",
        "2. Las columnas grises (descripción, programado…) son informativas: no las cambie; la "
        "carga las ignora.",
        "3. Una fila con realizado y observaciones vacíos se deja como está en el sistema.",
        "4. No cambie ramo_clave, unidad_clave, clave ni mes: identifican la meta y el mes.",
        "5. Suba el archivo en «Importación › Hoja de captura»: verá una vista previa con los "
        "cambios y los errores antes de confirmar.",
        "Solo se aceptan las metas de sus unidades y los meses abiertos a captura.",
    ):
        instrucciones.append([celda_texto(instrucciones, linea)])
    return _guardar(libro)


def nombre_archivo_captura(unidad: UnidadEjecutora, trimestre: int) -> str:
    return (
        f"captura_{unidad.ramo.ejercicio.anio}_{unidad.ramo.clave}_{unidad.clave}_T{trimestre}.xlsx"
    )
