"""The `poa_demo` fixture (the three seed workbooks loaded through the real importer) and
helpers to build small workbooks in tests."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from programas.models import ABREVIATURAS_MES, Ejercicio

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

COLUMNAS_METAS = [
    "ramo_clave", "ramo_nombre", "programa_clave", "programa_nombre", "unidad_clave",
    "unidad_nombre", "grupo", "clave", "descripcion", "unidad_medida", "meta_anual",
    "meta_anual_original", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir",
    "lineas_pmd", *ABREVIATURAS_MES,
]  # fmt: skip
COLUMNAS_AVANCES = ["ramo_clave", "unidad_clave", "clave", "mes", "realizado", "observaciones"]


@pytest.fixture
def poa_demo(db):
    """Load fixtures/{oromapas,bisom,presidencia}_2022.xlsx into ejercicio 2022."""
    from plantilla.demo import cargar_libros_demo

    cargar_libros_demo()
    return Ejercicio.objects.get(anio=2022)


def fila_meta(
    clave="100",
    *,
    ramo="54",
    programa="511",
    unidad="54101",
    meta_anual=12,
    programado=None,
    **extra,
) -> dict:
    """A metas row as a dict (column → value); 1 programmed per month by default."""
    programado = programado if programado is not None else [1] * 12
    fila = {
        "ramo_clave": ramo, "ramo_nombre": f"Ramo {ramo}", "programa_clave": programa,
        "programa_nombre": f"Programa {programa}", "unidad_clave": unidad,
        "unidad_nombre": f"Unidad {unidad}", "clave": clave,
        "descripcion": f"Meta de prueba {clave}", "unidad_medida": "Informe",
        "meta_anual": meta_anual, "tipo_acumulacion": "SUMA",
    }  # fmt: skip
    fila.update(dict(zip(ABREVIATURAS_MES, programado, strict=True)))
    fila.update(extra)
    return fila


def libro_xlsx(hojas: dict[str, list], *, columnas: dict[str, list] | None = None) -> bytes:
    """Build an XLSX: {sheet: [row dicts or row lists]}; dict rows use `columnas` or defaults.

    Text values are written as text cells (claves stay `054`); a text starting with '=' is
    written as a real formula, as a spreadsheet program would store it.
    """
    columnas = columnas or {}
    libro = openpyxl.Workbook()
    libro.remove(libro.active)
    for nombre, filas in hojas.items():
        ws = libro.create_sheet(nombre)
        encabezado = columnas.get(nombre) or {
            "metas": COLUMNAS_METAS, "avances": COLUMNAS_AVANCES,
        }.get(nombre)  # fmt: skip
        if encabezado is None and filas and isinstance(filas[0], dict):
            encabezado = list(filas[0])
        if encabezado is not None:
            ws.append(encabezado)
        for fila in filas:
            ws.append([fila.get(c) for c in encabezado] if isinstance(fila, dict) else fila)
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def leer_seed(nombre: str) -> openpyxl.Workbook:
    """Open a seed workbook from fixtures/ for editing in a test."""
    return openpyxl.load_workbook(FIXTURES / nombre)


def a_bytes(libro: openpyxl.Workbook) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
