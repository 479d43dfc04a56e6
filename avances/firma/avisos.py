"""Email notifications of the sign-off: whoever acts next hears of each step.

Sent after the step's transaction commits; a mail outage is logged and never undoes a step.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from avances.firma.reglas import NOMBRES_TRIMESTRE, Accion, Estado, Rol
from avances.models import EventoFirma, TrimestreFirma
from programas.models import Asignacion

logger = logging.getLogger("poa.firmas")


def _correos(filtro: Q) -> list[str]:
    return sorted(
        set(
            Asignacion.objects.filter(filtro, usuario__is_active=True)
            .exclude(usuario__email="")
            .values_list("usuario__email", flat=True)
        )
    )


def url_panel(firma: TrimestreFirma) -> str:
    ruta = reverse("firmas:panel", args=[firma.programa_id, firma.unidad_id, firma.trimestre])
    return settings.POA_URL_BASE.rstrip("/") + ruta


def notificar_evento(evento_id: int) -> int:
    """Email whoever acts next (or the signers, on a return or reopening); return # sent."""
    evento = EventoFirma.objects.select_related(
        "firma__programa__ramo__ejercicio", "firma__unidad", "usuario"
    ).get(pk=evento_id)
    firma = evento.firma
    programa, unidad = firma.programa, firma.unidad
    resp_unidad = Q(rol=Rol.RESPONSABLE_UNIDAD, unidad=unidad)
    resp_programa = Q(rol=Rol.RESPONSABLE_PROGRAMA, programa=programa)
    resp_ramo = Q(rol=Rol.RESPONSABLE_RAMO, ramo_id=programa.ramo_id)
    capturistas = Q(rol=Rol.CAPTURISTA, unidad=unidad)
    reporte = (
        f"{NOMBRES_TRIMESTRE[firma.trimestre]} {programa.ramo.ejercicio.anio} — "
        f"programa {programa.clave} {programa.nombre}, unidad {unidad.clave} {unidad.nombre}"
    )
    if evento.accion == Accion.ENVIAR:
        destino, asunto = resp_programa, "Trimestre enviado: pendiente de su revisión"
        cuerpo = f"{evento.nombre} envió el reporte para su revisión (Revisó)."
    elif evento.accion == Accion.REVISAR:
        destino, asunto = resp_ramo, "Trimestre revisado: pendiente de su autorización"
        cuerpo = f"{evento.nombre} revisó el reporte; espera su autorización (Autorizó)."
    elif evento.accion == Accion.AUTORIZAR:
        destino, asunto = resp_unidad | resp_programa, "Trimestre autorizado"
        cuerpo = (
            f"{evento.nombre} autorizó el reporte. Código de verificación: "
            f"{firma.codigo_verificacion}."
        )
    elif evento.accion == Accion.DEVOLVER:
        destino = resp_unidad | capturistas
        if evento.estado_anterior == Estado.REVISADO:
            destino |= resp_programa
        asunto = "Trimestre devuelto con observaciones"
        cuerpo = (
            f"{evento.nombre} devolvió el reporte a borrador. Comentario:\n\n{evento.comentario}"
        )
    else:  # REABRIR: every signer and the unidad's staff must know it must be signed again
        destino = resp_unidad | resp_programa | resp_ramo | capturistas
        asunto = "Trimestre reabierto por Planeación"
        cuerpo = (
            f"{evento.nombre} reabrió el reporte autorizado; vuelve a borrador y deberá "
            f"firmarse de nuevo. Motivo:\n\n{evento.comentario}"
        )
    destinatarios = [c for c in _correos(destino) if c != getattr(evento.usuario, "email", None)]
    if not destinatarios:
        return 0
    texto = f"{reporte}\n\n{cuerpo}\n\nConsulte el reporte: {url_panel(firma)}\n"
    try:
        return send_mail(
            f"[POA] {asunto}: {programa.clave}/{unidad.clave} T{firma.trimestre}",
            texto,
            None,
            destinatarios,
        )
    except Exception:  # the step is already recorded; a mail outage must not undo it
        logger.exception("No se pudo enviar la notificación del evento %s", evento.pk)
        return 0


def url_celda(unidad_id: int, trimestre: int, celda: str = "") -> str:
    """Path of the capture grid, pointing at one cell (`?celda=r-<meta>-<mes>`) if given."""
    ruta = reverse("avances:captura", args=[unidad_id, trimestre])
    return f"{ruta}?celda={celda}#{celda}" if celda else ruta


class SinCapturistas(Exception):
    """The unidad has no active capturista with an email: nobody to ask (nothing sent)."""


def pedir_captura(*, programa, unidad, trimestre: int, usuario, faltantes) -> int:
    """Email the unidad's capturistas the missing items of a report, each with its cell link.

    Raises `SinCapturistas` when nobody can receive it; returns the number of emails sent.
    """
    destinatarios = _correos(Q(rol=Rol.CAPTURISTA, unidad=unidad))
    if not destinatarios:
        raise SinCapturistas(
            f"La unidad {unidad.clave} no tiene capturistas activos con correo electrónico."
        )
    base = settings.POA_URL_BASE.rstrip("/")
    nombre = (usuario.get_full_name() or usuario.username) if usuario else "Un firmante"
    lineas = [
        f"- {f}\n  {base}{url_celda(unidad.pk, trimestre, getattr(f, 'celda', ''))}"
        for f in faltantes
    ]
    texto = (
        f"{NOMBRES_TRIMESTRE[trimestre]} {programa.ramo.ejercicio.anio} — programa "
        f"{programa.clave} {programa.nombre}, unidad {unidad.clave} {unidad.nombre}\n\n"
        f"{nombre} pide completar la captura para poder firmar el reporte. Pendientes "
        f"({len(lineas)}):\n\n" + "\n".join(lineas) + "\n\nCaptura del trimestre: "
        f"{base}{url_celda(unidad.pk, trimestre)}\n"
    )
    return send_mail(
        f"[POA] Pendientes de captura: {programa.clave}/{unidad.clave} T{trimestre}",
        texto,
        None,
        destinatarios,
    )
