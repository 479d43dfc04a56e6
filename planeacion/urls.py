from django.urls import path

from planeacion import views, views_mir, views_responsables

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
    path("mir/<id:programa_id>/", views_mir.mir, name="mir"),
    path(
        "mir/<id:programa_id>/objetivos/nuevo/",
        views_mir.objetivo_editar,
        name="mir_objetivo_nuevo",
    ),
    path("mir/objetivos/<id:pk>/", views_mir.objetivo_editar, name="mir_objetivo"),
    path("mir/objetivos/<id:pk>/borrar/", views_mir.objetivo_eliminar, name="mir_objetivo_borrar"),
    path(
        "mir/<id:programa_id>/indicadores/nuevo/",
        views_mir.indicador_editar,
        name="mir_indicador_nuevo",
    ),
    path("mir/indicadores/<id:pk>/", views_mir.indicador_editar, name="mir_indicador"),
    path(
        "mir/indicadores/<id:pk>/borrar/", views_mir.indicador_eliminar, name="mir_indicador_borrar"
    ),
    path("mir/formula/", views_mir.formula_revisar, name="mir_formula"),
]
