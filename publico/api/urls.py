from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from publico.api import indicadores, token, views

app_name = "api"

router = DefaultRouter()
router.register("ejercicios", views.EjercicioViewSet, basename="ejercicio")
router.register("ramos", views.RamoViewSet, basename="ramo")
router.register("programas", views.ProgramaViewSet, basename="programa")
router.register("unidades", views.UnidadViewSet, basename="unidad")
router.register("metas", views.MetaViewSet, basename="meta")
router.register("reportes", views.ReporteViewSet, basename="reporte")
router.register("indicadores", indicadores.IndicadorViewSet, basename="indicador")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("token/", token.token_pagina, name="token"),
    *router.urls,
]
