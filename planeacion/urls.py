from django.urls import path

from planeacion import views, views_responsables

app_name = "programas"

urlpatterns = [
    path("", views.estructura, name="estructura"),
    path("metas/nueva/", views.meta_editar, name="meta_nueva"),
    path("metas/<id:meta_id>/", views.meta, name="meta"),
    path("metas/<id:meta_id>/editar/", views.meta_editar, name="meta_editar"),
    path("metas/<id:meta_id>/reprogramar/", views.reprogramar, name="reprogramar"),
    path("reexpedir/<str:alcance>/<id:pk>/", views.reexpedir, name="reexpedir"),
    path("copiar/", views.copiar, name="copiar"),
    path("responsables/", views_responsables.responsables, name="responsables"),
    path("catalogos/<str:tipo>/nuevo/", views.catalogo_editar, name="catalogo_nuevo"),
    path("catalogos/<str:tipo>/<id:pk>/", views.catalogo_editar, name="catalogo_editar"),
]
