"""The MIR sheets against the database: what is stored, what would change, and the writes.

Keys are claves (programa, objective, indicator, variable símbolo, period), so importing the
same workbook twice changes nothing. Rows of the database that the workbook does not list
are left as they are. A change that would alter an authorized quarter's signed report — a
value of one of its periods, or the structure of an indicator of that (programa, unidad) —
is refused naming the indicator and the quarter, like the metas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from avances.bloqueo import mapa_autorizados
from avances.models import AvanceVariable
from plantilla.importacion.leer import fmt
from plantilla.importacion.resultado import Cambio, Creacion, ErrorImportacion, Plan
from programas.models import Indicador, ObjetivoMIR, ProgramadoVariable, Variable

if TYPE_CHECKING:
    from plantilla.importacion.mir_leer import MirDeseado

ETIQUETAS = {
    "resumen_narrativo": "resumen narrativo",
    "medios_verificacion": "medios de verificación",
    "formula": "método de cálculo",
    "unidad_medida": "unidad de medida",
    "definicion": "definición",
    "dimension": "dimensión",
    "linea_base": "línea base",
    "linea_base_anio": "año de la línea base",
    "unidad": "unidad que lo reporta",
    "simbolo": "símbolo",
    "meta": "meta vinculada",
}
# Fields of an indicator / variable whose change alters the figures of a signed report.
DEL_REPORTE = {
    "formula",
    "frecuencia",
    "sentido",
    "unidad",
    "verde_min",
    "verde_max",
    "amarillo_min",
    "amarillo_max",
    "comportamiento",
    "meta",
}


@dataclass
class MirExistente:
    objetivos: dict[tuple, ObjetivoMIR] = field(default_factory=dict)
    indicadores: dict[tuple, Indicador] = field(default_factory=dict)
    variables: dict[tuple, Variable] = field(default_factory=dict)
    programados: dict[tuple[int, int], ProgramadoVariable] = field(default_factory=dict)
    avances: dict[tuple[int, int], AvanceVariable] = field(default_factory=dict)

    def unico(self, programa: tuple, nivel: str) -> ObjetivoMIR | None:
        return next(
            (o for k, o in self.objetivos.items() if k[:2] == programa and o.nivel == nivel), None
        )


def cargar_mir(ejercicio, programas: dict, unidades: dict, metas: dict) -> MirExistente:
    """The ejercicio's MIR in five queries; objects carry their claves for comparison."""
    mir = MirExistente()
    if ejercicio is None:
        return mir
    llave_programa = {p.pk: k for k, p in programas.items()}
    clave_unidad = {u.pk: k[1] for k, u in unidades.items()}
    meta_por_id = {m.pk: (k[1], k[2]) for k, m in metas.items()}
    filtro = {"programa__ramo__ejercicio": ejercicio}
    objetivos = {o.pk: o for o in ObjetivoMIR.objects.filter(**filtro)}
    for objetivo in objetivos.values():
        objetivo.clave_componente = (
            objetivos[objetivo.componente_id].clave if objetivo.componente_id else ""
        )
        mir.objetivos[(*llave_programa[objetivo.programa_id], objetivo.clave)] = objetivo
    indicadores = {i.pk: i for i in Indicador.objects.filter(**filtro)}
    for indicador in indicadores.values():
        indicador.clave_objetivo = objetivos[indicador.objetivo_id].clave
        indicador.clave_unidad = clave_unidad[indicador.unidad_id]
        mir.indicadores[(*llave_programa[indicador.programa_id], indicador.clave)] = indicador
    llave_indicador = {i.pk: k for k, i in mir.indicadores.items()}
    variables = Variable.objects.filter(indicador__programa__ramo__ejercicio=ejercicio)
    for variable in variables:
        variable.llave_meta = meta_por_id.get(variable.meta_id) if variable.meta_id else None
        mir.variables[(*llave_indicador[variable.indicador_id], variable.simbolo)] = variable
    por_variable = {"variable__indicador__programa__ramo__ejercicio": ejercicio}
    mir.programados = {
        (p.variable_id, p.periodo): p for p in ProgramadoVariable.objects.filter(**por_variable)
    }
    mir.avances = {
        (a.variable_id, a.periodo): a for a in AvanceVariable.objects.filter(**por_variable)
    }
    return mir


@dataclass
class MirOperaciones:
    objetivos: list[tuple[tuple, ObjetivoMIR | None, dict]] = field(default_factory=list)
    indicadores: list[tuple[tuple, Indicador | None, dict]] = field(default_factory=list)
    variables: list[tuple[tuple, Variable | None, dict]] = field(default_factory=list)
    # (variable key, periodo, stored row or None, new value or None to delete)
    programados: list[tuple] = field(default_factory=list)
    avances: list[tuple] = field(default_factory=list)


def _mostrar(valor) -> str:
    if valor is None or valor == "":
        return "(vacío)"
    if isinstance(valor, tuple):
        return "/".join(valor)
    return fmt(valor) if not isinstance(valor, str | int) else str(valor)


class _Planeador:
    def __init__(self, mir: MirDeseado, db: MirExistente, existente, plan: Plan):
        self.mir, self.db, self.existente, self.plan = mir, db, existente, plan
        self.ops = MirOperaciones()
        pares = {(i.programa_id, i.unidad_id) for i in db.indicadores.values()}
        for llave, fila in mir.indicadores.items():
            programa = existente.programas.get(llave[:2])
            unidad = existente.unidades.get((llave[0], fila.campos["unidad"]))
            if programa is not None and unidad is not None:
                pares.add((programa.pk, unidad.pk))
        self.autorizados = mapa_autorizados(pares)
        existente.autorizados.update(self.autorizados)  # re-checked when the plan is applied

    def _firmados(self, llave_programa: tuple, unidad_clave: str) -> set[int]:
        programa = self.existente.programas.get(llave_programa)
        unidad = self.existente.unidades.get((llave_programa[0], unidad_clave))
        if programa is None or unidad is None:
            return set()
        return self.autorizados.get((programa.pk, unidad.pk), set())

    def _error(self, fila, columna: str, mensaje: str) -> None:
        self.plan.errores.append(ErrorImportacion(fila.hoja, fila.fila, columna, mensaje))

    def _comparar(self, tipo: str, objeto: str, actual, campos: dict, actuales: dict) -> dict:
        cambios = {k: v for k, v in campos.items() if k in actuales and actuales[k] != v}
        for nombre, nuevo in cambios.items():
            self.plan.cambios.append(
                Cambio(
                    tipo,
                    objeto,
                    ETIQUETAS.get(nombre, nombre),
                    _mostrar(actuales[nombre]),
                    _mostrar(nuevo),
                )
            )
        if not cambios:
            self.plan.sin_cambio[tipo] += 1
        return cambios

    def _crear(self, tipo: str, objeto: str, detalle: str = "") -> None:
        self.plan.creados.append(Creacion(tipo, objeto, detalle))
        self.plan.conteo_creados[tipo] += 1

    def objetivos(self) -> None:
        for llave, fila in self.mir.objetivos.items():
            actual = self.db.objetivos.get(llave)
            objeto = f"Objetivo {llave[2]} del programa {llave[0]}/{llave[1]}"
            campos = {k: v for k, v in fila.campos.items() if k != "orden"}
            if actual is None:
                self._crear("Objetivo MIR", objeto, fila.campos["resumen_narrativo"][:80])
                self.ops.objetivos.append((llave, None, fila.campos))
                continue
            actuales = {k: getattr(actual, k, None) for k in campos}
            actuales["componente"] = actual.clave_componente
            if cambios := self._comparar("Objetivo MIR", objeto, actual, campos, actuales):
                self.ops.objetivos.append((llave, actual, cambios))

    def indicadores(self) -> None:
        for llave, fila in self.mir.indicadores.items():
            actual = self.db.indicadores.get(llave)
            objeto = f"Indicador {llave[2]} del programa {llave[0]}/{llave[1]}"
            campos = {k: v for k, v in fila.campos.items() if k != "orden"}
            firmados = self._firmados(llave[:2], campos["unidad"])
            if actual is None:
                if firmados:
                    self._error(fila, "clave", self._texto_firmado(llave, firmados, "agregar"))
                self._crear("Indicador", objeto, campos["nombre"])
                self.ops.indicadores.append((llave, None, fila.campos))
                continue
            actuales = {k: getattr(actual, k, None) for k in campos}
            actuales["objetivo"], actuales["unidad"] = actual.clave_objetivo, actual.clave_unidad
            cambios = self._comparar("Indicador", objeto, actual, campos, actuales)
            firmados |= self._firmados(llave[:2], actual.clave_unidad)
            if firmados and set(cambios) & DEL_REPORTE:
                self._error(
                    fila,
                    sorted(set(cambios) & DEL_REPORTE)[0],
                    self._texto_firmado(llave, firmados, "cambiar"),
                )
            if cambios:
                self.ops.indicadores.append((llave, actual, cambios))

    def _texto_firmado(self, llave: tuple, firmados: set[int], accion: str) -> str:
        trimestres = ", ".join(str(t) for t in sorted(firmados))
        return (
            f"indicador {llave[2]}: el trimestre {trimestres} de su unidad está autorizado; "
            f"no se puede {accion} lo que su reporte firmado muestra (pida reabrirlo)."
        )

    def _unidad_de(self, llave_indicador: tuple) -> str:
        fila = self.mir.indicadores.get(llave_indicador)
        return fila.campos["unidad"] if fila else self.db.indicadores[llave_indicador].clave_unidad

    def variables(self) -> None:
        for llave, fila in self.mir.variables.items():
            actual = self.db.variables.get(llave)
            objeto = f"Variable {llave[3]} del indicador {llave[2]} ({llave[0]}/{llave[1]})"
            firmados = self._firmados(llave[:2], self._unidad_de(llave[:3]))
            if actual is None:
                if firmados:
                    self._error(fila, "simbolo", self._texto_firmado(llave, firmados, "agregar"))
                self._crear("Variable", objeto, fila.campos["nombre"])
                self.ops.variables.append((llave, None, fila.campos))
                continue
            actuales = {k: getattr(actual, k, None) for k in fila.campos}
            actuales["meta"] = actual.llave_meta
            cambios = self._comparar("Variable", objeto, actual, fila.campos, actuales)
            if firmados and set(cambios) & DEL_REPORTE:
                self._error(fila, "comportamiento", self._texto_firmado(llave, firmados, "cambiar"))
            if cambios:
                self.ops.variables.append((llave, actual, cambios))

    def valores(self) -> None:
        for llave, fila in self.mir.valores.items():
            variable = self.db.variables.get(llave[:4])
            periodo = llave[4]
            firmados = self._firmados(llave[:2], self._unidad_de(llave[:3]))
            objeto = (
                f"{llave[3]} del indicador {llave[2]} ({llave[0]}/{llave[1]}), periodo {periodo}"
            )
            for campo, tabla, destino in (
                ("programado", self.db.programados, self.ops.programados),
                ("realizado", self.db.avances, self.ops.avances),
            ):
                nuevo = fila.campos[campo]
                guardado = tabla.get((variable.pk, periodo)) if variable else None
                anterior = getattr(guardado, "valor" if campo == "programado" else campo, None)
                if anterior == nuevo:
                    self.plan.sin_cambio["Valor de variable"] += 1 if nuevo is not None else 0
                    continue
                if (periodo + 2) // 3 in firmados:
                    self._error(
                        fila,
                        campo,
                        f"{objeto}: el trimestre {(periodo + 2) // 3} está "
                        "autorizado; su valor no puede cambiar.",
                    )
                    continue
                destino.append((llave[:4], periodo, guardado, nuevo))
                if guardado is None:
                    self._crear("Valor de variable", objeto, f"{campo} {_mostrar(nuevo)}")
                else:
                    self.plan.cambios.append(
                        Cambio(
                            "Valor de variable", objeto, campo, _mostrar(anterior), _mostrar(nuevo)
                        )
                    )


def planear_mir(mir: MirDeseado, existente, plan: Plan) -> MirOperaciones:
    planeador = _Planeador(mir, existente.mir, existente, plan)
    planeador.objetivos()
    planeador.indicadores()
    planeador.variables()
    planeador.valores()
    return planeador.ops
