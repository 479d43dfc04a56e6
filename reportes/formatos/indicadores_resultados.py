"""Indicadores de resultados: the 20 columns of transparency fracción VI (DOMAIN.md §8).

One row per indicator for the quarter (LGT art. 70 fr. VI, LGCG art. 46-III), in the
order of the national transparency platform's format. The avance is the indicator's
resultado acumulado at the period its frecuencia reports in the quarter; the nota says
which period, the cumplimiento and semáforo, and the justificación when there is one.
"""

from __future__ import annotations

import calendar
from datetime import date

from avances.selectors_indicadores import FilaIndicador
from programas import indicadores as calc
from programas.numeros import formatear_numero
from reportes.formatos.base import Documento, Fila, Hoja, Tabla, entero, fecha, texto
from reportes.formatos.comun import th
from reportes.formatos.indicadores_comun import (
    ETIQUETAS_SEMAFORO,
    NOTA_CIFRAS,
    cifra,
    linea_base,
    nivel,
    periodo_texto,
    sin_medicion,
)
from reportes.selectors_indicadores import DatosIndicadores

COLUMNAS = (
    ("Ejercicio", 5),
    ("Fecha de inicio del periodo que se informa", 6.5),
    ("Fecha de término del periodo que se informa", 6.5),
    ("Nombre del programa o concepto al que corresponde el indicador", 10),
    ("Objetivo institucional", 13),
    ("Nombre del indicador", 10),
    ("Dimensión(es) a medir", 6),
    ("Definición del indicador", 12),
    ("Método de cálculo", 8),
    ("Unidad de medida", 6.5),
    ("Frecuencia de medición", 6.5),
    ("Línea base", 5.5),
    ("Metas programadas", 6),
    ("Metas ajustadas en su caso", 6),
    ("Avance de las metas", 6),
    ("Sentido del indicador", 6.5),
    ("Fuente de información", 10),
    # The same official name as fracción V's and the open-data dictionary's.
    (
        "Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualiza(n) la información",
        10,
    ),
    ("Fecha de actualización", 6.5),
    ("Nota", 16),
)


def _limites(anio: int, trimestre: int) -> tuple[date, date]:
    ultimo = 3 * trimestre
    return date(anio, ultimo - 2, 1), date(anio, ultimo, calendar.monthrange(anio, ultimo)[1])


def _nota(fila: FilaIndicador) -> str:
    c = fila.calculo
    if c is None:
        return sin_medicion(fila)
    partes = [
        f"Avance: resultado acumulado al periodo {periodo_texto(fila, c.periodo)} "
        f"({fila.indicador.get_frecuencia_display().lower()})."
    ]
    if c.cumplimiento.estado is calc.Estado.NUMERO:
        partes.append(
            f"Cumplimiento {formatear_numero(c.cumplimiento.valor, 2)} % "
            f"({ETIQUETAS_SEMAFORO[c.semaforo.value].lower()})."
        )
    elif c.semaforo.value in ETIQUETAS_SEMAFORO:
        partes.append(f"Cumplimiento: {ETIQUETAS_SEMAFORO[c.semaforo.value]}.")
    partes.append("Metas ajustadas: sin ajustes registrados.")
    if fila.justificacion.strip():
        partes.append(f"Justificación: {fila.justificacion.strip()}")
    return " ".join(partes)


def _fuente(fila: FilaIndicador) -> str:
    fuentes = [f"{v.simbolo}: {v.fuente}" for v in fila.variables if v.fuente.strip()]
    return "; ".join(fuentes) or fila.indicador.medios_verificacion


def _fila(datos: DatosIndicadores, fila: FilaIndicador) -> Fila:
    ind = fila.indicador
    inicio, fin = _limites(datos.anio, datos.trimestre)
    avance = fila.calculo.resultado_acumulado if fila.calculo is not None else None
    return Fila(
        [
            entero(datos.anio),
            fecha(inicio),
            fecha(fin),
            texto(f"{ind.programa.clave} {ind.programa.nombre}", "descripcion"),
            texto(f"{nivel(ind.objetivo)}: {ind.objetivo.resumen_narrativo}", "descripcion"),
            texto(f"{ind.clave} {ind.nombre}", "descripcion"),
            texto(ind.get_dimension_display(), "centro"),
            texto(ind.definicion, "observaciones"),
            texto(ind.formula, "centro"),
            texto(ind.unidad_medida, "centro"),
            texto(ind.get_frecuencia_display(), "centro"),
            linea_base(fila),
            cifra(fila.meta_anual),
            texto(""),  # metas ajustadas: the MIR keeps no adjusted goals (said in the nota)
            cifra(avance),
            texto(ind.get_sentido_display(), "centro"),
            texto(_fuente(fila), "observaciones"),
            texto(f"{ind.unidad.clave} {ind.unidad.nombre}", "observaciones"),
            fecha(datos.generado),
            texto(_nota(fila), "observaciones"),
        ]
    )


def construir_indicadores_resultados(datos: DatosIndicadores) -> Documento:
    tabla = Tabla(
        [ancho for _, ancho in COLUMNAS],
        [[th(nombre) for nombre, _ in COLUMNAS]],
        [_fila(datos, f) for f in datos.filas],
        clase="transparencia",
    )
    hoja = Hoja(
        nombre="Fracción VI",
        titulo=[
            f"INDICADORES DE RESULTADOS {datos.anio}",
            "LEY GENERAL DE TRANSPARENCIA, ARTÍCULO 70, FRACCIÓN VI",
        ],
        codigo="LGT-70-VI",
        fecha=datos.periodo,
        datos=[("EJERCICIO", str(datos.anio)), ("PERIODO QUE SE INFORMA", datos.periodo)],
        tablas=[tabla],
        firmada=datos.firmado,
        notas=[
            "Metas programadas = la meta anual del indicador (su fórmula sobre lo programado "
            "del año); avance = resultado acumulado al periodo que el indicador reporta en el "
            "trimestre. " + NOTA_CIFRAS
        ],
        pie=f"Indicadores de resultados (fr. VI) · {datos.periodo}",
        papel="oficio",
    )
    return Documento(
        nombre=f"indicadores-resultados_{datos.anio}_T{datos.trimestre}",
        titulo="Indicadores de resultados (transparencia, fracción VI)",
        hojas=[hoja],
        huella_firmada=datos.huella_firmada(),
    )
