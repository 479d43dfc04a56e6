from django.urls import path

from avances import views, views_fila, views_indicadores

app_name = "avances"

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("captura/<id:unidad_id>/<id:trimestre>/", views.captura, name="captura"),
    path(
        "captura/<id:unidad_id>/<id:trimestre>/fila/<id:meta_id>/",
        views_fila.guardar_fila,
        name="guardar_fila",
    ),
    path(
        "captura/<id:unidad_id>/<id:trimestre>/indicadores/",
        views_indicadores.captura_indicadores,
        name="captura_indicadores",
    ),
    path("metas/<id:meta_id>/historial/", views.historial, name="historial"),
    path("periodos/", views.periodos, name="periodos"),
    path("asignaciones/", views.asignaciones, name="asignaciones"),
    path("asignaciones/usuarios/nuevo/", views.usuario_nuevo, name="usuario_nuevo"),
    path("asignaciones/<id:pk>/eliminar/", views.asignacion_eliminar, name="asignacion_eliminar"),
]
