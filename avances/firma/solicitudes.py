"""Reopening on request: a user in scope asks, Planeación approves (reopens) or rejects.

Keyword-only, atomic services that validate everything before writing. An approval reopens
the quarter through `trimestre_reabrir`, so the reopening is audited exactly as a direct one
(an `EventoFirma` REABRIR) and the request keeps who asked, who decided, when and why.
Emails go out once the transaction commits: Planeación hears of each request, the
requester of each decision.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from avances.firma.avisos import url_panel
from avances.firma.reglas import (
    NOMBRES_TRIMESTRE,
    FirmaNoPermitida,
    FirmaRechazada,
    FirmaRepetida,
)
from avances.firma.servicios import trimestre_reabrir
from avances.models import EventoFirma, SolicitudReapertura, TrimestreFirma
from programas.models import Asignacion, Programa, UnidadEjecutora
from programas.scope import alcance_de, metas_visibles

logger = logging.getLogger("poa.firmas")

Estado = SolicitudReapertura.Estado
Rol = Asignacion.Rol
MAX_MOTIVO = SolicitudReapertura.MAX_MOTIVO
MAX_COMENTARIO = SolicitudReapertura.MAX_COMENTARIO


def puede_solicitar(usuario, *, programa: Programa, unidad: UnidadEjecutora) -> bool:
    """Any signer of the report or a capturista of its unidad may ask to reopen it."""
    alcance = alcance_de(usuario)
    return (
        unidad.pk in alcance.capturista
        or unidad.pk in alcance.responsable_unidad
        or programa.pk in alcance.responsable_programa
        or programa.ramo_id in alcance.responsable_ramo
    )


def nombre_de(usuario) -> str:
    return (usuario.get_full_name() or usuario.get_username()).strip()[:200]


@transaction.atomic
def reapertura_solicitar(
    *, programa: Programa, unidad: UnidadEjecutora, trimestre: int, usuario, motivo: str
) -> SolicitudReapertura:
    """Ask Planeación to reopen an authorized quarter; refused if one is already pending."""
    if not isinstance(trimestre, int) or not 1 <= trimestre <= 4:
        raise FirmaRechazada("Trimestre inválido (debe ser 1 a 4).")
    if programa.ramo_id != unidad.ramo_id:
        raise FirmaRechazada("El programa y la unidad no pertenecen al mismo ramo.")
    if not metas_visibles(usuario).filter(programa=programa, unidad=unidad).exists():
        raise FirmaNoPermitida(
            f"El reporte del programa {programa.clave} en la unidad {unidad.clave} no está en "
            "su ámbito: no puede solicitar su reapertura."
        )
    if not puede_solicitar(usuario, programa=programa, unidad=unidad):
        if alcance_de(usuario).planeacion:
            raise FirmaNoPermitida(
                "Planeación no necesita solicitarla: puede reabrir el trimestre desde Acciones."
            )
        raise FirmaNoPermitida(
            "Solo los firmantes del reporte y los capturistas de la unidad pueden solicitar "
            "la reapertura."
        )
    motivo = _texto_valido(motivo, que="el motivo de la solicitud", maximo=MAX_MOTIVO)
    if not motivo:
        raise FirmaRechazada("Escriba el motivo de la solicitud de reapertura.")
    firma = (
        TrimestreFirma.objects.select_for_update()
        .filter(programa=programa, unidad=unidad, trimestre=trimestre)
        .first()
    )
    if firma is None or firma.estado != TrimestreFirma.Estado.AUTORIZADO:
        estado = firma.get_estado_display() if firma else TrimestreFirma.Estado.BORRADOR.label
        raise FirmaRechazada(
            f"Solo se puede solicitar la reapertura de un trimestre autorizado; el trimestre "
            f"{trimestre} está «{estado}» y puede corregirse sin reabrirlo."
        )
    pendiente = firma.solicitudes_reapertura.filter(estado=Estado.PENDIENTE).first()
    if pendiente is not None:
        raise FirmaRepetida(
            f"Ya hay una solicitud de reapertura pendiente ({pendiente.solicitante_nombre}, "
            f"{timezone.localtime(pendiente.creada_en):%d/%m/%Y %H:%M}); espere la decisión "
            "de Planeación."
        )
    solicitud = SolicitudReapertura.objects.create(
        firma=firma, solicitante=usuario, solicitante_nombre=nombre_de(usuario), motivo=motivo
    )
    logger.info(
        "Reapertura solicitada: %s/%s T%s por %s",
        programa.clave,
        unidad.clave,
        trimestre,
        usuario.get_username(),
    )
    transaction.on_commit(lambda: notificar_solicitud(solicitud.pk))
    return solicitud


@transaction.atomic
def reapertura_aprobar(*, solicitud: SolicitudReapertura, usuario, comentario: str = ""):
    """Planeación approves: the quarter is reopened (audited) and the decision recorded."""
    comentario = _exigir_decision(usuario, comentario, obligatorio=False)
    firma, solicitud = _bloquear(solicitud)
    if firma.estado != TrimestreFirma.Estado.AUTORIZADO:
        raise FirmaRechazada(
            f"El trimestre ya no está autorizado (ahora está «{firma.get_estado_display()}»): "
            "no hay nada que reabrir. Rechace la solicitud indicando el motivo."
        )
    motivo = (
        f"Solicitud de reapertura de {solicitud.solicitante_nombre} del "
        f"{timezone.localtime(solicitud.creada_en):%d/%m/%Y}: {solicitud.motivo}"
    )
    if comentario:
        motivo += f"\n\nComentario de Planeación: {comentario}"
    trimestre_reabrir(
        programa=firma.programa,
        unidad=firma.unidad,
        trimestre=firma.trimestre,
        usuario=usuario,
        motivo=motivo,
    )
    evento = firma.eventos.filter(accion=EventoFirma.Accion.REABRIR).order_by("-fecha", "-id")
    return _decidir(solicitud, Estado.APROBADA, usuario, comentario, evento=evento.first())


@transaction.atomic
def reapertura_rechazar(*, solicitud: SolicitudReapertura, usuario, comentario: str):
    """Planeación rejects with a mandatory comment; the quarter stays locked."""
    comentario = _exigir_decision(usuario, comentario, obligatorio=True)
    _firma, solicitud = _bloquear(solicitud)
    return _decidir(solicitud, Estado.RECHAZADA, usuario, comentario)


def _texto_valido(texto: str, *, que: str, maximo: int) -> str:
    """The text with \\n line ends and no surrounding blanks; refused with NUL or too long."""
    texto = (texto or "").replace("\r\n", "\n").strip()
    if "\x00" in texto:
        raise FirmaRechazada(f"{que.capitalize()} contiene caracteres no válidos (NUL).")
    if len(texto) > maximo:
        raise FirmaRechazada(
            f"{que.capitalize()} admite como máximo {maximo:,} caracteres (tiene {len(texto):,})."
        )
    return texto


def _exigir_decision(usuario, comentario: str, *, obligatorio: bool) -> str:
    if not alcance_de(usuario).planeacion:
        raise FirmaNoPermitida(
            "Solo Planeación puede aprobar o rechazar una solicitud de reapertura."
        )
    comentario = _texto_valido(comentario, que="el comentario", maximo=MAX_COMENTARIO)
    if obligatorio and not comentario:
        raise FirmaRechazada("Para rechazar la solicitud escriba un comentario con el motivo.")
    return comentario


def _bloquear(solicitud: SolicitudReapertura) -> tuple[TrimestreFirma, SolicitudReapertura]:
    """Lock the report's row, then the request (the order every sign-off path uses)."""
    firma = (
        TrimestreFirma.objects.select_for_update()
        .select_related("programa__ramo", "unidad")
        .get(pk=solicitud.firma_id)
    )
    solicitud = SolicitudReapertura.objects.select_for_update().get(pk=solicitud.pk)
    if solicitud.estado != Estado.PENDIENTE:
        raise FirmaRepetida(
            f"La solicitud ya fue {solicitud.get_estado_display().lower()} por "
            f"{solicitud.decidida_por_nombre} el "
            f"{timezone.localtime(solicitud.decidida_en):%d/%m/%Y %H:%M}; no se registró nada."
        )
    return firma, solicitud


def _decidir(solicitud, estado: str, usuario, comentario: str, *, evento=None):
    solicitud.estado = estado
    solicitud.decidida_por = usuario
    solicitud.decidida_por_nombre = nombre_de(usuario)
    solicitud.comentario_decision = comentario
    solicitud.decidida_en = timezone.now()
    solicitud.evento = evento
    solicitud.save(
        update_fields=[
            "estado",
            "decidida_por",
            "decidida_por_nombre",
            "comentario_decision",
            "decidida_en",
            "evento",
        ]
    )
    logger.info("Reapertura %s: solicitud %s por %s", estado, solicitud.pk, usuario.get_username())
    transaction.on_commit(lambda: notificar_decision(solicitud.pk))
    return solicitud


# --- Emails ------------------------------------------------------------------------------


def _reporte(firma: TrimestreFirma) -> str:
    programa, unidad = firma.programa, firma.unidad
    return (
        f"{NOMBRES_TRIMESTRE[firma.trimestre]} {programa.ramo.ejercicio.anio} — "
        f"programa {programa.clave} {programa.nombre}, unidad {unidad.clave} {unidad.nombre}"
    )


def _enviar(solicitud, asunto: str, cuerpo: str, destinatarios: list[str]) -> int:
    if not destinatarios:
        return 0
    firma = solicitud.firma
    texto = f"{_reporte(firma)}\n\n{cuerpo}\n\nConsulte el reporte: {url_panel(firma)}\n"
    try:
        return send_mail(
            f"[POA] {asunto}: {firma.programa.clave}/{firma.unidad.clave} T{firma.trimestre}",
            texto,
            None,
            destinatarios,
        )
    except Exception:  # the request is already recorded; a mail outage must not undo it
        logger.exception("No se pudo enviar el aviso de la solicitud %s", solicitud.pk)
        return 0


def _cargar(solicitud_id: int) -> SolicitudReapertura:
    return SolicitudReapertura.objects.select_related(
        "firma__programa__ramo__ejercicio", "firma__unidad", "solicitante", "decidida_por"
    ).get(pk=solicitud_id)


def notificar_solicitud(solicitud_id: int) -> int:
    """Tell Planeación a reopening was requested; return # of emails sent."""
    solicitud = _cargar(solicitud_id)
    correos = sorted(
        set(
            Asignacion.objects.filter(rol=Rol.PLANEACION, usuario__is_active=True)
            .exclude(usuario__email="")
            .values_list("usuario__email", flat=True)
        )
    )
    cuerpo = (
        f"{solicitud.solicitante_nombre} solicita reabrir el trimestre autorizado. "
        f"Motivo:\n\n{solicitud.motivo}\n\nApruebe o rechace la solicitud en el panel del reporte."
    )
    return _enviar(solicitud, "Solicitud de reapertura", cuerpo, correos)


def notificar_decision(solicitud_id: int) -> int:
    """Tell the requester what Planeación decided; return # of emails sent."""
    solicitud = _cargar(solicitud_id)
    correo = getattr(solicitud.solicitante, "email", "") if solicitud.solicitante else ""
    if solicitud.estado == Estado.APROBADA:
        asunto = "Reapertura aprobada"
        cuerpo = (
            f"{solicitud.decidida_por_nombre} aprobó su solicitud: el trimestre volvió a "
            "borrador y deberá firmarse de nuevo."
        )
    else:
        asunto = "Reapertura rechazada"
        cuerpo = (
            f"{solicitud.decidida_por_nombre} rechazó su solicitud; el trimestre sigue autorizado."
        )
    if solicitud.comentario_decision:
        cuerpo += f" Comentario:\n\n{solicitud.comentario_decision}"
    return _enviar(solicitud, asunto, cuerpo, [correo] if correo else [])
