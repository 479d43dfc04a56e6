from django.urls import path

from publico import views, views_datos

app_name = "publico"

urlpatterns = [
    path("", views.index, name="index"),
    path("<id:anio>/<id:trimestre>/", views.trimestre, name="trimestre"),
    path("<id:anio>/<id:trimestre>/ramo/<id:ramo_id>/", views.ramo, name="ramo"),
    path(
        "<id:anio>/<id:trimestre>/pdf/<id:programa_id>/<id:unidad_id>/",
        views.pdf_firmado,
        name="pdf_firmado",
    ),
    path("datos/", views_datos.index, name="datos"),
    path("datos/diccionario/<slug:conjunto>/", views_datos.diccionario, name="diccionario"),
    path(
        "datos/diccionario/<slug:conjunto>.<slug:formato>",
        views_datos.diccionario_archivo,
        name="diccionario_archivo",
    ),
    path("datos/<id:anio>/<id:trimestre>/metas.<slug:formato>", views_datos.metas, name="metas"),
    path(
        "datos/<id:anio>/<id:trimestre>/fraccion-iv.xlsx",
        views_datos.fraccion_iv,
        name="fraccion_iv",
    ),
    path(
        "datos/<id:anio>/<id:trimestre>/indicadores.<slug:formato>",
        views_datos.indicadores,
        {"conjunto": "indicadores"},
        name="indicadores",
    ),
    path(
        "datos/<id:anio>/<id:trimestre>/variables.<slug:formato>",
        views_datos.indicadores,
        {"conjunto": "variables"},
        name="variables",
    ),
    path(
        "datos/<id:anio>/<id:trimestre>/fraccion-v.xlsx",
        views_datos.fraccion_v,
        name="fraccion_v",
    ),
    path(
        "datos/<id:anio>/<id:trimestre>/fraccion-vi.xlsx",
        views_datos.fraccion_vi,
        name="fraccion_vi",
    ),
]
