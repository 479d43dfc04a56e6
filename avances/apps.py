from django.apps import AppConfig


class AvancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "avances"
    verbose_name = "Captura, periodos y firmas"

    def ready(self) -> None:
        from avances.bloqueo import conectar_guardias

        conectar_guardias()
