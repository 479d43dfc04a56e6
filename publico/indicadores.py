"""Public MIR indicators (issue 15, DOMAIN.md §8): authorized quarters only.

An indicator is visible in quarter q only when the sign-off of its (programa, unidad que lo
reporta) for q is AUTORIZADO — the rule of the metas in `publico.selectors`. Its figures
come from `avances.selectors_indicadores.filas_indicadores` (the reader of the capture, the
sign-off snapshot and the formats) with the quarter's end as cut-off, so the public numbers
are the signed ones. A period is public when the quarter it ends in is authorized.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q

from avances.selectors_indicadores import FilaIndicador, filas_indicadores
from programas import indicadores as calc
from programas.formulas import Umbrales
from programas.models import Indicador
from publico.selectors import TRIMESTRES, NoPublico, firmas_autorizadas, significado_semaforo
from reportes.tablero_indicadores import (
    ETIQUETAS,
    ORDEN_SEMAFORO_INDICADOR,
    explicar_semaforo_indicador,
    marca_de,
    nombre_periodo,
    texto_cifra,
    umbrales_vigentes,
)

DIEZMILESIMOS = Decimal("0.0001")
CENTESIMOS = Decimal("0.01")


def q_indicadores_autorizados(trimestre: int | None = None) -> Q:
    """Indicators whose (programa, unidad que lo reporta) is authorized in `trimestre`."""
    return Q(
        Exists(
            firmas_autorizadas(trimestre).filter(
                programa_id=OuterRef("programa_id"), unidad_id=OuterRef("unidad_id")
            )
        )
    )


def indicadores_publicos():
    """Indicators with at least one authorized quarter (a queryset)."""
    return Indicador.objects.filter(q_indicadores_autorizados())


def filas_publicas(*, anio: int, trimestre: int, ramo_id: int | None = None) -> list[FilaIndicador]:
    """The authorized indicators of one ejercicio and quarter with their figures (constant
    queries); [] when none. An unknown quarter raises NoPublico."""
    if trimestre not in TRIMESTRES:
        raise NoPublico(f"El trimestre {trimestre} no existe.")
    consulta = Indicador.objects.filter(
        q_indicadores_autorizados(trimestre), programa__ramo__ejercicio__anio=anio
    )
    if ramo_id is not None:
        consulta = consulta.filter(programa__ramo_id=ramo_id)
    return filas_indicadores(consulta, trimestre=trimestre)


def trimestre_de_periodo(periodo: int) -> int:
    """The quarter a period (named by its last month) ends in: 3 → 1, 6 → 2, 12 → 4."""
    return (periodo + 2) // 3


def periodos_publicos(frecuencia: str, trimestres: list[int]) -> list[int]:
    """Periods of a frecuencia that end in an authorized quarter."""
    return [p for p in calc.periodos(frecuencia) if trimestre_de_periodo(p) in trimestres]


# --- Words ---------------------------------------------------------------------------------


def significado_semaforo_indicador(marca: str, umbrales: Umbrales, *, propios: bool) -> str:
    """What an indicator's colour means, with the thresholds in force (its own or the
    ejercicio's)."""
    origen = " Umbrales propios del indicador." if propios else " Umbrales del ejercicio."
    if marca in ("verde", "amarillo", "rojo"):
        return significado_semaforo(marca, umbrales) + origen
    return {
        "nd": "N/D (no determinable): la fórmula o el cumplimiento dividen entre cero.",
        "sin_captura": "Sin captura: falta lo alcanzado de una variable en un periodo vencido.",
        "vacio": "Sin medición: el indicador no se mide en este trimestre (por su frecuencia).",
    }[marca]


def leyenda_indicadores(umbrales: Umbrales) -> list[dict]:
    """Every mark of an indicator with its meaning (the ejercicio's thresholds)."""
    return [
        {
            "clave": m,
            "etiqueta": ETIQUETAS[m],
            "significado": significado_semaforo_indicador(m, umbrales, propios=False),
        }
        for m in ORDEN_SEMAFORO_INDICADOR
    ]


# --- Values for the datasets and the API ---------------------------------------------------


def redondear(valor: Decimal | None, paso: Decimal = DIEZMILESIMOS) -> Decimal | None:
    return None if valor is None else valor.quantize(paso, rounding=ROUND_HALF_UP)


def valor_cifra(cifra: calc.Cifra | None, paso: Decimal = DIEZMILESIMOS) -> Decimal | None:
    return redondear(cifra.valor, paso) if cifra is not None else None


def estado_cifra(cifra: calc.Cifra | None) -> str:
    return str(cifra.estado) if cifra is not None else str(calc.Estado.VACIO)


def identificador_indicador(anio: int, ramo: str, programa: str, clave: str) -> str:
    """Stable id of an indicator: ejercicio-ramo-programa-clave (claves without spaces)."""
    return "-".join(str(p).strip().replace(" ", "_") for p in (anio, ramo, programa, clave))


def identificador_de(fila: FilaIndicador) -> str:
    ind = fila.indicador
    programa = ind.programa
    return identificador_indicador(
        programa.ramo.ejercicio.anio, programa.ramo.clave, programa.clave, ind.clave
    )


# --- What the portal prints ----------------------------------------------------------------


def _porcentaje(cifra: calc.Cifra | None) -> str:
    texto = texto_cifra(cifra)
    return f"{texto} %" if cifra is not None and cifra.valor is not None else texto


def _variables_vista(fila: FilaIndicador) -> list[dict]:
    if fila.calculo is None:
        return []
    nombres = {v.simbolo: v for v in fila.variables}
    vista = []
    for f in fila.calculo.variables:
        variable = nombres.get(f.simbolo)
        vista.append(
            {
                "simbolo": f.simbolo,
                "nombre": variable.nombre if variable else "",
                "programado": texto_cifra(calc.Cifra(f.programado_acumulado, calc.Estado.NUMERO)),
                "alcanzado": "sin captura"
                if f.realizado_acumulado is None
                else texto_cifra(calc.Cifra(f.realizado_acumulado, calc.Estado.NUMERO)),
            }
        )
    return vista


def fila_vista(fila: FilaIndicador) -> dict:
    """One indicator as the portal prints it (formatted strings, no queries)."""
    ind, c = fila.indicador, fila.calculo
    umbrales, propios = umbrales_vigentes(fila)
    marca = marca_de(fila)
    return {
        "id": ind.pk,
        "clave": ind.clave,
        "nombre": ind.nombre,
        "nivel": ind.objetivo.get_nivel_display(),
        "formula": ind.formula,
        "unidad_medida": ind.unidad_medida,
        "frecuencia": ind.get_frecuencia_display(),
        "unidad": f"{ind.unidad.clave} {ind.unidad.nombre}",
        "periodo": nombre_periodo(ind.frecuencia, c.periodo) if c else "sin medición",
        "resultado_periodo": texto_cifra(c.resultado_periodo) if c else "—",
        "resultado": texto_cifra(c.resultado_acumulado) if c else "—",
        "meta": texto_cifra(c.meta_acumulada) if c else "—",
        "meta_anual": texto_cifra(fila.meta_anual),
        "cumplimiento": _porcentaje(c.cumplimiento) if c else "—",
        "semaforo": marca,
        "semaforo_etiqueta": ETIQUETAS[marca],
        "semaforo_significado": significado_semaforo_indicador(marca, umbrales, propios=propios),
        "explicacion": explicar_semaforo_indicador(fila),
        "justificacion": fila.justificacion,
        "variables": _variables_vista(fila),
    }


def por_programa(filas: list[FilaIndicador]) -> dict[int, list[dict]]:
    """{programa id: [indicators as printed]}, in the MIR's order."""
    grupos: dict[int, list[dict]] = defaultdict(list)
    for fila in filas:
        grupos[fila.indicador.programa_id].append(fila_vista(fila))
    return grupos


def conteo_por_ramo(filas: list[FilaIndicador]) -> dict[int, dict[str, int]]:
    """{ramo id: {mark: n}} of a quarter's public indicators."""
    conteos: dict[int, dict[str, int]] = {}
    for fila in filas:
        ramo = fila.indicador.programa.ramo_id
        conteo = conteos.setdefault(ramo, {m: 0 for m in ORDEN_SEMAFORO_INDICADOR})
        conteo[marca_de(fila)] += 1
    return conteos


def periodos_con_indicadores() -> set[tuple[int, int]]:
    """(año, trimestre) pairs with at least one authorized indicator; one query."""
    con_indicador = Indicador.objects.filter(
        programa_id=OuterRef("programa_id"), unidad_id=OuterRef("unidad_id")
    )
    return set(
        firmas_autorizadas()
        .filter(Exists(con_indicador))
        .values_list("programa__ramo__ejercicio__anio", "trimestre")
        .distinct()
    )
