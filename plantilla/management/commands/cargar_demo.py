"""`python manage.py cargar_demo`: the seed POAs of 2022 and one demo user per role.

The workbooks in fixtures/ go through the real importer (idempotent: a second run changes
nothing). Users are created only if missing; an existing user's password is never touched.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plantilla.demo import CONTRASENA_DEMO, cargar_libros_demo, crear_usuarios_demo
from plantilla.importacion import ImportacionInvalida


class Command(BaseCommand):
    help = "Carga los POA 2022 de demostración (fixtures/*.xlsx) y los usuarios de prueba."

    def handle(self, *args, **opciones):
        try:
            resultados = cargar_libros_demo()
        except ImportacionInvalida as exc:
            for error in exc.errores:
                self.stderr.write(str(error))
            raise CommandError(
                "Los libros de demostración tienen errores; no se cargó nada."
            ) from None
        for nombre, plan in resultados:
            creados = sum(plan.conteo_creados.values())
            cambios = len(plan.cambios)
            estado = (
                "sin cambios" if not plan.hay_escrituras else f"{creados} altas, {cambios} cambios"
            )
            self.stdout.write(f"  {nombre}: {estado}")
        usuarios = crear_usuarios_demo()
        self.stdout.write("")
        self.stdout.write(f"POA municipal: {settings.POA_URL_BASE}")
        self.stdout.write("")
        self.stdout.write(f"  {'usuario':<12} {'contraseña':<15} rol")
        for demo, creado in usuarios:
            contrasena = CONTRASENA_DEMO if creado else f"{CONTRASENA_DEMO}*"
            self.stdout.write(f"  {demo.username:<12} {contrasena:<15} {demo.descripcion}")
        if not all(creado for _, creado in usuarios):
            self.stdout.write(
                "  * usuario ya existente: conserva su contraseña (la inicial era la indicada)."
            )
