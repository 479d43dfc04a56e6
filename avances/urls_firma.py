from django.urls import path

from avances import views_firma

app_name = "firmas"

urlpatterns = [
    path("firmas/", views_firma.bandeja, name="bandeja"),
    path("firmas/tablero/", views_firma.tablero, name="tablero"),
    path(
        "firmas/<int:programa_id>/<int:unidad_id>/<int:trimestre>/",
        views_firma.panel,
        name="panel",
    ),
    path(
        "firmas/<int:programa_id>/<int:unidad_id>/<int:trimestre>/accion/",
        views_firma.accion,
        name="accion",
    ),
    path("verificar/", views_firma.verificar_inicio, name="verificar_inicio"),
    path("verificar/<str:codigo>/", views_firma.verificar, name="verificar"),
]
