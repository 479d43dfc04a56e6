"""Locking of authorized quarters: the check every write path calls (DOMAIN.md §5).

No role bypasses it — not a superuser, not the admin, not a command — because the services
that write R, observaciones, P and meta anual all call `exigir_meses_abiertos` first.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.db import DatabaseError, IntegrityError
from django.utils import timezone

from avances.models import EventoFirma, TrimestreFirma
from programas.formulas import CambioVigencia, trimestre_de_mes, vigencia_al_mes
from programas.models import NOMBRES_MES

logger = logging.getLogger("poa.bloqueo")

# The marker every database trigger puts in its error (migration 0003_bloqueo_en_la_base).
MARCA_BASE = "POA_BLOQUEO"


class TrimestreBloqueado(Exception):
    """A write touched a month of an authorized (locked) quarter."""

    def __init__(self, mensaje: str, *, meta_clave: str = "", meses: Iterable[int] = ()):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.meta_clave = meta_clave
        self.meses = tuple(meses)


class TrimestreBloqueadoEnLaBase(TrimestreBloqueado, IntegrityError):
    """A trigger of migration 0004_bloqueo_en_la_base refused the write (a path that skipped
    the Python guards: `update()`, bulk writes, raw `loaddata`, SQL). It is an IntegrityError
    too, so code that handles database errors still sees one."""


MENSAJE_BASE = (
    "No se puede guardar: el cambio toca un trimestre autorizado y la base de datos lo "
    "rechazó. Solicite a Planeación la reapertura del trimestre."
)


def _traducir_bloqueo(execute, sql, params, many, context):
    """Execute wrapper: a trigger's POA_BLOQUEO error becomes the Spanish lock message."""
    try:
        return execute(sql, params, many, context)
    except DatabaseError as exc:
        if MARCA_BASE not in str(exc) or isinstance(exc, TrimestreBloqueado):
            raise
        logger.warning("Escritura rechazada por la base de datos: %s", exc)
        raise TrimestreBloqueadoEnLaBase(MENSAJE_BASE) from exc


def _instalar_traductor(sender, connection, **kwargs) -> None:
    if _traducir_bloqueo not in connection.execute_wrappers:
        connection.execute_wrappers.append(_traducir_bloqueo)


def trimestres_autorizados(*, programa_id: int, unidad_id: int, bloquear: bool = False) -> set[int]:
    """Return the authorized quarters of one (programa, unidad) report."""
    return mapa_autorizados([(programa_id, unidad_id)], bloquear=bloquear)[(programa_id, unidad_id)]


def mapa_autorizados(
    pares: Iterable[tuple[int, int]], *, bloquear: bool = False
) -> dict[tuple[int, int], set[int]]:
    """Return {(programa_id, unidad_id): authorized quarters} for many pairs in one query.

    With `bloquear` (inside a transaction) every sign-off row of those pairs is locked
    FOR UPDATE, so an authorization cannot commit between this check and the caller's write:
    `avances.firma` locks the same row before it reads the figures it signs.
    """
    pares = set(pares)
    resultado: dict[tuple[int, int], set[int]] = {par: set() for par in pares}
    if not pares:
        return resultado
    programas = {p for p, _ in pares}
    unidades = {u for _, u in pares}
    filas = TrimestreFirma.objects.filter(programa_id__in=programas, unidad_id__in=unidades)
    if bloquear:
        filas = filas.select_for_update().order_by("pk")  # fixed order: no deadlocks
    else:
        filas = filas.filter(estado=TrimestreFirma.Estado.AUTORIZADO)
    for programa_id, unidad_id, trimestre, estado in filas.values_list(
        "programa_id", "unidad_id", "trimestre", "estado"
    ):
        if (programa_id, unidad_id) in resultado and estado == TrimestreFirma.Estado.AUTORIZADO:
            resultado[(programa_id, unidad_id)].add(trimestre)
    return resultado


def exigir_meses_abiertos(
    *,
    meta,
    meses: Iterable[int],
    accion: str,
    usuario=None,
    autorizados: set[int] | None = None,
) -> None:
    """Raise TrimestreBloqueado (and log it) if any month belongs to an authorized quarter.

    `autorizados` may be passed by callers that checked many metas with `mapa_autorizados`.
    """
    meses = sorted(set(meses))
    if not meses:
        return
    if autorizados is None:
        autorizados = trimestres_autorizados(programa_id=meta.programa_id, unidad_id=meta.unidad_id)
    bloqueados = [m for m in meses if trimestre_de_mes(m) in autorizados]
    if not bloqueados:
        return
    nombres = ", ".join(NOMBRES_MES[m - 1].lower() for m in bloqueados)
    numeros = sorted({trimestre_de_mes(m) for m in bloqueados})
    trimestres = ", ".join(f"T{t}" for t in numeros)
    razones = razones_de_bloqueo({(meta.programa_id, meta.unidad_id, t) for t in numeros})
    motivo = " ".join(
        razones.get((meta.programa_id, meta.unidad_id, t)) or texto_de_bloqueo(t) for t in numeros
    )
    mensaje = (
        f"La meta {meta.clave} tiene {trimestres} autorizado: no se puede {accion} "
        f"({nombres}). {motivo}"
    )
    logger.warning(
        "Escritura rechazada por bloqueo: meta=%s meses=%s accion=%s usuario=%s",
        meta.pk,
        bloqueados,
        accion,
        getattr(usuario, "username", usuario),
    )
    raise TrimestreBloqueado(mensaje, meta_clave=meta.clave, meses=bloqueados)


def texto_de_bloqueo(
    trimestre: int, *, programa: str = "", unidad: str = "", nombre: str = "", fecha=None
) -> str:
    """Why a quarter is locked and by whom, in words, with what to do about it."""
    reporte = f" del programa {programa} en la unidad {unidad}" if programa and unidad else ""
    desde = f" desde el {timezone.localtime(fecha):%d/%m/%Y}" if fecha else ""
    quien = f" por {nombre}" if nombre else ""
    return (
        f"El trimestre {trimestre}{reporte} está autorizado{desde}{quien}: la captura concluyó. "
        "Para corregir, solicite la reapertura."
    )


def razones_de_bloqueo(claves: Iterable[tuple[int, int, int]]) -> dict[tuple[int, int, int], str]:
    """{(programa_id, unidad_id, trimestre): lock text} from each latest authorization (1 query).

    Quarters authorized without a recorded event (loaded data) are absent: callers fall back
    to `texto_de_bloqueo(trimestre)`.
    """
    claves = set(claves)
    if not claves:
        return {}
    eventos = (
        EventoFirma.objects.filter(
            accion=EventoFirma.Accion.AUTORIZAR,
            firma__estado=TrimestreFirma.Estado.AUTORIZADO,
            firma__programa_id__in={p for p, _, _ in claves},
            firma__unidad_id__in={u for _, u, _ in claves},
            firma__trimestre__in={t for _, _, t in claves},
        )
        .order_by("fecha", "id")
        .values_list(
            "firma__programa_id",
            "firma__unidad_id",
            "firma__trimestre",
            "firma__programa__clave",
            "firma__unidad__clave",
            "nombre",
            "fecha",
        )
    )
    razones = {}
    for programa_id, unidad_id, trimestre, programa, unidad, nombre, fecha in eventos:
        if (programa_id, unidad_id, trimestre) in claves:  # the latest authorization wins
            razones[(programa_id, unidad_id, trimestre)] = texto_de_bloqueo(
                trimestre, programa=programa, unidad=unidad, nombre=nombre, fecha=fecha
            )
    return razones


Vigente = tuple[Decimal, int, Sequence[CambioVigencia]]  # (meta_anual, mes_inicio, cambios)


def vigente_en_trimestre(
    *, mes_inicio: int, cambios: Sequence[CambioVigencia] = (), trimestre: int
) -> bool:
    """Whether a meta is in force in a quarter: its vigencia at the quarter's end starts by then.

    A meta whose vigencia starts after the quarter (BISOM 205 and 509 start in April) is not
    part of that quarter's reports, totals, snapshot or faltantes (DOMAIN.md §3).
    """
    fin = 3 * trimestre
    vigencia = vigencia_al_mes(meta_anual=Decimal(0), mes_inicio=mes_inicio, cambios=cambios,
                               mes_fin=fin)  # fmt: skip
    return vigencia.mes_inicio <= fin


def exigir_entrada_permitida(
    *,
    meta,
    cambios: Sequence[CambioVigencia] = (),
    accion: str,
    usuario=None,
    autorizados: set[int] | None = None,
) -> None:
    """Refuse a new or moved meta that would take effect in an authorized quarter of its pair.

    A meta joins a (programa, unidad) only after the pair's last authorized quarter q
    (`mes_inicio` > 3q), so every signed report keeps exactly the metas it was signed with.
    """
    if autorizados is None:
        autorizados = trimestres_autorizados(programa_id=meta.programa_id, unidad_id=meta.unidad_id)
    mes_inicio = int(meta.mes_inicio or 1)
    if not any(
        vigente_en_trimestre(mes_inicio=mes_inicio, cambios=cambios, trimestre=q)
        for q in autorizados
    ):
        return
    ultimo = max(autorizados)
    llave = (meta.programa_id, meta.unidad_id, ultimo)
    motivo = razones_de_bloqueo({llave}).get(llave) or texto_de_bloqueo(ultimo)
    desde = (
        f"mes de inicio {NOMBRES_MES[3 * ultimo].lower()} o posterior"
        if ultimo < 4
        else "el ejercicio completo ya está autorizado"
    )
    mensaje = (
        f"No se puede {accion} {meta.clave} con inicio en {NOMBRES_MES[mes_inicio - 1].lower()}: "
        f"{motivo} Una meta nueva o trasladada a ese programa y unidad solo puede iniciar "
        f"después del último trimestre autorizado ({desde})."
    )
    logger.warning(
        "Alta de meta rechazada por bloqueo: meta=%s programa=%s unidad=%s accion=%s usuario=%s",
        meta.clave,
        meta.programa_id,
        meta.unidad_id,
        accion,
        getattr(usuario, "username", usuario),
    )
    raise TrimestreBloqueado(mensaje, meta_clave=meta.clave, meses=range(1, 3 * ultimo + 1))


def exigir_vigencia_intacta(
    *,
    meta,
    antes: Vigente,
    despues: Vigente,
    accion: str,
    usuario=None,
    autorizados: set[int] | None = None,
) -> None:
    """Refuse a change of meta anual / mes de inicio that alters an authorized quarter.

    What a quarter reports is the vigencia at its last month (DOMAIN.md §3): a direct edit of
    `meta_anual` changes it for every quarter, while a reprogramación effective after the
    locked quarters (`mes_desde` later than their last month) leaves them as signed.
    """
    if autorizados is None:
        autorizados = trimestres_autorizados(programa_id=meta.programa_id, unidad_id=meta.unidad_id)
    alterados = []
    for trimestre in sorted(autorizados):
        fin = 3 * trimestre
        previo = vigencia_al_mes(
            meta_anual=antes[0], mes_inicio=antes[1], cambios=antes[2], mes_fin=fin
        )
        nuevo = vigencia_al_mes(
            meta_anual=despues[0], mes_inicio=despues[1], cambios=despues[2], mes_fin=fin
        )
        # A meta in force neither before nor after is not part of that quarter's report.
        if previo != nuevo and min(previo.mes_inicio, nuevo.mes_inicio) <= fin:
            alterados.append(fin)
    exigir_meses_abiertos(
        meta=meta, meses=alterados, accion=accion, usuario=usuario, autorizados=autorizados
    )


def cambios_de_vigencia(meta_id: int) -> list[CambioVigencia]:
    """A meta's reprogramaciones as formula inputs, oldest first (one query)."""
    from avances.insumos import cambios_por_meta

    return cambios_por_meta([meta_id]).get(meta_id, [])


# --- Last line of defence: model signals -----------------------------------------------------
#
# Services check the lock before writing (and write in bulk, which sends no signals). These
# receivers catch every other `.save()` / `.delete()` — the admin, a shell script, a future
# screen that forgot the service — so no path can change a signed quarter. Services that
# already checked everything they write may skip them with `escritura_verificada()`.

_verificado: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "poa_bloqueo_verificado", default=False
)


@contextmanager
def escritura_verificada():
    """Mark writes whose lock check the calling service already did (skips the signals)."""
    token = _verificado.set(True)
    try:
        yield
    finally:
        _verificado.reset(token)


def _meta_de(instance):
    """The meta of a monthly row; None while loaddata has not stored it yet (raw saves)."""
    from programas.models import Meta

    return (
        Meta.objects.only("id", "clave", "programa_id", "unidad_id")
        .filter(pk=instance.meta_id)
        .first()
    )


def _guardia_mensual(sender, instance, campos: tuple[str, ...], accion: str, **kwargs) -> None:
    """Avance (R, observaciones) and Programado (P): refuse a change in a locked month.

    Raw saves (`loaddata`) are checked too: a fixture cannot rewrite a signed month.
    """
    if _verificado.get() or instance.meta_id is None:
        return
    meta = _meta_de(instance)
    if meta is None:
        return
    meses = {instance.mes}
    if instance.pk is not None:
        previo = sender.objects.filter(pk=instance.pk).values("mes", *campos).first()
        if previo is not None:
            if all(previo[c] == getattr(instance, c) for c in campos) and (
                previo["mes"] == instance.mes
            ):
                return
            meses.add(previo["mes"])
    exigir_meses_abiertos(meta=meta, meses=meses, accion=accion)


def _guardia_borrado_mensual(sender, instance, **kwargs) -> None:
    if _verificado.get() or (meta := _meta_de(instance)) is None:
        return
    exigir_meses_abiertos(meta=meta, meses=[instance.mes], accion="borrar el dato")


def _guardia_meta(sender, instance, **kwargs) -> None:
    """Meta: programa/unidad/tipo/sentido and the meta anual in force of locked quarters.

    Also a new meta, or one moved to another (programa, unidad), may only start after that
    pair's last authorized quarter — for `loaddata`'s raw saves too.
    """
    if _verificado.get() or instance.programa_id is None or instance.unidad_id is None:
        return
    previo = None
    if instance.pk is not None:
        previo = (
            sender.objects.filter(pk=instance.pk)
            .values(
                "programa_id",
                "unidad_id",
                "tipo_acumulacion",
                "sentido",
                "meta_anual",
                "mes_inicio",
            )  # fmt: skip
            .first()
        )
    if previo is None:
        exigir_entrada_permitida(meta=instance, accion="crear la meta")
        return
    if (previo["programa_id"], previo["unidad_id"]) != (instance.programa_id, instance.unidad_id):
        exigir_entrada_permitida(
            meta=instance, cambios=cambios_de_vigencia(instance.pk), accion="trasladar la meta"
        )
    autorizados = trimestres_autorizados(
        programa_id=previo["programa_id"], unidad_id=previo["unidad_id"]
    )
    if not autorizados:
        return
    original = sender(pk=instance.pk, clave=instance.clave, **previo)
    if any(
        previo[c] != getattr(instance, c)
        for c in ("programa_id", "unidad_id", "tipo_acumulacion", "sentido")
    ):
        exigir_meses_abiertos(
            meta=original, meses=range(1, 13), accion="cambiar la meta", autorizados=autorizados
        )
    if previo["meta_anual"] != instance.meta_anual or previo["mes_inicio"] != instance.mes_inicio:
        # A reprogramación saved before the meta keeps the locked quarters as they were.
        cambios = cambios_de_vigencia(instance.pk)
        exigir_vigencia_intacta(
            meta=original,
            antes=(previo["meta_anual"], previo["mes_inicio"], cambios),
            despues=(instance.meta_anual, instance.mes_inicio, cambios),
            accion="cambiar la meta anual vigente",
            autorizados=autorizados,
        )


def _guardia_borrado_meta(sender, instance, **kwargs) -> None:
    if _verificado.get():
        return
    exigir_meses_abiertos(meta=instance, meses=range(1, 13), accion="borrar la meta")


def conectar_guardias() -> None:
    """Connect the receivers (called once from AvancesConfig.ready)."""
    from django.db.backends.signals import connection_created
    from django.db.models.signals import pre_delete, pre_save

    from avances.models import Avance
    from programas.models import Meta, Programado

    def avance(sender, instance, **kwargs):
        _guardia_mensual(
            sender, instance, ("realizado", "observaciones"), "modificar el avance", **kwargs
        )

    def programado(sender, instance, **kwargs):
        _guardia_mensual(sender, instance, ("valor",), "cambiar lo programado", **kwargs)

    pre_save.connect(avance, sender=Avance, weak=False, dispatch_uid="bloqueo_avance")
    pre_save.connect(programado, sender=Programado, weak=False, dispatch_uid="bloqueo_programado")
    pre_save.connect(_guardia_meta, sender=Meta, dispatch_uid="bloqueo_meta")
    for modelo in (Avance, Programado):
        pre_delete.connect(
            _guardia_borrado_mensual,
            sender=modelo,
            dispatch_uid=f"bloqueo_borrar_{modelo.__name__}",
        )
    pre_delete.connect(_guardia_borrado_meta, sender=Meta, dispatch_uid="bloqueo_borrar_meta")
    connection_created.connect(_instalar_traductor, dispatch_uid="bloqueo_traductor_base")
    from avances import bloqueo_indicadores

    bloqueo_indicadores.conectar()  # the MIR indicators' structure
