"""Planning writes: metas with their calendarización, reprogramación, re-issue and year copy.

Every write validates first, runs in one transaction, checks the lock of authorized quarters
(avances.bloqueo) and saves tracked models one by one so django-simple-history records them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from avances.bloqueo import (
    cambios_de_vigencia,
    escritura_verificada,
    exigir_meses_abiertos,
    exigir_vigencia_intacta,
    trimestres_autorizados,
)
from avances.calendario import meses_cerrados
from avances.insumos import cambios_por_meta, programados_por_meta
from programas.models import (
    NOMBRES_MES,
    Ejercicio,
    LineaPMD,
    Meta,
    Presupuesto,
    Programa,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
)
from programas.numeros import formatear_numero

CERO = Decimal(0)


def validar_calendario(
    *, meta_anual: Decimal, programados: list[Decimal], mes_inicio: int, tipo: str
) -> None:
    """Refuse negative months and a SUMA meta whose months in force don't add up."""
    if len(programados) != 12:
        raise ValidationError("La calendarización debe tener los doce meses.")
    if meta_anual < 0 or any(v < 0 for v in programados):
        raise ValidationError("La meta anual y los valores programados no pueden ser negativos.")
    if tipo == Meta.TipoAcumulacion.SUMA:
        suma = sum(programados[mes_inicio - 1 :], CERO)
        if suma != meta_anual:
            raise ValidationError(
                f"Los meses programados desde el mes {mes_inicio} suman {formatear_numero(suma)} "
                f"y la meta anual es {formatear_numero(meta_anual)}: deben ser iguales en una "
                "meta de tipo SUMA."
            )


def _guardar_programados(
    meta: Meta, programados: list[Decimal], *, meses: Iterable[int], usuario
) -> None:
    """Save the changed months one by one so each gets a history row with its author."""
    actuales = {p.mes: p for p in Programado.objects.filter(meta=meta)}
    for mes in meses:
        valor = programados[mes - 1]
        actual = actuales.get(mes) or Programado(meta=meta, mes=mes, valor=valor)
        if actual.pk is None or actual.valor != valor:
            actual.valor = valor
            actual._history_user = usuario
            actual.save()


def _ejercicio_de_metas(ids: Iterable[int]) -> set[int]:
    return set(
        Meta.objects.filter(pk__in=list(ids))
        .values_list("unidad__ramo__ejercicio_id", flat=True)
        .distinct()
    )


def exigir_desde_mes_abierto(*, ejercicio_id: int, mes_desde: int, que: str) -> None:
    """Refuse a change effective from a month whose capture Planeación already closed.

    Closed months keep their programmed values (DOMAIN §3): a reprogramación or re-issue
    starts after the last closed month.
    """
    cerrados = sorted(m for m in meses_cerrados(ejercicio_id) if m >= mes_desde)
    if not cerrados:
        return
    nombres = ", ".join(NOMBRES_MES[m - 1].lower() for m in cerrados)
    siguiente = cerrados[-1] + 1
    salida = (
        f"{que} desde {NOMBRES_MES[siguiente - 1].lower()} o después"
        if siguiente <= 12
        else "ya no quedan meses abiertos este año"
    )
    if len(cerrados) == 1:
        texto = f"El periodo de captura de {nombres} está cerrado y el mes conserva"
    else:
        texto = f"Los periodos de captura de {nombres} están cerrados y esos meses conservan"
    raise ValidationError(f"{texto} su valor programado: {salida}.")


def primer_mes_reprogramable(meta: Meta) -> int:
    """First month a reprogramación may start from: after closed months and signed quarters."""
    ejercicio_id = Ramo.objects.filter(unidades=meta.unidad_id).values_list(
        "ejercicio_id", flat=True
    )[0]
    ocupados = set(meses_cerrados(ejercicio_id))
    for trimestre in trimestres_autorizados(programa_id=meta.programa_id, unidad_id=meta.unidad_id):
        ocupados.update(range(3 * trimestre - 2, 3 * trimestre + 1))
    desde = max(ocupados, default=0) + 1
    return min(max(desde, meta.mes_inicio), 12)


@transaction.atomic
def meta_reprogramar(
    *,
    meta: Meta,
    meta_anual_nueva: Decimal,
    programado_nuevo: Mapping[int, Decimal],
    mes_desde: int,
    motivo: str,
    usuario,
) -> Reprogramacion:
    """Change meta anual and the months from `mes_desde` on, keeping the original (DOMAIN §3)."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError("Escriba el motivo de la reprogramación.")
    if not 1 <= mes_desde <= 12:
        raise ValidationError("El mes desde el que se reprograma debe estar entre 1 y 12.")
    if any(mes < mes_desde for mes in programado_nuevo):
        raise ValidationError(
            "Solo se reprograman los meses no cerrados: los anteriores conservan su valor."
        )
    meta = Meta.objects.select_for_update().get(pk=meta.pk)
    for ejercicio_id in _ejercicio_de_metas([meta.pk]):
        exigir_desde_mes_abierto(ejercicio_id=ejercicio_id, mes_desde=mes_desde, que="reprograme")
    anterior = programados_por_meta([meta.pk])[meta.pk]
    nuevo = list(anterior)
    for mes, valor in programado_nuevo.items():
        nuevo[mes - 1] = valor
    validar_calendario(
        meta_anual=meta_anual_nueva, programados=nuevo, mes_inicio=meta.mes_inicio,
        tipo=meta.tipo_acumulacion,
    )  # fmt: skip
    cambiados = [mes for mes in range(1, 13) if nuevo[mes - 1] != anterior[mes - 1]]
    accion = "reprogramar la meta"
    exigir_meses_abiertos(meta=meta, meses=cambiados, accion=accion, usuario=usuario)
    cambios = cambios_de_vigencia(meta.pk)
    registro = Reprogramacion(
        meta=meta,
        tipo=Reprogramacion.Tipo.REPROGRAMACION,
        mes_desde=mes_desde,
        meta_anual_anterior=meta.meta_anual,
        meta_anual_nueva=meta_anual_nueva,
        mes_inicio_anterior=meta.mes_inicio,
        mes_inicio_nuevo=meta.mes_inicio,
        programado_anterior=[str(v) for v in anterior],
        programado_nuevo=[str(v) for v in nuevo],
        motivo=motivo,
        usuario=usuario,
    )
    despues = [*cambios, _cambio(registro)]
    exigir_vigencia_intacta(
        meta=meta,
        antes=(meta.meta_anual, meta.mes_inicio, cambios),
        despues=(meta_anual_nueva, meta.mes_inicio, despues),
        accion=accion,
        usuario=usuario,
    )
    with escritura_verificada():
        registro.save()
        if meta.meta_anual_original is None and meta_anual_nueva != meta.meta_anual:
            meta.meta_anual_original = meta.meta_anual
        meta.meta_anual = meta_anual_nueva
        meta._history_user = usuario
        meta.save()
        _guardar_programados(meta, nuevo, meses=cambiados, usuario=usuario)
    return registro


def _cambio(registro: Reprogramacion):
    from programas.formulas import CambioVigencia

    return CambioVigencia(
        registro.mes_desde, registro.meta_anual_anterior, registro.mes_inicio_anterior
    )


@transaction.atomic
def metas_reexpedir(
    *,
    metas: Iterable[Meta],
    mes_desde: int,
    nuevos: Mapping[int, tuple[Decimal, Mapping[int, Decimal]]],
    motivo: str,
    usuario,
) -> list[Reprogramacion]:
    """Re-issue (realineación) a set of metas from `mes_desde`: earlier quarters keep the
    original metas, counted from January (DOMAIN §3)."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError("Escriba el motivo de la reexpedición.")
    if not 2 <= mes_desde <= 12:
        raise ValidationError("La reexpedición empieza entre febrero y diciembre.")
    metas = list(Meta.objects.select_for_update().filter(pk__in=[m.pk for m in metas]))
    if not metas:
        raise ValidationError("No hay metas que reexpedir.")
    faltan = [m.clave for m in metas if m.pk not in nuevos]
    if faltan:
        raise ValidationError(f"Falta la nueva meta de: {', '.join(faltan)}.")
    ids = [m.pk for m in metas]
    for ejercicio_id in _ejercicio_de_metas(ids):
        exigir_desde_mes_abierto(ejercicio_id=ejercicio_id, mes_desde=mes_desde, que="reexpida")
    anteriores = programados_por_meta(ids)
    todos_cambios = cambios_por_meta(ids)
    errores = []
    planes = []
    for meta in metas:
        meta_anual, meses = nuevos[meta.pk]
        anterior = anteriores[meta.pk]
        nuevo = list(anterior)
        for mes in range(mes_desde, 13):
            nuevo[mes - 1] = meses.get(mes, CERO)
        try:
            validar_calendario(
                meta_anual=meta_anual, programados=nuevo, mes_inicio=mes_desde,
                tipo=meta.tipo_acumulacion,
            )  # fmt: skip
        except ValidationError as exc:
            errores.append(f"Meta {meta.clave}: {exc.messages[0]}")
            continue
        planes.append((meta, meta_anual, anterior, nuevo))
    if errores:
        raise ValidationError(errores)
    registros = []
    for meta, meta_anual, anterior, nuevo in planes:
        cambiados = [mes for mes in range(1, 13) if nuevo[mes - 1] != anterior[mes - 1]]
        accion = "reexpedir la meta"
        exigir_meses_abiertos(meta=meta, meses=cambiados, accion=accion, usuario=usuario)
        registro = Reprogramacion(
            meta=meta,
            tipo=Reprogramacion.Tipo.REALINEACION,
            mes_desde=mes_desde,
            meta_anual_anterior=meta.meta_anual,
            meta_anual_nueva=meta_anual,
            mes_inicio_anterior=meta.mes_inicio,
            mes_inicio_nuevo=mes_desde,
            programado_anterior=[str(v) for v in anterior],
            programado_nuevo=[str(v) for v in nuevo],
            motivo=motivo,
            usuario=usuario,
        )
        cambios = todos_cambios.get(meta.pk, [])
        exigir_vigencia_intacta(
            meta=meta,
            antes=(meta.meta_anual, meta.mes_inicio, cambios),
            despues=(meta_anual, mes_desde, [*cambios, _cambio(registro)]),
            accion=accion,
            usuario=usuario,
        )
        with escritura_verificada():
            registro.save()
            if meta.meta_anual_original is None:
                meta.meta_anual_original = meta.meta_anual
            meta.meta_anual = meta_anual
            meta.mes_inicio = mes_desde
            meta._history_user = usuario
            meta.save()
            _guardar_programados(meta, nuevo, meses=cambiados, usuario=usuario)
        registros.append(registro)
    return registros


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
                subfuncion=programa.subfuncion, eje=programa.eje, fin=programa.fin,
                proposito=programa.proposito, responsable_nombre=programa.responsable_nombre,
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
    return destino


# Fields of a meta that `meta_guardar` takes from `datos` (programa, unidad and lineas_pmd too).
CAMPOS_META = (
    "clave", "grupo", "descripcion", "unidad_medida", "meta_anual", "mes_inicio",
    "tipo_acumulacion", "sentido", "nivel_mir", "orden",
)  # fmt: skip


@transaction.atomic
def meta_guardar(
    *,
    meta: Meta | None = None,
    datos: Mapping[str, object],
    programados: list[Decimal],
    usuario,
    programa: Programa | None = None,
    unidad: UnidadEjecutora | None = None,
) -> Meta:
    """Create or edit a meta and its twelve programmed months (Planeación).

    `datos` holds the meta's fields (see CAMPOS_META) and may name `programa`, `unidad` and
    `lineas_pmd`; the explicit `programa` / `unidad` arguments win when given.
    """
    desconocidos = set(datos) - {*CAMPOS_META, "programa", "unidad", "lineas_pmd"}
    if desconocidos:
        raise ValueError(f"Campos desconocidos de la meta: {sorted(desconocidos)}")
    nueva = meta is None
    programa = programa or datos.get("programa") or (None if nueva else meta.programa)
    unidad = unidad or datos.get("unidad") or (None if nueva else meta.unidad)
    if programa is None or unidad is None:
        raise ValidationError("Elija el programa y la unidad ejecutora de la meta.")
    if programa.ramo_id != unidad.ramo_id:
        raise ValidationError("El programa y la unidad deben ser del mismo ramo.")
    if not nueva:
        meta = Meta.objects.select_for_update().get(pk=meta.pk)
    meta = Meta(programa=programa, unidad=unidad) if nueva else meta
    anterior = (meta.meta_anual, meta.mes_inicio, [] if nueva else cambios_de_vigencia(meta.pk))
    previos = [CERO] * 12 if nueva else programados_por_meta([meta.pk])[meta.pk]
    for campo in CAMPOS_META:
        if campo in datos:
            setattr(meta, campo, datos[campo])
    meta.clave = (meta.clave or "").strip()
    if not meta.clave:
        raise ValidationError("Escriba la clave de la meta.")
    if meta.meta_anual is None:
        raise ValidationError("Escriba la meta anual.")
    if not 1 <= int(meta.mes_inicio or 0) <= 12:
        raise ValidationError("El mes de inicio debe estar entre 1 y 12.")
    meta.programa, meta.unidad = programa, unidad
    validar_calendario(
        meta_anual=meta.meta_anual, programados=list(programados), mes_inicio=meta.mes_inicio,
        tipo=meta.tipo_acumulacion,
    )  # fmt: skip
    duplicada = Meta.objects.filter(unidad=unidad, clave=meta.clave).exclude(pk=meta.pk)
    if duplicada.exists():
        raise ValidationError(f"Ya existe la meta {meta.clave} en la unidad {unidad.clave}.")
    lineas = datos.get("lineas_pmd")
    if lineas is not None:
        ajenas = [linea for linea in lineas if linea.ejercicio_id != unidad.ramo.ejercicio_id]
        if ajenas:
            raise ValidationError("Las líneas del PMD deben ser del mismo ejercicio que la meta.")
    cambiados = [m for m in range(1, 13) if programados[m - 1] != previos[m - 1]]
    if not nueva:
        accion = "modificar la meta"
        exigir_meses_abiertos(meta=meta, meses=cambiados, accion=accion, usuario=usuario)
        exigir_vigencia_intacta(
            meta=meta, antes=anterior, despues=(meta.meta_anual, meta.mes_inicio, anterior[2]),
            accion=accion, usuario=usuario,
        )  # fmt: skip
    # An edit goes through the model guard on purpose: besides the vigencia checked above, it
    # refuses moving a meta with an authorized quarter to another programa/unidad/tipo.
    meta._history_user = usuario
    meta.save()
    with escritura_verificada():
        _guardar_programados(
            meta, list(programados), meses=range(1, 13) if nueva else cambiados, usuario=usuario
        )
    if lineas is not None:
        meta.lineas_pmd.set(lineas)
    return meta


# --- Catalogs of the structure -----------------------------------------------------------------

CAMPOS_RESPONSABLE = ("responsable_nombre", "responsable_cargo")
CAMPOS_PROGRAMA = (
    "clave", "nombre", "finalidad", "funcion", "subfuncion", "eje", "fin", "proposito",
    *CAMPOS_RESPONSABLE,
)  # fmt: skip
CAMPOS_PRESUPUESTO = (
    "descripcion", "autorizado", "modificado",
    "devengado_t1", "devengado_t2", "devengado_t3", "devengado_t4",
)  # fmt: skip


def _asignar(objeto, datos: Mapping[str, object], campos: Iterable[str]) -> None:
    desconocidos = set(datos) - set(campos) - {"ramo"}
    if desconocidos:
        raise ValueError(f"Campos desconocidos: {sorted(desconocidos)}")
    for campo in campos:
        if campo in datos:
            valor = datos[campo]
            setattr(objeto, campo, valor.strip() if isinstance(valor, str) else valor)


def _exigir_clave(objeto, campo: str = "clave") -> None:
    if not getattr(objeto, campo):
        raise ValidationError("Escriba la clave." if campo == "clave" else "Escriba el código.")


def _cambiar_ramo(objeto, ramo: Ramo | None, nombre: str) -> None:
    """Set the ramo of a programa/unidad; one with metas cannot leave its ramo or ejercicio."""
    if ramo is None:
        if objeto.pk is None:
            raise ValidationError(f"Elija el ramo {nombre}.")
        return
    if objeto.pk is not None and ramo.pk != objeto.ramo_id:
        if objeto.metas.exists():
            raise ValidationError(
                f"No se puede cambiar de ramo {nombre} que ya tiene metas: sus metas deben ser "
                "del mismo ramo que su programa y su unidad."
            )
        if ramo.ejercicio_id != objeto.ramo.ejercicio_id:
            raise ValidationError("No se puede mover a un ramo de otro ejercicio.")
    objeto.ramo = ramo


@transaction.atomic
def ramo_guardar(
    *, ramo: Ramo | None = None, ejercicio: Ejercicio | None = None, datos: Mapping, usuario
) -> Ramo:
    """Create (in `ejercicio`) or edit a ramo; its clave is unique within the ejercicio."""
    if ramo is None:
        if ejercicio is None:
            raise ValidationError("Elija el ejercicio del ramo.")
        ramo = Ramo(ejercicio=ejercicio)
    _asignar(ramo, datos, ("clave", "nombre", *CAMPOS_RESPONSABLE))
    _exigir_clave(ramo)
    otros = Ramo.objects.filter(ejercicio_id=ramo.ejercicio_id, clave=ramo.clave)
    if otros.exclude(pk=ramo.pk).exists():
        raise ValidationError(f"Ya existe el ramo {ramo.clave} en el ejercicio {ramo.ejercicio}.")
    ramo.full_clean(validate_unique=False, validate_constraints=False)
    ramo.save()
    return ramo


@transaction.atomic
def programa_guardar(
    *,
    programa: Programa | None = None,
    datos: Mapping,
    presupuesto: list[Mapping] | None = None,
    usuario,
) -> Programa:
    """Create or edit a programa and, when given, its budget by capítulo (the full list).

    `presupuesto` rows carry `capitulo` and the amounts of CAMPOS_PRESUPUESTO; capítulos left
    out are deleted. Every row is saved on its own so the history records who changed it.
    """
    programa = programa or Programa()
    _cambiar_ramo(programa, datos.get("ramo"), "de un programa")
    _asignar(programa, datos, CAMPOS_PROGRAMA)
    _exigir_clave(programa)
    otros = Programa.objects.filter(ramo_id=programa.ramo_id, clave=programa.clave)
    if otros.exclude(pk=programa.pk).exists():
        raise ValidationError(
            f"Ya existe el programa {programa.clave} en el ramo {programa.ramo.clave}."
        )
    filas = list(presupuesto or [])
    capitulos = [str(f.get("capitulo") or "").strip() for f in filas]
    if any(not c for c in capitulos):
        raise ValidationError("Cada renglón del presupuesto necesita su capítulo.")
    repetidos = sorted({c for c in capitulos if capitulos.count(c) > 1})
    if repetidos:
        raise ValidationError(f"Capítulo repetido en el presupuesto: {', '.join(repetidos)}.")
    for fila in filas:
        negativos = [c for c in CAMPOS_PRESUPUESTO[1:] if (fila.get(c) or CERO) < 0]
        if negativos:
            raise ValidationError(
                f"El capítulo {fila['capitulo']} tiene importes negativos: no se permiten."
            )
    programa.full_clean(validate_unique=False, validate_constraints=False)
    programa.save()
    if presupuesto is None:
        return programa
    actuales = {p.capitulo: p for p in Presupuesto.objects.filter(programa=programa)}
    for capitulo, fila in zip(capitulos, filas, strict=True):
        renglon = actuales.pop(capitulo, None) or Presupuesto(programa=programa, capitulo=capitulo)
        previo = [getattr(renglon, c) for c in CAMPOS_PRESUPUESTO]
        for campo in CAMPOS_PRESUPUESTO:
            if campo in fila:
                valor = fila[campo]
                if campo == "autorizado" and valor is None:
                    valor = CERO
                setattr(renglon, campo, valor.strip() if isinstance(valor, str) else valor)
        if renglon.pk is None or previo != [getattr(renglon, c) for c in CAMPOS_PRESUPUESTO]:
            renglon._history_user = usuario
            renglon.save()
    for sobrante in actuales.values():
        sobrante._history_user = usuario
        sobrante.delete()
    return programa


@transaction.atomic
def unidad_guardar(
    *, unidad: UnidadEjecutora | None = None, datos: Mapping, usuario
) -> UnidadEjecutora:
    """Create or edit a unidad ejecutora and its responsable; clave unique within the ramo."""
    unidad = unidad or UnidadEjecutora()
    _cambiar_ramo(unidad, datos.get("ramo"), "de una unidad")
    _asignar(unidad, datos, ("clave", "nombre", *CAMPOS_RESPONSABLE))
    _exigir_clave(unidad)
    otras = UnidadEjecutora.objects.filter(ramo_id=unidad.ramo_id, clave=unidad.clave)
    if otras.exclude(pk=unidad.pk).exists():
        raise ValidationError(f"Ya existe la unidad {unidad.clave} en el ramo {unidad.ramo.clave}.")
    unidad.full_clean(validate_unique=False, validate_constraints=False)
    unidad.save()
    return unidad


@transaction.atomic
def linea_pmd_guardar(
    *, linea: LineaPMD | None = None, ejercicio: Ejercicio | None = None, datos: Mapping, usuario
) -> LineaPMD:
    """Create (in `ejercicio`) or edit a línea del PMD; its código is unique per ejercicio."""
    if linea is None:
        if ejercicio is None:
            raise ValidationError("Elija el ejercicio de la línea del PMD.")
        linea = LineaPMD(ejercicio=ejercicio)
    _asignar(linea, datos, ("codigo", "nombre"))
    _exigir_clave(linea, "codigo")
    otras = LineaPMD.objects.filter(ejercicio_id=linea.ejercicio_id, codigo=linea.codigo)
    if otras.exclude(pk=linea.pk).exists():
        raise ValidationError(
            f"Ya existe la línea {linea.codigo} en el ejercicio {linea.ejercicio}."
        )
    linea.full_clean(validate_unique=False, validate_constraints=False)
    linea.save()
    return linea


# Whose responsable each kind of structure row records (Elaboró / Revisó / Autorizó), and how
# to reach its ejercicio.
RESPONSABLES = {
    "ramo": (Ramo, "ejercicio"),
    "programa": (Programa, "ramo__ejercicio"),
    "unidad": (UnidadEjecutora, "ramo__ejercicio"),
}


@transaction.atomic
def responsables_guardar(
    *, ejercicio: Ejercicio, cambios: Mapping[tuple[str, int], tuple[str, str]], usuario
) -> int:
    """Set the responsable (nombre, cargo) of ramos, programas and unidades of one ejercicio.

    `cambios` maps ("ramo" | "programa" | "unidad", pk) to (nombre, cargo). Signed reports keep
    the names they were signed with (their snapshot), so this never touches a signed quarter.
    Return how many rows changed.
    """
    desconocidos = sorted({tipo for tipo, _ in cambios} - set(RESPONSABLES))
    if desconocidos:
        raise ValidationError(f"Tipo de responsable desconocido: {', '.join(desconocidos)}.")
    cambiados = 0
    for tipo, (modelo, camino) in RESPONSABLES.items():
        ids = [pk for t, pk in cambios if t == tipo]
        if not ids:
            continue
        objetos = modelo.objects.select_for_update().filter(pk__in=ids, **{camino: ejercicio})
        encontrados = {o.pk: o for o in objetos}
        if len(encontrados) != len(set(ids)):
            raise ValidationError(
                f"Hay {modelo._meta.verbose_name_plural} que no son del ejercicio {ejercicio}."
            )
        for pk, objeto in encontrados.items():
            nombre, cargo = (" ".join((v or "").split()) for v in cambios[(tipo, pk)])
            if (objeto.responsable_nombre, objeto.responsable_cargo) == (nombre, cargo):
                continue
            objeto.responsable_nombre, objeto.responsable_cargo = nombre, cargo
            objeto.full_clean(validate_unique=False, validate_constraints=False)
            objeto.save(update_fields=["responsable_nombre", "responsable_cargo"])
            cambiados += 1
    return cambiados
