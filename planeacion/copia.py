"""Year copy: start ejercicio N+1 from the structure, metas and calendarización of N.

Validates first (`ejercicio_copia_revisar`, shown before Planeación confirms), then writes in
one transaction, saving tracked models one by one so django-simple-history records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from avances.bloqueo import escritura_verificada
from avances.insumos import programados_por_meta
from programas.models import (
    Ejercicio,
    Indicador,
    LineaPMD,
    Meta,
    ObjetivoMIR,
    Presupuesto,
    Programa,
    Programado,
    ProgramadoVariable,
    Ramo,
    UnidadEjecutora,
    Variable,
)

CERO = Decimal(0)


@dataclass(frozen=True)
class ResumenCopia:
    """What a year copy would create (shown before Planeación confirms it)."""

    origen: int
    destino: int
    ramos: int
    programas: int
    unidades: int
    metas: int
    lineas_pmd: int
    capitulos: int
    reexpedidas: int  # metas with mes_inicio > 1: they start the new year whole in January


def ejercicio_copia_revisar(*, origen: Ejercicio, anio_destino: int) -> ResumenCopia:
    """Validate a year copy without writing, and count what it would create."""
    if anio_destino == origen.anio:
        raise ValidationError("El ejercicio destino debe ser distinto del de origen.")
    if Ramo.objects.filter(ejercicio__anio=anio_destino).exists():
        raise ValidationError(
            f"El ejercicio {anio_destino} ya tiene ramos: la copia solo se hace sobre un "
            "ejercicio vacío."
        )
    metas = Meta.objects.filter(unidad__ramo__ejercicio=origen)
    if not metas.exists() and not Ramo.objects.filter(ejercicio=origen).exists():
        raise ValidationError(f"El ejercicio {origen.anio} no tiene estructura que copiar.")
    return ResumenCopia(
        origen=origen.anio,
        destino=anio_destino,
        ramos=Ramo.objects.filter(ejercicio=origen).count(),
        programas=Programa.objects.filter(ramo__ejercicio=origen).count(),
        unidades=UnidadEjecutora.objects.filter(ramo__ejercicio=origen).count(),
        metas=metas.count(),
        lineas_pmd=LineaPMD.objects.filter(ejercicio=origen).count(),
        capitulos=Presupuesto.objects.filter(programa__ramo__ejercicio=origen).count(),
        reexpedidas=metas.filter(mes_inicio__gt=1).count(),
    )


@transaction.atomic
def ejercicio_copiar_estructura(*, origen: Ejercicio, anio_destino: int, usuario) -> Ejercicio:
    """Start ejercicio N+1 from N: structure, responsables, líneas PMD, metas and their
    calendarización, budget authorized; no avances, reprogramaciones nor signatures."""
    ejercicio_copia_revisar(origen=origen, anio_destino=anio_destino)
    destino, _ = Ejercicio.objects.get_or_create(
        anio=anio_destino,
        defaults={
            "verde_min": origen.verde_min,
            "verde_max": origen.verde_max,
            "amarillo_min": origen.amarillo_min,
            "amarillo_max": origen.amarillo_max,
        },
    )
    # The destination may already hold líneas del PMD (a new plan loaded first): keep them.
    existentes = {linea.codigo: linea for linea in LineaPMD.objects.filter(ejercicio=destino)}
    lineas = {}
    for linea in LineaPMD.objects.filter(ejercicio=origen):
        lineas[linea.pk] = existentes.get(linea.codigo) or LineaPMD.objects.create(
            ejercicio=destino, codigo=linea.codigo, nombre=linea.nombre
        )
    programas: dict[int, Programa] = {}
    unidades: dict[int, UnidadEjecutora] = {}
    for ramo in Ramo.objects.filter(ejercicio=origen):
        nuevo_ramo = Ramo.objects.create(
            ejercicio=destino, clave=ramo.clave, nombre=ramo.nombre,
            responsable_nombre=ramo.responsable_nombre, responsable_cargo=ramo.responsable_cargo,
        )  # fmt: skip
        for programa in ramo.programas.all():
            copia = Programa.objects.create(
                ramo=nuevo_ramo, clave=programa.clave, nombre=programa.nombre,
                finalidad=programa.finalidad, funcion=programa.funcion,
                subfuncion=programa.subfuncion, eje=programa.eje,
                responsable_nombre=programa.responsable_nombre,
                responsable_cargo=programa.responsable_cargo,
            )  # fmt: skip
            programas[programa.pk] = copia
            for capitulo in programa.presupuesto.all():
                Presupuesto.objects.create(
                    programa=copia, capitulo=capitulo.capitulo,
                    descripcion=capitulo.descripcion, autorizado=capitulo.autorizado,
                )  # fmt: skip
        for unidad in ramo.unidades.all():
            unidades[unidad.pk] = UnidadEjecutora.objects.create(
                ramo=nuevo_ramo, clave=unidad.clave, nombre=unidad.nombre,
                responsable_nombre=unidad.responsable_nombre,
                responsable_cargo=unidad.responsable_cargo,
            )  # fmt: skip
    metas = list(Meta.objects.filter(unidad__ramo__ejercicio=origen).prefetch_related("lineas_pmd"))
    calendarios = programados_por_meta([m.pk for m in metas])
    copias_de_metas: dict[int, Meta] = {}
    for meta in metas:
        copia = Meta(
            programa=programas[meta.programa_id], unidad=unidades[meta.unidad_id],
            clave=meta.clave, grupo=meta.grupo, descripcion=meta.descripcion,
            unidad_medida=meta.unidad_medida, meta_anual=meta.meta_anual, mes_inicio=1,
            tipo_acumulacion=meta.tipo_acumulacion, sentido=meta.sentido,
            nivel_mir=meta.nivel_mir, orden=meta.orden,
        )  # fmt: skip
        copia._history_user = usuario
        copia.save()
        copias_de_metas[meta.pk] = copia
        copia.lineas_pmd.set([lineas[linea.pk] for linea in meta.lineas_pmd.all()])
        valores = list(calendarios[meta.pk])
        if meta.mes_inicio > 1:
            # A re-issued meta starts the new year whole: its months before the re-issue held
            # the old POA, so the meta in force is spread over the months it had from then.
            for mes in range(1, meta.mes_inicio):
                valores[mes - 1] = CERO
        with escritura_verificada():  # a brand-new ejercicio has no signed quarter
            for mes, valor in enumerate(valores, start=1):
                programado = Programado(meta=copia, mes=mes, valor=valor)
                programado._history_user = usuario
                programado.save()
    copiar_mir(origen, programas=programas, unidades=unidades, metas=copias_de_metas)
    return destino


def copiar_mir(origen: Ejercicio, *, programas: dict, unidades: dict, metas: dict) -> None:
    """Copy every programa's MIR: objectives, indicators, variables and their programados.

    The realized values and justificaciones stay with the old year, like the metas' avances.
    """
    objetivos = {}
    fuente = ObjetivoMIR.objects.filter(programa__ramo__ejercicio=origen).order_by("nivel", "id")
    # Componentes (and Fin, Propósito) before the actividades that point to them.
    for objetivo in sorted(fuente, key=lambda o: o.componente_id is not None):
        objetivos[objetivo.pk] = ObjetivoMIR.objects.create(
            programa=programas[objetivo.programa_id], nivel=objetivo.nivel, clave=objetivo.clave,
            componente=objetivos.get(objetivo.componente_id),
            resumen_narrativo=objetivo.resumen_narrativo,
            medios_verificacion=objetivo.medios_verificacion, supuestos=objetivo.supuestos,
            orden=objetivo.orden,
        )  # fmt: skip
    indicadores = Indicador.objects.filter(programa__ramo__ejercicio=origen).prefetch_related(
        "variables__programados"
    )
    campos = [f.name for f in Indicador._meta.concrete_fields if f.name not in CAMPOS_PROPIOS]
    for indicador in indicadores:
        copia = Indicador.objects.create(
            programa=programas[indicador.programa_id], objetivo=objetivos[indicador.objetivo_id],
            unidad=unidades[indicador.unidad_id], **{c: getattr(indicador, c) for c in campos},
        )  # fmt: skip
        for variable in indicador.variables.all():
            nueva = Variable.objects.create(
                indicador=copia, simbolo=variable.simbolo, nombre=variable.nombre,
                unidad_medida=variable.unidad_medida, comportamiento=variable.comportamiento,
                fuente=variable.fuente, meta=metas.get(variable.meta_id),
            )  # fmt: skip
            ProgramadoVariable.objects.bulk_create(
                ProgramadoVariable(variable=nueva, periodo=p.periodo, valor=p.valor)
                for p in variable.programados.all()
            )


CAMPOS_PROPIOS = {"id", "programa", "objetivo", "unidad"}
