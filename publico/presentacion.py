"""What the portal's templates print: formatted figures of the public selector (no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from programas.numeros import formatear_numero, formatear_porcentaje
from publico.indicadores import por_programa
from publico.selectors import ETIQUETAS_SEMAFORO, ResumenRamo, significado_semaforo
from reportes.datos import NOMBRES_PERIODO, DatosReporte, Seccion

NOMBRES_TRIMESTRE = {
    1: "Primer trimestre",
    2: "Segundo trimestre",
    3: "Tercer trimestre",
    4: "Cuarto trimestre",
}


def nombre_periodo(anio: int, trimestre: int) -> str:
    return f"{NOMBRES_TRIMESTRE[trimestre]} ({NOMBRES_PERIODO[trimestre].lower()}) {anio}"


def leyenda(datos: DatosReporte) -> list[dict]:
    """Every semáforo mark with its meaning, for the legend of each page."""
    return [
        {"clave": str(s), "etiqueta": e, "significado": significado_semaforo(s, datos.umbrales)}
        for s, e in ETIQUETAS_SEMAFORO.items()
    ]


def _fila(fila, umbrales) -> dict:
    c = fila.calculo
    return {
        "clave": fila.clave,
        "descripcion": fila.descripcion,
        "unidad_medida": fila.unidad_medida,
        "meta_anual": formatear_numero(c.vigencia.meta_anual),
        "programado": formatear_numero(c.programado_trimestre),
        "realizado": formatear_numero(c.realizado_trimestre) or "sin captura",
        "porcentaje": formatear_porcentaje(c.porcentaje_trimestral, None) or "—",
        "avance": formatear_numero(c.avance_absoluto) or "—",
        "porcentaje_anual": formatear_porcentaje(c.acumulado_relativo, None) or "—",
        "cumplimiento": formatear_porcentaje(c.cumplimiento, None) or "—",
        "semaforo": str(c.semaforo),
        "semaforo_etiqueta": ETIQUETAS_SEMAFORO[c.semaforo],
        "semaforo_significado": significado_semaforo(c.semaforo, umbrales),
    }


def seccion(s: Seccion, datos: DatosReporte) -> dict:
    return {
        "programa_id": s.programa_id,
        "programa": f"{s.programa_clave} {s.programa_nombre}",
        "unidad_id": s.unidad_id,
        "unidad": f"{s.unidad_clave} {s.unidad_nombre}",
        "codigo": s.codigo_verificacion,
        "filas": [_fila(f, datos.umbrales) for f in s.filas],
    }


@dataclass
class ProgramaVista:
    clave: str
    nombre: str
    secciones: list[dict]
    id: int = 0
    indicadores: list[dict] = field(default_factory=list)


def programas_de(ramo: ResumenRamo, datos: DatosReporte) -> list[ProgramaVista]:
    """A ramo's sections grouped by programa, in the formats' order."""
    programas: dict[int, ProgramaVista] = {}
    for s in ramo.secciones:
        vista = programas.setdefault(
            s.programa_id, ProgramaVista(s.programa_clave, s.programa_nombre, [], s.programa_id)
        )
        vista.secciones.append(seccion(s, datos))
    return list(programas.values())


def conteo(ramo: ResumenRamo) -> list[dict]:
    return [
        {"clave": str(s), "etiqueta": e, "n": ramo.conteo[str(s)]}
        for s, e in ETIQUETAS_SEMAFORO.items()
    ]


def con_indicadores(programas: list[ProgramaVista], filas) -> list[ProgramaVista]:
    """Attach each programa's public indicators (`publico.indicadores` rows) to its view; a
    programa with authorized indicators and no metas section still gets its own block."""
    grupos = por_programa(filas)
    vistos = {p.id for p in programas}
    for p in programas:
        p.indicadores = grupos.get(p.id, [])
    for fila in filas:
        programa = fila.indicador.programa
        if programa.pk not in vistos:
            vistos.add(programa.pk)
            programas.append(
                ProgramaVista(programa.clave, programa.nombre, [], programa.pk, grupos[programa.pk])
            )
    return programas
