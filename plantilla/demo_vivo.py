"""The living demo year: today's ejercicio started from the 2022 seeds, with a quarter in progress.

The 2022 seeds stay as they are (the official formats are checked against them); a newcomer
also needs to see open capture, deadlines ahead and work to sign. Everything goes through the
product's own services: the year copy (`planeacion.copia`), periods and deadlines
(`avances.services`), the capture grid save and the sign-off (`avances.firma`). Idempotent:
when today's ejercicio already has a structure nothing is touched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings

from avances.calendario import hoy
from avances.firma import servicios as firma
from avances.insumos import programados_por_meta
from avances.services import (
    CeldaCaptura,
    avances_guardar_rejilla,
    fecha_limite_fijar,
    periodos_cambiar,
)
from avances.servicios_indicadores import (
    EntradaVariable,
    guardar_indicadores,
)
from planeacion.copia import ejercicio_copiar_estructura
from plantilla.demo import asignar_usuarios_demo
from plantilla.demo_cronograma import libro_semilla_002
from plantilla.importacion import importar_libro
from programas.models import (
    Ejercicio,
    Meta,
    Programa,
    Ramo,
    UnidadEjecutora,
    Variable,
)
from programas.plazos import fecha_limite_trimestre, meses_del_trimestre, trimestre_de_mes

# The quarter that the demo "Elaboró" user has already sent for review (Revisó signs next).
RAMO_ENVIADO, PROGRAMA_ENVIADO, UNIDAD_ENVIADA = "54", "511", "54101"
# The reports the demo signers (elaboro, reviso, autorizo) authorized in the past quarters,
# so the year has signed, locked quarters and the transparency portal has something to show.
UNIDADES_AUTORIZADAS = ("54101", "54102")
SIN_CORREO = "django.core.mail.backends.dummy.EmailBackend"


@dataclass(frozen=True)
class ResultadoVivo:
    anio: int
    creado: bool  # False: the ejercicio already existed (or today is the seed year)
    metas: int = 0
    celdas: int = 0
    enviado: str = ""
    autorizados: int = 0


def crear_ejercicio_vivo(*, anio_origen: int, dia: date | None = None) -> ResultadoVivo:
    """Copy `anio_origen` into today's year with the current quarter open and partly captured.

    Returns without writing when today's year is the seed year (or earlier) or when that
    ejercicio already has ramos: a second run changes nothing.
    """
    dia = dia or hoy()
    anio = dia.year
    if anio <= anio_origen or Ramo.objects.filter(ejercicio__anio=anio).exists():
        return ResultadoVivo(anio=anio, creado=False)
    # The demo's own signatures notify nobody: with `make run` the console backend would
    # print every notice before the list of logins.
    with override_settings(EMAIL_BACKEND=SIN_CORREO), transaction.atomic():
        usuario = get_user_model().objects.filter(username="planeacion").first()
        origen = Ejercicio.objects.get(anio=anio_origen)
        destino = ejercicio_copiar_estructura(origen=origen, anio_destino=anio, usuario=usuario)
        # Seed 002 is a current-year document: its área joins the living year.
        importar_libro(io.BytesIO(libro_semilla_002()), ejercicio=anio, usuario=usuario)
        asignar_usuarios_demo(anio)
        trimestre = trimestre_de_mes(dia.month)
        celdas = _capturar(destino, dia=dia, trimestre=trimestre, usuario=usuario)
        celdas += _capturar_indicadores(destino, dia=dia, trimestre=trimestre, usuario=usuario)
        _fijar_periodos(destino, dia=dia, trimestre=trimestre, usuario=usuario)
        autorizados = _autorizar_pasados(destino, trimestre=trimestre, dia=dia)
        enviado = _enviar_uno(destino, trimestre=trimestre, dia=dia)
    return ResultadoVivo(
        anio=anio,
        creado=True,
        metas=Meta.objects.filter(unidad__ramo__ejercicio=destino).count(),
        celdas=celdas,
        enviado=enviado,
        autorizados=autorizados,
    )


def _capturar(ejercicio, *, dia: date, trimestre: int, usuario) -> int:
    """Past quarters complete (R = P); the current quarter's ended months for every other
    unidad; the unidad that is sent, every month up to today."""
    primer_mes = meses_del_trimestre(trimestre)[0]
    unidades = list(
        UnidadEjecutora.objects.filter(ramo__ejercicio=ejercicio).order_by("ramo__clave", "clave")
    )
    metas = list(
        Meta.objects.filter(unidad__ramo__ejercicio=ejercicio).values_list("pk", "unidad_id")
    )
    programados = programados_por_meta([pk for pk, _ in metas])
    total = 0
    for indice, unidad in enumerate(unidades):
        enviada = unidad.ramo.clave == RAMO_ENVIADO and unidad.clave == UNIDAD_ENVIADA
        if enviada:
            hasta = dia.month
        elif indice % 2 == 0:
            hasta = dia.month - 1  # the current quarter's ended months
        else:
            hasta = primer_mes - 1  # nothing of the current quarter yet
        celdas = [
            CeldaCaptura(meta_id=pk, mes=mes, realizado=programados[pk][mes - 1])
            for pk, unidad_id in metas
            if unidad_id == unidad.pk
            for mes in range(1, hasta + 1)
        ]
        total += avances_guardar_rejilla(
            unidad=unidad, celdas=celdas, usuario=usuario, dia=dia
        ).guardados
    return total


def _capturar_indicadores(ejercicio, *, dia: date, trimestre: int, usuario) -> int:
    """The typed variables of every indicator: alcanzado = programado in the past quarters
    (and in the current one for the unidad that is sent), through the capture service."""
    total = 0
    variables = (
        Variable.objects.filter(indicador__programa__ramo__ejercicio=ejercicio, meta__isnull=True)
        .select_related("indicador__unidad__ramo")
        .prefetch_related("programados")
    )
    por_unidad_y_trimestre: dict[tuple, list] = {}
    for variable in variables:
        unidad = variable.indicador.unidad
        enviada = unidad.ramo.clave == RAMO_ENVIADO and unidad.clave == UNIDAD_ENVIADA
        hasta = trimestre if enviada else trimestre - 1
        for programado in variable.programados.all():
            q = (programado.periodo + 2) // 3
            if q <= hasta and programado.periodo <= dia.month:
                entrada = EntradaVariable(variable.pk, programado.periodo, programado.valor)
                por_unidad_y_trimestre.setdefault((unidad, q), []).append(entrada)
    for (unidad, q), entradas in por_unidad_y_trimestre.items():
        resultado = guardar_indicadores(
            unidad=unidad, trimestre=q, variables=entradas, usuario=usuario, dia=dia
        )
        total += len(resultado.guardados)
    return total


def _fijar_periodos(ejercicio, *, dia: date, trimestre: int, usuario) -> None:
    """Past quarters closed; the current quarter open; deadlines of the rest of the year set."""
    primer_mes = meses_del_trimestre(trimestre)[0]
    if primer_mes > 1:
        periodos_cambiar(
            ejercicio=ejercicio, meses=range(1, primer_mes), abierto=False, usuario=usuario
        )
    periodos_cambiar(
        ejercicio=ejercicio, meses=meses_del_trimestre(trimestre), abierto=True, usuario=usuario
    )
    for t in range(trimestre, 5):
        fecha = max(fecha_limite_trimestre(ejercicio.anio, t), dia)
        fecha_limite_fijar(ejercicio=ejercicio, trimestre=t, fecha=fecha, usuario=usuario)


def _firmantes_demo():
    usuarios = get_user_model().objects.in_bulk(
        ["elaboro", "reviso", "autorizo"], field_name="username"
    )
    return [usuarios.get(n) for n in ("elaboro", "reviso", "autorizo")]


def _autorizar_pasados(ejercicio, *, trimestre: int, dia: date) -> int:
    """Sign Elaboró → Revisó → Autorizó the past quarters of the demo signers' reports."""
    elaboro, reviso, autorizo = _firmantes_demo()
    programa = Programa.objects.filter(
        ramo__ejercicio=ejercicio, ramo__clave=RAMO_ENVIADO, clave=PROGRAMA_ENVIADO
    ).first()
    if None in (elaboro, reviso, autorizo) or programa is None:
        return 0
    unidades = UnidadEjecutora.objects.filter(
        ramo=programa.ramo, clave__in=UNIDADES_AUTORIZADAS
    ).order_by("clave")
    firmados = 0
    for unidad in unidades:
        for pasado in range(1, trimestre):
            reporte = {"programa": programa, "unidad": unidad, "trimestre": pasado}
            firma.trimestre_enviar(**reporte, usuario=elaboro, dia=dia)
            firma.trimestre_revisar(**reporte, usuario=reviso)
            firma.trimestre_autorizar(**reporte, usuario=autorizo)
            firmados += 1
    return firmados


def _enviar_uno(ejercicio, *, trimestre: int, dia: date) -> str:
    """Send one report for review as the demo "Elaboró" user (Revisó then has it to sign)."""
    elaboro = get_user_model().objects.filter(username="elaboro").first()
    programa = Programa.objects.filter(
        ramo__ejercicio=ejercicio, ramo__clave=RAMO_ENVIADO, clave=PROGRAMA_ENVIADO
    ).first()
    unidad = UnidadEjecutora.objects.filter(
        ramo__ejercicio=ejercicio, ramo__clave=RAMO_ENVIADO, clave=UNIDAD_ENVIADA
    ).first()
    if elaboro is None or programa is None or unidad is None:
        return ""
    firma.trimestre_enviar(
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        usuario=elaboro,
        comentario="Captura de demostración.",
        dia=dia,
    )
    return f"{programa.clave}/{unidad.clave} T{trimestre}"
