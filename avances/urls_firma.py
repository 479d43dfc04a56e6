from django.urls import path

from avances import views_firma, views_reapertura

app_name = "firmas"

urlpatterns = [
    path("firmas/", views_firma.bandeja, name="bandeja"),
    path("firmas/tablero/", views_firma.tablero, name="tablero"),
    path(
        "firmas/<id:programa_id>/<id:unidad_id>/<id:trimestre>/",
        views_firma.panel,
        name="panel",
    ),
    path(
        "firmas/<id:programa_id>/<id:unidad_id>/<id:trimestre>/accion/",
        views_firma.accion,
        name="accion",
    ),
    path(
        "firmas/<id:programa_id>/<id:unidad_id>/<id:trimestre>/pedir-captura/",
        views_firma.pedir,
        name="pedir_captura",
    ),
    path("firmas/reaperturas/", views_reapertura.lista, name="reaperturas"),
    path(
        "firmas/<id:programa_id>/<id:unidad_id>/<id:trimestre>/reapertura/",
        views_reapertura.solicitar,
        name="reapertura_solicitar",
    ),
    path(
        "firmas/reaperturas/<id:pk>/aprobar/",
        views_reapertura.aprobar,
        name="reapertura_aprobar",
    ),
    path(
        "firmas/reaperturas/<id:pk>/rechazar/",
        views_reapertura.rechazar,
        name="reapertura_rechazar",
    ),
    path("verificar/", views_firma.verificar_inicio, name="verificar_inicio"),
    path("verificar/<str:codigo>/", views_firma.verificar, name="verificar"),
]
