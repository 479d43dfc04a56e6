from django.apps import AppConfig


class ProgramasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programas"
    verbose_name = "Estructura del POA"

    def ready(self) -> None:
        from django.urls import register_converter

        from programas.conversores import IdConverter

        # Once per process: every app's urls.py uses <id:…> for primary keys.
        register_converter(IdConverter, "id")
