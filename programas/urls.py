from django.urls import path

app_name = "programas"

urlpatterns: list = []
