"""Code that runs inside the PDF render pool's children: WeasyPrint only, no Django.

Kept apart from `reportes.pdf` so a spawned child imports nothing that needs the Django
app registry; the initializer imports WeasyPrint once per child, before its first task.
"""

import weasyprint


def inicializar() -> None:
    """Pool initializer: WeasyPrint is already imported with this module; warm its fonts."""
    weasyprint.HTML(string="<p>.</p>").render()


def pdf_de_html(html: str, base_url: str, opciones: dict | None = None) -> bytes:
    """Lay out ready-made HTML and return the PDF bytes.

    `opciones` (picklable, built by `reportes.pdf_archivo.opciones_archivo`) turns a signed
    sheet into an archive PDF: `pdf_variant`, `pdf_tags` and `adjuntos`, a list of
    (file name, bytes, description) embedded as PDF/A-3 associated files ("Data").
    """
    opciones = dict(opciones or {})
    adjuntos = [
        weasyprint.Attachment(string=datos, name=nombre, description=descripcion,
                              relationship="Data")
        for nombre, datos, descripcion in opciones.pop("adjuntos", ())
    ]  # fmt: skip
    if adjuntos:
        opciones["attachments"] = adjuntos
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(**opciones)


def paginas_de_html(html: str, base_url: str) -> int:
    """How many pages the HTML lays out to (no PDF written)."""
    return len(weasyprint.HTML(string=html, base_url=base_url).render().pages)
