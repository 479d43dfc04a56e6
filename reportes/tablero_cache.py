"""The tablero's figures kept in the cache, keyed by a version of the data they come from.

Computing the tablero of a whole municipality means every meta through `reporte_datos` and
the pure formula module (~2 s for 3,000 metas). The figures only change when the data does,
so the finished `Tablero` is cached under a key made of the selection, the user's scope
(its ids, so a changed assignment never reuses another scope's figures), today's date (the
cut and the days to the deadline) and `version_datos()`.

`version_datos()` reads the data's state itself, whatever wrote it (services, the importer,
the admin, a bulk `update()`): one query of aggregates over the large tables — counts,
sums of values and of versions, the latest timestamps and history ids — and the rows of the
ejercicio's structure (ramos, programas, unidades, umbrales, deadlines), hashed. Any
capture, edit, reprogramación or sign-off changes it, so a cached tablero is never stale;
the figures themselves are still computed only by `reportes.tablero.tablero_datos`.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from avances.calendario import hoy
from avances.models import Avance, FechaLimite, TrimestreFirma
from programas.models import (
    Ejercicio,
    Meta,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)
from programas.scope import Alcance
from reportes.selectors import AlcanceVacio, reporte_datos
from reportes.tablero import Tablero, tablero_datos

SEGUNDOS = getattr(settings, "POA_TABLERO_CACHE_SEGUNDOS", 900)
SIN_METAS = "__sin_metas__"


def _texto(expresion: str) -> str:
    return f"COALESCE(CAST(({expresion}) AS VARCHAR), '')"


def _sql_version() -> str:
    """One query: a row of aggregates over the large tables, then the structure's rows."""
    q = connection.ops.quote_name
    avance, programado = q(Avance._meta.db_table), q(Programado._meta.db_table)
    meta, historia = q(Meta._meta.db_table), q(Meta.history.model._meta.db_table)
    reprogramacion, firma = q(Reprogramacion._meta.db_table), q(TrimestreFirma._meta.db_table)
    ejercicio, ramo = q(Ejercicio._meta.db_table), q(Ramo._meta.db_table)
    programa, unidad = q(Programa._meta.db_table), q(UnidadEjecutora._meta.db_table)
    limite = q(FechaLimite._meta.db_table)
    agregados = " || ':' || ".join(
        _texto(f"SELECT {expresion} FROM {tabla}")
        for tabla, expresion in (
            (avance, "COUNT(*)"), (avance, "COUNT(realizado)"), (avance, "SUM(version)"),
            (avance, "MAX(actualizado_en)"), (avance, "SUM(realizado * mes)"),
            (avance, "SUM(realizado * (meta_id %% 101 + 1))"),
            (avance, "SUM(LENGTH(observaciones))"), (programado, "COUNT(*)"),
            (programado, "SUM(valor * mes)"), (programado, "SUM(valor * (meta_id %% 101 + 1))"),
            (meta, "COUNT(*)"), (meta, "MAX(id)"), (meta, "SUM(meta_anual * mes_inicio)"),
            (historia, "MAX(history_id)"), (reprogramacion, "COUNT(*)"),
            (reprogramacion, "MAX(id)"), (firma, "COUNT(*)"), (firma, "SUM(version)"),
            (firma, "MAX(actualizado_en)"),
        )
    )  # fmt: skip
    del_ejercicio = f"(SELECT id FROM {ejercicio} WHERE anio = %s)"
    return f"""
        SELECT 'a', 0, {agregados}, '', 0
        UNION ALL
        SELECT 'e', id, {_texto("verde_min")} || ':' || {_texto("verde_max")} || ':' ||
               {_texto("amarillo_min")} || ':' || {_texto("amarillo_max")}, '', 0
          FROM {ejercicio} WHERE anio = %s
        UNION ALL
        SELECT 'r', id, clave, nombre, 0 FROM {ramo} WHERE ejercicio_id = {del_ejercicio}
        UNION ALL
        SELECT 'p', p.id, p.clave, p.nombre, p.ramo_id FROM {programa} p
          JOIN {ramo} r ON r.id = p.ramo_id WHERE r.ejercicio_id = {del_ejercicio}
        UNION ALL
        SELECT 'u', u.id, u.clave, u.nombre, u.ramo_id FROM {unidad} u
          JOIN {ramo} r ON r.id = u.ramo_id WHERE r.ejercicio_id = {del_ejercicio}
        UNION ALL
        SELECT 'f', trimestre, {_texto("fecha")}, '', 0 FROM {limite}
          WHERE ejercicio_id = {del_ejercicio}
    """


def version_datos(anio: int) -> str:
    """A digest of everything the tablero of `anio` reads; one query whatever the size."""
    with connection.cursor() as cursor:
        cursor.execute(_sql_version(), [anio] * 5)
        filas = sorted(tuple(map(str, fila)) for fila in cursor.fetchall())
    return hashlib.sha256(repr(filas).encode()).hexdigest()[:24]


def _llave_alcance(alcance: Alcance) -> str:
    if alcance.planeacion:
        return "planeacion"
    partes = (alcance.unidades, alcance.programas, alcance.ramos)
    texto = "|".join(",".join(map(str, sorted(p))) for p in partes)
    return hashlib.sha256(texto.encode()).hexdigest()[:16]


def tablero_en_cache(
    *,
    alcance: Alcance,
    anio: int,
    trimestre: int,
    nivel: str,
    ramo_id: int | None = None,
    programa_id: int | None = None,
    unidad_id: int | None = None,
    meta_id: int | None = None,
    ejercicio: Ejercicio | None = None,
    dia: date | None = None,
) -> Tablero | None:
    """The tablero of a selection in the user's scope (None: no metas in force there).

    Built by `reporte_datos` + `tablero_datos` the first time, then read from the cache
    until the data, the scope or the day change. `ejercicio` (the model, when the caller
    has it) spares a query.
    """
    dia = dia or hoy()
    llave = ":".join(
        str(p)
        for p in (
            "tablero", anio, trimestre, nivel, ramo_id, programa_id, unidad_id, meta_id,
            _llave_alcance(alcance), dia.isoformat(), version_datos(anio),
        )
    )  # fmt: skip
    guardado = cache.get(llave)
    if guardado is not None:
        return None if isinstance(guardado, str) else guardado
    try:
        datos = reporte_datos(
            anio=anio,
            trimestre=trimestre,
            ramo_id=ramo_id,
            programa_id=programa_id,
            unidad_id=unidad_id,
            filtro_alcance=None if alcance.planeacion else alcance.q_metas(),
        )
    except AlcanceVacio:
        cache.set(llave, SIN_METAS, SEGUNDOS)
        return None
    tablero = tablero_datos(datos, nivel=nivel, meta_id=meta_id, ejercicio=ejercicio)
    cache.set(llave, tablero, SEGUNDOS)
    return tablero
