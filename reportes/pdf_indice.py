"""Consolidated PDFs you can navigate: a table of contents, bookmarks, the file's numbering.

Every section (a unidad's format) is laid out as its own document and keeps its own
"Página X de Y". When a file holds several sections they are joined with pypdf behind a
first page (or pages) with the table of contents — ramo → unidad → page — rendered by
WeasyPrint once the sections' page counts are known; the outline (bookmarks) follows the
same tree, and every section page gets "Página X de Y del archivo" stamped under its own
numbering, in the bottom margin.

The stamp is a few glyphs drawn with a font WeasyPrint embedded in a one-line document
(so PDF/A stays valid: the font is embedded, its codes and widths read from that font's
ToUnicode map and /W array); drawing it is a content stream added to each page, with no
layout at all, so a file assembled from cached sections costs only pypdf's joining.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pypdf
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

TEXTO_MUESTRA = "Página de del archivo 0123456789"
TAMANO_SELLO = 7.0  # pt
MARGEN_DERECHO = 9 * 72 / 25.4  # the sheets' right margin (estilo.css @page)
BASE_SELLO = 2.4 * 72 / 25.4  # baseline above the page's bottom edge, under the sheet's own
NOMBRE_FUENTE = NameObject("/PoaNumeracion")


@dataclass(frozen=True)
class Entrada:
    """One section in the table of contents: its group (the ramo) and its title."""

    grupo: str
    titulo: str


def texto_sello(pagina: int, total: int) -> str:
    return f"Página {pagina} de {total} del archivo"


class Fuente:
    """An embedded font of a WeasyPrint document: char → code, code → width (1/1000 em)."""

    def __init__(self, pdf: bytes):
        pagina = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
        fuentes = pagina["/Resources"]["/Font"]
        self.objeto = next(iter(fuentes.values())).get_object()
        self.codigos = _mapa_unicode(self.objeto["/ToUnicode"].get_object().get_data())
        descendiente = self.objeto["/DescendantFonts"][0].get_object()
        self.defecto = float(descendiente.get("/DW", 1000))
        self.anchos = _anchos(descendiente.get("/W", []))

    def codificar(self, texto: str) -> tuple[bytes, float]:
        """The hex string of `texto` and its width at TAMANO_SELLO, in points."""
        codigos = [self.codigos[c] for c in texto]
        ancho = sum(self.anchos.get(c, self.defecto) for c in codigos) * TAMANO_SELLO / 1000
        return "".join(f"{c:04x}" for c in codigos).encode(), ancho


def _mapa_unicode(cmap: bytes) -> dict[str, int]:
    mapa: dict[str, int] = {}
    texto = cmap.decode("latin-1")
    for bloque in re.findall(r"beginbfchar(.*?)endbfchar", texto, re.S):
        for codigo, unicode in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", bloque):
            mapa[bytes.fromhex(unicode).decode("utf-16-be")] = int(codigo, 16)
    for bloque in re.findall(r"beginbfrange(.*?)endbfrange", texto, re.S):
        for ini, fin, uni in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", bloque):
            base = ord(bytes.fromhex(uni).decode("utf-16-be"))
            for k, codigo in enumerate(range(int(ini, 16), int(fin, 16) + 1)):
                mapa[chr(base + k)] = codigo
    return mapa


def _anchos(w) -> dict[int, float]:
    anchos: dict[int, float] = {}
    elementos = [x.get_object() if hasattr(x, "get_object") else x for x in w]
    i = 0
    while i < len(elementos):
        primero = int(elementos[i])
        siguiente = elementos[i + 1]
        if isinstance(siguiente, list):
            for k, ancho in enumerate(siguiente):
                anchos[primero + k] = float(ancho)
            i += 2
        else:
            for codigo in range(primero, int(siguiente) + 1):
                anchos[codigo] = float(elementos[i + 2])
            i += 3
    return anchos


def _sellar(escritor: pypdf.PdfWriter, fuente: Fuente, desde: int, total: int) -> None:
    """Stamp "Página X de Y del archivo" on the pages from index `desde` on."""
    clon = fuente.objeto.clone(escritor)
    referencia = clon.indirect_reference or escritor._add_object(clon)
    abrir_flujo = DecodedStreamObject()
    abrir_flujo.set_data(b"q\n")
    abrir = escritor._add_object(abrir_flujo)
    for indice in range(desde, len(escritor.pages)):
        pagina = escritor.pages[indice]
        codigo, ancho = fuente.codificar(texto_sello(indice + 1, total))
        x = float(pagina.mediabox.right) - MARGEN_DERECHO - ancho
        y = float(pagina.mediabox.bottom) + BASE_SELLO
        flujo = DecodedStreamObject()
        flujo.set_data(
            b"Q\nq 0.2 0.2 0.2 rg BT /PoaNumeracion %.2f Tf %.2f %.2f Td <%s> Tj ET Q\n"
            % (TAMANO_SELLO, x, y, codigo)
        )
        _diccionario(_diccionario(pagina, "/Resources"), "/Font")[NOMBRE_FUENTE] = referencia
        contenido = pagina.get("/Contents")
        contenido = contenido.get_object() if contenido is not None else ArrayObject()
        if isinstance(contenido, ArrayObject):
            previos = list(contenido)
        else:
            previos = [pagina.raw_get("/Contents")]
        sello = escritor._add_object(flujo)
        pagina[NameObject("/Contents")] = ArrayObject([abrir, *previos, sello])


def _diccionario(padre, clave: str) -> DictionaryObject:
    """`padre[clave]` resolved (shared resources stay shared), created if missing."""
    valor = padre.get(clave)
    if valor is None:
        valor = padre[NameObject(clave)] = DictionaryObject()
    return valor.get_object()


def _sin_estructura(escritor: pypdf.PdfWriter) -> None:
    for clave in ("/StructTreeRoot", "/MarkInfo"):
        escritor._root_object.pop(clave, None)
    for pagina in escritor.pages:
        pagina.pop("/StructParents", None)


def para_unir(pdf: bytes) -> bytes:
    """A copy of a section that joins fast: no structure tree, no object streams.

    A tagged section holds thousands of structure elements in compressed object streams,
    which pypdf has to decode whole to reach the pages; the joined file drops them anyway.
    """
    escritor = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    _sin_estructura(escritor)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def paginas_de(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def consolidar(
    partes: list[bytes],
    entradas: list[Entrada],
    *,
    indice_de: Callable[[list[dict], int], bytes],
    fuente: Fuente,
) -> bytes:
    """Join the sections behind their table of contents, with bookmarks and numbering.

    `indice_de(filas, total)` renders the table of contents (its rows carry each entry's
    first page in the file); it is rendered again if its own length moves the pages.
    """
    lectores = [pypdf.PdfReader(io.BytesIO(p)) for p in partes]
    cuentas = [len(r.pages) for r in lectores]
    paginas_indice, indice = 1, b""
    for _ in range(4):  # the table's length depends (barely) on the numbers it prints
        total = paginas_indice + sum(cuentas)
        filas, _ = _filas(entradas, cuentas, paginas_indice)
        indice = indice_de(filas, total)
        if paginas_de(indice) == paginas_indice:
            break
        paginas_indice = paginas_de(indice)
    escritor = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(indice)))
    # One structure tree per section cannot be merged by pypdf: the joined file is untagged
    # rather than tagged wrongly (each signed section, downloaded alone, stays tagged).
    _sin_estructura(escritor)
    for lector in lectores:
        escritor.append(lector, import_outline=False)
    for indice_pagina in range(paginas_indice, len(escritor.pages)):
        escritor.pages[indice_pagina].pop("/StructParents", None)
    _marcadores(escritor, entradas, cuentas, paginas_indice)
    _sellar(escritor, fuente, paginas_indice, len(escritor.pages))
    escritor.page_mode = "/UseOutlines"
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _filas(
    entradas: list[Entrada], cuentas: list[int], inicio: int
) -> tuple[list[dict], list[int]]:
    """Table-of-contents rows (groups and entries, 1-based pages) and each entry's index."""
    filas, primeras, pagina, grupo = [], [], inicio, None
    for entrada, cuenta in zip(entradas, cuentas, strict=True):
        if entrada.grupo and entrada.grupo != grupo:
            filas.append({"grupo": True, "titulo": entrada.grupo, "pagina": pagina + 1})
        grupo = entrada.grupo
        desde, hasta = pagina + 1, pagina + cuenta
        filas.append({
            "grupo": False, "titulo": entrada.titulo, "pagina": desde,
            "paginas": f"{desde}–{hasta}" if hasta > desde else f"{desde}",
        })  # fmt: skip
        primeras.append(pagina)
        pagina += cuenta
    return filas, primeras


def _marcadores(escritor, entradas: list[Entrada], cuentas: list[int], inicio: int) -> None:
    escritor.add_outline_item(title="Índice", page_number=0)
    _, primeras = _filas(entradas, cuentas, inicio)
    padre, grupo = None, None
    for entrada, pagina in zip(entradas, primeras, strict=True):
        if entrada.grupo and entrada.grupo != grupo:
            padre = escritor.add_outline_item(title=entrada.grupo, page_number=pagina)
        elif not entrada.grupo:
            padre = None
        grupo = entrada.grupo
        escritor.add_outline_item(title=entrada.titulo, page_number=pagina, parent=padre)
