"""Identificación de programas (Tesorería): MIR FIN and PROPÓSITO, budget by capítulo."""

from __future__ import annotations

from programas import formulas
from programas.numeros import formatear_numero
from reportes.datos import DatosReporte, ProgramaInfo
from reportes.formatos.base import Documento, Fila, Hoja, Tabla, numero, texto
from reportes.formatos.comun import th


def _nombres(programas: list[ProgramaInfo]) -> list[str]:
    """Worksheet titles: ramo-programa, ≤ 31 chars, unique."""
    nombres, usados = [], set()
    for p in programas:
        nombre = f"{p.ramo_clave}-{p.clave}"[:31]
        while nombre in usados:
            nombre = nombre[:28] + "~"
        usados.add(nombre)
        nombres.append(nombre)
    return nombres


def _tabla_mir(p: ProgramaInfo) -> Tabla:
    return Tabla(
        [14, 86],
        [[th("ELEMENTO"), th("RESUMEN NARRATIVO")]],
        [
            Fila([texto("FIN", "elemento"), texto(p.fin or "—", "descripcion")]),
            Fila([texto("PROPÓSITO", "elemento"), texto(p.proposito or "—", "descripcion")]),
        ],
        clase="mir",
    )


def _filas_presupuesto(p: ProgramaInfo) -> list[Fila]:
    """One row per capítulo and the total, amounts as $ #,##0.00."""
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
    return filas


def _tabla_presupuesto(p: ProgramaInfo) -> Tabla:
    return Tabla(
        [12, 40, 16, 16, 16],
        [
            [
                th("PRESUPUESTO POR CATEGORÍA PROGRAMÁTICA", colspan=2),
                th("PRESUPUESTO DE EGRESOS", colspan=3),
            ],
            [
                th("CAPÍTULO", rowspan=2),
                th("DESCRIPCIÓN CAPÍTULO", rowspan=2),
                th("ANUAL", colspan=2),
                th("DEVENGADO AL TRIMESTRE", rowspan=2),
            ],
            [th("AUTORIZADO INICIAL"), th("MODIFICADO")],
        ],
        _filas_presupuesto(p),
        clase="presupuesto",
    )


def _encabezado(p: ProgramaInfo) -> list[tuple[str, str]]:
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
    return encabezado


def _programas_firmados(datos: DatosReporte) -> set[int]:
    """Programas whose every (programa, unidad) report of the quarter is AUTORIZADO."""
    firmados: dict[int, bool] = {}
    for s in datos.secciones:
        firmados[s.programa_id] = firmados.get(s.programa_id, True) and s.firmado
    return {programa_id for programa_id, firmado in firmados.items() if firmado}


def _hoja(datos: DatosReporte, p: ProgramaInfo, nombre: str, *, firmada: bool) -> Hoja:
    return Hoja(
        nombre=nombre,
        titulo=[f"IDENTIFICACIÓN DE PROGRAMAS PARA EL EJERCICIO FISCAL {datos.anio}"],
        encabezado_institucional=["TESORERÍA MUNICIPAL"],
        codigo="",
        fecha=datos.periodo,
        datos=_encabezado(p),
        tablas=[_tabla_mir(p), _tabla_presupuesto(p)],
        firmantes=p.firmantes,
        firmada=firmada,
        pie=f"Identificación de programas · {p.clave} {p.nombre} · {datos.periodo}",
    )


def construir_identificacion_programas(datos: DatosReporte) -> Documento:
    nombres = _nombres(datos.programas)
    firmados = _programas_firmados(datos)
    hojas = [
        _hoja(datos, p, nombre, firmada=p.programa_id in firmados)
        for p, nombre in zip(datos.programas, nombres, strict=True)
    ]
    return Documento(
        nombre=f"identificacion-programas_{datos.anio}_T{datos.trimestre}",
        titulo="Identificación de programas (Tesorería)",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
