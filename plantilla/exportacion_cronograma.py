"""Rows of the cronograma sheets for the export (seed 002, DOMAIN.md §9)."""

from __future__ import annotations

from plantilla.importacion.cronograma import CAMPOS_ALINEACION, COLUMNAS_META
from programas.models import AlineacionPMD, Ejercicio, UnidadEjecutora

COLUMNAS_META_CRONOGRAMA = list(COLUMNAS_META)
COLUMNAS_OBJETIVOS = ["ramo_clave", "unidad_clave", "objetivo_general", "objetivos_especificos"]
COLUMNAS_ALINEACION = ["ramo_clave", "unidad_clave", "numero", *CAMPOS_ALINEACION]


def filas_objetivos(ejercicio: Ejercicio) -> list[dict]:
    """One row per unidad that has an objetivo general or específicos."""
    unidades = (
        UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio)
        .exclude(objetivo_general="", objetivos_especificos="")
        .order_by("ramo__clave", "clave")
        .values("ramo__clave", "clave", "objetivo_general", "objetivos_especificos")
    )
    return [
        {"ramo_clave": u["ramo__clave"], "unidad_clave": u["clave"],
         "objetivo_general": u["objetivo_general"],
         "objetivos_especificos": u["objetivos_especificos"]}
        for u in unidades
    ]  # fmt: skip


def filas_alineacion(ejercicio: Ejercicio) -> list[dict]:
    filas = (
        AlineacionPMD.objects.filter(unidad__ramo__ejercicio=ejercicio)
        .order_by("unidad__ramo__clave", "unidad__clave", "numero")
        .values("unidad__ramo__clave", "unidad__clave", "numero", *CAMPOS_ALINEACION)
    )
    return [
        {"ramo_clave": f.pop("unidad__ramo__clave"), "unidad_clave": f.pop("unidad__clave"), **f}
        for f in filas
    ]


HOJAS_CRONOGRAMA = (
    ("objetivos", COLUMNAS_OBJETIVOS, filas_objetivos),
    ("alineacion", COLUMNAS_ALINEACION, filas_alineacion),
)
