from django.urls import path

app_name = "avances"

urlpatterns: list = []
