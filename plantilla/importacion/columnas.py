"""Sheet and column names of the workbook: specs, aliases and the header map of a sheet."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from programas.models import (
    ABREVIATURAS_MES,
    NOMBRES_MES,
    Indicador,
    LineaPMD,
    Meta,
    ObjetivoMIR,
    Presupuesto,
    Programa,
    Ramo,
    UnidadEjecutora,
    Variable,
)

MESES = tuple(range(1, 13))


def normalizar(texto: Any) -> str:
    """Key for matching names: no accents, lower case, no spaces, underscores or hyphens."""
    texto = unicodedata.normalize("NFKD", str(texto or ""))
    texto = "".join(c for c in texto if not unicodedata.combining(c))
    return re.sub(r"[\s_\-.]+", "", texto.lower())


def _opcion(texto: str) -> str:
    """Key for choice values (tipo, sentido, nivel): no accents, upper case, no separators."""
    return normalizar(texto).upper()


MES_POR_COLUMNA = {abrev: i for i, abrev in enumerate(ABREVIATURAS_MES, start=1)}


@dataclass(frozen=True)
class Columna:
    nombre: str
    requerida: bool = False
    max_len: int | None = None


def _largo(modelo, campo: str) -> int | None:
    return modelo._meta.get_field(campo).max_length


COLUMNAS: dict[str, list[Columna]] = {
    "metas": [
        Columna("ramo_clave", True, _largo(Ramo, "clave")),
        Columna("ramo_nombre", True, _largo(Ramo, "nombre")),
        Columna("programa_clave", True, _largo(Programa, "clave")),
        Columna("programa_nombre", True, _largo(Programa, "nombre")),
        Columna("unidad_clave", True, _largo(UnidadEjecutora, "clave")),
        Columna("unidad_nombre", True, _largo(UnidadEjecutora, "nombre")),
        Columna("grupo", False, _largo(Meta, "grupo")),
        Columna("clave", True, _largo(Meta, "clave")),
        Columna("descripcion", True),
        Columna("unidad_medida", True, _largo(Meta, "unidad_medida")),
        Columna("meta_anual", True),
        Columna("meta_anual_original"),
        Columna("mes_inicio"),
        Columna("tipo_acumulacion"),
        Columna("sentido"),
        Columna("nivel_mir"),
        Columna("lineas_pmd"),
        *[Columna(m) for m in ABREVIATURAS_MES],
        # Cronograma fields (seed 002, DOMAIN.md §9), optional.
        Columna("responsable", False, _largo(Meta, "responsable")),
        Columna("fecha_inicio"),
        Columna("fecha_fin"),
        Columna("periodicidad", False, _largo(Meta, "periodicidad")),
    ],
    "objetivos": [
        Columna("ramo_clave", True),
        Columna("unidad_clave", True),
        Columna("objetivo_general"),
        Columna("objetivos_especificos"),
    ],
    "alineacion": [
        Columna("ramo_clave", True),
        Columna("unidad_clave", True),
        Columna("numero", True),
        Columna("modulo"),
        Columna("eje"),
        Columna("linea_estrategica"),
        Columna("accion_pmd"),
        Columna("actividad_especifica"),
    ],
    "avances": [
        Columna("ramo_clave", True),
        Columna("unidad_clave", True),
        Columna("clave", True),
        Columna("mes", True),
        Columna("realizado", True),
        Columna("observaciones"),
    ],
    "lineas_pmd": [
        Columna("codigo", True, _largo(LineaPMD, "codigo")),
        Columna("nombre", False, _largo(LineaPMD, "nombre")),
    ],
    "programas": [
        Columna("programa_clave", True),
        Columna("ramo_clave", True),
        Columna("finalidad", False, _largo(Programa, "finalidad")),
        Columna("funcion", False, _largo(Programa, "funcion")),
        Columna("subfuncion", False, _largo(Programa, "subfuncion")),
        Columna("eje", False, _largo(Programa, "eje")),
        Columna("fin"),
        Columna("proposito"),
    ],
    "responsables": [
        Columna("nivel", True),
        Columna("ramo_clave", True),
        Columna("clave"),
        Columna("nombre", False, _largo(Ramo, "responsable_nombre")),
        Columna("cargo", False, _largo(Ramo, "responsable_cargo")),
        Columna("desde"),  # first month 1..12 in the post; blank = January (optional)
    ],
    "presupuesto": [
        Columna("ramo_clave", True),
        Columna("programa_clave", True),
        Columna("capitulo", True, _largo(Presupuesto, "capitulo")),
        Columna("descripcion", False, _largo(Presupuesto, "descripcion")),
        Columna("autorizado"),
        Columna("modificado"),
        Columna("devengado_t1"),
        Columna("devengado_t2"),
        Columna("devengado_t3"),
        Columna("devengado_t4"),
    ],
    # The MIR of each programa (optional sheets; DOMAIN.md §8, PLANTILLA.md).
    "mir": [
        Columna("ramo_clave", True),
        Columna("programa_clave", True),
        Columna("nivel", True),
        Columna("clave", True, _largo(ObjetivoMIR, "clave")),
        Columna("componente"),
        Columna("resumen_narrativo", True),
        Columna("medios_verificacion"),
        Columna("supuestos"),
    ],
    "indicadores": [
        Columna("ramo_clave", True),
        Columna("programa_clave", True),
        Columna("objetivo", True),
        Columna("clave", True, _largo(Indicador, "clave")),
        Columna("nombre", True, _largo(Indicador, "nombre")),
        Columna("definicion"),
        Columna("formula", True, _largo(Indicador, "formula")),
        Columna("unidad_medida", True, _largo(Indicador, "unidad_medida")),
        Columna("frecuencia", True),
        Columna("dimension"),
        Columna("tipo"),
        Columna("sentido"),
        Columna("linea_base"),
        Columna("linea_base_anio"),
        Columna("unidad_clave", True),
        Columna("verde_min"),
        Columna("verde_max"),
        Columna("amarillo_min"),
        Columna("amarillo_max"),
        Columna("medios_verificacion"),
    ],
    "variables": [
        Columna("ramo_clave", True),
        Columna("programa_clave", True),
        Columna("indicador", True),
        Columna("simbolo", True, _largo(Variable, "simbolo")),
        Columna("nombre", True, _largo(Variable, "nombre")),
        Columna("unidad_medida", False, _largo(Variable, "unidad_medida")),
        Columna("comportamiento"),
        Columna("fuente", False, _largo(Variable, "fuente")),
        Columna("meta_unidad_clave"),
        Columna("meta_clave"),
    ],
    "valores_variables": [
        Columna("ramo_clave", True),
        Columna("programa_clave", True),
        Columna("indicador", True),
        Columna("simbolo", True),
        Columna("periodo", True),
        Columna("programado"),
        Columna("realizado"),
    ],
}
# Helpful columns of the capture sheet and the export; read past without a warning.
COLUMNAS_INFORMATIVAS = {
    "avances": {
        "programa_clave", "descripcion", "unidad_medida", "meta_anual", "programado",
        "mes_nombre", "nombre_mes", "trimestre", "realizado_actual", "observaciones_actuales",
    },
}  # fmt: skip
ALIAS = {
    **{normalizar(n): a for n, a in zip(NOMBRES_MES, ABREVIATURAS_MES, strict=True)},
    "descripción": "descripcion",
    "unidaddemedida": "unidad_medida",
    "código": "codigo",
    "capítulo": "capitulo",
    "símbolo": "simbolo",
    "fórmula": "formula",
    "definición": "definicion",
    "dimensión": "dimension",
}
ALIAS = {normalizar(k): v for k, v in ALIAS.items()}
HOJAS_IGNORADAS = {"instrucciones", "leeme"}


@dataclass
class Hoja:
    """A sheet's header map and data rows (row number, values)."""

    nombre: str  # as written in the workbook, for messages
    clave: str  # canonical name
    columnas: dict[str, int]  # canonical column → index
    filas: list[tuple[int, tuple]]

    def valor(self, fila: tuple, columna: str) -> Any:
        i = self.columnas.get(columna)
        if i is None or i >= len(fila):
            return None
        return fila[i]

    def tiene(self, columna: str) -> bool:
        return columna in self.columnas
