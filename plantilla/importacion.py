"""Read, validate, plan and apply the POA workbook (shared/spec/PLANTILLA.md).

The service API (CONTRATOS.md):

- `analizar_libro(archivo, *, ejercicio, unidades_permitidas=None) -> Plan` reads and validates
  the whole workbook against the database without writing anything. `Plan.errores` lists
  every problem as `hoja!fila columna: mensaje`; `creados`, `cambios` (old → new),
  `sin_cambio` and `advertencias` feed the preview.
- `aplicar_plan(plan, *, usuario=None)` writes a valid plan in one transaction.
- `importar_libro(archivo, *, ejercicio, usuario=None)` does both and raises
  `ImportacionInvalida(errores)` when the workbook has errors.

With `unidades_permitidas` (a set of UnidadEjecutora ids) the workbook is a capture sheet:
only its `avances` sheet is read and only metas of those unidades are accepted.

Tracked models (Meta, Programado, Avance, Presupuesto) are always written with `.save()` or
`bulk_create_with_history`, so simple-history records every change.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from avances.models import Avance
from plantilla.xlsx_seguro import ArchivoNoValido, abrir_libro
from programas.models import (
    ABREVIATURAS_MES,
    NOMBRES_MES,
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)

MOTIVO_IMPORTADA = "Meta autorizada original (importada)"
RAZON_HISTORIA = "Importación de plantilla XLSX"
MESES = tuple(range(1, 13))
MAX_DECIMAL = Decimal("10") ** 16  # DECIMAL(18, 2)
CENTAVO = Decimal("0.01")
LOTE = 2000


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class ErrorImportacion:
    """One problem of the workbook, located by sheet, row and column."""

    hoja: str
    fila: int | None
    columna: str
    mensaje: str

    def __str__(self) -> str:
        if self.fila is None and not self.columna:
            return f"{self.hoja}: {self.mensaje}"
        lugar = f"{self.hoja}!{self.fila if self.fila is not None else 1}"
        return (
            f"{lugar} {self.columna}: {self.mensaje}"
            if self.columna
            else f"{lugar}: {self.mensaje}"
        )


Advertencia = ErrorImportacion  # same shape; a warning does not stop the import


@dataclass(frozen=True)
class Creacion:
    """Something the import would create."""

    tipo: str
    objeto: str
    detalle: str = ""


@dataclass(frozen=True)
class Cambio:
    """A stored value the import would change (`anterior` → `nuevo`, as displayed text)."""

    tipo: str
    objeto: str
    campo: str
    anterior: str
    nuevo: str


class ImportacionInvalida(Exception):
    """The workbook has errors; nothing was written."""

    def __init__(self, errores: list[ErrorImportacion]):
        self.errores = list(errores)
        super().__init__("\n".join(str(e) for e in self.errores))


@dataclass
class Plan:
    """What importing a workbook would do; built by `analizar_libro`, run by `aplicar_plan`."""

    anio: int
    modo: str = "libro"  # "libro" (whole POA) or "captura" (avances of some unidades)
    errores: list[ErrorImportacion] = field(default_factory=list)
    advertencias: list[ErrorImportacion] = field(default_factory=list)
    creados: list[Creacion] = field(default_factory=list)
    cambios: list[Cambio] = field(default_factory=list)
    sin_cambio: Counter = field(default_factory=Counter)  # tipo → rows left as they are
    conteo_creados: Counter = field(default_factory=Counter)  # tipo → rows to create
    ejercicio_nuevo: bool = False
    hojas: list[str] = field(default_factory=list)
    _operaciones: Any = field(default=None, repr=False)

    @property
    def valido(self) -> bool:
        return not self.errores

    @property
    def hay_escrituras(self) -> bool:
        return bool(self.conteo_creados or self.cambios or self.ejercicio_nuevo)

    def resumen(self) -> list[dict]:
        """Rows (tipo, creados, cambiados, sin_cambio) for the preview, in a stable order."""
        cambiados: dict[str, set[str]] = defaultdict(set)
        for cambio in self.cambios:
            cambiados[cambio.tipo].add(cambio.objeto)
        tipos = [t for t in ORDEN_TIPOS if t in self.conteo_creados or t in cambiados
                 or t in self.sin_cambio]  # fmt: skip
        return [
            {
                "tipo": t,
                "creados": self.conteo_creados.get(t, 0),
                "cambiados": len(cambiados.get(t, ())),
                "sin_cambio": self.sin_cambio.get(t, 0),
            }
            for t in tipos
        ]


ORDEN_TIPOS = [
    "Ejercicio",
    "Ramo",
    "Programa",
    "Unidad ejecutora",
    "Línea PMD",
    "Meta",
    "Valor programado",
    "Reprogramación importada",
    "Avance",
    "Presupuesto",
]


# ---------------------------------------------------------------------------------------------
# Sheet and column names


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


# ---------------------------------------------------------------------------------------------
# Cell values


def _a_texto(valor: Any) -> str:
    """Text of a cell: strings stripped, formulas as their text, numbers without a '.0'."""
    if valor is None:
        return ""
    if isinstance(valor, str):
        return valor.strip()
    if isinstance(valor, bool):
        return "VERDADERO" if valor else "FALSO"
    if isinstance(valor, int):
        return str(valor)
    if isinstance(valor, float):
        if valor.is_integer():
            return str(int(valor))
        return repr(valor)  # shortest form: 2.1 → "2.1"
    if isinstance(valor, Decimal):
        return format(valor, "f")
    if isinstance(valor, dt.datetime):
        return valor.date().isoformat() if valor.time() == dt.time() else valor.isoformat()
    if isinstance(valor, dt.date | dt.time):
        return valor.isoformat()
    texto = getattr(valor, "text", None)  # ArrayFormula and friends: their formula text
    return str(texto if texto is not None else valor).strip()


def fmt(valor: Decimal | None) -> str:
    """Display a decimal for the preview: 1,234.5; blank for None."""
    if valor is None:
        return "(vacío)"
    valor = valor.normalize()
    if valor == valor.to_integral_value():
        valor = valor.quantize(Decimal(1))
    return f"{valor:,f}"


class _Lector:
    """Collects errors while converting the cells of one row."""

    def __init__(self, hoja: Hoja, errores: list[ErrorImportacion]):
        self.hoja = hoja
        self.errores = errores

    def error(self, fila: int, columna: str, mensaje: str) -> None:
        self.errores.append(ErrorImportacion(self.hoja.nombre, fila, columna, mensaje))

    def texto(self, fila: int, valores: tuple, columna: str, *, requerido=False, max_len=None):
        texto = _a_texto(self.hoja.valor(valores, columna))
        if requerido and not texto:
            self.error(fila, columna, "falta el valor (columna obligatoria).")
        if max_len and len(texto) > max_len:
            self.error(
                fila, columna, f"el texto tiene {len(texto)} caracteres; el máximo es {max_len}."
            )
            texto = texto[:max_len]
        return texto

    def numero(self, fila: int, valores: tuple, columna: str, *, requerido=False) -> Decimal | None:
        crudo = self.hoja.valor(valores, columna)
        if crudo is None or (isinstance(crudo, str) and not crudo.strip()):
            if requerido:
                self.error(fila, columna, "falta el valor (columna obligatoria).")
            return None
        try:
            numero = convertir_numero(crudo)
        except ValueError as exc:
            self.error(fila, columna, str(exc))
            return None
        if numero < 0:
            self.error(fila, columna, f"el valor {fmt(numero)} es negativo; debe ser 0 o mayor.")
            return None
        return numero

    def entero(self, fila, valores, columna, *, minimo, maximo, requerido=False) -> int | None:
        crudo = self.hoja.valor(valores, columna)
        if crudo is None or (isinstance(crudo, str) and not crudo.strip()):
            if requerido:
                self.error(fila, columna, "falta el valor (columna obligatoria).")
            return None
        try:
            numero = convertir_numero(crudo)
        except ValueError:
            numero = None
        if numero is None or numero != numero.to_integral_value():
            self.error(
                fila, columna, f"«{_a_texto(crudo)}» no es un mes válido; use un entero de "
                f"{minimo} a {maximo}."
            )  # fmt: skip
            return None
        if not minimo <= numero <= maximo:
            self.error(fila, columna, f"el mes {fmt(numero)} está fuera de {minimo}..{maximo}.")
            return None
        return int(numero)


def convertir_numero(valor: Any) -> Decimal:
    """Decimal of a numeric cell or of text in `1,234.5` / `1234.5` form (ValueError if not)."""
    if isinstance(valor, bool):
        raise ValueError(f"«{_a_texto(valor)}» no es un número.")
    if isinstance(valor, int):
        numero = Decimal(valor)
    elif isinstance(valor, float):
        if valor != valor or valor in (float("inf"), float("-inf")):
            raise ValueError("el valor no es un número finito.")
        numero = Decimal(repr(valor))
        redondeado = numero.quantize(CENTAVO, rounding=ROUND_HALF_UP)
        if abs(numero - redondeado) < Decimal("1e-9"):  # binary float noise, e.g. 0.1 + 0.2
            numero = redondeado
    elif isinstance(valor, Decimal):
        numero = valor
    else:
        from programas.numeros import NumeroInvalido, parse_numero

        texto = _a_texto(valor)
        try:
            numero = parse_numero(texto)
        except NumeroInvalido as exc:
            mensaje = getattr(exc, "mensaje", None) or str(exc)
            raise ValueError(mensaje) from exc
        if numero is None:
            raise ValueError(f"«{texto}» no es un número.")
    if not numero.is_finite():
        raise ValueError("el valor no es un número finito.")
    if numero != numero.quantize(CENTAVO, rounding=ROUND_HALF_UP):
        raise ValueError(f"el valor {numero} tiene más de 2 decimales.")
    if abs(numero) >= MAX_DECIMAL:
        raise ValueError(f"el valor {fmt(numero)} es demasiado grande.")
    return numero.quantize(CENTAVO)


def _cortar_codigos(texto: str) -> list[str]:
    """Split `2.1.1, 2.1.5` / `2.1.1 2.1.5` / `2.1.1; 2.1.5` into codes, without repeats."""
    vistos: list[str] = []
    for codigo in re.split(r"[,;\s]+", texto):
        codigo = codigo.strip()
        if codigo and codigo not in vistos:
            vistos.append(codigo)
    return vistos


# ---------------------------------------------------------------------------------------------
# Reading the workbook


def _leer_hojas(libro, plan: Plan, *, solo: set[str] | None = None) -> dict[str, Hoja]:
    """Map every known sheet to its header and rows; warn about unknown sheets and columns.

    `solo`: the sheets this kind of upload may carry; any other is ignored with a warning.
    """
    hojas: dict[str, Hoja] = {}
    canonicas = {normalizar(n): n for n in COLUMNAS}
    for ws in libro.worksheets:
        clave = canonicas.get(normalizar(ws.title))
        if clave is None:
            if normalizar(ws.title) not in HOJAS_IGNORADAS:
                plan.advertencias.append(
                    ErrorImportacion(ws.title, None, "", "hoja desconocida; se ignora.")
                )
            continue
        if solo is not None and clave not in solo:
            plan.advertencias.append(
                ErrorImportacion(
                    ws.title, None, "",
                    "en la hoja de captura solo se cargan avances; esta hoja se ignora.",
                )
            )  # fmt: skip
            continue
        if clave in hojas:
            plan.errores.append(
                ErrorImportacion(ws.title, None, "", f"la hoja {clave} está repetida en el libro.")
            )
            continue
        encabezado: tuple | None = None
        fila_encabezado = 0
        filas: list[tuple[int, tuple]] = []
        for numero, valores in enumerate(ws.iter_rows(values_only=True), start=1):
            if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in valores):
                continue
            if encabezado is None:
                encabezado, fila_encabezado = valores, numero
                continue
            filas.append((numero, valores))
        columnas: dict[str, int] = {}
        conocidas = {normalizar(c.nombre): c.nombre for c in COLUMNAS[clave]}
        informativas = {normalizar(c) for c in COLUMNAS_INFORMATIVAS.get(clave, ())}
        for indice, titulo in enumerate(encabezado or ()):
            if titulo is None or not _a_texto(titulo):
                continue
            clave_col = normalizar(titulo)
            nombre = conocidas.get(clave_col) or conocidas.get(normalizar(ALIAS.get(clave_col, "")))
            if nombre is None:
                if clave_col not in informativas:
                    plan.advertencias.append(
                        ErrorImportacion(
                            ws.title, fila_encabezado or 1, _a_texto(titulo),
                            "columna desconocida; se ignora.",
                        )
                    )  # fmt: skip
                continue
            if nombre in columnas:
                plan.errores.append(
                    ErrorImportacion(
                        ws.title, fila_encabezado or 1, nombre, "la columna está repetida."
                    )
                )
                continue
            columnas[nombre] = indice
        faltantes = [c.nombre for c in COLUMNAS[clave] if c.requerida and c.nombre not in columnas]
        if encabezado is None:
            plan.advertencias.append(ErrorImportacion(ws.title, None, "", "la hoja está vacía."))
        elif faltantes:
            for nombre in faltantes:
                plan.errores.append(
                    ErrorImportacion(
                        ws.title, fila_encabezado, nombre, "falta la columna obligatoria."
                    )
                )
            continue
        hojas[clave] = Hoja(ws.title, clave, columnas, filas)
        plan.hojas.append(ws.title)
    return hojas


# ---------------------------------------------------------------------------------------------
# What the workbook asks for (validated rows)


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


def _leer_metas(hoja: Hoja, deseado: Deseado, plan: Plan) -> None:
    lector = _Lector(hoja, plan.errores)
    nombres: dict[tuple, tuple[str, int]] = {}

    def nombre_consistente(tipo: str, llave: tuple, nombre: str, fila: int, columna: str) -> str:
        previo = nombres.get((tipo, llave))
        if previo is None:
            nombres[(tipo, llave)] = (nombre, fila)
            return nombre
        if previo[0] != nombre and nombre:
            plan.advertencias.append(
                ErrorImportacion(
                    hoja.nombre, fila, columna,
                    f"el nombre «{nombre}» difiere del de la fila {previo[1]} «{previo[0]}»; "
                    "se usa el de la primera fila.",
                )
            )  # fmt: skip
        return previo[0]

    tipos = {c.value: c.value for c in Meta.TipoAcumulacion}
    sentidos = {c.value: c.value for c in Meta.Sentido}
    niveles = {c.value: c.value for c in Meta.NivelMIR}
    largos = {c.nombre: c.max_len for c in COLUMNAS["metas"]}
    for orden, (fila, valores) in enumerate(hoja.filas, start=1):
        errores_antes = len(plan.errores)

        def t(columna, requerido=False, valores=valores, fila=fila):
            return lector.texto(
                fila, valores, columna, requerido=requerido, max_len=largos[columna]
            )

        ramo, ramo_nombre = t("ramo_clave", True), t("ramo_nombre", True)
        programa, programa_nombre = t("programa_clave", True), t("programa_nombre", True)
        unidad, unidad_nombre = t("unidad_clave", True), t("unidad_nombre", True)
        clave, descripcion = t("clave", True), t("descripcion", True)
        grupo, unidad_medida = t("grupo"), t("unidad_medida", True)
        meta_anual = lector.numero(fila, valores, "meta_anual", requerido=True)
        original = lector.numero(fila, valores, "meta_anual_original")
        mes_inicio = lector.entero(fila, valores, "mes_inicio", minimo=1, maximo=12)
        mes_inicio_valido = mes_inicio is not None or not _a_texto(
            hoja.valor(valores, "mes_inicio")
        )
        mes_inicio = mes_inicio or 1

        def opcion(columna, opciones, defecto, valores=valores, fila=fila):
            texto = _a_texto(hoja.valor(valores, columna))
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

        tipo = opcion("tipo_acumulacion", tipos, Meta.TipoAcumulacion.SUMA.value)
        sentido = opcion("sentido", sentidos, Meta.Sentido.ASCENDENTE.value)
        nivel = opcion("nivel_mir", niveles, "")
        lineas = _cortar_codigos(_a_texto(hoja.valor(valores, "lineas_pmd")))
        for codigo in lineas:
            if len(codigo) > _largo(LineaPMD, "codigo"):
                lector.error(fila, "lineas_pmd", f"el código «{codigo[:40]}» es demasiado largo.")
        programado = []
        for abrev in ABREVIATURAS_MES:
            valor = lector.numero(fila, valores, abrev)
            programado.append(valor if valor is not None else Decimal("0.00"))
        if (
            tipo == Meta.TipoAcumulacion.SUMA
            and meta_anual is not None
            and mes_inicio_valido
            and len(plan.errores) == errores_antes
        ):
            suma = sum(programado[mes_inicio - 1 :], Decimal("0"))
            if suma != meta_anual:
                desde = ABREVIATURAS_MES[mes_inicio - 1]
                plan.errores.append(
                    ErrorImportacion(
                        hoja.nombre, fila, "meta_anual",
                        f"meta {clave}: los meses programados de {desde} a dic suman {fmt(suma)}, "
                        f"pero la meta anual es {fmt(meta_anual)}.",
                    )
                )  # fmt: skip
        if ramo and ramo_nombre:
            deseado.ramos.setdefault(ramo, {})["nombre"] = nombre_consistente(
                "ramo", (ramo,), ramo_nombre, fila, "ramo_nombre"
            )
        if ramo and programa and programa_nombre:
            deseado.programas.setdefault((ramo, programa), {})["nombre"] = nombre_consistente(
                "programa", (ramo, programa), programa_nombre, fila, "programa_nombre"
            )
        if ramo and unidad and unidad_nombre:
            deseado.unidades.setdefault((ramo, unidad), {})["nombre"] = nombre_consistente(
                "unidad", (ramo, unidad), unidad_nombre, fila, "unidad_nombre"
            )
        if not (ramo and unidad and clave):
            continue
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
            continue
        if len(plan.errores) != errores_antes:
            # Remember the key so avances of this meta are not reported as unknown too.
            deseado.metas_con_error[llave] = fila
            continue
        if original is not None and original == meta_anual:
            original = None
        for codigo in lineas:
            deseado.lineas.setdefault(codigo, None)
        deseado.metas[llave] = MetaDeseada(
            fila=fila,
            ramo=ramo,
            programa=programa,
            unidad=unidad,
            clave=clave,
            campos={
                "grupo": grupo,
                "descripcion": descripcion,
                "unidad_medida": unidad_medida,
                "meta_anual": meta_anual,
                "meta_anual_original": original,
                "mes_inicio": mes_inicio,
                "tipo_acumulacion": tipo,
                "sentido": sentido,
                "nivel_mir": nivel,
                "orden": orden,
            },
            lineas=lineas,
            programado=programado,
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


# ---------------------------------------------------------------------------------------------
# What the database holds (loaded in bulk, a few queries whatever the size)


@dataclass
class Existente:
    ejercicio: Ejercicio | None
    ramos: dict[str, Ramo] = field(default_factory=dict)
    programas: dict[tuple[str, str], Programa] = field(default_factory=dict)
    unidades: dict[tuple[str, str], UnidadEjecutora] = field(default_factory=dict)
    lineas: dict[str, LineaPMD] = field(default_factory=dict)
    metas: dict[tuple[str, str, str], Meta] = field(default_factory=dict)
    lineas_meta: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    # (meta_id, mes) → (id, valor): plain tuples, 120,000 of them for a large POA.
    programados: dict[tuple[int, int], tuple[int, Decimal]] = field(default_factory=dict)
    reprogramaciones: dict[int, list[Reprogramacion]] = field(
        default_factory=lambda: defaultdict(list)
    )
    avances: dict[tuple[int, int], Avance] = field(default_factory=dict)
    presupuesto: dict[tuple[int, str], Presupuesto] = field(default_factory=dict)
    # {(programa_id, unidad_id): authorized quarters} at preview time (avances.bloqueo).
    autorizados: dict = field(default_factory=dict)


def _cargar_existente(anio: int, *, modo: str, unidades_permitidas=None) -> Existente:
    ejercicio = Ejercicio.objects.filter(anio=anio).first()
    existente = Existente(ejercicio)
    if ejercicio is None:
        return existente
    existente.ramos = {r.clave: r for r in Ramo.objects.filter(ejercicio=ejercicio)}
    por_id = {r.pk: r for r in existente.ramos.values()}
    for programa in Programa.objects.filter(ramo__ejercicio=ejercicio):
        programa.ramo = por_id[programa.ramo_id]
        existente.programas[(programa.ramo.clave, programa.clave)] = programa
    for unidad in UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio):
        unidad.ramo = por_id[unidad.ramo_id]
        existente.unidades[(unidad.ramo.clave, unidad.clave)] = unidad
    existente.lineas = {li.codigo: li for li in LineaPMD.objects.filter(ejercicio=ejercicio)}
    metas = Meta.objects.filter(unidad__ramo__ejercicio=ejercicio)
    if unidades_permitidas is not None:
        metas = metas.filter(unidad_id__in=unidades_permitidas)
    programas_id = {p.pk: p for p in existente.programas.values()}
    unidades_id = {u.pk: u for u in existente.unidades.values()}
    for meta in metas:
        meta.programa = programas_id[meta.programa_id]
        meta.unidad = unidades_id[meta.unidad_id]
        existente.metas[(meta.unidad.ramo.clave, meta.unidad.clave, meta.clave)] = meta
    filtro = {"meta__unidad__ramo__ejercicio": ejercicio}
    if unidades_permitidas is not None:
        filtro["meta__unidad_id__in"] = unidades_permitidas
    existente.avances = {(a.meta_id, a.mes): a for a in Avance.objects.filter(**filtro)}
    if modo == "captura":
        return existente
    for meta_id, codigo in Meta.lineas_pmd.through.objects.filter(**filtro).values_list(
        "meta_id", "lineapmd__codigo"
    ):
        existente.lineas_meta[meta_id].add(codigo)
    existente.programados = {
        (meta_id, mes): (pk, valor)
        for pk, meta_id, mes, valor in Programado.objects.filter(**filtro).values_list(
            "pk", "meta_id", "mes", "valor"
        )
    }
    for reprogramacion in Reprogramacion.objects.filter(
        tipo=Reprogramacion.Tipo.IMPORTADA, **filtro
    ).order_by("id"):
        existente.reprogramaciones[reprogramacion.meta_id].append(reprogramacion)
    existente.presupuesto = {
        (p.programa_id, p.capitulo): p
        for p in Presupuesto.objects.filter(programa__ramo__ejercicio=ejercicio)
    }
    return existente


# ---------------------------------------------------------------------------------------------
# Planning: compare what the workbook asks for with what is stored


@dataclass
class Operaciones:
    """Writes to perform, in dependency order."""

    crear_ejercicio: bool = False
    ramos_nuevos: dict[str, dict] = field(default_factory=dict)
    ramos_cambiados: list[tuple[Ramo, dict]] = field(default_factory=list)
    programas_nuevos: dict[tuple[str, str], dict] = field(default_factory=dict)
    programas_cambiados: list[tuple[Programa, dict]] = field(default_factory=list)
    unidades_nuevas: dict[tuple[str, str], dict] = field(default_factory=dict)
    unidades_cambiadas: list[tuple[UnidadEjecutora, dict]] = field(default_factory=list)
    lineas_nuevas: dict[str, str] = field(default_factory=dict)
    lineas_cambiadas: list[tuple[LineaPMD, str]] = field(default_factory=list)
    metas_nuevas: list[MetaDeseada] = field(default_factory=list)
    metas_cambiadas: list[tuple[Meta, MetaDeseada, dict]] = field(default_factory=list)
    lineas_de_meta: list[tuple[Meta, list[str]]] = field(default_factory=list)
    programados_nuevos: list[tuple[Meta, int, Decimal]] = field(default_factory=list)
    programados_cambiados: list[tuple[Programado, Decimal]] = field(default_factory=list)
    reprogramaciones: list[tuple[tuple, Reprogramacion | None, dict | None, list]] = field(
        default_factory=list
    )  # (meta key, existing to update or None, fields or None to delete, extras to delete)
    avances_nuevos: list[tuple[tuple, AvanceDeseado]] = field(default_factory=list)
    avances_cambiados: list[tuple[Avance, AvanceDeseado]] = field(default_factory=list)
    presupuesto_nuevo: list[tuple[tuple[str, str], dict]] = field(default_factory=list)
    presupuesto_cambiado: list[tuple[Presupuesto, dict]] = field(default_factory=list)


def _mostrar(valor: Any) -> str:
    if valor is None:
        return "(vacío)"
    if isinstance(valor, Decimal):
        return fmt(valor)
    if isinstance(valor, str):
        return valor if valor else "(vacío)"
    return str(valor)


def _diferencias(obj, campos: dict) -> dict:
    """Fields of `campos` whose value differs from the object's."""
    cambios = {}
    for nombre, nuevo in campos.items():
        actual = getattr(obj, nombre)
        if isinstance(nuevo, Decimal) or isinstance(actual, Decimal):
            igual = (actual is None and nuevo is None) or (
                actual is not None and nuevo is not None and Decimal(actual) == Decimal(nuevo)
            )
        else:
            igual = actual == nuevo
        if not igual:
            cambios[nombre] = nuevo
    return cambios


ETIQUETAS = {
    "meta_anual": "meta anual",
    "meta_anual_original": "meta anual original",
    "mes_inicio": "mes de inicio",
    "tipo_acumulacion": "tipo de acumulación",
    "nivel_mir": "nivel MIR",
    "unidad_medida": "unidad de medida",
    "descripcion": "descripción",
    "responsable_nombre": "responsable",
    "responsable_cargo": "cargo del responsable",
    "funcion": "función",
    "subfuncion": "subfunción",
    "proposito": "propósito",
    "orden": "orden en la hoja",
}


def _registrar_cambios(plan: Plan, tipo: str, objeto: str, obj, cambios: dict) -> None:
    for nombre, nuevo in cambios.items():
        plan.cambios.append(
            Cambio(tipo, objeto, ETIQUETAS.get(nombre, nombre), _mostrar(getattr(obj, nombre)),
                   _mostrar(nuevo))
        )  # fmt: skip


def _planear_estructura(deseado: Deseado, existente: Existente, plan: Plan, ops: Operaciones):
    for clave, campos in deseado.ramos.items():
        ramo = existente.ramos.get(clave)
        if ramo is None:
            ops.ramos_nuevos[clave] = campos
            plan.creados.append(Creacion("Ramo", clave, campos.get("nombre", "")))
            plan.conteo_creados["Ramo"] += 1
        elif cambios := _diferencias(ramo, campos):
            ops.ramos_cambiados.append((ramo, cambios))
            _registrar_cambios(plan, "Ramo", f"Ramo {clave}", ramo, cambios)
        else:
            plan.sin_cambio["Ramo"] += 1
    for tipo, nuevos, cambiados, deseados, existentes, etiqueta in (
        ("Programa", ops.programas_nuevos, ops.programas_cambiados, deseado.programas,
         existente.programas, "Programa"),
        ("Unidad ejecutora", ops.unidades_nuevas, ops.unidades_cambiadas, deseado.unidades,
         existente.unidades, "Unidad"),
    ):  # fmt: skip
        for llave, campos in deseados.items():
            objeto = f"{etiqueta} {llave[0]}/{llave[1]}"
            actual = existentes.get(llave)
            if actual is None:
                nuevos[llave] = campos
                plan.creados.append(Creacion(tipo, objeto, campos.get("nombre", "")))
                plan.conteo_creados[tipo] += 1
            elif cambios := _diferencias(actual, campos):
                cambiados.append((actual, cambios))
                _registrar_cambios(plan, tipo, objeto, actual, cambios)
            else:
                plan.sin_cambio[tipo] += 1
    for codigo, nombre in deseado.lineas.items():
        linea = existente.lineas.get(codigo)
        if linea is None:
            ops.lineas_nuevas[codigo] = nombre or ""
            plan.creados.append(Creacion("Línea PMD", codigo, nombre or ""))
            plan.conteo_creados["Línea PMD"] += 1
        elif nombre is not None and normalizar(linea.nombre) != normalizar(nombre):
            # Only a real change: the seeds spell the same línea with and without accents.
            ops.lineas_cambiadas.append((linea, nombre))
            plan.cambios.append(Cambio("Línea PMD", f"Línea {codigo}", "nombre",
                                       _mostrar(linea.nombre), _mostrar(nombre)))  # fmt: skip
        else:
            plan.sin_cambio["Línea PMD"] += 1


def _reprogramacion_deseada(campos: dict) -> dict | None:
    """The IMPORTADA record a meta needs (DOMAIN.md §3), or None."""
    meta_anual, original = campos["meta_anual"], campos["meta_anual_original"]
    mes_inicio = campos["mes_inicio"]
    if original is None and mes_inicio == 1:
        return None
    return {
        "mes_desde": mes_inicio if mes_inicio > 1 else 1,
        "meta_anual_anterior": original if original is not None else meta_anual,
        "meta_anual_nueva": meta_anual,
        "mes_inicio_anterior": 1,
        "mes_inicio_nuevo": mes_inicio,
        "motivo": MOTIVO_IMPORTADA,
    }


def _planear_metas(
    deseado: Deseado, existente: Existente, plan: Plan, ops: Operaciones, autorizados: dict
):
    from avances.bloqueo import TrimestreBloqueado, exigir_meses_abiertos

    for llave, deseada in deseado.metas.items():
        objeto = f"Meta {'/'.join(llave)}"
        meta = existente.metas.get(llave)
        reprogramacion = _reprogramacion_deseada(deseada.campos)
        if meta is None:
            ops.metas_nuevas.append(deseada)
            plan.creados.append(Creacion("Meta", objeto, deseada.campos["descripcion"][:120]))
            plan.conteo_creados["Meta"] += 1
            plan.conteo_creados["Valor programado"] += 12
            if reprogramacion:
                ops.reprogramaciones.append((llave, None, reprogramacion, []))
                plan.conteo_creados["Reprogramación importada"] += 1
            continue
        campos = dict(deseada.campos)
        programa_actual = meta.programa
        if programa_actual.clave != deseada.programa:
            campos["programa"] = deseada.programa  # moved to another programa of the ramo
        cambios = _diferencias(meta, {k: v for k, v in campos.items() if k != "programa"})
        if "programa" in campos:
            cambios["programa"] = deseada.programa
            plan.cambios.append(
                Cambio("Meta", objeto, "programa", programa_actual.clave, deseada.programa)
            )
        _exigir_meta_sin_bloqueo(meta, deseada, campos, cambios, reprogramacion, existente,
                                 plan, autorizados)  # fmt: skip
        if cambios:
            ops.metas_cambiadas.append((meta, deseada, cambios))
            _registrar_cambios(
                plan, "Meta", objeto, meta, {k: v for k, v in cambios.items() if k != "programa"}
            )
        else:
            plan.sin_cambio["Meta"] += 1
        if set(deseada.lineas) != existente.lineas_meta.get(meta.pk, set()):
            ops.lineas_de_meta.append((meta, deseada.lineas))
            plan.cambios.append(
                Cambio("Meta", objeto, "líneas PMD",
                       ", ".join(sorted(existente.lineas_meta.get(meta.pk, ()))) or "(vacío)",
                       ", ".join(deseada.lineas) or "(vacío)")
            )  # fmt: skip
        meses_cambiados = []
        for mes, valor in enumerate(deseada.programado, start=1):
            actual = existente.programados.get((meta.pk, mes))
            if actual is None:
                ops.programados_nuevos.append((meta, mes, valor))
                plan.conteo_creados["Valor programado"] += 1
                if valor:
                    meses_cambiados.append(mes)
            elif actual[1] != valor:
                guardado = Programado.from_db(
                    connection.alias, ["id", "meta_id", "mes", "valor"], (actual[0], meta.pk, mes,
                                                                          actual[1])
                )  # fmt: skip
                ops.programados_cambiados.append((guardado, valor))
                plan.cambios.append(
                    Cambio("Valor programado", objeto, f"programado {ABREVIATURAS_MES[mes - 1]}",
                           fmt(actual[1]), fmt(valor))
                )  # fmt: skip
                meses_cambiados.append(mes)
            else:
                plan.sin_cambio["Valor programado"] += 1
        if meses_cambiados:
            try:
                exigir_meses_abiertos(
                    meta=meta,
                    meses=meses_cambiados,
                    accion="cambiar lo programado",
                    autorizados=autorizados.get((meta.programa_id, meta.unidad_id), set()),
                )
            except TrimestreBloqueado as exc:
                plan.errores.append(
                    ErrorImportacion("metas", deseada.fila, "programado", exc.mensaje)
                )
        # The IMPORTADA reprogramación: exactly one when needed, none otherwise.
        guardadas = existente.reprogramaciones.get(meta.pk, [])
        primera, extras = (guardadas[0], guardadas[1:]) if guardadas else (None, [])
        if reprogramacion is None:
            if guardadas:
                ops.reprogramaciones.append((llave, None, None, guardadas))
                plan.cambios.append(Cambio("Reprogramación importada", objeto,
                                           "meta original", "registrada", "(ninguna)"))  # fmt: skip
        elif primera is None:
            ops.reprogramaciones.append((llave, None, reprogramacion, []))
            plan.conteo_creados["Reprogramación importada"] += 1
        elif (cambios_r := _diferencias(primera, reprogramacion)) or extras:
            ops.reprogramaciones.append((llave, primera, reprogramacion, extras))
            _registrar_cambios(plan, "Reprogramación importada", objeto, primera, cambios_r)
        else:
            plan.sin_cambio["Reprogramación importada"] += 1


# Fields whose change alters every figure of an already signed report.
_CAMPOS_DEL_REPORTE = ("programa", "tipo_acumulacion", "sentido")


def _exigir_meta_sin_bloqueo(
    meta, deseada, campos, cambios, reprogramacion, existente, plan, autorizados
) -> None:
    """Refuse changes to a meta that alter an authorized quarter (issue 5, locking)."""
    from avances.bloqueo import (
        TrimestreBloqueado,
        cambios_de_vigencia,
        exigir_meses_abiertos,
        exigir_vigencia_intacta,
    )
    from programas.formulas import CambioVigencia

    bloqueados = autorizados.get((meta.programa_id, meta.unidad_id), set())
    if not bloqueados:
        return
    try:
        columna = next((c for c in _CAMPOS_DEL_REPORTE if c in cambios), None)
        if columna:
            exigir_meses_abiertos(
                meta=meta, meses=range(1, 13), accion=f"cambiar {columna.replace('_', ' ')}",
                autorizados=bloqueados,
            )  # fmt: skip
        columna = "meta_anual"
        vigentes = [c for c in existente.reprogramaciones.get(meta.pk, [])]
        actual = (vigentes[0].mes_desde, vigentes[0].meta_anual_anterior) if vigentes else None
        deseado = (
            (reprogramacion["mes_desde"], reprogramacion["meta_anual_anterior"])
            if reprogramacion
            else None
        )
        if {"meta_anual", "mes_inicio"} & set(cambios) or actual != deseado:
            antes = cambios_de_vigencia(meta.pk)
            otras = [
                CambioVigencia(r.mes_desde, r.meta_anual_anterior, r.mes_inicio_anterior)
                for r in Reprogramacion.objects.filter(meta=meta)
                .exclude(tipo=Reprogramacion.Tipo.IMPORTADA)
                .order_by("fecha", "id")
            ]
            importada = (
                [CambioVigencia(reprogramacion["mes_desde"], reprogramacion["meta_anual_anterior"],
                                reprogramacion["mes_inicio_anterior"])]
                if reprogramacion
                else []
            )  # fmt: skip
            exigir_vigencia_intacta(
                meta=meta,
                antes=(meta.meta_anual, meta.mes_inicio, antes),
                despues=(campos["meta_anual"], campos["mes_inicio"], importada + otras),
                accion="cambiar la meta anual vigente",
                autorizados=bloqueados,
            )
    except TrimestreBloqueado as exc:
        plan.errores.append(ErrorImportacion("metas", deseada.fila, columna, exc.mensaje))


def _ubicar(hoja: str, fila: int, columna: str, plan: Plan):
    def error(mensaje: str) -> None:
        plan.errores.append(ErrorImportacion(hoja, fila, columna, mensaje))

    return error


def _leer_avances(
    hoja: Hoja,
    deseado: Deseado,
    existente: Existente,
    plan: Plan,
    ops: Operaciones,
    autorizados: dict,
    unidades_permitidas,
):
    from avances.bloqueo import TrimestreBloqueado, exigir_meses_abiertos

    lector = _Lector(hoja, plan.errores)
    captura = unidades_permitidas is not None
    vistos: dict[tuple, int] = {}
    periodo = None
    if captura:
        from avances.calendario import meses_cerrados, ultimo_mes_capturable

        periodo = (meses_cerrados(existente.ejercicio.pk), ultimo_mes_capturable(plan.anio))
    for fila, valores in hoja.filas:
        ramo = lector.texto(fila, valores, "ramo_clave", requerido=True)
        unidad = lector.texto(fila, valores, "unidad_clave", requerido=True)
        clave = lector.texto(fila, valores, "clave", requerido=True)
        mes = lector.entero(fila, valores, "mes", minimo=1, maximo=12, requerido=True)
        crudo = hoja.valor(valores, "realizado")
        realizado = lector.numero(fila, valores, "realizado")
        observaciones = lector.texto(fila, valores, "observaciones").replace("\r\n", "\n")
        observaciones = observaciones.replace("\r", "\n")
        vacio_r = crudo is None or (isinstance(crudo, str) and not crudo.strip())
        if vacio_r and not observaciones:
            if captura:
                continue  # a capture sheet row left blank: nothing to record
            lector.error(fila, "realizado", "falta el valor (columna obligatoria).")
            continue
        if not (ramo and unidad and clave) or mes is None:
            continue
        llave = (ramo, unidad, clave)
        meta = existente.metas.get(llave)
        if meta is None and llave not in deseado.metas and llave not in deseado.metas_con_error:
            lector.error(
                fila, *_meta_desconocida(llave, existente, deseado, plan, unidades_permitidas)
            )
            continue
        if (llave, mes) in vistos:
            lector.error(
                fila, "mes",
                f"la meta {clave} ya tiene el mes {mes} en la fila {vistos[(llave, mes)]}.",
            )  # fmt: skip
            continue
        vistos[(llave, mes)] = fila
        if llave in deseado.metas_con_error:
            continue  # its metas row is wrong; that error is already listed
        if captura and meta is not None and meta.unidad_id not in unidades_permitidas:
            lector.error(
                fila, "unidad_clave",
                f"la unidad {unidad} del ramo {ramo} no está entre las unidades que usted captura.",
            )  # fmt: skip
            continue
        if not vacio_r and realizado is None:
            continue  # the number was wrong; already reported
        if captura and (error_periodo := _error_de_periodo(mes, periodo)):
            lector.error(fila, "mes", error_periodo)
            continue
        deseado_avance = AvanceDeseado(fila, llave, mes, realizado, observaciones)
        deseado.avances[(llave, mes)] = deseado_avance
        objeto = f"Avance {'/'.join(llave)} {ABREVIATURAS_MES[mes - 1]}"
        actual = existente.avances.get((meta.pk, mes)) if meta is not None else None
        if actual is None:
            ops.avances_nuevos.append((llave, deseado_avance))
            plan.creados.append(Creacion("Avance", objeto, f"realizado {_mostrar(realizado)}"))
            plan.conteo_creados["Avance"] += 1
        else:
            cambios = _diferencias(actual, {"realizado": realizado, "observaciones": observaciones})
            if not cambios:
                plan.sin_cambio["Avance"] += 1
                continue
            ops.avances_cambiados.append((actual, deseado_avance))
            _registrar_cambios(plan, "Avance", objeto, actual, cambios)
        if meta is not None:
            try:
                exigir_meses_abiertos(
                    meta=meta,
                    meses=[mes],
                    accion="registrar avances",
                    autorizados=autorizados.get((meta.programa_id, meta.unidad_id), set()),
                )
            except TrimestreBloqueado as exc:
                lector.error(fila, "realizado", exc.mensaje)


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
        nivel = niveles.get(_opcion(nivel_texto)) if nivel_texto else None
        if nivel_texto and nivel is None:
            lector.error(
                fila, "nivel", f"«{nivel_texto}» no es válido; use RAMO, PROGRAMA o UNIDAD."
            )
            continue
        if not (nivel and ramo):
            continue
        llave = (nivel, ramo, clave)
        if llave in vistos:
            lector.error(fila, "clave", f"el responsable de {nivel} {clave} se repite (fila "
                         f"{vistos[llave]}).")  # fmt: skip
            continue
        vistos[llave] = fila
        error = _ubicar(hoja.nombre, fila, "clave", plan)
        if nivel == "ramo":
            if clave != ramo:
                error(f"para el nivel RAMO la clave debe ser la del ramo ({ramo}).")
            elif ramo in existente.ramos or ramo in deseado.ramos:
                deseado.ramos.setdefault(ramo, {}).update(datos)
            else:
                error(f"el ramo {ramo} no está en la hoja metas ni en la base de datos.")
        elif nivel == "programa":
            if _buscar(existente.programas, deseado.programas, (ramo, clave), "el programa", error):
                deseado.programas.setdefault((ramo, clave), {}).update(datos)
        elif _buscar(existente.unidades, deseado.unidades, (ramo, clave), "la unidad", error):
            deseado.unidades.setdefault((ramo, clave), {}).update(datos)


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


# ---------------------------------------------------------------------------------------------
# Public API


def analizar_libro(archivo, *, ejercicio: int, unidades_permitidas=None) -> Plan:
    """Read and validate the whole workbook against the database; write nothing.

    `archivo`: a path, bytes or an uploaded file. `ejercicio`: the year (created on apply if
    missing). `unidades_permitidas`: unidad ids, for a unidad's capture sheet (avances only).
    """
    modo = "libro" if unidades_permitidas is None else "captura"
    plan = Plan(anio=int(ejercicio), modo=modo)
    if not 2000 <= plan.anio <= 2100:
        plan.errores.append(ErrorImportacion("libro", None, "", "el ejercicio debe ser un año "
                                             "entre 2000 y 2100."))  # fmt: skip
        return plan
    try:
        libro = abrir_libro(archivo)
    except ArchivoNoValido as exc:
        plan.errores.append(ErrorImportacion("archivo", None, "", exc.mensaje))
        return plan
    try:
        hojas = _leer_hojas(libro, plan, solo=None if modo == "libro" else {"avances"})
    finally:
        libro.close()
    if unidades_permitidas is not None:
        unidades_permitidas = {int(u) for u in unidades_permitidas}
        if "avances" not in hojas and not plan.errores:
            plan.errores.append(
                ErrorImportacion("avances", None, "", "falta la hoja avances en el libro.")
            )
    elif "metas" not in hojas and not any(e.hoja.lower() == "metas" for e in plan.errores):
        plan.errores.append(
            ErrorImportacion("metas", None, "", "falta la hoja metas (obligatoria).")
        )
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
    for codigo in {c for m in deseado.metas.values() for c in m.lineas}:
        if codigo not in existente.lineas and deseado.lineas.get(codigo) is None:
            plan.advertencias.append(
                ErrorImportacion("metas", _primera_fila_con_linea(deseado, codigo), "lineas_pmd",
                                 f"la línea {codigo} no está en la hoja lineas_pmd ni en la base "
                                 "de datos; se crea sin nombre.")
            )  # fmt: skip
    ops = Operaciones(crear_ejercicio=plan.ejercicio_nuevo)
    from avances.bloqueo import mapa_autorizados

    autorizados = mapa_autorizados({(m.programa_id, m.unidad_id) for m in existente.metas.values()})
    existente.autorizados = autorizados
    _planear_estructura(deseado, existente, plan, ops)
    _planear_metas(deseado, existente, plan, ops, autorizados)
    if "avances" in hojas:
        _leer_avances(hojas["avances"], deseado, existente, plan, ops, autorizados,
                      unidades_permitidas)  # fmt: skip
    if "presupuesto" in hojas:
        _leer_presupuesto(hojas["presupuesto"], deseado, existente, plan, ops)
    plan.errores.sort(key=_orden_error(plan))
    plan._operaciones = (ops, existente)
    return plan


def _primera_fila_con_linea(deseado: Deseado, codigo: str) -> int | None:
    return min((m.fila for m in deseado.metas.values() if codigo in m.lineas), default=None)


def _orden_error(plan: Plan):
    orden_hojas = {n: i for i, n in enumerate(plan.hojas)}

    def clave(error: ErrorImportacion):
        return (orden_hojas.get(error.hoja, -1), error.fila or 0)

    return clave


def aplicar_plan(plan: Plan, *, usuario=None) -> Plan:
    """Write a valid plan in one transaction (ImportacionInvalida if it has errors)."""
    if plan.errores:
        raise ImportacionInvalida(plan.errores)
    if plan._operaciones is None:
        raise ValueError("El plan no viene de analizar_libro().")
    ops, existente = plan._operaciones
    with transaction.atomic():
        _exigir_bloqueos_sin_cambio(existente)
        from avances.bloqueo import escritura_verificada

        # Every locked month was checked by analizar_libro and re-checked (locked) above.
        with escritura_verificada():
            _Aplicador(plan, ops, existente, usuario).ejecutar()
    plan._operaciones = None  # a plan is applied once
    return plan


def _exigir_bloqueos_sin_cambio(existente: Existente) -> None:
    """Refuse to apply if a quarter was authorized after the preview (rows locked meanwhile)."""
    from avances.bloqueo import mapa_autorizados

    ahora = mapa_autorizados(existente.autorizados, bloquear=True)
    nuevos = [par for par, trimestres in ahora.items() if trimestres - existente.autorizados[par]]
    if nuevos:
        raise ImportacionInvalida(
            [
                ErrorImportacion(
                    "libro", None, "",
                    f"{len(nuevos)} reporte(s) se autorizaron después de la vista previa; no se "
                    "escribió nada. Vuelva a cargar el archivo para revisarlo.",
                )
            ]
        )  # fmt: skip


def importar_libro(archivo, *, ejercicio: int, usuario=None, unidades_permitidas=None) -> Plan:
    """Validate the workbook and, if it has no errors, write it (ImportacionInvalida if not)."""
    plan = analizar_libro(archivo, ejercicio=ejercicio, unidades_permitidas=unidades_permitidas)
    if plan.errores:
        raise ImportacionInvalida(plan.errores)
    return aplicar_plan(plan, usuario=usuario)


# ---------------------------------------------------------------------------------------------
# Applying


class _Aplicador:
    def __init__(self, plan: Plan, ops: Operaciones, existente: Existente, usuario):
        self.plan, self.ops, self.existente = plan, ops, existente
        self.usuario = usuario if getattr(usuario, "is_authenticated", False) else None

    def _guardar(self, obj, campos: list[str] | None = None) -> None:
        """Save a (possibly tracked) object so simple-history records who and why."""
        obj._history_user = self.usuario
        obj._change_reason = RAZON_HISTORIA
        obj.save(update_fields=campos)

    def _crear_con_historia(self, objetos: list, modelo) -> list:
        """Bulk-create new rows of a tracked model and their '+' history rows."""
        if not objetos:
            return []
        if not connection.features.can_return_rows_from_bulk_insert:  # old SQLite
            return bulk_create_with_history(
                objetos, modelo, batch_size=LOTE, default_user=self.usuario,
                default_change_reason=RAZON_HISTORIA,
            )  # fmt: skip
        creados = modelo.objects.bulk_create(objetos, batch_size=LOTE)
        insertar_historia_nueva(creados, modelo, usuario=self.usuario, razon=RAZON_HISTORIA)
        return creados

    def ejecutar(self) -> None:
        ops, existente = self.ops, self.existente
        if ops.crear_ejercicio:
            existente.ejercicio, _ = Ejercicio.objects.get_or_create(anio=self.plan.anio)
        ejercicio = existente.ejercicio
        # Structure (untracked models): plain bulk creation is fine.
        for clave, obj in zip(
            ops.ramos_nuevos,
            Ramo.objects.bulk_create(
                Ramo(ejercicio=ejercicio, clave=c, **campos)
                for c, campos in ops.ramos_nuevos.items()
            ),
            strict=True,
        ):
            existente.ramos[clave] = obj
        for obj, cambios in ops.ramos_cambiados:
            for nombre, valor in cambios.items():
                setattr(obj, nombre, valor)
            obj.save(update_fields=list(cambios))
        for modelo, nuevos, cambiados, destino in (
            (Programa, ops.programas_nuevos, ops.programas_cambiados, existente.programas),
            (UnidadEjecutora, ops.unidades_nuevas, ops.unidades_cambiadas, existente.unidades),
        ):
            creados = modelo.objects.bulk_create(
                modelo(ramo=existente.ramos[ramo], clave=clave, **campos)
                for (ramo, clave), campos in nuevos.items()
            )
            for llave, obj in zip(nuevos, creados, strict=True):
                destino[llave] = obj
            for obj, cambios in cambiados:
                for nombre, valor in cambios.items():
                    setattr(obj, nombre, valor)
                obj.save(update_fields=list(cambios))
        lineas_nuevas = LineaPMD.objects.bulk_create(
            LineaPMD(ejercicio=ejercicio, codigo=c, nombre=n) for c, n in ops.lineas_nuevas.items()
        )
        for obj in lineas_nuevas:
            existente.lineas[obj.codigo] = obj
        for obj, nombre in ops.lineas_cambiadas:
            obj.nombre = nombre
            obj.save(update_fields=["nombre"])
        self._metas()
        self._reprogramaciones()
        self._avances()
        self._presupuesto()

    def _metas(self) -> None:
        ops, existente = self.ops, self.existente
        nuevas = [
            Meta(
                programa=existente.programas[(d.ramo, d.programa)],
                unidad=existente.unidades[(d.ramo, d.unidad)],
                clave=d.clave,
                **d.campos,
            )
            for d in ops.metas_nuevas
        ]
        nuevas = self._crear_con_historia(nuevas, Meta)
        programados = []
        relaciones = []
        Relacion = Meta.lineas_pmd.through
        for meta, deseada in zip(nuevas, ops.metas_nuevas, strict=True):
            existente.metas[deseada.llave] = meta
            programados.extend(
                Programado(meta=meta, mes=mes, valor=valor)
                for mes, valor in enumerate(deseada.programado, start=1)
            )
            relaciones.extend(
                Relacion(meta_id=meta.pk, lineapmd_id=existente.lineas[c].pk)
                for c in deseada.lineas
            )
        for meta, deseada, cambios in ops.metas_cambiadas:
            for nombre, valor in cambios.items():
                if nombre == "programa":
                    valor = existente.programas[(deseada.ramo, valor)]
                setattr(meta, nombre, valor)
            self._guardar(meta)
        for meta, codigos in ops.lineas_de_meta:
            meta.lineas_pmd.set([existente.lineas[c] for c in codigos])
        Relacion.objects.bulk_create(relaciones, batch_size=LOTE)
        programados.extend(
            Programado(meta=m, mes=mes, valor=v) for m, mes, v in ops.programados_nuevos
        )
        self._crear_con_historia(programados, Programado)
        for programado, valor in ops.programados_cambiados:
            programado.valor = valor
            self._guardar(programado)

    def _reprogramaciones(self) -> None:
        nuevas = []
        for llave, actual, campos, sobrantes in self.ops.reprogramaciones:
            for sobrante in sobrantes:
                if sobrante is not actual:
                    sobrante.delete()
            if campos is None:
                continue
            if actual is None:
                nuevas.append(
                    Reprogramacion(
                        meta=self.existente.metas[llave], tipo=Reprogramacion.Tipo.IMPORTADA,
                        usuario=self.usuario, **campos,
                    )
                )  # fmt: skip
            else:
                for nombre, valor in campos.items():
                    setattr(actual, nombre, valor)
                actual.save()
        Reprogramacion.objects.bulk_create(nuevas, batch_size=LOTE)

    def _avances(self) -> None:
        existente = self.existente
        if self.plan.modo == "captura":
            self._avances_captura()
            return
        nuevos = [
            Avance(
                meta=existente.metas[llave], mes=d.mes, realizado=d.realizado,
                observaciones=d.observaciones, actualizado_por=self.usuario,
            )
            for llave, d in self.ops.avances_nuevos
        ]  # fmt: skip
        self._crear_con_historia(nuevos, Avance)
        for avance, d in self.ops.avances_cambiados:
            avance.realizado = d.realizado
            avance.observaciones = d.observaciones
            avance.version += 1
            avance.actualizado_por = self.usuario
            self._guardar(avance)

    def _avances_captura(self) -> None:
        """Capture sheet: R and observaciones go through the capture service, per unidad.

        The service re-checks periods and locks and refuses cells someone else changed since
        the preview (optimistic versions), so nothing is overwritten silently.
        """
        from avances.services import CapturaRechazada, CeldaCaptura, avances_guardar_rejilla

        existente = self.existente
        por_unidad: dict[int, list] = defaultdict(list)
        filas: dict[tuple[int, int], int] = {}
        pendientes = [(existente.metas[k], d, 0) for k, d in self.ops.avances_nuevos] + [
            (existente.metas[d.llave_meta], d, a.version) for a, d in self.ops.avances_cambiados
        ]
        for meta, d, version in pendientes:
            filas[(meta.pk, d.mes)] = d.fila
            por_unidad[meta.unidad_id].append(
                CeldaCaptura(
                    meta_id=meta.pk, mes=d.mes, realizado=d.realizado,
                    observaciones=d.observaciones, version_esperada=version,
                )
            )  # fmt: skip
        unidades = {u.pk: u for u in existente.unidades.values()}
        for unidad_id, celdas in por_unidad.items():
            unidad = unidades[unidad_id]
            unidad.ramo.ejercicio = existente.ejercicio
            try:
                avances_guardar_rejilla(unidad=unidad, celdas=celdas, usuario=self.usuario)
            except CapturaRechazada as exc:
                hoja = self.plan.hojas[0] if self.plan.hojas else "avances"
                errores = [
                    ErrorImportacion(hoja, filas.get(clave), "realizado", mensaje)
                    for clave, mensaje in exc.errores.items()
                ] + [
                    ErrorImportacion(
                        hoja, filas.get(clave), "realizado",
                        f"{c.usuario} guardó {_mostrar(c.realizado)} después de la vista "
                        "previa; vuelva a subir el archivo para revisar.",
                    )
                    for clave, c in exc.conflictos.items()
                ]  # fmt: skip
                raise ImportacionInvalida(
                    errores or [ErrorImportacion(hoja, None, "", exc.mensaje)]
                ) from exc

    def _presupuesto(self) -> None:
        nuevos = [
            Presupuesto(programa=self.existente.programas[llave], **datos)
            for llave, datos in self.ops.presupuesto_nuevo
        ]
        self._crear_con_historia(nuevos, Presupuesto)
        for presupuesto, cambios in self.ops.presupuesto_cambiado:
            for nombre, valor in cambios.items():
                setattr(presupuesto, nombre, valor)
            self._guardar(presupuesto)


def insertar_historia_nueva(objetos: list, modelo, *, usuario=None, razon: str = "") -> None:
    """Insert the '+' history rows of freshly created objects, many rows per statement.

    Same rows as simple-history's `bulk_history_create` (every tracked field, date, user,
    reason, type '+'), but without building a historical model instance and compiling an
    INSERT for each one, which was most of the write time of a 10,000-meta workbook.
    """
    if not objetos:
        return
    historico = modelo.history.model
    campos = list(historico.tracked_fields)
    columnas = [f.column for f in campos] + [
        "history_date", "history_change_reason", "history_type", "history_user_id",
    ]  # fmt: skip
    fecha = connection.ops.adapt_datetimefield_value(timezone.now())
    usuario_id = getattr(usuario, "pk", None)
    filas = [
        [getattr(o, f.attname) for f in campos] + [fecha, razon, "+", usuario_id] for o in objetos
    ]
    tabla = connection.ops.quote_name(historico._meta.db_table)
    lista = ", ".join(connection.ops.quote_name(c) for c in columnas)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(
                cursor.cursor, f"INSERT INTO {tabla} ({lista}) VALUES %s", filas, page_size=LOTE
            )
        else:
            marcadores = ", ".join(["%s"] * len(columnas))
            sql = f"INSERT INTO {tabla} ({lista}) VALUES ({marcadores})"
            for inicio in range(0, len(filas), LOTE * 5):
                cursor.executemany(sql, filas[inicio : inicio + LOTE * 5])
