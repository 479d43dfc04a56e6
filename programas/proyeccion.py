"""Year-end projections of a meta, two estimates explained in words (tablero, issue 15).

- **Al ritmo** (run rate): what the meta reaches if the rest of its vigencia goes as the
  captured months went. SUMA: the monthly mean of the months captured so far × the months
  of the vigencia. PROMEDIO, ÚLTIMO, MÁXIMO are levels, not flows: the run rate keeps the
  level reached (the mean, the last value, the largest value so far).
- **Según lo programado** (calendar): what was achieved plus what is still programmed for
  the months after the cut. SUMA: avance + Σ P of the remaining months; PROMEDIO: the mean
  of the realized months and the programmed remaining ones; ÚLTIMO: the programmed value of
  the last month with one (else the last realized); MÁXIMO: the larger of both.

Both are estimates, not figures of the official formats. Pure functions over Decimal;
inputs are a `formulas.DatosMeta` and the last closed month.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Context, Decimal

from programas import formulas
from programas.formulas import TipoAcumulacion
from programas.numeros import formatear_numero, formatear_porcentaje

_CONTEXTO = Context(prec=34)
CERO = Decimal(0)
MESES_EN_TEXTO = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


@dataclass(frozen=True)
class Proyeccion:
    """The two year-end estimates of one meta and the sentence that explains them."""

    al_ritmo: Decimal | None  # None: nothing captured yet, no rhythm to project
    ritmo_mensual: Decimal | None  # SUMA: the mean per captured month
    segun_programado: Decimal
    meta_anual: Decimal
    porcentaje_al_ritmo: formulas.Porcentaje
    porcentaje_segun_programado: formulas.Porcentaje
    meses_base: tuple[int, int] | None  # first and last month the rhythm comes from
    explicacion: str


def _meses_capturados(datos: formulas.DatosMeta, inicio: int, corte: int) -> list[int]:
    return [m for m in range(inicio, corte + 1) if datos.realizado[m - 1] is not None]


def _al_ritmo(datos, meses, inicio) -> tuple[Decimal | None, Decimal | None]:
    valores = [datos.realizado[m - 1] for m in meses]
    if not valores:
        return None, None
    if datos.tipo is TipoAcumulacion.SUMA:
        ritmo = _CONTEXTO.divide(sum(valores, CERO), Decimal(len(valores)))
        return _CONTEXTO.multiply(ritmo, Decimal(13 - inicio)), ritmo
    return formulas.agregar(valores, datos.tipo), None


def _segun_programado(datos, meses, corte) -> Decimal:
    realizados = [datos.realizado[m - 1] for m in meses]
    restantes = [datos.programado[m - 1] for m in range(corte + 1, 13)]
    tipo = datos.tipo
    if tipo is TipoAcumulacion.SUMA:
        return sum(realizados, CERO) + sum(restantes, CERO)
    if tipo is TipoAcumulacion.PROMEDIO:
        con_valor = realizados + [p for p in restantes if p]
        return formulas.agregar(con_valor, tipo) if con_valor else CERO
    if tipo is TipoAcumulacion.ULTIMO:
        programados = [p for p in restantes if p]
        if programados:
            return programados[-1]
        return realizados[-1] if realizados else CERO
    return max([*realizados, *restantes, CERO])


def _explicar(p: Proyeccion) -> str:
    meta = formatear_numero(p.meta_anual)
    if p.al_ritmo is None:
        ritmo = "Aún no hay meses capturados para estimar un ritmo"
    else:
        desde, hasta = p.meses_base
        periodo = _periodo_en_texto(desde, hasta)
        if p.ritmo_mensual is not None:
            ritmo = (
                f"Al ritmo de {periodo} ({formatear_numero(p.ritmo_mensual)} por mes) llegará "
                f"a {formatear_numero(p.al_ritmo)}"
            )
        else:
            ritmo = f"Con el nivel de {periodo} quedará en {formatear_numero(p.al_ritmo)}"
        ritmo += f" ({formatear_porcentaje(p.porcentaje_al_ritmo)} de la meta anual de {meta})"
    calendario = (
        f"según lo que falta programado, a {formatear_numero(p.segun_programado)} "
        f"({formatear_porcentaje(p.porcentaje_segun_programado)})"
    )
    return f"{ritmo}; {calendario}. Son estimaciones, no cifras oficiales."


def _periodo_en_texto(desde: int, hasta: int) -> str:
    """'enero–junio', or 'marzo' for a single month."""
    if desde == hasta:
        return MESES_EN_TEXTO[desde - 1]
    return f"{MESES_EN_TEXTO[desde - 1]}–{MESES_EN_TEXTO[hasta - 1]}"


def proyectar(datos: formulas.DatosMeta, *, corte: int) -> Proyeccion:
    """Both year-end estimates of a meta whose months up to `corte` are closed (0..12)."""
    vigencia = formulas.vigencia_al_mes(
        meta_anual=datos.meta_anual, mes_inicio=datos.mes_inicio, cambios=datos.cambios, mes_fin=12
    )
    inicio = vigencia.mes_inicio
    corte = max(min(corte, 12), inicio - 1)
    meses = _meses_capturados(datos, inicio, corte)
    al_ritmo, ritmo = _al_ritmo(datos, meses, inicio)
    segun = _segun_programado(datos, meses, corte)
    meta_anual = vigencia.meta_anual
    proyeccion = Proyeccion(
        al_ritmo=al_ritmo,
        ritmo_mensual=ritmo,
        segun_programado=segun,
        meta_anual=meta_anual,
        porcentaje_al_ritmo=formulas.porcentaje(al_ritmo, meta_anual, vencido=False),
        porcentaje_segun_programado=formulas.porcentaje(segun, meta_anual),
        meses_base=(meses[0], meses[-1]) if meses else None,
        explicacion="",
    )
    return replace(proyeccion, explicacion=_explicar(proyeccion))
