"""Structure browser and planning screens: everybody reads within scope, Planeación edits."""

from __future__ import annotations

from decimal import Decimal

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from avances.bloqueo import TrimestreBloqueado
from avances.insumos import programados_por_meta
from planeacion.catalogos import linea_pmd_guardar, programa_guardar, ramo_guardar, unidad_guardar
from planeacion.copia import ejercicio_copia_revisar, ejercicio_copiar_estructura
from planeacion.forms import (
    CopiaEjercicioForm,
    LineaPMDForm,
    MetaForm,
    PresupuestoFormSet,
    ProgramaForm,
    RamoForm,
    ReexpedicionForm,
    ReprogramacionForm,
    UnidadForm,
    parse_cifra,
    presupuesto_inicial,
)
from planeacion.services import (
    meta_guardar,
    meta_reprogramar,
    metas_reexpedir,
    primer_mes_reprogramable,
)
from planeacion.tables import MetasEstructuraTable
from programas.filters import EstructuraFilter
from programas.models import (
    ABREVIATURAS_MES,
    NOMBRES_MES,
    Ejercicio,
    LineaPMD,
    Meta,
    Programa,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)
from programas.numeros import formatear_numero
from programas.scope import (
    es_planeacion,
    exigir_planeacion,
    get_meta_para_usuario,
    get_programa_para_usuario,
    get_ramo_para_usuario,
    get_unidad_para_usuario,
    metas_visibles,
)
from programas.selectors import arbol_estructura, ejercicio_elegido


@login_required
def estructura(request):
    """Browse ejercicio → ramo → programa → unidad → metas, filtered within the user's scope."""
    ejercicio = ejercicio_elegido(request)
    metas = metas_visibles(request.user).filter(unidad__ramo__ejercicio=ejercicio)
    filtro = EstructuraFilter(
        request.GET or None, queryset=metas, usuario=request.user, ejercicio=ejercicio
    )
    filas = filtro.qs.values(
        "id", "clave", "descripcion", "unidad_medida", "meta_anual", "meta_anual_original",
        "mes_inicio", "tipo_acumulacion", "orden", "unidad__clave", "unidad__nombre",
        "programa__clave", "programa__nombre",
    )  # fmt: skip
    tabla = MetasEstructuraTable(filas)
    RequestConfig(request, paginate={"per_page": 50}).configure(tabla)
    return render(
        request,
        "programas/estructura.html",
        {
            "ejercicio": ejercicio,
            "ejercicios": Ejercicio.objects.all(),
            "filtro": filtro,
            "tabla": tabla,
            "arbol": arbol_estructura(metas) if ejercicio else [],
            "planeacion": es_planeacion(request.user),
        },
    )


@login_required
def meta(request, meta_id: int):
    """One meta: its data, twelve programmed months and reprogramaciones (original → new)."""
    meta = get_meta_para_usuario(request.user, meta_id)
    programado = programados_por_meta([meta.pk])[meta.pk]
    meses = [
        {"nombre": ABREVIATURAS_MES[m - 1].capitalize(), "valor": formatear_numero(v),
         "vigente": m >= meta.mes_inicio}
        for m, v in enumerate(programado, start=1)
    ]  # fmt: skip
    reprogramaciones = list(Reprogramacion.objects.filter(meta=meta).select_related("usuario"))
    for registro in reprogramaciones:
        registro.meses_cambiados = _meses_cambiados(registro)
        registro.mes_desde_nombre = NOMBRES_MES[registro.mes_desde - 1]
        registro.cambio_meta = (
            f"{formatear_numero(registro.meta_anual_anterior)} → "
            f"{formatear_numero(registro.meta_anual_nueva)}"
        )
    return render(
        request,
        "programas/meta.html",
        {
            "meta": meta,
            "meses": meses,
            "suma": formatear_numero(sum(programado[meta.mes_inicio - 1 :], Decimal(0))),
            "reprogramaciones": reprogramaciones,
            "lineas": meta.lineas_pmd.all(),
            "planeacion": es_planeacion(request.user),
            "mes_inicio_nombre": NOMBRES_MES[meta.mes_inicio - 1].lower(),
            "meta_anual_original": formatear_numero(meta.meta_anual_original),
        },
    )


def _meses_cambiados(registro: Reprogramacion) -> list[str]:
    """'Abr: 0 → 5' for each month whose programmed value the reprogramación changed."""
    antes, despues = registro.programado_anterior or [], registro.programado_nuevo or []
    if len(antes) != 12 or len(despues) != 12:
        return []  # imported without its calendarization
    return [
        f"{ABREVIATURAS_MES[mes].capitalize()}: {formatear_numero(Decimal(a))} → "
        f"{formatear_numero(Decimal(d))}"
        for mes, (a, d) in enumerate(zip(antes, despues, strict=True))
        if Decimal(a) != Decimal(d)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def reprogramar(request, meta_id: int):
    """Reprogramación of one meta (Planeación): months not yet closed, with a reason."""
    meta = get_meta_para_usuario(request.user, meta_id)
    exigir_planeacion(request.user)
    programado = programados_por_meta([meta.pk])[meta.pk]
    primero = primer_mes_reprogramable(meta)
    mes_desde = _mes(request.POST.get("mes_desde") or request.GET.get("mes_desde"), primero)
    actuales = [formatear_numero(v) for v in programado]
    form = ReprogramacionForm(
        request.POST or None, programado=actuales, mes_desde=mes_desde,
        initial={"meta_anual_nueva": formatear_numero(meta.meta_anual)},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            meta_reprogramar(
                meta=meta,
                meta_anual_nueva=form.cleaned_data["meta_anual_nueva"],
                programado_nuevo=form.meses_nuevos(mes_desde),
                mes_desde=mes_desde,
                motivo=form.cleaned_data["motivo"],
                usuario=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except TrimestreBloqueado as exc:
            form.add_error(None, exc.mensaje)
        else:
            messages.success(request, f"Meta {meta.clave} reprogramada; la original se conserva.")
            return redirect("programas:meta", meta_id=meta.pk)
    return render(
        request,
        "programas/reprogramar.html",
        {
            "meta": meta,
            "form": form,
            "campos_mes": [form[f"m{m}"] for m in range(1, 13)],
            "actuales": actuales,
            "meta_anual_actual": formatear_numero(meta.meta_anual),
            "meta_anual_original": formatear_numero(meta.meta_anual_original),
            "primer_mes": NOMBRES_MES[primero - 1].lower(),
        },
    )


def _mes(valor, defecto: int) -> int:
    try:
        mes = int(valor)
    except (TypeError, ValueError):
        return defecto
    return mes if 1 <= mes <= 12 else defecto


def _objeto_reexpedido(usuario, alcance: str, pk: int):
    """The unidad, programa or ramo whose metas are re-issued, and the filter of its metas."""
    if alcance == "unidad":
        objeto = get_unidad_para_usuario(usuario, pk)
        return objeto, {"unidad": objeto}
    if alcance == "programa":
        objeto = get_programa_para_usuario(usuario, pk)
        return objeto, {"programa": objeto}
    if alcance == "ramo":
        objeto = get_ramo_para_usuario(usuario, pk)
        return objeto, {"programa__ramo": objeto}
    raise Http404("Alcance desconocido.")


def _filas_reexpedicion(request, metas: list[Meta], programados, mes_desde: int) -> list[dict]:
    """One row per meta: the new meta anual and months from `mes_desde`, as typed or proposed."""
    filas = []
    for m in metas:
        fila = {"meta": m, "anual": request.POST.get(f"a-{m.pk}", ""), "meses": [], "error": ""}
        if request.method != "POST":
            # A SUMA meta re-issued from a month starts with what its remaining months hold
            # (BISOM 100: 446 − 126 programmed in Q1 = 320), so the proposal adds up.
            restante = sum(programados[m.pk][mes_desde - 1 :], Decimal(0))
            es_suma = m.tipo_acumulacion == Meta.TipoAcumulacion.SUMA
            fila["anual"] = formatear_numero(restante if es_suma else m.meta_anual)
        for mes in range(mes_desde, 13):
            nombre = f"p-{m.pk}-{mes}"
            texto = request.POST.get(nombre) if request.method == "POST" else None
            if texto is None:
                texto = formatear_numero(programados[m.pk][mes - 1])
            fila["meses"].append({"nombre": nombre, "texto": texto})
        filas.append(fila)
    return filas


def _nuevos_reexpedicion(filas: list[dict], mes_desde: int) -> tuple[dict, int]:
    """Parse the typed rows into {meta pk: (meta anual, {mes: valor})}; mark rows in error.

    Return the parsed values and how many rows have an error (written in `fila["error"]`).
    """
    nuevos = {}
    errores = 0
    for fila in filas:
        try:
            anual = parse_cifra(fila["anual"])
            meses = {
                mes: parse_cifra(c["texto"]) or Decimal(0)
                for mes, c in zip(range(mes_desde, 13), fila["meses"], strict=True)
            }
            if anual is None:
                raise djforms.ValidationError("Escriba la nueva meta anual.")
            nuevos[fila["meta"].pk] = (anual, meses)
        except djforms.ValidationError as exc:
            fila["error"] = exc.messages[0]
            errores += 1
    return nuevos, errores


@login_required
@require_http_methods(["GET", "POST"])
def reexpedir(request, alcance: str, pk: int):
    """Re-issue (realineación) every meta of a unidad, programa or ramo from a month."""
    objeto, filtro = _objeto_reexpedido(request.user, alcance, pk)
    exigir_planeacion(request.user)
    metas = list(
        Meta.objects.filter(**filtro)
        .select_related("unidad")
        .order_by("unidad__clave", "orden", "clave")
    )
    programados = programados_por_meta([m.pk for m in metas])
    form = ReexpedicionForm(request.POST or None)
    mes_desde = _mes(request.POST.get("mes_desde") or request.GET.get("desde"), 4)
    filas = _filas_reexpedicion(request, metas, programados, mes_desde)
    errores = 0
    if request.method == "POST" and form.is_valid():
        nuevos, errores = _nuevos_reexpedicion(filas, mes_desde)
        if not errores:
            try:
                metas_reexpedir(
                    metas=metas, mes_desde=mes_desde, nuevos=nuevos,
                    motivo=form.cleaned_data["motivo"], usuario=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            except TrimestreBloqueado as exc:
                form.add_error(None, exc.mensaje)
            else:
                messages.success(
                    request,
                    f"{len(metas)} metas de {objeto} reexpedidas desde "
                    f"{NOMBRES_MES[mes_desde - 1].lower()}; los trimestres anteriores conservan "
                    "las metas originales.",
                )
                anio = objeto.ejercicio_id if alcance == "ramo" else objeto.ramo.ejercicio_id
                destino = reverse("programas:estructura")
                return redirect(f"{destino}?ejercicio={anio}&{alcance}={objeto.pk}")
    return render(
        request,
        "programas/reexpedir.html",
        {
            "objeto": objeto,
            "alcance": {"unidad": "la unidad", "programa": "el programa", "ramo": "el ramo"}[
                alcance
            ],
            "form": form,
            "filas": filas,
            "mes_desde": mes_desde,
            "meses": [ABREVIATURAS_MES[m - 1].capitalize() for m in range(mes_desde, 13)],
            "hay_errores": errores,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def copiar(request):
    """Start ejercicio N+1 from N in one action (Planeación), after a confirmation step."""
    exigir_planeacion(request.user)
    ultimo = Ejercicio.objects.order_by("-anio").first()
    form = CopiaEjercicioForm(
        request.POST or None,
        initial={"origen": ultimo, "anio_destino": ultimo.anio + 1 if ultimo else None},
    )
    resumen = None
    if request.method == "POST" and form.is_valid():
        origen, anio = form.cleaned_data["origen"], form.cleaned_data["anio_destino"]
        try:
            if request.POST.get("confirmar") != "1":
                resumen = ejercicio_copia_revisar(origen=origen, anio_destino=anio)
            else:
                destino = ejercicio_copiar_estructura(
                    origen=origen, anio_destino=anio, usuario=request.user
                )
                messages.success(
                    request,
                    f"Se creó la estructura del ejercicio {destino.anio} a partir de "
                    f"{origen.anio}, sin avances ni reprogramaciones.",
                )
                return redirect(f"{reverse('programas:estructura')}?ejercicio={destino.pk}")
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "programas/copiar.html", {"form": form, "resumen": resumen})


@login_required
@require_http_methods(["GET", "POST"])
def meta_editar(request, meta_id: int | None = None):
    """Create or edit a meta with its twelve programmed months (Planeación)."""
    if meta_id is not None:
        meta = get_meta_para_usuario(request.user, meta_id)
        exigir_planeacion(request.user)
        ejercicio = meta.programa.ramo.ejercicio
        programado = programados_por_meta([meta.pk])[meta.pk]
    else:
        exigir_planeacion(request.user)
        meta, ejercicio = None, ejercicio_elegido(request)
        if ejercicio is None:
            messages.error(request, "Primero cree o importe un ejercicio.")
            return redirect("programas:estructura")
        programado = [Decimal(0)] * 12
    form = MetaForm(request.POST or None, instance=meta, ejercicio=ejercicio, programado=programado)
    if request.method == "POST" and form.is_valid():
        datos = {
            campo: form.cleaned_data[campo]
            for campo in (
                "programa", "unidad", "clave", "grupo", "descripcion", "unidad_medida",
                "meta_anual", "mes_inicio", "tipo_acumulacion", "sentido", "nivel_mir",
                "lineas_pmd",
            )
        }  # fmt: skip
        try:
            guardada = meta_guardar(
                meta=Meta.objects.get(pk=meta.pk) if meta else None,
                datos=datos,
                programados=form.programados(),
                usuario=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except TrimestreBloqueado as exc:
            form.add_error(None, exc.mensaje)
        else:
            messages.success(request, f"Meta {guardada.clave} guardada.")
            return redirect("programas:meta", meta_id=guardada.pk)
    return render(
        request,
        "programas/meta_form.html",
        {
            "meta": meta,
            "ejercicio": ejercicio,
            "form": form,
            "campos_mes": [form[f"m{m}"] for m in range(1, 13)],
            "campos_datos": [
                form[c]
                for c in (
                    "programa",
                    "unidad",
                    "clave",
                    "grupo",
                    "unidad_medida",
                    "meta_anual",
                    "mes_inicio",
                    "tipo_acumulacion",
                    "sentido",
                    "nivel_mir",
                )
            ],  # fmt: skip
        },
    )


def _guardar_catalogo(tipo: str, objeto, ejercicio: Ejercicio, form, presupuesto, usuario):
    """Call the service of one catalog with the form's data."""
    datos = dict(form.cleaned_data)
    if tipo == "ramo":
        return ramo_guardar(ramo=objeto, ejercicio=ejercicio, datos=datos, usuario=usuario)
    if tipo == "linea":
        return linea_pmd_guardar(linea=objeto, ejercicio=ejercicio, datos=datos, usuario=usuario)
    if tipo == "unidad":
        return unidad_guardar(unidad=objeto, datos=datos, usuario=usuario)
    return programa_guardar(
        programa=objeto, datos=datos, presupuesto=presupuesto.renglones(), usuario=usuario
    )


# Catalogs of the structure: (model, form, needs a ramo choice, title).
CATALOGOS = {
    "ramo": (Ramo, RamoForm, False, "ramo"),
    "programa": (Programa, ProgramaForm, True, "programa"),
    "unidad": (UnidadEjecutora, UnidadForm, True, "unidad ejecutora"),
    "linea": (LineaPMD, LineaPMDForm, False, "línea del PMD"),
}


def _ejercicio_del_objeto(objeto) -> Ejercicio:
    if isinstance(objeto, Ramo | LineaPMD):
        return objeto.ejercicio
    return objeto.ramo.ejercicio


@login_required
@require_http_methods(["GET", "POST"])
def catalogo_editar(request, tipo: str, pk: int | None = None):
    """Create or edit a ramo, programa (with budget by capítulo), unidad or línea del PMD."""
    exigir_planeacion(request.user)
    if tipo not in CATALOGOS:
        raise Http404("Catálogo desconocido.")
    modelo, clase_form, con_ramo, titulo = CATALOGOS[tipo]
    objeto = get_object_or_404(modelo, pk=pk) if pk is not None else None
    ejercicio = _ejercicio_del_objeto(objeto) if objeto else ejercicio_elegido(request)
    if ejercicio is None:
        messages.error(request, "Primero cree o importe un ejercicio.")
        return redirect("programas:estructura")
    # The form works on a copy: validating a ModelForm changes its instance in memory, and the
    # service compares the stored ramo with the new one.
    form = clase_form(request.POST or None, instance=modelo.objects.get(pk=pk) if objeto else None)
    if con_ramo:
        form.fields["ramo"].queryset = Ramo.objects.filter(ejercicio=ejercicio)
    presupuesto = None
    if tipo == "programa":
        presupuesto = PresupuestoFormSet(
            request.POST or None, prefix="presupuesto", initial=presupuesto_inicial(objeto)
        )
    if (
        request.method == "POST"
        and form.is_valid()
        and (presupuesto is None or presupuesto.is_valid())
    ):
        try:
            guardado = _guardar_catalogo(tipo, objeto, ejercicio, form, presupuesto, request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Se guardó {titulo} {guardado}.")
            return redirect(f"{reverse('programas:estructura')}?ejercicio={ejercicio.pk}")
    return render(
        request,
        "programas/catalogo_form.html",
        {
            "form": form,
            "presupuesto": presupuesto,
            "titulo": titulo,
            "objeto": objeto,
            "ejercicio": ejercicio,
        },
    )
