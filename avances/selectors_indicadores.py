"""The MIR indicators with their figures for one quarter (DOMAIN.md §8), in constant queries.

Everything that shows an indicator — capture, sign-off, formats, tablero, portal — reads it
from here, and every figure comes from the pure module `programas.indicadores`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from avances.insumos import programados_por_meta, realizados_por_meta, umbrales_de
from avances.models import AvanceIndicador, AvanceVariable
from programas import formulas
from programas import indicadores as calc
from programas.models import Indicador, ProgramadoVariable, Variable


@dataclass
class FilaIndicador:
    """One indicator: its model, variables, the quarter's period and its figures."""

    indicador: Indicador
    variables: list[Variable]
    datos: calc.DatosIndicador
    trimestre: int
    periodo: int | None  # the period reported in the quarter (None: none is due yet)
    calculo: calc.CalculoIndicador | None
    justificacion: str = ""
    justificaciones: dict[int, str] = field(default_factory=dict)
    version_justificacion: int = 0

    @property
    def requiere_justificacion(self) -> bool:
        return self.calculo is not None and calc.exige_justificacion(self.calculo)

    @property
    def falta_justificacion(self) -> bool:
        return self.requiere_justificacion and not self.justificacion.strip()

    def calculo_en(self, periodo: int) -> calc.CalculoIndicador:
        """Figures at any period of its frecuencia, with data due up to the quarter."""
        return calc.calcular_indicador(
            self.datos, periodo, corte=3 * self.trimestre, umbrales_ejercicio=self._umbrales
        )

    @property
    def meta_anual(self) -> calc.Cifra:
        """The indicator's meta for the year: the formula on the year's programados."""
        ultimo = calc.periodos(self.datos.frecuencia)[-1]
        return self.calculo_en(ultimo).meta_acumulada

    _umbrales: formulas.Umbrales = formulas.UMBRALES


def umbrales_del_indicador(indicador: Indicador) -> formulas.Umbrales | None:
    if not indicador.tiene_umbrales:
        return None
    return formulas.Umbrales(
        verde_min=indicador.verde_min,
        verde_max=indicador.verde_max,
        amarillo_min=indicador.amarillo_min,
        amarillo_max=indicador.amarillo_max,
    )


def _valores_propios(variable_ids) -> tuple[dict, dict]:
    programados: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for variable_id, periodo, valor in (
        ProgramadoVariable.objects.filter(variable_id__in=variable_ids)
        .order_by()
        .values_list("variable_id", "periodo", "valor")
    ):
        programados[variable_id][periodo] = valor
    realizados: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for variable_id, periodo, valor in (
        AvanceVariable.objects.filter(variable_id__in=variable_ids)
        .order_by()
        .values_list("variable_id", "periodo", "realizado")
    ):
        realizados[variable_id][periodo] = valor
    return programados, realizados


def _variables_de(indicadores: list[Indicador]) -> dict[int, list[Variable]]:
    por_indicador: dict[int, list[Variable]] = defaultdict(list)
    for variable in Variable.objects.filter(indicador__in=indicadores).select_related(
        "meta__unidad"
    ):
        por_indicador[variable.indicador_id].append(variable)
    return por_indicador


def _datos(indicador, variables, propios, metas) -> calc.DatosIndicador:
    programados, realizados = propios
    programado_meta, realizado_meta = metas
    lista = []
    for v in variables:
        if v.meta_id:
            opciones = {
                "tipo": v.meta.tipo_acumulacion,
                "frecuencia": indicador.frecuencia,
                "mes_inicio": v.meta.mes_inicio,
            }
            prog = calc.valores_de_meta(programado_meta[v.meta_id], realizado=False, **opciones)
            real = calc.valores_de_meta(
                realizado_meta.valores[v.meta_id], realizado=True, **opciones
            )
        else:
            prog, real = programados.get(v.pk, {}), realizados.get(v.pk, {})
        lista.append(calc.Variable(v.simbolo, v.comportamiento, prog, real))
    return calc.DatosIndicador(
        formula=calc.parse_formula(indicador.formula),
        frecuencia=indicador.frecuencia,
        sentido=indicador.sentido,
        variables=lista,
        umbrales=umbrales_del_indicador(indicador),
    )


def filas_indicadores(indicadores, *, trimestre: int) -> list[FilaIndicador]:
    """Every indicator of the queryset with its figures at the quarter; seven queries."""
    lista = list(
        indicadores.select_related("programa__ramo__ejercicio", "objetivo", "unidad").order_by(
            "programa__ramo__clave", "programa__clave", "orden", "id"
        )
    )
    if not lista:
        return []
    por_indicador = _variables_de(lista)
    todas = [v for vs in por_indicador.values() for v in vs]
    propios = _valores_propios([v.pk for v in todas if not v.meta_id])
    meta_ids = {v.meta_id for v in todas if v.meta_id}
    metas = (programados_por_meta(meta_ids), realizados_por_meta(meta_ids))
    justificaciones: dict[int, dict[int, tuple[str, int]]] = defaultdict(dict)
    for indicador_id, periodo, texto, version in (
        AvanceIndicador.objects.filter(indicador__in=lista)
        .order_by()
        .values_list("indicador_id", "periodo", "justificacion", "version")
    ):
        justificaciones[indicador_id][periodo] = (texto, version)
    filas = []
    for indicador in lista:
        variables = por_indicador.get(indicador.pk, [])
        datos = _datos(indicador, variables, propios, metas)
        periodo = calc.periodo_del_trimestre(indicador.frecuencia, trimestre)
        umbrales = umbrales_de(indicador.programa.ramo.ejercicio)
        calculo = (
            calc.calcular_indicador(
                datos, periodo, corte=3 * trimestre, umbrales_ejercicio=umbrales
            )
            if periodo is not None
            else None
        )
        textos = justificaciones.get(indicador.pk, {})
        texto, version = textos.get(periodo, ("", 0)) if periodo else ("", 0)
        fila = FilaIndicador(
            indicador=indicador, variables=variables, datos=datos, trimestre=trimestre,
            periodo=periodo, calculo=calculo, justificacion=texto,
            justificaciones={p: t for p, (t, _) in textos.items()}, version_justificacion=version,
        )  # fmt: skip
        fila._umbrales = umbrales
        filas.append(fila)
    return filas


def indicadores_de_unidad(*, programa_id=None, unidad_id: int):
    """The indicators a unidad reports (of one programa, or of all)."""
    filtro = {"unidad_id": unidad_id}
    if programa_id is not None:
        filtro["programa_id"] = programa_id
    return Indicador.objects.filter(**filtro)
