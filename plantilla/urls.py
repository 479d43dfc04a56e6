from django.urls import path

from plantilla import views, views_trabajo

app_name = "importacion"

urlpatterns = [
    path("", views.index, name="index"),
    path("libro/subir/", views.subir_libro, name="subir"),
    path("libro/<id:anio>/descargar/", views.exportar, name="exportar"),
    path("captura/", views.captura, name="captura"),
    path("captura/subir/", views.subir_captura, name="captura_subir"),
    path(
        "captura/<id:unidad_id>/<id:trimestre>/descargar/",
        views.descargar_captura,
        name="captura_descargar",
    ),
    path("previa/<str:token>/", views.previa, name="previa"),
    path("previa/<str:token>/confirmar/", views.confirmar, name="confirmar"),
    path("previa/<str:token>/cancelar/", views.cancelar, name="cancelar"),
    path("trabajos/<id:pk>/", views_trabajo.trabajo, name="trabajo"),
    path("trabajos/<id:pk>/estado/", views_trabajo.trabajo_estado, name="trabajo_estado"),
    path("trabajos/<id:pk>/confirmar/", views_trabajo.trabajo_confirmar, name="trabajo_confirmar"),
    path(
        "trabajos/<id:pk>/reintentar/", views_trabajo.trabajo_reintentar, name="trabajo_reintentar"
    ),
    path("trabajos/<id:pk>/cancelar/", views_trabajo.trabajo_cancelar, name="trabajo_cancelar"),
]
