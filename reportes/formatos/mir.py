"""Matriz de Indicadores para Resultados of a programa (DOMAIN.md §8), one sheet each.

Rows follow the MIR's levels — Fin, Propósito, each Componente followed by its Actividades
— with the resumen narrativo, each indicator (clave, nombre, método de cálculo, frecuencia,
dimensión, tipo), the medios de verificación and the supuestos.
"""

from __future__ import annotations

from reportes.formatos.base import Documento, Fila, Hoja, Tabla, texto
from reportes.formatos.comun import th
from reportes.formatos.indicadores_comun import datos_programa, nivel, nombre_unico
from reportes.selectors_indicadores import DatosIndicadores, ProgramaMIR

ANCHOS = [9, 24, 18, 12, 7, 7, 7, 15, 15]


def _encabezado():
    return [
        [
            th("NIVEL"),
            th("RESUMEN NARRATIVO"),
            th("INDICADOR"),
            th("MÉTODO DE CÁLCULO"),
            th("FRECUENCIA"),
            th("DIMENSIÓN"),
            th("TIPO"),
            th("MEDIOS DE VERIFICACIÓN"),
            th("SUPUESTOS"),
        ]
    ]


def _medios(objetivo, indicador) -> str:
    propios = [t.strip() for t in (objetivo.medios_verificacion, indicador.medios_verificacion)]
    return "\n".join(dict.fromkeys(t for t in propios if t))


def _filas(p: ProgramaMIR) -> list[Fila]:
    filas = []
    for o in p.objetivos:
        indicadores = p.filas_de(o)
        n = max(len(indicadores), 1)
        comunes = [
            texto(nivel(o), "centro marca", rowspan=n),
            texto(o.resumen_narrativo, "descripcion", rowspan=n),
        ]
        if not indicadores:
            filas.append(
                Fila(
                    comunes
                    + [texto("Sin indicadores en el alcance.", "observaciones", colspan=5)]
                    + [
                        texto(o.medios_verificacion, "observaciones"),
                        texto(o.supuestos, "observaciones"),
                    ]
                )
            )
            continue
        for i, fila in enumerate(indicadores):
            ind = fila.indicador
            celdas = comunes if i == 0 else []
            celdas = celdas + [
                texto(f"{ind.clave} {ind.nombre}", "descripcion"),
                texto(ind.formula, "centro"),
                texto(ind.get_frecuencia_display(), "centro"),
                texto(ind.get_dimension_display(), "centro"),
                texto(ind.get_tipo_display(), "centro"),
                texto(_medios(o, ind), "observaciones"),
            ]
            if i == 0:
                celdas.append(texto(o.supuestos, "observaciones", rowspan=n))
            filas.append(Fila(celdas))
    return filas


def _hoja(datos: DatosIndicadores, p: ProgramaMIR, nombre: str) -> Hoja:
    return Hoja(
        nombre=nombre,
        titulo=[
            f"PROGRAMA OPERATIVO ANUAL {datos.anio}",
            "MATRIZ DE INDICADORES PARA RESULTADOS (MIR)",
        ],
        codigo="MIR",
        fecha=datos.periodo,
        datos=datos_programa(p),
        tablas=[Tabla(ANCHOS, _encabezado(), _filas(p), clase="mir-matriz")],
        firmantes=p.firmantes,
        firmada=p.firmado,
        notas=[
            "Tipo: estratégico para Fin y Propósito, de gestión para Componentes y "
            "Actividades. Solo se listan los indicadores del alcance del reporte."
        ],
        pie=f"MIR · {p.ramo_clave} {p.clave} {p.nombre} · {datos.periodo}",
    )


def construir_mir(datos: DatosIndicadores) -> Documento:
    usados: set[str] = set()
    hojas = [
        _hoja(datos, p, nombre_unico(f"{p.ramo_clave}-{p.clave}", usados)) for p in datos.programas
    ]
    return Documento(
        nombre=f"MIR_{datos.anio}_T{datos.trimestre}",
        titulo="Matriz de Indicadores para Resultados",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
