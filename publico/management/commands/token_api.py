"""`manage.py token_api <usuario> [--renovar]`: print the user's API token (creating it)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from publico.api.token import token_obtener, token_renovar


class Command(BaseCommand):
    help = "Muestra (o crea) el token de la API de lectura de un usuario."

    def add_arguments(self, parser):
        parser.add_argument("usuario", help="Nombre de usuario")
        parser.add_argument(
            "--renovar", action="store_true", help="Reemplaza el token (el anterior deja de servir)"
        )

    def handle(self, *args, usuario, renovar, **options):
        user = get_user_model().objects.filter(username=usuario).first()
        if user is None:
            raise CommandError(f"No existe el usuario «{usuario}».")
        if not user.is_active:
            raise CommandError(f"El usuario «{usuario}» está inactivo: no puede usar la API.")
        if renovar:
            token = token_renovar(usuario=user)
        else:
            token, _ = token_obtener(usuario=user)
        self.stdout.write(token.key)
