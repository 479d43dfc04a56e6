"""Read API /api/v1/: anonymous clients see authorized quarters only; a token, its scope.

Every list is paginated (100 a page) and runs a constant number of queries: the page, its
count, and for metas one query each for P, R and the authorized quarters of the page.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from avances.models import TrimestreFirma
from programas.models import Ejercicio
from programas.scope import metas_visibles, programas_visibles, ramos_visibles, unidades_visibles
from publico import selectors
from publico.api import filas, filtros, serializers

AUTORIZADO = TrimestreFirma.Estado.AUTORIZADO
CERO = Decimal(0)
NOTA = " Sin token: solo datos de trimestres autorizados. Con token: el ámbito del usuario."


def autenticado(request) -> bool:
    return bool(request.user and request.user.is_authenticated)


class Lectura(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A read-only list: anonymous clients get `publico()`, token holders `del_ambito(user)`.

    Each endpoint below defines both querysets; this base only chooses between them.
    """

    filter_backends = [DjangoFilterBackend]

    def publico(self):
        """The rows anyone may read (authorized quarters only); defined by each endpoint."""
        raise NotImplementedError(f"{type(self).__name__} debe definir publico()")

    def del_ambito(self, user):
        """The rows of `user`'s scope, in any state; defined by each endpoint."""
        raise NotImplementedError(f"{type(self).__name__} debe definir del_ambito()")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.publico().none()
        if autenticado(self.request):
            return self.del_ambito(self.request.user)
        return self.publico()


@extend_schema_view(list=extend_schema(summary="Ejercicios fiscales", description=NOTA))
class EjercicioViewSet(Lectura):
    serializer_class = serializers.EjercicioSerializer
    filterset_class = filtros.FiltroEjercicio

    def publico(self):
        return selectors.ejercicios_publicos().order_by("-anio")

    def del_ambito(self, user):
        ramos = ramos_visibles(user).filter(ejercicio_id=OuterRef("pk"))
        return Ejercicio.objects.filter(Exists(ramos)).order_by("-anio")


@extend_schema_view(list=extend_schema(summary="Ramos", description=NOTA))
class RamoViewSet(Lectura):
    serializer_class = serializers.RamoSerializer
    filterset_class = filtros.FiltroRamo

    def publico(self):
        return (
            selectors.ramos_publicos()
            .select_related("ejercicio")
            .order_by("ejercicio__anio", "clave", "id")
        )

    def del_ambito(self, user):
        return (
            ramos_visibles(user)
            .select_related("ejercicio")
            .order_by("ejercicio__anio", "clave", "id")
        )


@extend_schema_view(list=extend_schema(summary="Programas presupuestarios", description=NOTA))
class ProgramaViewSet(Lectura):
    serializer_class = serializers.ProgramaSerializer
    filterset_class = filtros.FiltroPrograma
    orden = ("ramo__ejercicio__anio", "ramo__clave", "clave", "id")

    def publico(self):
        return (
            selectors.programas_publicos().select_related("ramo__ejercicio").order_by(*self.orden)
        )

    def del_ambito(self, user):
        return programas_visibles(user).select_related("ramo__ejercicio").order_by(*self.orden)


@extend_schema_view(list=extend_schema(summary="Unidades ejecutoras", description=NOTA))
class UnidadViewSet(Lectura):
    serializer_class = serializers.UnidadSerializer
    filterset_class = filtros.FiltroUnidad
    orden = ("ramo__ejercicio__anio", "ramo__clave", "clave", "id")

    def publico(self):
        return selectors.unidades_publicas().select_related("ramo__ejercicio").order_by(*self.orden)

    def del_ambito(self, user):
        return unidades_visibles(user).select_related("ramo__ejercicio").order_by(*self.orden)


@extend_schema_view(
    list=extend_schema(summary="Metas con su programado y realizado mensual", description=NOTA)
)
class MetaViewSet(Lectura):
    serializer_class = serializers.MetaSerializer
    filterset_class = filtros.FiltroMeta
    orden = (
        "programa__ramo__ejercicio__anio",
        "programa__ramo__clave",
        "programa__clave",
        "unidad__clave",
        "orden",
        "clave",
        "id",
    )

    def publico(self):
        return (
            selectors.metas_publicas()
            .select_related("programa__ramo__ejercicio", "unidad")
            .order_by(*self.orden)
        )

    def del_ambito(self, user):
        return (
            metas_visibles(user)
            .select_related("programa__ramo__ejercicio", "unidad")
            .order_by(*self.orden)
        )

    def list(self, request, *args, **kwargs):
        consulta = self.filter_queryset(self.get_queryset()).values(*filas.CAMPOS_META)
        pagina = list(self.paginate_queryset(consulta))
        solo_autorizados = not autenticado(request)
        return self.get_paginated_response(filas.metas(pagina, solo_autorizados=solo_autorizados))


@extend_schema_view(
    list=extend_schema(summary="Estados de los reportes trimestrales", description=NOTA)
)
class ReporteViewSet(Lectura):
    serializer_class = serializers.ReporteSerializer
    filterset_class = filtros.FiltroReporte
    orden = (
        "programa__ramo__ejercicio__anio",
        "trimestre",
        "programa__clave",
        "unidad__clave",
        "id",
    )

    def publico(self):
        return (
            selectors.firmas_autorizadas()
            .select_related("programa__ramo__ejercicio", "unidad")
            .order_by(*self.orden)
        )

    def del_ambito(self, user):
        metas = metas_visibles(user).filter(
            programa_id=OuterRef("programa_id"), unidad_id=OuterRef("unidad_id")
        )
        return (
            TrimestreFirma.objects.filter(Exists(metas))
            .select_related("programa__ramo__ejercicio", "unidad")
            .order_by(*self.orden)
        )

    def list(self, request, *args, **kwargs):
        consulta = self.filter_queryset(self.get_queryset()).values(*filas.CAMPOS_REPORTE)
        return self.get_paginated_response(filas.reportes(list(self.paginate_queryset(consulta))))
