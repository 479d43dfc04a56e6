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
from programas import responsables
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

    @property
    def regla(self) -> str:
        """Whose name goes on paper, in words (shown by the signature boxes)."""
        return REGLA_NOMBRE


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
    pares: Iterable[tuple[int, int]], trimestre: int, *, vigencias: dict | None = None
) -> dict[tuple[int, int], Firmas]:
    """`firmantes` for many (programa_id, unidad_id) pairs of one quarter in five queries
    (programas, unidades, their responsables' vigencias, firmas, eventos); four when the
    caller passes `vigencias` (`programas.responsables.filas_por_puesto` of those posts)."""
    pares = set(pares)
    if not pares:
        return {}
    programas = {
        p["id"]: p
        for p in Programa.objects.filter(pk__in={p for p, _ in pares}).values(
            "id",
            "ramo_id",
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
    registrados = _registrados(programas, unidades, trimestre, vigencias)
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
        if programa is None or unidad_id not in unidades:
            continue
        en_oficio = {
            Accion.ENVIAR: registrados[("unidad", unidad_id)],
            Accion.REVISAR: registrados[("programa", programa_id)],
            Accion.AUTORIZAR: registrados[("ramo", programa["ramo_id"])],
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
                nombre, cargo = en_oficio[accion]
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


def _registrados(programas: dict, unidades: dict, trimestre: int, filas: dict | None) -> dict:
    """(nivel, id) → (nombre, cargo) of the responsable in office at the end of the quarter
    (programas.responsables); one query unless the caller loaded the rows."""
    if filas is None:
        filas = responsables.filas_por_puesto(
            ramos={p["ramo_id"] for p in programas.values()},
            programas=programas.keys(),
            unidades=unidades.keys(),
        )
    mes = responsables.mes_de_cierre(trimestre)
    registrados = {}
    for p in programas.values():
        for nivel, pk, prefijo in (("programa", p["id"], ""), ("ramo", p["ramo_id"], "ramo__")):
            actual = (p[f"{prefijo}responsable_nombre"], p[f"{prefijo}responsable_cargo"])
            registrados[(nivel, pk)] = responsables.vigente(
                responsables.periodos(filas.get((nivel, pk), []), actual), mes
            )
    for u in unidades.values():
        actual = (u["responsable_nombre"], u["responsable_cargo"])
        registrados[("unidad", u["id"])] = responsables.vigente(
            responsables.periodos(filas.get(("unidad", u["id"]), []), actual), mes
        )
    return registrados


REGLA_NOMBRE = (
    "En cada caja se imprime el responsable del catálogo que ocupa el puesto al cierre del "
    "trimestre (Planeación › Responsables); si el puesto no tiene responsable, el nombre de "
    "quien firma. Al firmar, ese nombre y cargo quedan fijos en el reporte."
)

_NIVEL_DE_ACCION = {Accion.ENVIAR: "unidad", Accion.REVISAR: "programa", Accion.AUTORIZAR: "ramo"}


def nombre_y_cargo(
    usuario, accion: str, *, programa, unidad, trimestre: int | None = None
) -> tuple[str, str]:
    """The name and cargo a step records (REGLA_NOMBRE), so the box shows before signing the
    name that goes on paper: the responsable in office at the end of `trimestre` (None: the
    holder today) when the post has one, else the signer's own name. Cargo: the catalog's
    for a catalog name, else the signer's Asignacion cargo, else the catalog's."""
    registrado = ("", "")
    nivel = _NIVEL_DE_ACCION.get(accion)
    if nivel:
        puesto = {"unidad": unidad, "programa": programa, "ramo": programa.ramo}[nivel]
        lista = responsables.periodos_de(puesto)
        registrado = (
            responsables.vigente(lista, responsables.mes_de_cierre(trimestre))
            if trimestre
            else ((lista[-1].nombre, lista[-1].cargo) if lista else ("", ""))
        )
    if registrado[0].strip():
        if registrado[1].strip():
            return registrado[0].strip(), registrado[1].strip()
        return registrado[0].strip(), _cargo_asignado(usuario, accion, programa, unidad)
    nombre = (usuario.get_full_name() or usuario.get_username()).strip()
    return nombre, _cargo_asignado(usuario, accion, programa, unidad) or registrado[1]


def _cargo_asignado(usuario, accion: str, programa, unidad) -> str:
    """The cargo of the signer's Asignacion for this step ('' if none)."""
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
    return cargo or ""
