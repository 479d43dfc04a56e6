"""The avances sheet, read and planned in one pass (it refers to metas of the workbook or stored).

In a capture sheet (`unidades_permitidas`) only those unidades' metas and the open, past
months are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from plantilla.importacion.columnas import Hoja
from plantilla.importacion.deseado import AvanceDeseado, Deseado
from plantilla.importacion.existente import Existente
from plantilla.importacion.leer import _Lector
from plantilla.importacion.planear import Operaciones, _diferencias, _mostrar, _registrar_cambios
from plantilla.importacion.resultado import Creacion, Plan
from programas.models import ABREVIATURAS_MES, NOMBRES_MES


@dataclass
class _FilaAvance:
    """The converted cells of one row of the avances sheet."""

    ramo: str
    unidad: str
    clave: str
    mes: int | None
    realizado: Decimal | None
    observaciones: str
    vacio_r: bool  # the realizado cell is blank

    @property
    def llave(self) -> tuple[str, str, str]:
        return (self.ramo, self.unidad, self.clave)


def avances_por_meta(hoja: Hoja | None) -> dict[tuple[str, str, str], set[int]]:
    """The months each meta has a row for in the avances sheet (raw read, errors ignored:
    the sheet is validated later). Tells a re-issued meta from one created mid-year."""
    meses: dict[tuple[str, str, str], set[int]] = {}
    if hoja is None:
        return meses
    lector = _Lector(hoja, [])
    for fila, valores in hoja.filas:
        llave = tuple(
            lector.texto(fila, valores, c) for c in ("ramo_clave", "unidad_clave", "clave")
        )
        mes = lector.entero(fila, valores, "mes", minimo=1, maximo=12)
        if mes is not None and all(llave):
            meses.setdefault(llave, set()).add(mes)
    return meses


def _leer_avances(
    hoja: Hoja,
    deseado: Deseado,
    existente: Existente,
    plan: Plan,
    ops: Operaciones,
    autorizados: dict,
    unidades_permitidas,
):
    _HojaAvances(hoja, deseado, existente, plan, ops, autorizados, unidades_permitidas).leer()


class _HojaAvances:
    """Validates each avances row, then plans its creation or change and checks the lock."""

    def __init__(self, hoja, deseado, existente, plan, ops, autorizados, unidades_permitidas):
        self.hoja, self.deseado, self.existente = hoja, deseado, existente
        self.plan, self.ops, self.autorizados = plan, ops, autorizados
        self.unidades_permitidas = unidades_permitidas
        self.lector = _Lector(hoja, plan.errores)
        self.captura = unidades_permitidas is not None
        self.vistos: dict[tuple, int] = {}
        self.periodo = None
        if self.captura:
            from avances.calendario import meses_cerrados, ultimo_mes_capturable

            self.periodo = (
                meses_cerrados(existente.ejercicio.pk),
                ultimo_mes_capturable(plan.anio),
            )

    def leer(self) -> None:
        for fila, valores in self.hoja.filas:
            datos = self._convertir(fila, valores)
            if datos.vacio_r and not datos.observaciones:
                if self.captura:
                    continue  # a capture sheet row left blank: nothing to record
                self.lector.error(fila, "realizado", "falta el valor (columna obligatoria).")
                continue
            if not (datos.ramo and datos.unidad and datos.clave) or datos.mes is None:
                continue
            meta = self.existente.metas.get(datos.llave)
            if not self._admitida(fila, datos, meta):
                continue
            avance = AvanceDeseado(fila, datos.llave, datos.mes, datos.realizado,
                                   datos.observaciones)  # fmt: skip
            self.deseado.avances[(datos.llave, datos.mes)] = avance
            if self._planear(avance, meta) and meta is not None:
                self._exigir_mes_abierto(fila, meta, datos.mes)

    def _convertir(self, fila: int, valores: tuple) -> _FilaAvance:
        lector = self.lector
        ramo = lector.texto(fila, valores, "ramo_clave", requerido=True)
        unidad = lector.texto(fila, valores, "unidad_clave", requerido=True)
        clave = lector.texto(fila, valores, "clave", requerido=True)
        mes = lector.entero(fila, valores, "mes", minimo=1, maximo=12, requerido=True)
        crudo = self.hoja.valor(valores, "realizado")
        realizado = lector.numero(fila, valores, "realizado")
        observaciones = lector.texto(fila, valores, "observaciones").replace("\r\n", "\n")
        observaciones = observaciones.replace("\r", "\n")
        vacio_r = crudo is None or (isinstance(crudo, str) and not crudo.strip())
        return _FilaAvance(ramo, unidad, clave, mes, realizado, observaciones, vacio_r)

    def _admitida(self, fila: int, datos: _FilaAvance, meta) -> bool:
        """Whether the row names a known meta, once per month, that this upload may capture."""
        lector, deseado, llave, mes = self.lector, self.deseado, datos.llave, datos.mes
        ramo, unidad, clave = llave
        if meta is None and llave not in deseado.metas and llave not in deseado.metas_con_error:
            lector.error(
                fila,
                *_meta_desconocida(llave, self.existente, deseado, self.plan,
                                   self.unidades_permitidas),
            )  # fmt: skip
            return False
        if (llave, mes) in self.vistos:
            lector.error(
                fila, "mes",
                f"la meta {clave} ya tiene el mes {mes} en la fila {self.vistos[(llave, mes)]}.",
            )  # fmt: skip
            return False
        self.vistos[(llave, mes)] = fila
        if llave in deseado.metas_con_error:
            return False  # its metas row is wrong; that error is already listed
        if self.captura and meta is not None and meta.unidad_id not in self.unidades_permitidas:
            lector.error(
                fila, "unidad_clave",
                f"la unidad {unidad} del ramo {ramo} no está entre las unidades que usted captura.",
            )  # fmt: skip
            return False
        if not datos.vacio_r and datos.realizado is None:
            return False  # the number was wrong; already reported
        if self.captura and (error_periodo := _error_de_periodo(mes, self.periodo)):
            lector.error(fila, "mes", error_periodo)
            return False
        return True

    def _planear(self, avance: AvanceDeseado, meta) -> bool:
        """Plan the avance's creation or change; False when it is already stored as is."""
        plan, llave, realizado = self.plan, avance.llave_meta, avance.realizado
        objeto = f"Avance {'/'.join(llave)} {ABREVIATURAS_MES[avance.mes - 1]}"
        actual = self.existente.avances.get((meta.pk, avance.mes)) if meta is not None else None
        if actual is None:
            self.ops.avances_nuevos.append((llave, avance))
            plan.creados.append(Creacion("Avance", objeto, f"realizado {_mostrar(realizado)}"))
            plan.conteo_creados["Avance"] += 1
            return True
        cambios = _diferencias(
            actual, {"realizado": realizado, "observaciones": avance.observaciones}
        )
        if not cambios:
            plan.sin_cambio["Avance"] += 1
            return False
        self.ops.avances_cambiados.append((actual, avance))
        _registrar_cambios(plan, "Avance", objeto, actual, cambios)
        return True

    def _exigir_mes_abierto(self, fila: int, meta, mes: int) -> None:
        from avances.bloqueo import TrimestreBloqueado, exigir_meses_abiertos

        try:
            exigir_meses_abiertos(
                meta=meta,
                meses=[mes],
                accion="registrar avances",
                autorizados=self.autorizados.get((meta.programa_id, meta.unidad_id), set()),
            )
        except TrimestreBloqueado as exc:
            self.lector.error(fila, "realizado", exc.mensaje)


def _error_de_periodo(mes: int, periodo) -> str | None:
    """Capture sheet only: future months and months Planeación closed cannot be captured."""
    cerrados, ultimo = periodo
    nombre = NOMBRES_MES[mes - 1].lower()
    if mes > ultimo:
        return f"no se puede capturar {nombre}: es un mes futuro."
    if mes in cerrados:
        return f"el periodo de {nombre} está cerrado; solicite a Planeación su apertura."
    return None


def _meta_desconocida(llave, existente, deseado, plan, unidades_permitidas) -> tuple[str, str]:
    """(column, message) for an avances row whose meta is neither in the workbook nor stored."""
    ramo, unidad, clave = llave
    guardada = existente.unidades.get((ramo, unidad))
    if unidades_permitidas is not None and guardada is not None:
        if guardada.pk not in unidades_permitidas:
            return "unidad_clave", (
                f"la unidad {unidad} del ramo {ramo} no está entre las unidades que usted captura."
            )
        return "clave", (
            f"la meta {clave} no existe en la unidad {unidad} del ramo {ramo} "
            f"(ejercicio {plan.anio})."
        )
    en_libro = any(k[0] == ramo and k[1] == unidad for k in deseado.metas)
    if guardada is None and not en_libro:
        otros = sorted({r for (r, u) in existente.unidades if u == unidad}
                       | {k[0] for k in deseado.metas if k[1] == unidad})  # fmt: skip
        if otros:
            return "unidad_clave", (
                f"la unidad {unidad} pertenece al ramo {', '.join(otros)}, no al {ramo}."
            )
    return "clave", (
        f"la meta {ramo}/{unidad}/{clave} no está en la hoja metas ni en la base de datos "
        f"del ejercicio {plan.anio}."
    )
