"""`python manage.py cargar_demo`: the seed POAs of 2022, one demo user per role, and the
current year's ejercicio copied from 2022 with its current quarter open and partly captured.

The workbooks in fixtures/ go through the real importer (idempotent: a second run changes
nothing; an existing current-year ejercicio is left as it is). Users are created only if
missing; an existing user's password is never touched.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plantilla.demo import ANIO_DEMO, CONTRASENA_DEMO, cargar_libros_demo, crear_usuarios_demo
from plantilla.demo_vivo import crear_ejercicio_vivo
from plantilla.importacion import ImportacionInvalida


class Command(BaseCommand):
    help = (
        "Carga los POA 2022 de demostración (fixtures/*.xlsx), el ejercicio del año en curso "
        "y los usuarios de prueba."
    )

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
        self._ejercicio_vivo()
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

    def _ejercicio_vivo(self) -> None:
        vivo = crear_ejercicio_vivo(anio_origen=ANIO_DEMO)
        if vivo.creado:
            enviado = f"; enviado a revisión: {vivo.enviado}" if vivo.enviado else ""
            autorizados = (
                f"; {vivo.autorizados} trimestres autorizados (511/54101 y 54102)"
                if vivo.autorizados
                else ""
            )
            self.stdout.write(
                f"  ejercicio {vivo.anio}: copiado de {ANIO_DEMO} ({vivo.metas} metas, "
                f"{vivo.celdas} celdas capturadas{autorizados}{enviado})"
            )
        elif vivo.anio > ANIO_DEMO:
            self.stdout.write(f"  ejercicio {vivo.anio}: ya existía; no se modificó")
