"""POA trimestral (estilo OROMAPAS): P, R and P/R of each month with the ramo's totals row."""

from __future__ import annotations

from programas import formulas
from reportes.datos import ORDINALES_TRIMESTRE, DatosReporte, FilaMeta, Firmante, Seccion
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
from reportes.formatos.comun import NOMBRES_MES_TITULO, leyenda_semaforo, nombres_hoja, th

ANCHOS = [9, 30, 7, 7] + [4.6, 4.6, 5.2] * 3 + [6.5, 6.5, 6.5, 7, 7]


def _encabezado(meses: list[int], ordinal: str) -> list[list[Celda]]:
    return [
        [
            th("CLAVE", rowspan=2),
            th("Actividad", rowspan=2),
            th("Meta Anual", colspan=2),
            *[th(NOMBRES_MES_TITULO[m], colspan=3) for m in meses],
            th("Actividades realizadas en el trimestre", rowspan=2),
            th("Porcentaje de avance trimestral por actividad", rowspan=2),
            th("Porcentaje de avance anual por actividad", rowspan=2),
            th(f"Porcentaje de avance acumulado al {ordinal.lower()} trimestre", rowspan=2),
            th("Actividades por realizar", rowspan=2),
        ],
        [th("U.M."), th("Cantidad"), *[th(x) for _ in meses for x in ("P", "R", "P/R")]],
    ]


def _realizado_mes(mes: formulas.CalculoMes) -> Celda:
    if mes.realizado is not None:
        return numero(mes.realizado)
    if mes.porcentaje.estado is formulas.Estado.SIN_CAPTURA:
        return sin_captura()
    return Celda(clase="num")


def _fila(fila: FilaMeta, meses: list[int]) -> Fila:
    c = fila.calculo
    celdas = [
        texto(fila.clave, "clave"),
        texto(fila.descripcion, "descripcion"),
        texto(fila.unidad_medida, "centro"),
        numero(c.vigencia.meta_anual),
    ]
    for m in meses:
        mes = c.meses[m - 1]
        celdas += [
            numero(mes.programado, cero_vacio=True),
            _realizado_mes(mes),
            porcentaje(mes.porcentaje, None),
        ]
    celdas += [
        numero(c.realizado_trimestre if c.realizado_trimestre is not None else None),
        porcentaje(c.porcentaje_trimestral, None, semaforo=c.semaforo.value),
        porcentaje(c.acumulado_relativo, None),
        porcentaje(fila.ponderado, 2),
        numero(c.por_realizar),
    ]
    return Fila(celdas)


def _fila_total(s: Seccion, t: formulas.Totales) -> Fila:
    """The ramo's totals row (the weighting is over the whole ramo, DOMAIN.md §4)."""
    return Fila(
        [
            texto(f"TOTAL {s.ramo_nombre}".upper(), colspan=3),
            numero(t.suma_meta_anual),
            *[Celda() for _ in range(9)],
            numero(t.realizado_trimestre),
            porcentaje(t.porcentaje_trimestral, 2),
            Celda(),
            porcentaje(t.ponderado, 2),
            Celda(),
        ],
        clase="total",
    )


def _hoja(datos: DatosReporte, s: Seccion, nombre: str, filas: list[Fila]) -> Hoja:
    ordinal = ORDINALES_TRIMESTRE[datos.trimestre]
    meses = list(formulas.meses_del_trimestre(datos.trimestre))
    ramo = s.firmantes[2]
    director = Firmante("", ramo.cargo or "DIRECTOR", ramo.nombre, "", ramo.fecha)
    return Hoja(
        nombre=nombre,
        titulo=[f"Programa Operativo Anual {ordinal} Trimestre del {datos.anio}"],
        codigo="",
        fecha=datos.periodo,
        datos=[
            ("Dirección", s.ramo_nombre),
            ("Director", director.nombre),
            ("Programa", f"{s.programa_clave} {s.programa_nombre}"),
            ("Área o Proyecto Específico", f"{s.unidad_nombre} ({s.unidad_clave})"),
        ],
        tablas=[Tabla(list(ANCHOS), _encabezado(meses, ordinal), filas, clase="poa")],
        firmantes=[director],
        verificacion=s.codigo_verificacion,
        firmada=s.firmado,
        notas=[
            "U.M. = Unidad de Medida, Cant = Cantidad, P = Programado, R = Realizado, "
            "P/R = porcentaje realizado sobre programado, N/P = No Programado. "
            "El total acumulado es Σ avance / Σ meta anual de las metas que se suman, "
            "calculado exacto (no la suma de las filas redondeadas).",
            leyenda_semaforo(datos.umbrales, "el porcentaje de avance trimestral"),
        ],
        pie=f"POA {ordinal} Trimestre {datos.anio} · {s.unidad_nombre}",
    )


def construir_poa_trimestral(datos: DatosReporte) -> Documento:
    q = datos.trimestre
    meses = list(formulas.meses_del_trimestre(q))
    nombres = nombres_hoja(datos.secciones, por_programa=False)
    ultima_de_ramo = {s.ramo_id: i for i, s in enumerate(datos.secciones)}
    hojas = []
    for i, (s, nombre) in enumerate(zip(datos.secciones, nombres, strict=True)):
        filas = [_fila(fila, meses) for fila in s.filas]
        if ultima_de_ramo[s.ramo_id] == i:
            filas.append(_fila_total(s, datos.totales_ramo[s.ramo_id]))
        hojas.append(_hoja(datos, s, nombre, filas))
    return Documento(
        nombre=f"POA-trimestral_{datos.anio}_T{q}",
        titulo=f"Programa Operativo Anual — {ORDINALES_TRIMESTRE[q]} trimestre",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
