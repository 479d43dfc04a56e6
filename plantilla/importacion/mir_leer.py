"""The MIR sheets of the workbook (mir, indicadores, variables, valores_variables), validated.

PLANTILLA.md "MIR sheets": every row is checked on its own (claves, choices, numbers, the
formula parsed — never evaluated) and then against the others (a formula's symbols and the
variables, a period and the frecuencia, a linked meta and the programa). The FIN and
PROPÓSITO columns of the programas sheet are the same objectives as the mir sheet's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from plantilla.importacion.columnas import Hoja, _opcion
from plantilla.importacion.leer import _a_texto, _Lector
from plantilla.importacion.resultado import ErrorImportacion, Plan
from programas.indicadores import FormulaInvalida, parse_formula, periodos
from programas.mir import NIVELES_UNICOS, TIPO_POR_NIVEL
from programas.models import Indicador, ObjetivoMIR, Variable

if TYPE_CHECKING:
    from plantilla.importacion.deseado import Deseado
    from plantilla.importacion.existente import Existente

NIVELES = {n.value: n.value for n in ObjetivoMIR.Nivel}
FRECUENCIAS = {f.value: f.value for f in Indicador.Frecuencia}
DIMENSIONES = {d.value: d.value for d in Indicador.Dimension}
TIPOS = {"ESTRATEGICO": "ESTRATEGICO", "GESTION": "GESTION", "DEGESTION": "GESTION"}
SENTIDOS = {s.value: s.value for s in Indicador.Sentido}
COMPORTAMIENTOS = {c.value: c.value for c in Variable.Comportamiento}
UMBRALES = ("verde_min", "verde_max", "amarillo_min", "amarillo_max")
TEXTOS_INDICADOR = ("definicion", "medios_verificacion")


@dataclass
class Fila:
    """A validated row: where it came from and the fields it sets (only the given ones)."""

    hoja: str
    fila: int | None
    campos: dict


@dataclass
class MirDeseado:
    # (ramo, programa, clave) → Fila; campos: nivel, componente (clave), resumen_narrativo…
    objetivos: dict[tuple, Fila] = field(default_factory=dict)
    # (ramo, programa, clave) → Fila; campos: objetivo (clave), unidad (clave), formula…
    indicadores: dict[tuple, Fila] = field(default_factory=dict)
    # (ramo, programa, indicador, simbolo) → Fila; campos: nombre…, meta ((unidad, clave)|None)
    variables: dict[tuple, Fila] = field(default_factory=dict)
    # (ramo, programa, indicador, simbolo, periodo) → Fila; campos: programado, realizado
    valores: dict[tuple, Fila] = field(default_factory=dict)


def leer_mir(hojas: dict[str, Hoja], deseado: Deseado, existente: Existente, plan: Plan):
    """Every MIR row of the workbook, validated; errors go to `plan.errores`."""
    mir = MirDeseado()
    ctx = _Contexto(deseado, existente, plan, mir)
    if "mir" in hojas:
        ctx.leer_objetivos(hojas["mir"])
    ctx.fin_y_proposito_de_programas()
    if "indicadores" in hojas:
        ctx.leer_indicadores(hojas["indicadores"])
    if "variables" in hojas:
        ctx.leer_variables(hojas["variables"])
    if "valores_variables" in hojas:
        ctx.leer_valores(hojas["valores_variables"])
    ctx.cruzar_formulas()
    return mir


class _Contexto:
    def __init__(self, deseado: Deseado, existente: Existente, plan: Plan, mir: MirDeseado):
        self.deseado, self.existente, self.plan, self.mir = deseado, existente, plan, mir
        self.db = existente.mir  # mir_existente.MirExistente

    # --- helpers ------------------------------------------------------------------------

    def _programa(self, lector: _Lector, fila: int, valores) -> tuple[str, str] | None:
        ramo = lector.texto(fila, valores, "ramo_clave", requerido=True)
        programa = lector.texto(fila, valores, "programa_clave", requerido=True)
        if not (ramo and programa):
            return None
        llave = (ramo, programa)
        if llave in self.existente.programas or llave in self.deseado.programas:
            return llave
        lector.error(
            fila,
            "programa_clave",
            f"el programa {programa} del ramo {ramo} no está en el libro ni en la base de datos.",
        )
        return None

    def _opcion(self, lector, fila, valores, columna, opciones, defecto):
        texto = _a_texto(lector.hoja.valor(valores, columna))
        if not texto:
            return defecto
        valor = opciones.get(_opcion(texto))
        if valor is None:
            lector.error(fila, columna, f"«{texto}» no es válido; use {', '.join(opciones)}.")
        return valor or defecto

    def _objetivo_existe(self, programa: tuple, clave: str) -> str | None:
        """The nivel of objective `clave` of the programa (workbook first), or None."""
        fila = self.mir.objetivos.get((*programa, clave))
        if fila is not None:
            return fila.campos["nivel"]
        objetivo = self.db.objetivos.get((*programa, clave))
        return objetivo.nivel if objetivo else None

    # --- mir ----------------------------------------------------------------------------

    def leer_objetivos(self, hoja: Hoja) -> None:
        lector = _Lector(hoja, self.plan.errores)
        unicos: dict[tuple, int] = {}
        pendientes = []
        for orden, (fila, valores) in enumerate(hoja.filas, start=1):
            antes = len(self.plan.errores)
            programa = self._programa(lector, fila, valores)
            nivel = self._opcion(lector, fila, valores, "nivel", NIVELES, None)
            if nivel is None and not _a_texto(hoja.valor(valores, "nivel")):
                lector.error(fila, "nivel", "falta el valor (columna obligatoria).")
            clave = lector.texto(fila, valores, "clave", requerido=True, max_len=20)
            componente = lector.texto(fila, valores, "componente", max_len=20)
            campos = {
                "nivel": nivel,
                "componente": componente,
                "resumen_narrativo": lector.texto(
                    fila, valores, "resumen_narrativo", requerido=True
                ),
                "orden": orden,
            }
            for columna in ("medios_verificacion", "supuestos"):
                if hoja.tiene(columna):
                    campos[columna] = lector.texto(fila, valores, columna)
            if programa is None or not clave or len(self.plan.errores) != antes:
                continue
            llave = (*programa, clave)
            if llave in self.mir.objetivos:
                previa = self.mir.objetivos[llave].fila
                lector.error(fila, "clave", f"la clave {clave} se repite (fila {previa}).")
                continue
            if nivel in NIVELES_UNICOS:
                if (*programa, nivel) in unicos:
                    lector.error(
                        fila,
                        "nivel",
                        f"el programa {programa[1]} ya tiene "
                        f"{nivel.lower()} en la fila {unicos[(*programa, nivel)]}.",
                    )
                    continue
                unicos[(*programa, nivel)] = fila
            self.mir.objetivos[llave] = Fila(hoja.nombre, fila, campos)
            pendientes.append((lector, fila, programa, campos))
        for lector, fila, programa, campos in pendientes:
            self._exigir_componente(lector, fila, programa, campos)

    def _exigir_componente(self, lector, fila, programa, campos) -> None:
        componente = campos["componente"]
        if campos["nivel"] != "ACTIVIDAD":
            if componente:
                lector.error(fila, "componente", "solo una ACTIVIDAD lleva componente.")
            return
        if not componente:
            lector.error(fila, "componente", "una ACTIVIDAD necesita la clave de su componente.")
        elif self._objetivo_existe(programa, componente) != "COMPONENTE":
            lector.error(
                fila,
                "componente",
                f"{componente} no es un COMPONENTE del programa {programa[1]} (hoja mir).",
            )

    def fin_y_proposito_de_programas(self) -> None:
        """The programas sheet's fin / proposito: the Fin and Propósito of the MIR."""
        for llave, campos in self.deseado.programas.items():
            for columna, nivel in (("fin", "FIN"), ("proposito", "PROPOSITO")):
                texto = campos.pop(columna, "")
                if not texto:
                    continue  # blank: the sheet says nothing about it (the mir sheet may)
                en_libro = next(
                    (
                        f
                        for k, f in self.mir.objetivos.items()
                        if k[:2] == llave and f.campos["nivel"] == nivel
                    ),
                    None,
                )
                if en_libro is not None:
                    if en_libro.campos["resumen_narrativo"] != texto:
                        self.plan.errores.append(
                            ErrorImportacion(
                                "programas",
                                None,
                                columna,
                                f"programa {llave[1]}: difiere del {nivel.lower()} de la hoja "
                                f"mir (fila {en_libro.fila}); deje uno de los dos.",
                            )
                        )
                    continue
                actual = self.db.unico(llave, nivel)
                clave = actual.clave if actual else NIVELES_UNICOS[nivel]
                self.mir.objetivos[(*llave, clave)] = Fila(
                    "programas",
                    None,
                    {"nivel": nivel, "componente": "", "resumen_narrativo": texto},
                )

    # --- indicadores --------------------------------------------------------------------

    def leer_indicadores(self, hoja: Hoja) -> None:
        lector = _Lector(hoja, self.plan.errores)
        for orden, (fila, valores) in enumerate(hoja.filas, start=1):
            antes = len(self.plan.errores)
            programa = self._programa(lector, fila, valores)
            clave = lector.texto(fila, valores, "clave", requerido=True, max_len=20)
            campos = self._campos_indicador(lector, fila, valores, programa)
            campos["orden"] = orden
            if programa is None or not clave or len(self.plan.errores) != antes:
                continue
            llave = (*programa, clave)
            if llave in self.mir.indicadores:
                previa = self.mir.indicadores[llave].fila
                lector.error(fila, "clave", f"el indicador {clave} se repite (fila {previa}).")
                continue
            self.mir.indicadores[llave] = Fila(hoja.nombre, fila, campos)

    def _campos_indicador(self, lector: _Lector, fila: int, valores, programa) -> dict:
        hoja = lector.hoja
        t = lector.texto
        campos = {
            "objetivo": t(fila, valores, "objetivo", requerido=True, max_len=20),
            "nombre": t(fila, valores, "nombre", requerido=True, max_len=300),
            "unidad_medida": t(fila, valores, "unidad_medida", requerido=True, max_len=100),
            "frecuencia": self._opcion(lector, fila, valores, "frecuencia", FRECUENCIAS, None),
            "unidad": t(fila, valores, "unidad_clave", requerido=True, max_len=20),
        }
        if campos["frecuencia"] is None and not _a_texto(hoja.valor(valores, "frecuencia")):
            lector.error(fila, "frecuencia", "falta el valor (columna obligatoria).")
        texto_formula = t(fila, valores, "formula", requerido=True, max_len=500)
        if texto_formula:
            try:
                campos["formula"] = parse_formula(texto_formula).texto
            except FormulaInvalida as error:
                lector.error(fila, "formula", error.mensaje)
        nivel = self._objetivo_existe(programa, campos["objetivo"]) if programa else None
        if programa and campos["objetivo"] and nivel is None:
            lector.error(
                fila,
                "objetivo",
                f"el objetivo {campos['objetivo']} no está en la "
                f"hoja mir ni en la MIR del programa {programa[1]}.",
            )
        defecto_tipo = TIPO_POR_NIVEL.get(nivel, "GESTION")
        for columna, opciones, defecto in (
            ("dimension", DIMENSIONES, "EFICACIA"),
            ("tipo", TIPOS, str(defecto_tipo)),
            ("sentido", SENTIDOS, "ASCENDENTE"),
        ):
            if hoja.tiene(columna) or columna == "tipo":
                campos[columna] = self._opcion(lector, fila, valores, columna, opciones, defecto)
        for columna in TEXTOS_INDICADOR:
            if hoja.tiene(columna):
                campos[columna] = t(fila, valores, columna)
        if hoja.tiene("linea_base"):
            campos["linea_base"] = lector.numero(fila, valores, "linea_base")
        if hoja.tiene("linea_base_anio"):
            campos["linea_base_anio"] = lector.entero(
                fila, valores, "linea_base_anio", minimo=1900, maximo=2100
            )
        self._umbrales(lector, fila, valores, campos)
        if (
            programa
            and campos["unidad"]
            and (programa[0], campos["unidad"])
            not in (self.existente.unidades.keys() | self.deseado.unidades.keys())
        ):
            lector.error(
                fila,
                "unidad_clave",
                f"la unidad {campos['unidad']} no está en el ramo {programa[0]}.",
            )
        return campos

    def _umbrales(self, lector: _Lector, fila: int, valores, campos: dict) -> None:
        if not any(lector.hoja.tiene(c) for c in UMBRALES):
            return
        cifras = [lector.numero(fila, valores, c) for c in UMBRALES]
        dados = [c is not None for c in cifras]
        if any(dados) and not all(dados):
            lector.error(fila, "verde_min", "los rangos del semáforo van los cuatro o ninguno.")
            return
        if all(dados):
            vmin, vmax, amin, amax = cifras
            if not (amin <= vmin <= vmax <= amax):
                lector.error(
                    fila,
                    "verde_min",
                    "los rangos deben cumplir amarillo_min ≤ verde_min ≤ verde_max ≤ amarillo_max.",
                )
                return
            if max(cifras) >= Decimal("10000"):
                lector.error(fila, "amarillo_max", "un rango del semáforo pasa de 9,999.99 %.")
                return
        campos.update(zip(UMBRALES, cifras, strict=True))

    # --- variables ------------------------------------------------------------------------

    def _indicador(self, lector, fila, valores, programa) -> tuple | None:
        clave = lector.texto(fila, valores, "indicador", requerido=True)
        if programa is None or not clave:
            return None
        llave = (*programa, clave)
        if llave in self.mir.indicadores or llave in self.db.indicadores:
            return llave
        lector.error(
            fila,
            "indicador",
            f"el indicador {clave} no está en la hoja indicadores ni en el programa {programa[1]}.",
        )
        return None

    def leer_variables(self, hoja: Hoja) -> None:
        lector = _Lector(hoja, self.plan.errores)
        for fila, valores in hoja.filas:
            antes = len(self.plan.errores)
            programa = self._programa(lector, fila, valores)
            indicador = self._indicador(lector, fila, valores, programa)
            simbolo = lector.texto(fila, valores, "simbolo", requerido=True, max_len=20)
            campos = {"nombre": lector.texto(fila, valores, "nombre", requerido=True, max_len=300)}
            for columna, largo in (("unidad_medida", 100), ("fuente", 300)):
                if hoja.tiene(columna):
                    campos[columna] = lector.texto(fila, valores, columna, max_len=largo)
            campos["comportamiento"] = self._opcion(
                lector, fila, valores, "comportamiento", COMPORTAMIENTOS, "ACUMULABLE"
            )
            campos["meta"] = self._meta_vinculada(lector, fila, valores, programa)
            if indicador is None or not simbolo or len(self.plan.errores) != antes:
                continue
            llave = (*indicador, simbolo)
            if llave in self.mir.variables:
                previa = self.mir.variables[llave].fila
                lector.error(fila, "simbolo", f"la variable {simbolo} se repite (fila {previa}).")
                continue
            self.mir.variables[llave] = Fila(hoja.nombre, fila, campos)

    def _meta_vinculada(self, lector, fila, valores, programa) -> tuple | None:
        unidad = lector.texto(fila, valores, "meta_unidad_clave")
        clave = lector.texto(fila, valores, "meta_clave")
        if not unidad and not clave:
            return None
        if not (unidad and clave):
            lector.error(fila, "meta_clave", "para vincular una meta escriba su unidad y su clave.")
            return None
        if programa is None:
            return None
        llave = (programa[0], unidad, clave)
        deseada = self.deseado.metas.get(llave)
        guardada = self.existente.metas.get(llave)
        de_programa = (
            deseada.programa if deseada else (guardada.programa.clave if guardada else None)
        )
        if de_programa is None:
            lector.error(fila, "meta_clave", f"la meta {clave} de la unidad {unidad} no existe.")
        elif de_programa != programa[1]:
            lector.error(
                fila,
                "meta_clave",
                f"la meta {clave} pertenece al programa {de_programa}, no al {programa[1]}.",
            )
        else:
            return (unidad, clave)
        return None

    # --- valores_variables ----------------------------------------------------------------

    def leer_valores(self, hoja: Hoja) -> None:
        lector = _Lector(hoja, self.plan.errores)
        for fila, valores in hoja.filas:
            antes = len(self.plan.errores)
            programa = self._programa(lector, fila, valores)
            indicador = self._indicador(lector, fila, valores, programa)
            simbolo = lector.texto(fila, valores, "simbolo", requerido=True)
            periodo = lector.entero(fila, valores, "periodo", minimo=1, maximo=12, requerido=True)
            campos = {
                "programado": lector.numero(fila, valores, "programado"),
                "realizado": lector.numero(fila, valores, "realizado"),
            }
            if indicador is None or not simbolo or periodo is None:
                continue
            variable = self._variable(indicador, simbolo)
            if variable is None:
                lector.error(
                    fila,
                    "simbolo",
                    f"la variable {simbolo} no está en la hoja "
                    f"variables del indicador {indicador[2]}.",
                )
                continue
            frecuencia = self._frecuencia(indicador)
            if frecuencia and periodo not in periodos(frecuencia):
                validos = ", ".join(str(p) for p in periodos(frecuencia))
                lector.error(
                    fila,
                    "periodo",
                    f"el periodo {periodo} no existe para la frecuencia "
                    f"{frecuencia} (use {validos}).",
                )
                continue
            if variable.get("meta"):
                lector.error(
                    fila,
                    "simbolo",
                    f"la variable {simbolo} está vinculada a una meta: "
                    "sus valores vienen de la meta; quite esta fila.",
                )
                continue
            if len(self.plan.errores) != antes:
                continue
            llave = (*indicador, simbolo, periodo)
            if llave in self.mir.valores:
                previa = self.mir.valores[llave].fila
                lector.error(
                    fila, "periodo", f"el periodo {periodo} de {simbolo} se repite (fila {previa})."
                )
                continue
            self.mir.valores[llave] = Fila(hoja.nombre, fila, campos)

    def _variable(self, indicador: tuple, simbolo: str) -> dict | None:
        fila = self.mir.variables.get((*indicador, simbolo))
        if fila is not None:
            return fila.campos
        guardada = self.db.variables.get((*indicador, simbolo))
        return {"meta": guardada.meta_id} if guardada else None

    def _frecuencia(self, indicador: tuple) -> str | None:
        fila = self.mir.indicadores.get(indicador)
        if fila is not None:
            return fila.campos.get("frecuencia")
        guardado = self.db.indicadores.get(indicador)
        return guardado.frecuencia if guardado else None

    # --- formulas against variables -------------------------------------------------------

    def cruzar_formulas(self) -> None:
        """Each indicator's formula uses exactly its variables (both sheets, or the database)."""
        llaves = set(self.mir.indicadores) | {k[:3] for k in self.mir.variables}
        for indicador in sorted(llaves):
            fila_ind = self.mir.indicadores.get(indicador)
            texto = fila_ind.campos.get("formula") if fila_ind else None
            if fila_ind is not None and texto is None:
                continue  # its formula already has an error
            if texto is None:
                texto = self.db.indicadores[indicador].formula
            en_libro = {k[3]: f for k, f in self.mir.variables.items() if k[:3] == indicador}
            if en_libro:
                simbolos = set(en_libro)
            else:
                simbolos = {k[3] for k in self.db.variables if k[:3] == indicador}
            usados = parse_formula(texto).simbolos
            if fila_ind is not None:
                for simbolo in sorted(usados - simbolos):
                    self.plan.errores.append(
                        ErrorImportacion(
                            fila_ind.hoja,
                            fila_ind.fila,
                            "formula",
                            f"indicador {indicador[2]}: la fórmula usa «{simbolo}», que no tiene "
                            "fila en la hoja variables.",
                        )
                    )
            for simbolo in sorted(simbolos - usados):
                fila_var = en_libro.get(simbolo)
                self.plan.errores.append(
                    ErrorImportacion(
                        fila_var.hoja if fila_var else "variables",
                        fila_var.fila if fila_var else None,
                        "simbolo",
                        f"indicador {indicador[2]}: la variable «{simbolo}» no se usa en "
                        f"su fórmula «{texto}».",
                    )
                )
