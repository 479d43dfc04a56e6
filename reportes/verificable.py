"""What lets a printed report be checked: the verification URL, its QR code, the draft mark.

A signed sheet prints the absolute `/verificar/<código>/` URL (from `POA_URL_BASE`) and a QR
code of it, drawn locally by `segno` as SVG (no network); a sheet of a quarter that is not
authorized prints `MARCA_BORRADOR` instead.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.urls import reverse

MARCA_BORRADOR = "BORRADOR — sin firma"


def url_verificacion(codigo: str) -> str:
    """The absolute URL of the public verification page of `codigo`."""
    ruta = reverse("firmas:verificar", kwargs={"codigo": codigo})
    return settings.POA_URL_BASE.rstrip("/") + ruta


def qr_svg_data_uri(texto: str) -> str:
    """A QR code of `texto` as an SVG data URI (for an `<img>` WeasyPrint lays out)."""
    qr = segno.make(texto, error="m", micro=False)
    return qr.svg_data_uri(scale=1, border=2, dark="#000", light="#fff")
