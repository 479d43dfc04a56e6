"""Reads for the Cronograma POA beyond `DatosReporte` (seed 002, DOMAIN.md §9).

Per unidad: objetivo general, objetivos específicos, the alignment with the PMD and the MIR
indicators it reports; per meta: responsable, fecha de inicio / fin and periodicidad.
Constant queries whatever the number of unidades and metas: three reads plus, only when the
scope's pairs report MIR indicators, the seven of `filas_indicadores`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from avances.selectors_indicadores import FilaIndicador, filas_indicadores
from programas.models import Indicador, Meta, UnidadEjecutora
from programas.models_cronograma import AlineacionPMD
from reportes.datos import DatosReporte


@dataclass(frozen=True)
class Alineacion:
    numero: int
    modulo: str
    eje: str
    linea_estrategica: str
    accion_pmd: str
    actividad_especifica: str


@dataclass
class UnidadCronograma:
    objetivo_general: str = ""
    objetivos_especificos: str = ""
    alineaciones: list[Alineacion] = field(default_factory=list)


@dataclass(frozen=True)
class MetaCronograma:
    responsable: str = ""
    fecha_inicio: date | None = None
    fecha_fin: date | None = None
    periodicidad: str = ""


@dataclass
class DatosCronograma:
    unidades: dict[int, UnidadCronograma]
    metas: dict[int, MetaCronograma]
    indicadores: dict[tuple[int, int], list[FilaIndicador]]  # (programa, unidad) → MIR rows

    def unidad(self, unidad_id: int) -> UnidadCronograma:
        return self.unidades.get(unidad_id, UnidadCronograma())

    def meta(self, meta_id: int) -> MetaCronograma:
        return self.metas.get(meta_id, MetaCronograma())


def datos_cronograma(datos: DatosReporte) -> DatosCronograma:
    """The cronograma fields of every unidad and meta of the report's sections."""
    unidad_ids = {s.unidad_id for s in datos.secciones}
    meta_ids = [f.meta_id for s in datos.secciones for f in s.filas]
    unidades = {
        pk: UnidadCronograma(general or "", especificos or "")
        for pk, general, especificos in UnidadEjecutora.objects.filter(
            pk__in=unidad_ids
        ).values_list("pk", "objetivo_general", "objetivos_especificos")
    }
    for fila in (
        AlineacionPMD.objects.filter(unidad_id__in=unidad_ids)
        .order_by("unidad_id", "numero")
        .values_list(
            "unidad_id", "numero", "modulo", "eje", "linea_estrategica", "accion_pmd",
            "actividad_especifica",
        )
    ):  # fmt: skip
        unidades.setdefault(fila[0], UnidadCronograma()).alineaciones.append(Alineacion(*fila[1:]))
    metas = {
        pk: MetaCronograma(responsable or "", inicio, fin, periodicidad or "")
        for pk, responsable, inicio, fin, periodicidad in Meta.objects.filter(
            pk__in=meta_ids
        ).values_list("pk", "responsable", "fecha_inicio", "fecha_fin", "periodicidad")
    }
    return DatosCronograma(unidades, metas, _indicadores(datos))


def _indicadores(datos: DatosReporte) -> dict[tuple[int, int], list[FilaIndicador]]:
    """The MIR indicators each (programa, unidad) pair of the report reports."""
    pares = {(s.programa_id, s.unidad_id) for s in datos.secciones}
    consulta = Indicador.objects.filter(
        programa_id__in={p for p, _ in pares}, unidad_id__in={u for _, u in pares}
    )
    if not pares or not consulta.exists():
        return {}
    por_par: dict[tuple[int, int], list[FilaIndicador]] = {}
    for fila in filas_indicadores(consulta, trimestre=datos.trimestre):
        par = (fila.indicador.programa_id, fila.indicador.unidad_id)
        if par in pares:
            por_par.setdefault(par, []).append(fila)
    return por_par
