"""The offline capture sheet of one unidad and quarter: one row per meta, months as columns.

`exportar_hoja_meses(unidad=…, trimestre=…)` writes the sheet people keep today: clave and
descripción, then P (read-only, shaded) and R (editable) of each month of the quarter, then
one observaciones column per month. R cells only take numbers ≥ 0 (data validation), the
sheet is protected with only the R and observaciones cells unlocked, and the workbook
structure is locked. A very hidden `control` sheet records which unidad, quarter and meta
each row is, with the version and value of every cell as downloaded.

`cargar_hoja_meses(archivo, …)` reads it back cell by cell through the grid's own service
(`avances.services.avances_guardar_rejilla`, with its lock, closed-month, future-month,
Decimal-limit and optimistic-version checks). Unlike `importar_poa`, which is all or
nothing, the valid cells are stored even when others are refused: every changed cell is
reported as taken or refused, with its reference (`Hoja captura!F12 (Mayo R)`) and reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from avances.models import Avance
from avances.services import (
    ERROR_NUL,
    MAX_OBSERVACIONES,
    MAX_REALIZADO,
    CapturaRechazada,
    CeldaCaptura,
    avances_guardar_rejilla,
    error_de_realizado,
    normalizar_observaciones,
)
from plantilla.importacion.leer import convertir_numero
from plantilla.xlsx_seguro import (
    ArchivoNoValido,
    abrir_libro,
    limpiar_texto,
    proteger_celda,
    texto_seguro,
)
from programas.formulas import meses_del_trimestre
from programas.models import NOMBRES_MES, Meta, Programado, UnidadEjecutora
from programas.numeros import formatear_numero

HOJA = "Hoja captura"
CONTROL = "control"
FORMATO = "poa-hoja-meses-1"
FILA_MESES = 3  # month names over their columns
FILA_ENCABEZADO = 4
PRIMERA_FILA = 5
MAX_FILAS = 5000  # far above any unidad; bounds the work of a forged sheet
COLUMNAS_INFO = ("Unidad de medida", "Programa")

AZUL = PatternFill("solid", fgColor="1F4E79")
GRIS = PatternFill("solid", fgColor="E7E6E6")
AMARILLO = PatternFill("solid", fgColor="FFF2CC")
BLANCO = Font(bold=True, color="FFFFFF")


class HojaNoValida(Exception):
    """The file is not a usable capture sheet (nothing is read from it)."""

    def __init__(self, mensaje: str):
        self.mensaje = mensaje
        super().__init__(mensaje)


# --- Layout ---------------------------------------------------------------------------------


def columnas_r(indice: int) -> int:
    """Column number of R of the quarter's month `indice` (0..2): C/D, E/F, G/H are P/R."""
    return 4 + 2 * indice


def columna_observaciones(indice: int) -> int:
    return 9 + indice


def es_hoja_meses(nombres_hojas) -> bool:
    return HOJA in nombres_hojas and CONTROL in nombres_hojas


def es_archivo_de_meses(datos: bytes) -> bool:
    """Whether an uploaded (vetted) workbook is a months-as-columns sheet (sheets unread)."""
    try:
        libro = abrir_libro(datos)
    except ArchivoNoValido:
        return False  # the all-or-nothing path reports the file's problem
    try:
        return es_hoja_meses(libro.sheetnames)
    finally:
        libro.close()


# --- Export ---------------------------------------------------------------------------------


def _metas_de(unidad: UnidadEjecutora, meses: list[int]):
    metas = list(
        Meta.objects.filter(unidad=unidad)
        .order_by("orden", "clave", "pk")
        .values("pk", "clave", "descripcion", "unidad_medida", "programa__clave")
    )
    programado = {
        (m, mes): v
        for m, mes, v in Programado.objects.filter(meta__unidad=unidad, mes__in=meses).values_list(
            "meta_id", "mes", "valor"
        )
    }
    avances = {
        (a["meta_id"], a["mes"]): a
        for a in Avance.objects.filter(meta__unidad=unidad, mes__in=meses).values(
            "meta_id", "mes", "realizado", "observaciones", "version"
        )
    }
    return metas, programado, avances


def _texto(ws, fila: int, columna: int, valor, *, fill=None, font=None, envolver=False):
    celda = ws.cell(row=fila, column=columna, value=texto_seguro(limpiar_texto(valor or "")))
    if valor:
        celda.data_type = "s"
        proteger_celda(celda)
    if fill is not None:
        celda.fill = fill
    if font is not None:
        celda.font = font
    if envolver:
        celda.alignment = Alignment(wrap_text=True, vertical="top")
    return celda


def _encabezados(ws, unidad: UnidadEjecutora, trimestre: int, meses: list[int]) -> None:
    anio = unidad.ramo.ejercicio.anio
    ws.cell(
        row=1,
        column=1,
        value=f"Hoja de captura · {unidad.ramo.clave}-{unidad.clave} "
        f"{unidad.nombre} · trimestre {trimestre} de {anio}",
    ).font = Font(bold=True, size=13)
    ws.cell(
        row=2,
        column=1,
        value="Llene solo las celdas amarillas (R y observaciones). Las "
        "grises (P) son de solo lectura. Suba el archivo en «Importación › Hoja de "
        "captura».",
    ).font = Font(italic=True, color="555555")
    titulos = ["Clave", "Descripción"]
    for mes in meses:
        titulos += [f"{NOMBRES_MES[mes - 1]} P", f"{NOMBRES_MES[mes - 1]} R"]
    titulos += [f"{NOMBRES_MES[mes - 1]} observaciones" for mes in meses]
    titulos += list(COLUMNAS_INFO)
    for columna, titulo in enumerate(titulos, start=1):
        _texto(ws, FILA_ENCABEZADO, columna, titulo, fill=AZUL, font=BLANCO, envolver=True)
    for i, mes in enumerate(meses):
        inicio = columnas_r(i) - 1
        ws.cell(row=FILA_MESES, column=inicio, value=NOMBRES_MES[mes - 1]).font = Font(bold=True)
        ws.merge_cells(
            start_row=FILA_MESES, start_column=inicio, end_row=FILA_MESES, end_column=inicio + 1
        )
    ws.row_dimensions[FILA_ENCABEZADO].height = 30
    anchos = [14, 60, 10, 10, 10, 10, 10, 10, 40, 40, 40, 16, 10]
    for columna, ancho in enumerate(anchos, start=1):
        ws.column_dimensions[get_column_letter(columna)].width = ancho


def _validaciones(ws, ultima: int) -> None:
    numero = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=str(MAX_REALIZADO),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Valor no válido",
        error="Escriba un número mayor o igual a 0, con 2 decimales como máximo.",
        promptTitle="Realizado",
        prompt="Número mayor o igual a 0.",
        showInputMessage=True,
    )
    texto = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(MAX_OBSERVACIONES),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Texto demasiado largo",
        error=f"Las observaciones admiten como máximo {MAX_OBSERVACIONES:,} caracteres.",
    )
    for i in range(3):
        r = get_column_letter(columnas_r(i))
        o = get_column_letter(columna_observaciones(i))
        numero.add(f"{r}{PRIMERA_FILA}:{r}{ultima}")
        texto.add(f"{o}{PRIMERA_FILA}:{o}{ultima}")
    ws.add_data_validation(numero)
    ws.add_data_validation(texto)


def _fila_meta(ws, fila: int, meta: dict, meses, programado, avances) -> list:
    """Write one meta's row; return its control row (versions and values as downloaded)."""
    _texto(ws, fila, 1, meta["clave"], fill=GRIS).number_format = "@"
    _texto(ws, fila, 2, meta["descripcion"], fill=GRIS, envolver=True)
    # Spreadsheets do not grow a written row to fit wrapped text: size it (≤ 4 lines).
    ws.row_dimensions[fila].height = 15 * min(4, 1 + len(meta["descripcion"] or "") // 65)
    control: list = [meta["clave"], meta["pk"]]
    for i, mes in enumerate(meses):
        avance = avances.get((meta["pk"], mes), {})
        p = ws.cell(
            row=fila, column=columnas_r(i) - 1, value=programado.get((meta["pk"], mes), Decimal(0))
        )
        p.fill, p.font = GRIS, Font(color="555555")
        r = ws.cell(row=fila, column=columnas_r(i), value=avance.get("realizado"))
        r.fill, r.protection = AMARILLO, Protection(locked=False)
        o = _texto(
            ws,
            fila,
            columna_observaciones(i),
            avance.get("observaciones", ""),
            fill=AMARILLO,
            envolver=True,
        )
        o.protection = Protection(locked=False)
        control += [
            avance.get("version", 0),
            avance.get("realizado"),
            avance.get("observaciones", ""),
        ]
    _texto(ws, fila, 12, meta["unidad_medida"], fill=GRIS)
    _texto(ws, fila, 13, meta["programa__clave"], fill=GRIS).number_format = "@"
    return control


def exportar_hoja_meses(*, unidad: UnidadEjecutora, trimestre: int) -> bytes:
    """The unidad's quarter as one row per meta with P, R and observaciones per month."""
    meses = list(meses_del_trimestre(trimestre))
    metas, programado, avances = _metas_de(unidad, meses)
    libro = openpyxl.Workbook()
    ws = libro.active
    ws.title = HOJA
    _encabezados(ws, unidad, trimestre, meses)
    controles = [
        _fila_meta(ws, PRIMERA_FILA + n, meta, meses, programado, avances)
        for n, meta in enumerate(metas)
    ]
    ultima = max(PRIMERA_FILA, PRIMERA_FILA + len(metas) - 1)
    _validaciones(ws, ultima)
    ws.freeze_panes = f"C{PRIMERA_FILA}"
    ws.page_setup.orientation = "landscape"  # printed: every column on one page wide
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{FILA_MESES}:{FILA_ENCABEZADO}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths and heights may still be adjusted
    ws.protection.formatRows = False
    _hoja_control(libro, unidad, trimestre, controles)
    libro.security = WorkbookProtection(lockStructure=True)
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _hoja_control(libro, unidad, trimestre: int, controles: list[list]) -> None:
    control = libro.create_sheet(CONTROL)
    control.sheet_state = "veryHidden"
    control.append(["formato", "unidad_id", "ejercicio", "trimestre"])
    control.append([FORMATO, unidad.pk, unidad.ramo.ejercicio.anio, trimestre])
    control.append(["clave", "meta_id", "version, R y observaciones de cada mes"])
    for fila in controles:
        control.append([texto_seguro(v) if isinstance(v, str) else v for v in fila])
    control.protection.sheet = True


# --- Upload ---------------------------------------------------------------------------------


@dataclass
class CeldaInforme:
    """One changed cell of the sheet and what happened to it."""

    referencia: str  # Hoja captura!F12 (Mayo R)
    clave: str
    antes: str
    despues: str
    motivo: str = ""


@dataclass
class InformeHoja:
    unidad: UnidadEjecutora
    trimestre: int
    tomadas: list[CeldaInforme] = field(default_factory=list)
    rechazadas: list[CeldaInforme] = field(default_factory=list)
    sin_cambio: int = 0


@dataclass
class _Cambio:
    """The changed cells of one (meta, mes), ready for the service."""

    celda: CeldaCaptura
    informes: list[CeldaInforme]
    rechazada: bool = False


def _mostrar_r(valor) -> str:
    return "(vacío)" if valor is None else formatear_numero(valor)


def _mostrar_o(texto: str) -> str:
    texto = texto or ""
    return "(vacío)" if not texto else (texto if len(texto) <= 80 else texto[:77] + "…")


def _referencia(fila: int, columna: int, etiqueta: str) -> str:
    return f"{HOJA}!{get_column_letter(columna)}{fila} ({etiqueta})"


def _leer_control(libro, unidades_permitidas: set[int]) -> tuple[UnidadEjecutora, int, dict]:
    filas = libro[CONTROL].iter_rows(max_col=2 + 3 * 3, max_row=MAX_FILAS, values_only=True)
    try:
        _, datos, _ = next(filas), next(filas), next(filas)
        formato, unidad_id, _anio, trimestre = (tuple(datos) + (None,) * 4)[:4]
    except (StopIteration, ValueError):
        raise HojaNoValida(
            "La hoja de control del archivo está dañada; descargue la hoja de nuevo."
        ) from None
    if formato != FORMATO or not isinstance(trimestre, int) or not 1 <= trimestre <= 4:
        raise HojaNoValida(
            "El archivo no es una hoja de captura de este sistema; descargue la hoja de nuevo."
        )
    if unidad_id not in unidades_permitidas:
        raise HojaNoValida("La hoja es de una unidad que usted no captura.")
    unidad = UnidadEjecutora.objects.select_related("ramo__ejercicio").get(pk=unidad_id)
    descargadas: dict[str, tuple[int, list]] = {}
    for fila in filas:
        if fila and fila[0] is not None and isinstance(fila[1], int):
            descargadas[str(fila[0])] = (fila[1], list(fila[2:]))
    return unidad, trimestre, descargadas


def _numero(valor) -> tuple[Decimal | None, str]:
    """(value, error) of an R cell: blank is None; text and numbers go through Decimal."""
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None, ""
    try:
        numero = convertir_numero(valor)
    except ValueError as exc:
        return None, str(exc)
    error = error_de_realizado(numero)
    return (None, _minuscula(error)) if error else (numero, "")


def _cambio_de_mes(
    fila_n: int, clave: str, meta_id: int, mes: int, indice: int, valores, original: list
) -> _Cambio | None:
    """The cells of one month that the user changed, validated; None when nothing changed."""
    version, r_antes, o_antes = original
    r_antes = None if r_antes is None else convertir_numero(r_antes)
    o_antes = normalizar_observaciones(o_antes or "")
    nombre = NOMBRES_MES[mes - 1]
    r_crudo = valores[columnas_r(indice) - 1]
    o_nuevo = normalizar_observaciones(
        "" if (v := valores[columna_observaciones(indice) - 1]) is None else str(v)
    )
    r_nuevo, error_r = _numero(r_crudo)
    informes: list[CeldaInforme] = []
    realizado, observaciones = r_antes, o_antes
    if error_r or r_nuevo != r_antes:
        ref = _referencia(fila_n, columnas_r(indice), f"{nombre} R")
        informe = CeldaInforme(
            ref,
            clave,
            _mostrar_r(r_antes),
            str(r_crudo) if error_r else _mostrar_r(r_nuevo),
            error_r,
        )
        informes.append(informe)
        if not error_r:
            realizado = r_nuevo
    if o_nuevo != o_antes:
        error_o = _minuscula(_error_de_texto(o_nuevo))
        ref = _referencia(fila_n, columna_observaciones(indice), f"{nombre} observaciones")
        informes.append(CeldaInforme(ref, clave, _mostrar_o(o_antes), _mostrar_o(o_nuevo), error_o))
        if not error_o:
            observaciones = o_nuevo
    if not informes:
        return None
    celda = CeldaCaptura(
        meta_id=meta_id,
        mes=mes,
        realizado=realizado,
        observaciones=observaciones,
        version_esperada=int(version or 0),
    )
    cambio = _Cambio(celda, informes)
    cambio.rechazada = all(i.motivo for i in informes)
    return cambio


def _error_de_texto(texto: str) -> str:
    if "\x00" in texto:
        return ERROR_NUL
    if len(texto) > MAX_OBSERVACIONES:
        return f"Las observaciones admiten como máximo {MAX_OBSERVACIONES:,} caracteres."
    return ""


def _leer_cambios(libro, trimestre: int, descargadas: dict, informe: InformeHoja) -> list:
    meses = list(meses_del_trimestre(trimestre))
    cambios: list[_Cambio] = []
    vistas: dict[str, int] = {}
    hoja = libro[HOJA]
    filas = hoja.iter_rows(min_row=PRIMERA_FILA, max_row=MAX_FILAS, max_col=13, values_only=True)
    for fila_n, valores in enumerate(filas, start=PRIMERA_FILA):
        valores = tuple(valores) + (None,) * (13 - len(valores))
        clave = "" if valores[0] is None else str(valores[0]).strip()
        if not clave:
            continue
        ref = _referencia(fila_n, 1, "Clave")
        if clave not in descargadas:
            informe.rechazadas.append(
                CeldaInforme(
                    ref,
                    clave,
                    "",
                    clave,
                    "la meta no está en la hoja descargada; no agregue filas.",
                )
            )
            continue
        if clave in vistas:
            informe.rechazadas.append(
                CeldaInforme(ref, clave, "", clave, f"la meta ya está en la fila {vistas[clave]}.")
            )
            continue
        vistas[clave] = fila_n
        meta_id, originales = descargadas[clave]
        originales = originales + [None] * (9 - len(originales))
        for i, mes in enumerate(meses):
            cambio = _cambio_de_mes(
                fila_n, clave, meta_id, mes, i, valores, originales[3 * i : 3 * i + 3]
            )
            if cambio is None:
                informe.sin_cambio += 2
            else:
                informe.sin_cambio += 2 - len(cambio.informes)
                cambios.append(cambio)
    return cambios


def _rechazar(cambio: _Cambio, motivo: str) -> None:
    cambio.rechazada = True
    for celda in cambio.informes:
        celda.motivo = celda.motivo or motivo


def _conflicto(conflicto) -> str:
    return (
        f"{conflicto.usuario} cambió este mes después de que usted descargó la hoja (ahora: R "
        f"{_mostrar_r(conflicto.realizado)}, observaciones {_mostrar_o(conflicto.observaciones)}"
        "); descargue la hoja de nuevo."
    )


def _guardar(unidad, cambios: list[_Cambio], usuario) -> None:
    """Store every valid cell; a cell the service refuses is marked and the rest retried."""
    for _intento in range(4):
        pendientes = [c for c in cambios if not c.rechazada]
        if not pendientes:
            return
        try:
            avances_guardar_rejilla(
                unidad=unidad, celdas=[c.celda for c in pendientes], usuario=usuario
            )
            return
        except CapturaRechazada as exc:
            if not exc.errores and not exc.conflictos:
                motivo = exc.mensaje
                for cambio in pendientes:
                    _rechazar(cambio, motivo)
                return
            for cambio in pendientes:
                clave = cambio.celda.clave
                if clave in exc.errores:
                    _rechazar(cambio, _minuscula(exc.errores[clave]))
                elif clave in exc.conflictos:
                    _rechazar(cambio, _conflicto(exc.conflictos[clave]))
    for cambio in cambios:
        if not cambio.rechazada:
            _rechazar(cambio, "No se pudo guardar; intente de nuevo.")


def _minuscula(texto: str) -> str:
    """Service messages start with a capital; after «ref:» read them in lower case."""
    return texto[:1].lower() + texto[1:] if texto[:2].isalpha() and texto[1:2].islower() else texto


def cargar_hoja_meses(archivo, *, usuario, unidades_permitidas: set[int]) -> InformeHoja:
    """Read an uploaded months-as-columns sheet and store its valid cells (see module doc)."""
    libro = abrir_libro(archivo)
    try:
        if not es_hoja_meses(libro.sheetnames):
            raise HojaNoValida(f"El libro no tiene la hoja «{HOJA}».")
        unidad, trimestre, descargadas = _leer_control(libro, unidades_permitidas)
        informe = InformeHoja(unidad=unidad, trimestre=trimestre)
        cambios = _leer_cambios(libro, trimestre, descargadas, informe)
    finally:
        libro.close()
    _guardar(unidad, cambios, usuario)
    for cambio in cambios:
        for celda in cambio.informes:
            (informe.rechazadas if celda.motivo else informe.tomadas).append(celda)
    return informe
