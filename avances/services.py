"""Writes of monthly progress (R and observaciones): the one path every caller goes through.

A grid is saved all or nothing. Lost updates are impossible: every existing cell is written
with a conditional ``UPDATE … WHERE version = <the version the user loaded>``, and a new cell
is an INSERT that a concurrent insert of the same (meta, mes) makes fail on the unique
constraint. Either way the whole save is rolled back and the cells are reported as conflicts
with the other person's current value.

Writes are set-based (one UPDATE per 300 cells, one INSERT, one history INSERT) so that a
meta row costs an upsert-sized write, not a query per cell. Because ``queryset.update()`` and
``bulk_create()`` bypass django-simple-history's signals, the history rows are created here
explicitly with ``bulk_history_create``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    DecimalField,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from avances.bloqueo import TrimestreBloqueado, exigir_meses_abiertos, mapa_autorizados
from avances.calendario import meses_cerrados, ultimo_mes_capturable
from avances.models import CAMPOS_CELDA, Avance, FechaLimite, Periodo
from programas.models import DECIMAL, NOMBRES_MES, Asignacion, Meta, UnidadEjecutora

logger = logging.getLogger("poa.captura")

MAX_OBSERVACIONES = 4000
# 15 significant digits: SQLite stores NUMERIC values as 8-byte floats, exact only up to 15
# digits, so a larger value could come back changed (999,999,999,999,999.99 reads back as
# 1,000,000,000,000,000). Ten trillion is far above any municipal meta.
MAX_REALIZADO = Decimal("9999999999999.99")
_LOTE_UPDATE = 300  # cells per conditional UPDATE (keeps the SQL and its CASE lists small)

Clave = tuple[int, int]  # (meta_id, mes)


@dataclass(frozen=True)
class CeldaCaptura:
    """One month of one meta as the user submitted it.

    `version_esperada` is the Avance version the user's page was built from; 0 means the
    cell had no Avance row yet.
    """

    meta_id: int
    mes: int
    realizado: Decimal | None
    observaciones: str = ""
    version_esperada: int = 0

    @property
    def clave(self) -> Clave:
        return (self.meta_id, self.mes)


@dataclass(frozen=True)
class Conflicto:
    """The value another person saved after this user loaded the page."""

    meta_id: int
    mes: int
    realizado: Decimal | None
    observaciones: str
    version: int
    usuario: str
    fecha: datetime | None

    @property
    def clave(self) -> Clave:
        return (self.meta_id, self.mes)


class CapturaRechazada(Exception):
    """Nothing was stored: per-cell errors and/or conflicts explain why."""

    def __init__(
        self,
        *,
        errores: dict[Clave, str] | None = None,
        conflictos: dict[Clave, Conflicto] | None = None,
        mensaje: str = "",
    ):
        self.errores = errores or {}
        self.conflictos = conflictos or {}
        if not mensaje:
            partes = []
            if self.errores:
                partes.append(f"{len(self.errores)} celda(s) con errores")
            if self.conflictos:
                partes.append(
                    f"{len(self.conflictos)} celda(s) que otra persona modificó mientras usted "
                    "editaba"
                )
            mensaje = "No se guardó nada: " + " y ".join(partes) + "."
        self.mensaje = mensaje
        super().__init__(mensaje)


@dataclass
class ResultadoCaptura:
    creados: int = 0
    actualizados: int = 0
    sin_cambio: int = 0
    versiones: dict[Clave, int] = field(default_factory=dict)

    @property
    def guardados(self) -> int:
        return self.creados + self.actualizados


class _CarreraPerdida(Exception):
    """A concurrent writer changed a cell between our read and our conditional write."""


ERROR_NUL = "Las observaciones contienen un carácter no válido (NUL); bórrelo y vuelva a guardar."


def normalizar_observaciones(texto: str | None) -> str:
    """Strip and use \\n line ends (browsers post textareas with \\r\\n). A NUL byte is
    kept: the cell is refused with ERROR_NUL (PostgreSQL cannot store it)."""
    return (texto or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def error_de_realizado(valor: Decimal | None) -> str | None:
    """Return the Spanish reason a realized value cannot be stored, or None when it can."""
    if valor is None:
        return None
    if not isinstance(valor, Decimal) or not valor.is_finite():
        return "El valor no es un número válido."
    if valor < 0:
        return "El realizado no puede ser negativo."
    if valor > MAX_REALIZADO:
        return "El valor es demasiado grande (máximo 9,999,999,999,999.99)."
    if valor.as_tuple().exponent < -DECIMAL["decimal_places"]:
        return "Use como máximo 2 decimales."
    return None


def _nombre_usuario(nombre: str, apellido: str, username: str | None) -> str:
    completo = f"{nombre} {apellido}".strip()
    return completo or username or "otra persona"


def avance_capturar(
    *,
    meta: Meta,
    mes: int,
    realizado: Decimal | None,
    observaciones: str = "",
    version_esperada: int = 0,
    usuario=None,
    dia: date | None = None,
) -> Avance | None:
    """Store one month of one meta; return its Avance (None if the cell stays empty).

    Raises CapturaRechazada (nothing stored) on invalid values, closed or future months,
    authorized quarters, or when someone else saved the cell after `version_esperada`.
    """
    avances_guardar_rejilla(
        unidad=meta.unidad,
        celdas=[
            CeldaCaptura(
                meta_id=meta.pk,
                mes=mes,
                realizado=realizado,
                observaciones=observaciones,
                version_esperada=version_esperada,
            )
        ],
        usuario=usuario,
        dia=dia,
    )
    return Avance.objects.filter(meta=meta, mes=mes).first()


def avances_guardar_rejilla(
    *,
    unidad: UnidadEjecutora,
    celdas: Iterable[CeldaCaptura],
    usuario=None,
    dia: date | None = None,
) -> ResultadoCaptura:
    """Save a unidad's grid atomically: every cell is stored, or none is.

    Cells whose value equals what is stored are skipped (no new version, no history).
    Role checks belong to the caller (views use `programas.scope.puede_capturar`); the lock,
    period and future-month rules are enforced here for every caller.
    """
    celdas = list(celdas)
    try:
        return _guardar(unidad=unidad, celdas=celdas, usuario=usuario, dia=dia)
    except (_CarreraPerdida, IntegrityError) as exc:
        # The transaction is rolled back; read what the other writer committed.
        conflictos = _conflictos_actuales(celdas)
        logger.info(
            "Captura rechazada por conflicto: unidad=%s usuario=%s celdas=%s (%s)",
            unidad.pk,
            getattr(usuario, "username", usuario),
            sorted(conflictos),
            type(exc).__name__,
        )
        if not conflictos:
            raise CapturaRechazada(
                mensaje="No se guardó nada: otra persona guardó cambios al mismo tiempo. "
                "Recargue la página e intente de nuevo."
            ) from None
        raise CapturaRechazada(conflictos=conflictos) from None


@transaction.atomic
def _guardar(*, unidad, celdas: list[CeldaCaptura], usuario, dia) -> ResultadoCaptura:
    """Read, check, classify and write the cells, in this order, inside one transaction."""
    resultado = ResultadoCaptura()
    if not celdas:
        return resultado
    ejercicio = unidad.ramo.ejercicio
    metas, actuales = _metas_y_actuales(unidad, celdas)
    _exigir_celdas_validas(celdas, ejercicio=ejercicio, metas=metas, usuario=usuario, dia=dia)
    crear, actualizar = _clasificar(celdas, actuales, resultado)
    ahora = timezone.now()
    usuario_id = getattr(usuario, "pk", None)
    historia_actualizados = _actualizar(actualizar, usuario_id, ahora, resultado)
    nuevos = _crear(crear, usuario_id, resultado)
    if historia_actualizados:
        Avance.history.bulk_history_create(
            historia_actualizados, update=True, default_user=usuario, default_date=ahora
        )
    if nuevos:
        Avance.history.bulk_history_create(nuevos, default_user=usuario, default_date=ahora)
    resultado.actualizados = len(historia_actualizados)
    resultado.creados = len(nuevos)
    return resultado


def _metas_y_actuales(unidad, celdas: list[CeldaCaptura]) -> tuple[dict[int, Meta], dict]:
    """One read for the unidad's metas and their stored cells of the months being saved."""
    metas: dict[int, Meta] = {}
    actuales: dict[Clave, dict] = {}
    meses = {c.mes for c in celdas}
    filas = (
        Meta.objects.filter(pk__in={c.meta_id for c in celdas}, unidad_id=unidad.pk)
        .annotate(avance=FilteredRelation("avances", condition=Q(avances__mes__in=meses)))
        .values_list(
            "id", "clave", "programa_id", "avance__id", "avance__mes", "avance__realizado",
            "avance__observaciones", "avance__version",
        )
    )  # fmt: skip
    for meta_id, clave, programa_id, avance_id, mes, realizado, observaciones, version in filas:
        if meta_id not in metas:
            metas[meta_id] = Meta(id=meta_id, clave=clave, programa_id=programa_id)
            metas[meta_id].unidad_id = unidad.pk
        if avance_id is not None:
            actuales[(meta_id, mes)] = {
                "id": avance_id, "realizado": realizado, "observaciones": observaciones,
                "version": version,
            }  # fmt: skip
    return metas, actuales


def _exigir_celdas_validas(celdas, *, ejercicio, metas, usuario, dia) -> None:
    """Refuse the whole save, with a reason per cell, if any cell may not be stored."""
    cerrados = meses_cerrados(ejercicio.pk)
    ultimo = ultimo_mes_capturable(ejercicio.anio, dia)
    # Locked: an authorization cannot slip in between this check and the write below.
    autorizados = mapa_autorizados(
        {(m.programa_id, m.unidad_id) for m in metas.values()}, bloquear=True
    )
    errores: dict[Clave, str] = {}
    vistas: set[Clave] = set()
    for celda in celdas:
        error = _error_de_celda(
            celda, metas=metas, cerrados=cerrados, ultimo=ultimo, autorizados=autorizados,
            usuario=usuario, vistas=vistas,
        )  # fmt: skip
        if error:
            errores[celda.clave] = error
    if errores:
        raise CapturaRechazada(errores=errores)


def _clasificar(
    celdas, actuales, resultado: ResultadoCaptura
) -> tuple[list[CeldaCaptura], list[tuple[int, CeldaCaptura]]]:
    """Split the cells into new rows and rows to update, counting those that did not change.

    Raises _CarreraPerdida when a cell's stored version is not the one the user loaded.
    """
    crear: list[CeldaCaptura] = []
    actualizar: list[tuple[int, CeldaCaptura]] = []
    conflictivas: list[Clave] = []
    for celda in celdas:
        observaciones = normalizar_observaciones(celda.observaciones)
        actual = actuales.get(celda.clave)
        if actual is None:
            if celda.realizado is None and not observaciones:
                resultado.sin_cambio += 1
            elif celda.version_esperada != 0:
                conflictivas.append(celda.clave)  # the row the user saw no longer exists
            else:
                crear.append(celda)
            continue
        if actual["realizado"] == celda.realizado and actual["observaciones"] == observaciones:
            resultado.sin_cambio += 1
            resultado.versiones[celda.clave] = actual["version"]
        elif actual["version"] != celda.version_esperada:
            conflictivas.append(celda.clave)
        else:
            actualizar.append((actual["id"], celda))
    if conflictivas:
        raise _CarreraPerdida(conflictivas)
    return crear, actualizar


def _actualizar(
    actualizar: list[tuple[int, CeldaCaptura]], usuario_id, ahora, resultado: ResultadoCaptura
) -> list[Avance]:
    """Conditional UPDATEs in batches; return the rows for the history (not yet written)."""
    historia_actualizados: list[Avance] = []
    for inicio in range(0, len(actualizar), _LOTE_UPDATE):
        lote = actualizar[inicio : inicio + _LOTE_UPDATE]
        ids = [pk for pk, _ in lote]
        cambiadas = Avance.objects.filter(
            pk__in=ids,
            version=Case(
                *[When(pk=pk, then=Value(c.version_esperada)) for pk, c in lote],
                output_field=IntegerField(),
            ),
        ).update(
            # The CAST types a CASE whose branches are all NULL (PostgreSQL reads it as text).
            realizado=Cast(
                Case(
                    *[When(pk=pk, then=Value(c.realizado)) for pk, c in lote],
                    output_field=DecimalField(**DECIMAL),
                ),
                DecimalField(**DECIMAL),
            ),
            observaciones=Case(
                *[
                    When(pk=pk, then=Value(normalizar_observaciones(c.observaciones)))
                    for pk, c in lote
                ],
                output_field=TextField(),
            ),
            version=F("version") + 1,
            actualizado_por_id=usuario_id,
            actualizado_en=ahora,
        )
        if cambiadas != len(lote):
            raise _CarreraPerdida()
        for pk, c in lote:
            historia_actualizados.append(
                Avance(
                    pk=pk,
                    meta_id=c.meta_id,
                    mes=c.mes,
                    realizado=c.realizado,
                    observaciones=normalizar_observaciones(c.observaciones),
                    version=c.version_esperada + 1,
                    actualizado_por_id=usuario_id,
                    actualizado_en=ahora,
                )
            )
            resultado.versiones[c.clave] = c.version_esperada + 1
    return historia_actualizados


def _crear(crear: list[CeldaCaptura], usuario_id, resultado: ResultadoCaptura) -> list[Avance]:
    """One INSERT for the new cells (a concurrent insert makes it fail on the unique key)."""
    nuevos = Avance.objects.bulk_create(
        [
            Avance(
                meta_id=c.meta_id,
                mes=c.mes,
                realizado=c.realizado,
                observaciones=normalizar_observaciones(c.observaciones),
                version=1,
                actualizado_por_id=usuario_id,
            )
            for c in crear
        ]
    )
    for avance in nuevos:
        resultado.versiones[(avance.meta_id, avance.mes)] = 1
    return nuevos


def _error_de_celda(celda, *, metas, cerrados, ultimo, autorizados, usuario, vistas) -> str | None:
    if celda.clave in vistas:
        return "La celda viene repetida en el envío."
    vistas.add(celda.clave)
    meta = metas.get(celda.meta_id)
    if meta is None:
        return "La meta no pertenece a esta unidad."
    if not isinstance(celda.mes, int) or not 1 <= celda.mes <= 12:
        return "Mes inválido."
    nombre_mes = NOMBRES_MES[celda.mes - 1].lower()
    if celda.mes > ultimo:
        return f"No se puede capturar {nombre_mes}: es un mes futuro."
    if celda.mes in cerrados:
        return (
            f"El mes de {nombre_mes} está cerrado por Planeación (periodo cerrado); "
            "solicite a Planeación su apertura."
        )
    try:
        exigir_meses_abiertos(
            meta=meta,
            meses=[celda.mes],
            accion="capturar el avance",
            usuario=usuario,
            autorizados=autorizados.get((meta.programa_id, meta.unidad_id), set()),
        )
    except TrimestreBloqueado as exc:
        return exc.mensaje
    error = error_de_realizado(celda.realizado)
    if error:
        return error
    if len(normalizar_observaciones(celda.observaciones)) > MAX_OBSERVACIONES:
        return f"Las observaciones admiten como máximo {MAX_OBSERVACIONES:,} caracteres."
    if "\x00" in (celda.observaciones or ""):
        return ERROR_NUL
    return None


def _conflictos_actuales(celdas: list[CeldaCaptura]) -> dict[Clave, Conflicto]:
    """Return the submitted cells whose stored version is no longer the one the user loaded."""
    esperadas = {c.clave: c for c in celdas}
    if not esperadas:
        return {}
    conflictos: dict[Clave, Conflicto] = {}
    filas = Avance.objects.filter(
        meta_id__in={c.meta_id for c in celdas}, mes__in={c.mes for c in celdas}
    ).values(*CAMPOS_CELDA)
    for fila in filas:
        clave = (fila["meta_id"], fila["mes"])
        celda = esperadas.get(clave)
        if celda is None or fila["version"] == celda.version_esperada:
            continue
        if fila["realizado"] == celda.realizado and fila[
            "observaciones"
        ] == normalizar_observaciones(celda.observaciones):
            continue  # both wrote the same thing: nothing to resolve
        conflictos[clave] = Conflicto(
            meta_id=clave[0],
            mes=clave[1],
            realizado=fila["realizado"],
            observaciones=fila["observaciones"],
            version=fila["version"],
            usuario=_nombre_usuario(
                fila["actualizado_por__first_name"] or "",
                fila["actualizado_por__last_name"] or "",
                fila["actualizado_por__username"],
            ),
            fecha=fila["actualizado_en"],
        )
    return conflictos


# --- Periodos y fechas límite (Planeación) ------------------------------------------------


@transaction.atomic
def periodos_cambiar(*, ejercicio, meses: Iterable[int], abierto: bool, usuario=None) -> int:
    """Open or close capture of `meses` of an ejercicio (a missing Periodo row means open)."""
    meses = sorted({int(m) for m in meses})
    if not meses or not all(1 <= m <= 12 for m in meses):
        raise ValueError("Meses inválidos.")
    existentes = set(
        Periodo.objects.filter(ejercicio=ejercicio, mes__in=meses).values_list("mes", flat=True)
    )
    Periodo.objects.filter(ejercicio=ejercicio, mes__in=meses).update(abierto=abierto)
    Periodo.objects.bulk_create(
        [Periodo(ejercicio=ejercicio, mes=m, abierto=abierto) for m in meses if m not in existentes]
    )
    logger.info(
        "Periodos %s: ejercicio=%s meses=%s usuario=%s",
        "abiertos" if abierto else "cerrados",
        ejercicio.anio,
        meses,
        getattr(usuario, "username", usuario),
    )
    return len(meses)


@transaction.atomic
def fecha_limite_fijar(*, ejercicio, trimestre: int, fecha: date | None, usuario=None) -> None:
    """Set a quarter's deadline; None returns it to the default (10 business days)."""
    if not 1 <= trimestre <= 4:
        raise ValueError("Trimestre inválido.")
    if fecha is None:
        FechaLimite.objects.filter(ejercicio=ejercicio, trimestre=trimestre).delete()
    else:
        FechaLimite.objects.update_or_create(
            ejercicio=ejercicio, trimestre=trimestre, defaults={"fecha": fecha}
        )
    logger.info(
        "Fecha límite: ejercicio=%s T%s=%s usuario=%s",
        ejercicio.anio,
        trimestre,
        fecha,
        getattr(usuario, "username", usuario),
    )


# --- Usuarios y asignaciones (Planeación) ------------------------------------------------


def asignacion_crear(*, datos: dict, usuario=None):
    """Create an Asignacion from validated form data."""
    asignacion = Asignacion.objects.create(
        usuario=datos["usuario"],
        rol=datos["rol"],
        ramo=datos.get("ramo"),
        programa=datos.get("programa"),
        unidad=datos.get("unidad"),
        cargo=datos.get("cargo", ""),
    )
    logger.info("Asignación creada: %s por %s", asignacion, getattr(usuario, "username", usuario))
    return asignacion


class AsignacionProtegida(Exception):
    def __init__(self, mensaje: str):
        super().__init__(mensaje)
        self.mensaje = mensaje


def asignacion_eliminar(*, asignacion, usuario) -> None:
    """Remove an assignment; Planeación cannot remove its own Planeación role (lock-out)."""
    if asignacion.usuario_id == usuario.pk and asignacion.rol == Asignacion.Rol.PLANEACION:
        raise AsignacionProtegida(
            "No puede quitarse su propio rol de Planeación; pida a otra persona de Planeación "
            "que lo haga."
        )
    logger.info("Asignación eliminada: %s por %s", asignacion, usuario.username)
    asignacion.delete()
