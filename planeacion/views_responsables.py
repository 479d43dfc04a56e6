"""Responsables of the structure (Elaboró, Revisó, Autorizó): everyone reads within scope,
Planeación edits names and cargos of a whole ejercicio in one grid."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from planeacion.catalogos import responsables_guardar
from programas.models import Ejercicio
from programas.scope import (
    es_planeacion,
    exigir_planeacion,
    programas_visibles,
    ramos_visibles,
    unidades_visibles,
)
from programas.selectors import ejercicio_elegido

FIRMA = {"ramo": "Autorizó", "programa": "Revisó", "unidad": "Elaboró"}


class ResponsablesForm(forms.Form):
    """Two inputs (nombre, cargo) per ramo, programa and unidad shown."""

    def __init__(self, *args, filas: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.filas = filas
        for fila in filas:
            objeto, prefijo = fila["objeto"], fila["prefijo"]
            for campo, etiqueta, valor in (
                ("nombre", "Nombre", objeto.responsable_nombre),
                ("cargo", "Cargo", objeto.responsable_cargo),
            ):
                self.fields[f"{prefijo}-{campo}"] = forms.CharField(
                    label=f"{etiqueta} ({fila['tipo']} {objeto.clave})",
                    max_length=200,
                    required=False,
                    initial=valor,
                )

    def cambios(self) -> dict[tuple[str, int], tuple[str, str]]:
        return {
            (f["tipo"], f["objeto"].pk): (
                self.cleaned_data[f"{f['prefijo']}-nombre"],
                self.cleaned_data[f"{f['prefijo']}-cargo"],
            )
            for f in self.filas
        }


def _filas(usuario, ejercicio: Ejercicio, ramo_id: str) -> list[dict]:
    """Ramo, then its programas and unidades, within the user's scope (three queries)."""
    ramos = ramos_visibles(usuario).filter(ejercicio=ejercicio).order_by("clave")
    programas = programas_visibles(usuario).filter(ramo__ejercicio=ejercicio).order_by("clave")
    unidades = unidades_visibles(usuario).filter(ramo__ejercicio=ejercicio).order_by("clave")
    if ramo_id.isdigit():
        ramos = ramos.filter(pk=int(ramo_id))
        programas = programas.filter(ramo_id=int(ramo_id))
        unidades = unidades.filter(ramo_id=int(ramo_id))
    hijos: dict[int, list[dict]] = {}
    for tipo, objetos in (("programa", programas), ("unidad", unidades)):
        for objeto in objetos:
            hijos.setdefault(objeto.ramo_id, []).append({"tipo": tipo, "objeto": objeto})
    filas = []
    for ramo in ramos:
        filas.append({"tipo": "ramo", "objeto": ramo})
        filas.extend(hijos.pop(ramo.pk, []))
    # Programas / unidades visible without their ramo (a responsable de programa): alone.
    for resto in hijos.values():
        filas.extend(resto)
    for fila in filas:
        fila["prefijo"] = f"{fila['tipo']}-{fila['objeto'].pk}"
        fila["firma"] = FIRMA[fila["tipo"]]
    return filas


@login_required
@require_http_methods(["GET", "POST"])
def responsables(request):
    """Names and cargos that the reports print under Elaboró, Revisó and Autorizó."""
    planeacion = es_planeacion(request.user)
    if request.method == "POST":
        exigir_planeacion(request.user)
    ejercicio = ejercicio_elegido(request)
    ramo_id = request.GET.get("ramo", "")
    filas = _filas(request.user, ejercicio, ramo_id) if ejercicio else []
    form = ResponsablesForm(request.POST or None, filas=filas)
    if request.method == "POST" and ejercicio and form.is_valid():
        try:
            cambiados = responsables_guardar(
                ejercicio=ejercicio, cambios=form.cambios(), usuario=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Responsables guardados: {cambiados} cambio(s).")
            return redirect(request.get_full_path())
    for fila in filas:
        fila["nombre"] = form[f"{fila['prefijo']}-nombre"]
        fila["cargo"] = form[f"{fila['prefijo']}-cargo"]
    return render(
        request,
        "programas/responsables.html",
        {
            "ejercicio": ejercicio,
            "ejercicios": Ejercicio.objects.order_by("-anio"),
            "ramos": ramos_visibles(request.user).filter(ejercicio=ejercicio).order_by("clave")
            if ejercicio
            else [],
            "ramo_id": ramo_id,
            "filas": filas,
            "form": form,
            "planeacion": planeacion,
            "estructura": reverse("programas:estructura"),
        },
    )
