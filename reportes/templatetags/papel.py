"""Filters of the printed reports (PDF): the QR code of a signed sheet's verification URL.

{% load papel %}
<img src="{{ hoja.url_verificacion|qr_data_uri }}" alt="">
"""

from django import template

from reportes.verificable import qr_svg_data_uri

register = template.Library()


@register.filter
def qr_data_uri(texto: str) -> str:
    """An SVG data URI of the QR code of `texto` ('' for no text)."""
    return qr_svg_data_uri(texto) if texto else ""
