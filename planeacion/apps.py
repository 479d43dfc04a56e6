from django.apps import AppConfig


class PlaneacionConfig(AppConfig):
    """Planning writes on the structure: metas, catálogos, reprogramación, copia de ejercicio."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "planeacion"
    verbose_name = "Planeación"
