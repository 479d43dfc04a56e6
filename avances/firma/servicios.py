"""Sign-off services: keyword-only, atomic steps that move a `TrimestreFirma` through its states.

Each step records one `EventoFirma` with the signer's name and cargo as they stood at that
moment. Every transition locks the row (`select_for_update`) and writes with a conditional
``UPDATE … WHERE version = v AND estado = e``, so a double click on *Autorizar* signs once and
the second request gets a clear "ya fue autorizado" answer.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from avances.firma.avisos import notificar_evento
from avances.firma.cajas import nombre_y_cargo
from avances.firma.faltantes import faltantes_para_enviar
from avances.firma.huella import codigo_unico, snapshot_actual
from avances.firma.reglas import (
    ESTADO_TRAS,
    MAX_COMENTARIO,
    REGLAS,
    ROL_DEVOLVER,
    Accion,
    Estado,
    FirmaNoPermitida,
    FirmaRechazada,
    FirmaRepetida,
    Regla,
    tiene_rol,
)
from avances.models import EventoFirma, TrimestreFirma
from programas.models import Meta, Programa, UnidadEjecutora

logger = logging.getLogger("poa.firmas")


def trimestre_enviar(
    *,
    programa: Programa,
    unidad: UnidadEjecutora,
    trimestre: int,
    usuario,
    comentario: str = "",
    version: int | None = None,
    dia: date | None = None,
) -> TrimestreFirma:
    """Send the quarter for review (Elaboró); refused with the list of what is missing."""
    return _transicion(
        Accion.ENVIAR,
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        usuario=usuario,
        comentario=comentario,
        version=version,
        dia=dia,
    )


def trimestre_revisar(
    *,
    programa: Programa,
    unidad: UnidadEjecutora,
    trimestre: int,
    usuario,
    comentario: str = "",
    version: int | None = None,
) -> TrimestreFirma:
    """Mark the quarter as reviewed (Revisó)."""
    return _transicion(
        Accion.REVISAR,
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        usuario=usuario,
        comentario=comentario,
        version=version,
    )


def trimestre_autorizar(
    *,
    programa: Programa,
    unidad: UnidadEjecutora,
    trimestre: int,
    usuario,
    comentario: str = "",
    version: int | None = None,
) -> TrimestreFirma:
    """Authorize the quarter (Autorizó): lock it and store the signed snapshot and its code."""
    return _transicion(
        Accion.AUTORIZAR,
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        usuario=usuario,
        comentario=comentario,
        version=version,
    )


def trimestre_devolver(
    *,
    programa: Programa,
    unidad: UnidadEjecutora,
    trimestre: int,
    usuario,
    comentario: str,
    version: int | None = None,
) -> TrimestreFirma:
    """Return the quarter to Borrador with a mandatory comment (the reviewer of that step)."""
    return _transicion(
        Accion.DEVOLVER,
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        usuario=usuario,
        comentario=comentario,
        version=version,
    )


def trimestre_reabrir(
    *,
    programa: Programa,
    unidad: UnidadEjecutora,
    trimestre: int,
    usuario,
    motivo: str,
    version: int | None = None,
) -> TrimestreFirma:
    """Reopen an authorized quarter (Planeación only, mandatory reason); it must be re-signed.

    The signed snapshot and its verification code are kept, so `/verificar/` keeps answering
    for the printed report and tells whether its figures were changed afterwards.
    """
    return _transicion(
        Accion.REABRIR,
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        usuario=usuario,
        comentario=motivo,
        version=version,
    )


SERVICIOS = {
    Accion.ENVIAR: trimestre_enviar,
    Accion.REVISAR: trimestre_revisar,
    Accion.AUTORIZAR: trimestre_autorizar,
    Accion.DEVOLVER: trimestre_devolver,
    Accion.REABRIR: trimestre_reabrir,
}


def ejecutar_accion(
    accion: str,
    *,
    programa,
    unidad,
    trimestre: int,
    usuario,
    comentario: str = "",
    version: int | None = None,
) -> TrimestreFirma:
    """Dispatch a form's action name to its service (the comment is the reason to reopen)."""
    if accion not in SERVICIOS:
        raise FirmaRechazada("Acción desconocida.")
    extra = {"motivo": comentario} if accion == Accion.REABRIR else {"comentario": comentario}
    return SERVICIOS[accion](
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        usuario=usuario,
        version=version,
        **extra,
    )


def _validar_reporte(programa, unidad, trimestre) -> None:
    if not isinstance(trimestre, int) or not 1 <= trimestre <= 4:
        raise FirmaRechazada("Trimestre inválido (debe ser 1 a 4).")
    if programa.ramo_id != unidad.ramo_id:
        raise FirmaRechazada("El programa y la unidad no pertenecen al mismo ramo.")
    if not Meta.objects.filter(programa=programa, unidad=unidad).exists():
        raise FirmaRechazada(
            f"La unidad {unidad.clave} no tiene metas del programa {programa.clave}."
        )


def _firma_bloqueada(programa, unidad, trimestre) -> TrimestreFirma:
    """Return the report's row locked for this transaction (created in Borrador if missing)."""
    try:
        with transaction.atomic():
            TrimestreFirma.objects.get_or_create(
                programa=programa, unidad=unidad, trimestre=trimestre
            )
    except IntegrityError:
        pass  # created by a concurrent request: lock it below
    return TrimestreFirma.objects.select_for_update().get(
        programa=programa, unidad=unidad, trimestre=trimestre
    )


@transaction.atomic
def _transicion(
    accion: str,
    *,
    programa,
    unidad,
    trimestre: int,
    usuario,
    comentario: str,
    version: int | None,
    dia: date | None = None,
) -> TrimestreFirma:
    """Check, write and record one step (in this order), then notify once it commits."""
    regla = REGLAS[accion]
    _validar_reporte(programa, unidad, trimestre)
    if not any(tiene_rol(usuario, r, programa=programa, unidad=unidad) for r in regla.roles):
        _rechazar_rol(accion, programa, unidad, usuario)
    firma = _firma_bloqueada(programa, unidad, trimestre)
    _exigir_estado(firma, regla, version, usuario=usuario, programa=programa, unidad=unidad)
    comentario = _comentario_valido(regla, comentario)
    cambios = _cambios_de_accion(
        firma, accion, programa=programa, unidad=unidad, trimestre=trimestre, dia=dia
    )
    _escribir_estado(firma, regla, cambios)
    nombre, cargo = nombre_y_cargo(
        usuario, accion, programa=programa, unidad=unidad, trimestre=trimestre
    )
    evento = EventoFirma.objects.create(
        firma=firma,
        accion=accion,
        estado_anterior=firma.estado,
        estado_nuevo=regla.hacia,
        usuario=usuario,
        nombre=nombre,
        cargo=cargo,
        comentario=comentario,
    )
    firma.refresh_from_db()
    logger.info(
        "Firma %s: %s/%s T%s %s → %s por %s",
        accion,
        programa.clave,
        unidad.clave,
        trimestre,
        evento.estado_anterior,
        evento.estado_nuevo,
        getattr(usuario, "username", usuario),
    )
    transaction.on_commit(lambda: notificar_evento(evento.pk))
    return firma


def _exigir_estado(
    firma: TrimestreFirma, regla: Regla, version: int | None, *, usuario, programa, unidad
) -> None:
    """Refuse a step the report's state (or the version the user saw) does not allow."""
    if firma.estado not in regla.desde:
        raise _error_de_estado(firma, regla)
    if version is not None and version != firma.version:
        raise FirmaRepetida(
            f"El trimestre cambió mientras usted lo consultaba (ahora está "
            f"«{firma.get_estado_display()}»). Revise el historial antes de continuar."
        )
    if regla.accion == Accion.DEVOLVER and not tiene_rol(
        usuario, ROL_DEVOLVER[firma.estado], programa=programa, unidad=unidad
    ):
        quien = (
            "el responsable del programa"
            if firma.estado == Estado.ENVIADO
            else ("el responsable del ramo")
        )
        raise FirmaNoPermitida(
            f"En estado «{firma.get_estado_display()}» solo {quien} puede devolver el trimestre."
        )


def _comentario_valido(regla: Regla, comentario: str) -> str:
    """The comment with \\n line ends and no surrounding blanks; refused if missing or too long."""
    comentario = (comentario or "").replace("\r\n", "\n").strip()
    if regla.comentario_obligatorio and not comentario:
        que = "el motivo de la reapertura" if regla.accion == Accion.REABRIR else "un comentario"
        raise FirmaRechazada(f"Para {regla.verbo} el trimestre escriba {que}.")
    if len(comentario) > MAX_COMENTARIO:
        raise FirmaRechazada(f"El comentario admite como máximo {MAX_COMENTARIO:,} caracteres.")
    if "\x00" in comentario:
        raise FirmaRechazada("El comentario contiene un carácter no válido (NUL); bórrelo.")
    return comentario


def _cambios_de_accion(firma, accion, *, programa, unidad, trimestre, dia) -> dict:
    """What the step writes besides the state: sending needs nothing missing; authorizing
    stores the signed snapshot, its hash and a new verification code."""
    if accion == Accion.ENVIAR:
        faltantes = faltantes_para_enviar(
            programa=programa, unidad=unidad, trimestre=trimestre, dia=dia
        )
        if faltantes:
            raise FirmaRechazada(
                f"No se puede enviar: hay {len(faltantes)} pendiente(s) de captura o "
                "justificación.",
                faltantes=faltantes,
            )
    elif accion == Accion.AUTORIZAR:
        snapshot, huella = snapshot_actual(programa, unidad, trimestre)
        return {
            "snapshot": snapshot,
            "snapshot_hash": huella,
            "codigo_verificacion": codigo_unico(huella, firma.pk),
        }
    return {}


def _escribir_estado(firma: TrimestreFirma, regla: Regla, cambios: dict) -> None:
    """The conditional write: it changes the row only if nobody moved it since it was read."""
    actualizadas = TrimestreFirma.objects.filter(
        pk=firma.pk, version=firma.version, estado=firma.estado
    ).update(estado=regla.hacia, version=F("version") + 1, actualizado_en=timezone.now(), **cambios)
    if actualizadas != 1:  # only possible without row locks; the conditional write decides
        raise FirmaRepetida("Otra persona actualizó el trimestre al mismo tiempo; recargue.")


def _rechazar_rol(accion, programa, unidad, usuario):
    textos = {
        Accion.ENVIAR: f"Solo el responsable de la unidad {unidad.clave} puede enviar (Elaboró).",
        Accion.REVISAR: f"Solo el responsable del programa {programa.clave} puede revisar.",
        Accion.AUTORIZAR: "Solo el responsable del ramo puede autorizar.",
        Accion.DEVOLVER: "Solo el responsable del programa o del ramo puede devolver.",
        Accion.REABRIR: "Solo Planeación puede reabrir un trimestre autorizado.",
    }
    logger.warning(
        "Firma rechazada por rol: %s %s/%s por %s",
        accion,
        programa.clave,
        unidad.clave,
        getattr(usuario, "username", usuario),
    )
    raise FirmaNoPermitida(textos[accion])


def _error_de_estado(firma: TrimestreFirma, regla: Regla) -> FirmaRechazada:
    """A repeated request ("ya fue autorizado") or an out-of-order one, with who did what."""
    ultimo = firma.eventos.order_by("-fecha", "-id").first()
    cuando = ""
    if ultimo is not None:
        cuando = f"{ultimo.nombre} el {timezone.localtime(ultimo.fecha):%d/%m/%Y %H:%M}"
    if firma.estado in ESTADO_TRAS.get(regla.accion, ()):
        participio = {
            Accion.ENVIAR: "enviado",
            Accion.REVISAR: "revisado",
            Accion.AUTORIZAR: "autorizado",
        }[regla.accion]
        quien = f" por {cuando}" if ultimo is not None and ultimo.accion == regla.accion else ""
        return FirmaRepetida(f"El trimestre ya fue {participio}{quien}; no se registró nada.")
    detalle = ""
    if ultimo is not None:
        detalle = f" (último movimiento: {ultimo.get_accion_display()}, {cuando})"
    return FirmaRechazada(
        f"No se puede {regla.verbo}: el trimestre está «{firma.get_estado_display()}»{detalle}."
    )
