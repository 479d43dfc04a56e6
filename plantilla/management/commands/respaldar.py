"""`manage.py respaldar --salida ARCHIVO`: a consistent copy of the whole database.

SQLite: the online backup API (`sqlite3.Connection.backup`), safe while the site runs.
PostgreSQL: `pg_dump -Fc` (custom format, compressed; `restaurar` reads it back).
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def entorno_postgres(ajustes: dict) -> tuple[list[str], dict]:
    """Connection arguments and environment for pg_dump/pg_restore from Django's settings."""
    argumentos = []
    if ajustes.get("HOST"):
        argumentos += ["-h", str(ajustes["HOST"])]
    if ajustes.get("PORT"):
        argumentos += ["-p", str(ajustes["PORT"])]
    if ajustes.get("USER"):
        argumentos += ["-U", str(ajustes["USER"])]
    entorno = dict(os.environ)
    if ajustes.get("PASSWORD"):
        entorno["PGPASSWORD"] = str(ajustes["PASSWORD"])
    return argumentos, entorno


def ejecutar(comando: list[str], entorno: dict, que: str) -> None:
    try:
        resultado = subprocess.run(comando, env=entorno, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise CommandError(
            f"No se encontró {comando[0]}: instale el cliente de PostgreSQL (postgresql-client)."
        ) from exc
    if resultado.returncode != 0:
        raise CommandError(f"Falló {que}: {resultado.stderr.strip()[:2000]}")


class Command(BaseCommand):
    help = "Respalda toda la base de datos en un archivo (SQLite o PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--salida", required=True, help="Archivo del respaldo a crear.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, salida, database, **options):
        destino = Path(salida)
        if destino.is_dir():
            raise CommandError(f"{destino} es una carpeta: indique el nombre del archivo.")
        if not destino.parent.exists():
            raise CommandError(f"No existe la carpeta {destino.parent}.")
        conexion = connections[database]
        temporal = destino.with_name(destino.name + ".parcial")
        temporal.unlink(missing_ok=True)
        try:
            if conexion.vendor == "sqlite":
                self._sqlite(conexion, temporal)
            elif conexion.vendor == "postgresql":
                self._postgres(conexion, temporal)
            else:
                raise CommandError(f"Base de datos no soportada: {conexion.vendor}.")
            temporal.replace(destino)  # a half-written backup never takes the final name
        finally:
            temporal.unlink(missing_ok=True)
        tamano = destino.stat().st_size / 1024
        self.stdout.write(self.style.SUCCESS(f"Respaldo escrito en {destino} ({tamano:,.0f} KB)."))

    def _sqlite(self, conexion, temporal: Path) -> None:
        conexion.ensure_connection()
        copia = sqlite3.connect(temporal)
        try:
            conexion.connection.backup(copia)
        finally:
            copia.close()

    def _postgres(self, conexion, temporal: Path) -> None:
        ajustes = conexion.settings_dict
        argumentos, entorno = entorno_postgres(ajustes)
        comando = ["pg_dump", "-Fc", "--no-owner", *argumentos, "-f", str(temporal)]
        ejecutar([*comando, ajustes["NAME"]], entorno, "pg_dump")
