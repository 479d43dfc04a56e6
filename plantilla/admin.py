from django.contrib import admin

from plantilla.models import TrabajoImportacion


@admin.register(TrabajoImportacion)
class TrabajoImportacionAdmin(admin.ModelAdmin):
    list_display = ("id", "usuario", "nombre", "anio", "etapa", "hechas", "total", "creado")
    list_filter = ("etapa", "modo")
    readonly_fields = [f.name for f in TrabajoImportacion._meta.fields]
