"""The presupuesto sheet, read and planned in one pass (one row per programa and capítulo)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plantilla.importacion.columnas import Hoja, _largo
from plantilla.importacion.deseado import Deseado, _buscar, _ubicar
from plantilla.importacion.existente import Existente
from plantilla.importacion.leer import _Lector
from plantilla.importacion.planear import Operaciones, _diferencias, _registrar_cambios
from plantilla.importacion.resultado import Creacion, Plan
from programas.models import Presupuesto


def _leer_presupuesto(
    hoja: Hoja, deseado: Deseado, existente: Existente, plan: Plan, ops: Operaciones
):
    lector = _Lector(hoja, plan.errores)
    numericas = ["autorizado", "modificado", "devengado_t1", "devengado_t2", "devengado_t3",
                 "devengado_t4"]  # fmt: skip
    vistos: dict[tuple, int] = {}
    for fila, valores in hoja.filas:
        ramo = lector.texto(fila, valores, "ramo_clave", requerido=True)
        programa = lector.texto(fila, valores, "programa_clave", requerido=True)
        capitulo = lector.texto(fila, valores, "capitulo", requerido=True,
                                max_len=_largo(Presupuesto, "capitulo"))  # fmt: skip
        datos: dict[str, Any] = {}
        if hoja.tiene("descripcion"):
            datos["descripcion"] = lector.texto(
                fila, valores, "descripcion", max_len=_largo(Presupuesto, "descripcion")
            )
        errores_antes = len(plan.errores)
        for columna in numericas:
            if hoja.tiene(columna):
                datos[columna] = lector.numero(fila, valores, columna)
        if "autorizado" in datos and datos["autorizado"] is None:
            datos["autorizado"] = Decimal("0.00")
        if not (ramo and programa and capitulo) or len(plan.errores) != errores_antes:
            continue
        llave = (ramo, programa, capitulo)
        if llave in vistos:
            lector.error(fila, "capitulo", f"el capítulo {capitulo} del programa {programa} se "
                         f"repite (fila {vistos[llave]}).")  # fmt: skip
            continue
        vistos[llave] = fila
        if not _buscar(existente.programas, deseado.programas, (ramo, programa), "el programa",
                       _ubicar(hoja.nombre, fila, "programa_clave", plan)):  # fmt: skip
            continue
        deseado.presupuesto[llave] = datos
        objeto = f"Presupuesto {ramo}/{programa} capítulo {capitulo}"
        programa_obj = existente.programas.get((ramo, programa))
        actual = existente.presupuesto.get((programa_obj.pk, capitulo)) if programa_obj else None
        if actual is None:
            ops.presupuesto_nuevo.append(((ramo, programa), {"capitulo": capitulo, **datos}))
            plan.creados.append(Creacion("Presupuesto", objeto, datos.get("descripcion", "")))
            plan.conteo_creados["Presupuesto"] += 1
        elif cambios := _diferencias(actual, datos):
            ops.presupuesto_cambiado.append((actual, cambios))
            _registrar_cambios(plan, "Presupuesto", objeto, actual, cambios)
        else:
            plan.sin_cambio["Presupuesto"] += 1
