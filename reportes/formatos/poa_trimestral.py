"""POA trimestral (estilo OROMAPAS, seed 000): one document per organismo (ramo).

The legend of abbreviations at the top, one block per área (unidad) with P, R and P/R of
each month, the ramo's totals row after the last block and one signature, the director's.
"""

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
from reportes.formatos.comun import NOMBRES_MES_TITULO, leyenda_semaforo, th
from reportes.verificable import url_verificacion

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


LEYENDA = (
    "U.M. = Unidad de Medida, Cant = Cantidad, Prop = Propósito, Comp = Componente, "
    "Act = Actividad, S.Act = Sub-Actividad, P = Programado, R = Realizado, "
    "N/P = No Programado, A = Ascendente, B = Descendente"
)


def _director(secciones: list[Seccion]) -> Firmante:
    """The one signature: the ramo's responsable («Director de …», programas.responsables)."""
    ramo = secciones[-1].firmantes[2]
    cargo = (ramo.cargo or "Director").strip()
    titulo = cargo if " de " in cargo.lower() else f"{cargo} de {secciones[-1].ramo_nombre}"
    fechas = [s.firmantes[2].fecha for s in secciones if s.firmantes[2].fecha]
    firmado = all(s.firmado for s in secciones) and fechas
    return Firmante("", titulo, ramo.nombre, "", max(fechas) if firmado else None)


def _bloque(s: Seccion, meses: list[int], ordinal: str, filas: list[Fila]) -> Tabla:
    return Tabla(
        list(ANCHOS),
        _encabezado(meses, ordinal),
        filas,
        clase="poa",
        titulo=f"Área o Proyecto Específico: {s.unidad_nombre} ({s.unidad_clave})",
    )


def _programas(secciones: list[Seccion]) -> str:
    vistos = dict.fromkeys(f"{s.programa_clave} {s.programa_nombre}" for s in secciones)
    return "\n".join(vistos)


def _notas(datos: DatosReporte, secciones: list[Seccion], firmada: bool) -> list[str]:
    notas = [
        "P/R = porcentaje realizado sobre programado. El total acumulado es Σ avance / "
        "Σ meta anual de las metas que se suman, calculado exacto (no la suma de las filas "
        "redondeadas).",
        leyenda_semaforo(datos.umbrales, "el porcentaje de avance trimestral"),
    ]
    if firmada and len(secciones) > 1:  # one verification code per área's signed quarter
        notas.append(
            "Códigos de verificación (trimestre autorizado de cada área): "
            + "; ".join(
                f"{s.unidad_clave} {s.codigo_verificacion} "
                f"({url_verificacion(s.codigo_verificacion)})"
                for s in secciones
                if s.codigo_verificacion
            )
        )
    return notas


def _hoja(datos: DatosReporte, secciones: list[Seccion], nombre: str, tablas: list[Tabla]) -> Hoja:
    """The organismo's document: legend at the top, a block per área, one signature."""
    ordinal = ORDINALES_TRIMESTRE[datos.trimestre]
    s = secciones[0]
    director = _director(secciones)
    firmada = all(x.firmado for x in secciones)
    return Hoja(
        nombre=nombre,
        titulo=[f"Programa Operativo Anual {ordinal} Trimestre del {datos.anio}"],
        codigo="",
        fecha=datos.periodo,
        datos=[
            ("Dirección", s.ramo_nombre),
            ("Director", director.nombre or "no registrado"),
            ("Programa", _programas(secciones)),
            ("Abreviaturas", LEYENDA),
        ],
        tablas=tablas,
        firmantes=[director],
        verificacion=s.codigo_verificacion if len(secciones) == 1 else "",
        firmada=firmada,
        notas=_notas(datos, secciones, firmada),
        pie=f"POA {ordinal} Trimestre {datos.anio} · {_ramo_corto(s)}",
    )


def _ramo_corto(s: Seccion) -> str:
    """The ramo in the running footer: its clave, and its name when it fits one line."""
    return f"{s.ramo_clave} {s.ramo_nombre}" if len(s.ramo_nombre) <= 40 else s.ramo_clave


def _nombre_hoja(clave: str, usados: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in clave)[:31] or "ramo"
    nombre, n = base, 2
    while nombre.lower() in usados:
        nombre = f"{base[:28]}~{n}"
        n += 1
    usados.add(nombre.lower())
    return nombre


def construir_poa_trimestral(datos: DatosReporte) -> Documento:
    """One document (sheet) per organismo (ramo), one block per área (DOMAIN.md §6, seed 000)."""
    q = datos.trimestre
    meses = list(formulas.meses_del_trimestre(q))
    ordinal = ORDINALES_TRIMESTRE[q]
    por_ramo: dict[int, list[Seccion]] = {}
    for s in datos.secciones:
        por_ramo.setdefault(s.ramo_id, []).append(s)
    hojas, usados = [], set()
    for ramo_id, secciones in por_ramo.items():
        tablas = [_bloque(s, meses, ordinal, [_fila(f, meses) for f in s.filas]) for s in secciones]
        tablas[-1].filas.append(_fila_total(secciones[-1], datos.totales_ramo[ramo_id]))
        nombre = _nombre_hoja(secciones[0].ramo_clave, usados)
        hojas.append(_hoja(datos, secciones, nombre, tablas))
    return Documento(
        nombre=f"POA-trimestral_{datos.anio}_T{q}",
        titulo=f"Programa Operativo Anual — {ordinal} trimestre",
        hojas=hojas,
        huella_firmada=datos.huella_firmada(),
    )
