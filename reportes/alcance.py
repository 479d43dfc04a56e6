"""Scope checks for report downloads and jobs (programas.scope is the one mechanism).

A ramo, programa or unidad outside the user's scope, or of another ejercicio, answers 404;
inside it the export is further narrowed to the metas the user may see.
"""

from __future__ import annotations

from django.http import Http404

from programas.scope import (
    alcance_de,
    get_programa_para_usuario,
    get_ramo_para_usuario,
    get_unidad_para_usuario,
)
from reportes.formatos import Parametros


def parametros_para_usuario(
    usuario,
    *,
    anio: int,
    trimestre: int,
    tipo: str,
    ramo_id: int | None = None,
    programa_id: int | None = None,
    unidad_id: int | None = None,
    workers: int | None = None,
) -> Parametros:
    """Return export parameters limited to `usuario`'s scope, or raise Http404."""
    alcance = alcance_de(usuario)
    if alcance.vacio:
        raise Http404("No tiene reportes en su ámbito.")
    if programa_id is not None:
        programa = get_programa_para_usuario(usuario, programa_id)
        if programa.ramo.ejercicio.anio != anio or ramo_id not in (None, programa.ramo_id):
            raise Http404("El programa no pertenece al ramo o ejercicio indicado.")
        ramo_id = programa.ramo_id
    if unidad_id is not None:
        unidad = get_unidad_para_usuario(usuario, unidad_id)
        if unidad.ramo.ejercicio.anio != anio or ramo_id not in (None, unidad.ramo_id):
            raise Http404("La unidad no pertenece al ramo o ejercicio indicado.")
        ramo_id = unidad.ramo_id
    if ramo_id is not None:
        ramo = get_ramo_para_usuario(usuario, ramo_id)
        if ramo.ejercicio.anio != anio:
            raise Http404("El ramo no pertenece al ejercicio indicado.")
    return Parametros(
        anio=anio,
        trimestre=trimestre,
        formato=tipo,
        ramo_id=ramo_id,
        programa_id=programa_id,
        unidad_id=unidad_id,
        filtro_alcance=None if alcance.planeacion else alcance.q_metas(),
        workers=workers,
    )
