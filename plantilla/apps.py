from django.apps import AppConfig


class PlantillaConfig(AppConfig):
    """The XLSX workbook: import, export, the per-unidad capture sheet and safe reading."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "plantilla"
    verbose_name = "Plantilla XLSX"
