"""Avance de indicadores per quarter (DOMAIN.md §8, the Edomex PbRM-08b shape).

One sheet per (programa, unidad que reporta) — the unit the quarter is signed for. Per
indicator, at the period its frecuencia reports in the quarter: each variable programado /
alcanzado del periodo and acumulado, the indicator's meta and resultado del periodo and
acumulados, cumplimiento, semáforo and the justificación captured for that period.
"""

from __future__ import annotations

from avances.selectors_indicadores import FilaIndicador
from reportes.formatos.base import Celda, Documento, Fila, Hoja, Tabla, texto
from reportes.formatos.comun import th
from reportes.formatos.indicadores_comun import (
    NOTA_CIFRAS,
    cifra,
    cumplimiento,
    nombre_unico,
    periodo_texto,
    rangos,
    semaforo,
    sin_medicion,
    valor,
)
from reportes.selectors_indicadores import DatosIndicadores, SeccionIndicadores

CODIGO = "PbRM-08b"
ANCHOS = [6, 20, 8, 5] + [7] * 8 + [8, 7, 22]


def _encabezado() -> list[list[Celda]]:
    return [
        [
            th("CLAVE", rowspan=2),
            th("INDICADOR Y MÉTODO DE CÁLCULO", rowspan=2),
            th("PERIODO", rowspan=2),
            th("VARIABLE", rowspan=2),
            th("VARIABLE DEL PERIODO", colspan=2),
            th("VARIABLE ACUMULADA", colspan=2),
            th("INDICADOR DEL PERIODO", colspan=2),
            th("INDICADOR ACUMULADO", colspan=2),
            th("CUMPLIMIENTO", rowspan=2),
            th("SEMÁFORO", rowspan=2),
            th("JUSTIFICACIÓN", rowspan=2),
        ],
        [th("PROGRAMADO"), th("ALCANZADO")] * 2 + [th("META"), th("RESULTADO")] * 2,
    ]


def _justificacion(fila: FilaIndicador) -> Celda:
    if fila.falta_justificacion:
        return texto("Falta la justificación (fuera de verde).", "observaciones sin-captura")
    return texto(fila.justificacion, "observaciones")


def _filas(fila: FilaIndicador) -> list[Fila]:
    ind, c = fila.indicador, fila.calculo
    n = max(len(c.variables), 1) if c is not None else 1
    inicio = [
        texto(ind.clave, "centro marca", rowspan=n),
        texto(ind.nombre, "descripcion", rowspan=n, nota=f"{ind.formula} · {ind.unidad_medida}"),
    ]
    if c is None:
        return [
            Fila(
                inicio
                + [texto(ind.get_frecuencia_display(), "centro")]
                + [texto(sin_medicion(fila), "observaciones", colspan=12)]
            )
        ]
    comunes = [
        texto(periodo_texto(fila, c.periodo), "centro", rowspan=n,
              nota=ind.get_frecuencia_display().lower()),
    ]  # fmt: skip
    finales = [
        cifra(c.meta_periodo),
        cifra(c.resultado_periodo),
        cifra(c.meta_acumulada),
        cifra(c.resultado_acumulado),
        cumplimiento(c.cumplimiento, c.semaforo),
        semaforo(c.semaforo),
        _justificacion(fila),
    ]
    for celda in finales:
        celda.rowspan = n
    filas = []
    for i, v in enumerate(c.variables):
        celdas = [
            texto(v.simbolo, "centro"),
            valor(v.programado_periodo),
            valor(v.realizado_periodo),
            valor(v.programado_acumulado),
            valor(v.realizado_acumulado),
        ]
        filas.append(Fila(inicio + comunes + celdas + finales if i == 0 else celdas))
    return filas or [Fila(inicio + comunes + [Celda(colspan=5)] + finales)]


def _notas(s: SeccionIndicadores) -> list[str]:
    vistos = dict.fromkeys(rangos(f) for f in s.filas)
    return [
        "Periodo = el que la frecuencia del indicador reporta en el trimestre. Acumulado: "
        "suma de los periodos (variable acumulable) o valor del periodo (continua). "
        "Cumplimiento = resultado acumulado ÷ meta acumulada × 100 (descendente: meta ÷ "
        "resultado × 100). " + NOTA_CIFRAS,
        *vistos,
    ]


def _hoja(datos: DatosIndicadores, s: SeccionIndicadores, nombre: str) -> Hoja:
    return Hoja(
        nombre=nombre,
        titulo=[
            f"PROGRAMA OPERATIVO ANUAL {datos.anio}",
            "AVANCE DE INDICADORES DE DESEMPEÑO",
        ],
        codigo=CODIGO,
        fecha=datos.periodo,
        datos=[
            ("RAMO", f"{s.ramo_clave} {s.ramo_nombre}"),
            ("PROGRAMA", f"{s.programa_clave} {s.programa_nombre}"),
            ("UNIDAD QUE REPORTA", f"{s.unidad_clave} {s.unidad_nombre}"),
        ],
        tablas=[Tabla(ANCHOS, _encabezado(), [f for x in s.filas for f in _filas(x)])],
        firmantes=s.firmantes,
        verificacion=s.codigo_verificacion,
        firmada=s.firmado,
        notas=_notas(s),
        pie=f"{CODIGO} · {s.unidad_clave} {s.unidad_nombre} · {datos.periodo}",
    )


def construir_avance_indicadores(datos: DatosIndicadores) -> Documento:
    usados: set[str] = set()
    hojas = [
        _hoja(datos, s, nombre_unico(f"{s.ramo_clave}-{s.programa_clave}-{s.unidad_clave}",
                                     usados))
        for s in datos.secciones
    ]  # fmt: skip
    return Documento(
        nombre=f"avance-indicadores_{datos.anio}_T{datos.trimestre}",
        titulo="Avance de indicadores de desempeño",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
