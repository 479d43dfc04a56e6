"""The one scoping mechanism: what part of the POA a user may see and do.

Another unidad's object answers 404 (no information leak); the right object with an
insufficient role answers 403 (STYLE.md §5). Every view, download and admin page uses these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from programas.models import Asignacion, Meta, Programa, Ramo, UnidadEjecutora

Rol = Asignacion.Rol


@dataclass(frozen=True)
class Alcance:
    """Ids a user is assigned to, per role; `planeacion` sees and manages everything."""

    planeacion: bool = False
    capturista: frozenset[int] = field(default_factory=frozenset)  # unidad ids
    responsable_unidad: frozenset[int] = field(default_factory=frozenset)  # unidad ids
    responsable_programa: frozenset[int] = field(default_factory=frozenset)  # programa ids
    responsable_ramo: frozenset[int] = field(default_factory=frozenset)  # ramo ids
    consulta_unidad: frozenset[int] = field(default_factory=frozenset)
    consulta_programa: frozenset[int] = field(default_factory=frozenset)
    consulta_ramo: frozenset[int] = field(default_factory=frozenset)

    @property
    def unidades(self) -> frozenset[int]:
        return self.capturista | self.responsable_unidad | self.consulta_unidad

    @property
    def programas(self) -> frozenset[int]:
        return self.responsable_programa | self.consulta_programa

    @property
    def ramos(self) -> frozenset[int]:
        return self.responsable_ramo | self.consulta_ramo

    @property
    def vacio(self) -> bool:
        return not (self.planeacion or self.unidades or self.programas or self.ramos)

    def q_metas(self, prefijo: str = "") -> Q:
        """Filter for metas (or rows reaching a meta through `prefijo`) inside this scope."""
        if self.planeacion:
            return Q()
        return (
            Q(**{f"{prefijo}unidad__in": self.unidades})
            | Q(**{f"{prefijo}programa__in": self.programas})
            | Q(**{f"{prefijo}programa__ramo__in": self.ramos})
        )

    def q_unidades(self) -> Q:
        """Filter for unidades with at least one meta in scope (or assigned directly).

        Only the terms the user has are added, and the one through metas is an EXISTS
        subquery: no join, so the querysets need no DISTINCT (one indexed lookup for a
        capturista, the common case on every grid request).
        """
        if self.planeacion:
            return Q()
        q = _cualquiera(pk__in=self.unidades, ramo__in=self.ramos)
        if self.programas:
            q |= Q(Exists(Meta.objects.filter(unidad=OuterRef("pk"), programa__in=self.programas)))
        return q

    def q_programas(self) -> Q:
        if self.planeacion:
            return Q()
        q = _cualquiera(pk__in=self.programas, ramo__in=self.ramos)
        if self.unidades:
            q |= Q(Exists(Meta.objects.filter(programa=OuterRef("pk"), unidad__in=self.unidades)))
        return q

    def q_ramos(self) -> Q:
        if self.planeacion:
            return Q()
        q = _cualquiera(pk__in=self.ramos)
        if self.programas:
            q |= Q(Exists(Programa.objects.filter(ramo=OuterRef("pk"), pk__in=self.programas)))
        if self.unidades:
            q |= Q(
                Exists(UnidadEjecutora.objects.filter(ramo=OuterRef("pk"), pk__in=self.unidades))
            )
        return q


def _cualquiera(**terminos) -> Q:
    """OR of the `campo__in=ids` terms whose ids are not empty; matches nothing if none is."""
    q = Q(pk__in=[])
    for campo, ids in terminos.items():
        if ids:
            q |= Q(**{campo: ids})
    return q


def alcance_de(user) -> Alcance:
    """Return the user's scope, computed once per user object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return Alcance()
    cached = getattr(user, "_poa_alcance", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        result = Alcance(planeacion=True)
    else:
        buckets: dict[str, set[int]] = {name: set() for name in Alcance.__dataclass_fields__}
        planeacion = False
        for rol, ramo_id, programa_id, unidad_id in Asignacion.objects.filter(
            usuario=user
        ).values_list("rol", "ramo_id", "programa_id", "unidad_id"):
            if rol == Rol.PLANEACION:
                planeacion = True
            elif rol == Rol.CAPTURISTA:
                buckets["capturista"].add(unidad_id)
            elif rol == Rol.RESPONSABLE_UNIDAD:
                buckets["responsable_unidad"].add(unidad_id)
            elif rol == Rol.RESPONSABLE_PROGRAMA:
                buckets["responsable_programa"].add(programa_id)
            elif rol == Rol.RESPONSABLE_RAMO:
                buckets["responsable_ramo"].add(ramo_id)
            elif rol == Rol.CONSULTA:
                if unidad_id:
                    buckets["consulta_unidad"].add(unidad_id)
                elif programa_id:
                    buckets["consulta_programa"].add(programa_id)
                elif ramo_id:
                    buckets["consulta_ramo"].add(ramo_id)
        buckets.pop("planeacion")
        result = Alcance(planeacion=planeacion, **{k: frozenset(v) for k, v in buckets.items()})
    user._poa_alcance = result
    return result


def es_planeacion(user) -> bool:
    return alcance_de(user).planeacion


def metas_visibles(user) -> QuerySet[Meta]:
    return Meta.objects.filter(alcance_de(user).q_metas())


def unidades_visibles(user) -> QuerySet[UnidadEjecutora]:
    return UnidadEjecutora.objects.filter(alcance_de(user).q_unidades())


def programas_visibles(user) -> QuerySet[Programa]:
    return Programa.objects.filter(alcance_de(user).q_programas())


def ramos_visibles(user) -> QuerySet[Ramo]:
    return Ramo.objects.filter(alcance_de(user).q_ramos())


def puede_capturar(user, unidad_id: int) -> bool:
    """Capture R and observaciones: the unidad's capturistas / enlaces only."""
    return unidad_id in alcance_de(user).capturista


def get_unidad_para_usuario(user, pk) -> UnidadEjecutora:
    """Return a unidad in the user's scope or raise 404 (never reveal that it exists)."""
    try:
        return unidades_visibles(user).select_related("ramo__ejercicio").get(pk=pk)
    except (UnidadEjecutora.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No existe o no está en su ámbito.") from exc


def get_programa_para_usuario(user, pk) -> Programa:
    try:
        return programas_visibles(user).select_related("ramo__ejercicio").get(pk=pk)
    except (Programa.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No existe o no está en su ámbito.") from exc


def get_ramo_para_usuario(user, pk) -> Ramo:
    try:
        return ramos_visibles(user).select_related("ejercicio").get(pk=pk)
    except (Ramo.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No existe o no está en su ámbito.") from exc


def get_meta_para_usuario(user, pk) -> Meta:
    try:
        return metas_visibles(user).select_related("programa__ramo__ejercicio", "unidad").get(pk=pk)
    except (Meta.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No existe o no está en su ámbito.") from exc


def exigir_planeacion(user) -> None:
    """Raise 403 unless the user is Planeación (or a superuser)."""
    if not es_planeacion(user):
        raise PermissionDenied("Solo Planeación puede realizar esta acción.")
