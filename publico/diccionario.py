"""The data dictionaries of the open-data downloads: column, type, description, unit.

Each dataset's columns are declared once here; the CSV, JSON and XLSX writers and the
dictionary page and downloads all read these tuples, so a file cannot drift from its
dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Columna:
    nombre: str
    tipo: str  # texto, entero, decimal, fecha, url
    descripcion: str
    unidad: str = ""


_CANTIDAD = "unidad de medida de la meta"

COLUMNAS_METAS: tuple[Columna, ...] = (
    Columna(
        "identificador",
        "texto",
        "Identificador estable de la meta: ejercicio-ramo-programa-unidad-clave. No cambia "
        "entre trimestres ni entre descargas.",
    ),
    Columna("ejercicio", "entero", "Año del ejercicio fiscal.", "año"),
    Columna(
        "trimestre",
        "entero",
        "Trimestre que se informa: 1 (enero-marzo) a 4 (octubre-diciembre).",
        "trimestre",
    ),  # fmt: skip
    Columna("periodo_inicio", "fecha", "Primer día del trimestre (AAAA-MM-DD)."),
    Columna("periodo_fin", "fecha", "Último día del trimestre (AAAA-MM-DD)."),
    Columna("ramo_clave", "texto", "Clave del ramo (dependencia u organismo)."),
    Columna("ramo_nombre", "texto", "Nombre del ramo."),
    Columna("programa_clave", "texto", "Clave del programa presupuestario dentro del ramo."),
    Columna("programa_nombre", "texto", "Nombre del programa presupuestario."),
    Columna("unidad_clave", "texto", "Clave de la unidad ejecutora responsable de la meta."),
    Columna("unidad_nombre", "texto", "Nombre de la unidad ejecutora."),
    Columna("meta_clave", "texto", "Clave de la meta (acción) dentro de su programa y unidad."),
    Columna("descripcion", "texto", "Descripción de la meta."),
    Columna("unidad_medida", "texto", "Unidad en que se miden las cantidades de la meta."),
    Columna("meta_anual", "decimal", "Meta anual vigente al cierre del trimestre.", _CANTIDAD),
    Columna("programado_trimestre", "decimal", "Cantidad programada en el trimestre.", _CANTIDAD),
    Columna(
        "realizado_trimestre",
        "decimal",
        "Cantidad realizada en el trimestre; vacío si no se registró nada.",
        _CANTIDAD,
    ),
    Columna(
        "porcentaje_trimestral",
        "decimal",
        "Realizado entre programado del trimestre, por cien; vacío si no es un número "
        "(nada programado).",
        "por ciento",
    ),
    Columna(
        "avance_absoluto",
        "decimal",
        "Realizado acumulado desde el inicio de la vigencia de la meta hasta el cierre del "
        "trimestre.",
        _CANTIDAD,
    ),
    Columna(
        "acumulado_relativo",
        "decimal",
        "Avance absoluto entre la meta anual, por cien (avance anual).",
        "por ciento",
    ),
    Columna(
        "por_realizar", "decimal", "Lo que falta para la meta anual (nunca negativo).", _CANTIDAD
    ),  # fmt: skip
    Columna(
        "cumplimiento",
        "decimal",
        "Cumplimiento del trimestre según el sentido de la meta (ascendente: realizado / "
        "programado; descendente: programado / realizado), por cien; es lo que lee el "
        "semáforo.",
        "por ciento",
    ),
    Columna(
        "semaforo",
        "texto",
        "Semáforo del cumplimiento: verde, amarillo, rojo, np (no programado), sin_captura "
        "o vacio (sin dato).",
    ),
    Columna(
        "semaforo_significado", "texto", "Qué significa el color, con los rangos del ejercicio."
    ),  # fmt: skip
    Columna(
        "codigo_verificacion",
        "texto",
        "Código de verificación del reporte trimestral firmado que contiene la meta.",
    ),
    Columna("url_verificacion", "url", "Página pública donde se comprueba el reporte firmado."),
)

COLUMNAS_FRACCION_IV: tuple[Columna, ...] = (
    Columna("Ejercicio", "entero", "Año del ejercicio fiscal.", "año"),
    Columna("Fecha de inicio del periodo que se informa", "fecha", "Primer día del trimestre."),
    Columna("Fecha de término del periodo que se informa", "fecha", "Último día del trimestre."),
    Columna(
        "Descripción breve y clara de cada objetivo",
        "texto",
        "Objetivo del programa presupuestario (su propósito en la MIR o, si no lo tiene, su "
        "nombre).",
    ),
    Columna("Metas", "texto", "La meta con su cantidad anual y su avance al trimestre."),
    Columna("Unidades de medida", "texto", "Unidad en que se mide la meta."),
    Columna("Denominación del área o unidad responsable", "texto", "Unidad ejecutora de la meta."),
    Columna(
        "Hipervínculo al documento del o los programas operativos",
        "url",
        "Reporte trimestral firmado (PDF) del programa y la unidad.",
    ),
    Columna(
        "Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualiza(n) la información",
        "texto",
        "Área que publica la información.",
    ),
    Columna("Fecha de validación", "fecha", "Fecha en que se autorizó el reporte trimestral."),
    Columna("Fecha de actualización", "fecha", "Fecha en que se autorizó el reporte trimestral."),
    Columna("Nota", "texto", "Aclaraciones: código de verificación del reporte firmado."),
)

CONJUNTOS: dict[str, tuple[str, tuple[Columna, ...]]] = {
    "metas": ("Avance trimestral de metas", COLUMNAS_METAS),
    "fraccion-iv": (
        "Formato de la fracción IV (metas y objetivos de las áreas)",
        COLUMNAS_FRACCION_IV,
    ),
}
