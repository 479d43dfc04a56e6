"""Sign-off screens: inbox, per-report panel, actions, Planeación's board and `/verificar/`."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from avances import selectors_firma
from avances.firma import (
    NOMBRES_TRIMESTRE,
    REGLAS,
    FirmaNoPermitida,
    FirmaRechazada,
    FirmaRepetida,
    acciones_posibles,
    ejecutar_accion,
    faltantes_para_enviar,
    firmantes,
    normalizar_codigo,
    verificar_codigo,
)
from avances.firma.avisos import SinCapturistas, pedir_captura, url_celda
from avances.firma.reglas import Rol, tiene_rol
from avances.models import EventoFirma, TrimestreFirma
from programas.models import Ejercicio, Programa, UnidadEjecutora
from programas.scope import alcance_de, metas_visibles, puede_capturar, ramos_visibles
from programas.selectors import ejercicio_elegido

Accion = EventoFirma.Accion
logger = logging.getLogger("poa.firmas")
ETIQUETAS_ACCION = {
    Accion.ENVIAR: "Enviar a revisión (Elaboró)",
    Accion.REVISAR: "Marcar como revisado (Revisó)",
    Accion.AUTORIZAR: "Autorizar (Autorizó)",
    Accion.DEVOLVER: "Devolver con comentario",
    Accion.REABRIR: "Reabrir trimestre",
}


def url_pdf(programa_id: int, unidad_id: int, trimestre: int, anio: int) -> str:
    """Link to the quarter's TMM-F004 PDF (`reportes:descargar`), empty if not installed."""
    try:
        url = reverse("reportes:descargar")
    except NoReverseMatch:
        return ""
    consulta = urlencode(
        {
            "reporte": "tmm-f004",
            "tipo": "pdf",
            "ejercicio": anio,
            "trimestre": trimestre,
            "programa": programa_id,
            "unidad": unidad_id,
        }
    )
    return f"{url}?{consulta}"


def _reporte_para_usuario(user, programa_id: int, unidad_id: int, trimestre: int):
    """Resolve a (programa, unidad) report inside the user's scope; 404 otherwise."""
    if not 1 <= trimestre <= 4:
        raise Http404("Trimestre inválido.")
    if not metas_visibles(user).filter(programa_id=programa_id, unidad_id=unidad_id).exists():
        raise Http404("No existe o no está en su ámbito.")
    programa = Programa.objects.select_related("ramo__ejercicio").get(pk=programa_id)
    unidad = UnidadEjecutora.objects.get(pk=unidad_id)
    return programa, unidad


@login_required
def bandeja(request):
    """What waits for the user's signature, with the actions that need no comment."""
    ejercicio = ejercicio_elegido(request)
    if ejercicio is None:
        return render(request, "avances/sin_ejercicio.html", status=200)
    datos = selectors_firma.bandeja(request.user, ejercicio)
    for grupo in (datos.por_enviar, datos.por_revisar, datos.por_autorizar):
        for r in grupo:
            r.url_pdf = url_pdf(r.programa_id, r.unidad_id, r.trimestre, ejercicio.anio)
            r.enlaces_faltantes = [
                (f, url_celda(r.unidad_id, r.trimestre, f.celda)) for f in r.faltantes[:5]
            ]
    contexto = {
        "ejercicio": ejercicio,
        "ejercicios": Ejercicio.objects.order_by("-anio"),
        "bandeja": datos,
        "etiquetas": ETIQUETAS_ACCION,
    }
    return render(request, "avances/firma_bandeja.html", contexto)


@login_required
def panel(request, programa_id: int, unidad_id: int, trimestre: int):
    """The review page of one report: state in words, TMM-F004 preview, missing items, actions.

    Revisó and Autorizó sign only here, after the preview (the inbox links to this page).
    """
    programa, unidad = _reporte_para_usuario(request.user, programa_id, unidad_id, trimestre)
    firma = TrimestreFirma.objects.filter(
        programa=programa, unidad=unidad, trimestre=trimestre
    ).first()
    estado = firma.estado if firma else TrimestreFirma.Estado.BORRADOR
    eventos = list(firma.eventos.order_by("fecha", "id")) if firma else []
    acciones = acciones_posibles(request.user, estado, programa=programa, unidad=unidad)
    faltantes = (
        faltantes_para_enviar(programa=programa, unidad=unidad, trimestre=trimestre)
        if estado != TrimestreFirma.Estado.AUTORIZADO
        else []
    )
    captura = puede_capturar(request.user, unidad.pk)
    contexto = {
        "programa": programa,
        "ramo": programa.ramo,
        "unidad": unidad,
        "trimestre": trimestre,
        "nombre_trimestre": NOMBRES_TRIMESTRE[trimestre],
        "periodo": PERIODOS[trimestre],
        "firma": firma,
        "estado": estado,
        "palabras": selectors_firma.estado_en_palabras(
            estado,
            selectors_firma.UltimoEvento.de(eventos[-1] if eventos else None),
            faltantes=faltantes,
        ),
        "version": firma.version if firma else 1,
        "eventos": eventos,
        "faltantes": [(f, url_celda(unidad.pk, trimestre, f.celda)) for f in faltantes],
        "puede_capturar": captura,
        "puede_pedir": not captura and _firma_o_planea(request.user, programa, unidad),
        "acciones": [(a, ETIQUETAS_ACCION[a]) for a in acciones],
        "firmantes": firmantes(programa, unidad, trimestre),
        "filas": selectors_firma.resumen(programa, unidad, trimestre),
        "periodos": list(PERIODOS.values()),
        "url_pdf": url_pdf(programa.pk, unidad.pk, trimestre, programa.ramo.ejercicio.anio),
        "url_captura": _url_captura(unidad.pk, trimestre),
        "url_verificar": reverse("firmas:verificar", args=[firma.codigo_verificacion])
        if firma and firma.codigo_verificacion
        else "",
    }
    return render(request, "avances/firma_panel.html", contexto)


PERIODOS = {1: "Ene-Mar", 2: "Abr-Jun", 3: "Jul-Sep", 4: "Oct-Dic"}


def _firma_o_planea(usuario, programa, unidad) -> bool:
    roles = (Rol.RESPONSABLE_UNIDAD, Rol.RESPONSABLE_PROGRAMA, Rol.RESPONSABLE_RAMO, Rol.PLANEACION)
    return any(tiene_rol(usuario, r, programa=programa, unidad=unidad) for r in roles)


@require_POST
@login_required
def pedir(request, programa_id: int, unidad_id: int, trimestre: int):
    """A signer who cannot capture emails the missing items to the unidad's capturistas."""
    programa, unidad = _reporte_para_usuario(request.user, programa_id, unidad_id, trimestre)
    if puede_capturar(request.user, unidad.pk) or not _firma_o_planea(
        request.user, programa, unidad
    ):
        raise PermissionDenied("Solo los firmantes que no capturan piden la captura.")
    panel_url = reverse("firmas:panel", args=[programa.pk, unidad.pk, trimestre])
    faltantes = faltantes_para_enviar(programa=programa, unidad=unidad, trimestre=trimestre)
    if not faltantes:
        messages.info(request, "La captura del trimestre está completa: no hay nada que pedir.")
        return HttpResponseRedirect(panel_url)
    try:
        enviados = pedir_captura(
            programa=programa, unidad=unidad, trimestre=trimestre, usuario=request.user,
            faltantes=faltantes,
        )  # fmt: skip
    except SinCapturistas as exc:
        messages.error(request, f"No se envió el aviso: {exc}")
        return HttpResponseRedirect(panel_url)
    except Exception:  # noqa: BLE001 - a mail outage is reported, never a 500
        logger.exception("No se pudo pedir la captura de %s/%s", programa.pk, unidad.pk)
        messages.error(request, "No se pudo enviar el correo; intente más tarde.")
        return HttpResponseRedirect(panel_url)
    messages.success(
        request,
        f"Se pidió a la captura de la unidad {unidad.clave} completar {len(faltantes)} "
        f"pendiente(s) ({enviados} correo(s) enviado(s)).",
    )
    return HttpResponseRedirect(panel_url)


def _url_captura(unidad_id: int, trimestre: int) -> str:
    try:
        return reverse("avances:captura", args=[unidad_id, trimestre])
    except NoReverseMatch:
        return ""


@require_POST
@login_required
def accion(request, programa_id: int, unidad_id: int, trimestre: int):
    """Take one sign-off step (POST: accion, comentario, version); 403 for the wrong role."""
    programa, unidad = _reporte_para_usuario(request.user, programa_id, unidad_id, trimestre)
    nombre = request.POST.get("accion", "")
    version = request.POST.get("version", "")
    panel_url = reverse("firmas:panel", args=[programa.pk, unidad.pk, trimestre])
    destino = request.POST.get("siguiente", "")
    if not url_has_allowed_host_and_scheme(
        destino, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        destino = panel_url
    if nombre not in REGLAS:
        messages.error(request, "Acción desconocida; no se registró nada.")
        return HttpResponseRedirect(panel_url)
    try:
        firma = ejecutar_accion(
            nombre,
            programa=programa,
            unidad=unidad,
            trimestre=trimestre,
            usuario=request.user,
            comentario=request.POST.get("comentario", ""),
            version=int(version) if version.isdigit() else None,
        )
    except FirmaNoPermitida as exc:
        raise PermissionDenied(exc.mensaje) from exc
    except FirmaRepetida as exc:
        messages.warning(request, exc.mensaje)
        return HttpResponseRedirect(destino)
    except FirmaRechazada as exc:
        messages.error(request, exc.mensaje)
        for faltante in exc.faltantes[:20]:
            messages.error(request, faltante)
        if len(exc.faltantes) > 20:
            messages.error(request, f"… y {len(exc.faltantes) - 20} pendiente(s) más.")
        return HttpResponseRedirect(panel_url)
    textos = {
        Accion.ENVIAR: "Trimestre enviado a revisión.",
        Accion.REVISAR: "Trimestre revisado; se notificó al responsable del ramo.",
        Accion.AUTORIZAR: f"Trimestre autorizado. Código de verificación: "
        f"{firma.codigo_verificacion}.",
        Accion.DEVOLVER: "Trimestre devuelto a borrador con su comentario.",
        Accion.REABRIR: "Trimestre reabierto: vuelve a borrador y deberá firmarse de nuevo.",
    }
    messages.success(request, f"{programa.clave}/{unidad.clave} T{trimestre}: {textos[nombre]}")
    return HttpResponseRedirect(destino)


@login_required
def tablero(request):
    """Every report's state per quarter, within the user's scope (signers, Consulta, Planeación)."""
    if not selectors_firma.puede_ver_tablero(request.user):
        raise PermissionDenied("El tablero es para los firmantes, Consulta y Planeación.")
    ejercicio = ejercicio_elegido(request)
    if ejercicio is None:
        return render(request, "avances/sin_ejercicio.html")
    ramo_id = request.GET.get("ramo", "")
    ramo_id = int(ramo_id) if ramo_id.isdigit() else None
    estado = request.GET.get("estado", "")
    if estado not in TrimestreFirma.Estado.values:
        estado = ""
    filas, conteos = selectors_firma.tablero(
        ejercicio, usuario=request.user, ramo_id=ramo_id, estado=estado
    )
    contexto = {
        "ejercicio": ejercicio,
        "ejercicios": Ejercicio.objects.order_by("-anio"),
        "ramos": ramos_visibles(request.user).filter(ejercicio=ejercicio).order_by("clave"),
        "ramo_id": ramo_id,
        "estado": estado,
        "estados": TrimestreFirma.Estado.choices,
        "filas": filas,
        "conteos": [(q, conteos[q]) for q in range(1, 5)],
        "planeacion": alcance_de(request.user).planeacion,
    }
    return render(request, "avances/firma_tablero.html", contexto)


def verificar(request, codigo: str):
    """Public check of a signed report's code: no login, only what the printed report shows."""
    normalizado = normalizar_codigo(codigo)
    if normalizado and normalizado != codigo:
        return redirect("firmas:verificar", codigo=normalizado)
    resultado = verificar_codigo(codigo)
    status = 200 if resultado else 404
    return render(
        request,
        "avances/firma_verificar.html",
        {"resultado": resultado, "codigo": codigo},
        status=status,
    )


def verificar_inicio(request):
    """A form to type the code printed on the report."""
    codigo = normalizar_codigo(request.GET.get("codigo", ""))
    if codigo:
        return redirect("firmas:verificar", codigo=codigo)
    return render(request, "avances/firma_verificar.html", {"resultado": None, "codigo": ""})
