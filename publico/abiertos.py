"""Open data of an authorized quarter: rows, and the CSV / JSON / XLSX files built from them.

Rows come from `publico.selectors.datos_publicos` (authorized sections only); columns from
`publico.diccionario`. CSV is UTF-8 with BOM, comma separated, one header row. XLSX text
cells go through `plantilla.xlsx_seguro.texto_seguro` (never a formula).
"""

from __future__ import annotations

import calendar
import csv
import io
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plantilla.xlsx_seguro import proteger_celda, texto_seguro
from programas.formulas import Porcentaje
from publico.diccionario import COLUMNAS_FRACCION_IV, COLUMNAS_METAS, CONJUNTOS, Columna
from publico.selectors import significado_semaforo
from reportes.datos import DatosReporte, FilaMeta, Seccion
from reportes.verificable import url_verificacion

CENTESIMOS = Decimal("0.01")
TIPOS_ARCHIVO = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def identificador(anio: int, ramo: str, programa: str, unidad: str, meta: str) -> str:
    """Stable id of a meta: ejercicio-ramo-programa-unidad-clave (claves without spaces)."""
    return "-".join(str(p).strip().replace(" ", "_") for p in (anio, ramo, programa, unidad, meta))


def periodo(anio: int, trimestre: int) -> tuple[date, date]:
    ultimo = 3 * trimestre
    return date(anio, ultimo - 2, 1), date(anio, ultimo, calendar.monthrange(anio, ultimo)[1])


def _pct(p: Porcentaje) -> Decimal | None:
    return p.valor.quantize(CENTESIMOS, rounding=ROUND_HALF_UP) if p.es_numero else None


def _fila(datos: DatosReporte, seccion: Seccion, fila: FilaMeta) -> dict:
    c = fila.calculo
    inicio, fin = periodo(datos.anio, datos.trimestre)
    codigo = seccion.codigo_verificacion
    return {
        "identificador": identificador(
            datos.anio,
            seccion.ramo_clave,
            seccion.programa_clave,
            seccion.unidad_clave,
            fila.clave,
        ),  # fmt: skip
        "ejercicio": datos.anio,
        "trimestre": datos.trimestre,
        "periodo_inicio": inicio,
        "periodo_fin": fin,
        "ramo_clave": seccion.ramo_clave,
        "ramo_nombre": seccion.ramo_nombre,
        "programa_clave": seccion.programa_clave,
        "programa_nombre": seccion.programa_nombre,
        "unidad_clave": seccion.unidad_clave,
        "unidad_nombre": seccion.unidad_nombre,
        "meta_clave": fila.clave,
        "descripcion": fila.descripcion,
        "unidad_medida": fila.unidad_medida,
        "meta_anual": c.vigencia.meta_anual,
        "programado_trimestre": c.programado_trimestre,
        "realizado_trimestre": c.realizado_trimestre,
        "porcentaje_trimestral": _pct(c.porcentaje_trimestral),
        "avance_absoluto": c.avance_absoluto,
        "acumulado_relativo": _pct(c.acumulado_relativo),
        "por_realizar": c.por_realizar,
        "cumplimiento": _pct(c.cumplimiento),
        "semaforo": str(c.semaforo),
        "semaforo_significado": significado_semaforo(c.semaforo, datos.umbrales),
        "codigo_verificacion": codigo,
        "url_verificacion": url_verificacion(codigo) if codigo else "",
    }


def filas_metas(datos: DatosReporte) -> list[dict]:
    """One dict per meta (keys = COLUMNAS_METAS), in the formats' order."""
    return [_fila(datos, s, f) for s in datos.secciones for f in s.filas]


def _fecha_autorizacion(seccion: Seccion) -> date | None:
    for firmante in seccion.firmantes:
        if firmante.rol == "AUTORIZÓ" and firmante.fecha is not None:
            return firmante.fecha.date()
    return None


def _cantidad(valor: Decimal | None) -> str:
    return "sin captura" if valor is None else f"{valor.normalize():f}"


def filas_fraccion_iv(datos: DatosReporte, objetivos: dict[int, str]) -> list[list]:
    """The fracción IV rows: one per meta. `objetivos`: programa id → objective text."""
    inicio, fin = periodo(datos.anio, datos.trimestre)
    area = settings.POA_AREA_TRANSPARENCIA
    filas = []
    for s in datos.secciones:
        autorizado = _fecha_autorizacion(s)
        enlace = settings.POA_URL_BASE.rstrip("/") + reverse(
            "publico:pdf_firmado", args=[datos.anio, datos.trimestre, s.programa_id, s.unidad_id]
        )
        for f in s.filas:
            c = f.calculo
            avance = _pct(c.acumulado_relativo)
            meta = (
                f"{f.clave} {f.descripcion}: meta anual {_cantidad(c.vigencia.meta_anual)}; "
                f"avance al trimestre {_cantidad(c.avance_absoluto)}"
                + (f" ({avance:f} %)" if avance is not None else "")
            )
            filas.append(
                [
                    datos.anio, inicio, fin,
                    objetivos.get(s.programa_id) or f"{s.programa_clave} {s.programa_nombre}",
                    meta, f.unidad_medida, f"{s.unidad_clave} {s.unidad_nombre}", enlace, area,
                    autorizado, autorizado,
                    f"Cifras del reporte trimestral autorizado; código de verificación "
                    f"{s.codigo_verificacion}.",
                ]
            )  # fmt: skip
    return filas


# --- Writers -------------------------------------------------------------------------------


def _texto(valor) -> str:
    if valor is None:
        return ""
    if isinstance(valor, Decimal):
        return f"{valor:f}"
    if isinstance(valor, date):
        return valor.isoformat()
    return str(valor)


def csv_de(columnas: tuple[Columna, ...], filas: list[dict]) -> bytes:
    """UTF-8 with BOM, comma separated, one header row (the dictionary's column names)."""
    salida = io.StringIO(newline="")
    escritor = csv.writer(salida, lineterminator="\r\n")
    escritor.writerow([c.nombre for c in columnas])
    for fila in filas:
        escritor.writerow([_texto(fila[c.nombre]) for c in columnas])
    return salida.getvalue().encode("utf-8-sig")


def _json_valor(valor):
    if isinstance(valor, Decimal):
        return float(valor)
    if isinstance(valor, date):
        return valor.isoformat()
    return valor


def json_de(columnas: tuple[Columna, ...], filas: list[dict], meta: dict) -> bytes:
    """`{"metadatos": …, "diccionario": [...], "datos": [...]}`; numbers as JSON numbers."""
    contenido = {
        "metadatos": meta,
        "diccionario": [vars(c) for c in columnas],
        "datos": [{c.nombre: _json_valor(f[c.nombre]) for c in columnas} for f in filas],
    }
    return json.dumps(contenido, ensure_ascii=False, indent=1).encode("utf-8")


def _celda(valor):
    if isinstance(valor, Decimal):
        return float(valor)
    return texto_seguro(valor)


def _agregar(hoja, valores: list) -> None:
    """Append a row; text that could become a formula gets the quote-prefix style."""
    hoja.append(valores)
    for celda in hoja[hoja.max_row]:
        proteger_celda(celda)


def _hoja_diccionario(libro: Workbook, columnas: tuple[Columna, ...]) -> None:
    hoja = libro.create_sheet("Diccionario")
    hoja.append(["columna", "tipo", "descripcion", "unidad"])
    for c in columnas:
        _agregar(hoja, [texto_seguro(c.nombre), c.tipo, texto_seguro(c.descripcion), c.unidad])
    for celda in hoja[1]:
        celda.font = Font(bold=True)
    hoja.column_dimensions["A"].width = 28
    hoja.column_dimensions["C"].width = 90


def _guardar(libro: Workbook) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def xlsx_de(columnas: tuple[Columna, ...], filas: list[dict], titulo: str) -> bytes:
    """Sheet «Datos» (one header row) and sheet «Diccionario»."""
    libro = Workbook()
    hoja = libro.active
    hoja.title = "Datos"
    hoja.append([c.nombre for c in columnas])
    for celda in hoja[1]:
        celda.font = Font(bold=True)
    for fila in filas:
        _agregar(hoja, [_celda(fila[c.nombre]) for c in columnas])
    hoja.freeze_panes = "A2"
    libro.properties.title = titulo
    _hoja_diccionario(libro, columnas)
    return _guardar(libro)


def _para_imprimir(hoja) -> None:
    """Landscape, every column on one page wide, headings repeated and text wrapped."""
    hoja.page_setup.orientation = "landscape"
    hoja.page_setup.paperSize = hoja.PAPERSIZE_LETTER
    hoja.sheet_properties.pageSetUpPr.fitToPage = True
    hoja.page_setup.fitToWidth = 1
    hoja.page_setup.fitToHeight = 0
    hoja.print_title_rows = "6:6"
    hoja.row_dimensions[6].height = 60  # the official headings are long: up to four lines
    ajuste = Alignment(wrap_text=True, vertical="top")
    for fila in hoja.iter_rows(min_row=6):
        for celda in fila:
            celda.alignment = ajuste


def xlsx_transparencia(
    *,
    anio: int,
    trimestre: int,
    fraccion: str,
    columnas: tuple[Columna, ...],
    filas: list[list],
    anchos: tuple[int, ...],
) -> bytes:
    """A transparency format (art. 70): a title block, the official column headings, the
    rows and the dictionary sheet. Date columns get the dd/mm/yyyy format."""
    libro = Workbook()
    hoja = libro.active
    hoja.title = "Reporte de Formatos"
    inicio, fin = periodo(anio, trimestre)
    hoja.append(["Ley General de Transparencia y Acceso a la Información Pública, artículo 70"])
    hoja.append([fraccion])
    hoja.append([f"Sujeto obligado: {settings.POA_AYUNTAMIENTO}"])
    hoja.append([f"Periodo que se informa: {inicio:%d/%m/%Y} al {fin:%d/%m/%Y}"])
    hoja.append([])
    hoja.append([c.nombre for c in columnas])
    for fila in range(1, 3):
        hoja.cell(fila, 1).font = Font(bold=True, size=12 if fila == 1 else 11)
    for celda in hoja[6]:
        celda.font = Font(bold=True)
    for fila in filas:
        _agregar(hoja, [_celda(v) for v in fila])
    for numero, ancho in enumerate(anchos, start=1):
        hoja.column_dimensions[get_column_letter(numero)].width = ancho
    hoja.freeze_panes = "A7"
    _para_imprimir(hoja)
    for numero, columna in enumerate(columnas, start=1):
        if columna.tipo == "fecha":
            for (celda,) in hoja.iter_rows(min_row=7, min_col=numero, max_col=numero):
                celda.number_format = "dd/mm/yyyy"
    _hoja_diccionario(libro, columnas)
    return _guardar(libro)


def xlsx_fraccion_iv(datos: DatosReporte, filas: list[list]) -> bytes:
    """The fracción IV format: a title block, the official column headings, one row a meta."""
    return xlsx_transparencia(
        anio=datos.anio,
        trimestre=datos.trimestre,
        fraccion="Fracción IV. Metas y objetivos de las áreas de conformidad con sus programas "
        "operativos",
        columnas=COLUMNAS_FRACCION_IV,
        filas=filas,
        anchos=(10, 14, 14, 45, 60, 18, 35, 45, 30, 14, 14, 40),
    )


def diccionario_de(conjunto: str, formato: str) -> bytes:
    """The dictionary of a dataset as its own CSV or JSON download."""
    titulo, columnas = CONJUNTOS[conjunto]
    filas = [vars(c) for c in columnas]
    cols = tuple(Columna(n, "texto", "") for n in ("nombre", "tipo", "descripcion", "unidad"))
    if formato == "csv":
        return csv_de(cols, filas)
    return json.dumps({"conjunto": titulo, "columnas": filas}, ensure_ascii=False,
                      indent=1).encode("utf-8")  # fmt: skip


__all__ = ["COLUMNAS_METAS", "TIPOS_ARCHIVO"]
