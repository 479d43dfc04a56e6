from django.urls import path

from plantilla import views

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
]
