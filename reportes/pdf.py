"""PDF writer: HTML from the document model, WeasyPrint for layout, sections in parallel.

WeasyPrint is imported here at module level so each process pays its ~0.8 s import once
(web workers import this module at start-up through `reportes.formatos`; the render pool's
initializer imports it in every child). A report with many sheets renders each sheet as
its own document — in a process pool when it is large — and the PDFs are concatenated with
pypdf: WeasyPrint's laid-out `Document` objects cannot cross process boundaries, so the
children return PDF bytes and joining bytes is cheap compared with any layout. Page
numbers ("Página X de Y") therefore count within each sheet, which is how each unidad's
format is signed and archived; a file of several sheets gets a table of contents,
bookmarks and the whole file's numbering when joined (`reportes.pdf_indice`).

A signed sheet (its quarter AUTORIZADO) is an archive PDF — PDF/A-3b, tagged, with its
signed snapshot attached (`reportes.pdf_archivo`) — and never changes, so it is kept on
disk under MEDIA_ROOT/reportes/secciones keyed by the sha256 of its HTML and attachment:
a consolidated file of signed unidades is joined from those sections without layout.
"""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
import weasyprint  # noqa: F401  loaded once per process, on purpose (pdf_hijo lays out)
from django.conf import settings
from django.template.loader import render_to_string

from reportes import pdf_archivo, pdf_hijo, pdf_indice
from reportes.pdf_indice import Entrada
from reportes.verificable import MARCA_BORRADOR

if TYPE_CHECKING:
    from reportes.formatos.base import Documento, Hoja

logger = logging.getLogger("poa.reportes")

# Below this many sheets a pool costs more (start-up, pickling) than it saves.
MINIMO_HOJAS_EN_PARALELO = 8


def _url_logo() -> str:
    ruta = Path(settings.POA_LOGO) if settings.POA_LOGO else None
    return ruta.resolve().as_uri() if ruta and ruta.is_file() else ""


def html_de(documento: Documento, hojas: list[Hoja] | None = None) -> str:
    """Render the document (or some of its sheets) to the HTML WeasyPrint lays out."""
    return render_to_string(
        "reportes/pdf/documento.html",
        {
            "documento": documento,
            "hojas": documento.hojas if hojas is None else hojas,
            "ayuntamiento": settings.POA_AYUNTAMIENTO,
            "logo": _url_logo(),
            "marca_borrador": MARCA_BORRADOR,
        },
    )


def pdf_de_html(html: str, opciones: dict | None = None) -> bytes:
    """Lay out one HTML document with WeasyPrint (the only expensive step)."""
    return pdf_hijo.pdf_de_html(html, str(settings.BASE_DIR), opciones)


def unir_pdfs(partes: list[bytes]) -> bytes:
    """Concatenate PDFs as they are (no table of contents, no numbering)."""
    if len(partes) == 1:
        return partes[0]
    documentos = [pikepdf.open(io.BytesIO(parte)) for parte in partes]
    unido = pikepdf.new()
    for documento in documentos:
        unido.pages.extend(documento.pages)
    salida = io.BytesIO()
    unido.save(salida)
    for documento in (unido, *documentos):
        documento.close()
    return salida.getvalue()


_PLANTILLAS: list[str] = []


def _huella_plantillas() -> str:
    """sha256 of the templates a sheet is laid out with (read once per process)."""
    if not _PLANTILLAS:
        carpeta = Path(settings.BASE_DIR) / "templates" / "reportes" / "pdf"
        llave = hashlib.sha256()
        for nombre in ("documento.html", "estilo.css"):
            ruta = carpeta / nombre
            llave.update(ruta.read_bytes() if ruta.is_file() else nombre.encode())
        _PLANTILLAS.append(llave.hexdigest())
    return _PLANTILLAS[0]


def ruta_seccion(documento: Documento, hoja: Hoja, opciones: dict) -> Path:
    """Where a signed section's PDF is kept: the hash of everything that makes it.

    The sheet's model (every cell, signer and code: `repr` of the dataclasses), the
    templates, what the page frame prints and the archive options with the attachment —
    without laying the HTML out, so a cached section costs no template rendering either.
    """
    llave = hashlib.sha256(repr(hoja).encode())
    for parte in (
        documento.titulo,
        settings.POA_AYUNTAMIENTO,
        _url_logo(),
        MARCA_BORRADOR,
        settings.POA_URL_BASE,
        _huella_plantillas(),
        pdf_archivo.VERSION_ARCHIVO,
    ):
        llave.update(b"\0" + str(parte).encode())  # fmt: skip
    for nombre, datos, descripcion in opciones.get("adjuntos", ()):
        llave.update(b"\0" + nombre.encode() + b"\0" + datos + descripcion.encode())
    return Path(settings.MEDIA_ROOT) / "reportes" / "secciones" / f"{llave.hexdigest()}.pdf"


def _para_unir(ruta: Path) -> Path:
    """The joinable copy of a cached section (no structure tree, plain cross-reference)."""
    return ruta.with_suffix(".union.pdf")


def _guardar(ruta: Path, contenido: bytes) -> None:
    ruta.parent.mkdir(parents=True, exist_ok=True)
    temporal = ruta.with_suffix(f".{multiprocessing.current_process().pid}.tmp")
    temporal.write_bytes(contenido)
    temporal.replace(ruta)


def renderizar_pdf(
    documento: Documento,
    *,
    workers: int | None = None,
    progreso: Callable[[int, int], None] | None = None,
    entradas: list[Entrada] | None = None,
) -> bytes:
    """Return the document's PDF, sheet by sheet, in parallel when it is large.

    `workers` defaults to settings.POA_REPORT_WORKERS; `progreso(hechas, total)` is called
    after each sheet. Signed sheets come from their cache when they were laid out before.
    `entradas` (one per sheet: ramo and unidad) titles the table of contents and the
    bookmarks of a file of several sheets; without them each sheet's footer names it.
    """
    hojas = documento.hojas
    total = len(hojas)
    adjuntos = pdf_archivo.instantaneas(hojas)
    opciones = [pdf_archivo.opciones_de_hoja(hoja, adjuntos) for hoja in hojas]
    rutas = [
        ruta_seccion(documento, h, o) if o else None for h, o in zip(hojas, opciones, strict=True)
    ]
    solo = total == 1
    partes: list[bytes | None] = [None] * total
    for i, ruta in enumerate(rutas):
        guardada = ruta if solo or ruta is None else _para_unir(ruta)
        if guardada is not None and guardada.is_file():
            partes[i] = guardada.read_bytes()
    pendientes = [i for i, parte in enumerate(partes) if parte is None]
    hechas = total - len(pendientes)
    if hechas and progreso:
        progreso(hechas, total)
    # A file of one section is tagged for accessibility even as a draft (about 10 % more
    # layout time); the sections of a joined file are not: joining drops their tags.
    suelto = {"pdf_tags": True} if solo else None
    trabajos = {i: (html_de(documento, [hojas[i]]), opciones[i] or suelto) for i in pendientes}
    workers = settings.POA_REPORT_WORKERS if workers is None else workers
    for i, contenido in _componer(trabajos, workers):
        partes[i] = contenido
        if rutas[i] is not None:
            _guardar(rutas[i], contenido)
            union = pdf_indice.para_unir(contenido)
            _guardar(_para_unir(rutas[i]), union)
            partes[i] = contenido if solo else union
        hechas += 1
        if progreso:
            progreso(hechas, total)
    listas = [p for p in partes if p is not None]
    if len(listas) == 1:
        return listas[0]
    if entradas is None or len(entradas) != total:
        entradas = [pdf_indice.Entrada("", _titulo_de(hoja)) for hoja in hojas]
    firmado = bool(adjuntos) and all(opciones)
    return pdf_indice.consolidar(
        listas,
        entradas,
        indice_de=lambda filas, paginas: _indice(documento, filas, paginas, adjuntos, firmado),
        paginas_del_indice=lambda filas, paginas: pdf_hijo.paginas_de_html(
            _html_indice(documento, filas, paginas), str(settings.BASE_DIR)
        ),
        fuente=_fuente_sello(),
    )


def _titulo_de(hoja: Hoja) -> str:
    """A sheet's name from its footer ("format · unidad · period"), else its worksheet name."""
    partes = hoja.pie.split(" · ")
    return " · ".join(partes[1:-1]) if len(partes) > 2 else (hoja.pie or hoja.nombre)


def _componer(trabajos: dict[int, tuple[str, dict]], workers: int):
    """Lay out the pending sections: yield (index, PDF bytes) as each one is done."""
    if workers <= 1 or len(trabajos) < MINIMO_HOJAS_EN_PARALELO:
        for i, (html, opciones) in trabajos.items():
            yield i, (pdf_de_html(html, opciones) if opciones else pdf_de_html(html))
        return
    base_url = str(settings.BASE_DIR)
    contexto = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(trabajos)),
        mp_context=contexto,
        initializer=pdf_hijo.inicializar,
    ) as pool:
        futuros = {
            pool.submit(pdf_hijo.pdf_de_html, html, base_url, opciones): i
            for i, (html, opciones) in trabajos.items()
        }
        for futuro in as_completed(futuros):
            yield futuros[futuro], futuro.result()


def _indice(documento: Documento, filas, paginas: int, adjuntos: dict, firmado: bool) -> bytes:
    """The table of contents; of a file of signed sheets, PDF/A with every snapshot attached."""
    html = _html_indice(documento, filas, paginas)
    opciones = pdf_archivo.opciones_archivo(adjuntos.values()) if firmado else None
    return pdf_de_html(html, opciones) if opciones else pdf_de_html(html)


def _html_indice(documento: Documento, filas, paginas: int) -> str:
    primera = documento.hojas[0]
    return render_to_string(
        "reportes/pdf/indice.html",
        {
            "titulo": documento.titulo,
            "periodo": primera.fecha,
            "ayuntamiento": settings.POA_AYUNTAMIENTO,
            "pie": f"{documento.titulo} · {primera.fecha} · índice",
            "filas": filas,
            "total": paginas,
            "secciones": len(documento.hojas),
            "con_grupos": any(f["grupo"] for f in filas),
        },
    )


_FUENTE: list[pdf_indice.Fuente] = []


def _fuente_sello() -> pdf_indice.Fuente:
    """The stamp's font, embedded by WeasyPrint once per process."""
    if not _FUENTE:
        html = (
            f"<p style=\"font: 7pt 'Liberation Sans', sans-serif\">{pdf_indice.TEXTO_MUESTRA}</p>"
        )
        _FUENTE.append(pdf_indice.Fuente(pdf_de_html(html)))
    return _FUENTE[0]
