"""Cronograma POA: months programmed (X), dates, periodicidad and índice de eficiencia."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from programas import formulas
from programas.models import ABREVIATURAS_MES
from reportes.datos import NOMBRES_PERIODO, DatosReporte, FilaMeta, Seccion
from reportes.formatos.base import (
    Celda,
    Documento,
    Fila,
    Hoja,
    Tabla,
    entero,
    fecha,
    numero,
    porcentaje,
    texto,
)
from reportes.formatos.comun import descripcion_meta, nombres_hoja, pie_seccion, th

PERIODICIDADES = {
    1: "MENSUAL", 2: "BIMESTRAL", 3: "TRIMESTRAL", 4: "CUATRIMESTRAL", 6: "SEMESTRAL",
}  # fmt: skip
ANCHOS = [4, 26, 11, 8, 6, 6, 5.5, 6, 5.5] + [2.6] * 12 + [7, 7, 8.5]


def _ultimo_dia(anio: int, mes: int) -> date:
    return date(anio, mes, calendar.monthrange(anio, mes)[1])


def _periodicidad(meses: list[int]) -> str:
    if not meses:
        return ""
    if len(meses) == 1:
        return "ANUAL"
    saltos = {b - a for a, b in zip(meses, meses[1:], strict=False)}
    if len(saltos) == 1:
        return PERIODICIDADES.get(saltos.pop(), "VARIABLE")
    return "VARIABLE"


def _encabezado(datos: DatosReporte) -> list[list[Celda]]:
    q = datos.trimestre
    return [
        [
            th("N°", rowspan=2),
            th("Actividad", rowspan=2),
            th("Responsable", rowspan=2),
            th("Unidad de medida", rowspan=2),
            th("Meta anual", rowspan=2),
            th(f"Al {NOMBRES_PERIODO[q].split('-')[1].lower()} {datos.anio}", colspan=4),
            th(f"Cronograma programado {datos.anio}", colspan=12),
            th("Fecha de inicio y fin", colspan=2),
            th("Periodicidad", rowspan=2),
        ],
        [
            th("Meta programada N°"),
            th("%"),
            th("Meta alcanzada N°"),
            th("Índice de eficiencia"),
            *[th(m.capitalize()) for m in ABREVIATURAS_MES],
            th("Inicio"),
            th("Fin"),
        ],
    ]


def _programada(fila: FilaMeta, trimestre: int) -> Decimal:
    """The programado from the start of the vigencia to the end of the reported quarter."""
    inicio = fila.calculo.vigencia.mes_inicio
    vigente = list(fila.datos.programado[inicio - 1 : 3 * trimestre])
    return formulas.agregar_programado(vigente, fila.datos.tipo)


def _fila(datos: DatosReporte, s: Seccion, n: int, fila: FilaMeta, programada: Decimal) -> Fila:
    c = fila.calculo
    lograda = c.avance_absoluto
    indice = formulas.indice_eficiencia(lograda, programada)
    meses = [m.mes for m in c.meses if m.programado > 0 and m.mes >= c.vigencia.mes_inicio]
    return Fila(
        [
            entero(n),
            texto(descripcion_meta(fila), "descripcion"),
            texto(s.firmantes[0].nombre or s.unidad_nombre),
            texto(fila.unidad_medida, "centro"),
            numero(c.vigencia.meta_anual),
            numero(programada),
            porcentaje(formulas.porcentaje(programada, c.vigencia.meta_anual), 0),
            numero(lograda),
            porcentaje(indice, 0, semaforo=formulas.semaforo(indice, datos.umbrales).value),
            *[
                texto("X", "centro marca") if k in meses else texto("", "centro")
                for k in range(1, 13)
            ],
            fecha(date(datos.anio, meses[0], 1)) if meses else texto("", "centro"),
            fecha(_ultimo_dia(datos.anio, meses[-1])) if meses else texto("", "centro"),
            texto(_periodicidad(meses), "centro"),
        ]
    )


def _fila_total(datos: DatosReporte, programadas: list, logradas: list) -> Fila:
    """The unidad's índice de eficiencia over the activities that add up (SUMA)."""
    total = formulas.indice_eficiencia(logradas, programadas)
    return Fila(
        [
            texto("ÍNDICE DE EFICIENCIA DE LA UNIDAD (actividades que se suman)", colspan=5),
            numero(formulas.agregar(programadas, "SUMA")),
            Celda(),
            numero(formulas.agregar(logradas, "SUMA")),
            porcentaje(total, 0, semaforo=formulas.semaforo(total, datos.umbrales).value),
            *[Celda() for _ in range(15)],
        ],
        "total",
    )


def _filas(datos: DatosReporte, s: Seccion) -> list[Fila]:
    filas = []
    programadas, logradas = [], []
    for n, fila in enumerate(s.filas, 1):
        programada = _programada(fila, datos.trimestre)
        if fila.datos.tipo is formulas.TipoAcumulacion.SUMA:
            programadas.append(programada)
            logradas.append(fila.calculo.avance_absoluto)
        filas.append(_fila(datos, s, n, fila, programada))
    filas.append(_fila_total(datos, programadas, logradas))
    return filas


def _hoja(datos: DatosReporte, s: Seccion, nombre: str) -> Hoja:
    return Hoja(
        nombre=nombre,
        titulo=[f"POA (PLAN OPERATIVO ANUAL) {datos.anio}", "CRONOGRAMA"],
        codigo="",
        fecha=datos.periodo,
        datos=[
            ("Dirección", f"{s.ramo_clave} {s.ramo_nombre}"),
            ("Programa", f"{s.programa_clave} {s.programa_nombre}"),
            ("Área", f"{s.unidad_clave} {s.unidad_nombre}"),
        ],
        tablas=[Tabla(list(ANCHOS), _encabezado(datos), _filas(datos, s), clase="cronograma")],
        firmantes=s.firmantes,
        verificacion=s.codigo_verificacion,
        firmada=s.firmado,
        notas=[
            "X = mes con meta programada. Índice de eficiencia = Actividades logradas / "
            "Actividades programadas × 100, acumulado desde el inicio de la vigencia "
            "hasta el trimestre reportado.",
        ],
        pie=pie_seccion("Cronograma POA", s, datos.periodo),
    )


def construir_cronograma(datos: DatosReporte) -> Documento:
    nombres = nombres_hoja(datos.secciones, por_programa=False)
    hojas = [_hoja(datos, s, nombre) for s, nombre in zip(datos.secciones, nombres, strict=True)]
    return Documento(
        nombre=f"cronograma_{datos.anio}_T{datos.trimestre}",
        titulo="Cronograma POA",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
