from django.urls import path

app_name = "reportes"

urlpatterns: list = []
