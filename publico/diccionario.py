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

_VALOR = "unidad de medida del indicador"
_VARIABLE = "unidad de medida de la variable"
_SIN_NUMERO = " Vacío si no es un número: el semáforo dice por qué (nd, sin_captura o vacio)."

COLUMNAS_INDICADORES: tuple[Columna, ...] = (
    Columna(
        "identificador",
        "texto",
        "Identificador estable del indicador: ejercicio-ramo-programa-clave. No cambia entre "
        "trimestres ni entre descargas.",
    ),
    Columna("ejercicio", "entero", "Año del ejercicio fiscal.", "año"),
    Columna("trimestre", "entero", "Trimestre que se informa: 1 a 4.", "trimestre"),
    Columna("periodo_inicio", "fecha", "Primer día del trimestre (AAAA-MM-DD)."),
    Columna("periodo_fin", "fecha", "Último día del trimestre (AAAA-MM-DD)."),
    Columna(
        "periodo_indicador",
        "entero",
        "Periodo del indicador que se informa, nombrado por su último mes (trimestral: 3, 6, 9, "
        "12; semestral: 6, 12; anual: 12). Vacío si ninguno vence en el trimestre.",
        "mes",
    ),
    Columna("ramo_clave", "texto", "Clave del ramo (dependencia u organismo)."),
    Columna("ramo_nombre", "texto", "Nombre del ramo."),
    Columna("programa_clave", "texto", "Clave del programa presupuestario."),
    Columna("programa_nombre", "texto", "Nombre del programa presupuestario."),
    Columna("unidad_clave", "texto", "Clave de la unidad ejecutora que reporta el indicador."),
    Columna("unidad_nombre", "texto", "Nombre de la unidad ejecutora que lo reporta."),
    Columna("nivel", "texto", "Nivel de la MIR: FIN, PROPOSITO, COMPONENTE o ACTIVIDAD."),
    Columna("objetivo", "texto", "Resumen narrativo del objetivo de la MIR que mide."),
    Columna("indicador_clave", "texto", "Clave del indicador dentro de su programa."),
    Columna("nombre", "texto", "Nombre del indicador."),
    Columna("definicion", "texto", "Definición del indicador."),
    Columna("metodo_calculo", "texto", "Fórmula sobre las variables, p. ej. (A / B) * 100."),
    Columna("unidad_medida", "texto", "Unidad de medida del indicador."),
    Columna("frecuencia", "texto", "Frecuencia: MENSUAL, TRIMESTRAL, SEMESTRAL o ANUAL."),
    Columna("dimension", "texto", "Dimensión: EFICACIA, EFICIENCIA, ECONOMIA o CALIDAD."),
    Columna("tipo", "texto", "ESTRATEGICO (Fin y Propósito) o GESTION (Componente y Actividad)."),
    Columna("sentido", "texto", "ASCENDENTE (más es mejor) o DESCENDENTE (menos es mejor)."),
    Columna("linea_base", "decimal", "Valor de la línea base.", _VALOR),
    Columna("linea_base_anio", "entero", "Año de la línea base.", "año"),
    Columna(
        "meta_anual",
        "decimal",
        "Meta del año: la fórmula sobre lo programado de todo el año." + _SIN_NUMERO,
        _VALOR,
    ),
    Columna(
        "resultado_periodo",
        "decimal",
        "La fórmula sobre lo alcanzado en el periodo." + _SIN_NUMERO,
        _VALOR,
    ),
    Columna(
        "meta_periodo", "decimal", "La fórmula sobre lo programado en el periodo.", _VALOR
    ),  # fmt: skip
    Columna(
        "resultado_acumulado",
        "decimal",
        "La fórmula sobre lo alcanzado acumulado al periodo (las variables acumulables suman "
        "sus periodos; las continuas toman el valor del periodo)." + _SIN_NUMERO,
        _VALOR,
    ),
    Columna(
        "meta_acumulada", "decimal", "La fórmula sobre lo programado acumulado al periodo.", _VALOR
    ),  # fmt: skip
    Columna(
        "cumplimiento",
        "decimal",
        "Resultado acumulado entre meta acumulada, por cien (descendente: al revés); es lo que "
        "lee el semáforo." + _SIN_NUMERO,
        "por ciento",
    ),
    Columna(
        "semaforo",
        "texto",
        "Semáforo del cumplimiento: verde, amarillo, rojo, nd (no determinable: división entre "
        "cero), sin_captura o vacio (sin medición en el trimestre).",
    ),
    Columna(
        "umbrales", "texto", "De dónde salen los rangos del semáforo: indicador o ejercicio."
    ),  # fmt: skip
    Columna("verde_min", "decimal", "Verde desde (cumplimiento).", "por ciento"),
    Columna("verde_max", "decimal", "Verde hasta.", "por ciento"),
    Columna("amarillo_min", "decimal", "Amarillo desde (debajo: rojo).", "por ciento"),
    Columna("amarillo_max", "decimal", "Amarillo hasta (arriba: rojo).", "por ciento"),
    Columna("justificacion", "texto", "Justificación del periodo (obligatoria fuera del verde)."),
    Columna(
        "codigo_verificacion",
        "texto",
        "Código de verificación del reporte trimestral firmado de la unidad que lo reporta.",
    ),
    Columna("url_verificacion", "url", "Página pública donde se comprueba el reporte firmado."),
)

COLUMNAS_VARIABLES: tuple[Columna, ...] = (
    Columna("identificador_indicador", "texto", "Identificador estable del indicador."),
    Columna("ejercicio", "entero", "Año del ejercicio fiscal.", "año"),
    Columna("trimestre", "entero", "Trimestre que se informa: 1 a 4.", "trimestre"),
    Columna(
        "periodo_indicador", "entero", "Periodo del indicador (su último mes).", "mes"
    ),  # fmt: skip
    Columna("simbolo", "texto", "Símbolo de la variable en el método de cálculo (A, B, …)."),
    Columna("nombre", "texto", "Nombre de la variable."),
    Columna("unidad_medida", "texto", "Unidad de medida de la variable."),
    Columna(
        "comportamiento",
        "texto",
        "ACUMULABLE (un flujo que se suma en el año) o CONTINUA (un valor a la fecha).",
    ),
    Columna("fuente", "texto", "Fuente de información de la variable."),
    Columna("programado_periodo", "decimal", "Valor programado en el periodo.", _VARIABLE),
    Columna(
        "alcanzado_periodo",
        "decimal",
        "Valor alcanzado en el periodo; vacío si no se capturó.",
        _VARIABLE,
    ),
    Columna(
        "programado_acumulado", "decimal", "Programado acumulado al periodo.", _VARIABLE
    ),  # fmt: skip
    Columna(
        "alcanzado_acumulado",
        "decimal",
        "Alcanzado acumulado al periodo; vacío si falta un periodo vencido.",
        _VARIABLE,
    ),
)


def _columnas_transparencia(*nombres: tuple[str, str, str]) -> tuple[Columna, ...]:
    return tuple(Columna(n, t, d) for n, t, d in nombres)


_AREA_PUBLICA = (
    "Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualiza(n) la información"
)
_COMUNES_INICIO = (
    ("Ejercicio", "entero", "Año del ejercicio fiscal."),
    ("Fecha de inicio del periodo que se informa", "fecha", "Primer día del trimestre."),
    ("Fecha de término del periodo que se informa", "fecha", "Último día del trimestre."),
)
_COMUNES_INDICADOR = (
    ("Objetivo institucional", "texto", "Resumen narrativo del objetivo de la MIR que mide."),
    ("Nombre del indicador", "texto", "Nombre del indicador."),
    ("Dimensión(es) a medir", "texto", "Eficacia, eficiencia, economía o calidad."),
    ("Definición del indicador", "texto", "Definición del indicador."),
    ("Método de cálculo", "texto", "Fórmula y qué es cada variable."),
    ("Unidad de medida", "texto", "Unidad de medida del indicador."),
    ("Frecuencia de medición", "texto", "Mensual, trimestral, semestral o anual."),
    ("Línea base", "texto", "Valor de la línea base y su año."),
    ("Metas programadas", "decimal", "Meta del año (la fórmula sobre lo programado del año)."),
    ("Metas ajustadas en su caso", "decimal", "Meta ajustada; vacío si no se ajustó."),
    ("Avance de las metas", "decimal", "Resultado acumulado al periodo del trimestre."),
    ("Sentido del indicador", "texto", "Ascendente o Descendente."),
    ("Fuente de información", "texto", "Fuentes de las variables y medios de verificación."),
)
_NOTA = ("Nota", "texto", "Periodo, cumplimiento y semáforo, justificación y código del reporte.")

COLUMNAS_FRACCION_V: tuple[Columna, ...] = _columnas_transparencia(
    *_COMUNES_INICIO,
    *_COMUNES_INDICADOR,
    (_AREA_PUBLICA, "texto", "Área que publica la información."),
    ("Fecha de validación", "fecha", "Fecha en que se autorizó el reporte trimestral."),
    ("Fecha de actualización", "fecha", "Fecha en que se autorizó el reporte trimestral."),
    _NOTA,
)

COLUMNAS_FRACCION_VI: tuple[Columna, ...] = _columnas_transparencia(
    *_COMUNES_INICIO,
    (
        "Nombre del programa o concepto al que corresponde el indicador",
        "texto",
        "Programa presupuestario (clave y nombre).",
    ),
    *_COMUNES_INDICADOR,
    (_AREA_PUBLICA, "texto", "Unidad ejecutora que reporta el indicador."),
    ("Fecha de actualización", "fecha", "Fecha en que se autorizó el reporte trimestral."),
    _NOTA,
)

CONJUNTOS: dict[str, tuple[str, tuple[Columna, ...]]] = {
    "metas": ("Avance trimestral de metas", COLUMNAS_METAS),
    "fraccion-iv": (
        "Formato de la fracción IV (metas y objetivos de las áreas)",
        COLUMNAS_FRACCION_IV,
    ),
    "indicadores": ("Avance trimestral de los indicadores de la MIR", COLUMNAS_INDICADORES),
    "variables": ("Variables de los indicadores por periodo", COLUMNAS_VARIABLES),
    "fraccion-v": (
        "Formato de la fracción V (indicadores de interés público: Fin y Propósito)",
        COLUMNAS_FRACCION_V,
    ),
    "fraccion-vi": ("Formato de la fracción VI (indicadores de resultados)", COLUMNAS_FRACCION_VI),
}
