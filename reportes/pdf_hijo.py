"""Code that runs inside the PDF render pool's children: WeasyPrint only, no Django.

Kept apart from `reportes.pdf` so a spawned child imports nothing that needs the Django
app registry; the initializer imports WeasyPrint once per child, before its first task.
"""

import weasyprint


def inicializar() -> None:
    """Pool initializer: WeasyPrint is already imported with this module; warm its fonts."""
    weasyprint.HTML(string="<p>.</p>").render()


def pdf_de_html(html: str, base_url: str) -> bytes:
    """Lay out ready-made HTML and return the PDF bytes."""
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
