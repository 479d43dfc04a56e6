"""The indicators' section of the capture screen: variables del periodo and justificaciones."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from avances import servicios_indicadores as servicio
from avances.models import AvanceVariable
from avances.selectors_indicadores import FilaIndicador, filas_indicadores, indicadores_de_unidad
from programas.models import NOMBRES_MES
from programas.numeros import NumeroInvalido, formatear_numero, parse_numero
from programas.scope import get_unidad_para_usuario, puede_capturar


@dataclass
class CampoVariable:
    variable: object
    nombre: str  # form field
    valor: str
    version: int
    vinculada: bool
    programado: str
    error: str = ""


def _campos(fila: FilaIndicador, versiones: dict) -> list[CampoVariable]:
    campos = []
    for variable, figuras in zip(fila.variables, fila.calculo.variables, strict=True):
        clave = f"v{variable.pk}-{fila.periodo}"
        realizado = figuras.realizado_periodo
        campos.append(CampoVariable(
            variable=variable, nombre=clave,
            valor="" if realizado is None else formatear_numero(realizado),
            version=versiones.get((variable.pk, fila.periodo), 0),
            vinculada=bool(variable.meta_id),
            programado=formatear_numero(figuras.programado_periodo),
        ))  # fmt: skip
    return campos


def contexto_indicadores(user, unidad, trimestre: int, *, puede: bool | None = None) -> dict:
    """What the capture screen needs to show the unidad's indicators (one query if none)."""
    todas = filas_indicadores(indicadores_de_unidad(unidad_id=unidad.pk), trimestre=trimestre)
    filas = [f for f in todas if f.periodo is not None and (f.periodo + 2) // 3 == trimestre]
    fuera = [f.indicador for f in todas if f not in filas]
    if not todas:
        return {"indicadores": [], "indicadores_fuera": []}
    versiones = {
        (v, p): n
        for v, p, n in AvanceVariable.objects.filter(
            variable__indicador__unidad_id=unidad.pk
        ).values_list("variable_id", "periodo", "version")
    }
    for fila in filas:
        fila.campos = _campos(fila, versiones)
        fila.nombre_periodo = NOMBRES_MES[fila.periodo - 1]
    return {
        "indicadores": filas,
        "indicadores_fuera": fuera,
        "puede_capturar_indicadores": puede_capturar(user, unidad.pk) if puede is None else puede,
        "url_indicadores": reverse("avances:captura_indicadores", args=[unidad.pk, trimestre]),
    }


def _leer_post(post) -> tuple[list, list, dict]:
    variables, justificaciones, errores = [], [], {}
    for nombre, texto in post.items():
        if nombre.startswith("v") and "-" in nombre and nombre[1:2].isdigit():
            variable_id, _, periodo = nombre[1:].partition("-")
            version = post.get(f"version-{nombre}", "0")
            try:
                valor = parse_numero(texto.strip() or None)
                entrada = servicio.EntradaVariable(int(variable_id), int(periodo), valor,
                                                   int(version or 0))  # fmt: skip
            except NumeroInvalido as error:
                errores[nombre] = str(error)
                continue
            except ValueError:
                errores[nombre] = "Campo no válido."
                continue
            variables.append(entrada)
        elif nombre.startswith("j") and "-" in nombre and nombre[1:2].isdigit():
            indicador_id, _, periodo = nombre[1:].partition("-")
            version = post.get(f"version-{nombre}", "0")
            try:
                justificaciones.append(servicio.EntradaJustificacion(
                    int(indicador_id), int(periodo), texto, int(version or 0)))  # fmt: skip
            except ValueError:
                errores[nombre] = "Campo no válido."
    return variables, justificaciones, errores


@login_required
@require_http_methods(["GET", "POST"])
def captura_indicadores(request, unidad_id: int, trimestre: int):
    """GET: the section alone; POST: save each value on its own (JSON for the grid's JS)."""
    unidad = get_unidad_para_usuario(request.user, unidad_id)
    if not 1 <= trimestre <= 4:
        raise Http404("Trimestre inválido.")
    if request.method == "POST":
        if not puede_capturar(request.user, unidad.pk):
            raise PermissionDenied("Solo los capturistas de la unidad pueden guardar avances.")
        variables, justificaciones, errores = _leer_post(request.POST)
        resultado = servicio.guardar_indicadores(
            unidad=unidad, trimestre=trimestre, variables=variables,
            justificaciones=justificaciones, usuario=request.user,
        )  # fmt: skip
        resultado.errores.update(errores)
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({
                "guardados": resultado.guardados, "errores": resultado.errores,
                "conflictos": resultado.conflictos, "versiones": resultado.versiones,
            }, status=200 if not resultado.errores else 422)  # fmt: skip
        _avisar(request, resultado)
        destino = request.POST.get("volver") or ""
        if destino != "rejilla":
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("avances:captura", args=[unidad.pk, trimestre]))
    contexto = contexto_indicadores(request.user, unidad, trimestre)
    contexto.update(unidad=unidad, trimestre=trimestre, ejercicio=unidad.ramo.ejercicio)
    return render(request, "avances/captura_indicadores.html", contexto)


def _avisar(request, resultado) -> None:
    if resultado.guardados:
        messages.success(request, f"Se guardaron {len(resultado.guardados)} valor(es) de "
                         "indicadores.")  # fmt: skip
    for mensaje in dict.fromkeys(resultado.errores.values()):
        messages.error(request, f"No se guardó un valor de indicador: {mensaje}")
    if resultado.conflictos:
        messages.warning(request, f"{len(resultado.conflictos)} valor(es) cambiaron mientras "
                         "usted editaba; se muestran los valores actuales.")  # fmt: skip
    if not (resultado.guardados or resultado.errores or resultado.conflictos):
        messages.info(request, "No había cambios de indicadores que guardar.")
