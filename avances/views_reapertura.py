"""Reopening on request: ask (POST), approve / reject (POST, Planeación) and the pending list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from avances import selectors_reapertura
from avances.firma import FirmaNoPermitida, FirmaRechazada, FirmaRepetida
from avances.firma.solicitudes import (
    reapertura_aprobar,
    reapertura_rechazar,
    reapertura_solicitar,
)
from avances.models import SolicitudReapertura
from programas.models import Programa, UnidadEjecutora
from programas.scope import exigir_planeacion, metas_visibles


def _reporte_para_usuario(user, programa_id: int, unidad_id: int, trimestre: int):
    """Resolve a (programa, unidad) report inside the user's scope; 404 otherwise."""
    if not 1 <= trimestre <= 4:
        raise Http404("Trimestre inválido.")
    if not metas_visibles(user).filter(programa_id=programa_id, unidad_id=unidad_id).exists():
        raise Http404("No existe o no está en su ámbito.")
    programa = Programa.objects.select_related("ramo__ejercicio").get(pk=programa_id)
    return programa, UnidadEjecutora.objects.get(pk=unidad_id)


def _panel(programa_id: int, unidad_id: int, trimestre: int) -> str:
    return reverse("firmas:panel", args=[programa_id, unidad_id, trimestre]) + "#reapertura"


def _responder(request, servicio, destino: str, exito: str, **kwargs):
    """Run a service: 403 for the wrong role, a Spanish message otherwise; back to `destino`."""
    try:
        servicio(usuario=request.user, **kwargs)
    except FirmaNoPermitida as exc:
        raise PermissionDenied(exc.mensaje) from exc
    except FirmaRepetida as exc:
        messages.warning(request, exc.mensaje)
    except FirmaRechazada as exc:
        messages.error(request, exc.mensaje)
    else:
        messages.success(request, exito)
    return HttpResponseRedirect(destino)


@require_POST
@login_required
def solicitar(request, programa_id: int, unidad_id: int, trimestre: int):
    """A user in scope asks Planeación to reopen the authorized quarter (POST: motivo)."""
    programa, unidad = _reporte_para_usuario(request.user, programa_id, unidad_id, trimestre)
    return _responder(
        request,
        reapertura_solicitar,
        _panel(programa.pk, unidad.pk, trimestre),
        "Solicitud de reapertura enviada a Planeación; se le avisará por correo su decisión.",
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        motivo=request.POST.get("motivo", ""),
    )


def _solicitud_para_usuario(user, pk: int) -> SolicitudReapertura:
    """A request whose report is in the user's scope; 404 otherwise (no information leak)."""
    solicitud = SolicitudReapertura.objects.select_related("firma").filter(pk=pk).first()
    if (
        solicitud is None
        or not metas_visibles(user)
        .filter(programa_id=solicitud.firma.programa_id, unidad_id=solicitud.firma.unidad_id)
        .exists()
    ):
        raise Http404("No existe o no está en su ámbito.")
    return solicitud


def _destino(request, solicitud) -> str:
    if request.POST.get("desde") == "lista":
        return reverse("firmas:reaperturas")
    f = solicitud.firma
    return _panel(f.programa_id, f.unidad_id, f.trimestre)


@require_POST
@login_required
def aprobar(request, pk: int):
    """Planeación approves: the quarter is reopened (POST: comentario, optional)."""
    solicitud = _solicitud_para_usuario(request.user, pk)
    return _responder(
        request,
        reapertura_aprobar,
        _destino(request, solicitud),
        "Solicitud aprobada: el trimestre volvió a borrador y deberá firmarse de nuevo.",
        solicitud=solicitud,
        comentario=request.POST.get("comentario", ""),
    )


@require_POST
@login_required
def rechazar(request, pk: int):
    """Planeación rejects with a comment: the quarter stays locked (POST: comentario)."""
    solicitud = _solicitud_para_usuario(request.user, pk)
    return _responder(
        request,
        reapertura_rechazar,
        _destino(request, solicitud),
        "Solicitud rechazada: el trimestre sigue autorizado; se avisó al solicitante.",
        solicitud=solicitud,
        comentario=request.POST.get("comentario", ""),
    )


@login_required
def lista(request):
    """Planeación: every pending request, oldest first, and the latest decisions."""
    exigir_planeacion(request.user)
    pendientes, decididas = selectors_reapertura.pendientes()
    contexto = {
        "pendientes": pendientes,
        "decididas": decididas,
        "max_comentario": SolicitudReapertura.MAX_COMENTARIO,
    }
    return render(request, "avances/reaperturas.html", contexto)
