"""Responsables with a vigencia: who held each post (ramo, programa, unidad) in a month.

One rule for every reader (reports, sign-off boxes, plantilla, screens):
- a post's periods are its `Responsable` rows ordered by `desde`; the post's own
  `responsable_nombre` / `responsable_cargo` are the holder today, so they fill the
  latest period (writers keep that row equal to them);
- a post without rows has one period: its own fields from January;
- the holder in month m is the period with the greatest `desde` <= m (none: blank).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from programas.models import Programa, Ramo, Responsable, UnidadEjecutora

NIVELES = ("ramo", "programa", "unidad")
PLURALES = {"ramo": "ramos", "programa": "programas", "unidad": "unidades"}
MODELOS = {"ramo": Ramo, "programa": Programa, "unidad": UnidadEjecutora}


@dataclass(frozen=True)
class Periodo:
    desde: int
    nombre: str
    cargo: str


def periodos(filas: Iterable[Periodo], actual: tuple[str, str]) -> list[Periodo]:
    """The post's periods from its rows and its own fields (the holder today)."""
    filas = sorted(filas, key=lambda p: p.desde)
    nombre, cargo = actual
    if not filas:
        return [Periodo(1, nombre or "", cargo or "")] if (nombre or cargo) else []
    return [*filas[:-1], Periodo(filas[-1].desde, nombre or "", cargo or "")]


def vigente(lista: list[Periodo], mes: int) -> tuple[str, str]:
    """Name and cargo of the holder in month `mes` (the greatest `desde` <= mes)."""
    elegido = ("", "")
    for periodo in sorted(lista, key=lambda p: p.desde):
        if periodo.desde <= mes:
            elegido = (periodo.nombre, periodo.cargo)
    return elegido


def mes_de_cierre(trimestre: int) -> int:
    """The last month of quarter `trimestre` (the signers are those in office then)."""
    return 3 * trimestre


def filas_por_puesto(
    *, ramos: Iterable[int] = (), programas: Iterable[int] = (), unidades: Iterable[int] = ()
) -> dict[tuple[str, int], list[Periodo]]:
    """The `Responsable` rows of these posts, keyed (nivel, id); one query."""
    ids = {"ramo": set(ramos), "programa": set(programas), "unidad": set(unidades)}
    filtro = Q()
    for nivel, valores in ids.items():
        if valores:
            filtro |= Q(**{f"{nivel}_id__in": valores})
    resultado: dict[tuple[str, int], list[Periodo]] = defaultdict(list)
    if not filtro:
        return resultado
    for fila in Responsable.objects.filter(filtro).values(
        "ramo_id", "programa_id", "unidad_id", "desde", "nombre", "cargo"
    ):
        nivel = next(n for n in NIVELES if fila[f"{n}_id"] is not None)
        resultado[(nivel, fila[f"{nivel}_id"])].append(
            Periodo(fila["desde"], fila["nombre"], fila["cargo"])
        )
    return resultado


def periodos_de(objeto) -> list[Periodo]:
    """All periods of one post (a Ramo, Programa or UnidadEjecutora instance)."""
    nivel = nivel_de(objeto)
    filas = filas_por_puesto(**{PLURALES[nivel]: [objeto.pk]})
    return periodos(
        filas.get((nivel, objeto.pk), []), (objeto.responsable_nombre, objeto.responsable_cargo)
    )


def nivel_de(objeto) -> str:
    for nivel, modelo in MODELOS.items():
        if isinstance(objeto, modelo):
            return nivel
    raise TypeError(f"{objeto!r} no es un puesto con responsable")


def guardar_periodos(objeto, lista: list[Periodo]) -> bool:
    """Replace the post's periods (sorted, unique `desde`); its own fields become the latest.

    Returns whether anything changed. The caller holds the transaction and validated the
    months (1..12, unique)."""
    nivel = nivel_de(objeto)
    lista = sorted(lista, key=lambda p: p.desde)
    if periodos_de(objeto) == lista:
        return False
    Responsable.objects.filter(**{nivel: objeto}).delete()
    Responsable.objects.bulk_create(
        [Responsable(**{nivel: objeto}, desde=p.desde, nombre=p.nombre, cargo=p.cargo)
         for p in lista]
    )  # fmt: skip
    actual = (lista[-1].nombre, lista[-1].cargo) if lista else ("", "")
    if (objeto.responsable_nombre, objeto.responsable_cargo) != actual:
        objeto.responsable_nombre, objeto.responsable_cargo = actual
        objeto.save(update_fields=["responsable_nombre", "responsable_cargo"])
    return True
