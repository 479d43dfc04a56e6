"""Ficha técnica del indicador (DOMAIN.md §8): one page per indicator.

Every field of the indicator, its línea base and meta, its variables and semáforo ranges,
and the table by period of its frecuencia: each variable programado / alcanzado del
periodo and acumulado, resultado and meta del periodo and acumulados, cumplimiento and
semáforo. Periods after the reported quarter show their metas only (not due yet).
"""

from __future__ import annotations

from avances.selectors_indicadores import FilaIndicador
from programas import indicadores as calc
from reportes.formatos.base import Celda, Documento, Fila, Hoja, Tabla, texto
from reportes.formatos.comun import th
from reportes.formatos.indicadores_comun import (
    NOTA_CIFRAS,
    cifra,
    cumplimiento,
    linea_base,
    nivel,
    nombre_unico,
    periodo_texto,
    rangos,
    semaforo,
    valor,
)
from reportes.selectors_indicadores import DatosIndicadores, ProgramaMIR

# The three tables share one grid of 12 columns (the periods table's), so the XLSX
# columns line up: the other two tables span them.
ANCHOS = [12, 6] + [8.5] * 8 + [9, 8]


def _campo(etiqueta: str, celda: Celda | str, ancho: int = 4) -> list[Celda]:
    """A label (2 grid columns) and its value (`ancho` columns: 2, 6 or 10)."""
    if isinstance(celda, str):
        celda = texto(celda, "descripcion")
    celda.colspan = ancho
    return [texto(etiqueta, "marca", colspan=2), celda]


def _tabla_campos(p: ProgramaMIR, fila: FilaIndicador) -> Tabla:
    ind = fila.indicador
    o = ind.objetivo
    filas = [
        Fila(_campo("Programa", f"{p.ramo_clave} {p.clave} {p.nombre}", 10)),
        Fila(_campo("Objetivo", f"{nivel(o)}: {o.resumen_narrativo}", 10)),
        Fila(_campo("Clave", ind.clave, 2) + _campo("Nombre", ind.nombre, 6)),
        Fila(_campo("Definición", ind.definicion, 10)),
        Fila(_campo("Método de cálculo", ind.formula, 2)
             + _campo("Unidad de medida", ind.unidad_medida, 2)
             + _campo("Frecuencia de medición", ind.get_frecuencia_display(), 2)),
        Fila(_campo("Dimensión", ind.get_dimension_display(), 2)
             + _campo("Tipo", ind.get_tipo_display(), 2)
             + _campo("Sentido", ind.get_sentido_display(), 2)),
        Fila(_campo("Línea base", linea_base(fila), 2)
             + _campo("Meta anual", cifra(fila.meta_anual), 2)
             + _campo("Unidad que lo reporta", f"{ind.unidad.clave} {ind.unidad.nombre}", 2)),
        Fila(_campo("Medios de verificación", ind.medios_verificacion, 10)),
        Fila(_campo("Semáforo", rangos(fila), 10)),
    ]  # fmt: skip
    return Tabla(ANCHOS, [[th("DATOS DEL INDICADOR", colspan=12)]], filas, "ficha")


def _vinculo(v) -> str:
    if not v.meta_id:
        return "Captura propia"
    return f"Meta {v.meta.clave} ({v.meta.unidad.clave}): toma sus valores"


def _tabla_variables(fila: FilaIndicador) -> Tabla:
    filas = [
        Fila(
            [
                texto(v.simbolo, "centro marca"),
                texto(v.nombre, "descripcion", colspan=3),
                texto(v.unidad_medida, "centro", colspan=2),
                texto(v.get_comportamiento_display(), "centro", colspan=2),
                texto(v.fuente, "observaciones", colspan=2),
                texto(_vinculo(v), "observaciones", colspan=2),
            ]
        )
        for v in fila.variables
    ]
    encabezado = [
        [
            th("SÍMBOLO"),
            th("VARIABLE", colspan=3),
            th("UNIDAD DE MEDIDA", colspan=2),
            th("COMPORTAMIENTO", colspan=2),
            th("FUENTE", colspan=2),
            th("VALORES", colspan=2),
        ]
    ]
    return Tabla(ANCHOS, encabezado, filas, "ficha-variables")


def _filas_periodo(fila: FilaIndicador, periodo: int) -> list[Fila]:
    c = fila.calculo_en(periodo)
    vencido = periodo <= 3 * fila.trimestre
    n = max(len(c.variables), 1)
    comunes = [
        texto(periodo_texto(fila, periodo), "centro", rowspan=n),
    ]
    finales = [
        cifra(c.meta_periodo),
        cifra(c.resultado_periodo),
        cifra(c.meta_acumulada),
        cifra(c.resultado_acumulado),
        cumplimiento(c.cumplimiento, c.semaforo),
        semaforo(c.semaforo),
    ]
    for celda in finales:
        celda.rowspan = n
    filas = []
    for i, v in enumerate(c.variables):
        celdas = [
            texto(v.simbolo, "centro"),
            valor(v.programado_periodo),
            valor(v.realizado_periodo) if vencido else Celda(clase="num"),
            valor(v.programado_acumulado),
            valor(v.realizado_acumulado) if vencido else Celda(clase="num"),
        ]
        filas.append(Fila((comunes + celdas + finales) if i == 0 else celdas))
    return filas or [Fila(comunes + [Celda(colspan=5)] + finales)]


def _tabla_periodos(fila: FilaIndicador) -> Tabla:
    encabezado = [
        [
            th("PERIODO", rowspan=2),
            th("VARIABLE", rowspan=2),
            th("DEL PERIODO", colspan=2),
            th("ACUMULADO", colspan=2),
            th("INDICADOR DEL PERIODO", colspan=2),
            th("INDICADOR ACUMULADO", colspan=2),
            th("CUMPLIMIENTO", rowspan=2),
            th("SEMÁFORO", rowspan=2),
        ],
        [th("PROGRAMADO"), th("ALCANZADO")] * 2 + [th("META"), th("RESULTADO")] * 2,
    ]
    filas = [f for p in calc.periodos(fila.indicador.frecuencia) for f in _filas_periodo(fila, p)]
    return Tabla(ANCHOS, encabezado, filas, "ficha-periodos")


def _hoja(datos: DatosIndicadores, p: ProgramaMIR, fila: FilaIndicador, nombre: str) -> Hoja:
    ind = fila.indicador
    return Hoja(
        nombre=nombre,
        titulo=[f"PROGRAMA OPERATIVO ANUAL {datos.anio}", "FICHA TÉCNICA DEL INDICADOR"],
        codigo="FICHA",
        fecha=datos.periodo,
        datos=[],
        tablas=[_tabla_campos(p, fila), _tabla_variables(fila), _tabla_periodos(fila)],
        firmada=any(
            s.firmado
            for s in datos.secciones
            if (s.programa_id, s.unidad_id) == (ind.programa_id, ind.unidad_id)
        ),
        notas=[
            f"Con lo capturado hasta el trimestre {datos.trimestre}: los periodos posteriores "
            "muestran solo sus metas. Cumplimiento = resultado ÷ meta acumulados × 100 "
            "(descendente: meta ÷ resultado). " + NOTA_CIFRAS
        ],
        pie=f"Ficha técnica · {p.ramo_clave} {p.clave} · {ind.clave} {ind.nombre} · "
        f"{datos.periodo}",
    )


def construir_ficha_indicador(datos: DatosIndicadores) -> Documento:
    usados: set[str] = set()
    hojas = [
        _hoja(datos, p, fila, nombre_unico(f"{p.ramo_clave}-{p.clave}-{fila.indicador.clave}",
                                           usados))
        for p in datos.programas
        for fila in p.filas
    ]  # fmt: skip
    return Documento(
        nombre=f"ficha-indicador_{datos.anio}_T{datos.trimestre}",
        titulo="Ficha técnica del indicador",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
