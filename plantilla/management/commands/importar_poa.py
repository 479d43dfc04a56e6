"""`python manage.py importar_poa ARCHIVO.xlsx --ejercicio AAAA [--dry-run]` (PLANTILLA.md)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plantilla.importacion import ImportacionInvalida, Plan, analizar_libro, aplicar_plan

MAX_CAMBIOS_LISTADOS = 200


def imprimir_plan(plan: Plan, escribir) -> None:
    """Print the preview: counts per kind, changes old → new and warnings."""
    escribir(f"Ejercicio {plan.anio}{' (nuevo)' if plan.ejercicio_nuevo else ''}")
    escribir(f"{'':2}{'tipo':<26}{'crear':>8}{'cambiar':>9}{'sin cambio':>12}")
    for fila in plan.resumen():
        escribir(
            f"{'':2}{fila['tipo']:<26}{fila['creados']:>8}{fila['cambiados']:>9}"
            f"{fila['sin_cambio']:>12}"
        )
    if plan.cambios:
        escribir("Cambios (anterior → nuevo):")
        for cambio in plan.cambios[:MAX_CAMBIOS_LISTADOS]:
            escribir(f"  {cambio.objeto} · {cambio.campo}: {cambio.anterior} → {cambio.nuevo}")
        if len(plan.cambios) > MAX_CAMBIOS_LISTADOS:
            escribir(f"  … y {len(plan.cambios) - MAX_CAMBIOS_LISTADOS} cambios más.")
    for advertencia in plan.advertencias:
        escribir(f"Advertencia: {advertencia}")


class Command(BaseCommand):
    help = (
        "Importa un libro XLSX del POA (formato de la plantilla) en un ejercicio. Valida todo "
        "primero; si hay errores no escribe nada y los lista como hoja!fila columna: mensaje."
    )

    def add_arguments(self, parser):
        parser.add_argument("archivo", help="Ruta del libro .xlsx")
        parser.add_argument("--ejercicio", type=int, required=True, help="Año, p. ej. 2022")
        parser.add_argument(
            "--dry-run", action="store_true", help="Solo muestra qué haría, sin escribir nada."
        )
        parser.add_argument(
            "--usuario", help="Usuario al que se atribuyen los cambios (historial)."
        )

    def handle(self, *args, **opciones):
        usuario = None
        if opciones.get("usuario"):
            usuario = get_user_model().objects.filter(username=opciones["usuario"]).first()
            if usuario is None:
                raise CommandError(f"No existe el usuario {opciones['usuario']}.")
        plan = analizar_libro(opciones["archivo"], ejercicio=opciones["ejercicio"])
        self._errores(plan.errores)
        if opciones["dry_run"]:
            imprimir_plan(plan, self.stdout.write)
            self.stdout.write("Simulación: no se escribió nada.")
            return
        try:
            aplicar_plan(plan, usuario=usuario)
        except ImportacionInvalida as exc:
            self._errores(exc.errores)
        imprimir_plan(plan, self.stdout.write)
        if plan.hay_escrituras:
            self.stdout.write(self.style.SUCCESS(f"Importado en el ejercicio {plan.anio}."))
        else:
            self.stdout.write(self.style.SUCCESS("Sin cambios: el ejercicio ya tenía este libro."))

    def _errores(self, errores) -> None:
        if not errores:
            return
        for error in errores:
            self.stderr.write(str(error))
        raise CommandError(f"El libro tiene {len(errores)} error(es); no se escribió nada.")
