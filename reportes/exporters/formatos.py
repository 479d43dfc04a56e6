"""The official formats of DOMAIN.md §6, each built from the shared selector's data.

Every builder takes a `DatosReporte` and returns a `Documento`; the figures are the
`CalculoMeta` / `Totales` fields computed by `programas.formulas` (plus the few single
formulas it exports, called here, never re-implemented).
"""

from __future__ import annotations

import calendar
from collections import OrderedDict

from programas import formulas
from programas.models import ABREVIATURAS_MES
from programas.numeros import formatear_numero
from reportes.exporters.base import (
    Celda,
    Documento,
    Fila,
    Hoja,
    Tabla,
    numero,
    porcentaje,
    sin_captura,
    texto,
    variacion,
)
from reportes.selectors import (
    NOMBRES_PERIODO,
    ORDINALES_TRIMESTRE,
    DatosReporte,
    FilaMeta,
    Firmante,
    Seccion,
)

TRIMESTRES = ("ENE-MAR", "ABR-JUN", "JUL-SEP", "OCT-DIC")
MESES_MAYUS = [m.upper() for m in ABREVIATURAS_MES]
NOMBRES_MES_TITULO = (
    "", "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
    "Septiembre", "Octubre", "Noviembre", "Diciembre",
)  # fmt: skip


def _h(txt: str, **extra) -> Celda:
    return Celda(texto=txt, clase="th", **extra)


def _nombres_hoja(secciones: list[Seccion], *, por_programa: bool) -> list[str]:
    """Worksheet titles: the unidad's clave, prefixed by the programa when it repeats."""
    repetidas = {}
    for s in secciones:
        repetidas[(s.ramo_clave, s.unidad_clave)] = (
            repetidas.get((s.ramo_clave, s.unidad_clave), 0) + 1
        )
    ramos = {s.ramo_clave for s in secciones}
    nombres, usados = [], set()
    for s in secciones:
        partes = []
        if len(ramos) > 1:
            partes.append(s.ramo_clave)
        if por_programa or repetidas[(s.ramo_clave, s.unidad_clave)] > 1:
            partes.append(s.programa_clave)
        partes.append(s.unidad_clave)
        base = "-".join(partes)
        for ch in "[]:*?/\\":
            base = base.replace(ch, "_")
        base = base[:31]
        nombre, n = base, 2
        while nombre.lower() in usados:
            sufijo = f"~{n}"
            nombre = base[: 31 - len(sufijo)] + sufijo
            n += 1
        usados.add(nombre.lower())
        nombres.append(nombre)
    return nombres


def _datos_encabezado(s: Seccion, *, lineas: bool = True) -> list[tuple[str, str]]:
    datos = [
        ("RAMO", f"{s.ramo_clave} {s.ramo_nombre}"),
        ("PROGRAMA", f"{s.programa_clave} {s.programa_nombre}"),
        ("UNIDAD EJECUTORA", f"{s.unidad_clave} {s.unidad_nombre}"),
        ("FINALIDAD", s.finalidad),
        ("FUNCIÓN", s.funcion),
        ("SUBFUNCIÓN", s.subfuncion),
        ("EJE DE GOBIERNO", s.eje),
    ]
    if lineas:
        datos.append(
            ("LÍNEAS DE ACCIÓN", "\n".join(f"{x.codigo} {x.nombre}".strip() for x in s.lineas))
        )
    return datos


def _fuera_de_vigencia(fila: FilaMeta, trimestre: int) -> bool:
    """The whole quarter lies before the meta's vigencia (re-issued POA, DOMAIN.md §3)."""
    return 3 * trimestre < fila.calculo.vigencia.mes_inicio


def _meta_anual(fila: FilaMeta) -> Celda:
    celda = numero(fila.calculo.vigencia.meta_anual)
    original = fila.calculo.meta_anual_original
    if original != fila.calculo.vigencia.meta_anual:
        celda.nota = f"orig. {numero(original).texto}"
    return celda


def _descripcion(fila: FilaMeta) -> str:
    return f"{fila.clave}.- {fila.descripcion}"


def _pie(codigo: str, s: Seccion, periodo: str) -> str:
    return f"{codigo} · {s.unidad_clave} {s.unidad_nombre} · {periodo}"


# --- TMM-F004 Avance Físico Programático (trimestral y mensual) -------------------------


def _leyenda_semaforo(u: formulas.Umbrales, columna: str) -> str:
    """The semáforo legend with the ejercicio's bands (DOMAIN.md §4 "Semáforo")."""
    n = formatear_numero
    return (
        f"Semáforo (color en {columna}) sobre el cumplimiento del trimestre: verde "
        f"{n(u.verde_min)}–{n(u.verde_max)} %; amarillo {n(u.amarillo_min)}–<{n(u.verde_min)} % "
        f"o >{n(u.verde_max)}–{n(u.amarillo_max)} %; rojo fuera de esos rangos; morado N/P; "
        "contorno punteado sin captura."
    )


def _tmm_f004(datos: DatosReporte, *, mensual: bool) -> Documento:
    q = datos.trimestre
    hojas = []
    nombres = _nombres_hoja(datos.secciones, por_programa=False)
    for s, nombre in zip(datos.secciones, nombres, strict=True):
        periodos = MESES_MAYUS if mensual else list(TRIMESTRES)
        ancho_p = 2.6 if mensual else 5.0
        anchos = (
            [7, 30 if mensual else 34, 7, 6.5]
            + [ancho_p] * (2 * len(periodos))
            + [6.5, 7.5, 23 if mensual else 29]
        )
        encabezado = [
            [
                _h("LÍNEA DE ACCIÓN P.M.D.", rowspan=2),
                _h("METAS Y ACCIONES", rowspan=2),
                _h("UNIDAD DE MEDIDA", rowspan=2),
                _h("META ANUAL", rowspan=2),
                *[_h(p, colspan=2) for p in periodos],
                _h("AVANCE ABSOLUTO", rowspan=2),
                _h("ACUMULADO RELATIVO", rowspan=2),
                _h("OBSERVACIONES", rowspan=2),
            ],
            [c for _ in periodos for c in (_h("P"), _h("A"))],
        ]
        filas = []
        for fila in s.filas:
            c = fila.calculo
            celdas = [
                texto("\n".join(x.codigo for x in fila.lineas), "centro"),
                texto(_descripcion(fila), "descripcion"),
                texto(fila.unidad_medida, "centro"),
                _meta_anual(fila),
            ]
            if mensual:
                for mes in c.meses:
                    if mes.mes < c.vigencia.mes_inicio:
                        celdas += [Celda(clase="num fuera"), Celda(clase="num fuera")]
                        continue
                    celdas.append(numero(mes.programado))
                    if mes.mes > 3 * q:
                        celdas.append(Celda(clase="num"))
                    elif mes.porcentaje.estado is formulas.Estado.SIN_CAPTURA:
                        celdas.append(sin_captura())
                    else:
                        celdas.append(numero(mes.realizado))
            else:
                for t in c.trimestres:
                    if _fuera_de_vigencia(fila, t.trimestre):
                        celdas += [Celda(clase="num fuera"), Celda(clase="num fuera")]
                        continue
                    celdas.append(numero(t.programado))
                    if t.trimestre > q:
                        celdas.append(Celda(clase="num"))
                    elif t.porcentaje.estado is formulas.Estado.SIN_CAPTURA:
                        celdas.append(sin_captura())
                    else:
                        celdas.append(numero(t.realizado))
            if (
                c.avance_absoluto is None
                and c.acumulado_relativo.estado is formulas.Estado.SIN_CAPTURA
            ):
                avance = sin_captura()
            else:
                avance = numero(c.avance_absoluto)
            # The official columns have no semáforo: it marks the avance absoluto cell
            # (a coloured dot in the PDF, the cell's fill in the XLSX), explained below.
            avance.semaforo = "" if c.semaforo is formulas.Semaforo.VACIO else c.semaforo.value
            celdas += [
                avance,
                porcentaje(c.acumulado_relativo, 0),
                texto(fila.observaciones, "observaciones"),
            ]
            filas.append(Fila(celdas))
        codigo = "TMM-F004"
        hojas.append(
            Hoja(
                nombre=nombre,
                titulo=[
                    f"PROGRAMA OPERATIVO ANUAL {datos.anio}",
                    "AVANCE FÍSICO PROGRAMÁTICO" + (" (MENSUAL)" if mensual else ""),
                ],
                codigo=codigo,
                fecha=datos.periodo,
                datos=_datos_encabezado(s),
                tablas=[Tabla(anchos, encabezado, filas, clase="mensual" if mensual else "")],
                firmantes=s.firmantes,
                verificacion=s.codigo_verificacion,
                notas=[
                    ("P = Programado, A = Alcanzado. " if not mensual else "")
                    + f"Los {'meses' if mensual else 'trimestres'} posteriores al reportado "
                    "quedan en blanco. N/P = no programado.",
                    _leyenda_semaforo(datos.umbrales, "AVANCE ABSOLUTO"),
                ],
                pie=_pie(codigo, s, datos.periodo),
            )
        )
    sufijo = "-mensual" if mensual else ""
    return Documento(
        nombre=f"TMM-F004{sufijo}_{datos.anio}_T{q}",
        titulo="TMM-F004 Avance Físico Programático" + (" (mensual)" if mensual else ""),
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )


def construir_tmm_f004(datos: DatosReporte) -> Documento:
    return _tmm_f004(datos, mensual=False)


def construir_tmm_f004_mensual(datos: DatosReporte) -> Documento:
    return _tmm_f004(datos, mensual=True)


# --- POA trimestral (estilo OROMAPAS) ----------------------------------------------------


def construir_poa_trimestral(datos: DatosReporte) -> Documento:
    q = datos.trimestre
    ordinal = ORDINALES_TRIMESTRE[q]
    meses = list(formulas.meses_del_trimestre(q))
    nombres = _nombres_hoja(datos.secciones, por_programa=False)
    ultima_de_ramo = {s.ramo_id: i for i, s in enumerate(datos.secciones)}
    hojas = []
    for i, (s, nombre) in enumerate(zip(datos.secciones, nombres, strict=True)):
        anchos = [9, 30, 7, 7] + [4.6, 4.6, 5.2] * 3 + [6.5, 6.5, 6.5, 7, 7]
        encabezado = [
            [
                _h("CLAVE", rowspan=2),
                _h("Actividad", rowspan=2),
                _h("Meta Anual", colspan=2),
                *[_h(NOMBRES_MES_TITULO[m], colspan=3) for m in meses],
                _h("Actividades realizadas en el trimestre", rowspan=2),
                _h("Porcentaje de avance trimestral por actividad", rowspan=2),
                _h("Porcentaje de avance anual por actividad", rowspan=2),
                _h(f"Porcentaje de avance acumulado al {ordinal.lower()} trimestre", rowspan=2),
                _h("Actividades por realizar", rowspan=2),
            ],
            [_h("U.M."), _h("Cantidad"), *[_h(x) for _ in meses for x in ("P", "R", "P/R")]],
        ]
        filas = []
        for fila in s.filas:
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
                    numero(mes.realizado)
                    if mes.realizado is not None
                    else (
                        sin_captura()
                        if mes.porcentaje.estado is formulas.Estado.SIN_CAPTURA
                        else Celda(clase="num")
                    ),
                    porcentaje(mes.porcentaje, None),
                ]
            celdas += [
                numero(c.realizado_trimestre if c.realizado_trimestre is not None else None),
                porcentaje(c.porcentaje_trimestral, None, semaforo=c.semaforo.value),
                porcentaje(c.acumulado_relativo, None),
                porcentaje(fila.ponderado, 2),
                numero(c.por_realizar),
            ]
            filas.append(Fila(celdas))
        if ultima_de_ramo[s.ramo_id] == i:
            t = datos.totales_ramo[s.ramo_id]
            filas.append(
                Fila(
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
            )
        ramo = s.firmantes[2]
        director = Firmante("", ramo.cargo or "DIRECTOR", ramo.nombre, "", ramo.fecha)
        titulo = f"Programa Operativo Anual {ordinal} Trimestre del {datos.anio}"
        hojas.append(
            Hoja(
                nombre=nombre,
                titulo=[titulo],
                codigo="",
                fecha=datos.periodo,
                datos=[
                    ("Dirección", s.ramo_nombre),
                    ("Director", director.nombre),
                    ("Programa", f"{s.programa_clave} {s.programa_nombre}"),
                    ("Área o Proyecto Específico", f"{s.unidad_nombre} ({s.unidad_clave})"),
                ],
                tablas=[Tabla(anchos, encabezado, filas, clase="poa")],
                firmantes=[director],
                verificacion=s.codigo_verificacion,
                notas=[
                    "U.M. = Unidad de Medida, Cant = Cantidad, P = Programado, R = Realizado, "
                    "P/R = porcentaje realizado sobre programado, N/P = No Programado. "
                    "El total acumulado es Σ avance / Σ meta anual de las metas que se suman, "
                    "calculado exacto (no la suma de las filas redondeadas).",
                    _leyenda_semaforo(datos.umbrales, "el porcentaje de avance trimestral"),
                ],
                pie=f"POA {ordinal} Trimestre {datos.anio} · {s.unidad_nombre}",
            )
        )
    return Documento(
        nombre=f"POA-trimestral_{datos.anio}_T{q}",
        titulo=f"Programa Operativo Anual — {ordinal} trimestre",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )


# --- Tesorería: metas y acciones ---------------------------------------------------------


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


def _encabezado_tesoreria(s: Seccion) -> list[tuple[str, str]]:
    return [
        ("RAMO", f"{s.ramo_clave} {s.ramo_nombre}"),
        ("PROGRAMA", f"{s.programa_clave} {s.programa_nombre}"),
        ("UNIDAD RESPONSABLE", f"{s.unidad_clave} {s.unidad_nombre}"),
    ]


def construir_avance_trimestre(datos: DatosReporte) -> Documento:
    q = datos.trimestre
    ordinal = ORDINALES_TRIMESTRE[q].upper()
    nombres = _nombres_hoja(datos.secciones, por_programa=False)
    hojas = []
    for s, nombre in zip(datos.secciones, nombres, strict=True):
        _, metas = _acciones_y_metas(s.filas)
        anchos = [34, 9, 5.5, 5.5] + [5] * 8 + [16, 26]
        encabezado = [
            [
                _h("META", rowspan=3),
                _h("UNIDAD DE MEDIDA", rowspan=3),
                _h("CALENDARIZACIÓN", colspan=2, rowspan=2),
                _h("METAS ESPERADAS POR TRIMESTRE", colspan=8),
                _h("LÍNEA DEL P.M.D.", rowspan=3),
                _h("OBSERVACIONES Y/O JUSTIFICACIÓN", rowspan=3),
            ],
            [_h(str(t), colspan=2) for t in range(1, 5)],
            [_h("PROG."), _h("REAL"), *[_h(x) for _ in range(4) for x in ("Prog.", "Real")]],
        ]
        grupos: OrderedDict[str, list[FilaMeta]] = OrderedDict()
        for f in metas:
            grupos.setdefault(f.grupo, []).append(f)
        filas = []
        for grupo, miembros in grupos.items():
            if grupo:
                filas.append(Fila([texto(f"ACTIVIDAD: {grupo}", colspan=len(anchos))], "grupo"))
            for fila in miembros:
                c = fila.calculo
                celdas = [
                    texto(_descripcion(fila), "descripcion"),
                    texto(fila.unidad_medida, "centro"),
                    numero(c.vigencia.meta_anual),
                    numero(c.avance_absoluto),
                ]
                for t in c.trimestres:
                    if _fuera_de_vigencia(fila, t.trimestre):
                        celdas += [Celda(clase="num fuera"), Celda(clase="num fuera")]
                        continue
                    celdas.append(numero(t.programado))
                    if t.trimestre > q:
                        celdas.append(Celda(clase="num"))
                    elif t.porcentaje.estado is formulas.Estado.SIN_CAPTURA:
                        celdas.append(sin_captura())
                    else:
                        celdas.append(numero(t.realizado))
                celdas += [
                    texto("\n".join(f"{x.codigo} {x.nombre}" for x in fila.lineas)),
                    texto(fila.observaciones, "observaciones"),
                ]
                filas.append(Fila(celdas))
        hojas.append(
            Hoja(
                nombre=nombre,
                titulo=[f"AVANCE DEL {ordinal} TRIMESTRE"],
                encabezado_institucional=["TESORERÍA MUNICIPAL"],
                codigo="",
                fecha=datos.periodo,
                datos=_encabezado_tesoreria(s),
                tablas=[Tabla(anchos, encabezado, filas, clase="tesoreria")],
                firmantes=s.firmantes,
                verificacion=s.codigo_verificacion,
                pie=_pie(f"Avance del {ordinal.lower()} trimestre", s, datos.periodo),
            )
        )
    return Documento(
        nombre=f"avance-trimestre_{datos.anio}_T{q}",
        titulo=f"Avance del {ordinal.lower()} trimestre (Tesorería)",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )


def construir_estimacion_avances(datos: DatosReporte) -> Documento:
    q = datos.trimestre
    nombres = _nombres_hoja(datos.secciones, por_programa=False)
    hojas = []
    for s, nombre in zip(datos.secciones, nombres, strict=True):
        acciones, _ = _acciones_y_metas(s.filas)
        anchos = [30, 9, 6.5] + [4.6] * 12 + [9]
        encabezado = [
            [
                _h("ACCIÓN"),
                _h("UNIDAD DE MEDIDA"),
                _h("TOTAL"),
                *[_h(str(m)) for m in range(1, 13)],
                _h(""),
            ]
        ]
        grupos: OrderedDict[str, list[FilaMeta]] = OrderedDict()
        for f in acciones:
            grupos.setdefault(f.grupo, []).append(f)
        filas = []
        for grupo, miembros in grupos.items():
            if grupo:
                filas.append(Fila([texto(f"Meta: {grupo}", colspan=len(anchos))], "grupo"))
            for fila in miembros:
                c = fila.calculo
                nombre_accion = (
                    fila.clave.split(".", 1)[1] if "." in fila.clave and grupo else fila.clave
                )
                filas.append(
                    Fila(
                        [
                            texto(
                                f"{nombre_accion} - {fila.descripcion}", "descripcion", rowspan=3
                            ),
                            texto(fila.unidad_medida, "centro", rowspan=3),
                            numero(c.total_programado),
                            *[numero(m.programado) for m in c.meses],
                            texto("PROGRAMADO", "concepto"),
                        ],
                        "accion-inicio",
                    )
                )
                filas.append(
                    Fila(
                        [
                            numero(c.total_realizado),
                            *[numero(m.realizado) for m in c.meses],
                            texto("REALIZADO", "concepto"),
                        ]
                    )
                )
                filas.append(
                    Fila(
                        [
                            variacion(c.variacion_total),
                            *[variacion(m.variacion) for m in c.meses],
                            texto("VARIACIÓN", "concepto"),
                        ],
                        "accion-fin",
                    )
                )
        hojas.append(
            Hoja(
                nombre=nombre,
                titulo=[f"ESTIMACIÓN Y AVANCES DE ACCIÓN {datos.anio}"],
                encabezado_institucional=["TESORERÍA MUNICIPAL"],
                codigo="",
                fecha=f"ACUMULADO AL {datos.periodo}",
                datos=_encabezado_tesoreria(s),
                tablas=[Tabla(anchos, encabezado, filas, clase="estimacion")],
                firmantes=s.firmantes,
                verificacion=s.codigo_verificacion,
                notas=[
                    "VARIACIÓN = REALIZADO − PROGRAMADO; las cifras negativas van entre "
                    "paréntesis. El total suma los meses (las acciones en porcentaje toman el "
                    "mayor valor). Los meses posteriores al trimestre reportado no se muestran "
                    "realizados."
                ],
                pie=_pie("Estimación y avances de acción", s, datos.periodo),
            )
        )
    return Documento(
        nombre=f"estimacion-avances_{datos.anio}_T{q}",
        titulo="Estimación y avances de acción (Tesorería)",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )


# --- Identificación de programas ---------------------------------------------------------


def construir_identificacion_programas(datos: DatosReporte) -> Documento:
    hojas = []
    usados = set()
    for p in datos.programas:
        nombre = f"{p.ramo_clave}-{p.clave}"[:31]
        while nombre in usados:
            nombre = nombre[:28] + "~"
        usados.add(nombre)
        mir = Tabla(
            [14, 86],
            [[_h("ELEMENTO"), _h("RESUMEN NARRATIVO")]],
            [
                Fila([texto("FIN", "elemento"), texto(p.fin or "—", "descripcion")]),
                Fila([texto("PROPÓSITO", "elemento"), texto(p.proposito or "—", "descripcion")]),
            ],
            clase="mir",
        )
        filas = [
            Fila(
                [
                    texto(c.capitulo, "clave"),
                    texto(c.descripcion),
                    numero(c.autorizado),
                    numero(c.modificado),
                    numero(c.devengado),
                ]
            )
            for c in p.capitulos
        ]
        if p.capitulos:
            filas.append(
                Fila(
                    [
                        texto("TOTAL", colspan=2),
                        numero(formulas.agregar([c.autorizado for c in p.capitulos], "SUMA")),
                        numero(formulas.agregar([c.modificado for c in p.capitulos], "SUMA")),
                        numero(formulas.agregar([c.devengado for c in p.capitulos], "SUMA")),
                    ],
                    "total",
                )
            )
        else:
            filas.append(Fila([texto("Sin presupuesto registrado.", colspan=5)]))
        for fila in filas:
            for celda in fila.celdas:
                if celda.valor is not None:
                    celda.formato = '"$"#,##0.00'
                    celda.texto = f"$ {formatear_numero(celda.valor, 2)}"
        presupuesto = Tabla(
            [12, 40, 16, 16, 16],
            [
                [
                    _h("PRESUPUESTO POR CATEGORÍA PROGRAMÁTICA", colspan=2),
                    _h("PRESUPUESTO DE EGRESOS", colspan=3),
                ],
                [
                    _h("CAPÍTULO", rowspan=2),
                    _h("DESCRIPCIÓN CAPÍTULO", rowspan=2),
                    _h("ANUAL", colspan=2),
                    _h("DEVENGADO AL TRIMESTRE", rowspan=2),
                ],
                [_h("AUTORIZADO INICIAL"), _h("MODIFICADO")],
            ],
            filas,
            clase="presupuesto",
        )
        encabezado = [
            ("RAMO", f"{p.ramo_clave} - {p.ramo_nombre}"),
            ("PROGRAMA", f"{p.clave} - {p.nombre}"),
        ]
        for etiqueta, valor in (
            ("FINALIDAD", p.finalidad),
            ("FUNCIÓN", p.funcion),
            ("SUBFUNCIÓN", p.subfuncion),
            ("EJE DE GOBIERNO", p.eje),
        ):
            if valor:
                encabezado.append((etiqueta, valor))
        hojas.append(
            Hoja(
                nombre=nombre,
                titulo=[f"IDENTIFICACIÓN DE PROGRAMAS PARA EL EJERCICIO FISCAL {datos.anio}"],
                encabezado_institucional=["TESORERÍA MUNICIPAL"],
                codigo="",
                fecha=datos.periodo,
                datos=encabezado,
                tablas=[mir, presupuesto],
                firmantes=p.firmantes,
                pie=f"Identificación de programas · {p.clave} {p.nombre} · {datos.periodo}",
            )
        )
    return Documento(
        nombre=f"identificacion-programas_{datos.anio}_T{datos.trimestre}",
        titulo="Identificación de programas (Tesorería)",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )


# --- Cronograma POA ----------------------------------------------------------------------


PERIODICIDADES = {
    1: "MENSUAL", 2: "BIMESTRAL", 3: "TRIMESTRAL", 4: "CUATRIMESTRAL", 6: "SEMESTRAL",
}  # fmt: skip


def _ultimo_dia(anio: int, mes: int) -> str:
    return f"{calendar.monthrange(anio, mes)[1]:02d}/{mes:02d}/{anio}"


def _periodicidad(meses: list[int]) -> str:
    if not meses:
        return ""
    if len(meses) == 1:
        return "ANUAL"
    saltos = {b - a for a, b in zip(meses, meses[1:], strict=False)}
    if len(saltos) == 1:
        return {
            1: "MENSUAL",
            2: "BIMESTRAL",
            3: "TRIMESTRAL",
            4: "CUATRIMESTRAL",
            6: "SEMESTRAL",
        }.get(saltos.pop(), "VARIABLE")
    return "VARIABLE"


def construir_cronograma(datos: DatosReporte) -> Documento:
    q = datos.trimestre
    fin = 3 * q
    nombres = _nombres_hoja(datos.secciones, por_programa=False)
    hojas = []
    for s, nombre in zip(datos.secciones, nombres, strict=True):
        anchos = [4, 26, 11, 8, 6, 6, 5.5, 6, 5.5] + [2.6] * 12 + [7, 7, 8.5]
        encabezado = [
            [
                _h("N°", rowspan=2),
                _h("Actividad", rowspan=2),
                _h("Responsable", rowspan=2),
                _h("Unidad de medida", rowspan=2),
                _h("Meta anual", rowspan=2),
                _h(f"Al {NOMBRES_PERIODO[q].split('-')[1].lower()} {datos.anio}", colspan=4),
                _h(f"Cronograma programado {datos.anio}", colspan=12),
                _h("Fecha de inicio y fin", colspan=2),
                _h("Periodicidad", rowspan=2),
            ],
            [
                _h("Meta programada N°"),
                _h("%"),
                _h("Meta alcanzada N°"),
                _h("Índice de eficiencia"),
                *[_h(m.capitalize()) for m in ABREVIATURAS_MES],
                _h("Inicio"),
                _h("Fin"),
            ],
        ]
        filas = []
        programadas, logradas = [], []
        for n, fila in enumerate(s.filas, 1):
            c = fila.calculo
            inicio = c.vigencia.mes_inicio
            vigente = list(fila.datos.programado[inicio - 1 : fin])
            programada = formulas.agregar_programado(vigente, fila.datos.tipo)
            lograda = c.avance_absoluto
            indice = formulas.indice_eficiencia(lograda, programada)
            if fila.datos.tipo is formulas.TipoAcumulacion.SUMA:
                programadas.append(programada)
                logradas.append(lograda)
            meses = [m.mes for m in c.meses if m.programado > 0 and m.mes >= inicio]
            celdas = [
                texto(str(n), "centro"),
                texto(_descripcion(fila), "descripcion"),
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
                texto(f"01/{meses[0]:02d}/{datos.anio}" if meses else "", "centro"),
                texto(_ultimo_dia(datos.anio, meses[-1]) if meses else "", "centro"),
                texto(_periodicidad(meses), "centro"),
            ]
            filas.append(Fila(celdas))
        total = formulas.indice_eficiencia(logradas, programadas)
        filas.append(
            Fila(
                [
                    texto(
                        "ÍNDICE DE EFICIENCIA DE LA UNIDAD (actividades que se suman)", colspan=5
                    ),
                    numero(formulas.agregar(programadas, "SUMA")),
                    Celda(),
                    numero(formulas.agregar(logradas, "SUMA")),
                    porcentaje(total, 0, semaforo=formulas.semaforo(total, datos.umbrales).value),
                    *[Celda() for _ in range(15)],
                ],
                "total",
            )
        )
        hojas.append(
            Hoja(
                nombre=nombre,
                titulo=[f"POA (PLAN OPERATIVO ANUAL) {datos.anio}", "CRONOGRAMA"],
                codigo="",
                fecha=datos.periodo,
                datos=[
                    ("Dirección", f"{s.ramo_clave} {s.ramo_nombre}"),
                    ("Programa", f"{s.programa_clave} {s.programa_nombre}"),
                    ("Área", f"{s.unidad_clave} {s.unidad_nombre}"),
                ],
                tablas=[Tabla(anchos, encabezado, filas, clase="cronograma")],
                firmantes=s.firmantes,
                verificacion=s.codigo_verificacion,
                notas=[
                    "X = mes con meta programada. Índice de eficiencia = Actividades logradas / "
                    "Actividades programadas × 100, acumulado desde el inicio de la vigencia "
                    "hasta el trimestre reportado.",
                ],
                pie=_pie("Cronograma POA", s, datos.periodo),
            )
        )
    return Documento(
        nombre=f"cronograma_{datos.anio}_T{q}",
        titulo="Cronograma POA",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
