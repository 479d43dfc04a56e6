"""Catalogs of the structure: ramos, programas (with budget), unidades, líneas PMD, responsables.

Every write validates first and runs in one transaction; tracked models are saved one by one
so django-simple-history records who changed them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from programas import mir, responsables
from programas.models import (
    NOMBRES_MES,
    Ejercicio,
    LineaPMD,
    ObjetivoMIR,
    Presupuesto,
    Programa,
    Ramo,
    UnidadEjecutora,
)

CERO = Decimal(0)

CAMPOS_RESPONSABLE = ("responsable_nombre", "responsable_cargo")
CAMPOS_PROGRAMA = (
    "clave", "nombre", "finalidad", "funcion", "subfuncion", "eje", *CAMPOS_RESPONSABLE,
)  # fmt: skip
# The FIN and PROPÓSITO texts of the form are the programa's first two MIR objectives.
CAMPOS_MIR = {"fin": ObjetivoMIR.Nivel.FIN, "proposito": ObjetivoMIR.Nivel.PROPOSITO}
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
    textos_mir = {c: datos[c] for c in CAMPOS_MIR if c in datos}
    _asignar(programa, {k: v for k, v in datos.items() if k not in CAMPOS_MIR}, CAMPOS_PROGRAMA)
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
    for campo, texto in textos_mir.items():
        mir.fijar_objetivo_unico(programa, CAMPOS_MIR[campo], texto)
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


ETIQUETAS_PUESTO = {"ramo": "Ramo", "programa": "Programa", "unidad": "Unidad"}


@transaction.atomic
def responsables_guardar(
    *,
    ejercicio: Ejercicio,
    cambios: Mapping[tuple[str, int], tuple[str, str]],
    usuario,
    vigencias: Mapping[tuple[str, int], Iterable[tuple[int, str, str]]] | None = None,
) -> int:
    """Set the responsables of ramos, programas and unidades of one ejercicio.

    `cambios` maps ("ramo" | "programa" | "unidad", pk) to (nombre, cargo) of the holder
    today (the latest period). `vigencias` maps a post to all its periods as (desde, nombre,
    cargo): who holds it from which month (programas.responsables); a period with neither
    name nor cargo is removed. Signed reports keep the names they were signed with (their
    snapshot), so this never touches a signed quarter. Return how many posts changed.
    """
    vigencias = vigencias or {}
    llaves = {*cambios, *vigencias}
    desconocidos = sorted({tipo for tipo, _ in llaves} - set(RESPONSABLES))
    if desconocidos:
        raise ValidationError(f"Tipo de responsable desconocido: {', '.join(desconocidos)}.")
    cambiados = 0
    for tipo, (modelo, camino) in RESPONSABLES.items():
        ids = {pk for t, pk in llaves if t == tipo}
        if not ids:
            continue
        objetos = modelo.objects.select_for_update().filter(pk__in=ids, **{camino: ejercicio})
        encontrados = {o.pk: o for o in objetos}
        if len(encontrados) != len(ids):
            raise ValidationError(
                f"Hay {modelo._meta.verbose_name_plural} que no son del ejercicio {ejercicio}."
            )
        filas = responsables.filas_por_puesto(**{responsables.PLURALES[tipo]: ids})
        for pk, objeto in encontrados.items():
            antes = responsables.periodos(
                filas.get((tipo, pk), []), (objeto.responsable_nombre, objeto.responsable_cargo)
            )
            if (tipo, pk) in vigencias:
                lista = _periodos_validos(tipo, objeto, vigencias[(tipo, pk)])
            else:
                nombre, cargo = (" ".join((v or "").split()) for v in cambios[(tipo, pk)])
                ultimo = antes[-1].desde if antes else 1
                lista = [*antes[:-1], responsables.Periodo(ultimo, nombre, cargo)]
                lista = [p for p in lista if p.nombre or p.cargo]
            if lista == antes:
                continue
            if any(len(p.nombre) > 200 or len(p.cargo) > 200 for p in lista):
                raise ValidationError(
                    f"{ETIQUETAS_PUESTO[tipo]} {objeto.clave}: el nombre y el cargo admiten "
                    "hasta 200 caracteres."
                )
            responsables.guardar_periodos(objeto, lista)
            cambiados += 1
    return cambiados


def _periodos_validos(tipo: str, objeto, periodos: Iterable[tuple[int, str, str]]) -> list:
    """The periods sorted by month, blank ones dropped; ValidationError (in Spanish) for a
    month outside 1..12 or repeated."""
    etiqueta = ETIQUETAS_PUESTO[tipo]
    lista, vistos = [], set()
    for desde, nombre, cargo in periodos:
        nombre, cargo = " ".join((nombre or "").split()), " ".join((cargo or "").split())
        if not (nombre or cargo):
            continue
        if not isinstance(desde, int) or not 1 <= desde <= 12:
            raise ValidationError(
                f"{etiqueta} {objeto.clave}: «{desde}» no es un mes; use de 1 (enero) a 12."
            )
        if desde in vistos:
            raise ValidationError(
                f"{etiqueta} {objeto.clave}: hay dos personas desde "
                f"{NOMBRES_MES[desde - 1].lower()}; deje una por mes."
            )
        vistos.add(desde)
        lista.append(responsables.Periodo(desde, nombre, cargo))
    return sorted(lista, key=lambda p: p.desde)
