"""Generate an official format from the command line (batch printing, automation).

manage.py reporte FORMATO --ejercicio AAAA --trimestre N [--ramo R [--programa P]
[--unidad U]] --formato pdf|xlsx --salida RUTA
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reportes.formatos import EXPORTADORES, Parametros
from reportes.selectors import AlcanceVacio, resolver_claves


class Command(BaseCommand):
    help = (
        "Genera un formato oficial del POA en PDF o XLSX. Sin --ramo produce el consolidado "
        "del ejercicio; --programa y --unidad (claves) acotan dentro del ramo."
    )

    def add_arguments(self, parser):
        parser.add_argument("formato_reporte", metavar="FORMATO", help=", ".join(EXPORTADORES))
        parser.add_argument("--ejercicio", type=int, required=True, metavar="AAAA")
        parser.add_argument("--trimestre", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--ramo", metavar="R", help="clave del ramo")
        parser.add_argument("--programa", metavar="P", help="clave del programa (requiere --ramo)")
        parser.add_argument("--unidad", metavar="U", help="clave de la unidad (requiere --ramo)")
        parser.add_argument("--formato", required=True, choices=["pdf", "xlsx"])
        parser.add_argument("--salida", required=True, metavar="RUTA")
        parser.add_argument(
            "--workers", type=int, default=None, help="procesos para el PDF (POA_REPORT_WORKERS)"
        )

    def handle(self, *args, **opciones):
        identificador = opciones["formato_reporte"]
        exportador = EXPORTADORES.get(identificador)
        if exportador is None:
            raise CommandError(
                f"Formato desconocido «{identificador}». Use uno de: {', '.join(EXPORTADORES)}."
            )
        if opciones["formato"] not in exportador.formatos:
            tipos = " o ".join(t.upper() for t in exportador.formatos)
            raise CommandError(f"«{exportador.nombre}» solo se genera en {tipos}.")
        salida = Path(opciones["salida"])
        if salida.is_dir():
            raise CommandError(f"--salida debe ser un archivo, no la carpeta {salida}.")
        if not salida.parent.exists():
            raise CommandError(f"No existe la carpeta {salida.parent} para --salida.")
        try:
            alcance = resolver_claves(
                anio=opciones["ejercicio"],
                ramo=opciones["ramo"],
                programa=opciones["programa"],
                unidad=opciones["unidad"],
            )
            params = Parametros(
                anio=opciones["ejercicio"],
                trimestre=opciones["trimestre"],
                formato=opciones["formato"],
                ramo_id=alcance.ramo_id,
                programa_id=alcance.programa_id,
                unidad_id=alcance.unidad_id,
                workers=opciones["workers"],
            )

            def progreso(hechas, total):
                if total > 1 and opciones["verbosity"] > 1:
                    self.stderr.write(f"  {hechas}/{total} hojas")

            nombre, _, contenido = exportador.render(params, progreso=progreso)
        except AlcanceVacio as error:
            raise CommandError(error.mensaje) from error
        salida.write_bytes(contenido)
        self.stdout.write(
            self.style.SUCCESS(
                f"{exportador.nombre}: {salida} ({len(contenido):,} bytes; {nombre})"
            )
        )
