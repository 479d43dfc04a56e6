from django.urls import path

from reportes import views_tablero

app_name = "tablero"

urlpatterns = [path("", views_tablero.tablero, name="index")]
