"""Thin views of the capture screens: scope → form → one service or selector → response."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from avances import selectors, selectors_firma, services
from avances.calendario import fechas_limite, hoy, meses_cerrados, ultimo_mes_capturable
from avances.filters import MetasFilter
from avances.forms import (
    AsignacionForm,
    FechaLimiteForm,
    PeriodoForm,
    RejillaCapturaForm,
    UsuarioNuevoForm,
)
from avances.rejilla import rejilla_captura
from avances.rejilla_html import celdas_de_fila
from avances.tables import AsignacionesTable, MetasTable
from avances.views_indicadores import contexto_indicadores
from programas import formulas
from programas.models import NOMBRES_MES, Asignacion, Ejercicio, Meta
from programas.scope import (
    alcance_de,
    exigir_planeacion,
    get_meta_para_usuario,
    get_unidad_para_usuario,
    metas_visibles,
    puede_capturar,
    unidades_visibles,
)
from programas.selectors import ejercicio_elegido


def _url_si_existe(nombre: str, *args, **kwargs) -> str:
    """Link to another engineer's screen only when its URL name is installed."""
    try:
        return reverse(nombre, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


# --- Inicio / Mis metas --------------------------------------------------------------------


class InicioView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The user's metas for an ejercicio and quarter, with the period banner."""

    template_name = "avances/inicio.html"
    table_class = MetasTable
    filterset_class = MetasFilter

    def get(self, request, *args, **kwargs):
        self.ejercicio = ejercicio_elegido(request)
        if self.ejercicio is None:
            return render(request, "avances/sin_ejercicio.html")
        self.trimestre = self._trimestre()
        return super().get(request, *args, **kwargs)

    def _trimestre(self) -> int:
        valor = self.request.GET.get("trimestre", "")
        if valor in {"1", "2", "3", "4"}:
            return int(valor)
        return selectors.trimestre_por_omision(self.ejercicio)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        datos = QueryDict(mutable=True)
        datos.update(self.request.GET)
        datos["trimestre"] = str(self.trimestre)
        kwargs["data"] = datos
        kwargs["usuario"] = self.request.user
        kwargs["ejercicio"] = self.ejercicio
        return kwargs

    def get_queryset(self):
        return metas_visibles(self.request.user).filter(unidad__ramo__ejercicio=self.ejercicio)

    def get_table_data(self):
        semaforo = ""
        if self.filterset.is_valid():
            semaforo = self.filterset.form.cleaned_data.get("semaforo") or ""
        return selectors.metas_inicio(
            metas=self.object_list,
            ejercicio=self.ejercicio,
            trimestre=self.trimestre,
            semaforo=semaforo,
        )

    def _mis_unidades(self, alcance) -> list[dict]:
        """The user's unidades (up to 60) with each report's sign-off state in words."""
        unidades = list(
            unidades_visibles(self.request.user)
            .filter(ramo__ejercicio=self.ejercicio)
            .select_related("ramo")
            .order_by("ramo__clave", "clave")[:60]
        )
        pares = (
            Meta.objects.filter(unidad__in=unidades)
            .order_by("programa__clave")
            .values_list("programa_id", "programa__clave", "unidad_id")
            .distinct()
        )
        claves = {(p, u): clave for p, clave, u in pares}
        palabras = selectors_firma.palabras_por_par(
            claves, ejercicio=self.ejercicio, trimestre=self.trimestre
        )
        return [
            {
                "unidad": u,
                "captura": u.pk in alcance.capturista,
                "url": reverse("avances:captura", args=[u.pk, self.trimestre]),
                "reportes": [
                    (clave, palabras[par]) for par, clave in claves.items() if par[1] == u.pk
                ],
            }
            for u in unidades
        ]

    def get_context_data(self, **kwargs):
        contexto = super().get_context_data(**kwargs)
        user = self.request.user
        alcance = alcance_de(user)
        dia = hoy()
        ultimo = ultimo_mes_capturable(self.ejercicio.anio, dia)
        cerrados = meses_cerrados(self.ejercicio.pk)
        meses = formulas.meses_del_trimestre(self.trimestre)
        abiertos = [m for m in meses if m <= ultimo and m not in cerrados]
        fecha, configurada = fechas_limite(self.ejercicio)[self.trimestre]
        contexto.update(
            ejercicio=self.ejercicio,
            trimestre=self.trimestre,
            nombre_trimestre=selectors.NOMBRES_TRIMESTRE[self.trimestre],
            meses_abiertos=[NOMBRES_MES[m - 1] for m in abiertos],
            meses_futuros=[NOMBRES_MES[m - 1] for m in meses if m > ultimo],
            fecha_limite=fecha,
            fecha_limite_configurada=configurada,
            fecha_vencida=dia > fecha,
            mis_unidades=self._mis_unidades(alcance),
            ejercicios=list(Ejercicio.objects.order_by("-anio").values("pk", "anio")),
        )
        if alcance.planeacion:
            atrasadas, _ = selectors.unidades_atrasadas(
                ejercicio=self.ejercicio, trimestre=self.trimestre, dia=dia, fecha_limite=fecha
            )
            contexto["atrasadas"] = atrasadas
        return contexto


inicio = InicioView.as_view()


# --- Captura ---------------------------------------------------------------------------


@login_required
def captura(request, unidad_id: int, trimestre: int):
    """The capture grid of one unidad and quarter; POST saves the whole grid atomically."""
    unidad = get_unidad_para_usuario(request.user, unidad_id)
    if not 1 <= trimestre <= 4:
        raise Http404("Trimestre inválido.")
    puede = puede_capturar(request.user, unidad.pk)
    if request.method == "POST" and not puede:
        raise PermissionDenied("Solo los capturistas de la unidad pueden guardar avances.")
    rejilla = rejilla_captura(unidad=unidad, trimestre=trimestre, puede_capturar=puede)
    form = RejillaCapturaForm(
        rejilla.celdas_editables(), data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                resultado = services.avances_guardar_rejilla(
                    unidad=unidad, celdas=form.cambios, usuario=request.user
                )
            except services.CapturaRechazada as exc:
                form.aplicar_rechazo(exc.errores, exc.conflictos)
                messages.error(request, exc.mensaje)
            else:
                if resultado.guardados:
                    messages.success(
                        request,
                        f"Se guardaron {resultado.guardados} celda(s) de "
                        f"{rejilla.nombre_trimestre} {rejilla.ejercicio.anio}.",
                    )
                else:
                    messages.info(request, "No había cambios que guardar.")
                return HttpResponseRedirect(request.path)
        else:
            messages.error(
                request,
                f"No se guardó nada: {len(form.errores)} celda(s) con errores. "
                "Corríjalas y guarde de nuevo.",
            )
    for fila in rejilla.filas:
        for celda in fila.celdas:
            celda.entrada = form.celdas.get((fila.meta_id, celda.mes))
            fila.abrir_obs |= bool(celda.entrada and celda.entrada.error_en_observaciones)
        fila.html_celdas = celdas_de_fila(fila, rejilla.ejercicio.anio)
    anio = rejilla.ejercicio.anio
    descargar = _url_si_existe("reportes:descargar")
    palabras = selectors_firma.palabras_por_par(
        [(g.programa_id, unidad.pk) for g in rejilla.grupos],
        ejercicio=rejilla.ejercicio,
        trimestre=trimestre,
    )
    for grupo in rejilla.grupos:
        grupo.palabras = palabras[(grupo.programa_id, unidad.pk)]
        if descargar:
            for tipo in ("pdf", "xlsx"):
                consulta = urlencode(
                    {
                        "reporte": "tmm-f004", "tipo": tipo, "ejercicio": anio,
                        "trimestre": trimestre, "programa": grupo.programa_id,
                        "unidad": unidad.pk,
                    }
                )  # fmt: skip
                grupo.enlaces[f"tmm_{tipo}"] = f"{descargar}?{consulta}"
        grupo.enlaces["firma"] = _url_si_existe(
            "firmas:panel", programa_id=grupo.programa_id, unidad_id=unidad.pk, trimestre=trimestre
        )
    url_reportes = _url_si_existe("reportes:index")
    if url_reportes:
        url_reportes += "?" + urlencode(
            {"ejercicio": anio, "trimestre": trimestre, "unidad": unidad.pk}
        )
    contexto = {
        "rejilla": rejilla,
        "form": form,
        "trimestres": range(1, 5),
        "columnas": 3 + 3 * len(rejilla.meses) + 3 + 2,
        "limite_obs": services.MAX_OBSERVACIONES,
        **_urls_de_filas(unidad.pk, trimestre),
        "url_reportes": url_reportes,
    }
    contexto.update(contexto_indicadores(request.user, unidad, trimestre, puede=puede))  # MIR
    return render(request, "avances/captura.html", contexto)


def _urls_de_filas(unidad_id: int, trimestre: int) -> dict[str, str]:
    """Row links built once (a reverse() per row is a measurable part of a 150-row render)."""
    fila = reverse("avances:guardar_fila", args=[unidad_id, trimestre, 0])
    return {
        "url_metas": reverse("avances:historial", args=[0]).removesuffix("0/historial/"),
        "url_fila": fila.removesuffix("0/"),
    }


# --- Historial -------------------------------------------------------------------------


@login_required
def historial(request, meta_id: int):
    """Every change to meta anual, P, R and observaciones of one meta."""
    meta = get_meta_para_usuario(request.user, meta_id)
    cambios = selectors.historial_meta(meta=meta)
    trimestre = selectors.trimestre_por_omision(meta.programa.ramo.ejercicio)
    contexto = {
        "meta": meta,
        "cambios": cambios,
        "url_captura": reverse("avances:captura", args=[meta.unidad_id, trimestre]),
    }
    return render(request, "avances/historial.html", contexto)


# --- Periodos (Planeación) -----------------------------------------------------------------


@login_required
def periodos(request):
    """Open/close capture per month or quarter and set each quarter's deadline."""
    exigir_planeacion(request.user)
    ejercicio = ejercicio_elegido(request)
    if ejercicio is None:
        return render(request, "avances/sin_ejercicio.html")
    destino = f"{reverse('avances:periodos')}?ejercicio={ejercicio.pk}"
    if request.method == "POST":
        if request.POST.get("accion") == "fecha_limite":
            form = FechaLimiteForm(request.POST)
            if form.is_valid():
                services.fecha_limite_fijar(
                    ejercicio=ejercicio,
                    trimestre=form.cleaned_data["trimestre"],
                    fecha=form.cleaned_data["fecha"],
                    usuario=request.user,
                )
                messages.success(request, "Fecha límite actualizada.")
                return redirect(destino)
        else:
            form = PeriodoForm(request.POST)
            if form.is_valid():
                meses = form.meses()
                services.periodos_cambiar(
                    ejercicio=ejercicio, meses=meses, abierto=form.abrir(), usuario=request.user
                )
                nombres = ", ".join(NOMBRES_MES[m - 1].lower() for m in meses)
                estado = "abierta" if form.abrir() else "cerrada"
                messages.success(request, f"Captura {estado}: {nombres} {ejercicio.anio}.")
                return redirect(destino)
        errores = "; ".join(e for lista in form.errors.values() for e in lista)
        messages.error(request, f"No se aplicó el cambio: {errores}")
    cerrados = meses_cerrados(ejercicio.pk)
    limites = fechas_limite(ejercicio)
    ultimo = ultimo_mes_capturable(ejercicio.anio)
    trimestres = []
    for t in range(1, 5):
        fecha, configurada = limites[t]
        trimestres.append(
            {
                "numero": t,
                "nombre": selectors.NOMBRES_TRIMESTRE[t],
                "fecha": fecha,
                "configurada": configurada,
                "meses": [
                    {
                        "numero": m,
                        "nombre": NOMBRES_MES[m - 1],
                        "abierto": m not in cerrados,
                        "futuro": m > ultimo,
                    }
                    for m in formulas.meses_del_trimestre(t)
                ],
                "todos_cerrados": all(m in cerrados for m in formulas.meses_del_trimestre(t)),
            }
        )
    contexto = {
        "ejercicio": ejercicio,
        "ejercicios": Ejercicio.objects.order_by("-anio"),
        "trimestres": trimestres,
    }
    return render(request, "avances/periodos.html", contexto)


# --- Usuarios y asignaciones (Planeación) ---------------------------------------------------


@login_required
def asignaciones(request):
    """List, add and remove who may do what over which part of the POA."""
    exigir_planeacion(request.user)
    ejercicio = ejercicio_elegido(request)
    elegido = request.GET.get("usuario", "")
    inicial = {"usuario": elegido} if elegido.isdigit() else {}
    form = AsignacionForm(request.POST or None, ejercicio=ejercicio, initial=inicial)
    if request.method == "POST":
        if form.is_valid():
            asignacion = services.asignacion_crear(datos=form.cleaned_data, usuario=request.user)
            messages.success(request, f"Asignación creada: {asignacion}.")
            return redirect(request.get_full_path())
        messages.error(request, "No se creó la asignación: revise los campos marcados.")
    consulta = Asignacion.objects.select_related(
        "usuario", "ramo__ejercicio", "programa__ramo", "unidad__ramo"
    ).order_by("usuario__username", "rol")
    buscar = request.GET.get("q", "").strip()
    if buscar:
        consulta = consulta.filter(usuario__username__icontains=buscar) | consulta.filter(
            usuario__last_name__icontains=buscar
        )
    tabla = AsignacionesTable(consulta)
    RequestConfig(request, paginate={"per_page": 100}).configure(tabla)
    contexto = {
        "form": form,
        "tabla": tabla,
        "buscar": buscar,
        "ejercicio": ejercicio,
        "ejercicios": Ejercicio.objects.order_by("-anio"),
        "form_usuario": UsuarioNuevoForm(),
    }
    return render(request, "avances/asignaciones.html", contexto)


@login_required
def usuario_nuevo(request):
    """Create a user with a password (then assign it a role on the same page)."""
    exigir_planeacion(request.user)
    form = UsuarioNuevoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        nuevo = form.save()
        messages.success(
            request, f"Usuario {nuevo.username} creado. Asígnele ahora un rol y un ámbito."
        )
        return redirect(f"{reverse('avances:asignaciones')}?usuario={nuevo.pk}")
    return render(request, "avances/usuario_nuevo.html", {"form": form})


@login_required
@require_POST
def asignacion_eliminar(request, pk: int):
    exigir_planeacion(request.user)
    asignacion = get_object_or_404(Asignacion.objects.select_related("usuario"), pk=pk)
    try:
        services.asignacion_eliminar(asignacion=asignacion, usuario=request.user)
    except services.AsignacionProtegida as exc:
        messages.error(request, exc.mensaje)
    else:
        messages.success(request, f"Asignación eliminada: {asignacion}.")
    return redirect("avances:asignaciones")
