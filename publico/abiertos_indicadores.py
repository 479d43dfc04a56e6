"""Open data of the MIR indicators of an authorized quarter: rows for the CSV / JSON / XLSX
downloads (indicators and their variables) and for the transparency formats of fracciones
V (indicadores de interés público: the estratégicos, Fin and Propósito) and VI (indicadores
de resultados, the 20 columns of DOMAIN.md §8).

Rows come from `publico.indicadores.filas_publicas` (authorized quarters only); the writers
are those of `publico.abiertos`, the columns those of `publico.diccionario`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from avances.selectors_indicadores import FilaIndicador
from programas.models import Indicador
from publico.abiertos import periodo
from publico.indicadores import (
    CENTESIMOS,
    filas_publicas,
    identificador_de,
    marca_de,
    redondear,
    valor_cifra,
)
from publico.selectors import NoPublico, firmas_autorizadas
from reportes.tablero_indicadores import (
    ETIQUETAS,
    nombre_periodo,
    texto_cifra,
    umbrales_vigentes,
)
from reportes.verificable import url_verificacion


@dataclass(frozen=True)
class Firma:
    codigo: str
    fecha: date


@dataclass
class IndicadoresPublicos:
    """One authorized quarter's indicators and the sign-offs they were published by."""

    anio: int
    trimestre: int
    filas: list[FilaIndicador]
    firmas: dict[tuple[int, int], Firma]

    def firma(self, fila: FilaIndicador) -> Firma | None:
        return self.firmas.get((fila.indicador.programa_id, fila.indicador.unidad_id))


def indicadores_del_trimestre(*, anio: int, trimestre: int) -> IndicadoresPublicos:
    """The quarter's public indicators (nine queries); NoPublico when there are none."""
    filas = filas_publicas(anio=anio, trimestre=trimestre)
    if not filas:
        raise NoPublico("No hay indicadores autorizados en ese trimestre.")
    firmas = {
        (p, u): Firma(codigo, actualizado.date())
        for p, u, codigo, actualizado in firmas_autorizadas(trimestre)
        .filter(programa__ramo__ejercicio__anio=anio)
        .values_list("programa_id", "unidad_id", "codigo_verificacion", "actualizado_en")
    }
    return IndicadoresPublicos(anio, trimestre, filas, firmas)


def _cabeza(pub: IndicadoresPublicos, fila: FilaIndicador) -> dict:
    inicio, fin = periodo(pub.anio, pub.trimestre)
    return {
        "ejercicio": pub.anio,
        "trimestre": pub.trimestre,
        "periodo_inicio": inicio,
        "periodo_fin": fin,
        "periodo_indicador": fila.periodo,
    }


def _fila_indicador(pub: IndicadoresPublicos, fila: FilaIndicador) -> dict:
    ind, c = fila.indicador, fila.calculo
    programa, unidad = ind.programa, ind.unidad
    umbrales, propios = umbrales_vigentes(fila)
    firma = pub.firma(fila)
    codigo = firma.codigo if firma else ""
    return {
        "identificador": identificador_de(fila),
        **_cabeza(pub, fila),
        "ramo_clave": programa.ramo.clave,
        "ramo_nombre": programa.ramo.nombre,
        "programa_clave": programa.clave,
        "programa_nombre": programa.nombre,
        "unidad_clave": unidad.clave,
        "unidad_nombre": unidad.nombre,
        "nivel": ind.objetivo.nivel,
        "objetivo": ind.objetivo.resumen_narrativo,
        "indicador_clave": ind.clave,
        "nombre": ind.nombre,
        "definicion": ind.definicion,
        "metodo_calculo": ind.formula,
        "unidad_medida": ind.unidad_medida,
        "frecuencia": ind.frecuencia,
        "dimension": ind.dimension,
        "tipo": ind.tipo,
        "sentido": ind.sentido,
        "linea_base": ind.linea_base,
        "linea_base_anio": ind.linea_base_anio,
        "meta_anual": valor_cifra(fila.meta_anual),
        "resultado_periodo": valor_cifra(c.resultado_periodo) if c else None,
        "meta_periodo": valor_cifra(c.meta_periodo) if c else None,
        "resultado_acumulado": valor_cifra(c.resultado_acumulado) if c else None,
        "meta_acumulada": valor_cifra(c.meta_acumulada) if c else None,
        "cumplimiento": valor_cifra(c.cumplimiento, CENTESIMOS) if c else None,
        "semaforo": marca_de(fila),
        "umbrales": "indicador" if propios else "ejercicio",
        "verde_min": umbrales.verde_min,
        "verde_max": umbrales.verde_max,
        "amarillo_min": umbrales.amarillo_min,
        "amarillo_max": umbrales.amarillo_max,
        "justificacion": fila.justificacion,
        "codigo_verificacion": codigo,
        "url_verificacion": url_verificacion(codigo) if codigo else "",
    }


def filas_indicadores_abiertos(pub: IndicadoresPublicos) -> list[dict]:
    """One dict per indicator (keys = COLUMNAS_INDICADORES), in the MIR's order."""
    return [_fila_indicador(pub, f) for f in pub.filas]


def filas_variables(pub: IndicadoresPublicos) -> list[dict]:
    """One dict per variable of each indicator measured in the quarter (COLUMNAS_VARIABLES)."""
    filas = []
    for fila in pub.filas:
        if fila.calculo is None:
            continue
        modelos = {v.simbolo: v for v in fila.variables}
        for f in fila.calculo.variables:
            v = modelos[f.simbolo]
            filas.append(
                {
                    "identificador_indicador": identificador_de(fila),
                    "ejercicio": pub.anio,
                    "trimestre": pub.trimestre,
                    "periodo_indicador": fila.periodo,
                    "simbolo": f.simbolo,
                    "nombre": v.nombre,
                    "unidad_medida": v.unidad_medida,
                    "comportamiento": v.comportamiento,
                    "fuente": v.fuente,
                    "programado_periodo": redondear(f.programado_periodo),
                    "alcanzado_periodo": redondear(f.realizado_periodo),
                    "programado_acumulado": redondear(f.programado_acumulado),
                    "alcanzado_acumulado": redondear(f.realizado_acumulado),
                }
            )
    return filas


# --- Fracciones V and VI -------------------------------------------------------------------


def _metodo(fila: FilaIndicador) -> str:
    variables = "; ".join(f"{v.simbolo} = {v.nombre}" for v in fila.variables)
    return f"{fila.indicador.formula}" + (f", donde {variables}" if variables else "")


def _linea_base(ind: Indicador) -> str:
    if ind.linea_base is None:
        return ""
    texto = f"{ind.linea_base.normalize():f}"
    return f"{texto} ({ind.linea_base_anio})" if ind.linea_base_anio else texto


def _fuente(fila: FilaIndicador) -> str:
    fuentes = [f"{v.simbolo}: {v.fuente}" for v in fila.variables if v.fuente]
    if fila.indicador.medios_verificacion:
        fuentes.append(f"Medios de verificación: {fila.indicador.medios_verificacion}")
    return "; ".join(fuentes)


def _nota(pub: IndicadoresPublicos, fila: FilaIndicador) -> str:
    c, firma = fila.calculo, pub.firma(fila)
    if c is None:
        partes = ["Sin medición en el trimestre por la frecuencia del indicador"]
    else:
        cumplimiento = texto_cifra(c.cumplimiento)
        if c.cumplimiento.valor is not None:
            cumplimiento += " %"
        partes = [
            f"Periodo {nombre_periodo(fila.indicador.frecuencia, c.periodo)}",
            f"cumplimiento {cumplimiento} (semáforo {ETIQUETAS[marca_de(fila)].lower()})",
        ]
    partes.append("meta sin ajustes")
    if fila.justificacion:
        partes.append(f"justificación: {fila.justificacion}")
    if firma:
        partes.append(f"código de verificación del reporte firmado {firma.codigo}")
    return "; ".join(partes) + "."


def _comunes(pub: IndicadoresPublicos, fila: FilaIndicador) -> list:
    ind, c = fila.indicador, fila.calculo
    avance = valor_cifra(c.resultado_acumulado) if c else None
    return [
        ind.objetivo.resumen_narrativo,
        ind.nombre,
        ind.get_dimension_display(),
        ind.definicion,
        _metodo(fila),
        ind.unidad_medida,
        ind.get_frecuencia_display(),
        _linea_base(ind),
        valor_cifra(fila.meta_anual),
        None,  # metas ajustadas: the MIR keeps no adjusted goals
        avance,
        ind.get_sentido_display(),
        _fuente(fila),
    ]


def filas_fraccion_v(pub: IndicadoresPublicos) -> list[list]:
    """Fracción V: the indicators of interest to the public, the estratégicos (Fin and
    Propósito); one row each, in the order of COLUMNAS_FRACCION_V."""
    inicio, fin = periodo(pub.anio, pub.trimestre)
    filas = []
    for fila in pub.filas:
        if fila.indicador.tipo != Indicador.Tipo.ESTRATEGICO:
            continue
        firma = pub.firma(fila)
        fecha = firma.fecha if firma else None
        filas.append(
            [pub.anio, inicio, fin, *_comunes(pub, fila), settings.POA_AREA_TRANSPARENCIA,
             fecha, fecha, _nota(pub, fila)]
        )  # fmt: skip
    return filas


def filas_fraccion_vi(pub: IndicadoresPublicos) -> list[list]:
    """Fracción VI: every indicator (indicadores de resultados), in COLUMNAS_FRACCION_VI."""
    inicio, fin = periodo(pub.anio, pub.trimestre)
    filas = []
    for fila in pub.filas:
        ind, firma = fila.indicador, pub.firma(fila)
        filas.append(
            [pub.anio, inicio, fin, f"{ind.programa.clave} {ind.programa.nombre}",
             *_comunes(pub, fila), f"{ind.unidad.clave} {ind.unidad.nombre}",
             firma.fecha if firma else None, _nota(pub, fila)]
        )  # fmt: skip
    return filas
