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

from avances.firma.cajas import REGLA_NOMBRE
from planeacion.catalogos import responsables_guardar
from programas import responsables as vigencias_responsables
from programas.models import NOMBRES_MES, Ejercicio
from programas.scope import (
    es_planeacion,
    exigir_planeacion,
    programas_visibles,
    ramos_visibles,
    unidades_visibles,
)
from programas.selectors import ejercicio_elegido

FIRMA = {"ramo": "Autorizó", "programa": "Revisó", "unidad": "Elaboró"}


MESES = [("", "—")] + [(str(m), NOMBRES_MES[m - 1]) for m in range(1, 13)]


class ResponsablesForm(forms.Form):
    """Per ramo, programa and unidad shown: the holder today (nombre, cargo, desde), the
    earlier holders of the ejercicio (editable or removable) and one "add a person from
    <mes>" entry."""

    def __init__(self, *args, filas: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.filas = filas
        for fila in filas:
            objeto, prefijo = fila["objeto"], fila["prefijo"]
            clave = f"{fila['tipo']} {objeto.clave}"
            actual = fila["periodos"][-1] if fila["periodos"] else None
            self._texto(f"{prefijo}-nombre", f"Nombre ({clave})", objeto.responsable_nombre)
            self._texto(f"{prefijo}-cargo", f"Cargo ({clave})", objeto.responsable_cargo)
            self._mes(f"{prefijo}-desde", f"Desde ({clave})", actual.desde if actual else 1)
            for periodo in fila["periodos"][:-1]:
                p = f"{prefijo}-p{periodo.desde}"
                mes = NOMBRES_MES[periodo.desde - 1].lower()
                self._texto(f"{p}-nombre", f"Nombre desde {mes} ({clave})", periodo.nombre)
                self._texto(f"{p}-cargo", f"Cargo desde {mes} ({clave})", periodo.cargo)
                self.fields[f"{p}-quitar"] = forms.BooleanField(
                    label=f"Quitar a {periodo.nombre or 'esta persona'} ({clave})",
                    required=False,
                )
            self._texto(f"{prefijo}-nuevo-nombre", f"Nueva persona ({clave})", "")
            self._texto(f"{prefijo}-nuevo-cargo", f"Cargo de la nueva persona ({clave})", "")
            self._mes(f"{prefijo}-nuevo-desde", f"Desde qué mes ({clave})", "")

    def _texto(self, nombre: str, etiqueta: str, valor: str) -> None:
        self.fields[nombre] = forms.CharField(
            label=etiqueta, max_length=200, required=False, initial=valor
        )

    def _mes(self, nombre: str, etiqueta: str, valor) -> None:
        self.fields[nombre] = forms.TypedChoiceField(
            label=etiqueta, choices=MESES, coerce=int, empty_value=None, required=False,
            initial=valor,
        )  # fmt: skip

    def clean(self):
        datos = super().clean()
        for fila in self.filas:
            p = f"{fila['prefijo']}-nuevo"
            hay_persona = datos.get(f"{p}-nombre") or datos.get(f"{p}-cargo")
            if hay_persona and not datos.get(f"{p}-desde"):
                self.add_error(f"{p}-desde", "Indique desde qué mes ocupa el puesto.")
        return datos

    def vigencias(self) -> dict[tuple[str, int], list[tuple[int, str, str]]]:
        """All periods of every post as (desde, nombre, cargo). A history row absent from
        the request keeps its stored value (a form posted without it removes nothing)."""
        d, resultado = self.cleaned_data, {}
        for fila in self.filas:
            prefijo, periodos = fila["prefijo"], fila["periodos"]
            lista = []
            for periodo in periodos[:-1]:
                p = f"{prefijo}-p{periodo.desde}"
                if d.get(f"{p}-quitar"):
                    continue
                if f"{p}-nombre" not in self.data:
                    lista.append((periodo.desde, periodo.nombre, periodo.cargo))
                else:
                    lista.append((periodo.desde, d[f"{p}-nombre"], d[f"{p}-cargo"]))
            desde = d.get(f"{prefijo}-desde") or (periodos[-1].desde if periodos else 1)
            lista.append((desde, d[f"{prefijo}-nombre"], d[f"{prefijo}-cargo"]))
            if d.get(f"{prefijo}-nuevo-desde"):
                lista.append((d[f"{prefijo}-nuevo-desde"], d[f"{prefijo}-nuevo-nombre"],
                              d[f"{prefijo}-nuevo-cargo"]))  # fmt: skip
            resultado[(fila["tipo"], fila["objeto"].pk)] = lista
        return resultado


def _filas(usuario, ejercicio: Ejercicio, ramo_id: str) -> list[dict]:
    """Ramo, then its programas and unidades, within the user's scope, with the periods of
    their responsables (four queries)."""
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
    ids = {nivel: [f["objeto"].pk for f in filas if f["tipo"] == nivel] for nivel in FIRMA}
    vigencias = vigencias_responsables.filas_por_puesto(
        ramos=ids["ramo"], programas=ids["programa"], unidades=ids["unidad"]
    )
    for fila in filas:
        objeto = fila["objeto"]
        fila["prefijo"] = f"{fila['tipo']}-{objeto.pk}"
        fila["firma"] = FIRMA[fila["tipo"]]
        fila["periodos"] = vigencias_responsables.periodos(
            vigencias.get((fila["tipo"], objeto.pk), []),
            (objeto.responsable_nombre, objeto.responsable_cargo),
        )
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
                ejercicio=ejercicio, cambios={}, vigencias=form.vigencias(), usuario=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Responsables guardados: {cambiados} cambio(s).")
            return redirect(request.get_full_path())
    for fila in filas:
        p = fila["prefijo"]
        fila["campos"] = {c: form[f"{p}-{c}"] for c in ("nombre", "cargo", "desde")}
        fila["nuevo"] = {c: form[f"{p}-nuevo-{c}"] for c in ("nombre", "cargo", "desde")}
        actual = fila["periodos"][-1] if fila["periodos"] else None
        fila["actual_desde"] = NOMBRES_MES[actual.desde - 1].lower() if actual else ""
        fila["anteriores"] = [
            {
                "periodo": periodo,
                "mes": NOMBRES_MES[periodo.desde - 1].lower(),
                "nombre": form[f"{p}-p{periodo.desde}-nombre"],
                "cargo": form[f"{p}-p{periodo.desde}-cargo"],
                "quitar": form[f"{p}-p{periodo.desde}-quitar"],
            }
            for periodo in fila["periodos"][:-1]
        ]
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
            "regla": REGLA_NOMBRE,
        },
    )
