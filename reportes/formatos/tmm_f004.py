"""TMM-F004 Avance Físico Programático: quarterly (P/A by quarter) and monthly (ENE…DIC)."""

from __future__ import annotations

from programas import formulas
from reportes import xlsx_medidas as medidas
from reportes.datos import DatosReporte, FilaMeta, Seccion
from reportes.formatos.base import (
    Celda,
    Documento,
    Fila,
    Hoja,
    Tabla,
    numero,
    porcentaje,
    sin_captura,
    texto,
)
from reportes.formatos.comun import (
    MESES_MAYUS,
    TRIMESTRES,
    celda_meta_anual,
    celdas_trimestre,
    datos_encabezado,
    descripcion_meta,
    leyenda_semaforo,
    nombres_hoja,
    pie_seccion,
    th,
)

CODIGO = "TMM-F004"


def _encabezado(periodos: list[str]) -> list[list[Celda]]:
    return [
        [
            th("LÍNEA DE ACCIÓN P.M.D.", rowspan=2),
            th("METAS Y ACCIONES", rowspan=2),
            th("UNIDAD DE MEDIDA", rowspan=2),
            th("META ANUAL", rowspan=2),
            *[th(p, colspan=2) for p in periodos],
            th("AVANCE ABSOLUTO", rowspan=2),
            th("ACUMULADO RELATIVO", rowspan=2),
            th("OBSERVACIONES", rowspan=2),
        ],
        [c for _ in periodos for c in (th("P"), th("A"))],
    ]


def _celdas_meses(fila: FilaMeta, trimestre: int) -> list[Celda]:
    """Programado and realizado of each month (blank after the reported quarter)."""
    c = fila.calculo
    celdas = []
    for mes in c.meses:
        if mes.mes < c.vigencia.mes_inicio:
            celdas += [Celda(clase="num fuera"), Celda(clase="num fuera")]
            continue
        celdas.append(numero(mes.programado))
        if mes.mes > 3 * trimestre:
            celdas.append(Celda(clase="num"))
        elif mes.porcentaje.estado is formulas.Estado.SIN_CAPTURA:
            celdas.append(sin_captura())
        else:
            celdas.append(numero(mes.realizado))
    return celdas


def _avance(c: formulas.CalculoMeta) -> Celda:
    if c.avance_absoluto is None and c.acumulado_relativo.estado is formulas.Estado.SIN_CAPTURA:
        avance = sin_captura()
    else:
        avance = numero(c.avance_absoluto)
    # The official columns have no semáforo: it marks the avance absoluto cell
    # (a coloured dot in the PDF, the cell's fill in the XLSX), explained below.
    avance.semaforo = "" if c.semaforo is formulas.Semaforo.VACIO else c.semaforo.value
    return avance


def _fila(fila: FilaMeta, trimestre: int, *, mensual: bool) -> Fila:
    c = fila.calculo
    celdas = [
        texto("\n".join(x.codigo for x in fila.lineas), "centro"),
        texto(descripcion_meta(fila), "descripcion"),
        texto(fila.unidad_medida, "centro"),
        celda_meta_anual(fila),
    ]
    if mensual:
        celdas += _celdas_meses(fila, trimestre)
    else:
        for t in c.trimestres:
            celdas += celdas_trimestre(fila, t, trimestre)
    celdas += [
        _avance(c),
        porcentaje(c.acumulado_relativo, 0),
        texto(fila.observaciones, "observaciones"),
    ]
    return Fila(celdas)


# The monthly variant prints on legal (oficio) paper, landscape: 24 P/A columns need it.
ANCHO_OFICIO_PT = 14 * 72 - 51  # legal landscape (14 in) less its 9 mm side margins
TAMANO_MES_PT = 5.6  # its P/A figures: Liberation Sans Narrow (0.82 of Arial's widths)
RELLENO_MES_PT = 3.0  # the cell's padding and borders


def _ancho_meses(filas: list[Fila], otras: float) -> float:
    """Relative width of each P/A column so the section's widest figure fits in it.

    With `otras` the sum of the other columns' widths, a P/A column of width p prints
    p / (otras + 24 p) of the page: solved for the widest figure, never below 3.2.
    """
    textos = {c.texto for f in filas for c in f.celdas[4:28] if c.valor is not None}
    necesario = RELLENO_MES_PT + max(
        (medidas.ancho_px(t, TAMANO_MES_PT) * 0.82 * 0.75 for t in textos), default=0.0
    )
    libre = ANCHO_OFICIO_PT - 24 * necesario
    return max(3.2, necesario * otras / libre) if libre > 0 else 3.2 * 3


def _tabla(s: Seccion, trimestre: int, *, mensual: bool) -> Tabla:
    periodos = MESES_MAYUS if mensual else list(TRIMESTRES)
    filas = [_fila(fila, trimestre, mensual=mensual) for fila in s.filas]
    izquierda, derecha = (
        ([7, 24, 7, 6.5], [6.5, 7.5, 16]) if mensual else ([7, 34, 7, 6.5], [6.5, 7.5, 29])
    )
    ancho_p = _ancho_meses(filas, sum(izquierda) + sum(derecha)) if mensual else 5.0
    anchos = izquierda + [ancho_p] * (2 * len(periodos)) + derecha
    return Tabla(anchos, _encabezado(periodos), filas, clase="mensual" if mensual else "")


def _hoja(datos: DatosReporte, s: Seccion, nombre: str, *, mensual: bool) -> Hoja:
    return Hoja(
        nombre=nombre,
        titulo=[
            f"PROGRAMA OPERATIVO ANUAL {datos.anio}",
            "AVANCE FÍSICO PROGRAMÁTICO" + (" (MENSUAL)" if mensual else ""),
        ],
        codigo=CODIGO,
        fecha=datos.periodo,
        datos=datos_encabezado(s),
        tablas=[_tabla(s, datos.trimestre, mensual=mensual)],
        firmantes=s.firmantes,
        verificacion=s.codigo_verificacion,
        firmada=s.firmado,
        notas=[
            ("P = Programado, A = Alcanzado. " if not mensual else "")
            + f"Los {'meses' if mensual else 'trimestres'} posteriores al reportado "
            "quedan en blanco. N/P = no programado.",
            leyenda_semaforo(datos.umbrales, "AVANCE ABSOLUTO"),
        ],
        pie=pie_seccion(CODIGO, s, datos.periodo),
        papel="oficio" if mensual else "carta",
    )


def _tmm_f004(datos: DatosReporte, *, mensual: bool) -> Documento:
    nombres = nombres_hoja(datos.secciones, por_programa=False)
    hojas = [
        _hoja(datos, s, nombre, mensual=mensual)
        for s, nombre in zip(datos.secciones, nombres, strict=True)
    ]
    sufijo = "-mensual" if mensual else ""
    return Documento(
        nombre=f"TMM-F004{sufijo}_{datos.anio}_T{datos.trimestre}",
        titulo="TMM-F004 Avance Físico Programático" + (" (mensual)" if mensual else ""),
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )


def construir_tmm_f004(datos: DatosReporte) -> Documento:
    return _tmm_f004(datos, mensual=False)


def construir_tmm_f004_mensual(datos: DatosReporte) -> Documento:
    return _tmm_f004(datos, mensual=True)
