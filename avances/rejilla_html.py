"""HTML of the month cells of the capture grid (P, R and % of each month of one meta row).

The grid of a large unidad has hundreds of these cells; building them here with
`format_html` costs a fraction of the same markup in the template language (issue 11:
a 150-meta grid renders in < 300 ms). The markup is the one `captura.html` documents.
"""

from __future__ import annotations

from django.template.defaultfilters import date as filtro_fecha
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime

from avances.rejilla import CeldaRejilla, FilaRejilla


def _conflicto(e) -> str:
    c = e.conflicto
    realizado = "vacío" if c.realizado is None else c.realizado
    texto = f"{c.usuario} guardó «{realizado}»"
    if c.fecha:
        texto += f" a las {filtro_fecha(localtime(c.fecha), 'H:i')}"
    if c.observaciones:
        texto += f" con la observación «{Truncator(c.observaciones).chars(80)}»"
    return texto + ". Guarde de nuevo para reemplazarlo."


def _celda_r(fila: FilaRejilla, celda: CeldaRejilla, anio: int) -> SafeString:
    vencido = mark_safe(' data-vencido="1"') if celda.vencido else ""
    e = celda.entrada
    if e is None:
        titulo = celda.motivo + (
            f" · capturó {celda.actualizado_por}" if celda.actualizado_por else ""
        )
        return format_html(
            '<td class="num r bloqueada" data-celda="r-{}-{}" data-etiqueta="{} R"{} '
            'title="{}">{}</td>',
            fila.meta_id, celda.mes, celda.abreviatura, vencido, titulo, celda.texto_realizado,
        )  # fmt: skip
    error = e.error and not e.error_en_observaciones
    clases = (
        "editable r" + (" celda-error" if error else "") + (" conflicto" if e.conflicto else "")
    )
    describe, mensajes = "", ""
    if error:
        describe = format_html(' aria-invalid="true" aria-describedby="m-{}"', e.sufijo)
        mensajes = format_html(
            '<span class="msg-celda error-celda" id="m-{}" role="alert">{}</span>',
            e.sufijo, e.error,
        )  # fmt: skip
    elif e.conflicto:
        describe = format_html(' aria-describedby="m-{}"', e.sufijo)
    if e.conflicto:
        mensajes += format_html(
            '<span class="msg-celda conflicto-celda" id="m-{}" role="alert">{}</span>',
            e.sufijo, _conflicto(e),
        )  # fmt: skip
    return format_html(
        '<td class="{}" data-mes="{}" data-celda="r-{}-{}" data-etiqueta="{} R"{}>'
        '<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
        'class="entrada-r" name="r-{}" id="r-{}" value="{}" '
        'aria-label="Realizado de {}/{}, meta {}"{}>'
        '<input type="hidden" name="v-{}" value="{}">{}</td>',
        clases, celda.mes, fila.meta_id, celda.mes, celda.abreviatura, vencido,
        e.sufijo, e.sufijo, e.texto_realizado, celda.mes, anio, fila.clave, describe,
        e.sufijo, e.ficha, mensajes,
    )  # fmt: skip


def celdas_de_fila(fila: FilaRejilla, anio: int) -> SafeString:
    """The P, R and % cells of every month of the quarter of one meta row."""
    partes = []
    for celda in fila.celdas:
        programado = "" if celda.programado is None else str(celda.programado)
        partes.append(
            format_html(
                '<td class="num p" data-p="{}" data-etiqueta="{} P">{}</td>',
                programado,
                celda.abreviatura,
                celda.texto_programado,
            )  # fmt: skip
        )
        partes.append(_celda_r(fila, celda, anio))
        pct = celda.porcentaje
        partes.append(
            format_html(
                '<td class="num pct" data-mes="{}" data-etiqueta="{} %">'
                '<span class="semaforo {}" title="{}">{}</span></td>',
                celda.mes,
                celda.abreviatura,
                pct.semaforo,
                pct.etiqueta,
                pct.texto or mark_safe("&nbsp;"),
            )  # fmt: skip
        )
    return mark_safe("".join(partes))  # every part comes from format_html
