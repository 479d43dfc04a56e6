"""Entry points: `analizar_libro` runs every step without writing; `importar_libro` also applies."""

from __future__ import annotations

from plantilla.importacion.aplicar import aplicar_plan
from plantilla.importacion.columnas import Hoja
from plantilla.importacion.cronograma import (
    OperacionesCronograma,
    leer_alineacion,
    leer_objetivos,
)
from plantilla.importacion.deseado import (
    Deseado,
    _leer_lineas,
    _leer_metas,
    _leer_programas,
    _leer_responsables,
)
from plantilla.importacion.existente import Existente, _cargar_existente
from plantilla.importacion.leer import _leer_hojas
from plantilla.importacion.mir_leer import leer_mir
from plantilla.importacion.mir_planear import planear_mir
from plantilla.importacion.planear import (
    Operaciones,
    _planear_estructura,
    _planear_metas,
    _planear_vigencias,
)
from plantilla.importacion.planear_avances import _leer_avances, avances_por_meta
from plantilla.importacion.planear_presupuesto import _leer_presupuesto
from plantilla.importacion.resultado import Creacion, ErrorImportacion, ImportacionInvalida, Plan
from plantilla.xlsx_seguro import ArchivoNoValido, abrir_libro

HOJAS_MIR = {"mir", "indicadores", "variables", "valores_variables"}


def analizar_libro(archivo, *, ejercicio: int, unidades_permitidas=None, progreso=None) -> Plan:
    """Read and validate the whole workbook against the database; write nothing.

    `archivo`: a path, bytes or an uploaded file. `ejercicio`: the year (created on apply if
    missing). `unidades_permitidas`: unidad ids, for a unidad's capture sheet (avances only).
    `progreso(filas)`: called now and then with the rows read so far (background jobs).
    """
    modo = "libro" if unidades_permitidas is None else "captura"
    plan = Plan(anio=int(ejercicio), modo=modo)
    hojas = _leer_libro(archivo, plan, progreso)
    if hojas is None:
        return plan
    if unidades_permitidas is not None:
        unidades_permitidas = {int(u) for u in unidades_permitidas}
    _exigir_hoja_principal(hojas, plan)
    deseado = Deseado()
    if "metas" in hojas:
        _leer_metas(hojas["metas"], deseado, plan)
    if "lineas_pmd" in hojas:
        _leer_lineas(hojas["lineas_pmd"], deseado, plan)
    existente = _cargar_existente(plan.anio, modo=modo, unidades_permitidas=unidades_permitidas)
    plan.ejercicio_nuevo = existente.ejercicio is None
    if plan.ejercicio_nuevo:
        if modo == "captura":
            plan.errores.append(
                ErrorImportacion("libro", None, "", f"el ejercicio {plan.anio} no existe.")
            )
            return plan
        plan.conteo_creados["Ejercicio"] = 1
        plan.creados.append(Creacion("Ejercicio", str(plan.anio)))
    if "programas" in hojas:
        _leer_programas(hojas["programas"], deseado, existente, plan)
    if "responsables" in hojas:
        _leer_responsables(hojas["responsables"], deseado, existente, plan)
    mir = leer_mir(hojas, deseado, existente, plan) if modo == "libro" else None
    cronograma = OperacionesCronograma()
    if "objetivos" in hojas:
        leer_objetivos(hojas["objetivos"], existente, deseado, plan, cronograma)
    if "alineacion" in hojas:
        leer_alineacion(hojas["alineacion"], existente, deseado, plan, cronograma)
    _advertir_lineas_sin_nombre(deseado, existente, plan)
    ops = _planear(hojas, deseado, existente, plan, unidades_permitidas)
    if mir is not None:
        ops.mir = planear_mir(mir, existente, plan)
    ops.cronograma = cronograma
    plan.errores.sort(key=_orden_error(plan))
    plan._operaciones = (ops, existente)
    return plan


def _leer_libro(archivo, plan: Plan, progreso=None) -> dict[str, Hoja] | None:
    """The known sheets of the workbook, or None if the year or the file is not valid."""
    if not 2000 <= plan.anio <= 2100:
        plan.errores.append(ErrorImportacion("libro", None, "", "el ejercicio debe ser un año "
                                             "entre 2000 y 2100."))  # fmt: skip
        return None
    try:
        libro = abrir_libro(archivo)
    except ArchivoNoValido as exc:
        plan.errores.append(ErrorImportacion("archivo", None, "", exc.mensaje))
        return None
    try:
        solo = None if plan.modo == "libro" else {"avances"}
        return _leer_hojas(libro, plan, solo=solo, progreso=progreso)
    finally:
        libro.close()


def _exigir_hoja_principal(hojas: dict[str, Hoja], plan: Plan) -> None:
    """A capture sheet needs its avances sheet; a whole workbook, its metas sheet."""
    if plan.modo == "captura":
        if "avances" not in hojas and not plan.errores:
            plan.errores.append(
                ErrorImportacion("avances", None, "", "falta la hoja avances en el libro.")
            )
    elif (
        "metas" not in hojas
        and not HOJAS_MIR & set(hojas)  # a workbook of only the MIR updates existing programas
        and not any(e.hoja.lower() == "metas" for e in plan.errores)
    ):
        plan.errores.append(
            ErrorImportacion("metas", None, "", "falta la hoja metas (obligatoria).")
        )


def _advertir_lineas_sin_nombre(deseado: Deseado, existente: Existente, plan: Plan) -> None:
    for codigo in {c for m in deseado.metas.values() for c in m.lineas}:
        if codigo not in existente.lineas and deseado.lineas.get(codigo) is None:
            plan.advertencias.append(
                ErrorImportacion("metas", _primera_fila_con_linea(deseado, codigo), "lineas_pmd",
                                 f"la línea {codigo} no está en la hoja lineas_pmd ni en la base "
                                 "de datos; se crea sin nombre.")
            )  # fmt: skip


def _planear(hojas, deseado, existente, plan: Plan, unidades_permitidas) -> Operaciones:
    """Compare with the database, sheet by sheet, and list the writes (with the lock checks)."""
    ops = Operaciones(crear_ejercicio=plan.ejercicio_nuevo)
    from avances.bloqueo import mapa_autorizados

    autorizados = mapa_autorizados({(m.programa_id, m.unidad_id) for m in existente.metas.values()})
    existente.autorizados = autorizados
    _planear_estructura(deseado, existente, plan, ops)
    _planear_vigencias(deseado, existente, plan, ops)
    _planear_metas(deseado, existente, plan, ops, autorizados,
                   avances_libro=avances_por_meta(hojas.get("avances")))  # fmt: skip
    if "avances" in hojas:
        _leer_avances(hojas["avances"], deseado, existente, plan, ops, autorizados,
                      unidades_permitidas)  # fmt: skip
    if "presupuesto" in hojas:
        _leer_presupuesto(hojas["presupuesto"], deseado, existente, plan, ops)
    return ops


def _primera_fila_con_linea(deseado: Deseado, codigo: str) -> int | None:
    return min((m.fila for m in deseado.metas.values() if codigo in m.lineas), default=None)


def _orden_error(plan: Plan):
    orden_hojas = {n: i for i, n in enumerate(plan.hojas)}

    def clave(error: ErrorImportacion):
        return (orden_hojas.get(error.hoja, -1), error.fila or 0)

    return clave


def importar_libro(archivo, *, ejercicio: int, usuario=None, unidades_permitidas=None) -> Plan:
    """Validate the workbook and, if it has no errors, write it (ImportacionInvalida if not)."""
    plan = analizar_libro(archivo, ejercicio=ejercicio, unidades_permitidas=unidades_permitidas)
    if plan.errores:
        raise ImportacionInvalida(plan.errores)
    return aplicar_plan(plan, usuario=usuario)
