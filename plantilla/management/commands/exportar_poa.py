"""`python manage.py exportar_poa --ejercicio AAAA --salida ARCHIVO.xlsx` (PLANTILLA.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plantilla.exportacion import exportar_libro
from programas.models import Ejercicio


class Command(BaseCommand):
    help = "Exporta el POA de un ejercicio con el formato de la plantilla XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--ejercicio", type=int, required=True, help="Año, p. ej. 2022")
        parser.add_argument("--salida", required=True, help="Ruta del .xlsx a escribir")

    def handle(self, *args, **opciones):
        ejercicio = Ejercicio.objects.filter(anio=opciones["ejercicio"]).first()
        if ejercicio is None:
            raise CommandError(f"No existe el ejercicio {opciones['ejercicio']}.")
        salida = Path(opciones["salida"])
        if not salida.parent.is_dir():
            raise CommandError(f"No existe la carpeta {salida.parent}.")
        datos = exportar_libro(ejercicio=ejercicio)
        salida.write_bytes(datos)
        self.stdout.write(self.style.SUCCESS(f"Escrito {salida} ({len(datos):,} bytes)."))
