"""A database created by an earlier release, with the demo data, migrates and keeps every row.

The earlier release is taken from git (`BASE`, the main before the apps were split into
layers): its own `manage.py migrate` and `cargar_demo` build the database on the engine of
this run (SQLite file, or a throwaway PostgreSQL database on the server of DATABASE_URL),
then today's `manage.py migrate` runs on it. Every table that existed keeps the same rows
(same primary keys); nothing is dropped.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings

RAIZ = Path(__file__).resolve().parent.parent
# main as it stood before the layers (issue 10); move it forward when a release is cut.
BASE = "28a43a3a5273b2e20357826baa5e4d748e30e83c"


def _version_anterior(destino: Path) -> Path:
    """The tree of BASE extracted to `destino` (git must hold the history: CI clones it)."""
    try:
        archivo = subprocess.run(
            ["git", "-C", str(RAIZ), "archive", "--format=tar", BASE],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.fail(f"No se pudo leer la versión {BASE[:7]} del historial de git: {exc}")
    with tarfile.open(fileobj=io.BytesIO(archivo)) as tar:
        tar.extractall(destino, filter="data")
    return destino


def _manage(cwd: Path, url: str, *argumentos: str) -> str:
    entorno = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "PYTHONPATH": str(cwd)}
    entorno.pop("DJANGO_SETTINGS_MODULE", None)
    resultado = subprocess.run(
        [sys.executable, "manage.py", *argumentos],
        cwd=cwd,
        env=entorno,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resultado.returncode == 0, resultado.stdout[-3000:] + resultado.stderr[-3000:]
    return resultado.stdout


class _Base:
    """A throwaway database of the engine under test, with plain-DB-API access."""

    def __init__(self, tmp_path: Path):
        motor = settings.DATABASES["default"]["ENGINE"]
        self.postgres = "postgresql" in motor
        if self.postgres:
            import psycopg2

            self._psycopg2 = psycopg2
            conf = settings.DATABASES["default"]
            self._servidor = {
                "host": conf.get("HOST") or "127.0.0.1",
                "port": conf.get("PORT") or 5432,
                "user": conf.get("USER") or "postgres",
                "password": conf.get("PASSWORD") or "",
            }
            self.nombre = f"poa_migracion_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{self.nombre}"')
            s = self._servidor
            self.url = (
                f"postgres://{s['user']}:{s['password']}@{s['host']}:{s['port']}/{self.nombre}"
            )
        else:
            self.ruta = tmp_path / "anterior.sqlite3"
            self.url = f"sqlite:///{self.ruta}"

    def _admin(self, sql: str) -> None:
        conexion = self._psycopg2.connect(dbname="postgres", **self._servidor)
        conexion.autocommit = True
        with conexion.cursor() as cursor:
            cursor.execute(sql)
        conexion.close()

    def _conectar(self):
        if self.postgres:
            return self._psycopg2.connect(dbname=self.nombre, **self._servidor)
        import sqlite3

        return sqlite3.connect(self.ruta)

    def filas(self) -> dict[str, set]:
        """Every table's primary keys (or whole rows where there is no `id`)."""
        conexion = self._conectar()
        cursor = conexion.cursor()
        if self.postgres:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tablas = sorted(t for (t,) in cursor.fetchall() if not t.startswith("sqlite_"))
        resultado = {}
        for tabla in tablas:
            cursor.execute(f'SELECT * FROM "{tabla}"')
            columnas = [c[0] for c in cursor.description]
            filas = cursor.fetchall()
            if "id" in columnas:
                i = columnas.index("id")
                resultado[tabla] = {fila[i] for fila in filas}
            elif tabla == "django_migrations":
                continue
            else:
                resultado[tabla] = {tuple(str(v) for v in fila) for fila in filas}
        conexion.close()
        return resultado

    def consultar(self, sql: str) -> list[tuple]:
        conexion = self._conectar()
        try:
            cursor = conexion.cursor()
            cursor.execute(sql)
            return cursor.fetchall()
        finally:
            conexion.close()

    def borrar(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.nombre}" WITH (FORCE)')


@pytest.fixture
def base_anterior(tmp_path):
    base = _Base(tmp_path)
    yield base
    base.borrar()


def test_a_database_of_the_previous_release_with_the_demo_migrates_keeping_every_row(
    tmp_path, base_anterior
):
    anterior = _version_anterior(tmp_path / "anterior")
    _manage(anterior, base_anterior.url, "migrate", "--noinput")
    _manage(anterior, base_anterior.url, "cargar_demo")
    antes = base_anterior.filas()
    textos_mir = base_anterior.consultar(
        "SELECT id, fin, proposito FROM programas_programa WHERE fin <> '' OR proposito <> ''"
    )
    assert textos_mir  # Presidencia's programas carry FIN and PROPÓSITO (seed 004)
    assert len(antes["programas_meta"]) > 100  # the three seed POAs are there
    assert antes["avances_avance"] and antes["auth_user"]

    _manage(RAIZ, base_anterior.url, "migrate", "--noinput")
    despues = base_anterior.filas()

    perdidas = {t: len(antes[t] - despues.get(t, set())) for t in antes}
    assert {t: n for t, n in perdidas.items() if n} == {}
    # FIN and PROPÓSITO moved into each programa's MIR (programas 0003), word for word.
    movidos = {
        (programa_id, nivel): texto
        for programa_id, nivel, texto in base_anterior.consultar(
            "SELECT programa_id, nivel, resumen_narrativo FROM programas_objetivomir"
        )
    }
    for programa_id, fin, proposito in textos_mir:
        for nivel, texto in (("FIN", fin), ("PROPOSITO", proposito)):
            if texto.strip():
                assert movidos[(programa_id, nivel)] == texto.strip()
    # The migrated database serves today's code: the demo (whose workbooks may have grown
    # since) loads over it, and a second load changes nothing.
    _manage(RAIZ, base_anterior.url, "cargar_demo")
    salida = _manage(RAIZ, base_anterior.url, "cargar_demo")
    assert salida.count("sin cambios") == 4  # the three seed workbooks and the MIR
