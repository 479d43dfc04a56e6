"""What the MIR indicators still miss before a quarter can be sent (DOMAIN.md §8).

A unidad's indicator whose period ends in the quarter needs every typed variable captured
(linked ones come from their metas, whose captures are asked for there) and, outside the
verde, a justificación — the same rule as the metas' observaciones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from avances.calendario import ultimo_mes_capturable
from avances.firma.faltantes import Faltante
from avances.selectors_indicadores import filas_indicadores
from programas.models import NOMBRES_MES, Indicador
from programas.numeros import formatear_numero


def faltantes_indicadores(
    pares: Iterable[tuple[int, int]], *, trimestres: Iterable[int], dia: date | None = None
) -> dict[tuple[int, int, int], list[Faltante]]:
    """{(programa_id, unidad_id, trimestre): [Faltante]} for the indicators of those pairs."""
    pares = set(pares)
    resultado: dict[tuple[int, int, int], list[Faltante]] = defaultdict(list)
    if not pares:
        return resultado
    ids = list(
        Indicador.objects.filter(
            programa_id__in={p for p, _ in pares}, unidad_id__in={u for _, u in pares}
        ).values_list("pk", flat=True)
    )
    if not ids:
        return resultado  # one query when the pairs report no indicators
    consulta = Indicador.objects.filter(pk__in=ids)
    for trimestre in trimestres:
        for fila in filas_indicadores(consulta, trimestre=trimestre):
            par = (fila.indicador.programa_id, fila.indicador.unidad_id)
            if par not in pares or fila.periodo is None or (fila.periodo + 2) // 3 != trimestre:
                continue
            anio = fila.indicador.programa.ramo.ejercicio.anio
            if fila.periodo > ultimo_mes_capturable(anio, dia):
                continue  # the period has not ended yet: nothing is due
            resultado[(*par, trimestre)].extend(_de_fila(fila))
    return resultado


def _de_fila(fila) -> list[Faltante]:
    clave = fila.indicador.clave
    mes = NOMBRES_MES[fila.periodo - 1].lower()
    faltan = []
    for variable, figuras in zip(fila.variables, fila.calculo.variables, strict=True):
        if figuras.realizado_periodo is None and not variable.meta_id:
            resumen = f"Indicador {clave}: sin captura de la variable {variable.simbolo} ({mes})."
            faltan.append(Faltante(
                f"{resumen} Captúrela en la sección de indicadores.", tipo="captura_indicador",
                clave=clave, mes=fila.periodo, resumen=resumen,
            ))  # fmt: skip
    if fila.falta_justificacion:
        cumplimiento = fila.calculo.cumplimiento
        detalle = (
            f"cumplimiento {formatear_numero(cumplimiento.valor, 2)} %"
            if cumplimiento.valor is not None
            else "cumplimiento no determinable"
        )
        resumen = f"Indicador {clave} fuera del verde ({detalle}) sin justificación."
        faltan.append(Faltante(
            f"{resumen} Escríbala en la sección de indicadores.", tipo="justificacion_indicador",
            clave=clave, mes=fila.periodo, resumen=resumen,
        ))  # fmt: skip
    return faltan
