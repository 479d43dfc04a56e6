"""Consolidated PDFs you can navigate: a table of contents, bookmarks, the file's numbering.

Every section (a unidad's format) is laid out as its own document and keeps its own
"Página X de Y". When a file holds several sections they are joined with pikepdf (qpdf)
behind a first page (or pages) with the table of contents — ramo → unidad → page —
rendered by WeasyPrint once the sections' page counts are known; the outline (bookmarks)
follows the same tree, and every section page gets "Página X de Y del archivo" stamped
under its own numbering, in the bottom margin. (qpdf joins 300 signed sections in about
half a second; pypdf, used before, took four.)

The stamp is a few glyphs drawn with a font WeasyPrint embedded in a one-line document
(so PDF/A stays valid: the font is embedded, its codes and widths read from that font's
ToUnicode map and /W array); drawing it is a content stream added to each page, with no
layout at all, so a file assembled from cached sections costs only the joining.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from pikepdf import Name

TEXTO_MUESTRA = "Página de del archivo 0123456789"
TAMANO_SELLO = 7.0  # pt
MARGEN_DERECHO = 9 * 72 / 25.4  # the sheets' right margin (estilo.css @page)
BASE_SELLO = 2.4 * 72 / 25.4  # baseline above the page's bottom edge, under the sheet's own
NOMBRE_FUENTE = Name("/PoaNumeracion")


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
        self.documento = pikepdf.open(io.BytesIO(pdf))
        fuentes = self.documento.pages[0].Resources.Font
        self.objeto = fuentes[next(iter(fuentes.keys()))]
        self.codigos = _mapa_unicode(self.objeto.ToUnicode.read_bytes())
        descendiente = self.objeto.DescendantFonts[0]
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
    elementos = list(w)
    i = 0
    while i < len(elementos):
        primero = int(elementos[i])
        siguiente = elementos[i + 1]
        if isinstance(siguiente, pikepdf.Array | list):
            for k, ancho in enumerate(siguiente):
                anchos[primero + k] = float(ancho)
            i += 2
        else:
            for codigo in range(primero, int(siguiente) + 1):
                anchos[codigo] = float(elementos[i + 2])
            i += 3
    return anchos


def _sellar(pdf: pikepdf.Pdf, fuente: Fuente, desde: int, total: int) -> None:
    """Stamp "Página X de Y del archivo" on the pages from index `desde` on."""
    objeto = pdf.copy_foreign(fuente.objeto)
    abrir = pdf.make_stream(b"q\n")
    for indice in range(desde, len(pdf.pages)):
        pagina = pdf.pages[indice]
        codigo, ancho = fuente.codificar(texto_sello(indice + 1, total))
        caja = [float(v) for v in pagina.mediabox]
        x = caja[2] - MARGEN_DERECHO - ancho
        y = caja[1] + BASE_SELLO
        sello = pdf.make_stream(
            b"Q\nq 0.2 0.2 0.2 rg BT /PoaNumeracion %.2f Tf %.2f %.2f Td <%s> Tj ET Q\n"
            % (TAMANO_SELLO, x, y, codigo)
        )
        recursos = pagina.obj.get("/Resources")
        if recursos is None:
            recursos = pagina.obj.Resources = pikepdf.Dictionary()
        if "/Font" not in recursos:
            recursos.Font = pikepdf.Dictionary()
        recursos.Font[NOMBRE_FUENTE] = objeto  # shared resources stay shared
        pagina.contents_add(abrir, prepend=True)
        pagina.contents_add(sello)


def _sin_estructura(pdf: pikepdf.Pdf) -> None:
    for clave in ("/StructTreeRoot", "/MarkInfo"):
        if clave in pdf.Root:
            del pdf.Root[clave]
    for pagina in pdf.pages:
        if "/StructParents" in pagina.obj:
            del pagina.obj["/StructParents"]


def para_unir(pdf: bytes) -> bytes:
    """A copy of a section that joins fast: no structure tree, no object streams.

    A tagged section holds thousands of structure elements in compressed object streams;
    the joined file drops them anyway, and plain objects join in half the time.
    """
    with pikepdf.open(io.BytesIO(pdf)) as documento:
        _sin_estructura(documento)
        salida = io.BytesIO()
        documento.save(salida, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return salida.getvalue()


def consolidar(
    partes: list[bytes],
    entradas: list[Entrada],
    *,
    indice_de: Callable[[list[dict], int], bytes],
    paginas_del_indice: Callable[[list[dict], int], int],
    fuente: Fuente,
) -> bytes:
    """Join the sections behind their table of contents, with bookmarks and numbering.

    `indice_de(filas, total)` renders the table of contents (its rows carry each entry's
    first page in the file); `paginas_del_indice(filas, total)` only lays it out and counts
    its pages. The table's length depends (barely) on the numbers it prints, so it is laid
    out until its length is stable (the last length seen for as many entries is the first
    guess) and written once: the written table of contents of a signed file carries every
    snapshot, which makes writing and reading it back the expensive part.
    """
    secciones = [pikepdf.open(io.BytesIO(p)) for p in partes]
    cuentas = [len(d.pages) for d in secciones]
    paginas_indice = _PAGINAS_VISTAS.get(len(entradas), 1)
    for _ in range(4):
        total = paginas_indice + sum(cuentas)
        filas, _ = _filas(entradas, cuentas, paginas_indice)
        unido = None
        medidas = paginas_del_indice(filas, total)
        if medidas == paginas_indice:
            unido = pikepdf.open(io.BytesIO(indice_de(filas, total)))
            medidas = len(unido.pages)  # the written file decides: numbering never guesses
        _PAGINAS_VISTAS[len(entradas)] = medidas
        if medidas == paginas_indice:
            break
        paginas_indice = medidas
    if unido is None:
        raise RuntimeError("El índice del archivo no tiene una extensión estable.")
    # One structure tree per section cannot be merged: the joined file is untagged rather
    # than tagged wrongly (each signed section, downloaded alone, stays tagged).
    _sin_estructura(unido)
    for seccion in secciones:
        unido.pages.extend(seccion.pages)
    for pagina in unido.pages[paginas_indice:]:
        if "/StructParents" in pagina.obj:
            del pagina.obj["/StructParents"]
    _marcadores(unido, entradas, cuentas, paginas_indice)
    _sellar(unido, fuente, paginas_indice, len(unido.pages))
    unido.Root.PageMode = Name.UseOutlines
    salida = io.BytesIO()
    unido.save(salida)  # the sections stay open until here: their pages are read lazily
    for documento in (unido, *secciones):
        documento.close()
    return salida.getvalue()


_PAGINAS_VISTAS: dict[int, int] = {}  # entries → pages of their table of contents


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


def _marcadores(pdf: pikepdf.Pdf, entradas: list[Entrada], cuentas: list[int], inicio: int):
    _, primeras = _filas(entradas, cuentas, inicio)
    with pdf.open_outline() as esquema:
        esquema.root.append(pikepdf.OutlineItem("Índice", 0))
        padre, grupo = None, None
        for entrada, pagina in zip(entradas, primeras, strict=True):
            if entrada.grupo and entrada.grupo != grupo:
                padre = pikepdf.OutlineItem(entrada.grupo, pagina)
                esquema.root.append(padre)
            elif not entrada.grupo:
                padre = None
            grupo = entrada.grupo
            hijo = pikepdf.OutlineItem(entrada.titulo, pagina)
            (padre.children if padre is not None else esquema.root).append(hijo)
