"""MIR of a programa on the web: everybody reads within scope, Planeación edits (DOMAIN.md §8)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from avances.bloqueo import TrimestreBloqueado, mapa_autorizados
from planeacion.forms_mir import (
    IndicadorForm,
    ObjetivoForm,
    VariablesFormSet,
    metas_del_programa,
    variables_iniciales,
)
from planeacion.mir_servicios import (
    clave_sugerida,
    indicador_borrar,
    indicador_guardar,
    objetivo_borrar,
    objetivo_guardar,
)
from programas import indicadores as calc
from programas.mir import TIPO_POR_NIVEL, problemas_de_formula
from programas.models import ABREVIATURAS_MES, Indicador, ObjetivoMIR, Variable
from programas.numeros import formatear_numero
from programas.scope import (
    es_planeacion,
    exigir_planeacion,
    get_programa_para_usuario,
    programas_visibles,
)

MAX_SIMBOLOS = 50
DATOS_INDICADOR = ("objetivo clave nombre unidad_medida frecuencia dimension tipo sentido unidad "
                   "linea_base linea_base_anio")  # fmt: skip
UMBRALES = "amarillo_min verde_min verde_max amarillo_max"
_SIMBOLO = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _del_ambito(modelo, usuario, pk):
    """An objective or indicator of a programa in the user's scope, else 404."""
    try:
        return modelo.objects.select_related("programa__ramo__ejercicio").get(
            pk=pk, programa__in=programas_visibles(usuario)
        )
    except (modelo.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No existe o no está en su ámbito.") from exc


def _variables_texto(indicador: Indicador) -> list[dict]:
    filas = []
    for v in indicador.variables.all():
        if v.meta_id:
            valores = f"Valores de la meta {v.meta.unidad.clave} · {v.meta.clave}"
        else:
            valores = (
                " · ".join(
                    f"{ABREVIATURAS_MES[p.periodo - 1].capitalize()} {formatear_numero(p.valor)}"
                    for p in v.programados.all()
                )
                or "Sin programados"
            )
        filas.append({"variable": v, "valores": valores})
    return filas


def _numero(valor) -> str:
    return "" if valor is None else formatear_numero(valor)


def _umbrales(ind: Indicador) -> str:
    if not ind.tiene_umbrales:
        return ""
    return (
        f"Semáforo propio: verde {_numero(ind.verde_min)}–{_numero(ind.verde_max)} %, "
        f"amarillo {_numero(ind.amarillo_min)}–{_numero(ind.amarillo_max)} %"
    )


def _mir_del_programa(programa) -> dict:
    """Fin, Propósito, componentes with their actividades, each with its indicators."""
    variables = Variable.objects.select_related("meta__unidad").prefetch_related("programados")
    indicadores = list(
        Indicador.objects.filter(programa=programa)
        .select_related("unidad")
        .prefetch_related(Prefetch("variables", queryset=variables))
    )
    autorizados = mapa_autorizados({(programa.pk, i.unidad_id) for i in indicadores})
    por_objetivo: dict[int, list] = {}
    for ind in indicadores:
        firmados = sorted(autorizados[(programa.pk, ind.unidad_id)])
        por_objetivo.setdefault(ind.objetivo_id, []).append(
            {
                "indicador": ind,
                "variables": _variables_texto(ind),
                "firmados": firmados,
                "linea_base": _numero(ind.linea_base),
                "umbrales": _umbrales(ind),
            }
        )
    objetivos = list(ObjetivoMIR.objects.filter(programa=programa).order_by("orden", "id"))
    for o in objetivos:
        o.lista_indicadores = por_objetivo.get(o.pk, [])
    por_nivel = {n: [o for o in objetivos if o.nivel == n] for n in ObjetivoMIR.Nivel.values}
    actividades = por_nivel["ACTIVIDAD"]
    componentes = [
        {"objetivo": c, "actividades": [a for a in actividades if a.componente_id == c.pk]}
        for c in por_nivel["COMPONENTE"]
    ]
    return {
        "fin": (por_nivel["FIN"] or [None])[0],
        "proposito": (por_nivel["PROPOSITO"] or [None])[0],
        "componentes": componentes,
        "total_indicadores": len(indicadores),
    }


@login_required
def mir(request, programa_id: int):
    """The MIR of one programa: levels, objectives and indicators with their variables."""
    programa = get_programa_para_usuario(request.user, programa_id)
    return render(
        request,
        "planeacion/mir.html",
        {"programa": programa, "planeacion": es_planeacion(request.user),
         **_mir_del_programa(programa)},
    )  # fmt: skip


def _a_la_mir(programa, ancla: str = ""):
    destino = reverse("programas:mir", kwargs={"programa_id": programa.pk})
    return redirect(f"{destino}#{ancla}" if ancla else destino)


@login_required
@require_http_methods(["GET", "POST"])
def objetivo_editar(request, programa_id: int | None = None, pk: int | None = None):
    """Create or edit an objective: resumen narrativo, medios de verificación, supuestos."""
    if pk is not None:
        objetivo = _del_ambito(ObjetivoMIR, request.user, pk)
        programa = objetivo.programa
    else:
        objetivo, programa = None, get_programa_para_usuario(request.user, programa_id)
    exigir_planeacion(request.user)
    inicial = {}
    if objetivo is None:
        nivel = request.GET.get("nivel", "")
        nivel = nivel if nivel in ObjetivoMIR.Nivel.values else ObjetivoMIR.Nivel.COMPONENTE
        componentes = ObjetivoMIR.objects.filter(
            programa=programa, nivel=ObjetivoMIR.Nivel.COMPONENTE
        ).order_by("orden", "id")
        componente = componentes.filter(pk=_entero(request.GET.get("componente"))).first()
        if componente is None and nivel == ObjetivoMIR.Nivel.ACTIVIDAD:
            componente = componentes.first()
        inicial = {"nivel": nivel, "componente": componente,
                   "clave": clave_sugerida(programa, nivel, componente)}  # fmt: skip
    instancia = ObjetivoMIR.objects.get(pk=pk) if objetivo else None
    form = ObjetivoForm(
        request.POST or None, instance=instancia, programa=programa, initial=inicial
    )
    if request.method == "POST" and form.is_valid():
        try:
            guardado = objetivo_guardar(
                objetivo=objetivo, programa=programa, datos=form.datos(), usuario=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Se guardó el objetivo {guardado.clave}.")
            return _a_la_mir(programa, f"objetivo-{guardado.pk}")
    return render(
        request, "planeacion/mir_objetivo.html",
        {"programa": programa, "objetivo": objetivo, "form": form},
    )  # fmt: skip


def _entero(valor) -> int | None:
    return int(valor) if isinstance(valor, str) and valor.isdigit() and len(valor) < 19 else None


def _borrar(request, modelo, pk, borrar, nombre: str):
    objeto = _del_ambito(modelo, request.user, pk)
    exigir_planeacion(request.user)
    error = ""
    if request.method == "POST":
        try:
            borrar(objeto, request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except TrimestreBloqueado as exc:
            error = exc.mensaje
        else:
            messages.success(request, f"Se borró {nombre} {objeto.clave}.")
            return _a_la_mir(objeto.programa)
    return render(
        request, "planeacion/mir_borrar.html",
        {"programa": objeto.programa, "objeto": objeto, "nombre": nombre, "error": error},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def objetivo_eliminar(request, pk: int):
    return _borrar(
        request, ObjetivoMIR, pk,
        lambda o, u: objetivo_borrar(objetivo=o, usuario=u), "el objetivo",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def indicador_eliminar(request, pk: int):
    return _borrar(
        request, Indicador, pk,
        lambda i, u: indicador_borrar(indicador=i, usuario=u), "el indicador",
    )  # fmt: skip


def _formularios_indicador(request, programa, indicador):
    inicial = {}
    if indicador is None:
        objetivo = ObjetivoMIR.objects.filter(
            programa=programa, pk=_entero(request.GET.get("objetivo"))
        ).first()
        inicial = {"frecuencia": Indicador.Frecuencia.TRIMESTRAL, "objetivo": objetivo,
                   "tipo": TIPO_POR_NIVEL[objetivo.nivel] if objetivo else ""}  # fmt: skip
    instancia = Indicador.objects.get(pk=indicador.pk) if indicador else None
    form = IndicadorForm(request.POST or None, instance=instancia, programa=programa,
                         initial=inicial)  # fmt: skip
    variables = VariablesFormSet(
        request.POST or None, prefix="variables", initial=variables_iniciales(indicador),
        metas=metas_del_programa(programa),
    )  # fmt: skip
    return form, variables


@login_required
@require_http_methods(["GET", "POST"])
def indicador_editar(request, programa_id: int | None = None, pk: int | None = None):
    """Create or edit an indicator with its variables and programados per period."""
    if pk is not None:
        indicador = _del_ambito(Indicador, request.user, pk)
        programa = indicador.programa
    else:
        indicador, programa = None, get_programa_para_usuario(request.user, programa_id)
    exigir_planeacion(request.user)
    if not ObjetivoMIR.objects.filter(programa=programa).exists():
        messages.error(request, "Primero agregue un objetivo a la MIR del programa.")
        return _a_la_mir(programa)
    form, variables = _formularios_indicador(request, programa, indicador)
    if request.method == "POST" and form.is_valid() and variables.is_valid():
        try:
            guardado = indicador_guardar(
                indicador=indicador, programa=programa, datos=form.datos(),
                variables=variables.variables(), usuario=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        except TrimestreBloqueado as exc:
            form.add_error(None, exc.mensaje)
        else:
            messages.success(request, f"Se guardó el indicador {guardado.clave}.")
            return _a_la_mir(programa, f"indicador-{guardado.pk}")
    frecuencia = form.frecuencia_actual()
    filas = [{"form": f, "periodos": f.periodos(frecuencia)} for f in variables.forms]
    return render(
        request, "planeacion/mir_indicador.html",
        {"programa": programa, "indicador": indicador, "form": form, "variables": variables,
         "filas": filas, "vacia": variables.empty_form.periodos(frecuencia),
         "campos_datos": form.campos(DATOS_INDICADOR), "campos_umbrales": form.campos(UMBRALES)},
    )  # fmt: skip


def _en_orden(texto: str, simbolos) -> list[str]:
    """The formula's symbols in the order they first appear."""
    vistos: list[str] = []
    for nombre in _SIMBOLO.findall(texto):
        if nombre in simbolos and nombre not in vistos:
            vistos.append(nombre)
    return vistos


@login_required
@require_POST
def formula_revisar(request):
    """Live check of a método de cálculo (JSON): problems and the symbols it uses."""
    exigir_planeacion(request.user)
    texto = request.POST.get("formula", "")[: calc.MAX_LARGO_FORMULA * 2]
    simbolos = [s.strip() for s in request.POST.getlist("simbolos")[:MAX_SIMBOLOS] if s.strip()]
    problemas = problemas_de_formula(texto, simbolos)
    try:
        formula = calc.parse_formula(texto)
    except calc.FormulaInvalida:
        usados, normal = [], ""
    else:
        usados, normal = _en_orden(formula.texto, formula.simbolos), formula.texto
    return JsonResponse({"problemas": problemas, "simbolos": usados, "formula": normal,
                         "faltantes": [s for s in usados if s not in simbolos]})  # fmt: skip
