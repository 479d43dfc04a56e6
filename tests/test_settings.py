"""Deployment settings: env parsing, secure defaults, SQLite tuned for several users."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_only_three_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="prueba-" + "x7Kq9" * 12,
        ALLOWED_HOSTS="poa.example.gob.mx",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_without_debug_is_a_clear_error():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "Defina SECRET_KEY" in result.stderr


def test_invalid_boolean_is_rejected():
    result = _manage("check", DEBUG="quizá")
    assert result.returncode != 0
    assert "no es un valor booleano válido" in result.stderr


def test_unsupported_database_url_is_rejected():
    result = _manage("check", DEBUG="1", DATABASE_URL="mysql://x@y/z")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_language_and_zone_are_mexican():
    assert settings.LANGUAGE_CODE == "es-mx"
    assert settings.TIME_ZONE == "America/Mexico_City"


@pytest.fixture
def sin_bloqueo(django_db_blocker):
    """Allow raw connections to a throwaway SQLite file (not the test database)."""
    with django_db_blocker.unblock():
        yield


def _file_sqlite(path):
    conf = dict(settings.DATABASES["default"])
    conf.update(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": dict(settings.DATABASES["default"].get("OPTIONS", {})),
            "TIME_ZONE": None,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": 0,
        }
    )
    return DatabaseWrapper(conf, alias=f"archivo-{threading.get_ident()}")


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="solo aplica al SQLite embebido",
)
def test_sqlite_file_uses_wal_normal_sync_and_busy_timeout(tmp_path, sin_bloqueo):
    db = _file_sqlite(tmp_path / "poa.sqlite3")
    with db.cursor() as cur:
        assert cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cur.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert cur.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.transaction_mode == "IMMEDIATE"
    db.close()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="solo aplica al SQLite embebido",
)
def test_sqlite_concurrent_writers_queue_instead_of_database_is_locked(tmp_path, sin_bloqueo):
    """Eight threads write at once on one file: none sees "database is locked"."""
    path = tmp_path / "concurrente.sqlite3"
    setup = _file_sqlite(path)
    with setup.cursor() as cur:
        cur.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
        cur.execute("INSERT INTO t (id, n) VALUES (1, 0)")
    setup.close()
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def writer():
        db = _file_sqlite(path)
        try:
            barrier.wait()
            for _ in range(20):
                with db.cursor() as cur:
                    db.set_autocommit(False)
                    cur.execute("UPDATE t SET n = n + 1 WHERE id = 1")
                    db.commit()
                    db.set_autocommit(True)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = _file_sqlite(path)
    with check.cursor() as cur:
        assert cur.execute("SELECT n FROM t WHERE id = 1").fetchone()[0] == 160
    check.close()
