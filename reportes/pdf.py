"""PDF writer: HTML from the document model, WeasyPrint for layout, sections in parallel.

WeasyPrint is imported here at module level so each process pays its ~0.8 s import once
(web workers import this module at start-up through `reportes.formatos`; the render pool's
initializer imports it in every child). A report with many sheets renders each sheet as
its own document — in a process pool when it is large — and the PDFs are concatenated with
pypdf: WeasyPrint's laid-out `Document` objects cannot cross process boundaries, so the
children return PDF bytes and joining bytes is cheap compared with any layout. Page
numbers ("Página X de Y") therefore count within each sheet, which is how each unidad's
format is signed and archived.
"""

from __future__ import annotations

import io
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import weasyprint  # loaded once per process, on purpose
from django.conf import settings
from django.template.loader import render_to_string

from reportes import pdf_hijo
from reportes.verificable import MARCA_BORRADOR

if TYPE_CHECKING:
    from reportes.formatos.base import Documento, Hoja

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


def pdf_de_html(html: str) -> bytes:
    """Lay out one HTML document with WeasyPrint (the only expensive step)."""
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def unir_pdfs(partes: list[bytes]) -> bytes:
    if len(partes) == 1:
        return partes[0]
    escritor = pypdf.PdfWriter()
    for parte in partes:
        escritor.append(pypdf.PdfReader(io.BytesIO(parte)))
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def renderizar_pdf(
    documento: Documento,
    *,
    workers: int | None = None,
    progreso: Callable[[int, int], None] | None = None,
) -> bytes:
    """Return the document's PDF, sheet by sheet, in parallel when it is large.

    `workers` defaults to settings.POA_REPORT_WORKERS; `progreso(hechas, total)` is called
    after each sheet.
    """
    hojas = documento.hojas
    total = len(hojas)
    workers = settings.POA_REPORT_WORKERS if workers is None else workers
    htmls = [html_de(documento, [hoja]) for hoja in hojas]
    if workers <= 1 or total < MINIMO_HOJAS_EN_PARALELO:
        partes = []
        for hechas, html in enumerate(htmls, 1):
            partes.append(pdf_de_html(html))
            if progreso:
                progreso(hechas, total)
        return unir_pdfs(partes)
    resultado: list[bytes | None] = [None] * total
    base_url = str(settings.BASE_DIR)
    contexto = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, total), mp_context=contexto, initializer=pdf_hijo.inicializar
    ) as pool:
        futuros = {
            pool.submit(pdf_hijo.pdf_de_html, html, base_url): i for i, html in enumerate(htmls)
        }
        for hechas, futuro in enumerate(as_completed(futuros), 1):
            resultado[futuros[futuro]] = futuro.result()
            if progreso:
                progreso(hechas, total)
    return unir_pdfs([r for r in resultado if r is not None])
