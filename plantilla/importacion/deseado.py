"""What the workbook asks for: the validated rows of metas, lineas_pmd, programas, responsables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from plantilla.importacion.columnas import COLUMNAS, Hoja, _largo, _opcion
from plantilla.importacion.cronograma import campos_de_meta
from plantilla.importacion.existente import Existente
from plantilla.importacion.leer import _a_texto, _cortar_codigos, _Lector, fmt
from plantilla.importacion.resultado import ErrorImportacion, Plan
from programas.models import ABREVIATURAS_MES, LineaPMD, Meta


@dataclass
class MetaDeseada:
    fila: int
    ramo: str
    programa: str
    unidad: str
    clave: str
    campos: dict  # Meta fields (grupo, descripcion, …, orden)
    lineas: list[str]
    programado: list[Decimal]  # 12 values

    @property
    def llave(self) -> tuple[str, str, str]:
        return (self.ramo, self.unidad, self.clave)


@dataclass
class AvanceDeseado:
    fila: int
    llave_meta: tuple[str, str, str]
    mes: int
    realizado: Decimal | None
    observaciones: str


@dataclass
class Deseado:
    """The validated content of the workbook, keyed by claves."""

    ramos: dict[str, dict] = field(default_factory=dict)  # clave → fields
    programas: dict[tuple[str, str], dict] = field(default_factory=dict)
    unidades: dict[tuple[str, str], dict] = field(default_factory=dict)
    lineas: dict[str, str | None] = field(default_factory=dict)  # None: create without name
    metas: dict[tuple[str, str, str], MetaDeseada] = field(default_factory=dict)
    metas_con_error: dict[tuple[str, str, str], int] = field(default_factory=dict)  # → fila
    avances: dict[tuple[tuple[str, str, str], int], AvanceDeseado] = field(default_factory=dict)
    presupuesto: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    filas: dict[tuple, tuple[str, int]] = field(default_factory=dict)  # object key → (hoja, fila)
    # Responsables by post when the sheet has a `desde` column: (nivel, llave) → {desde:
    # (nombre, cargo)}; llave is the ramo clave or (ramo, clave). Without the column the
    # sheet only sets the holder today (the post's own fields), history untouched.
    vigencias: dict[tuple[str, Any], dict[int, tuple[str, str]]] = field(default_factory=dict)


_TIPOS = {c.value: c.value for c in Meta.TipoAcumulacion}
_SENTIDOS = {c.value: c.value for c in Meta.Sentido}
_NIVELES = {c.value: c.value for c in Meta.NivelMIR}
_LARGOS = {c.nombre: c.max_len for c in COLUMNAS["metas"]}


@dataclass
class _FilaMeta:
    """The converted cells of one row of the metas sheet."""

    ramo: str
    ramo_nombre: str
    programa: str
    programa_nombre: str
    unidad: str
    unidad_nombre: str
    clave: str
    descripcion: str
    grupo: str
    unidad_medida: str
    meta_anual: Decimal | None
    original: Decimal | None
    mes_inicio: int
    mes_inicio_valido: bool
    tipo: str
    sentido: str
    nivel: str
    lineas: list[str]
    programado: list[Decimal]
    cronograma: dict = field(default_factory=dict)  # responsable, fechas, periodicidad


class _Nombres:
    """The first name written for each ramo, programa and unidad; a different one is warned."""

    def __init__(self, hoja: Hoja, plan: Plan):
        self.hoja, self.plan = hoja, plan
        self.vistos: dict[tuple, tuple[str, int]] = {}

    def consistente(self, tipo: str, llave: tuple, nombre: str, fila: int, columna: str) -> str:
        previo = self.vistos.get((tipo, llave))
        if previo is None:
            self.vistos[(tipo, llave)] = (nombre, fila)
            return nombre
        if previo[0] != nombre and nombre:
            self.plan.advertencias.append(
                ErrorImportacion(
                    self.hoja.nombre, fila, columna,
                    f"el nombre «{nombre}» difiere del de la fila {previo[1]} «{previo[0]}»; "
                    "se usa el de la primera fila.",
                )
            )  # fmt: skip
        return previo[0]


def _leer_metas(hoja: Hoja, deseado: Deseado, plan: Plan) -> None:
    """Validate every metas row; keep the valid metas and their ramo/programa/unidad names."""
    lector = _Lector(hoja, plan.errores)
    nombres = _Nombres(hoja, plan)
    for orden, (fila, valores) in enumerate(hoja.filas, start=1):
        errores_antes = len(plan.errores)
        datos = _convertir_fila_meta(lector, fila, valores)
        if len(plan.errores) == errores_antes:
            _exigir_suma_programada(datos, hoja, fila, plan)
        _registrar_nombres(datos, deseado, nombres, fila)
        llave = _llave_sin_repetir(datos, deseado, lector, fila)
        if llave is None:
            continue
        if len(plan.errores) != errores_antes:
            # Remember the key so avances of this meta are not reported as unknown too.
            deseado.metas_con_error[llave] = fila
            continue
        for codigo in datos.lineas:
            deseado.lineas.setdefault(codigo, None)
        deseado.metas[llave] = _meta_deseada(datos, fila, orden)


def _convertir_fila_meta(lector: _Lector, fila: int, valores: tuple) -> _FilaMeta:
    """Every cell of a metas row, converted; each wrong cell adds its error, in column order."""
    hoja = lector.hoja

    def t(columna, requerido=False):
        return lector.texto(fila, valores, columna, requerido=requerido, max_len=_LARGOS[columna])

    ramo, ramo_nombre = t("ramo_clave", True), t("ramo_nombre", True)
    programa, programa_nombre = t("programa_clave", True), t("programa_nombre", True)
    unidad, unidad_nombre = t("unidad_clave", True), t("unidad_nombre", True)
    clave, descripcion = t("clave", True), t("descripcion", True)
    grupo, unidad_medida = t("grupo"), t("unidad_medida", True)
    meta_anual = lector.numero(fila, valores, "meta_anual", requerido=True)
    original = lector.numero(fila, valores, "meta_anual_original")
    mes_inicio = lector.entero(fila, valores, "mes_inicio", minimo=1, maximo=12)
    mes_inicio_valido = mes_inicio is not None or not _a_texto(hoja.valor(valores, "mes_inicio"))
    return _FilaMeta(
        ramo=ramo, ramo_nombre=ramo_nombre, programa=programa, programa_nombre=programa_nombre,
        unidad=unidad, unidad_nombre=unidad_nombre, clave=clave, descripcion=descripcion,
        grupo=grupo, unidad_medida=unidad_medida, meta_anual=meta_anual, original=original,
        mes_inicio=mes_inicio or 1, mes_inicio_valido=mes_inicio_valido,
        tipo=_opcion_de_celda(
            lector, fila, valores, "tipo_acumulacion", _TIPOS, Meta.TipoAcumulacion.SUMA.value
        ),
        sentido=_opcion_de_celda(
            lector, fila, valores, "sentido", _SENTIDOS, Meta.Sentido.ASCENDENTE.value
        ),
        nivel=_opcion_de_celda(lector, fila, valores, "nivel_mir", _NIVELES, ""),
        lineas=_lineas_de_fila(lector, fila, valores),
        programado=_programado_de_fila(lector, fila, valores),
        cronograma=campos_de_meta(lector, fila, valores),
    )  # fmt: skip


def _opcion_de_celda(lector: _Lector, fila, valores, columna, opciones, defecto) -> str:
    """A choice cell (tipo, sentido, nivel): blank is `defecto`; an unknown value is an error."""
    texto = _a_texto(lector.hoja.valor(valores, columna))
    if not texto:
        return defecto
    valor = opciones.get(_opcion(texto))
    if valor is None:
        lector.error(
            fila, columna,
            f"«{texto}» no es válido; use {', '.join(opciones)}.",
        )  # fmt: skip
        return defecto
    return valor


def _lineas_de_fila(lector: _Lector, fila: int, valores: tuple) -> list[str]:
    lineas = _cortar_codigos(_a_texto(lector.hoja.valor(valores, "lineas_pmd")))
    for codigo in lineas:
        if len(codigo) > _largo(LineaPMD, "codigo"):
            lector.error(fila, "lineas_pmd", f"el código «{codigo[:40]}» es demasiado largo.")
    return lineas


def _programado_de_fila(lector: _Lector, fila: int, valores: tuple) -> list[Decimal]:
    """The 12 programmed values; a blank month is 0."""
    programado = []
    for abrev in ABREVIATURAS_MES:
        valor = lector.numero(fila, valores, abrev)
        programado.append(valor if valor is not None else Decimal("0.00"))
    return programado


def _exigir_suma_programada(datos: _FilaMeta, hoja: Hoja, fila: int, plan: Plan) -> None:
    """A SUMA meta (its row otherwise valid): months from mes_inicio must add to meta_anual."""
    if (
        datos.tipo != Meta.TipoAcumulacion.SUMA
        or datos.meta_anual is None
        or not datos.mes_inicio_valido
    ):
        return
    suma = sum(datos.programado[datos.mes_inicio - 1 :], Decimal("0"))
    if suma != datos.meta_anual:
        desde = ABREVIATURAS_MES[datos.mes_inicio - 1]
        plan.errores.append(
            ErrorImportacion(
                hoja.nombre, fila, "meta_anual",
                f"meta {datos.clave}: los meses programados de {desde} a dic suman {fmt(suma)}, "
                f"pero la meta anual es {fmt(datos.meta_anual)}.",
            )
        )  # fmt: skip


def _registrar_nombres(datos: _FilaMeta, deseado: Deseado, nombres: _Nombres, fila: int) -> None:
    """The ramo, programa and unidad this row names (the first name of each wins)."""
    ramo, programa, unidad = datos.ramo, datos.programa, datos.unidad
    if ramo and datos.ramo_nombre:
        deseado.ramos.setdefault(ramo, {})["nombre"] = nombres.consistente(
            "ramo", (ramo,), datos.ramo_nombre, fila, "ramo_nombre"
        )
    if ramo and programa and datos.programa_nombre:
        deseado.programas.setdefault((ramo, programa), {})["nombre"] = nombres.consistente(
            "programa", (ramo, programa), datos.programa_nombre, fila, "programa_nombre"
        )
    if ramo and unidad and datos.unidad_nombre:
        deseado.unidades.setdefault((ramo, unidad), {})["nombre"] = nombres.consistente(
            "unidad", (ramo, unidad), datos.unidad_nombre, fila, "unidad_nombre"
        )


def _llave_sin_repetir(datos: _FilaMeta, deseado: Deseado, lector: _Lector, fila: int):
    """(ramo, unidad, clave) of the row, or None if incomplete or already used (an error)."""
    ramo, unidad, clave = datos.ramo, datos.unidad, datos.clave
    if not (ramo and unidad and clave):
        return None
    llave = (ramo, unidad, clave)
    if llave in deseado.metas or llave in deseado.metas_con_error:
        previa = (
            deseado.metas[llave].fila
            if llave in deseado.metas
            else (deseado.metas_con_error[llave])
        )
        lector.error(
            fila, "clave",
            f"la clave {clave} se repite en la unidad {unidad} del ramo {ramo} "
            f"(ya está en la fila {previa}).",
        )  # fmt: skip
        return None
    return llave


def _meta_deseada(datos: _FilaMeta, fila: int, orden: int) -> MetaDeseada:
    original = datos.original
    if original is not None and original == datos.meta_anual:
        original = None
    return MetaDeseada(
        fila=fila,
        ramo=datos.ramo,
        programa=datos.programa,
        unidad=datos.unidad,
        clave=datos.clave,
        campos={
            "grupo": datos.grupo,
            "descripcion": datos.descripcion,
            "unidad_medida": datos.unidad_medida,
            "meta_anual": datos.meta_anual,
            "meta_anual_original": original,
            "mes_inicio": datos.mes_inicio,
            "tipo_acumulacion": datos.tipo,
            "sentido": datos.sentido,
            "nivel_mir": datos.nivel,
            "orden": orden,
            **datos.cronograma,
        },
        lineas=datos.lineas,
        programado=datos.programado,
    )


def _leer_lineas(hoja: Hoja, deseado: Deseado, plan: Plan) -> dict[str, int]:
    lector = _Lector(hoja, plan.errores)
    filas: dict[str, int] = {}
    for fila, valores in hoja.filas:
        codigo = lector.texto(
            fila, valores, "codigo", requerido=True, max_len=_largo(LineaPMD, "codigo")
        )
        nombre = lector.texto(fila, valores, "nombre", max_len=_largo(LineaPMD, "nombre"))
        if not codigo:
            continue
        if codigo in filas:
            lector.error(fila, "codigo", f"el código {codigo} se repite (fila {filas[codigo]}).")
            continue
        filas[codigo] = fila
        deseado.lineas[codigo] = nombre
    return filas


def _ubicar(hoja: str, fila: int, columna: str, plan: Plan):
    def error(mensaje: str) -> None:
        plan.errores.append(ErrorImportacion(hoja, fila, columna, mensaje))

    return error


def _buscar(existentes: dict, deseados, llave: tuple, tipo: str, error) -> bool:
    """Whether (ramo, clave) exists in the workbook or the database; report it otherwise.

    `tipo` carries its article: "el programa", "la unidad".
    """
    if llave in existentes or llave in deseados:
        return True
    otros = sorted({k[0] for k in list(existentes) + list(deseados) if k[1] == llave[1]})
    if otros:
        error(f"{tipo} {llave[1]} pertenece al ramo {', '.join(otros)}, no al {llave[0]}.")
    else:
        error(f"{tipo} {llave[1]} del ramo {llave[0]} no está en la hoja metas ni en la base "
              "de datos.")  # fmt: skip
    return False


def _leer_programas(hoja: Hoja, deseado: Deseado, existente: Existente, plan: Plan):
    lector = _Lector(hoja, plan.errores)
    campos = [c for c in COLUMNAS["programas"] if c.nombre not in ("programa_clave", "ramo_clave")]
    vistos: dict[tuple, int] = {}
    for fila, valores in hoja.filas:
        programa = lector.texto(fila, valores, "programa_clave", requerido=True)
        ramo = lector.texto(fila, valores, "ramo_clave", requerido=True)
        datos = {
            c.nombre: lector.texto(fila, valores, c.nombre, max_len=c.max_len)
            for c in campos
            if hoja.tiene(c.nombre)
        }
        if not (programa and ramo):
            continue
        llave = (ramo, programa)
        if llave in vistos:
            lector.error(fila, "programa_clave", f"el programa {programa} se repite (fila "
                         f"{vistos[llave]}).")  # fmt: skip
            continue
        vistos[llave] = fila
        if _buscar(existente.programas, deseado.programas, llave, "el programa",
                   _ubicar(hoja.nombre, fila, "programa_clave", plan)):  # fmt: skip
            deseado.programas.setdefault(llave, {}).update(datos)


def _leer_responsables(hoja: Hoja, deseado: Deseado, existente: Existente, plan: Plan):
    lector = _Lector(hoja, plan.errores)
    niveles = {"RAMO": "ramo", "PROGRAMA": "programa", "UNIDAD": "unidad"}
    vistos: dict[tuple, int] = {}
    for fila, valores in hoja.filas:
        nivel_texto = lector.texto(fila, valores, "nivel", requerido=True)
        ramo = lector.texto(fila, valores, "ramo_clave", requerido=True)
        clave = lector.texto(fila, valores, "clave") or ramo
        datos = {}
        for columna, campo in (("nombre", "responsable_nombre"), ("cargo", "responsable_cargo")):
            if hoja.tiene(columna):
                datos[campo] = lector.texto(fila, valores, columna, max_len=200)
        errores_antes = len(plan.errores)
        desde = lector.entero(fila, valores, "desde", minimo=1, maximo=12) if hoja.tiene(
            "desde") else None  # fmt: skip
        nivel = niveles.get(_opcion(nivel_texto)) if nivel_texto else None
        if nivel_texto and nivel is None:
            lector.error(
                fila, "nivel", f"«{nivel_texto}» no es válido; use RAMO, PROGRAMA o UNIDAD."
            )
            continue
        if not (nivel and ramo) or len(plan.errores) > errores_antes:
            continue
        desde = desde or 1
        llave = (nivel, ramo, clave, desde)
        if llave in vistos:
            desde_texto = f" desde el mes {desde}" if hoja.tiene("desde") else ""
            lector.error(fila, "clave", f"el responsable de {nivel} {clave}{desde_texto} se "
                         f"repite (fila {vistos[llave]}).")  # fmt: skip
            continue
        vistos[llave] = fila
        destino = _destino_responsable(nivel, ramo, clave, deseado, existente,
                                       _ubicar(hoja.nombre, fila, "clave", plan))  # fmt: skip
        if destino is None:
            continue
        puesto = (nivel, ramo if nivel == "ramo" else (ramo, clave))
        if hoja.tiene("desde"):
            periodos = deseado.vigencias.setdefault(puesto, {})
            periodos[desde] = (datos.get("responsable_nombre", ""),
                               datos.get("responsable_cargo", ""))  # fmt: skip
            if desde < max(periodos):
                continue  # the post's own fields are the latest holder
        destino.update(datos)


def _destino_responsable(nivel, ramo, clave, deseado: Deseado, existente: Existente, error):
    """The fields dict of the post in `deseado` (created on demand); None after an error."""
    if nivel == "ramo":
        if clave != ramo:
            error(f"para el nivel RAMO la clave debe ser la del ramo ({ramo}).")
        elif ramo in existente.ramos or ramo in deseado.ramos:
            return deseado.ramos.setdefault(ramo, {})
        else:
            error(f"el ramo {ramo} no está en la hoja metas ni en la base de datos.")
        return None
    if nivel == "programa":
        if _buscar(existente.programas, deseado.programas, (ramo, clave), "el programa", error):
            return deseado.programas.setdefault((ramo, clave), {})
        return None
    if _buscar(existente.unidades, deseado.unidades, (ramo, clave), "la unidad", error):
        return deseado.unidades.setdefault((ramo, clave), {})
    return None
