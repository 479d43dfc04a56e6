"""Planning writes of metas: calendarización, edit, reprogramación and re-issue.

Catalogs of the structure are in planeacion.catalogos and the year copy in planeacion.copia.

Every write validates first, runs in one transaction, checks the lock of authorized quarters
(avances.bloqueo) and saves tracked models one by one so django-simple-history records them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from avances.bloqueo import (
    cambios_de_vigencia,
    escritura_verificada,
    exigir_entrada_permitida,
    exigir_meses_abiertos,
    exigir_vigencia_intacta,
    trimestres_autorizados,
)
from avances.calendario import meses_cerrados
from avances.insumos import cambios_por_meta, programados_por_meta
from programas.models import (
    NOMBRES_MES,
    Meta,
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


def _planes_reexpedicion(
    metas: list[Meta],
    *,
    mes_desde: int,
    nuevos: Mapping[int, tuple[Decimal, Mapping[int, Decimal]]],
    anteriores: Mapping[int, list[Decimal]],
) -> list[tuple[Meta, Decimal, list[Decimal], list[Decimal]]]:
    """(meta, new meta anual, old months, new months) of each meta, every calendar validated.

    Months from `mes_desde` on take the new values (0 when left out); the errors of all the
    metas are raised together, one line per meta.
    """
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
    return planes


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
    registros = []
    for meta, meta_anual, anterior, nuevo in _planes_reexpedicion(
        metas, mes_desde=mes_desde, nuevos=nuevos, anteriores=anteriores
    ):
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
    par_previo = None if nueva else (meta.programa_id, meta.unidad_id)
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
    if par_previo != (programa.pk, unidad.pk):
        # A new or moved meta may only start after the pair's last authorized quarter.
        accion = "crear la meta" if nueva else "trasladar la meta"
        exigir_entrada_permitida(meta=meta, cambios=anterior[2], accion=accion, usuario=usuario)
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
