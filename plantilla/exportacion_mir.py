"""Rows of the MIR sheets for the export (PLANTILLA.md "MIR sheets"), in a stable order.

The order is the one the import reads back (objectives by nivel and orden, indicators by
orden), so an unchanged export imports with zero changes.
"""

from __future__ import annotations

from avances.models import AvanceVariable
from programas.mir import ORDEN_NIVEL
from programas.models import Ejercicio, Indicador, ObjetivoMIR, ProgramadoVariable, Variable

COLUMNAS_MIR = ["ramo_clave", "programa_clave", "nivel", "clave", "componente",
                "resumen_narrativo", "medios_verificacion", "supuestos"]  # fmt: skip
COLUMNAS_INDICADORES = [
    "ramo_clave", "programa_clave", "objetivo", "clave", "nombre", "definicion", "formula",
    "unidad_medida", "frecuencia", "dimension", "tipo", "sentido", "linea_base",
    "linea_base_anio", "unidad_clave", "verde_min", "verde_max", "amarillo_min", "amarillo_max",
    "medios_verificacion",
]  # fmt: skip
COLUMNAS_VARIABLES = ["ramo_clave", "programa_clave", "indicador", "simbolo", "nombre",
                      "unidad_medida", "comportamiento", "fuente", "meta_unidad_clave",
                      "meta_clave"]  # fmt: skip
COLUMNAS_VALORES = ["ramo_clave", "programa_clave", "indicador", "simbolo", "periodo",
                    "programado", "realizado"]  # fmt: skip
NUMERICAS_MIR = {"linea_base", "linea_base_anio", "verde_min", "verde_max", "amarillo_min",
                 "amarillo_max", "periodo"}  # fmt: skip


def filas_mir(ejercicio: Ejercicio) -> list[dict]:
    objetivos = ObjetivoMIR.objects.filter(programa__ramo__ejercicio=ejercicio).select_related(
        "programa__ramo", "componente"
    )
    filas = [
        {
            "ramo_clave": o.programa.ramo.clave,
            "programa_clave": o.programa.clave,
            "nivel": o.nivel,
            "clave": o.clave,
            "componente": o.componente.clave if o.componente_id else "",
            "resumen_narrativo": o.resumen_narrativo,
            "medios_verificacion": o.medios_verificacion,
            "supuestos": o.supuestos,
            "_orden": (
                o.programa.ramo.clave,
                o.programa.clave,
                ORDEN_NIVEL[o.nivel],
                o.orden,
                o.pk,
            ),
        }  # fmt: skip
        for o in objetivos
    ]
    return sorted(filas, key=lambda f: f["_orden"])


def filas_indicadores(ejercicio: Ejercicio) -> list[dict]:
    indicadores = Indicador.objects.filter(programa__ramo__ejercicio=ejercicio).select_related(
        "programa__ramo", "objetivo", "unidad"
    )
    filas = []
    for i in indicadores:
        fila = {c: getattr(i, c, None) for c in COLUMNAS_INDICADORES}
        fila.update(
            ramo_clave=i.programa.ramo.clave, programa_clave=i.programa.clave,
            objetivo=i.objetivo.clave, unidad_clave=i.unidad.clave,
            _orden=(i.programa.ramo.clave, i.programa.clave, i.orden, i.pk),
        )  # fmt: skip
        filas.append(fila)
    return sorted(filas, key=lambda f: f["_orden"])


def filas_variables(ejercicio: Ejercicio) -> list[dict]:
    variables = Variable.objects.filter(
        indicador__programa__ramo__ejercicio=ejercicio
    ).select_related("indicador__programa__ramo", "meta__unidad")
    filas = [
        {
            "ramo_clave": v.indicador.programa.ramo.clave,
            "programa_clave": v.indicador.programa.clave,
            "indicador": v.indicador.clave,
            "simbolo": v.simbolo,
            "nombre": v.nombre,
            "unidad_medida": v.unidad_medida,
            "comportamiento": v.comportamiento,
            "fuente": v.fuente,
            "meta_unidad_clave": v.meta.unidad.clave if v.meta_id else "",
            "meta_clave": v.meta.clave if v.meta_id else "",
            "_orden": (
                v.indicador.programa.ramo.clave,
                v.indicador.programa.clave,
                v.indicador.orden,
                v.indicador_id,
                v.simbolo,
            ),
        }  # fmt: skip
        for v in variables
    ]
    return sorted(filas, key=lambda f: f["_orden"])


def filas_valores(ejercicio: Ejercicio) -> list[dict]:
    """One row per (variable, periodo) with a programado or a realizado stored."""
    filtro = {"variable__indicador__programa__ramo__ejercicio": ejercicio}
    valores: dict[tuple[int, int], dict] = {}
    for variable_id, periodo, valor in ProgramadoVariable.objects.filter(**filtro).values_list(
        "variable_id", "periodo", "valor"
    ):
        valores.setdefault((variable_id, periodo), {})["programado"] = valor
    for variable_id, periodo, realizado in AvanceVariable.objects.filter(**filtro).values_list(
        "variable_id", "periodo", "realizado"
    ):
        if realizado is not None:
            valores.setdefault((variable_id, periodo), {})["realizado"] = realizado
    variables = {
        v.pk: v
        for v in Variable.objects.filter(pk__in={k[0] for k in valores}).select_related(
            "indicador__programa__ramo"
        )
    }
    filas = []
    for (variable_id, periodo), cifras in valores.items():
        v = variables[variable_id]
        filas.append({
            "ramo_clave": v.indicador.programa.ramo.clave,
            "programa_clave": v.indicador.programa.clave, "indicador": v.indicador.clave,
            "simbolo": v.simbolo, "periodo": periodo, **cifras,
            "_orden": (v.indicador.programa.ramo.clave, v.indicador.programa.clave,
                       v.indicador.orden, v.indicador_id, v.simbolo, periodo),
        })  # fmt: skip
    return sorted(filas, key=lambda f: f["_orden"])


HOJAS_MIR = (
    ("mir", COLUMNAS_MIR, filas_mir),
    ("indicadores", COLUMNAS_INDICADORES, filas_indicadores),
    ("variables", COLUMNAS_VARIABLES, filas_variables),
    ("valores_variables", COLUMNAS_VALORES, filas_valores),
)
