"""Transition rules of the quarterly sign-off: states, roles, who may take which step, errors.

BORRADOR ──enviar (RESP_UNIDAD)──▶ ENVIADO ──revisar (RESP_PROGRAMA)──▶ REVISADO
REVISADO ──autorizar (RESP_RAMO)──▶ AUTORIZADO (locked, snapshot + verification code)
ENVIADO ──devolver (RESP_PROGRAMA)──▶ BORRADOR;  REVISADO ──devolver (RESP_RAMO)──▶ BORRADOR
AUTORIZADO ──reabrir (Planeación)──▶ BORRADOR
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from avances.models import EventoFirma, TrimestreFirma
from programas.models import Asignacion, Programa, UnidadEjecutora
from programas.scope import alcance_de

Estado = TrimestreFirma.Estado
Accion = EventoFirma.Accion
Rol = Asignacion.Rol

MAX_COMENTARIO = 2000
NOMBRES_TRIMESTRE = {
    1: "Primer trimestre (enero-marzo)",
    2: "Segundo trimestre (abril-junio)",
    3: "Tercer trimestre (julio-septiembre)",
    4: "Cuarto trimestre (octubre-diciembre)",
}


# --- Errors ------------------------------------------------------------------------------


class FirmaRechazada(Exception):
    """Nothing changed; `mensaje` (Spanish) and `faltantes` explain why."""

    def __init__(self, mensaje: str, *, faltantes: Iterable[str] = ()):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.faltantes = list(faltantes)


class FirmaNoPermitida(FirmaRechazada):
    """The user's role may not take this step on this report (views answer 403)."""


class FirmaRepetida(FirmaRechazada):
    """The step was already taken (a double click, or another tab): nothing to do."""


# --- Transition rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class Regla:
    accion: str
    verbo: str  # "enviar", for messages
    desde: tuple[str, ...]
    hacia: str
    roles: tuple[str, ...]  # roles allowed (checked against the report's unidad/programa/ramo)
    comentario_obligatorio: bool = False


REGLAS: dict[str, Regla] = {
    Accion.ENVIAR: Regla(
        Accion.ENVIAR, "enviar", (Estado.BORRADOR,), Estado.ENVIADO, (Rol.RESPONSABLE_UNIDAD,)
    ),
    Accion.REVISAR: Regla(
        Accion.REVISAR, "revisar", (Estado.ENVIADO,), Estado.REVISADO, (Rol.RESPONSABLE_PROGRAMA,)
    ),
    Accion.AUTORIZAR: Regla(
        Accion.AUTORIZAR,
        "autorizar",
        (Estado.REVISADO,),
        Estado.AUTORIZADO,
        (Rol.RESPONSABLE_RAMO,),
    ),
    Accion.DEVOLVER: Regla(
        Accion.DEVOLVER,
        "devolver",
        (Estado.ENVIADO, Estado.REVISADO),
        Estado.BORRADOR,
        (Rol.RESPONSABLE_PROGRAMA, Rol.RESPONSABLE_RAMO),
        comentario_obligatorio=True,
    ),
    Accion.REABRIR: Regla(
        Accion.REABRIR,
        "reabrir",
        (Estado.AUTORIZADO,),
        Estado.BORRADOR,
        (Rol.PLANEACION,),
        comentario_obligatorio=True,
    ),
}
# Who may return a report depends on where it is: the reviewer of the step just taken.
ROL_DEVOLVER = {Estado.ENVIADO: Rol.RESPONSABLE_PROGRAMA, Estado.REVISADO: Rol.RESPONSABLE_RAMO}
# The step each action waits for, to tell a repeated request from an out-of-order one.
ESTADO_TRAS = {
    Accion.ENVIAR: (Estado.ENVIADO, Estado.REVISADO, Estado.AUTORIZADO),
    Accion.REVISAR: (Estado.REVISADO, Estado.AUTORIZADO),
    Accion.AUTORIZAR: (Estado.AUTORIZADO,),
}


def tiene_rol(usuario, rol: str, *, programa: Programa, unidad: UnidadEjecutora) -> bool:
    """Tell whether `usuario` holds `rol` over this report (Planeación: global)."""
    alcance = alcance_de(usuario)
    if rol == Rol.PLANEACION:
        return alcance.planeacion
    if rol == Rol.RESPONSABLE_UNIDAD:
        return unidad.pk in alcance.responsable_unidad
    if rol == Rol.RESPONSABLE_PROGRAMA:
        return programa.pk in alcance.responsable_programa
    if rol == Rol.RESPONSABLE_RAMO:
        return programa.ramo_id in alcance.responsable_ramo
    return False


def acciones_posibles(usuario, firma_estado: str, *, programa, unidad) -> list[str]:
    """Return the actions `usuario` may take on a report in `firma_estado` (for the buttons)."""
    posibles = []
    for accion, regla in REGLAS.items():
        if firma_estado not in regla.desde:
            continue
        rol = ROL_DEVOLVER[firma_estado] if accion == Accion.DEVOLVER else regla.roles[0]
        if tiene_rol(usuario, rol, programa=programa, unidad=unidad):
            posibles.append(accion)
    return posibles
