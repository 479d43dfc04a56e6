"""The cronograma fields of the workbook (seed 002, DOMAIN.md §9).

Optional everywhere, so older workbooks import as before:
- metas: `responsable`, `fecha_inicio`, `fecha_fin`, `periodicidad` (read only when present);
- sheet `objetivos`: one row per unidad with its objetivo general and objetivos específicos;
- sheet `alineacion`: the unidad's table módulo | eje | línea | acción del PMD | actividad.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from plantilla.importacion.columnas import Hoja
from plantilla.importacion.leer import _a_texto, _Lector
from plantilla.importacion.resultado import Cambio, Creacion, Plan
from programas.models import AlineacionPMD

COLUMNAS_META = ("responsable", "fecha_inicio", "fecha_fin", "periodicidad")
CAMPOS_ALINEACION = ("modulo", "eje", "linea_estrategica", "accion_pmd", "actividad_especifica")
_FECHA_DMA = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\Z")


def leer_fecha(lector: _Lector, fila: int, valores, columna: str) -> dt.date | None:
    """A date cell: a real date, `aaaa-mm-dd` or `dd/mm/aa(aa)`; anything else is an error."""
    crudo = lector.hoja.valor(valores, columna)
    if crudo is None or (isinstance(crudo, str) and not crudo.strip()):
        return None
    if isinstance(crudo, dt.datetime):
        return crudo.date()
    if isinstance(crudo, dt.date):
        return crudo
    texto = _a_texto(crudo)
    try:
        if m := _FECHA_DMA.match(texto):
            dia, mes, anio = (int(x) for x in m.groups())
            return dt.date(anio + 2000 if anio < 100 else anio, mes, dia)
        return dt.date.fromisoformat(texto)
    except ValueError:
        lector.error(fila, columna, f"«{texto[:40]}» no es una fecha; use dd/mm/aaaa.")
        return None


def campos_de_meta(lector: _Lector, fila: int, valores) -> dict:
    """The cronograma fields of a metas row, only for the columns the sheet has."""
    hoja, campos = lector.hoja, {}
    if hoja.tiene("responsable"):
        campos["responsable"] = lector.texto(fila, valores, "responsable", max_len=200)
    if hoja.tiene("periodicidad"):
        campos["periodicidad"] = lector.texto(fila, valores, "periodicidad", max_len=30).upper()
    for columna in ("fecha_inicio", "fecha_fin"):
        if hoja.tiene(columna):
            campos[columna] = leer_fecha(lector, fila, valores, columna)
    inicio, fin = campos.get("fecha_inicio"), campos.get("fecha_fin")
    if inicio and fin and inicio > fin:
        lector.error(fila, "fecha_fin", "la fecha de fin es anterior a la de inicio.")
    return campos


@dataclass
class OperacionesCronograma:
    unidades: list[tuple] = field(default_factory=list)  # (llave unidad, {campo: texto})
    alineacion: dict[tuple, list[dict]] = field(default_factory=dict)  # llave → filas


def leer_objetivos(hoja: Hoja, existente, deseado, plan: Plan, ops: OperacionesCronograma):
    lector = _Lector(hoja, plan.errores)
    vistos: dict[tuple, int] = {}
    for fila, valores in hoja.filas:
        llave = _unidad(lector, fila, valores, existente, deseado)
        campos = {
            c: lector.texto(fila, valores, c) for c in ("objetivo_general", "objetivos_especificos")
            if hoja.tiene(c)
        }  # fmt: skip
        if llave is None:
            continue
        if llave in vistos:
            lector.error(fila, "unidad_clave", f"la unidad {llave[1]} se repite (fila "
                         f"{vistos[llave]}).")  # fmt: skip
            continue
        vistos[llave] = fila
        actual = existente.unidades.get(llave)
        cambios = {c: v for c, v in campos.items() if actual is None or getattr(actual, c) != v}
        if cambios:
            ops.unidades.append((llave, cambios))
            for campo, texto in cambios.items():
                anterior = (getattr(actual, campo) if actual else "") or "(vacío)"
                plan.cambios.append(Cambio("Unidad ejecutora", f"Unidad {llave[0]}/{llave[1]}",
                                           campo.replace("_", " "), anterior[:80],
                                           texto[:80] or "(vacío)"))  # fmt: skip


def leer_alineacion(hoja: Hoja, existente, deseado, plan: Plan, ops: OperacionesCronograma):
    lector = _Lector(hoja, plan.errores)
    filas: dict[tuple, dict[int, dict]] = {}
    for fila, valores in hoja.filas:
        llave = _unidad(lector, fila, valores, existente, deseado)
        numero = lector.entero(fila, valores, "numero", minimo=1, maximo=999, requerido=True)
        campos = {c: lector.texto(fila, valores, c, max_len=500 if c.startswith("act") else 300)
                  for c in CAMPOS_ALINEACION}  # fmt: skip
        if llave is None or numero is None:
            continue
        if numero in filas.setdefault(llave, {}):
            lector.error(fila, "numero", f"el N° {numero} se repite en la unidad {llave[1]}.")
            continue
        filas[llave][numero] = {"numero": numero, **campos}
    guardadas_por_unidad = _alineaciones_guardadas(existente.unidades.get(k) for k in filas)
    for llave, por_numero in filas.items():
        deseadas = [por_numero[n] for n in sorted(por_numero)]
        actual = existente.unidades.get(llave)
        guardadas = guardadas_por_unidad.get(actual.pk, []) if actual else []
        if deseadas != guardadas:
            ops.alineacion[llave] = deseadas
            if guardadas:
                plan.cambios.append(Cambio("Unidad ejecutora", f"Unidad {llave[0]}/{llave[1]}",
                                           "alineación con el PMD", f"{len(guardadas)} fila(s)",
                                           f"{len(deseadas)} fila(s)"))  # fmt: skip
            else:
                plan.creados.append(Creacion("Alineación PMD", f"Unidad {llave[0]}/{llave[1]}",
                                             f"{len(deseadas)} fila(s)"))  # fmt: skip
                plan.conteo_creados["Alineación PMD"] += 1


def _alineaciones_guardadas(unidades) -> dict[int, list[dict]]:
    """The stored rows of those unidades, by unidad id, in one query."""
    resultado: dict[int, list[dict]] = {}
    filas = AlineacionPMD.objects.filter(unidad__in=[u for u in unidades if u is not None])
    for fila in filas.order_by("unidad_id", "numero").values(
        "unidad_id", "numero", *CAMPOS_ALINEACION
    ):
        resultado.setdefault(fila.pop("unidad_id"), []).append(fila)
    return resultado


def _unidad(lector: _Lector, fila: int, valores, existente, deseado) -> tuple | None:
    ramo = lector.texto(fila, valores, "ramo_clave", requerido=True)
    unidad = lector.texto(fila, valores, "unidad_clave", requerido=True)
    if not (ramo and unidad):
        return None
    llave = (ramo, unidad)
    if llave in existente.unidades or llave in deseado.unidades:
        return llave
    lector.error(fila, "unidad_clave", f"la unidad {unidad} del ramo {ramo} no está en el libro "
                 "ni en la base de datos.")  # fmt: skip
    return None


def aplicar_cronograma(ops: OperacionesCronograma, existente) -> None:
    for llave, cambios in ops.unidades:
        unidad = existente.unidades[llave]
        for campo, texto in cambios.items():
            setattr(unidad, campo, texto)
        unidad.save(update_fields=list(cambios))
    for llave, filas in ops.alineacion.items():
        unidad = existente.unidades[llave]
        AlineacionPMD.objects.filter(unidad=unidad).delete()
        AlineacionPMD.objects.bulk_create(AlineacionPMD(unidad=unidad, **f) for f in filas)
