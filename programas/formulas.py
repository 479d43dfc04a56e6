"""Every formula of the POA (DOMAIN.md §2–§5), as pure functions over Decimal.

No ORM and no Django: screens, PDF/XLSX reports and capture validation build plain
inputs (`DatosMeta`) and call `calcular_meta` / `calcular_totales`, or the single
formulas below. Percentages are exact Decimals ×100; rounding happens only when a value
is displayed (`programas.numeros`).

Conventions: months are 1..12 in arguments and index 0 = enero in 12-item series; a
realized value of ``None`` means "not captured" (distinct from 0); a programmed value of
0 means "nothing programmed".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from functools import cached_property

# Months, quarters, the vigencia and the report deadline live in programas.plazos, the value
# types in programas.valores; they are re-exported here so `formulas.CambioVigencia`,
# `formulas.Porcentaje` & co. keep working.
from programas.plazos import (  # noqa: F401
    CambioVigencia,
    Vigencia,
    _validar_mes,
    _validar_trimestre,
    fecha_limite_trimestre,
    meses_del_trimestre,
    trimestre_de_mes,
    vigencia_al_mes,
)
from programas.valores import (  # noqa: F401
    PORCENTAJE_NP,
    PORCENTAJE_SIN_CAPTURA,
    PORCENTAJE_VACIO,
    UMBRALES,
    Estado,
    Porcentaje,
    Semaforo,
    Sentido,
    TipoAcumulacion,
    Umbrales,
)

CIEN = Decimal(100)
CERO = Decimal(0)

# Generous precision for divisions: values have at most 16 integer digits and 2 decimals,
# so 34 significant digits keep every quotient exact well beyond any display rounding.
_CONTEXTO = Context(prec=34)


def _por_cien(numerador: Decimal, denominador: Decimal) -> Decimal:
    """numerador × 100 / denominador in the generous context (explicit: no thread state)."""
    return _CONTEXTO.divide(_CONTEXTO.multiply(numerador, CIEN), denominador)


def agregar(valores: Iterable[Decimal | None], tipo: TipoAcumulacion | str) -> Decimal | None:
    """Combine monthly values by tipo de acumulación (DOMAIN.md §2 table); None if none has one."""
    if type(tipo) is not TipoAcumulacion:
        tipo = TipoAcumulacion(tipo)
    con_valor = [v for v in valores if v is not None]
    if not con_valor:
        return None
    if tipo is TipoAcumulacion.SUMA:
        return sum(con_valor, CERO)
    if tipo is TipoAcumulacion.PROMEDIO:
        return _CONTEXTO.divide(sum(con_valor, CERO), len(con_valor))
    if tipo is TipoAcumulacion.ULTIMO:
        return con_valor[-1]
    return max(con_valor)


def agregar_programado(programados: Iterable[Decimal], tipo: TipoAcumulacion | str) -> Decimal:
    """Combine programmed months by tipo (DOMAIN.md §2), reading 0 as "nothing programmed".

    For PROMEDIO and ÚLTIMO a 0 is not a programmed value (a rate programmed only in
    March must not be averaged with two empty months); SUMA and MÁXIMO are unaffected.
    Returns 0 when nothing is programmed.
    """
    if tipo is TipoAcumulacion.SUMA:  # the common case, same result without the detour
        return sum((p for p in programados if p), CERO)
    resultado = agregar((p if p else None for p in programados), tipo)
    return CERO if resultado is None else resultado


def porcentaje(
    realizado: Decimal | None, programado: Decimal | None, *, vencido: bool = True
) -> Porcentaje:
    """Return R / P × 100 with the edge cases of DOMAIN.md §4 ("% mensual (P/R)").

    P = 0 (or None) and R > 0 → N/P; P = 0 and R blank or 0 → empty; P > 0 and R blank →
    "sin captura" if the period is closed (`vencido`), else empty.
    """
    if not programado:
        if realizado is not None and realizado > 0:
            return PORCENTAJE_NP
        return PORCENTAJE_VACIO
    if realizado is None:
        return PORCENTAJE_SIN_CAPTURA if vencido else PORCENTAJE_VACIO
    return Porcentaje(_por_cien(realizado, programado), Estado.NUMERO)


def avance_absoluto(
    realizados12: Sequence[Decimal | None],
    tipo: TipoAcumulacion | str,
    *,
    mes_inicio: int,
    mes_fin: int,
) -> Decimal | None:
    """Aggregate R over months mes_inicio..mes_fin (DOMAIN.md §4 "Avance absoluto").

    None when no month of the window has a captured value (including an empty window,
    i.e. a meta whose vigencia starts after `mes_fin`).
    """
    _validar_serie(realizados12, "realizados12")
    _validar_mes(mes_inicio)
    _validar_mes(mes_fin)
    return agregar(realizados12[mes_inicio - 1 : mes_fin], tipo)


def acumulado_relativo(
    avance_absoluto: Decimal | None, meta_anual: Decimal, *, vencido: bool = True
) -> Porcentaje:
    """Return avance absoluto / meta anual × 100 (DOMAIN.md §4 "Acumulado relativo").

    Meta 0 → N/P if something was realized, else empty. A blank avance against a meta
    above 0 is "sin captura" when something was already due (`vencido`), else empty.
    """
    return porcentaje(avance_absoluto, meta_anual, vencido=vencido)


def porcentaje_ponderado(avance_absoluto: Decimal | None, suma_metas: Decimal) -> Porcentaje:
    """Return avance absoluto / Σ meta anual (SUMA metas) × 100 (DOMAIN.md §4 "ponderado").

    A blank avance weighs as 0: the column is a share of the whole report, not a check on
    this meta's capture.
    """
    if avance_absoluto is None:
        avance_absoluto = CERO
    if not suma_metas:
        return PORCENTAJE_NP if avance_absoluto > 0 else PORCENTAJE_VACIO
    return Porcentaje(_por_cien(avance_absoluto, suma_metas), Estado.NUMERO)


def por_realizar(meta_anual: Decimal, avance_absoluto: Decimal | None) -> Decimal:
    """Return max(meta anual − avance absoluto, 0) (DOMAIN.md §4 "Por realizar")."""
    pendiente = meta_anual - (avance_absoluto if avance_absoluto is not None else CERO)
    return max(pendiente, CERO)


def variacion(realizado: Decimal | None, programado: Decimal) -> Decimal | None:
    """Return R − P, or None when R is blank (DOMAIN.md §4 "Variación")."""
    if realizado is None:
        return None
    return realizado - programado


def _sumar(valores: Decimal | Iterable[Decimal | None] | None) -> Decimal | None:
    if valores is None or isinstance(valores, Decimal | int):
        return valores
    return agregar(valores, TipoAcumulacion.SUMA)


def indice_eficiencia(
    logradas: Decimal | Iterable[Decimal | None] | None,
    programadas: Decimal | Iterable[Decimal],
    *,
    vencido: bool = True,
) -> Porcentaje:
    """Return Σ logradas / Σ programadas × 100 (DOMAIN.md §4 "Índice de eficiencia").

    Either argument may be a total or the per-activity values to add up.
    """
    return porcentaje(_sumar(logradas), _sumar(programadas), vencido=vencido)


def cumplimiento(
    realizado: Decimal | None,
    programado: Decimal | None,
    sentido: Sentido | str,
    *,
    vencido: bool = True,
) -> Porcentaje:
    """Return the cumplimiento the semáforo reads (DOMAIN.md §4 "Sentido descendente").

    Ascendente: R / P × 100, exactly `porcentaje`. Descendente: P / R × 100 for R > 0 —
    doing less than programmed is good. Descendente with R = 0 and P > 0 means the goal
    was reached in full (nothing of what had to go down happened); P / R has no value
    there, so the rule is: cumplimiento = 100 % (verde, no justification required). The
    other edge cases are those of `porcentaje` (P = 0 < R → N/P, blanks → empty or
    "sin captura").
    """
    sentido = Sentido(sentido)
    base = porcentaje(realizado, programado, vencido=vencido)
    if sentido is Sentido.ASCENDENTE or not base.es_numero:
        return base
    assert realizado is not None and programado  # guaranteed by base.es_numero
    if realizado == 0:
        return Porcentaje(CIEN, Estado.NUMERO)
    return Porcentaje(_por_cien(programado, realizado), Estado.NUMERO)


def semaforo(c: Porcentaje, umbrales: Umbrales = UMBRALES) -> Semaforo:
    """Classify a cumplimiento into the semáforo bands (DOMAIN.md §4 "Semáforo").

    Verde [verde_min, verde_max]; amarillo [amarillo_min, verde_min) or
    (verde_max, amarillo_max]; rojo otherwise. N/P, "sin captura" and empty have their own
    marks.
    """
    if c.estado is Estado.NP:
        return Semaforo.NP
    if c.estado is Estado.SIN_CAPTURA:
        return Semaforo.SIN_CAPTURA
    if c.estado is Estado.VACIO:
        return Semaforo.VACIO
    valor = c.valor
    assert valor is not None
    if umbrales.verde_min <= valor <= umbrales.verde_max:
        return Semaforo.VERDE
    if umbrales.amarillo_min <= valor <= umbrales.amarillo_max:
        return Semaforo.AMARILLO
    return Semaforo.ROJO


def requiere_justificacion(c: Porcentaje, umbrales: Umbrales = UMBRALES) -> bool:
    """Tell whether an observación/justificación is required (DOMAIN.md §4 "Semáforo").

    True for a number outside the verde band and for N/P; a blank or "sin captura" cell is
    a missing capture, not a variance to justify.
    """
    return semaforo(c, umbrales) in (Semaforo.AMARILLO, Semaforo.ROJO, Semaforo.NP)


# --- High-level helpers shared by every screen and report --------------------------------


def _validar_serie(serie: Sequence[object], nombre: str) -> None:
    if len(serie) != 12:
        raise ValueError(f"{nombre}: se esperan 12 meses, hay {len(serie)}.")
    for valor in serie:
        if isinstance(valor, float):
            raise TypeError(f"{nombre}: los valores deben ser Decimal, no float ({valor!r}).")


@dataclass(frozen=True)
class DatosMeta:
    """Plain input of one meta for `calcular_meta` (no ORM objects)."""

    # Programmed value per month, index 0 = enero; 0 = nothing programmed.
    programado: tuple[Decimal, ...]
    # Realized value per month, index 0 = enero; None = not captured (≠ 0).
    realizado: tuple[Decimal | None, ...]
    # Current meta anual (the one in force today, after every cambio).
    meta_anual: Decimal
    # Current first month of the vigencia (DOMAIN.md §3).
    mes_inicio: int = 1
    # History of reprogramaciones / re-issues, oldest first (see `vigencia_al_mes`).
    cambios: tuple[CambioVigencia, ...] = ()
    tipo: TipoAcumulacion = TipoAcumulacion.SUMA
    sentido: Sentido = Sentido.ASCENDENTE

    def __post_init__(self) -> None:
        # Accept lists and model TextChoices from callers, store tuples and our enums.
        object.__setattr__(self, "programado", tuple(self.programado))
        object.__setattr__(self, "realizado", tuple(self.realizado))
        object.__setattr__(self, "cambios", tuple(self.cambios))
        object.__setattr__(self, "tipo", TipoAcumulacion(self.tipo))
        object.__setattr__(self, "sentido", Sentido(self.sentido))
        _validar_serie(self.programado, "programado")
        _validar_serie(self.realizado, "realizado")
        if any(p is None for p in self.programado):
            raise ValueError("programado: use 0 (no None) para un mes sin programación.")
        if isinstance(self.meta_anual, float):
            raise TypeError("meta_anual debe ser Decimal, no float.")
        _validar_mes(self.mes_inicio)


class _Celda:
    """A month or quarter cell (`programado`, `realizado`, `vencido`): its R / P and R − P,
    computed on first use — most readers (the tablero, the capture check) only need P and
    R, and the divisions are the bulk of `calcular_meta`'s work."""

    programado: Decimal
    realizado: Decimal | None
    vencido: bool

    @cached_property
    def porcentaje(self) -> Porcentaje:
        """R / P ("P/R", OROMAPAS "% avance trimestral"): NUMERO, N/P, sin captura or empty."""
        return porcentaje(self.realizado, self.programado, vencido=self.vencido)

    @cached_property
    def variacion(self) -> Decimal | None:
        """R − P; None when R is blank."""
        return variacion(self.realizado, self.programado)


@dataclass(frozen=True)
class CalculoMes(_Celda):
    """One month of a meta as of the reported quarter."""

    mes: int  # 1..12
    programado: Decimal  # P[k]
    # R[k]; None if not captured or if the month lies after the reported quarter.
    realizado: Decimal | None
    vigente: bool  # the month is inside the vigencia (≥ vigencia.mes_inicio)
    vencido: bool  # the month is closed as of the report (≤ the cut): blank R is missing


@dataclass(frozen=True)
class CalculoTrimestre(_Celda):
    """One quarter of a meta, months aggregated by the meta's tipo."""

    trimestre: int  # 1..4
    programado: Decimal  # agg(P, months of q); 0 when nothing programmed
    realizado: Decimal | None  # agg(R, months of q); None when nothing captured
    vencido: bool  # a month of the quarter with something programmed is closed


@dataclass(frozen=True)
class CalculoMeta:
    """Every figure a report or screen shows for one meta and reported quarter.

    A snapshot as of the end of `trimestre`: realized values of later months are ignored
    (a Q1 report generated in December shows what Q1 showed). Values are exact; round
    only when displaying (`programas.numeros`).
    """

    trimestre: int  # the reported quarter
    mes_corte: int  # last closed month considered (0..12) as given by the caller
    # meta_anual and mes_inicio in force at the end of the reported quarter (DOMAIN.md §3).
    vigencia: Vigencia
    # The first authorized meta anual (before any cambio): "original" next to vigencia's
    # "modificada"; equal to vigencia.meta_anual when the meta was never changed.
    meta_anual_original: Decimal
    meses: tuple[CalculoMes, ...]  # 12 items, meses[0] = enero; history included
    # Months ≤ min(mes_corte, end of quarter) with P > 0 and R blank: capture is missing.
    meses_sin_captura: tuple[int, ...]
    # The reported quarter (same values as trimestres[trimestre - 1]).
    programado_trimestre: Decimal
    realizado_trimestre: Decimal | None  # OROMAPAS "Actividades realizadas en el trimestre"
    porcentaje_trimestral: Porcentaje  # OROMAPAS "% avance trimestral"
    # agg(R, vigencia.mes_inicio .. end of quarter); None when nothing captured there.
    avance_absoluto: Decimal | None
    acumulado_relativo: Porcentaje  # avance_absoluto / vigencia.meta_anual ("% avance anual")
    por_realizar: Decimal  # max(vigencia.meta_anual − avance_absoluto, 0)
    cumplimiento: Porcentaje  # of the quarter, by sentido; what the semáforo reads
    semaforo: Semaforo
    requiere_justificacion: bool  # cumplimiento outside verde or N/P
    # What the figures below are computed from on first use (most readers never ask):
    # the reported quarter's own cell, P by month, R as aggregated (`_realizado_con_dato`),
    # the tipo and the cut.
    reportado: CalculoTrimestre = field(repr=False)
    programado: tuple[Decimal, ...] = field(repr=False)
    para_agregar: tuple[Decimal | None, ...] = field(repr=False)
    tipo: TipoAcumulacion = field(repr=False)
    corte: int = field(repr=False)  # min(mes_corte, end of the reported quarter)

    @cached_property
    def trimestres(self) -> tuple[CalculoTrimestre, ...]:
        """The 4 quarters (trimestres[0] = Ene-Mar), their months aggregated by tipo."""
        return tuple(
            self.reportado
            if q == self.trimestre
            else _calcular_trimestre(q, self.programado, self.para_agregar, self.tipo, self.corte)
            for q in range(1, 5)
        )

    # Annual totals over the 12 months by tipo (Tesorería "total": SUMA sum, MÁXIMO max),
    # months before the vigencia included, realized only up to the reported quarter.
    @cached_property
    def total_programado(self) -> Decimal:
        return agregar_programado(self.programado, self.tipo)

    @cached_property
    def total_realizado(self) -> Decimal | None:
        return agregar(self.para_agregar, self.tipo)

    @cached_property
    def variacion_total(self) -> Decimal | None:
        """total_realizado − total_programado."""
        return variacion(self.total_realizado, self.total_programado)


def _realizado_con_dato(
    programado: Sequence[Decimal], realizado: Sequence[Decimal | None], tipo: TipoAcumulacion
) -> tuple[Decimal | None, ...]:
    """Drop the 0s captured in unprogrammed months where they would distort PROMEDIO/ÚLTIMO.

    Formats such as Tesorería's write 0 in every month with nothing programmed; for a mean
    or a "last value" such a 0 is not a measurement. SUMA and MÁXIMO are unaffected.
    """
    if tipo not in (TipoAcumulacion.PROMEDIO, TipoAcumulacion.ULTIMO):
        return tuple(realizado)
    return tuple(
        None if (r is not None and r == 0 and not p) else r
        for p, r in zip(programado, realizado, strict=True)
    )


def _vencido(programado: Sequence[Decimal], corte: int, meses: range) -> bool:
    """Tell whether any of `meses` had something programmed and is closed (≤ `corte`)."""
    return any(p > 0 for p in programado[meses.start - 1 : min(meses.stop - 1, corte)])


def _calcular_meses(
    programado: Sequence[Decimal],
    realizado: Sequence[Decimal | None],
    *,
    corte: int,
    mes_inicio: int,
) -> tuple[CalculoMes, ...]:
    """The 12 months: R / P ("sin captura" only up to `corte`), R − P, vigente or not."""
    return tuple(
        CalculoMes(k, p, r, k >= mes_inicio, k <= corte)
        for k, p, r in zip(range(1, 13), programado, realizado, strict=True)
    )


def _calcular_trimestre(
    q: int,
    programado: Sequence[Decimal],
    para_agregar: Sequence[Decimal | None],
    tipo: TipoAcumulacion,
    corte: int,
) -> CalculoTrimestre:
    """Quarter `q`, its months aggregated by `tipo`; "sin captura" once one is due."""
    rango = meses_del_trimestre(q)
    return CalculoTrimestre(
        q,
        agregar_programado(programado[rango.start - 1 : rango.stop - 1], tipo),
        agregar(para_agregar[rango.start - 1 : rango.stop - 1], tipo),
        _vencido(programado, corte, rango),
    )


def calcular_meta(
    datos: DatosMeta,
    *,
    trimestre: int,
    mes_corte: int,
    umbrales: Umbrales = UMBRALES,
) -> CalculoMeta:
    """Compute every DOMAIN.md §4 figure of one meta for the reported `trimestre`.

    `mes_corte` is the last closed month (0..12): months up to it (and up to the end of
    the quarter) with P > 0 and R blank are "sin captura"; later months are just empty.
    """
    _validar_trimestre(trimestre)
    _validar_mes(mes_corte, minimo=0)
    tipo = datos.tipo
    fin = 3 * trimestre
    corte = min(mes_corte, fin)
    vigencia = vigencia_al_mes(
        meta_anual=datos.meta_anual,
        mes_inicio=datos.mes_inicio,
        cambios=datos.cambios,
        mes_fin=fin,
    )
    programado = datos.programado
    realizado = datos.realizado[:fin] + (None,) * (12 - fin)
    para_agregar = _realizado_con_dato(programado, realizado, tipo)
    meses = _calcular_meses(programado, realizado, corte=corte, mes_inicio=vigencia.mes_inicio)
    reportado = _calcular_trimestre(trimestre, programado, para_agregar, tipo, corte)
    # A vigencia starting after the quarter gives an empty window, hence None.
    absoluto = avance_absoluto(para_agregar, tipo, mes_inicio=vigencia.mes_inicio, mes_fin=fin)
    c = cumplimiento(
        reportado.realizado,
        reportado.programado,
        datos.sentido,
        vencido=reportado.vencido,
    )
    return CalculoMeta(
        trimestre=trimestre,
        mes_corte=mes_corte,
        vigencia=vigencia,
        meta_anual_original=(
            datos.cambios[0].meta_anual_anterior if datos.cambios else datos.meta_anual
        ),
        meses=meses,
        # Exactly the months whose porcentaje is "sin captura" (P > 0, R blank, closed).
        meses_sin_captura=tuple(
            m.mes for m in meses if m.vencido and m.programado and m.realizado is None
        ),
        programado_trimestre=reportado.programado,
        realizado_trimestre=reportado.realizado,
        porcentaje_trimestral=reportado.porcentaje,
        avance_absoluto=absoluto,
        acumulado_relativo=acumulado_relativo(
            absoluto,
            vigencia.meta_anual,
            vencido=_vencido(programado, corte, range(vigencia.mes_inicio, fin + 1)),
        ),
        por_realizar=por_realizar(vigencia.meta_anual, absoluto),
        cumplimiento=c,
        semaforo=semaforo(c, umbrales),
        requiere_justificacion=requiere_justificacion(c, umbrales),
        reportado=reportado,
        programado=programado,
        para_agregar=para_agregar,
        tipo=tipo,
        corte=corte,
    )


@dataclass(frozen=True)
class Totales:
    """The OROMAPAS totals row of a report (DOMAIN.md §4 "% acumulado ponderado", §6)."""

    trimestre: int
    # Σ vigencia.meta_anual of the SUMA metas only (never adds Porcentaje-type metas).
    suma_meta_anual: Decimal
    # Σ avance absoluto of the SUMA metas (a blank avance adds 0).
    suma_avance_absoluto: Decimal
    # Σ avance absoluto / Σ meta anual × 100, exact (seed 000: 50.35 %, not the printed
    # 50.11 % that adds rounded rows).
    ponderado: Porcentaje
    # The quarter over the SUMA metas: Σ P, Σ R (None if nothing captured) and Σ R / Σ P.
    programado_trimestre: Decimal
    realizado_trimestre: Decimal | None
    porcentaje_trimestral: Porcentaje
    # Each row's ponderado (avance absoluto / suma_meta_anual), in the order of `filas`;
    # empty for non-SUMA metas, which do not take part in the weighting.
    ponderados: tuple[Porcentaje, ...] = ()


def calcular_totales(filas: Sequence[tuple[DatosMeta, CalculoMeta]], *, trimestre: int) -> Totales:
    """Compute the totals row and per-row ponderado of a report (DOMAIN.md §4, §6)."""
    _validar_trimestre(trimestre)
    suma_meta = CERO
    suma_absoluto = CERO
    suma_p = CERO
    suma_r: Decimal | None = None
    sin_captura = False
    for datos, calculo in filas:
        if calculo.trimestre != trimestre:
            raise ValueError(
                f"calcular_totales: una fila es del trimestre {calculo.trimestre}, "
                f"no del {trimestre}."
            )
        if datos.tipo is not TipoAcumulacion.SUMA:
            continue
        suma_meta += calculo.vigencia.meta_anual
        suma_absoluto += calculo.avance_absoluto or CERO
        suma_p += calculo.programado_trimestre
        if calculo.realizado_trimestre is not None:
            suma_r = (suma_r or CERO) + calculo.realizado_trimestre
        sin_captura = sin_captura or calculo.porcentaje_trimestral.estado is Estado.SIN_CAPTURA
    ponderados = tuple(
        porcentaje_ponderado(calculo.avance_absoluto, suma_meta)
        if datos.tipo is TipoAcumulacion.SUMA
        else PORCENTAJE_VACIO
        for datos, calculo in filas
    )
    return Totales(
        trimestre=trimestre,
        suma_meta_anual=suma_meta,
        suma_avance_absoluto=suma_absoluto,
        ponderado=porcentaje_ponderado(suma_absoluto, suma_meta),
        programado_trimestre=suma_p,
        realizado_trimestre=suma_r,
        porcentaje_trimestral=porcentaje(suma_r, suma_p, vencido=sin_captura),
        ponderados=ponderados,
    )
