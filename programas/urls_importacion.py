from django.urls import path

app_name = "importacion"

urlpatterns: list = []
