"""Reads of the reopening requests: the panel's section and Planeación's list."""

from __future__ import annotations

from dataclasses import dataclass, field

from avances.bloqueo import razones_de_bloqueo, texto_de_bloqueo
from avances.firma.solicitudes import MAX_COMENTARIO, MAX_MOTIVO, puede_solicitar
from avances.models import SolicitudReapertura, TrimestreFirma
from programas.scope import alcance_de


@dataclass
class SeccionReapertura:
    """What the panel shows about reopening one report."""

    autorizado: bool = False
    motivo_bloqueo: str = ""
    puede_solicitar: bool = False
    es_planeacion: bool = False
    pendiente: SolicitudReapertura | None = None
    pasadas: list[SolicitudReapertura] = field(default_factory=list)
    max_motivo: int = MAX_MOTIVO
    max_comentario: int = MAX_COMENTARIO


def seccion_del_panel(usuario, *, firma, programa, unidad, trimestre: int) -> SeccionReapertura:
    """The report's requests (pending first), the lock reason and what the user may do."""
    seccion = SeccionReapertura(es_planeacion=alcance_de(usuario).planeacion)
    if firma is None:
        return seccion
    solicitudes = list(firma.solicitudes_reapertura.order_by("-creada_en", "-id"))
    seccion.pendiente = next((s for s in solicitudes if s.estado == "PENDIENTE"), None)
    seccion.pasadas = [s for s in solicitudes if s is not seccion.pendiente]
    seccion.autorizado = firma.estado == TrimestreFirma.Estado.AUTORIZADO
    if seccion.autorizado:
        clave = (programa.pk, unidad.pk, trimestre)
        seccion.motivo_bloqueo = razones_de_bloqueo([clave]).get(clave) or texto_de_bloqueo(
            trimestre, programa=programa.clave, unidad=unidad.clave
        )
        seccion.puede_solicitar = seccion.pendiente is None and puede_solicitar(
            usuario, programa=programa, unidad=unidad
        )
    return seccion


def pendientes(limite_decididas: int = 50):
    """Planeación's list: every pending request (oldest first) and the latest decisions."""
    base = SolicitudReapertura.objects.select_related(
        "firma__programa__ramo__ejercicio", "firma__unidad"
    )
    return (
        list(base.filter(estado="PENDIENTE").order_by("creada_en", "id")),
        list(base.exclude(estado="PENDIENTE").order_by("-decidida_en", "-id")[:limite_decididas]),
    )
