"""Tesorería's formats by meta and acción: Avance del trimestre, Estimación y avances."""

from __future__ import annotations

from collections import OrderedDict

from reportes.datos import ORDINALES_TRIMESTRE, DatosReporte, FilaMeta, Seccion
from reportes.formatos.base import (
    Celda,
    Documento,
    Fila,
    Hoja,
    Tabla,
    numero,
    texto,
    variacion,
)
from reportes.formatos.comun import (
    celdas_trimestre,
    descripcion_meta,
    nombres_hoja,
    pie_seccion,
    th,
)

ENCABEZADO_INSTITUCIONAL = "TESORERÍA MUNICIPAL"


def _acciones_y_metas(filas: list[FilaMeta]) -> tuple[list[FilaMeta], list[FilaMeta]]:
    """Split a section into (acciones, metas) as the Tesorería groups them (DOMAIN.md §1).

    An acción is a meta "N.M" whose grupo is "N - …" while meta "N" exists in the same
    section; meta "N" is then its parent. Without that structure every meta is both.
    """
    claves = {f.clave for f in filas}
    padres = set()
    acciones = []
    for f in filas:
        numero_padre = f.grupo.split(" - ", 1)[0].strip() if " - " in f.grupo else ""
        if numero_padre and f.clave.startswith(numero_padre + ".") and numero_padre in claves:
            padres.add(numero_padre)
            acciones.append(f)
    metas = [f for f in filas if f not in acciones]
    estimacion = [f for f in filas if f.clave not in padres]
    return estimacion, metas


def _por_grupo(filas: list[FilaMeta]) -> OrderedDict[str, list[FilaMeta]]:
    grupos: OrderedDict[str, list[FilaMeta]] = OrderedDict()
    for f in filas:
        grupos.setdefault(f.grupo, []).append(f)
    return grupos


def _encabezado_tesoreria(s: Seccion) -> list[tuple[str, str]]:
    return [
        ("RAMO", f"{s.ramo_clave} {s.ramo_nombre}"),
        ("PROGRAMA", f"{s.programa_clave} {s.programa_nombre}"),
        ("UNIDAD RESPONSABLE", f"{s.unidad_clave} {s.unidad_nombre}"),
    ]


# --- Avance del trimestre ----------------------------------------------------------------

ANCHOS_AVANCE = [34, 9, 5.5, 5.5] + [5] * 8 + [16, 26]


def _encabezado_avance() -> list[list[Celda]]:
    return [
        [
            th("META", rowspan=3),
            th("UNIDAD DE MEDIDA", rowspan=3),
            th("CALENDARIZACIÓN", colspan=2, rowspan=2),
            th("METAS ESPERADAS POR TRIMESTRE", colspan=8),
            th("LÍNEA DEL P.M.D.", rowspan=3),
            th("OBSERVACIONES Y/O JUSTIFICACIÓN", rowspan=3),
        ],
        [th(str(t), colspan=2) for t in range(1, 5)],
        [th("PROG."), th("REAL"), *[th(x) for _ in range(4) for x in ("Prog.", "Real")]],
    ]


def _fila_avance(fila: FilaMeta, trimestre: int) -> Fila:
    c = fila.calculo
    celdas = [
        texto(descripcion_meta(fila), "descripcion"),
        texto(fila.unidad_medida, "centro"),
        numero(c.vigencia.meta_anual),
        numero(c.avance_absoluto),
    ]
    for t in c.trimestres:
        celdas += celdas_trimestre(fila, t, trimestre)
    celdas += [
        texto("\n".join(f"{x.codigo} {x.nombre}" for x in fila.lineas)),
        texto(fila.observaciones, "observaciones"),
    ]
    return Fila(celdas)


def _filas_avance(s: Seccion, trimestre: int) -> list[Fila]:
    _, metas = _acciones_y_metas(s.filas)
    filas = []
    for grupo, miembros in _por_grupo(metas).items():
        if grupo:
            # A grupo named "ACTIVIDAD 1 - …" already says what it is.
            titulo = grupo if grupo.upper().startswith("ACTIVIDAD") else f"ACTIVIDAD: {grupo}"
            filas.append(Fila([texto(titulo, colspan=len(ANCHOS_AVANCE))], "grupo"))
        filas += [_fila_avance(fila, trimestre) for fila in miembros]
    return filas


def _hoja_avance(datos: DatosReporte, s: Seccion, nombre: str) -> Hoja:
    ordinal = ORDINALES_TRIMESTRE[datos.trimestre].upper()
    return Hoja(
        nombre=nombre,
        titulo=[f"AVANCE DEL {ordinal} TRIMESTRE"],
        encabezado_institucional=[ENCABEZADO_INSTITUCIONAL],
        codigo="",
        fecha=datos.periodo,
        datos=_encabezado_tesoreria(s),
        tablas=[
            Tabla(
                list(ANCHOS_AVANCE),
                _encabezado_avance(),
                _filas_avance(s, datos.trimestre),
                clase="tesoreria",
            )
        ],
        firmantes=s.firmantes,
        verificacion=s.codigo_verificacion,
        firmada=s.firmado,
        pie=pie_seccion(f"Avance del {ordinal.lower()} trimestre", s, datos.periodo),
    )


def construir_avance_trimestre(datos: DatosReporte) -> Documento:
    q = datos.trimestre
    ordinal = ORDINALES_TRIMESTRE[q].upper()
    nombres = nombres_hoja(datos.secciones, por_programa=False)
    hojas = [
        _hoja_avance(datos, s, nombre) for s, nombre in zip(datos.secciones, nombres, strict=True)
    ]
    return Documento(
        nombre=f"avance-trimestre_{datos.anio}_T{q}",
        titulo=f"Avance del {ordinal.lower()} trimestre (Tesorería)",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )


# --- Estimación y avances de acción ------------------------------------------------------

ANCHOS_ESTIMACION = [30, 9, 6.5] + [4.6] * 12 + [9]


def _encabezado_estimacion() -> list[list[Celda]]:
    return [
        [
            th("ACCIÓN"),
            th("UNIDAD DE MEDIDA"),
            th("TOTAL"),
            *[th(str(m)) for m in range(1, 13)],
            th(""),
        ]
    ]


def _filas_accion(fila: FilaMeta, grupo: str) -> list[Fila]:
    """An acción's three rows: PROGRAMADO, REALIZADO and VARIACIÓN by month."""
    c = fila.calculo
    nombre_accion = fila.clave.split(".", 1)[1] if "." in fila.clave and grupo else fila.clave
    return [
        Fila(
            [
                texto(f"{nombre_accion} - {fila.descripcion}", "descripcion", rowspan=3),
                texto(fila.unidad_medida, "centro", rowspan=3),
                numero(c.total_programado),
                *[numero(m.programado) for m in c.meses],
                texto("PROGRAMADO", "concepto"),
            ],
            "accion-inicio",
        ),
        Fila(
            [
                numero(c.total_realizado),
                *[numero(m.realizado) for m in c.meses],
                texto("REALIZADO", "concepto"),
            ]
        ),
        Fila(
            [
                variacion(c.variacion_total),
                *[variacion(m.variacion) for m in c.meses],
                texto("VARIACIÓN", "concepto"),
            ],
            "accion-fin",
        ),
    ]


def _filas_estimacion(s: Seccion) -> list[Fila]:
    acciones, _ = _acciones_y_metas(s.filas)
    filas = []
    for grupo, miembros in _por_grupo(acciones).items():
        if grupo:
            filas.append(Fila([texto(f"Meta: {grupo}", colspan=len(ANCHOS_ESTIMACION))], "grupo"))
        for fila in miembros:
            filas += _filas_accion(fila, grupo)
    return filas


def _hoja_estimacion(datos: DatosReporte, s: Seccion, nombre: str) -> Hoja:
    tabla = Tabla(
        list(ANCHOS_ESTIMACION), _encabezado_estimacion(), _filas_estimacion(s), clase="estimacion"
    )
    return Hoja(
        nombre=nombre,
        titulo=[f"ESTIMACIÓN Y AVANCES DE ACCIÓN {datos.anio}"],
        encabezado_institucional=[ENCABEZADO_INSTITUCIONAL],
        codigo="",
        fecha=f"ACUMULADO AL {datos.periodo}",
        datos=_encabezado_tesoreria(s),
        tablas=[tabla],
        firmantes=s.firmantes,
        verificacion=s.codigo_verificacion,
        firmada=s.firmado,
        notas=[
            "VARIACIÓN = REALIZADO − PROGRAMADO; las cifras negativas van entre "
            "paréntesis. El total suma los meses (las acciones en porcentaje toman el "
            "mayor valor). Los meses posteriores al trimestre reportado no se muestran "
            "realizados."
        ],
        pie=pie_seccion("Estimación y avances de acción", s, datos.periodo),
    )


def construir_estimacion_avances(datos: DatosReporte) -> Documento:
    nombres = nombres_hoja(datos.secciones, por_programa=False)
    hojas = [
        _hoja_estimacion(datos, s, nombre)
        for s, nombre in zip(datos.secciones, nombres, strict=True)
    ]
    return Documento(
        nombre=f"estimacion-avances_{datos.anio}_T{datos.trimestre}",
        titulo="Estimación y avances de acción (Tesorería)",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
