from django.contrib import admin

from reportes.models import TrabajoReporte


@admin.register(TrabajoReporte)
class TrabajoReporteAdmin(admin.ModelAdmin):
    list_display = ("id", "usuario", "reporte", "estado", "hechas", "total", "creado")
    list_filter = ("estado", "reporte")
    readonly_fields = [f.name for f in TrabajoReporte._meta.fields]
