from django.urls import path

from reportes import views

app_name = "reportes"

urlpatterns = [
    path("", views.index, name="index"),
    path("descargar/", views.descargar, name="descargar"),
    path("generar/", views.generar, name="generar"),
    path("trabajos/<int:pk>/", views.trabajo, name="trabajo"),
    path("trabajos/<int:pk>/estado/", views.trabajo_estado, name="trabajo_estado"),
    path("trabajos/<int:pk>/archivo/", views.trabajo_descargar, name="trabajo_descargar"),
]
