"""The tablero kept in the cache one (programa, unidad) at a time, each under its own data version.

Computing every meta of a municipality (3,000 through `programas.formulas`) takes about a
second, and during the quarterly close some unidad captures all the time. So the cache does
not hold the finished tablero: it holds one `ResumenPar` per pair (`reportes.tablero`), each
with the digest of that pair's own data, for a quarter, a cut and the thresholds (`resumenes`
says how they are stored). A request reads, in one query (`leer_datos`), the structure of
the ejercicio (claves and names of ramos, programas and unidades, fresh every time), the
sign-off state of each pair and the digest of each pair; it takes the summaries it finds,
recomputes only the missing ones (`reportes.selectors.filas_por_par`, constant queries) and
adds them up to the levels (`armar_tablero`). A change in one unidad recomputes that
unidad's ten metas, not 3,000.

The digest reads the data's state itself, whatever wrote it (services, the importer, the
admin, a bulk `update()`): per pair, aggregates of its metas (count, ids, meta anual,
inicio, tipo, sentido, orden, text lengths, latest history id), of their avances (count,
captured, Σ version, latest timestamp, weighted sums of the values and of the length of
the observaciones), programados and reprogramaciones. It is read *before* the figures, so
a write that lands in between leaves newer figures under the older digest, never the
reverse: the next request sees the new digest and recomputes. The scope never enters a
summary: a user sees the pairs their scope reaches (`Alcance.q_metas`'s rule, applied to
the pairs). The MIR indicators are cached per selection and scope under their own digest
(`reportes.tablero_indicadores`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q

from avances.calendario import fechas_limite, hoy
from avances.insumos import umbrales_de
from avances.models import Avance, TrimestreFirma
from programas import formulas
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
from reportes.selectors import filas_por_par, mes_corte_de
from reportes.tablero import Lugar, ResumenPar, Tablero, armar_tablero, resumir_par

# Keys carry the data version, so expiry only bounds memory (and a new month, a new cut).
SEGUNDOS = getattr(settings, "POA_TABLERO_CACHE_SEGUNDOS", 6 * 3600)
Par = tuple[int, int]


def texto_sql(*expresiones: str) -> str:
    """Aggregates as one text column, ':'-separated (the same SQL on SQLite and PostgreSQL)."""
    return " || ':' || ".join(
        f"COALESCE(CAST(({expresion}) AS VARCHAR), '')" for expresion in expresiones
    )


def tabla(modelo) -> str:
    return connection.ops.quote_name(modelo._meta.db_table)


def _sql_datos() -> str:
    """The structure, the sign-off states and per-pair aggregates, as (kind, a, b, t1, t2).

    Each large table is first aggregated per meta (no join: a semi-join on the ejercicio's
    metas), then the 3,000 meta rows are joined to their pairs."""
    meta, programa, ramo = tabla(Meta), tabla(Programa), tabla(Ramo)
    estructura_de_m = (
        f"JOIN {programa} p ON p.id = m.programa_id JOIN {ramo} r ON r.id = p.ramo_id "
        "WHERE r.ejercicio_id = %s"
    )
    metas_del_ejercicio = f"SELECT m.id FROM {meta} m {estructura_de_m}"
    peso = "(m.id %% 1009 + 1)"
    tipo = (
        "CASE m.tipo_acumulacion WHEN 'SUMA' THEN 1 WHEN 'PROMEDIO' THEN 2 "
        "WHEN 'ULTIMO' THEN 3 ELSE 4 END"
    )
    textos = "LENGTH(m.clave) + 3 * LENGTH(m.descripcion) + 7 * LENGTH(m.unidad_medida)"
    agregados = [
        "SELECT 'm', m.programa_id, m.unidad_id, " + texto_sql(
            "COUNT(*)", "MAX(m.id)", f"SUM(m.meta_anual * {peso})",
            f"SUM(m.mes_inicio * {peso})", f"SUM({tipo} * {peso})",
            f"SUM(LENGTH(m.sentido) * {peso})", f"SUM(m.orden * {peso})",
            f"SUM(({textos}) * {peso})",
        ) + f", '' FROM {meta} m {estructura_de_m} GROUP BY m.programa_id, m.unidad_id",
        # Edits through the models (admin, services) leave a history row.
        "SELECT 'h', m.programa_id, m.unidad_id, "
        + texto_sql("MAX(m.history_id)", "COUNT(*)")
        + f", '' FROM {tabla(Meta.history.model)} m WHERE m.programa_id IN "
        f"(SELECT p.id FROM {programa} p JOIN {ramo} r ON r.id = p.ramo_id "
        f"WHERE r.ejercicio_id = %s) GROUP BY m.programa_id, m.unidad_id",
    ]  # fmt: skip
    por_meta = {
        "a": (Avance, (
            "COUNT(*)", "COUNT(x.realizado)", "SUM(x.version)", "SUM(x.realizado * x.mes)",
            "SUM(LENGTH(x.observaciones) * x.mes)",
        ), ("MAX(x.actualizado_en)",)),
        "p": (Programado, ("COUNT(*)", "SUM(x.valor * x.mes)", "SUM(x.valor)"), ()),
        "r": (Reprogramacion, (
            "COUNT(*)", "MAX(x.id)", "SUM(x.mes_desde * x.id)", "SUM(x.meta_anual_anterior)",
            "SUM(x.mes_inicio_anterior * x.id)",
        ), ()),
    }  # fmt: skip
    for tipo_, (modelo, sumas, maximos) in por_meta.items():
        columnas = [*sumas, *maximos]
        interior = ", ".join(f"{e} AS c{i}" for i, e in enumerate(columnas))
        exterior = [f"SUM(d.c{i} * {peso})" for i in range(len(sumas))]
        exterior += [f"MAX(d.c{i})" for i in range(len(sumas), len(columnas))]
        agregados.append(
            f"SELECT '{tipo_}', m.programa_id, m.unidad_id, {texto_sql(*exterior)}, '' "
            f"FROM (SELECT x.meta_id AS meta_id, {interior} FROM {tabla(modelo)} x "
            f"WHERE x.meta_id IN ({metas_del_ejercicio}) GROUP BY x.meta_id) d "
            f"JOIN {meta} m ON m.id = d.meta_id GROUP BY m.programa_id, m.unidad_id"
        )
    estructura = [
        f"SELECT 'R', r.id, 0, r.clave, r.nombre FROM {ramo} r WHERE r.ejercicio_id = %s",
        f"SELECT 'P', p.id, p.ramo_id, p.clave, p.nombre FROM {programa} p "
        f"JOIN {ramo} r ON r.id = p.ramo_id WHERE r.ejercicio_id = %s",
        f"SELECT 'U', u.id, u.ramo_id, u.clave, u.nombre FROM {tabla(UnidadEjecutora)} u "
        f"JOIN {ramo} r ON r.id = u.ramo_id WHERE r.ejercicio_id = %s",
        f"SELECT 'f', f.programa_id, f.unidad_id, f.estado, '' FROM {tabla(TrimestreFirma)} f "
        f"JOIN {programa} p ON p.id = f.programa_id JOIN {ramo} r ON r.id = p.ramo_id "
        f"WHERE r.ejercicio_id = %s AND f.trimestre = %s",
    ]
    return "\nUNION ALL\n".join(estructura + agregados)


@dataclass
class DatosEjercicio:
    """What one query says about an ejercicio: structure, sign-off states, pair digests."""

    ramos: dict[int, tuple[str, str]] = field(default_factory=dict)
    programas: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    unidades: dict[int, tuple[str, str]] = field(default_factory=dict)
    estados: dict[Par, str] = field(default_factory=dict)
    versiones: dict[Par, str] = field(default_factory=dict)  # pairs with metas only

    def lugar(self, par: Par) -> Lugar:
        ramo_id, programa_clave, programa_nombre = self.programas[par[0]]
        ramo, unidad = self.ramos[ramo_id], self.unidades[par[1]]
        return Lugar(ramo_id, *ramo, par[0], programa_clave, programa_nombre, par[1], *unidad)

    @property
    def digest_estructura(self) -> str:
        texto = repr((sorted(self.ramos.items()), sorted(self.programas.items()),
                      sorted(self.unidades.items())))  # fmt: skip
        return hashlib.sha256(texto.encode()).hexdigest()[:16]


def leer_datos(ejercicio_id: int, trimestre: int) -> DatosEjercicio:
    """The structure, the quarter's sign-off states and a digest per pair; one query."""
    datos, partes = DatosEjercicio(), defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_sql_datos(), [ejercicio_id] * 4 + [trimestre] + [ejercicio_id] * 5)
        for tipo, a, b, texto, nombre in cursor.fetchall():
            if tipo == "R":
                datos.ramos[a] = (texto, nombre)
            elif tipo == "P":
                datos.programas[a] = (b, texto, nombre)
            elif tipo == "U":
                datos.unidades[a] = (texto, nombre)
            elif tipo == "f":
                datos.estados[(a, b)] = texto
            else:
                partes[(a, b)].append(f"{tipo}={texto}")
    for par, lista in partes.items():
        if any(p.startswith("m=") for p in lista):
            digest = hashlib.sha256("|".join(sorted(lista)).encode()).hexdigest()[:20]
            datos.versiones[par] = digest
    return datos


def visible(alcance: Alcance, lugar: Lugar) -> bool:
    """`Alcance.q_metas` on a pair: its unidad, its programa or its ramo is in the scope."""
    return (
        alcance.planeacion
        or lugar.unidad_id in alcance.unidades
        or lugar.programa_id in alcance.programas
        or lugar.ramo_id in alcance.ramos
    )


def _en_seleccion(lugar: Lugar, ramo_id, programa_id, unidad_id) -> bool:
    return (
        (ramo_id is None or lugar.ramo_id == ramo_id)
        and (programa_id is None or lugar.programa_id == programa_id)
        and (unidad_id is None or lugar.unidad_id == unidad_id)
    )


def llave_alcance(alcance: Alcance) -> str:
    """The scope's ids, hashed: a changed assignment never reuses another scope's figures."""
    if alcance.planeacion:
        return "planeacion"
    partes = (alcance.unidades, alcance.programas, alcance.ramos)
    texto = "|".join(",".join(map(str, sorted(p))) for p in partes)
    return hashlib.sha256(texto.encode()).hexdigest()[:16]


def llave_umbrales(umbrales: formulas.Umbrales) -> str:
    u = umbrales
    return "-".join(str(v) for v in (u.verde_min, u.verde_max, u.amarillo_min, u.amarillo_max))


@dataclass(frozen=True)
class Corte:
    """What a pair's summary depends on besides its data."""

    ejercicio_id: int
    trimestre: int
    corte: int
    umbrales: formulas.Umbrales

    def llave(self, par: Par | None = None, version: str = "") -> str:
        """The key of the ejercicio's light summaries (one entry), or of one pair's detailed
        summary under its version."""
        partes = ["tablero-pares", self.ejercicio_id, self.trimestre, self.corte,
                  llave_umbrales(self.umbrales)]  # fmt: skip
        if par is not None:
            partes += ["detalle", par[0], par[1], version]
        return ":".join(map(str, partes))


def _calcular(corte: Corte, faltan: list[Par], detalle: set[Par]) -> dict[Par, ResumenPar]:
    """The summaries of the missing pairs: one `filas_por_par` call, constant queries; each
    pair's metas are summarised as they come and let go."""
    sus_filas = filas_por_par(
        ejercicio_id=corte.ejercicio_id,
        trimestre=corte.trimestre,
        corte=corte.corte,
        umbrales=corte.umbrales,
        filtro=Q(programa_id__in={p for p, _ in faltan}, unidad_id__in={u for _, u in faltan}),
        pares=set(faltan),
    )
    resumir = partial(
        resumir_par, trimestre=corte.trimestre, corte=corte.corte, umbrales=corte.umbrales
    )
    resultado = {par: resumir(par, filas, detalle=par in detalle) for par, filas in sus_filas}
    # A pair with no meta in force this quarter is summarised as empty (and cached so).
    for par in faltan:
        if par not in resultado:
            resultado[par] = resumir(par, [], detalle=par in detalle)
    return resultado


def resumenes(
    corte: Corte, versiones: dict[Par, str], *, detalle: set[Par] = frozenset()
) -> dict[Par, ResumenPar]:
    """The summary of each pair of `versiones`: from the cache when stored under the pair's
    current version, else computed (only the missing ones) and stored.

    The light summaries of an ejercicio share one entry, {pair: (version, summary)} (~250 kB
    for 3,000 metas), so a municipality never fills a bounded cache with hundreds of keys;
    the few detailed ones (one unidad, one meta's trend) have a key each."""
    guardados = cache.get(corte.llave()) or {}
    resultado = {
        par: resumen
        for par, (version, resumen) in guardados.items()
        if par not in detalle and versiones.get(par) == version
    }
    llaves = {par: corte.llave(par, versiones[par]) for par in detalle if par in versiones}
    if llaves:
        en_cache = cache.get_many(list(llaves.values()))
        resultado |= {par: en_cache[llave] for par, llave in llaves.items() if llave in en_cache}
    faltan = [par for par in versiones if par not in resultado]
    if not faltan:
        return resultado
    nuevos = _calcular(corte, faltan, detalle)
    ligeros = {par: (versiones[par], r) for par, r in nuevos.items() if par not in detalle}
    if ligeros:
        cache.set(corte.llave(), guardados | ligeros, SEGUNDOS)
    if detallados := {llaves[par]: r for par, r in nuevos.items() if par in detalle}:
        cache.set_many(detallados, SEGUNDOS)
    return resultado | nuevos


def tablero_en_cache(
    *,
    alcance: Alcance,
    anio: int,
    trimestre: int,
    nivel: str,
    ramo_id: int | None = None,
    programa_id: int | None = None,
    unidad_id: int | None = None,
    meta: Meta | None = None,
    ejercicio: Ejercicio | None = None,
    dia: date | None = None,
    datos: DatosEjercicio | None = None,
) -> Tablero | None:
    """The tablero of a selection in the user's scope (None: no metas in force there).

    Same figures as `reportes.tablero.tablero_datos` over `reporte_datos`, from the pairs'
    summaries. `ejercicio` and `datos` (`leer_datos`), when the caller has them, spare a
    query each; `meta` asks for its monthly trend.
    """
    dia = dia or hoy()
    if ejercicio is None or ejercicio.anio != anio:
        ejercicio = Ejercicio.objects.filter(anio=anio).first()
        if ejercicio is None:
            return None
    datos = datos or leer_datos(ejercicio.pk, trimestre)
    lugares = sorted(
        (
            lugar
            for lugar in map(datos.lugar, datos.versiones)
            if _en_seleccion(lugar, ramo_id, programa_id, unidad_id) and visible(alcance, lugar)
        ),
        key=lambda lugar: lugar.orden,
    )
    detalle = {lugar.par for lugar in lugares} if nivel == "unidad" else set()
    if meta is not None:
        detalle.add((meta.programa_id, meta.unidad_id))
    corte = Corte(ejercicio.pk, trimestre, mes_corte_de(anio, dia), umbrales_de(ejercicio))
    por_par = resumenes(
        corte, {lugar.par: datos.versiones[lugar.par] for lugar in lugares}, detalle=detalle
    )
    pares = [(lugar, por_par[lugar.par]) for lugar in lugares if por_par[lugar.par].metas]
    if not pares:
        return None
    fecha, _ = fechas_limite(ejercicio)[trimestre]
    return armar_tablero(
        pares,
        anio=anio,
        trimestre=trimestre,
        corte=corte.corte,
        umbrales=corte.umbrales,
        nivel=nivel,
        estados=datos.estados,
        fecha_limite=fecha,
        meta_id=meta.pk if meta is not None else None,
    )
