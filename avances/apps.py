from django.apps import AppConfig


class AvancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "avances"
    verbose_name = "Captura, periodos y firmas"
