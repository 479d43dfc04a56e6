"""Cronograma POA (seed 002, DOMAIN.md §6 and §9).

Per unidad (área): objetivo general and objetivos específicos, the alignment with the PMD
(*Módulo / Proyecto general | Eje | Línea estratégica | Acción del PMD | Actividad
específica*), per activity its responsable, meta anual, *meta programada* and *meta
alcanzada* (N° to the reported quarter and % of the meta anual), the months programmed (X),
fecha de inicio y fin or periodicidad, and the *Indicador de medida* table with the
unidad's índice de eficiencia and the MIR indicators it reports.

Which rows count in the índice (DOMAIN.md §1, §4): each activity once. An acción — a meta
"N.M" whose grupo is "N - …" while meta "N" is in the same section, the Tesorería's
structure (`comun.acciones_con_padre`) — is listed under its meta but left out of the
índice, since its meta's figures already report that work; only SUMA activities add up.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from avances.selectors_indicadores import FilaIndicador
from programas import formulas
from programas.models import ABREVIATURAS_MES
from programas.numeros import formatear_numero
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
from reportes.formatos.comun import (
    acciones_con_padre,
    descripcion_meta,
    nombres_hoja,
    pie_seccion,
    th,
)
from reportes.formatos.indicadores_comun import cifra
from reportes.selectors_cronograma import (
    DatosCronograma,
    MetaCronograma,
    UnidadCronograma,
    datos_cronograma,
)

PERIODICIDADES = {
    1: "MENSUAL", 2: "BIMESTRAL", 3: "TRIMESTRAL", 4: "CUATRIMESTRAL", 6: "SEMESTRAL",
}  # fmt: skip
ANCHOS = [4, 26, 11, 8, 6, 6, 5.5, 6, 5.5] + [2.6] * 12 + [7, 7, 8.5]
NO_REGISTRADO = "no registrado"
# The alignment and indicator tables lie on the cronograma's 24 columns (colspans), so the
# XLSX keeps one grid and the PDF one set of widths.
COLUMNAS_ALINEACION = (1, 1, 3, 4, 8, 7)
COLUMNAS_INDICADOR = (2, 7, 12, 3)
FORMULA_INDICE = "Índice de eficiencia = Actividades logradas / Actividades programadas × 100"


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
            th("%"),
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


def _fechas(anio: int, meses: list[int], registro: MetaCronograma) -> list[Celda]:
    """Inicio, fin and periodicidad as recorded (seed 002); if none is, from the months."""
    if registro.fecha_inicio or registro.fecha_fin or registro.periodicidad:
        return [
            fecha(registro.fecha_inicio) if registro.fecha_inicio else texto("", "centro"),
            fecha(registro.fecha_fin) if registro.fecha_fin else texto("", "centro"),
            texto(registro.periodicidad.upper(), "centro"),
        ]
    if not meses:
        return [texto("", "centro") for _ in range(3)]
    return [
        fecha(date(anio, meses[0], 1)),
        fecha(_ultimo_dia(anio, meses[-1])),
        texto(_periodicidad(meses), "centro"),
    ]


def _fila(datos: DatosReporte, n: str, fila: FilaMeta, programada: Decimal, registro) -> Fila:
    c = fila.calculo
    anual = c.vigencia.meta_anual
    lograda = c.avance_absoluto
    meses = [m.mes for m in c.meses if m.programado > 0 and m.mes >= c.vigencia.mes_inicio]
    return Fila(
        [
            entero(int(n)) if n.isdigit() else texto(n, "centro"),
            texto(descripcion_meta(fila), "descripcion"),
            texto(registro.responsable or NO_REGISTRADO, "" if registro.responsable else "vacio"),
            texto(fila.unidad_medida, "centro"),
            numero(anual),
            numero(programada),
            porcentaje(formulas.porcentaje(programada, anual), 0),
            numero(lograda),
            porcentaje(formulas.porcentaje(lograda, anual), 0),
            *[
                texto("X", "centro marca") if k in meses else texto("", "centro")
                for k in range(1, 13)
            ],
            *_fechas(datos.anio, meses, registro),
        ],
        "accion" if "." in n else "",
    )


def _fila_total(datos: DatosReporte, programadas: list, logradas: list) -> Fila:
    """The unidad's índice de eficiencia over the activities it counts (module docstring)."""
    total = formulas.indice_eficiencia(logradas, programadas)
    return Fila(
        [
            texto("ÍNDICE DE EFICIENCIA DE LA UNIDAD (actividades que se cuentan)", colspan=5),
            numero(formulas.agregar(programadas, "SUMA")),
            Celda(),
            numero(formulas.agregar(logradas, "SUMA")),
            porcentaje(total, 0, semaforo=formulas.semaforo(total, datos.umbrales).value),
            *[Celda() for _ in range(15)],
        ],
        "total",
    )


def contadas(s: Seccion) -> list[FilaMeta]:
    """The activities the unidad's índice de eficiencia counts (module docstring)."""
    acciones = acciones_con_padre(s.filas)
    return [
        f
        for f in s.filas
        if f.meta_id not in acciones and f.datos.tipo is formulas.TipoAcumulacion.SUMA
    ]


def _en_orden(s: Seccion) -> list[tuple[str, FilaMeta]]:
    """(N°, fila): each meta numbered in order with its acciones right under it ("n.k")."""
    acciones = acciones_con_padre(s.filas)
    hijas: dict[str, list[FilaMeta]] = {}
    for f in s.filas:
        if f.meta_id in acciones:
            hijas.setdefault(f.grupo.split(" - ", 1)[0].strip(), []).append(f)
    orden = []
    metas = [f for f in s.filas if f.meta_id not in acciones]
    for n, meta in enumerate(metas, 1):
        orden.append((str(n), meta))
        orden += [(f"{n}.{k}", f) for k, f in enumerate(hijas.get(meta.clave, []), 1)]
    return orden


def _filas(datos: DatosReporte, s: Seccion, extra: DatosCronograma):
    """The rows, the totals row and the índice's (programadas, logradas)."""
    cuenta = {f.meta_id for f in contadas(s)}
    filas, programadas, logradas = [], [], []
    for numero_fila, fila in _en_orden(s):
        programada = _programada(fila, datos.trimestre)
        if fila.meta_id in cuenta:
            programadas.append(programada)
            logradas.append(fila.calculo.avance_absoluto)
        filas.append(_fila(datos, numero_fila, fila, programada, extra.meta(fila.meta_id)))
    filas.append(_fila_total(datos, programadas, logradas))
    return filas, programadas, logradas


def _alineacion(unidad: UnidadCronograma) -> Tabla:
    """*Módulo / Proyecto general | Eje | Línea estratégica | Acción del PMD | Actividad*."""
    a, b, c, d, e, f = COLUMNAS_ALINEACION
    encabezado = [
        [
            th("N°", colspan=a),
            th("Módulo / Proyecto general", colspan=b),
            th("Eje estratégico del Plan Municipal de Desarrollo", colspan=c),
            th("Línea estratégica del Plan Municipal de Desarrollo", colspan=d),
            th("Acción del Plan Municipal de Desarrollo", colspan=e),
            th("Actividad específica", colspan=f),
        ]
    ]
    filas = [
        Fila(
            [
                entero(x.numero),
                texto(x.modulo, "descripcion", colspan=b),
                texto(x.eje, "descripcion", colspan=c),
                texto(x.linea_estrategica, "descripcion", colspan=d),
                texto(x.accion_pmd, "descripcion", colspan=e),
                texto(x.actividad_especifica, "descripcion", colspan=f),
            ]
        )
        for x in unidad.alineaciones
    ] or [
        Fila(
            [
                texto(
                    f"Alineación con el PMD: {NO_REGISTRADO}",
                    "vacio",
                    colspan=sum(COLUMNAS_ALINEACION),
                )
            ]
        )
    ]
    return Tabla(
        list(ANCHOS),
        encabezado,
        filas,
        clase="alineacion",
        titulo="Alineación con el Plan Municipal de Desarrollo",
        repetir_encabezado=False,
    )


def _variables_mir(fila: FilaIndicador) -> str:
    return "\n".join(f"{i}. {v.nombre} ({v.simbolo})" for i, v in enumerate(fila.variables, 1))


def _indicador(datos: DatosReporte, programadas, logradas, mir: list[FilaIndicador]) -> Tabla:
    """*Indicador de medida*: nombre, variables, fórmula and the result at the quarter."""
    a, b, c, d = COLUMNAS_INDICADOR
    indice = formulas.indice_eficiencia(logradas, programadas)
    suma_logradas = formulas.agregar(logradas, "SUMA")
    suma_programadas = formulas.agregar(programadas, "SUMA")
    resultado_indice = porcentaje(
        indice, 0, semaforo=formulas.semaforo(indice, datos.umbrales).value
    )
    resultado_indice.colspan = d
    filas = [
        Fila(
            [
                texto("ÍNDICE DE EFICIENCIA", "descripcion", colspan=a),
                texto(
                    f"1. Actividades logradas: {formatear_numero(suma_logradas or Decimal(0))}"
                    f"\n2. Actividades programadas: "
                    f"{formatear_numero(suma_programadas or Decimal(0))}",
                    "descripcion",
                    colspan=b,
                ),
                texto(FORMULA_INDICE, "descripcion", colspan=c),
                resultado_indice,
            ]
        )
    ]
    for f in mir:
        resultado = (
            cifra(f.calculo.resultado_acumulado) if f.calculo else texto("sin medición", "centro")
        )
        resultado.colspan = d
        filas.append(
            Fila(
                [
                    texto(
                        f"{f.indicador.clave} {f.indicador.nombre} (MIR)", "descripcion", colspan=a
                    ),
                    texto(_variables_mir(f), "descripcion", colspan=b),
                    texto(f.indicador.formula, "descripcion", colspan=c),
                    resultado,
                ]
            )
        )
    encabezado = [
        [
            th("Nombre", colspan=a),
            th("Variables", colspan=b),
            th("Fórmula", colspan=c),
            th(f"Resultado al {NOMBRES_PERIODO[datos.trimestre].split('-')[1].lower()}", colspan=d),
        ]
    ]
    return Tabla(
        list(ANCHOS),
        encabezado,
        filas,
        clase="indicador",
        titulo="Indicador de medida",
        repetir_encabezado=False,
    )


def _hoja(datos: DatosReporte, s: Seccion, nombre: str, extra: DatosCronograma) -> Hoja:
    unidad = extra.unidad(s.unidad_id)
    filas, programadas, logradas = _filas(datos, s, extra)
    mir = extra.indicadores.get((s.programa_id, s.unidad_id), [])
    return Hoja(
        nombre=nombre,
        titulo=[f"POA (PLAN OPERATIVO ANUAL) {datos.anio}", "CRONOGRAMA"],
        codigo="",
        fecha=datos.periodo,
        datos=[
            ("Dirección", f"{s.ramo_clave} {s.ramo_nombre}"),
            ("Programa", f"{s.programa_clave} {s.programa_nombre}"),
            ("Área", f"{s.unidad_clave} {s.unidad_nombre}"),
            ("Objetivo general", unidad.objetivo_general.strip() or NO_REGISTRADO),
            ("Objetivos específicos", unidad.objetivos_especificos.strip() or NO_REGISTRADO),
        ],
        tablas=[
            _alineacion(unidad),
            Tabla(list(ANCHOS), _encabezado(datos), filas, clase="cronograma", titulo="Cronograma"),
            _indicador(datos, programadas, logradas, mir),
        ],
        firmantes=s.firmantes,
        verificacion=s.codigo_verificacion,
        firmada=s.firmado,
        notas=[
            "X = mes con meta programada. Meta programada y alcanzada: N° acumulado desde el "
            "inicio de la vigencia hasta el trimestre reportado; % respecto a la meta anual. "
            "Las acciones (N° con punto, en cursiva) se listan bajo su meta y no se cuentan en "
            "el índice de eficiencia: su avance ya está en el de su meta.",
        ],
        pie=pie_seccion("Cronograma POA", s, datos.periodo),
    )


def construir_cronograma(datos: DatosReporte) -> Documento:
    extra = datos_cronograma(datos)
    nombres = nombres_hoja(datos.secciones, por_programa=False)
    hojas = [
        _hoja(datos, s, nombre, extra) for s, nombre in zip(datos.secciones, nombres, strict=True)
    ]
    return Documento(
        nombre=f"cronograma_{datos.anio}_T{datos.trimestre}",
        titulo="Cronograma POA",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
