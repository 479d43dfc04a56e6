"""Safe handling of XLSX files received from users and written for them (PLANTILLA.md, issue 6).

Reading: only real XLSX (zip magic + `[Content_Types].xml` of a spreadsheet), a size limit
(`POA_UPLOAD_MAX_BYTES`), a decompression bound (`POA_UPLOAD_MAX_UNCOMPRESSED_BYTES`) checked
over the members' declared *and* actual sizes, password-protected (OLE CFB) files refused,
no DTD/entity declarations in any part, and then openpyxl parsing worksheets and shared
strings through defusedxml (and the other parts with lxml, entity resolution off).
Formulas are never evaluated: openpyxl returns a formula cell's text, which the importer
treats as text.

Macro-enabled workbooks (.xlsm, a vbaProject.bin part, macro content types) are refused.

Work is bounded, not only bytes: every worksheet part is streamed (lxml iterparse, elements
cleared as they go) and its *real* cells counted, ignoring the declared `<dimension>`; a
cell beyond column `POA_XLSX_MAX_COLUMNAS` or more than `POA_XLSX_MAX_FILAS` rows with
cells refuse the file before openpyxl pads rows out to the last column (a 0.12 MB sheet
with one cell in column XFD used to cost 1.9 GB).

Writing: a text that starts with = + - @ (tab, CR) is neutralized as OWASP advises: a
quote-prefix style (`celda_texto`, or `texto_seguro` + `proteger_celda`), so it stays text
on open and after a user edits the cell.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lxml import etree
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.xml import DEFUSEDXML

if not DEFUSEDXML:  # pragma: no cover - depends on the environment
    # openpyxl parses with defusedxml only when it is installed and OPENPYXL_DEFUSEDXML is not
    # "False"; without it an uploaded workbook could carry XML entity attacks.
    raise ImproperlyConfigured(
        "openpyxl no está usando defusedxml: instale defusedxml y no defina "
        "OPENPYXL_DEFUSEDXML=False."
    )

FIRMA_ZIP = b"PK\x03\x04"
FIRMA_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls or encrypted .xlsx
PAQUETE_CIFRADO = "EncryptedPackage".encode("utf-16-le")
TIPOS_LIBRO = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)
# Macro-enabled packages: refused whatever the file is called.
TIPOS_MACRO = (b"macroEnabled", b"vnd.ms-office.vbaProject", b"vnd.ms-excel.macrosheet")
EXTENSIONES_MACRO = (".xlsm", ".xltm", ".xlam", ".xlsb")
PARTES_MACRO = ("vbaproject.bin", "vbadata.xml", "/macrosheets/")
MENSAJE_MACROS = (
    "El libro contiene macros (.xlsm o proyecto VBA): por seguridad no se aceptan. "
    "Guárdelo como «Libro de Excel (.xlsx)», sin macros, y vuelva a subirlo."
)
_NS_HOJA = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
MAX_MIEMBROS = 5000
BLOQUE = 1024 * 1024
DECLARACIONES_PROHIBIDAS = (b"<!DOCTYPE", b"<!ENTITY")
PREFIJOS_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Control characters other than tab/newline/CR are illegal in XLSX and make openpyxl fail.
_ILEGALES = {c: None for c in range(32) if c not in (9, 10, 13)}


class ArchivoNoValido(Exception):
    """The uploaded file is refused before parsing; `mensaje` is shown to the user."""

    def __init__(self, mensaje: str):
        super().__init__(mensaje)
        self.mensaje = mensaje


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def leer_bytes(archivo: Any) -> bytes:
    """Return the file's bytes (path, bytes or file-like), refusing anything over the limit."""
    limite = settings.POA_UPLOAD_MAX_BYTES
    nombre = (
        str(archivo) if isinstance(archivo, str | os.PathLike) else getattr(archivo, "name", "")
    )
    if str(nombre or "").lower().endswith(EXTENSIONES_MACRO):
        raise ArchivoNoValido(MENSAJE_MACROS)
    if isinstance(archivo, bytes | bytearray):
        datos = bytes(archivo)
    elif isinstance(archivo, str | os.PathLike):
        ruta = Path(archivo)
        if not ruta.is_file():
            raise ArchivoNoValido(f"No existe el archivo {ruta}.")
        if ruta.stat().st_size > limite:
            raise ArchivoNoValido(
                f"El archivo pesa {_mb(ruta.stat().st_size)}; el máximo permitido es {_mb(limite)}."
            )
        datos = ruta.read_bytes()
    else:
        tamano = getattr(archivo, "size", None)
        if tamano is not None and tamano > limite:
            raise ArchivoNoValido(
                f"El archivo pesa {_mb(tamano)}; el máximo permitido es {_mb(limite)}."
            )
        if hasattr(archivo, "seek"):
            archivo.seek(0)
        datos = archivo.read(limite + 1)
    if len(datos) > limite:
        raise ArchivoNoValido(f"El archivo pesa más de {_mb(limite)}, el máximo permitido.")
    return datos


def validar_xlsx(datos: bytes) -> int:
    """Raise ArchivoNoValido unless `datos` is a plain, reasonably sized XLSX package.

    Returns the number of rows with real cells over all its worksheets (for the import's
    choice between answering at once and a background job).
    """
    if not datos:
        raise ArchivoNoValido("El archivo está vacío.")
    if datos.startswith(FIRMA_OLE):
        if PAQUETE_CIFRADO in datos:
            raise ArchivoNoValido(
                "El libro está protegido con contraseña (cifrado). Quite la contraseña en "
                "Excel (Archivo › Información › Proteger libro) y vuelva a subirlo."
            )
        raise ArchivoNoValido(
            "El archivo es un libro de Excel 97-2003 (.xls) u otro documento de Office "
            "antiguo. Guárdelo como «Libro de Excel (.xlsx)» y vuelva a subirlo."
        )
    if not datos.startswith(FIRMA_ZIP):
        tipo = " (parece un PDF)" if datos.startswith(b"%PDF") else ""
        raise ArchivoNoValido(
            f"El archivo no es un libro de Excel .xlsx{tipo}. Solo se aceptan archivos .xlsx."
        )
    try:
        paquete = zipfile.ZipFile(io.BytesIO(datos))
        miembros = paquete.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchivoNoValido("El archivo .xlsx está dañado o incompleto.") from exc
    nombres = {m.filename for m in miembros}
    if "[Content_Types].xml" not in nombres:
        raise ArchivoNoValido(
            "El archivo no es un libro de Excel .xlsx (falta [Content_Types].xml)."
        )
    if any(parte in nombre.lower() for nombre in nombres for parte in PARTES_MACRO):
        raise ArchivoNoValido(MENSAJE_MACROS)
    if len(miembros) > MAX_MIEMBROS:
        raise ArchivoNoValido("El archivo contiene demasiadas partes para ser un libro del POA.")
    limite = settings.POA_UPLOAD_MAX_UNCOMPRESSED_BYTES
    declarado = sum(m.file_size for m in miembros)
    if declarado > limite:
        raise ArchivoNoValido(
            f"El archivo se descomprime a {_mb(declarado)}, más que el máximo seguro de "
            f"{_mb(limite)}."
        )
    # Declared sizes can lie: inflate every member counting the real bytes, and look for
    # DTD/entity declarations (XML bombs, XXE) while at it.
    real = 0
    for miembro in miembros:
        cola = b""
        try:
            with paquete.open(miembro) as flujo:
                while bloque := flujo.read(BLOQUE):
                    real += len(bloque)
                    if real > limite:
                        raise ArchivoNoValido(
                            f"El archivo se descomprime a más de {_mb(limite)}, el máximo "
                            "seguro; no se procesa."
                        )
                    if miembro.filename.endswith((".xml", ".rels", ".vml")):
                        ventana = cola + bloque
                        if any(d in ventana for d in DECLARACIONES_PROHIBIDAS):
                            raise ArchivoNoValido(
                                f"La parte {miembro.filename} del libro contiene declaraciones "
                                "XML no permitidas (DTD o entidades); no se procesa."
                            )
                        cola = ventana[-16:]
        except ArchivoNoValido:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise ArchivoNoValido("El archivo .xlsx está dañado o incompleto.") from exc
        except RuntimeError as exc:  # encrypted zip member
            raise ArchivoNoValido("El archivo está protegido con contraseña.") from exc
    tipos = paquete.read("[Content_Types].xml")
    if any(t.lower() in tipos.lower() for t in TIPOS_MACRO):
        raise ArchivoNoValido(MENSAJE_MACROS)
    if not any(t in tipos for t in TIPOS_LIBRO):
        raise ArchivoNoValido(
            "El archivo es un documento de Office pero no un libro de Excel .xlsx."
        )
    return validar_dimensiones(paquete)


_COLUMNA = re.compile(r"^\$?([A-Za-z]{1,3})\$?\d*$")


def _nombres_de_hojas(paquete: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (`xl/worksheets/sheet1.xml`) → the sheet's title, for the messages."""
    try:
        libro = etree.fromstring(paquete.read("xl/workbook.xml"), _PARSER)
        rels = etree.fromstring(paquete.read("xl/_rels/workbook.xml.rels"), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return {}
    destinos = {}
    for rel in rels:
        destino = (rel.get("Target") or "").lstrip("/")
        destinos[rel.get("Id")] = destino if destino.startswith("xl/") else f"xl/{destino}"
    nombres = {}
    for hoja in libro.iter(f"{{{_NS_HOJA}}}sheet"):
        rid = hoja.get(f"{{{_NS_REL}}}id")
        if rid in destinos:
            nombres[destinos[rid]] = hoja.get("name") or destinos[rid]
    return nombres


def validar_dimensiones(paquete: zipfile.ZipFile) -> int:
    """Refuse sheets whose real cells go past the column or row limits (streamed, O(1) memory).

    Returns the rows with real cells of every worksheet, summed.
    """
    nombres = _nombres_de_hojas(paquete)
    filas = 0
    for miembro in paquete.namelist():
        if miembro.startswith("xl/worksheets/") and miembro.endswith(".xml"):
            with paquete.open(miembro) as flujo:
                filas += _medir_hoja(flujo, nombres.get(miembro, miembro))
    return filas


def _medir_hoja(flujo, nombre: str) -> int:
    """Rows with cells of one worksheet part; ArchivoNoValido past the row or column limit.

    Only `<row>` end events are parsed (its cells are looked at as children), which halves
    the parser's events against one per cell: a 20,000-meta sheet is measured in about half
    the time. openpyxl reads cells only inside rows, so nothing it would read is skipped.
    """
    max_columnas = settings.POA_XLSX_MAX_COLUMNAS
    max_filas = settings.POA_XLSX_MAX_FILAS
    etiqueta_celda = f"{{{_NS_HOJA}}}c"
    filas = 0
    try:
        for _, fila in etree.iterparse(
            flujo, events=("end",), tag=f"{{{_NS_HOJA}}}row",
            resolve_entities=False, no_network=True, huge_tree=False,
        ):  # fmt: skip
            columna = 0
            for celda in fila.iterchildren(etiqueta_celda):
                referencia = _COLUMNA.match(celda.get("r") or "")
                columna = (
                    column_index_from_string(referencia.group(1).upper())
                    if referencia else columna + 1
                )  # fmt: skip
                if columna > max_columnas:
                    raise ArchivoNoValido(
                        f"La hoja «{nombre}» tiene una celda en la columna "
                        f"{get_column_letter(min(columna, 18278))} (la número {columna:,}); el "
                        f"máximo permitido es la columna {get_column_letter(max_columnas)} "
                        f"({max_columnas}). Borre las columnas sobrantes y vuelva a subirla."
                    )
            filas += 1 if columna else 0
            if filas > max_filas:
                raise ArchivoNoValido(
                    f"La hoja «{nombre}» tiene más de {max_filas:,} filas con datos; el "
                    f"máximo permitido es {max_filas:,}. Divídala en varios archivos o "
                    "borre las filas sobrantes y vuelva a subirla."
                )
            fila.clear(keep_tail=False)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ArchivoNoValido(
            f"La hoja «{nombre}» del libro está dañada (XML no válido); no se procesa."
        ) from exc
    return filas


def abrir_libro(archivo: Any):
    """Validate and open an uploaded workbook read-only (formulas come back as their text)."""
    datos = leer_bytes(archivo)
    validar_xlsx(datos)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(datos), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault
        nombre = type(exc).__name__
        if nombre in {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"}:
            raise ArchivoNoValido(
                "El libro contiene XML no permitido (entidades o referencias externas)."
            ) from exc
        raise ArchivoNoValido(
            "No se pudo leer el libro: el archivo .xlsx está dañado o no tiene un formato válido."
        ) from exc


def es_formula_potencial(valor: Any) -> bool:
    """Tell whether a spreadsheet program could run this text as a formula."""
    return isinstance(valor, str) and valor.startswith(PREFIJOS_FORMULA)


def limpiar_texto(valor: str) -> str:
    """Drop the control characters XLSX cannot hold."""
    return valor.translate(_ILEGALES)


def texto_seguro(valor: Any) -> Any:
    """Return a value to put in a cell so that text is never run as a formula.

    Non-text values pass unchanged. Text starting with = + - @ (or a tab/CR) becomes an
    explicit inline string, which Excel and LibreOffice show as text and never evaluate on
    open; `proteger_celda` then gives the cell the quote-prefix style, so it stays text
    after a user edits it too (OWASP). Usable in normal and write-only workbooks.
    """
    if not isinstance(valor, str):
        return valor
    valor = limpiar_texto(valor)
    if es_formula_potencial(valor):
        return CellRichText([valor])
    return valor


def proteger_celda(celda) -> None:
    """Quote-prefix a cell whose text could become a formula (its shared style is copied)."""
    valor = celda.value
    texto = str(valor) if isinstance(valor, CellRichText) else valor
    if es_formula_potencial(texto):
        celda._style = copy(celda._style)
        celda.quotePrefix = True


def celda_texto(ws, valor: Any, *, estilo: dict | None = None) -> WriteOnlyCell:
    """Return a write-only cell holding `valor` as text (data type 's', quote prefix if needed).

    Used for claves (`054` must stay text) and free text in the plantilla export.
    """
    texto = "" if valor is None else limpiar_texto(str(valor))
    celda = WriteOnlyCell(ws, value=texto if texto != "" else None)
    if texto:
        celda.data_type = "s"
        if es_formula_potencial(texto):
            celda.quotePrefix = True
    for atributo, valor_estilo in (estilo or {}).items():
        setattr(celda, atributo, valor_estilo)
    return celda
