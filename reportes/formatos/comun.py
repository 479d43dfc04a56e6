"""Pieces the official formats share: header cells, sheet names, header block and footers.

Formatting only, like `base`: every figure comes computed in the selector's `CalculoMeta`.
"""

from __future__ import annotations

from programas import formulas
from programas.models import ABREVIATURAS_MES
from programas.numeros import formatear_numero
from reportes.datos import FilaMeta, Seccion
from reportes.formatos.base import Celda, numero, sin_captura

TRIMESTRES = ("ENE-MAR", "ABR-JUN", "JUL-SEP", "OCT-DIC")
MESES_MAYUS = [m.upper() for m in ABREVIATURAS_MES]
NOMBRES_MES_TITULO = (
    "", "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
    "Septiembre", "Octubre", "Noviembre", "Diciembre",
)  # fmt: skip


def th(txt: str, **extra) -> Celda:
    """A table-header cell."""
    return Celda(texto=txt, clase="th", **extra)


def nombres_hoja(secciones: list[Seccion], *, por_programa: bool) -> list[str]:
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


def datos_encabezado(s: Seccion, *, lineas: bool = True) -> list[tuple[str, str]]:
    """The header block; a classification the POA does not record is left out, not blank."""
    datos = [
        ("RAMO", f"{s.ramo_clave} {s.ramo_nombre}"),
        ("PROGRAMA", f"{s.programa_clave} {s.programa_nombre}"),
        ("UNIDAD EJECUTORA", f"{s.unidad_clave} {s.unidad_nombre}"),
    ]
    opcionales = [
        ("FINALIDAD", s.finalidad),
        ("FUNCIÓN", s.funcion),
        ("SUBFUNCIÓN", s.subfuncion),
        ("EJE DE GOBIERNO", s.eje),
    ]
    if lineas:
        opcionales.append(
            ("LÍNEAS DE ACCIÓN", "\n".join(f"{x.codigo} {x.nombre}".strip() for x in s.lineas))
        )
    return datos + [(etiqueta, valor) for etiqueta, valor in opcionales if (valor or "").strip()]


def fuera_de_vigencia(fila: FilaMeta, trimestre: int) -> bool:
    """The whole quarter lies before the meta's vigencia (re-issued POA, DOMAIN.md §3)."""
    return 3 * trimestre < fila.calculo.vigencia.mes_inicio


def celdas_trimestre(fila: FilaMeta, t: formulas.CalculoTrimestre, reportado: int) -> list[Celda]:
    """A quarter's programado and realizado cells (blank after the reported quarter)."""
    if fuera_de_vigencia(fila, t.trimestre):
        return [Celda(clase="num fuera"), Celda(clase="num fuera")]
    if t.trimestre > reportado:
        realizado = Celda(clase="num")
    elif t.porcentaje.estado is formulas.Estado.SIN_CAPTURA:
        realizado = sin_captura()
    else:
        realizado = numero(t.realizado)
    return [numero(t.programado), realizado]


def celda_meta_anual(fila: FilaMeta) -> Celda:
    celda = numero(fila.calculo.vigencia.meta_anual)
    original = fila.calculo.meta_anual_original
    if original != fila.calculo.vigencia.meta_anual:
        celda.nota = f"orig. {numero(original).texto}"
    return celda


def descripcion_meta(fila: FilaMeta) -> str:
    return f"{fila.clave}.- {fila.descripcion}"


def pie_seccion(codigo: str, s: Seccion, periodo: str) -> str:
    return f"{codigo} · {s.unidad_clave} {s.unidad_nombre} · {periodo}"


def leyenda_semaforo(u: formulas.Umbrales, columna: str) -> str:
    """The semáforo legend with the ejercicio's bands (DOMAIN.md §4 "Semáforo")."""
    n = formatear_numero
    return (
        f"Semáforo (color en {columna}) sobre el cumplimiento del trimestre: verde "
        f"{n(u.verde_min)}–{n(u.verde_max)} %; amarillo {n(u.amarillo_min)}–<{n(u.verde_min)} % "
        f"o >{n(u.verde_max)}–{n(u.amarillo_max)} %; rojo fuera de esos rangos; morado N/P; "
        "contorno punteado sin captura."
    )


def acciones_con_padre(filas: list[FilaMeta]) -> set[int]:
    """The meta ids that are acciones of another meta of the same section (DOMAIN.md §1).

    An acción is a meta "N.M" whose grupo is "N - …" while meta "N" is in the section (the
    Tesorería's structure, seed 004); its work is already in its meta's figures.
    """
    claves = {f.clave for f in filas}
    acciones = set()
    for f in filas:
        padre = f.grupo.split(" - ", 1)[0].strip() if " - " in f.grupo else ""
        if padre and f.clave.startswith(padre + ".") and padre in claves:
            acciones.add(f.meta_id)
    return acciones
