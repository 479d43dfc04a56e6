"""Per-row save of the capture grid: one meta's months of the quarter, as JSON.

The grid's JavaScript posts one row at a time (the same ``r-``/``o-``/``v-`` fields as the
classic form, plus the CSRF token) so that one bad cell never holds back the other rows.
The row is saved atomically through `avances.services.avances_guardar_rejilla` (optimistic
version check, locks of authorized quarters, closed and future months).

Answers: 200 ``guardado``/``sin_cambios``; 400 ``rechazado`` (per-cell errors); 409
``conflicto`` (someone else saved; their values are in the answer) or ``bloqueado``; 403
when the user may not capture; 404 outside the user's scope.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_POST

from avances import services
from avances.forms import RejillaCapturaForm, ficha_version
from avances.rejilla import FilaRejilla, estructura_rejilla, rejilla_captura
from programas.numeros import formatear_numero
from programas.scope import get_unidad_para_usuario, puede_capturar

_CAMPO = re.compile(r"^[rov]-(\d+)-(\d+)$")


def _figura(f) -> dict:
    return {"texto": f.texto, "semaforo": f.semaforo, "etiqueta": f.etiqueta}


def _datos_fila(fila: FilaRejilla) -> dict:
    """The server's figures of the row after the save (they replace the browser's preview)."""
    return {
        "t_p": fila.programado_trimestre,
        "t_r": fila.realizado_trimestre,
        "t_pct": _figura(fila.trimestre),
        "falta_justificacion": fila.falta_justificacion,
        "meses": {
            str(c.mes): {
                **_figura(c.porcentaje),
                "fuera_de_verde": c.fuera_de_verde,
                "ficha": ficha_version(c.version, c.realizado, c.observaciones),
                "realizado": c.texto_realizado,
                "observaciones": c.observaciones,
            }
            for c in fila.celdas
        },
    }


def _conflicto(c: services.Conflicto) -> dict:
    return {
        "usuario": c.usuario,
        "realizado": "" if c.realizado is None else formatear_numero(c.realizado),
        "observaciones": c.observaciones,
        "fecha": c.fecha.strftime("%H:%M") if c.fecha else "",
        "ficha": ficha_version(c.version, c.realizado, c.observaciones),
    }


def _respuesta(estado: str, mensaje: str, status: int = 200, **extra) -> JsonResponse:
    return JsonResponse({"estado": estado, "mensaje": mensaje, **extra}, status=status)


def _errores(por_mes: dict[int, str]) -> dict:
    return {
        str(mes): {"texto": texto, "en_observaciones": texto.startswith("Las observaciones")}
        for mes, texto in por_mes.items()
    }


def _meses_enviados(post, meta_id: int) -> set[int]:
    meses = set()
    for nombre in post:
        encontrado = _CAMPO.match(nombre)
        if encontrado and int(encontrado.group(1)) == meta_id:
            meses.add(int(encontrado.group(2)))
    return meses


@login_required
@require_POST
def guardar_fila(request, unidad_id: int, trimestre: int, meta_id: int):
    """Save one meta row of the grid; answer JSON with its new versions and figures."""
    unidad = get_unidad_para_usuario(request.user, unidad_id)
    if not 1 <= trimestre <= 4:
        raise Http404("Trimestre inválido.")
    if not puede_capturar(request.user, unidad.pk):
        return _respuesta(
            "prohibido", "Solo los capturistas de la unidad pueden guardar avances.", 403
        )
    # Read once: the structure is the same before and after the save (only avances change).
    estructura = estructura_rejilla(unidad=unidad, trimestre=trimestre, meta_ids=[meta_id])
    rejilla = rejilla_captura(
        unidad=unidad, trimestre=trimestre, puede_capturar=True, estructura=estructura
    )
    if not rejilla.filas:
        raise Http404("La meta no existe en esta unidad y trimestre.")
    fila, grupo = rejilla.filas[0], rejilla.grupos[0]
    enviados = _meses_enviados(request.POST, meta_id)
    cerradas = {c.mes: c.motivo for c in fila.celdas if c.mes in enviados and not c.editable}
    if cerradas:
        if grupo.autorizado:
            return _respuesta("bloqueado", f"No se guardó la fila: {grupo.motivo_bloqueo}", 409)
        errores = _errores(
            {mes: f"No se puede capturar este mes: {m.lower()}." for mes, m in cerradas.items()}
        )
        return _respuesta(
            "rechazado", "No se guardó la fila: hay meses que no se pueden capturar.", 400,
            errores=errores,
        )  # fmt: skip
    form = RejillaCapturaForm(rejilla.celdas_editables(), data=request.POST)
    if not form.is_valid():
        errores = _errores({mes: texto for (_, mes), texto in form.errores.items()})
        return _respuesta(
            "rechazado", f"No se guardó la fila: {len(errores)} celda(s) con errores.", 400,
            errores=errores,
        )  # fmt: skip
    try:
        resultado = services.avances_guardar_rejilla(
            unidad=unidad, celdas=form.cambios, usuario=request.user
        )
    except services.CapturaRechazada as exc:
        if exc.conflictos:
            return _respuesta(
                "conflicto", exc.mensaje, 409,
                conflictos={str(m): _conflicto(c) for (_, m), c in exc.conflictos.items()},
            )  # fmt: skip
        errores = _errores({mes: texto for (_, mes), texto in exc.errores.items()})
        return _respuesta("rechazado", exc.mensaje, 400, errores=errores)
    despues = rejilla_captura(
        unidad=unidad, trimestre=trimestre, puede_capturar=True, estructura=estructura
    )
    estado = "guardado" if resultado.guardados else "sin_cambios"
    mensaje = (
        f"Se guardaron {resultado.guardados} celda(s) de la meta {fila.clave}."
        if resultado.guardados
        else "No había cambios que guardar."
    )
    return _respuesta(estado, mensaje, fila=_datos_fila(despues.filas[0]))
