"""Links to report downloads for other screens (capture grid, sign-off panel).

{% load reportes_tags %}
{% url_descarga "tmm-f004" "pdf" ejercicio=2022 trimestre=1 programa=p.pk unidad=u.pk %}
{% enlaces_descarga ejercicio=2022 trimestre=1 programa=p.pk unidad=u.pk %}
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from programas.numeros import formatear_numero, formatear_porcentaje
from reportes.formatos import EXPORTADORES

register = template.Library()


def url_descarga_de(reporte: str, tipo: str, **filtros) -> str:
    """Return the `reportes:descargar` URL for one format, file type and scope."""
    parametros = {"reporte": reporte, "tipo": tipo}
    parametros.update({k: v for k, v in filtros.items() if v not in (None, "")})
    return f"{reverse('reportes:descargar')}?{urlencode(parametros)}"


@register.simple_tag
def url_descarga(reporte, tipo, **filtros):
    return url_descarga_de(reporte, tipo, **filtros)


@register.inclusion_tag("reportes/_enlaces_descarga.html")
def enlaces_descarga(reportes="tmm-f004,avance-trimestre", **filtros):
    enlaces = []
    for clave in reportes.split(","):
        exportador = EXPORTADORES.get(clave.strip())
        if exportador:
            enlaces.append(
                {
                    "nombre": exportador.nombre,
                    "pdf": url_descarga_de(exportador.identificador, "pdf", **filtros),
                    "xlsx": url_descarga_de(exportador.identificador, "xlsx", **filtros),
                }
            )
    return {"enlaces": enlaces}


@register.filter
def porcentaje(valor) -> str:
    """A `formulas.Porcentaje` as the reports print it (N/P, sin captura, blank, 98%)."""
    return formatear_porcentaje(valor)


@register.filter
def numero(valor) -> str:
    """A Decimal in es-MX (thousands with comma), blank for None."""
    return formatear_numero(valor)
