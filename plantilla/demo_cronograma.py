"""Seed 002 in the living demo: Presidencia's área «Gestión Social y Atención Ciudadana»
with its objectives, its alignment with the PMD and its cronograma, through the importer."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from plantilla.exportacion import COLUMNAS_METAS
from plantilla.exportacion_cronograma import COLUMNAS_ALINEACION, COLUMNAS_OBJETIVOS
from programas.models import ABREVIATURAS_MES

RAMO, PROGRAMA, UNIDAD = "01", "010", "GSAC"
NOMBRES = {"ramo_nombre": "PRESIDENCIA", "programa_nombre": "GESTIÓN Y CONDUCCIÓN DE LA "
           "POLÍTICA INTERIOR", "unidad_nombre": "GESTIÓN SOCIAL Y ATENCIÓN CIUDADANA"}  # fmt: skip
ACTIVIDADES = [
    # clave, actividad, responsable, unidad de medida, fechas or periodicidad
    ("GS-1", "Atención Ciudadana y recepción de solicitudes", "Personal de Gestión Social",
     "SOLICITUDES", ("02/01/2026", "30/12/2026", "")),
    ("GS-2", "Gestión de Apoyos y Jornadas Comunitarias",
     "Jefe del Departamento y personal de gestión social.", "APOYOS", ("", "", "BIMESTRAL")),
    ("GS-3", "Programas Sociales y gestión ante dependencias externas", "Jefe del Departamento",
     "PROGRAMAS", ("", "", "BIMESTRAL")),
    ("GS-4", "Vinculación Institucional", "Presidencia o en su caso la secretaria de Gobierno",
     "GESTION", ("", "", "BIMESTRAL")),
]  # fmt: skip
OBJETIVOS = [(RAMO, UNIDAD, "Atención directa a los ciudadanos en sus demandas y necesidades "
              "sociales", "Brindar atención personalizada y oportuna a la ciudadanía que solicita "
              "apoyos o gestiones ante la administración municipal resolviendo y dando "
              "seguimiento a sus solicitudes.")]  # fmt: skip
EJE, LINEA = "Mas desarrollo y competitividad", "Desarrollo económico para los habitantes"
ALINEACION = [
    (RAMO, UNIDAD, 1, "Atención Ciudadana y recepción de solicitudes", EJE, LINEA, "",
     "Recepción y canalización de solicitudes de apoyo social al departamento correspondiente"),
    (RAMO, UNIDAD, 2, "Gestión de Apoyos y Jornadas Comunitarias", EJE, LINEA, "",
     "Gestionar Apoyos ante las dependencias correspondientes para otorgarlos a la ciudadanía"),
    (RAMO, UNIDAD, 3, "Programas Sociales y gestión ante dependencias externas", EJE, LINEA, "",
     "Talleres y capacitaciones en temas de desarrollo humano y comunitario."),
    (RAMO, UNIDAD, 4, "Vinculación Institucional", EJE, LINEA, "",
     "Participación en mesas interinstitucionales de trabajo."),
    (RAMO, UNIDAD, 5, "", "", "", "",
     "Establecimiento de convenios con organizaciones civiles y publicas"),
]  # fmt: skip


def libro_semilla_002() -> bytes:
    """The área's metas (90 a year, every month programmed), objetivos and alineacion."""
    libro = openpyxl.Workbook()
    libro.remove(libro.active)
    metas = libro.create_sheet("metas")
    metas.append(COLUMNAS_METAS)
    for orden, (clave, actividad, responsable, medida, (inicio, fin, periodo)) in enumerate(
        ACTIVIDADES
    ):
        fila = {
            "ramo_clave": RAMO, "programa_clave": PROGRAMA, "unidad_clave": UNIDAD, **NOMBRES,
            "clave": clave, "grupo": f"{orden + 1} - {actividad.upper()}",
            "descripcion": actividad, "unidad_medida": medida, "meta_anual": 90,
            "tipo_acumulacion": "SUMA", "responsable": responsable, "fecha_inicio": inicio,
            "fecha_fin": fin, "periodicidad": periodo,
            **dict.fromkeys(ABREVIATURAS_MES, Decimal("7.5")),
        }  # fmt: skip
        metas.append([fila.get(c) for c in COLUMNAS_METAS])
    for nombre, columnas, filas in (
        ("objetivos", COLUMNAS_OBJETIVOS, OBJETIVOS),
        ("alineacion", COLUMNAS_ALINEACION, ALINEACION),
    ):
        hoja = libro.create_sheet(nombre)
        hoja.append(columnas)
        for fila in filas:
            hoja.append(list(fila))
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
