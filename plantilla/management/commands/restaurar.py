"""`manage.py restaurar ARCHIVO`: replace the whole database with a `respaldar` backup.

SQLite: the online backup API copies the file into the live database. PostgreSQL:
`pg_restore --clean --if-exists` (drops and re-creates every table of the dump).
"""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from plantilla.management.commands.respaldar import ejecutar, entorno_postgres

FIRMA_SQLITE = b"SQLite format 3\x00"
FIRMA_PG_DUMP = b"PGDMP"


class Command(BaseCommand):
    help = "Restaura la base de datos desde un respaldo de `respaldar` (borra los datos actuales)."

    def add_arguments(self, parser):
        parser.add_argument("archivo", help="Archivo creado por `manage.py respaldar`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="No pedir confirmación.",
        )  # fmt: skip

    def handle(self, *args, archivo, database, interactive, **options):
        origen = Path(archivo)
        if not origen.is_file():
            raise CommandError(f"No existe el archivo de respaldo {origen}.")
        with origen.open("rb") as f:
            cabecera = f.read(16)
        conexion = connections[database]
        esperado = {"sqlite": FIRMA_SQLITE, "postgresql": FIRMA_PG_DUMP}.get(conexion.vendor)
        if esperado is None:
            raise CommandError(f"Base de datos no soportada: {conexion.vendor}.")
        if not cabecera.startswith(esperado):
            tipo = "SQLite" if conexion.vendor == "sqlite" else "pg_dump -Fc"
            raise CommandError(
                f"{origen} no es un respaldo de {tipo} creado por `manage.py respaldar` "
                "para esta base de datos; no se cambió nada."
            )
        if interactive:
            respuesta = input(
                "Esto reemplaza TODOS los datos actuales por los del respaldo. "
                "Escriba «restaurar» para continuar: "
            )
            if respuesta.strip().lower() != "restaurar":
                raise CommandError("Restauración cancelada; no se cambió nada.")
        if conexion.vendor == "sqlite":
            self._sqlite(conexion, origen)
        else:
            self._postgres(conexion, origen)
        self.stdout.write(self.style.SUCCESS(f"Base de datos restaurada desde {origen}."))

    def _sqlite(self, conexion, origen: Path) -> None:
        fuente = sqlite3.connect(f"file:{origen}?mode=ro", uri=True)
        try:
            integridad = fuente.execute("PRAGMA integrity_check").fetchone()[0]
            if integridad != "ok":
                raise CommandError(f"El respaldo {origen} está dañado ({integridad}).")
            conexion.ensure_connection()
            fuente.backup(conexion.connection)
        except sqlite3.DatabaseError as exc:
            raise CommandError(f"No se pudo leer el respaldo {origen}: {exc}") from exc
        finally:
            fuente.close()

    def _postgres(self, conexion, origen: Path) -> None:
        ajustes = conexion.settings_dict
        argumentos, entorno = entorno_postgres(ajustes)
        conexion.close()  # our own session must not hold locks on the tables being dropped
        comando = [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            *argumentos, "-d", ajustes["NAME"], str(origen),
        ]  # fmt: skip
        ejecutar(comando, entorno, "pg_restore")
