"""The MIR indicators on the tablero: semáforo per level and each colour explained in words.

Figures come from `avances.selectors_indicadores.filas_indicadores` (seven queries whatever
the number of indicators) and so from the pure module `programas.indicadores`; this module
only counts, orders and words them. `umbrales_vigentes` and `explicar_semaforo_indicador`
are also what the public portal prints. `indicadores_en_cache` keeps the tablero's part per
selection and scope under a digest of the indicators' data (`version_indicadores`, one
query) and of the pairs of the metas their variables read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from avances.insumos import umbrales_de
from avances.models import AvanceIndicador, AvanceVariable
from avances.selectors_indicadores import FilaIndicador, filas_indicadores
from programas import formulas
from programas import indicadores as calc
from programas.models import (
    Indicador,
    Meta,
    ObjetivoMIR,
    Programa,
    ProgramadoVariable,
    Ramo,
    Variable,
)
from programas.numeros import formatear_numero
from programas.proyeccion import MESES_EN_TEXTO
from reportes import graficas
from reportes.tablero_cache import SEGUNDOS, DatosEjercicio, llave_alcance, llave_umbrales, tabla
from reportes.tablero_cache import texto_sql as _t

NIVELES_MIR = tuple((n.value, n.label) for n in ObjetivoMIR.Nivel)
ORDEN_SEMAFORO_INDICADOR = ("verde", "amarillo", "rojo", "nd", "sin_captura", "vacio")
GRAVEDAD = {"rojo": 0, "nd": 1, "sin_captura": 2, "amarillo": 3, "verde": 4, "vacio": 5}
ETIQUETAS = {
    "verde": "Verde",
    "amarillo": "Amarillo",
    "rojo": "Rojo",
    "nd": "N/D",
    "sin_captura": "Sin captura",
    "vacio": "Sin medición",
}


def umbrales_vigentes(fila: FilaIndicador) -> tuple[formulas.Umbrales, bool]:
    """The thresholds that colour this indicator and whether they are its own (else the
    ejercicio's). No query: the ejercicio comes with the row."""
    if fila.datos.umbrales is not None:
        return fila.datos.umbrales, True
    return umbrales_de(fila.indicador.programa.ramo.ejercicio), False


def _pct(valor) -> str:
    return f"{formatear_numero(valor)} %"


def texto_rangos(umbrales: formulas.Umbrales, propios: bool) -> str:
    u = umbrales
    origen = "propios del indicador" if propios else "del ejercicio"
    return (
        f"Umbrales {origen}: verde de {_pct(u.verde_min)} a {_pct(u.verde_max)}; amarillo de "
        f"{_pct(u.amarillo_min)} a menos de {_pct(u.verde_min)} o de más de "
        f"{_pct(u.verde_max)} a {_pct(u.amarillo_max)}; rojo fuera de esos rangos."
    )


def nombre_periodo(frecuencia: str, periodo: int) -> str:
    """«enero–marzo», «enero–junio» (a semester), «marzo» (monthly)."""
    meses = calc.meses_del_periodo(frecuencia, periodo)
    if len(meses) == 1:
        return MESES_EN_TEXTO[periodo - 1]
    return f"{MESES_EN_TEXTO[meses[0] - 1]}–{MESES_EN_TEXTO[meses[-1] - 1]}"


def texto_cifra(cifra: calc.Cifra | None, decimales: int = 2) -> str:
    if cifra is None or cifra.estado is calc.Estado.VACIO:
        return "—"
    if cifra.estado is calc.Estado.ND:
        return "N/D"
    if cifra.estado is calc.Estado.SIN_CAPTURA:
        return "sin captura"
    return formatear_numero(cifra.valor, decimales)


def _faltantes(calculo: calc.CalculoIndicador) -> list[str]:
    return [v.simbolo for v in calculo.variables if v.realizado_acumulado is None]


def _sin_periodo(fila: FilaIndicador) -> str:
    ind = fila.indicador
    meses = ", ".join(MESES_EN_TEXTO[p - 1] for p in calc.periodos(ind.frecuencia))
    return (
        f"Sin medición en el trimestre {fila.trimestre}: el indicador es "
        f"{ind.get_frecuencia_display().lower()} y se mide al cierre de {meses}."
    )


def explicar_semaforo_indicador(fila: FilaIndicador) -> str:
    """Why the indicator has its colour: cumplimiento, the thresholds in force, the formula."""
    ind, c = fila.indicador, fila.calculo
    umbrales, propios = umbrales_vigentes(fila)
    rangos = texto_rangos(umbrales, propios)
    formula = f"Método de cálculo: {ind.formula}."
    if c is None:
        return f"{_sin_periodo(fila)} {formula}"
    descendente = formulas.Sentido(ind.sentido) is formulas.Sentido.DESCENDENTE
    regla = (
        "meta acumulada ÷ resultado acumulado × 100 (sentido descendente: menos es mejor)"
        if descendente
        else "resultado acumulado ÷ meta acumulada × 100"
    )
    periodo = nombre_periodo(ind.frecuencia, c.periodo)
    if c.cumplimiento.estado is calc.Estado.NUMERO:
        valor = (
            f"Cumplimiento acumulado a {MESES_EN_TEXTO[c.periodo - 1]} (periodo {periodo}): "
            f"{texto_cifra(c.cumplimiento)} % (resultado "
            f"acumulado {texto_cifra(c.resultado_acumulado)}, meta acumulada "
            f"{texto_cifra(c.meta_acumulada)})."
        )
    elif c.cumplimiento.estado is calc.Estado.SIN_CAPTURA:
        faltan = ", ".join(_faltantes(c)) or "una variable"
        valor = f"Sin captura: falta lo alcanzado de {faltan} en un periodo vencido ({periodo})."
    elif c.cumplimiento.estado is calc.Estado.ND:
        valor = (
            f"N/D (no determinable): hay una división entre cero en la fórmula o en el "
            f"cumplimiento al periodo {periodo} (resultado {texto_cifra(c.resultado_acumulado)}, "
            f"meta {texto_cifra(c.meta_acumulada)})."
        )
    else:
        valor = f"El periodo {periodo} aún no vence."
    return f"{valor} Cumplimiento = {regla}. {formula} {rangos}"


@dataclass
class IndicadorTablero:
    """One indicator listed on the tablero, its colour explained."""

    indicador_id: int
    clave: str
    nombre: str
    nivel: str
    nivel_texto: str
    programa: str
    unidad: str
    marca: str
    cumplimiento: str
    explicacion: str
    justificacion: str


@dataclass
class IndicadoresTablero:
    """Semáforo distribution of the selection's indicators per MIR level, and their list."""

    por_nivel: list[tuple[str, str, dict[str, int]]]  # (nivel, texto, {marca: n})
    lista: list[IndicadorTablero]
    sin_listar: int

    @property
    def total(self) -> int:
        return sum(sum(conteo.values()) for _, _, conteo in self.por_nivel)

    @property
    def marcas(self) -> tuple[tuple[str, str], ...]:
        return tuple((m, ETIQUETAS[m]) for m in ORDEN_SEMAFORO_INDICADOR)

    @property
    def filas_tabla(self) -> list[tuple[str, list[int], int]]:
        """The chart's text alternative: per level, the count of each mark and the total."""
        return [
            (texto, [conteo[m] for m in ORDEN_SEMAFORO_INDICADOR], sum(conteo.values()))
            for _, texto, conteo in self.por_nivel
        ]


def marca_de(fila: FilaIndicador) -> str:
    return str(fila.calculo.semaforo) if fila.calculo is not None else "vacio"


def resumir(filas: list[FilaIndicador], *, limite: int = 25) -> IndicadoresTablero:
    """Count marks per level (Fin, Propósito, Componente, Actividad) and list the indicators,
    the ones that need attention first (rojo, N/D, sin captura, amarillo, verde)."""
    conteos = {nivel: Counter({m: 0 for m in ORDEN_SEMAFORO_INDICADOR}) for nivel, _ in NIVELES_MIR}
    for fila in filas:
        conteos[fila.indicador.objetivo.nivel][marca_de(fila)] += 1
    ordenadas = sorted(enumerate(filas), key=lambda par: (GRAVEDAD[marca_de(par[1])], par[0]))
    lista = []
    for _, fila in ordenadas[:limite]:
        ind = fila.indicador
        cumplimiento = fila.calculo.cumplimiento if fila.calculo else None
        lista.append(
            IndicadorTablero(
                indicador_id=ind.pk,
                clave=ind.clave,
                nombre=ind.nombre,
                nivel=ind.objetivo.nivel,
                nivel_texto=ind.objetivo.get_nivel_display(),
                programa=f"{ind.programa.clave} {ind.programa.nombre}",
                unidad=f"{ind.unidad.clave} {ind.unidad.nombre}",
                marca=marca_de(fila),
                cumplimiento=texto_cifra(cumplimiento)
                + (" %" if cumplimiento and cumplimiento.valor is not None else ""),
                explicacion=explicar_semaforo_indicador(fila),
                justificacion=fila.justificacion,
            )
        )
    return IndicadoresTablero(
        por_nivel=[(nivel, texto, dict(conteos[nivel])) for nivel, texto in NIVELES_MIR],
        lista=lista,
        sin_listar=max(len(filas) - limite, 0),
    )


def indicadores_de_seleccion(
    *, alcance, ejercicio_id: int, trimestre: int, ramo_id=None, programa_id=None, unidad_id=None
):
    """The indicators of the tablero's selection inside the user's scope (a queryset).

    An indicator belongs to the scope of whoever sees its (programa, unidad que lo reporta),
    the same rule as the metas (`Alcance.q_metas`, whose fields Indicador also has).
    """
    consulta = Indicador.objects.filter(
        alcance.q_metas(), programa__ramo__ejercicio_id=ejercicio_id
    )
    if ramo_id is not None:
        consulta = consulta.filter(programa__ramo_id=ramo_id)
    if programa_id is not None:
        consulta = consulta.filter(programa_id=programa_id)
    if unidad_id is not None:
        consulta = consulta.filter(unidad_id=unidad_id)
    return consulta


def contexto_indicadores(*, alcance, ejercicio, trimestre: int, sel: dict) -> dict:
    """What the tablero template needs for its indicators part (constant queries)."""
    consulta = indicadores_de_seleccion(
        alcance=alcance,
        ejercicio_id=ejercicio.pk,
        trimestre=trimestre,
        ramo_id=sel["ramo"].pk if sel.get("ramo") else None,
        programa_id=sel["programa"].pk if sel.get("programa") else None,
        unidad_id=sel["unidad"].pk if sel.get("unidad") else None,
    )
    resumen = resumir(filas_indicadores(consulta, trimestre=trimestre))
    if not resumen.total:
        return {"indicadores": None}
    grafica = graficas.semaforo_por_nivel(
        [(texto, conteo) for _, texto, conteo in resumen.por_nivel],
        titulo="Distribución del semáforo de los indicadores por nivel de la MIR",
        etiquetas=ETIQUETAS,
    )
    return {"indicadores": resumen, "grafica_indicadores": grafica}


def _sql_version() -> str:
    """Aggregates of every indicator table of an ejercicio, and the pairs of the metas its
    variables read, as (kind, a, b, text)."""
    indicador, variable = tabla(Indicador), tabla(Variable)
    del_ejercicio = (
        f"JOIN {tabla(Programa)} p ON p.id = i.programa_id "
        f"JOIN {tabla(Ramo)} r ON r.id = p.ramo_id WHERE r.ejercicio_id = %s"
    )
    del_ej = del_ejercicio
    de_indicador = f"JOIN {indicador} i ON i.id = y.indicador_id {del_ejercicio}"
    de_variables = (
        f"JOIN {variable} v ON v.id = y.variable_id "
        f"JOIN {indicador} i ON i.id = v.indicador_id {del_ejercicio}"
    )
    w = "(i.id %% 1009 + 1)"
    umbrales = " + ".join(
        f"{k} * COALESCE(i.{c}, -1)"
        for k, c in ((1, "verde_min"), (3, "verde_max"), (7, "amarillo_min"), (11, "amarillo_max"))
    )
    textos = (
        "LENGTH(i.clave) + 3 * LENGTH(i.nombre) + 7 * LENGTH(i.formula) + "
        "11 * LENGTH(i.frecuencia) + 13 * LENGTH(i.sentido)"
    )
    partes = (
        ("i", f"{indicador} i {del_ejercicio}", (
            "COUNT(*)", "MAX(i.id)", f"SUM(({textos}) * {w})", f"SUM(i.orden * {w})",
            f"SUM((i.objetivo_id + 3 * i.unidad_id + 7 * i.programa_id) * {w})",
            f"SUM(({umbrales}) * {w})",
        )),
        ("o", f"{tabla(ObjetivoMIR)} y JOIN {indicador} i ON i.objetivo_id = y.id {del_ej}", (
            "COUNT(*)", "SUM(LENGTH(y.nivel) * (y.id %% 1009 + 1))",
        )),
        ("v", f"{variable} y {de_indicador}", (
            "COUNT(*)", "MAX(y.id)",
            "SUM((LENGTH(y.simbolo) + 3 * LENGTH(y.comportamiento) + 7 * COALESCE(y.meta_id, 0)"
            " + 11 * y.indicador_id) * (y.id %% 1009 + 1))",
        )),
        ("pv", f"{tabla(ProgramadoVariable)} y {de_variables}", (
            "COUNT(*)", "SUM(y.valor * y.periodo)", "SUM(y.valor * (y.variable_id %% 101 + 1))",
        )),
        ("av", f"{tabla(AvanceVariable)} y {de_variables}", (
            "COUNT(*)", "COUNT(y.realizado)", "SUM(y.version)", "MAX(y.actualizado_en)",
            "SUM(y.realizado * y.periodo)", "SUM(y.realizado * (y.variable_id %% 101 + 1))",
        )),
        ("ai", f"{tabla(AvanceIndicador)} y {de_indicador}", (
            "COUNT(*)", "SUM(y.version)", "MAX(y.actualizado_en)",
            "SUM(LENGTH(y.justificacion) * y.periodo)",
        )),
    )  # fmt: skip
    consultas = [
        f"SELECT '{tipo}', 0, 0, {_t(*expresiones)} FROM {origen}"
        for tipo, origen, expresiones in partes
    ]
    consultas.append(
        f"SELECT DISTINCT 'vm', m.programa_id, m.unidad_id, '' FROM {variable} v "
        f"JOIN {tabla(Meta)} m ON m.id = v.meta_id JOIN {indicador} i ON i.id = v.indicador_id "
        f"{del_ejercicio}"
    )
    return "\nUNION ALL\n".join(consultas)


def version_indicadores(ejercicio_id: int, datos: DatosEjercicio) -> str:
    """A digest of everything the tablero's indicators read; one query whatever the size.

    The metas a variable reads enter through their pairs' digests (`datos.versiones`)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql_version(), [ejercicio_id] * 7)
        filas = sorted(tuple(map(str, fila)) for fila in cursor.fetchall())
    pares = [(int(a), int(b)) for tipo, a, b, _ in filas if tipo == "vm"]
    texto = repr((filas, [datos.versiones.get(par, "") for par in sorted(pares)]))
    return hashlib.sha256(texto.encode()).hexdigest()[:24]


def indicadores_en_cache(
    *, alcance, ejercicio, trimestre: int, sel: dict, datos: DatosEjercicio
) -> dict:
    """`contexto_indicadores`, read from the cache until the indicators' data, the
    structure, the thresholds or the scope change."""
    ids = tuple(sel[n].pk if sel.get(n) else None for n in ("ramo", "programa", "unidad"))
    llave = ":".join(
        map(str, ("tablero-ind", ejercicio.pk, trimestre, *ids, llave_alcance(alcance),
                  llave_umbrales(umbrales_de(ejercicio)), datos.digest_estructura,
                  version_indicadores(ejercicio.pk, datos)))
    )  # fmt: skip
    contexto = cache.get(llave)
    if contexto is None:
        contexto = contexto_indicadores(
            alcance=alcance, ejercicio=ejercicio, trimestre=trimestre, sel=sel
        )
        cache.set(llave, contexto, SEGUNDOS)
    return contexto
