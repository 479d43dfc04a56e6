"""`/tablero/`: where the municipality stands, in the user's scope, with charts that explain."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from avances.calendario import hoy
from programas.numeros import formatear_porcentaje
from programas.scope import (
    alcance_de,
    get_meta_para_usuario,
    get_programa_para_usuario,
    get_ramo_para_usuario,
    get_unidad_para_usuario,
)
from programas.selectors import ejercicio_elegido
from reportes import graficas
from reportes.tablero_cache import leer_datos, tablero_en_cache
from reportes.tablero_indicadores import indicadores_en_cache

TITULOS_NIVEL = {"municipio": "Ramos", "ramo": "Programas", "programa": "Unidades"}


def _entero(request, nombre: str) -> int | None:
    valor = request.GET.get(nombre, "")
    if not valor:
        return None
    if not valor.isdigit() or len(valor) > 18:
        raise Http404("Parámetro no válido.")
    return int(valor)


def _trimestre(request, anio: int) -> int:
    elegido = _entero(request, "trimestre")
    if elegido is not None:
        if elegido not in (1, 2, 3, 4):
            raise Http404("El trimestre debe ser 1, 2, 3 o 4.")
        return elegido
    dia = hoy()
    return (dia.month - 1) // 3 + 1 if dia.year == anio else 4


def _seleccion(request, ejercicio) -> dict:
    """The drill-down chosen with ?ramo / ?programa / ?unidad / ?meta, inside the scope."""
    usuario, sel = request.user, {"ramo": None, "programa": None, "unidad": None, "meta": None}
    if (pk := _entero(request, "meta")) is not None:
        sel["meta"] = get_meta_para_usuario(usuario, pk)
    if (pk := _entero(request, "unidad")) is not None:
        sel["unidad"] = get_unidad_para_usuario(usuario, pk)
    if (pk := _entero(request, "programa")) is not None:
        sel["programa"] = get_programa_para_usuario(usuario, pk)
    if (pk := _entero(request, "ramo")) is not None:
        sel["ramo"] = get_ramo_para_usuario(usuario, pk)
    for objeto in (sel["programa"], sel["unidad"]):
        if objeto is not None:
            sel["ramo"] = sel["ramo"] or objeto.ramo
            if objeto.ramo_id != sel["ramo"].pk:
                raise Http404("La selección no pertenece al mismo ramo.")
    if sel["ramo"] is not None and sel["ramo"].ejercicio_id != ejercicio.pk:
        raise Http404("El ramo no pertenece al ejercicio elegido.")
    return sel


def _nivel(sel: dict) -> str:
    if sel["unidad"] is not None:
        return "unidad"
    if sel["programa"] is not None:
        return "programa"
    return "ramo" if sel["ramo"] is not None else "municipio"


def _graficas(tablero, nivel: str, meta) -> dict:
    sujeto = f"la meta {meta.clave}" if meta else "las metas de conteo (SUMA) de la selección"
    return {
        "semaforo": graficas.distribucion_semaforo(
            dict(tablero.semaforos), titulo="Distribución del semáforo de las metas"
        ),
        "avance": graficas.avance_por_nivel(
            [graficas.Barra(h.etiqueta, h.porcentaje.valor, h.marca) for h in tablero.hijos],
            titulo="Logrado contra lo esperado a la fecha",
        )
        if nivel != "unidad"
        else None,
        "tendencia": graficas.tendencia_mensual(
            tablero.programado, tablero.realizado, titulo=f"Programado y realizado de {sujeto}"
        ),
    }


def _acortar(texto: str, largo: int = 40) -> str:
    """`Truncator(texto).chars(largo)` for plain text, at a fraction of its cost."""
    texto = unicodedata.normalize("NFC", texto)
    return texto if len(texto) <= largo else texto[: largo - 1] + "…"


def _enlace_panel(trimestre: int):
    """The sign-off panel's URL of a (programa, unidad): `reverse` once, not once per row."""
    muestra, cola = reverse("firmas:panel", args=[1, 2, trimestre]), f"/1/2/{trimestre}/"
    if not muestra.endswith(cola):  # the route's shape changed: reverse each row after all
        return lambda programa_id, unidad_id: reverse(
            "firmas:panel", args=[programa_id, unidad_id, trimestre]
        )
    raiz = muestra.removesuffix(cola)
    return lambda programa_id, unidad_id: f"{raiz}/{programa_id}/{unidad_id}/{trimestre}/"


def _filas_unidades(unidades, trimestre: int) -> SafeString:
    """The rows of «Captura y firma por unidad», built here: hundreds at the municipio level,
    where the template engine spent more on them than on the rest of the page (and
    `reverse` and `Truncator` a third of a warm page's time)."""
    enlace = _enlace_panel(trimestre)
    fila = (
        '<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{} de {}</td>'
        '<td class="num">{}</td><td><a href="{}">{}</a></td></tr>'
    )
    return format_html_join(
        "\n",
        fila,
        (
            (
                u.ramo,
                _acortar(u.programa),
                _acortar(u.unidad),
                f"{u.capturadas:,}",  # es-MX digits, as programas.numeros writes them
                f"{u.exigibles:,}",
                formatear_porcentaje(u.completitud),
                enlace(u.programa_id, u.unidad_id),
                u.estado_texto,
            )  # fmt: skip
            for u in unidades
        ),
    )


@login_required
@require_GET
def tablero(request):
    alcance = alcance_de(request.user)
    ejercicio = ejercicio_elegido(request)
    if alcance.vacio or ejercicio is None:
        return render(request, "reportes/tablero.html", {"vacio": True}, status=200)
    trimestre = _trimestre(request, ejercicio.anio)
    sel = _seleccion(request, ejercicio)
    nivel = _nivel(sel)
    # One query for the structure and each pair's data digest; the pairs' summaries and the
    # indicators come from the cache while their own data do not change (reportes.tablero_cache).
    datos = leer_datos(ejercicio.pk, trimestre)
    tablero_ = tablero_en_cache(
        alcance=alcance,
        anio=ejercicio.anio,
        trimestre=trimestre,
        nivel=nivel,
        ramo_id=sel["ramo"].pk if sel["ramo"] else None,
        programa_id=sel["programa"].pk if sel["programa"] else None,
        unidad_id=sel["unidad"].pk if sel["unidad"] else None,
        meta=sel["meta"],
        ejercicio=ejercicio,
        datos=datos,
    )
    contexto = {"ejercicio": ejercicio, "trimestre": trimestre, "sel": sel, "nivel": nivel}
    if tablero_ is not None:
        contexto |= {
            "t": tablero_,
            "graficas": _graficas(tablero_, nivel, sel["meta"]),
            "filas_unidades": _filas_unidades(tablero_.unidades, trimestre),
            "titulo_hijos": TITULOS_NIVEL.get(nivel, ""),
            "nivel_hijo": {"municipio": "ramo", "ramo": "programa", "programa": "unidad"}.get(
                nivel
            ),
        }
    contexto |= indicadores_en_cache(
        alcance=alcance, ejercicio=ejercicio, trimestre=trimestre, sel=sel, datos=datos
    )
    return render(request, "reportes/tablero.html", contexto)
