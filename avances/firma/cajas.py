"""Signature boxes of a report (Elaboró / Revisó / Autorizó) and the signer's name and cargo.

The PDF footer, the panel and `/verificar/` all read the boxes from here, so they show the
same names as the workflow recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from avances.firma.reglas import Accion, Estado, Rol
from avances.models import EventoFirma, TrimestreFirma
from programas.models import Asignacion, Programa, UnidadEjecutora


@dataclass(frozen=True)
class Firmante:
    """One signature box of a report."""

    rol: str  # ELABORÓ / REVISÓ / AUTORIZÓ
    titulo: str  # RESPONSABLE DE LA UNIDAD EJECUTORA …
    nombre: str
    cargo: str
    fecha: datetime | None = None  # None: not signed (the name is the responsable on record)


@dataclass(frozen=True)
class Firmas:
    """A report's sign-off state for its footer: boxes, state and verification code."""

    estado: str
    firmantes: list[Firmante] = field(default_factory=list)
    codigo_verificacion: str = ""  # only while AUTORIZADO

    @property
    def autorizado(self) -> bool:
        return self.estado == Estado.AUTORIZADO


CAJAS = (
    (Accion.ENVIAR, "ELABORÓ", "RESPONSABLE DE LA UNIDAD EJECUTORA"),
    (Accion.REVISAR, "REVISÓ", "RESPONSABLE DEL PROGRAMA"),
    (Accion.AUTORIZAR, "AUTORIZÓ", "RESPONSABLE DEL RAMO"),
)


def firmantes(programa, unidad, trimestre: int) -> Firmas:
    """Elaboró / Revisó / Autorizó of one report: who signed (name, cargo, date) or, for a
    step not yet signed in the current cycle, the responsable on record without a date."""
    programa_id = getattr(programa, "pk", programa)
    unidad_id = getattr(unidad, "pk", unidad)
    return firmantes_por_par([(programa_id, unidad_id)], trimestre)[(programa_id, unidad_id)]


def firmantes_por_par(
    pares: Iterable[tuple[int, int]], trimestre: int
) -> dict[tuple[int, int], Firmas]:
    """`firmantes` for many (programa_id, unidad_id) pairs of one quarter in three queries."""
    pares = set(pares)
    if not pares:
        return {}
    programas = {
        p["id"]: p
        for p in Programa.objects.filter(pk__in={p for p, _ in pares}).values(
            "id",
            "responsable_nombre",
            "responsable_cargo",
            "ramo__responsable_nombre",
            "ramo__responsable_cargo",
        )
    }
    unidades = {
        u["id"]: u
        for u in UnidadEjecutora.objects.filter(pk__in={u for _, u in pares}).values(
            "id", "responsable_nombre", "responsable_cargo"
        )
    }
    firmas = {
        (f["programa_id"], f["unidad_id"]): f
        for f in TrimestreFirma.objects.filter(
            programa_id__in=programas, unidad_id__in=unidades, trimestre=trimestre
        ).values("id", "programa_id", "unidad_id", "estado", "codigo_verificacion")
    }
    eventos: dict[int, list] = defaultdict(list)
    for e in (
        EventoFirma.objects.filter(firma_id__in=[f["id"] for f in firmas.values()])
        .order_by("fecha", "id")
        .values("firma_id", "accion", "nombre", "cargo", "fecha")
    ):
        eventos[e["firma_id"]].append(e)
    resultado = {}
    for programa_id, unidad_id in pares:
        programa = programas.get(programa_id)
        unidad = unidades.get(unidad_id)
        if programa is None or unidad is None:
            continue
        registrados = {
            Accion.ENVIAR: (unidad["responsable_nombre"], unidad["responsable_cargo"]),
            Accion.REVISAR: (programa["responsable_nombre"], programa["responsable_cargo"]),
            Accion.AUTORIZAR: (
                programa["ramo__responsable_nombre"],
                programa["ramo__responsable_cargo"],
            ),
        }
        firma = firmas.get((programa_id, unidad_id))
        vigentes: dict = {}
        for e in eventos[firma["id"]] if firma else ():
            if e["accion"] in (Accion.DEVOLVER, Accion.REABRIR):
                vigentes = {}
            else:
                vigentes[e["accion"]] = e
        cajas = []
        for accion, rol, titulo in CAJAS:
            e = vigentes.get(accion)
            if e:
                cajas.append(Firmante(rol, titulo, e["nombre"], e["cargo"], e["fecha"]))
            else:
                nombre, cargo = registrados[accion]
                cajas.append(Firmante(rol, titulo, nombre or "", cargo or ""))
        estado = firma["estado"] if firma else Estado.BORRADOR
        resultado[(programa_id, unidad_id)] = Firmas(
            estado=estado,
            firmantes=cajas,
            codigo_verificacion=(
                firma["codigo_verificacion"] if estado == Estado.AUTORIZADO else ""
            ),
        )
    return resultado


def nombre_y_cargo(usuario, accion: str, *, programa, unidad) -> tuple[str, str]:
    """The signer's full name and cargo now: the Asignacion's cargo, else the one on record."""
    nombre = (usuario.get_full_name() or usuario.get_username()).strip()
    filtros = {
        Accion.ENVIAR: Q(rol=Rol.RESPONSABLE_UNIDAD, unidad=unidad),
        Accion.REVISAR: Q(rol=Rol.RESPONSABLE_PROGRAMA, programa=programa),
        Accion.AUTORIZAR: Q(rol=Rol.RESPONSABLE_RAMO, ramo_id=programa.ramo_id),
        Accion.REABRIR: Q(rol=Rol.PLANEACION),
    }
    if accion == Accion.DEVOLVER:
        filtro = Q(rol=Rol.RESPONSABLE_PROGRAMA, programa=programa) | Q(
            rol=Rol.RESPONSABLE_RAMO, ramo_id=programa.ramo_id
        )
    else:
        filtro = filtros[accion]
    cargo = (
        Asignacion.objects.filter(filtro, usuario=usuario)
        .exclude(cargo="")
        .values_list("cargo", flat=True)
        .first()
    )
    if not cargo:
        cargo = {
            Accion.ENVIAR: unidad.responsable_cargo,
            Accion.REVISAR: programa.responsable_cargo,
            Accion.AUTORIZAR: programa.ramo.responsable_cargo,
        }.get(accion, "")
    return nombre, cargo or ""
