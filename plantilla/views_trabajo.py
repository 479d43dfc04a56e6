"""Large workbooks as background jobs (issue 16): progress page, preview, confirm, retry.

Thin views over `plantilla.trabajos` and the tasks of `plantilla.tasks`. Another user's job
answers 404, like any object outside the user's scope.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from plantilla import trabajos
from plantilla.models import TrabajoImportacion
from plantilla.tasks import encolar

Etapa = TrabajoImportacion.Etapa


def a_segundo_plano(request, form, *, modo: str):
    """Keep a large upload as a job, queue its analysis and show its progress page."""
    datos = form.cleaned_data
    trabajo = trabajos.crear_trabajo(
        request.user, datos["datos"], modo=modo, anio=datos["ejercicio"],
        nombre=datos["archivo"].name, filas=datos["filas"],
    )  # fmt: skip
    transaction.on_commit(partial(encolar, "analizar", trabajo.pk))
    return redirect("importacion:trabajo", pk=trabajo.pk)


def _trabajo_de(request, pk) -> TrabajoImportacion:
    return get_object_or_404(TrabajoImportacion, pk=pk, usuario=request.user)


def _volver(trabajo: TrabajoImportacion) -> str:
    return "importacion:captura" if trabajo.modo == "captura" else "importacion:index"


def contexto_previa(resumen: dict) -> dict:
    """The preview partial's variables from a stored preview (`trabajos.resumen_de_plan`)."""
    return {
        "errores": resumen.get("errores", []),
        "errores_total": resumen.get("errores_total", 0),
        "advertencias": resumen.get("advertencias", []),
        "resumen": resumen.get("resumen", []),
        "cambios": resumen.get("cambios", []),
        "cambios_omitidos": resumen.get("cambios_total", 0) - len(resumen.get("cambios", [])),
        "creados": resumen.get("creados", []),
        "creados_total": resumen.get("creados_total", 0),
        "creados_omitidos": resumen.get("creados_total", 0) - len(resumen.get("creados", [])),
        "hay_escrituras": resumen.get("hay_escrituras", False),
    }


@login_required
@require_GET
def trabajo(request, pk):
    t = _trabajo_de(request, pk)
    estado = trabajos.estado(t)
    contexto = {"trabajo": t, "estado": estado, "volver": _volver(t)}
    if t.etapa == Etapa.PREVIA:
        contexto.update(contexto_previa(t.resumen))
    return render(request, "importacion/trabajo.html", contexto)


@login_required
@require_GET
def trabajo_estado(request, pk):
    t = _trabajo_de(request, pk)
    return JsonResponse(trabajos.estado(t))


@login_required
@require_POST
def trabajo_confirmar(request, pk):
    t = _trabajo_de(request, pk)
    if not trabajos.confirmar(t):
        messages.error(request, "Este trabajo no tiene una vista previa lista para confirmar.")
        return redirect("importacion:trabajo", pk=t.pk)
    transaction.on_commit(partial(encolar, "aplicar", t.pk))
    return redirect("importacion:trabajo", pk=t.pk)


@login_required
@require_POST
def trabajo_reintentar(request, pk):
    t = _trabajo_de(request, pk)
    paso = trabajos.reintentar(t)
    if paso is None:
        messages.error(
            request,
            "Este trabajo no se puede reintentar (sigue en proceso, ya terminó o su archivo ya "
            "no está); si hace falta, vuelva a subir el libro.",
        )
        return redirect("importacion:trabajo", pk=t.pk)
    transaction.on_commit(partial(encolar, paso, t.pk))
    return redirect("importacion:trabajo", pk=t.pk)


@login_required
@require_POST
def trabajo_cancelar(request, pk):
    t = _trabajo_de(request, pk)
    if not trabajos.cancelar(t):
        messages.error(request, "El trabajo está en proceso o ya terminó: no se puede descartar.")
        return redirect("importacion:trabajo", pk=t.pk)
    messages.info(request, f"Se descartó «{t.nombre}»; no se modificó nada.")
    return redirect(_volver(t))
