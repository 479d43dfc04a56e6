from django.urls import path

from reportes import views

app_name = "reportes"

urlpatterns = [
    path("", views.index, name="index"),
    path("descargar/", views.descargar, name="descargar"),
    path("generar/", views.generar, name="generar"),
    path("trabajos/<id:pk>/", views.trabajo, name="trabajo"),
    path("trabajos/<id:pk>/estado/", views.trabajo_estado, name="trabajo_estado"),
    path("trabajos/<id:pk>/archivo/", views.trabajo_descargar, name="trabajo_descargar"),
]
