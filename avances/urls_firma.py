from django.urls import path

app_name = "firmas"

urlpatterns: list = []
