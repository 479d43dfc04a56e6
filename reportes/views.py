"""Reportes page, direct downloads and background jobs: thin views over the exporters."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from programas.models import Ejercicio
from programas.scope import es_planeacion, programas_visibles, ramos_visibles, unidades_visibles
from reportes.alcance import parametros_para_usuario
from reportes.formatos import EXPORTADORES
from reportes.forms import FiltroReporteForm
from reportes.models import TrabajoReporte
from reportes.selectors import AlcanceVacio
from reportes.tasks import encolar


def _opciones(usuario, anio: int | None) -> dict:
    """The choices the user's scope allows, for the filter selects (three small queries)."""
    ramos = ramos_visibles(usuario).filter(ejercicio__anio=anio).order_by("clave")
    programas = (
        programas_visibles(usuario)
        .filter(ramo__ejercicio__anio=anio)
        .select_related("ramo")
        .order_by("ramo__clave", "clave")
    )
    unidades = (
        unidades_visibles(usuario)
        .filter(ramo__ejercicio__anio=anio)
        .select_related("ramo")
        .order_by("ramo__clave", "clave")
    )
    return {"ramos": list(ramos), "programas": list(programas), "unidades": list(unidades)}


@login_required
@require_GET
def index(request):
    anios = list(
        Ejercicio.objects.filter(ramos__in=ramos_visibles(request.user))
        .values_list("anio", flat=True)
        .distinct()
        .order_by("-anio")
    )
    datos = request.GET.copy()
    if anios and "ejercicio" not in datos:
        datos["ejercicio"] = str(anios[0])
    try:
        anio = int(datos.get("ejercicio")) if datos.get("ejercicio") else None
    except ValueError:
        anio = None
    if anio not in anios:
        anio = anios[0] if anios else None
    form = FiltroReporteForm(initial={"ejercicio": anio, "trimestre": 1, "tipo": "pdf"})
    contexto = {
        "form": form,
        "anios": anios,
        "anio": anio,
        "exportadores": EXPORTADORES,
        "valores": datos,
        "puede_consolidado": es_planeacion(request.user),
        "trabajos": TrabajoReporte.objects.filter(usuario=request.user)[:10],
        **_opciones(request.user, anio),
    }
    return render(request, "reportes/index.html", contexto)


def _parametros(request, datos):
    form = FiltroReporteForm(datos)
    if not form.is_valid():
        errores = "; ".join(
            f"{form.fields[c].label}: {', '.join(e)}" for c, e in form.errors.items()
        )
        return None, None, f"Revise los filtros del reporte — {errores}"
    d = form.cleaned_data
    params = parametros_para_usuario(
        request.user,
        anio=d["ejercicio"],
        trimestre=d["trimestre"],
        tipo=d["tipo"],
        ramo_id=d["ramo"],
        programa_id=d["programa"],
        unidad_id=d["unidad"],
    )
    return EXPORTADORES[d["reporte"]], params, d


@login_required
@require_GET
def descargar(request):
    """Download a format directly (GET params); the scope is re-checked (404 outside)."""
    exportador, params, resultado = _parametros(request, request.GET)
    if exportador is None:
        messages.error(request, resultado)
        return redirect("reportes:index")
    try:
        nombre, content_type, contenido = exportador.render(params)
    except AlcanceVacio as error:
        messages.error(request, error.mensaje)
        return redirect(f"{reverse('reportes:index')}?{request.GET.urlencode()}")
    respuesta = HttpResponse(contenido, content_type=content_type)
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return respuesta


@login_required
@require_POST
def generar(request):
    """Queue a report as a background job and show its progress page."""
    exportador, params, datos = _parametros(request, request.POST)
    if exportador is None:
        messages.error(request, datos)
        return redirect("reportes:index")
    trabajo = TrabajoReporte.objects.create(
        usuario=request.user,
        reporte=datos["reporte"],
        parametros={
            "ejercicio": datos["ejercicio"],
            "trimestre": datos["trimestre"],
            "tipo": datos["tipo"],
            "ramo": params.ramo_id,
            "programa": params.programa_id,
            "unidad": params.unidad_id,
        },
    )
    transaction.on_commit(partial(encolar, trabajo.pk))
    return redirect("reportes:trabajo", pk=trabajo.pk)


def _trabajo_de(request, pk) -> TrabajoReporte:
    # Another user's job answers 404, like any object outside the user's scope.
    return get_object_or_404(TrabajoReporte, pk=pk, usuario=request.user)


@login_required
@require_GET
def trabajo(request, pk):
    t = _trabajo_de(request, pk)
    return render(
        request,
        "reportes/trabajo.html",
        {"trabajo": t, "exportador": EXPORTADORES.get(t.reporte)},
    )


@login_required
@require_GET
def trabajo_estado(request, pk):
    t = _trabajo_de(request, pk)
    return JsonResponse(
        {
            "estado": t.estado_visible,
            "etiqueta": t.etiqueta,
            "hechas": t.hechas,
            "total": t.total,
            "porcentaje": t.porcentaje,
            "mensaje": t.mensaje_visible,
            "nombre_archivo": t.nombre_archivo,
            "descarga": reverse("reportes:trabajo_descargar", args=[t.pk])
            if t.estado == TrabajoReporte.Estado.TERMINADO
            else "",
        }
    )


@login_required
@require_GET
def trabajo_descargar(request, pk):
    t = _trabajo_de(request, pk)
    ruta = (Path(settings.MEDIA_ROOT) / t.archivo).resolve()
    if t.estado != TrabajoReporte.Estado.TERMINADO or not ruta.is_file():
        raise Http404("El archivo no está disponible.")
    if Path(settings.MEDIA_ROOT).resolve() not in ruta.parents:
        raise Http404("El archivo no está disponible.")
    return FileResponse(
        ruta.open("rb"), as_attachment=True, filename=t.nombre_archivo, content_type=t.content_type
    )
