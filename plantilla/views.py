"""Web upload of the plantilla and of capture sheets: upload → preview → confirm (issue 6).

The uploaded file is vetted (`xlsx_seguro`), then kept under MEDIA_ROOT with a random token
recorded in the uploader's session; the preview and the confirmation re-read and re-validate
it (permissions included), and it is deleted once confirmed or cancelled.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from avances.models import TrimestreFirma
from plantilla.exportacion import (
    exportar_hoja_captura,
    exportar_libro,
    nombre_archivo_captura,
    nombre_archivo_libro,
)
from plantilla.forms import SubirCapturaForm, SubirLibroForm
from plantilla.hoja_captura import (
    HojaNoValida,
    cargar_hoja_meses,
    es_archivo_de_meses,
    exportar_hoja_meses,
)
from plantilla.importacion import ImportacionInvalida, Plan, analizar_libro, aplicar_plan
from plantilla.models import TrabajoImportacion
from plantilla.trabajos import MAX_CAMBIOS, MAX_CREADOS, unidades_captura, va_en_segundo_plano
from plantilla.views_trabajo import a_segundo_plano
from programas.formulas import trimestre_de_mes
from programas.models import Ejercicio, UnidadEjecutora
from programas.scope import alcance_de, es_planeacion, exigir_planeacion, get_unidad_para_usuario

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESION = "poa_importaciones"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
VIGENCIA_SEGUNDOS = 24 * 3600


# --- Pending uploads ------------------------------------------------------------------------


def _carpeta() -> Path:
    carpeta = Path(settings.MEDIA_ROOT) / "importaciones"
    carpeta.mkdir(parents=True, exist_ok=True, mode=0o700)
    return carpeta


def _ruta(token: str) -> Path:
    if not TOKEN.match(token):
        raise Http404("No existe la carga.")
    return _carpeta() / f"{token}.xlsx"


def _limpiar_vencidas() -> None:
    """Remove uploads nobody confirmed or cancelled within a day."""
    limite = time.time() - VIGENCIA_SEGUNDOS
    for ruta in _carpeta().glob("*.xlsx"):
        try:
            if ruta.stat().st_mtime < limite:
                ruta.unlink()
        except OSError:
            pass


def _guardar_pendiente(request, datos: bytes, *, modo: str, anio: int, nombre: str) -> str:
    _limpiar_vencidas()
    token = secrets.token_urlsafe(24)  # 32 characters
    ruta = _ruta(token)
    ruta.write_bytes(datos)
    ruta.chmod(0o600)
    pendientes = request.session.get(SESION, {})
    pendientes[token] = {"modo": modo, "anio": anio, "nombre": nombre[:200]}
    request.session[SESION] = pendientes
    return token


def _pendiente(request, token: str) -> dict:
    """The upload `token` of this session, or 404 (another user's token reveals nothing)."""
    datos = request.session.get(SESION, {}).get(token)
    if datos is None or not _ruta(token).is_file():
        raise Http404("La carga no existe o ya se procesó; suba el archivo de nuevo.")
    return datos


def _descartar(request, token: str) -> None:
    _ruta(token).unlink(missing_ok=True)
    pendientes = request.session.get(SESION, {})
    pendientes.pop(token, None)
    request.session[SESION] = pendientes


def _analizar(request, token: str, pendiente: dict) -> Plan:
    """Re-read the kept file with the user's current permissions."""
    if pendiente["modo"] == "captura":
        permitidas = unidades_captura(request.user, pendiente["anio"])
        if not permitidas:
            raise PermissionDenied("Usted no captura ninguna unidad de este ejercicio.")
        return analizar_libro(
            _ruta(token), ejercicio=pendiente["anio"], unidades_permitidas=permitidas
        )
    exigir_planeacion(request.user)
    return analizar_libro(_ruta(token), ejercicio=pendiente["anio"])


def _render_previa(request, token: str, pendiente: dict, plan: Plan, *, status: int = 200):
    contexto = {
        "token": token,
        "pendiente": pendiente,
        "plan": plan,
        "resumen": plan.resumen(),
        "errores": plan.errores,
        "errores_total": len(plan.errores),
        "advertencias": plan.advertencias,
        "hay_escrituras": plan.hay_escrituras,
        "creados": plan.creados[:MAX_CREADOS],
        "creados_total": len(plan.creados),
        "creados_omitidos": max(0, len(plan.creados) - MAX_CREADOS),
        "cambios": plan.cambios[:MAX_CAMBIOS],
        "cambios_omitidos": max(0, len(plan.cambios) - MAX_CAMBIOS),
        "volver": "importacion:captura" if pendiente["modo"] == "captura" else "importacion:index",
    }
    return render(request, "importacion/previa.html", contexto, status=status)


# --- Planeación: the whole workbook ---------------------------------------------------------


@login_required
@require_GET
def index(request):
    """Planeación's page: upload a plantilla, download any ejercicio's plantilla."""
    if not es_planeacion(request.user):
        if alcance_de(request.user).capturista:
            return redirect("importacion:captura")
        raise PermissionDenied("Solo Planeación puede importar o exportar el POA.")
    ejercicios = Ejercicio.objects.order_by("-anio")
    form = SubirLibroForm(initial={"ejercicio": _anio_sugerido(ejercicios)})
    return render(request, "importacion/index.html", _contexto_index(request, form, ejercicios))


def _contexto_index(request, form, ejercicios) -> dict:
    return {
        "form": form,
        "ejercicios": ejercicios,
        "max_mb": settings.POA_UPLOAD_MAX_BYTES // (1024 * 1024),
        "filas_segundo_plano": f"{settings.POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO:,}",
        "trabajos": TrabajoImportacion.objects.filter(usuario=request.user)[:5],
    }


def _anio_sugerido(ejercicios) -> int:
    primero = ejercicios.first()
    return primero.anio if primero else timezone.localdate().year


@login_required
@require_POST
def subir_libro(request):
    exigir_planeacion(request.user)
    form = SubirLibroForm(request.POST, request.FILES)
    if not form.is_valid():
        ejercicios = Ejercicio.objects.order_by("-anio")
        return render(
            request, "importacion/index.html", _contexto_index(request, form, ejercicios),
            status=400,
        )  # fmt: skip
    if _es_grande(form):
        return a_segundo_plano(request, form, modo="libro")
    token = _guardar_pendiente(
        request, form.cleaned_data["datos"], modo="libro",
        anio=form.cleaned_data["ejercicio"], nombre=form.cleaned_data["archivo"].name,
    )  # fmt: skip
    return redirect("importacion:previa", token=token)


def _es_grande(form) -> bool:
    datos = form.cleaned_data
    return va_en_segundo_plano(filas=datos["filas"], tamano=len(datos["datos"]))


@login_required
@require_GET
def exportar(request, anio: int):
    exigir_planeacion(request.user)
    ejercicio = Ejercicio.objects.filter(anio=anio).first()
    if ejercicio is None:
        raise Http404("No existe el ejercicio.")
    respuesta = HttpResponse(exportar_libro(ejercicio=ejercicio), content_type=XLSX)
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre_archivo_libro(ejercicio)}"'
    return respuesta


# --- Capturistas: the unidad's capture sheet ------------------------------------------------


@login_required
@require_GET
def captura(request):
    """A capturista's page: download the quarter's capture sheet, upload it filled."""
    alcance = alcance_de(request.user)
    if not alcance.capturista:
        raise PermissionDenied("Solo quien captura una unidad puede usar la hoja de captura.")
    unidades = list(
        UnidadEjecutora.objects.filter(pk__in=alcance.capturista)
        .select_related("ramo__ejercicio")
        .order_by("-ramo__ejercicio__anio", "ramo__clave", "clave")
    )
    anios = sorted({u.ramo.ejercicio.anio for u in unidades}, reverse=True)
    return render(
        request,
        "importacion/captura.html",
        {"unidades": _con_trimestres(unidades), "form": SubirCapturaForm(anios=anios)},
    )


def _con_trimestres(unidades) -> list[dict]:
    """Each unidad with its four quarters and whether each one is authorized (locked)."""
    autorizados: dict[int, set[int]] = {}
    for unidad_id, trimestre in TrimestreFirma.objects.filter(
        unidad__in=unidades, estado=TrimestreFirma.Estado.AUTORIZADO
    ).values_list("unidad_id", "trimestre"):
        autorizados.setdefault(unidad_id, set()).add(trimestre)
    hoy = timezone.localdate()
    filas = []
    for unidad in unidades:
        actual = trimestre_de_mes(hoy.month) if unidad.ramo.ejercicio.anio == hoy.year else 0
        filas.append(
            {
                "unidad": unidad,
                "trimestres": [
                    {"numero": t, "autorizado": t in autorizados.get(unidad.pk, ()),
                     "actual": t == actual}
                    for t in range(1, 5)
                ],
            }
        )  # fmt: skip
    return filas


@login_required
@require_GET
def descargar_captura(request, unidad_id: int, trimestre: int):
    unidad = get_unidad_para_usuario(request.user, unidad_id)
    if not 1 <= trimestre <= 4:
        raise Http404("Trimestre inválido.")
    # The months-as-columns sheet; `?formato=filas` keeps the old one-row-per-month layout.
    exportar = (
        exportar_hoja_captura if request.GET.get("formato") == "filas" else exportar_hoja_meses
    )
    respuesta = HttpResponse(exportar(unidad=unidad, trimestre=trimestre), content_type=XLSX)
    nombre = nombre_archivo_captura(unidad, trimestre)
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return respuesta


@login_required
@require_POST
def subir_captura(request):
    alcance = alcance_de(request.user)
    if not alcance.capturista:
        raise PermissionDenied("Solo quien captura una unidad puede subir la hoja de captura.")
    anios = sorted(
        set(
            UnidadEjecutora.objects.filter(pk__in=alcance.capturista).values_list(
                "ramo__ejercicio__anio", flat=True
            )
        ),
        reverse=True,
    )
    form = SubirCapturaForm(request.POST, request.FILES, anios=anios)
    if not form.is_valid():
        unidades = list(
            UnidadEjecutora.objects.filter(pk__in=alcance.capturista)
            .select_related("ramo__ejercicio")
            .order_by("-ramo__ejercicio__anio", "ramo__clave", "clave")
        )
        return render(
            request, "importacion/captura.html",
            {"unidades": _con_trimestres(unidades), "form": form}, status=400,
        )  # fmt: skip
    if es_archivo_de_meses(form.cleaned_data["datos"]):
        return _cargar_hoja_meses(request, form, alcance)
    if _es_grande(form):
        return a_segundo_plano(request, form, modo="captura")
    token = _guardar_pendiente(
        request, form.cleaned_data["datos"], modo="captura",
        anio=form.cleaned_data["ejercicio"], nombre=form.cleaned_data["archivo"].name,
    )  # fmt: skip
    return redirect("importacion:previa", token=token)


def _cargar_hoja_meses(request, form, alcance):
    """The months-as-columns sheet: valid cells are stored now, each refused cell is listed
    (unlike the whole-workbook import, which is all or nothing)."""
    try:
        informe = cargar_hoja_meses(
            form.cleaned_data["datos"], usuario=request.user,
            unidades_permitidas=set(alcance.capturista),
        )  # fmt: skip
    except HojaNoValida as exc:
        form.add_error("archivo", exc.mensaje)
        return render(
            request, "importacion/captura.html",
            {"unidades": _con_trimestres(_unidades_de(alcance)), "form": form}, status=400,
        )  # fmt: skip
    nombre = form.cleaned_data["archivo"].name
    return render(request, "importacion/captura_resultado.html",
                  {"informe": informe, "nombre": nombre})  # fmt: skip


def _unidades_de(alcance) -> list:
    return list(
        UnidadEjecutora.objects.filter(pk__in=alcance.capturista)
        .select_related("ramo__ejercicio")
        .order_by("-ramo__ejercicio__anio", "ramo__clave", "clave")
    )


# --- Preview and confirmation (both kinds) --------------------------------------------------


@login_required
@require_GET
def previa(request, token: str):
    pendiente = _pendiente(request, token)
    plan = _analizar(request, token, pendiente)
    return _render_previa(request, token, pendiente, plan)


@login_required
@require_POST
def confirmar(request, token: str):
    pendiente = _pendiente(request, token)
    plan = _analizar(request, token, pendiente)  # the file is validated again, right now
    if plan.errores:
        return _render_previa(request, token, pendiente, plan, status=400)
    try:
        aplicar_plan(plan, usuario=request.user)
    except ImportacionInvalida as exc:
        plan.errores = exc.errores
        return _render_previa(request, token, pendiente, plan, status=409)
    _descartar(request, token)
    creados = sum(n for t, n in plan.conteo_creados.items() if t != "Ejercicio")
    cambiados = len(plan.cambios)
    if plan.hay_escrituras:
        messages.success(
            request,
            f"Se cargó «{pendiente['nombre']}» en el ejercicio {plan.anio}: {creados} registros "
            f"nuevos y {cambiados} valores cambiados.",
        )
    else:
        messages.info(request, f"«{pendiente['nombre']}» no trae cambios: no se modificó nada.")
    if pendiente["modo"] == "captura":
        return redirect("importacion:captura")
    return redirect("importacion:index")


@login_required
@require_POST
def cancelar(request, token: str):
    pendiente = _pendiente(request, token)
    _descartar(request, token)
    messages.info(request, f"Se descartó «{pendiente['nombre']}»; no se modificó nada.")
    return redirect(
        "importacion:captura" if pendiente["modo"] == "captura" else "importacion:index"
    )
