"""Quarterly sign-off of a (programa, unidad) report: Elaboró → Revisó → Autorizó (DOMAIN.md §5).

Services (keyword-only, atomic) move a `TrimestreFirma` through its states and record one
`EventoFirma` per step with the signer's name and cargo as they stood at that moment:

    BORRADOR ──enviar (RESP_UNIDAD)──▶ ENVIADO ──revisar (RESP_PROGRAMA)──▶ REVISADO
    REVISADO ──autorizar (RESP_RAMO)──▶ AUTORIZADO (locked, snapshot + verification code)
    ENVIADO ──devolver (RESP_PROGRAMA)──▶ BORRADOR;  REVISADO ──devolver (RESP_RAMO)──▶ BORRADOR
    AUTORIZADO ──reabrir (Planeación)──▶ BORRADOR

Every transition locks the row (`select_for_update`) and writes with a conditional
``UPDATE … WHERE version = v AND estado = e``, so a double click on *Autorizar* signs once and
the second request gets a clear "ya fue autorizado" answer. Reads for the reports
(`firmantes`, `firmantes_por_par`, `snapshot_actual`) live here too so the PDF footer and the
`/verificar/` page use the same data as the workflow.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from avances.calendario import ultimo_mes_capturable
from avances.insumos import (
    cambios_por_meta,
    datos_meta,
    programados_por_meta,
    realizados_por_meta,
    umbrales_de,
)
from avances.models import EventoFirma, TrimestreFirma
from programas import formulas
from programas.models import (
    NOMBRES_MES,
    Asignacion,
    Meta,
    Programa,
    UnidadEjecutora,
)
from programas.numeros import formatear_porcentaje
from programas.scope import alcance_de

logger = logging.getLogger("poa.firmas")

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
_CUATRO_DECIMALES = Decimal("0.0001")


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


# --- Services ------------------------------------------------------------------------------


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
    regla = REGLAS[accion]
    _validar_reporte(programa, unidad, trimestre)
    if not any(tiene_rol(usuario, r, programa=programa, unidad=unidad) for r in regla.roles):
        _rechazar_rol(accion, programa, unidad, usuario)
    firma = _firma_bloqueada(programa, unidad, trimestre)
    if firma.estado not in regla.desde:
        raise _error_de_estado(firma, regla)
    if version is not None and version != firma.version:
        raise FirmaRepetida(
            f"El trimestre cambió mientras usted lo consultaba (ahora está "
            f"«{firma.get_estado_display()}»). Revise el historial antes de continuar."
        )
    if accion == Accion.DEVOLVER and not tiene_rol(
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
    comentario = (comentario or "").replace("\r\n", "\n").strip()
    if regla.comentario_obligatorio and not comentario:
        que = "el motivo de la reapertura" if accion == Accion.REABRIR else "un comentario"
        raise FirmaRechazada(f"Para {regla.verbo} el trimestre escriba {que}.")
    if len(comentario) > MAX_COMENTARIO:
        raise FirmaRechazada(f"El comentario admite como máximo {MAX_COMENTARIO:,} caracteres.")

    cambios: dict = {}
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
        cambios = {
            "snapshot": snapshot,
            "snapshot_hash": huella,
            "codigo_verificacion": _codigo_unico(huella, firma.pk),
        }
    actualizadas = TrimestreFirma.objects.filter(
        pk=firma.pk, version=firma.version, estado=firma.estado
    ).update(estado=regla.hacia, version=F("version") + 1, actualizado_en=timezone.now(), **cambios)
    if actualizadas != 1:  # only possible without row locks; the conditional write decides
        raise FirmaRepetida("Otra persona actualizó el trimestre al mismo tiempo; recargue.")
    nombre, cargo = nombre_y_cargo(usuario, accion, programa=programa, unidad=unidad)
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


def nombre_y_cargo(usuario, accion: str, *, programa, unidad) -> tuple[str, str]:
    """The signer's full name and cargo now: the Asignacion's cargo, else the one on record."""
    nombre = (usuario.get_full_name() or usuario.get_username()).strip()
    filtros = {
        Accion.ENVIAR: Q(rol=Rol.RESPONSABLE_UNIDAD, unidad=unidad),
        Accion.REVISAR: Q(rol=Rol.RESPONSABLE_PROGRAMA, programa=programa),
        Accion.AUTORIZAR: Q(rol=Rol.RESPONSABLE_RAMO, ramo_id=programa.ramo_id),
        Accion.REABRIR: Q(rol=Rol.PLANEACION),
    }
    if accion == Accion.DEVOLVER:
        filtro = Q(rol=Rol.RESPONSABLE_PROGRAMA, programa=programa) | Q(
            rol=Rol.RESPONSABLE_RAMO, ramo_id=programa.ramo_id
        )
    else:
        filtro = filtros[accion]
    cargo = (
        Asignacion.objects.filter(filtro, usuario=usuario)
        .exclude(cargo="")
        .values_list("cargo", flat=True)
        .first()
    )
    if not cargo:
        cargo = {
            Accion.ENVIAR: unidad.responsable_cargo,
            Accion.REVISAR: programa.responsable_cargo,
            Accion.AUTORIZAR: programa.ramo.responsable_cargo,
        }.get(accion, "")
    return nombre, cargo or ""


# --- What is missing before sending ---------------------------------------------------------


@dataclass
class _MetaDatos:
    meta_id: int
    clave: str
    programa_id: int
    unidad_id: int
    datos: formulas.DatosMeta
    observaciones: dict[int, str]


def _cargar_metas(pares: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[_MetaDatos]]:
    """Formula inputs of every meta of the given (programa_id, unidad_id) pairs (4 queries)."""
    pares = set(pares)
    resultado: dict[tuple[int, int], list[_MetaDatos]] = {par: [] for par in pares}
    if not pares:
        return resultado
    filtro = Q()
    for programa_id, unidad_id in pares:
        filtro |= Q(programa_id=programa_id, unidad_id=unidad_id)
    metas = list(
        Meta.objects.filter(filtro)
        .order_by("unidad_id", "orden", "clave")
        .values(
            "id",
            "clave",
            "programa_id",
            "unidad_id",
            "meta_anual",
            "mes_inicio",
            "tipo_acumulacion",
            "sentido",
        )
    )
    ids = [m["id"] for m in metas]
    programados = programados_por_meta(ids)
    realizados = realizados_por_meta(ids)
    cambios = cambios_por_meta(ids)
    for m in metas:
        datos = datos_meta(
            m,
            programado=programados.get(m["id"]),
            realizado=realizados.valores.get(m["id"]),
            cambios=cambios.get(m["id"]),
        )
        resultado[(m["programa_id"], m["unidad_id"])].append(
            _MetaDatos(
                m["id"],
                m["clave"],
                m["programa_id"],
                m["unidad_id"],
                datos,
                realizados.observaciones.get(m["id"], {}),
            )
        )
    return resultado


def meses_exigibles(anio: int, trimestre: int, dia: date | None = None) -> list[int]:
    """Months of the quarter that must be complete to send it: those not in the future."""
    ultimo = ultimo_mes_capturable(anio, dia)
    return [m for m in formulas.meses_del_trimestre(trimestre) if m <= ultimo]


def _faltantes_de(metas: list[_MetaDatos], *, anio, trimestre, umbrales, dia) -> list[str]:
    exigibles = meses_exigibles(anio, trimestre, dia)
    if not exigibles:
        return [
            f"El {NOMBRES_TRIMESTRE[trimestre].lower()} de {anio} aún no comienza: no hay "
            "meses que reportar."
        ]
    faltantes = []
    ultimo = exigibles[-1]
    for m in metas:
        datos = m.datos
        if ultimo < 3 * trimestre:
            # Mid-quarter: judge the variance against what was due so far, not the whole quarter.
            datos = replace(
                datos,
                programado=[
                    p if k <= ultimo else Decimal(0) for k, p in enumerate(datos.programado, 1)
                ],
                realizado=[r if k <= ultimo else None for k, r in enumerate(datos.realizado, 1)],
            )
        calculo = formulas.calcular_meta(
            datos, trimestre=trimestre, mes_corte=ultimo, umbrales=umbrales
        )
        sin_captura = [k for k in calculo.meses_sin_captura if k in exigibles]
        if sin_captura:
            nombres = ", ".join(NOMBRES_MES[k - 1].lower() for k in sin_captura)
            faltantes.append(f"Meta {m.clave}: falta capturar el realizado de {nombres}.")
            continue
        meses_q = formulas.meses_del_trimestre(trimestre)
        if calculo.requiere_justificacion and not any(
            m.observaciones.get(k, "").strip() for k in meses_q
        ):
            faltantes.append(
                f"Meta {m.clave}: cumplimiento del trimestre "
                f"{formatear_porcentaje(calculo.cumplimiento, 2)} "
                f"({calculo.semaforo.value.replace('_', ' ').replace('np', 'N/P')}) fuera del "
                "rango verde sin observaciones; escriba la justificación."
            )
    return faltantes


def faltantes_para_enviar(
    *, programa: Programa, unidad: UnidadEjecutora, trimestre: int, dia: date | None = None
) -> list[str]:
    """Return, in Spanish, every capture or justification missing to send the quarter."""
    ejercicio = programa.ramo.ejercicio
    metas = _cargar_metas([(programa.pk, unidad.pk)])[(programa.pk, unidad.pk)]
    return _faltantes_de(
        metas, anio=ejercicio.anio, trimestre=trimestre, umbrales=umbrales_de(ejercicio), dia=dia
    )


def faltantes_por_par(
    pares: Iterable[tuple[int, int]], *, ejercicio, trimestre: int, dia: date | None = None
) -> dict[tuple[int, int], list[str]]:
    """`faltantes_para_enviar` for many (programa_id, unidad_id) pairs of one ejercicio."""
    umbrales = umbrales_de(ejercicio)
    return {
        par: _faltantes_de(
            metas, anio=ejercicio.anio, trimestre=trimestre, umbrales=umbrales, dia=dia
        )
        for par, metas in _cargar_metas(pares).items()
    }


# --- Signed snapshot and verification ------------------------------------------------------


def _dec(valor: Decimal | None) -> str | None:
    if valor is None:
        return None
    return format(valor.quantize(_CUATRO_DECIMALES, rounding=ROUND_HALF_UP), "f")


def _pct(p: formulas.Porcentaje) -> str:
    return _dec(p.valor) if p.es_numero else str(p.estado)


def snapshot_actual(programa, unidad, trimestre: int) -> tuple[dict, str]:
    """Return the report's current figures (JSON-ready) and their sha256 content hash.

    What is hashed is what the signed report prints for each meta: clave, meta anual in
    force at the end of the quarter, P / R / observaciones of every month up to the quarter,
    and the computed quarter figures (as of the end of the quarter, so the hash does not drift
    with the calendar). Accepts model instances or ids.
    """
    programa_id = getattr(programa, "pk", programa)
    unidad_id = getattr(unidad, "pk", unidad)
    fin = 3 * trimestre
    metas = _cargar_metas([(programa_id, unidad_id)])[(programa_id, unidad_id)]
    filas = []
    for m in metas:
        calculo = formulas.calcular_meta(m.datos, trimestre=trimestre, mes_corte=fin)
        filas.append(
            {
                "clave": m.clave,
                "meta_anual": _dec(calculo.vigencia.meta_anual),
                "mes_inicio": calculo.vigencia.mes_inicio,
                "meses": [
                    {
                        "mes": k,
                        "p": _dec(m.datos.programado[k - 1]),
                        "r": _dec(m.datos.realizado[k - 1]),
                        "observaciones": m.observaciones.get(k, ""),
                    }
                    for k in range(1, fin + 1)
                ],
                "programado_trimestre": _dec(calculo.programado_trimestre),
                "realizado_trimestre": _dec(calculo.realizado_trimestre),
                "porcentaje_trimestral": _pct(calculo.porcentaje_trimestral),
                "avance_absoluto": _dec(calculo.avance_absoluto),
                "acumulado_relativo": _pct(calculo.acumulado_relativo),
                "por_realizar": _dec(calculo.por_realizar),
            }
        )
    filas.sort(key=lambda fila: fila["clave"])  # display order (`orden`) is not signed content
    datos = {
        "formato": 1,
        "programa_id": programa_id,
        "unidad_id": unidad_id,
        "trimestre": trimestre,
        "metas": filas,
    }
    return datos, huella_de(datos)


def huella_de(datos: dict) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces) of a snapshot."""
    canonico = json.dumps(datos, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonico.encode("utf-8")).hexdigest()


def _codigo_unico(huella: str, firma_id: int) -> str:
    """A 10-character base32 code derived from the hash, unique among signed reports."""
    for _ in range(100):
        # A random salt makes every authorization's code distinct, even with equal figures.
        semilla = f"{huella}:{firma_id}:{secrets.token_hex(8)}".encode()
        codigo = base64.b32encode(hashlib.sha256(semilla).digest()).decode()[:10]
        if not TrimestreFirma.objects.filter(codigo_verificacion=codigo).exists():
            return codigo
    raise RuntimeError("No se pudo generar un código de verificación único.")  # pragma: no cover


def normalizar_codigo(codigo: str) -> str:
    """Accept codes typed from paper: spaces and dashes dropped, case-insensitive."""
    return "".join(c for c in (codigo or "").upper() if c.isalnum())[:16]


@dataclass(frozen=True)
class Verificacion:
    """What `/verificar/<código>/` shows: only what the printed report shows."""

    codigo: str
    ejercicio: int
    ramo: str
    programa: str
    unidad: str
    trimestre: int
    nombre_trimestre: str
    estado: str
    estado_display: str
    firmantes: list
    coincide: bool
    reabierto_en: datetime | None = None


def verificar_codigo(codigo: str) -> Verificacion | None:
    """Return whether the report signed with `codigo` still matches the current data."""
    codigo = normalizar_codigo(codigo)
    if not codigo:
        return None
    firma = (
        TrimestreFirma.objects.select_related("programa__ramo__ejercicio", "unidad")
        .filter(codigo_verificacion=codigo)
        .first()
    )
    if firma is None:
        return None
    _, huella = snapshot_actual(firma.programa_id, firma.unidad_id, firma.trimestre)
    eventos = list(firma.eventos.order_by("fecha", "id"))
    # The signatures shown are those of the authorization that produced this code.
    firmado, reabierto = _ciclo_firmado(eventos)
    programa = firma.programa
    return Verificacion(
        codigo=codigo,
        ejercicio=programa.ramo.ejercicio.anio,
        ramo=str(programa.ramo),
        programa=str(programa),
        unidad=str(firma.unidad),
        trimestre=firma.trimestre,
        nombre_trimestre=NOMBRES_TRIMESTRE[firma.trimestre],
        estado=firma.estado,
        estado_display=firma.get_estado_display(),
        firmantes=[
            Firmante(rol, titulo, e.nombre, e.cargo, e.fecha)
            if (e := firmado.get(accion))
            else Firmante(rol, titulo, "", "", None)
            for accion, rol, titulo in CAJAS
        ],
        coincide=huella == firma.snapshot_hash,
        reabierto_en=reabierto.fecha if reabierto else None,
    )


def _ciclo_firmado(eventos: list[EventoFirma]) -> tuple[dict, EventoFirma | None]:
    """The ENVIAR/REVISAR/AUTORIZAR events of the last authorization, and a later reopening."""
    firmado: dict = {}
    actual: dict = {}
    reabierto = None
    for e in eventos:
        if e.accion in (Accion.ENVIAR, Accion.REVISAR, Accion.AUTORIZAR):
            actual[e.accion] = e
            if e.accion == Accion.AUTORIZAR:
                firmado, reabierto = dict(actual), None
        elif e.accion == Accion.DEVOLVER:
            actual = {}
        elif e.accion == Accion.REABRIR:
            actual = {}
            reabierto = e
    return firmado, reabierto


# --- Signature blocks for the reports --------------------------------------------------------


@dataclass(frozen=True)
class Firmante:
    """One signature box of a report."""

    rol: str  # ELABORÓ / REVISÓ / AUTORIZÓ
    titulo: str  # RESPONSABLE DE LA UNIDAD EJECUTORA …
    nombre: str
    cargo: str
    fecha: datetime | None = None  # None: not signed (the name is the responsable on record)


@dataclass(frozen=True)
class Firmas:
    """A report's sign-off state for its footer: boxes, state and verification code."""

    estado: str
    firmantes: list[Firmante] = field(default_factory=list)
    codigo_verificacion: str = ""  # only while AUTORIZADO

    @property
    def autorizado(self) -> bool:
        return self.estado == Estado.AUTORIZADO


CAJAS = (
    (Accion.ENVIAR, "ELABORÓ", "RESPONSABLE DE LA UNIDAD EJECUTORA"),
    (Accion.REVISAR, "REVISÓ", "RESPONSABLE DEL PROGRAMA"),
    (Accion.AUTORIZAR, "AUTORIZÓ", "RESPONSABLE DEL RAMO"),
)


def firmantes(programa, unidad, trimestre: int) -> Firmas:
    """Elaboró / Revisó / Autorizó of one report: who signed (name, cargo, date) or, for a
    step not yet signed in the current cycle, the responsable on record without a date."""
    programa_id = getattr(programa, "pk", programa)
    unidad_id = getattr(unidad, "pk", unidad)
    return firmantes_por_par([(programa_id, unidad_id)], trimestre)[(programa_id, unidad_id)]


def firmantes_por_par(
    pares: Iterable[tuple[int, int]], trimestre: int
) -> dict[tuple[int, int], Firmas]:
    """`firmantes` for many (programa_id, unidad_id) pairs of one quarter in three queries."""
    pares = set(pares)
    if not pares:
        return {}
    programas = {
        p["id"]: p
        for p in Programa.objects.filter(pk__in={p for p, _ in pares}).values(
            "id",
            "responsable_nombre",
            "responsable_cargo",
            "ramo__responsable_nombre",
            "ramo__responsable_cargo",
        )
    }
    unidades = {
        u["id"]: u
        for u in UnidadEjecutora.objects.filter(pk__in={u for _, u in pares}).values(
            "id", "responsable_nombre", "responsable_cargo"
        )
    }
    firmas = {
        (f["programa_id"], f["unidad_id"]): f
        for f in TrimestreFirma.objects.filter(
            programa_id__in=programas, unidad_id__in=unidades, trimestre=trimestre
        ).values("id", "programa_id", "unidad_id", "estado", "codigo_verificacion")
    }
    eventos: dict[int, list] = defaultdict(list)
    for e in (
        EventoFirma.objects.filter(firma_id__in=[f["id"] for f in firmas.values()])
        .order_by("fecha", "id")
        .values("firma_id", "accion", "nombre", "cargo", "fecha")
    ):
        eventos[e["firma_id"]].append(e)
    resultado = {}
    for programa_id, unidad_id in pares:
        programa = programas.get(programa_id)
        unidad = unidades.get(unidad_id)
        if programa is None or unidad is None:
            continue
        registrados = {
            Accion.ENVIAR: (unidad["responsable_nombre"], unidad["responsable_cargo"]),
            Accion.REVISAR: (programa["responsable_nombre"], programa["responsable_cargo"]),
            Accion.AUTORIZAR: (
                programa["ramo__responsable_nombre"],
                programa["ramo__responsable_cargo"],
            ),
        }
        firma = firmas.get((programa_id, unidad_id))
        vigentes: dict = {}
        for e in eventos[firma["id"]] if firma else ():
            if e["accion"] in (Accion.DEVOLVER, Accion.REABRIR):
                vigentes = {}
            else:
                vigentes[e["accion"]] = e
        cajas = []
        for accion, rol, titulo in CAJAS:
            e = vigentes.get(accion)
            if e:
                cajas.append(Firmante(rol, titulo, e["nombre"], e["cargo"], e["fecha"]))
            else:
                nombre, cargo = registrados[accion]
                cajas.append(Firmante(rol, titulo, nombre or "", cargo or ""))
        estado = firma["estado"] if firma else Estado.BORRADOR
        resultado[(programa_id, unidad_id)] = Firmas(
            estado=estado,
            firmantes=cajas,
            codigo_verificacion=(
                firma["codigo_verificacion"] if estado == Estado.AUTORIZADO else ""
            ),
        )
    return resultado


# --- Notifications --------------------------------------------------------------------------


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
