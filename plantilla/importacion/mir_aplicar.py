"""Writing the MIR part of a valid plan (inside `aplicar_plan`'s transaction)."""

from __future__ import annotations

from avances.models import AvanceVariable
from plantilla.importacion.mir_planear import MirOperaciones
from programas.mir import ORDEN_NIVEL
from programas.models import Indicador, ObjetivoMIR, ProgramadoVariable, Variable

RAZON = "Importación de plantilla XLSX"


class AplicadorMir:
    def __init__(self, ops: MirOperaciones, existente, usuario):
        self.ops, self.existente, self.usuario = ops, existente, usuario
        self.db = existente.mir

    def _guardar(self, obj, campos=None) -> None:
        obj._history_user = self.usuario
        obj._change_reason = RAZON
        obj.save(update_fields=campos)

    def ejecutar(self) -> None:
        self._objetivos()
        self._indicadores()
        self._variables()
        self._valores()

    def _objetivo(self, programa: tuple, clave: str) -> ObjetivoMIR:
        return self.db.objetivos[(*programa, clave)]

    def _objetivos(self) -> None:
        # Componentes (and the rest) before the actividades that point to them.
        pendientes = sorted(
            self.ops.objetivos, key=lambda op: ORDEN_NIVEL.get(op[2].get("nivel") or op[1].nivel, 0)
        )
        for llave, actual, campos in pendientes:
            programa = self.existente.programas[llave[:2]]
            datos = dict(campos)
            componente = datos.pop("componente", None)
            if componente is not None:
                datos["componente"] = self._objetivo(llave[:2], componente) if componente else None
            if actual is None:
                datos.setdefault("orden", ORDEN_NIVEL[datos["nivel"]] * 1000)
                actual = ObjetivoMIR(programa=programa, clave=llave[2], **datos)
                self._guardar(actual)
                actual.clave_componente = componente or ""
                self.db.objetivos[llave] = actual
            else:
                for nombre, valor in datos.items():
                    setattr(actual, nombre, valor)
                self._guardar(actual, list(datos))

    def _indicadores(self) -> None:
        for llave, actual, campos in self.ops.indicadores:
            datos = dict(campos)
            if "objetivo" in datos:
                datos["objetivo"] = self._objetivo(llave[:2], datos["objetivo"])
            if "unidad" in datos:
                datos["unidad"] = self.existente.unidades[(llave[0], datos["unidad"])]
            if actual is None:
                actual = Indicador(
                    programa=self.existente.programas[llave[:2]], clave=llave[2], **datos
                )
                self._guardar(actual)
                self.db.indicadores[llave] = actual
            else:
                for nombre, valor in datos.items():
                    setattr(actual, nombre, valor)
                self._guardar(actual, list(datos))

    def _variables(self) -> None:
        for llave, actual, campos in self.ops.variables:
            datos = dict(campos)
            if "meta" in datos:
                meta = datos["meta"]
                datos["meta"] = self.existente.metas[(llave[0], *meta)] if meta else None
            if actual is None:
                actual = Variable(
                    indicador=self.db.indicadores[llave[:3]], simbolo=llave[3], **datos
                )
                self._guardar(actual)
                self.db.variables[llave] = actual
            else:
                for nombre, valor in datos.items():
                    setattr(actual, nombre, valor)
                self._guardar(actual, list(datos))

    def _valores(self) -> None:
        for llave, periodo, guardado, nuevo in self.ops.programados:
            if guardado is not None and nuevo is None:
                guardado._history_user = self.usuario
                guardado.delete()
            elif guardado is not None:
                guardado.valor = nuevo
                self._guardar(guardado, ["valor"])
            else:
                variable = self.db.variables[llave]
                self._guardar(ProgramadoVariable(variable=variable, periodo=periodo, valor=nuevo))
        for llave, periodo, guardado, nuevo in self.ops.avances:
            if guardado is not None:
                guardado.realizado = nuevo
                guardado.version += 1
                guardado.actualizado_por = self.usuario
                self._guardar(
                    guardado, ["realizado", "version", "actualizado_por", "actualizado_en"]
                )
            elif nuevo is not None:
                variable = self.db.variables[llave]
                self._guardar(
                    AvanceVariable(
                        variable=variable,
                        periodo=periodo,
                        realizado=nuevo,
                        actualizado_por=self.usuario,
                    )
                )
