"""Build the load test's database: a synthetic large municipality in PostgreSQL.

Drops and recreates the database of DATABASE_URL (default ``poa_carga`` on 127.0.0.1),
migrates it, loads the synthetic POA of the benches (30 ramos, 300 unidades, 3,000 metas;
``tests.apoyo_reportes.poa_sintetico``: P for 12 months, R for January–June) and creates
the simulated people, all with the password ``CARGA_CONTRASENA``:

* 300 capturistas ``cap-<unidad>``, one per unidad; the first capturista of every ramo
  also captures the ramo's second unidad (30 shared unidades, where saves conflict);
* the signers: ``elab-<unidad>`` (Elaboró, 300), ``rev-<ramo>`` (Revisó, 30) and
  ``aut-<ramo>`` (Autorizó, 30);
* ``tesoreria-carga`` (Planeación / Tesorería: consolidated reports).

Writes ``<dir>/usuarios.json`` (who is who, for the locustfile) and ``<dir>/antes.json``
(every Avance row as loaded, for verificar.py's "nothing changed that nobody saved").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poa_carga \
        .venv/bin/python bench/carga/preparar.py --dir var/carga
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

RAIZ = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RAIZ))
URL_POR_OMISION = "postgres://postgres@127.0.0.1:5432/poa_carga"
os.environ.setdefault("DATABASE_URL", URL_POR_OMISION)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
os.environ.setdefault("DEBUG", "1")

ANIO = 2026
CONTRASENA = os.environ.get("CARGA_CONTRASENA", "carga-Prueba-2026")


def recrear_base(url: str) -> None:
    """DROP and CREATE the database named in `url` (connecting to the `postgres` database)."""
    import psycopg2

    partes = urlparse(url)
    nombre = partes.path.lstrip("/")
    if not nombre.startswith("poa_carga"):
        sys.exit(f"Por seguridad solo se recrea una base «poa_carga…», no «{nombre}».")
    conexion = psycopg2.connect(
        host=partes.hostname,
        port=partes.port or 5432,
        user=partes.username or "postgres",
        password=partes.password or None,
        dbname="postgres",
    )
    conexion.autocommit = True
    with conexion.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{nombre}"')
    conexion.close()


def migrar() -> None:
    subprocess.run(
        [sys.executable, str(RAIZ / "manage.py"), "migrate", "--noinput", "-v", "0"],
        check=True,
        cwd=RAIZ,
    )


def crear_personas(ejercicio) -> dict:
    """The simulated people and their assignments (one password hash, bulk_create)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from programas.models import Asignacion, Programa, Ramo, UnidadEjecutora

    Rol = Asignacion.Rol
    Usuario = get_user_model()
    hash_ = make_password(CONTRASENA)
    ramos = list(Ramo.objects.filter(ejercicio=ejercicio).order_by("clave"))
    programa_de = {p.ramo_id: p for p in Programa.objects.filter(ramo__in=ramos)}
    unidades = list(UnidadEjecutora.objects.filter(ramo__in=ramos).order_by("clave"))
    por_ramo: dict[int, list] = {}
    for u in unidades:
        por_ramo.setdefault(u.ramo_id, []).append(u)

    nombres = (
        [f"cap-{u.clave}" for u in unidades]
        + [f"elab-{u.clave}" for u in unidades]
        + [f"rev-{r.clave}" for r in ramos]
        + [f"aut-{r.clave}" for r in ramos]
        + ["tesoreria-carga"]
    )
    Usuario.objects.bulk_create(
        Usuario(username=n, password=hash_, first_name=n.upper(), email=f"{n}@carga.invalid")
        for n in nombres
    )
    id_de = dict(Usuario.objects.filter(username__in=nombres).values_list("username", "id"))
    asignaciones, capturistas, firmantes = [], [], []
    for r in ramos:
        programa, suyas = programa_de[r.pk], por_ramo[r.pk]
        for i, u in enumerate(suyas):
            cap, elab = f"cap-{u.clave}", f"elab-{u.clave}"
            unidades_cap = [u] + ([suyas[1]] if i == 0 else [])  # shares the 2nd unidad
            for uc in unidades_cap:
                asignaciones.append(
                    Asignacion(usuario_id=id_de[cap], rol=Rol.CAPTURISTA, unidad=uc)
                )
            capturistas.append(
                {
                    "usuario": cap,
                    "unidad": u.pk,
                    "compartida": suyas[1].pk if i in (0, 1) else None,
                }
            )
            asignaciones.append(
                Asignacion(
                    usuario_id=id_de[elab], rol=Rol.RESPONSABLE_UNIDAD, unidad=u, cargo="JEFE"
                )
            )
            firmantes.append(
                {"usuario": elab, "accion": "ENVIAR", "programa": programa.pk, "unidades": [u.pk]}
            )
        ids = [u.pk for u in suyas]
        asignaciones += [
            Asignacion(
                usuario_id=id_de[f"rev-{r.clave}"],
                rol=Rol.RESPONSABLE_PROGRAMA,
                programa=programa,
                cargo="COORDINADOR",
            ),
            Asignacion(
                usuario_id=id_de[f"aut-{r.clave}"], rol=Rol.RESPONSABLE_RAMO, ramo=r, cargo="DIR"
            ),
        ]
        firmantes += [
            {
                "usuario": f"rev-{r.clave}",
                "accion": "REVISAR",
                "programa": programa.pk,
                "unidades": ids,
            },
            {
                "usuario": f"aut-{r.clave}",
                "accion": "AUTORIZAR",
                "programa": programa.pk,
                "unidades": ids,
            },
        ]
    asignaciones.append(Asignacion(usuario_id=id_de["tesoreria-carga"], rol=Rol.PLANEACION))
    Asignacion.objects.bulk_create(asignaciones)
    return {
        "anio": ejercicio.anio,
        "contrasena": CONTRASENA,
        "capturistas": capturistas,
        "firmantes": firmantes,
        "tesoreria": ["tesoreria-carga"],
    }


def crear_sesiones(nombres: list[str]) -> dict[str, str]:
    """A signed-in session per person (as if each had logged in that morning): the run
    measures the deadline's work, not 700 PBKDF2 logins at once (CARGA_ENTRAR=1 does)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    sesiones = {}
    for usuario in get_user_model().objects.filter(username__in=nombres):
        sesion = SessionStore()
        sesion[SESSION_KEY] = str(usuario.pk)
        sesion[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        sesion[HASH_SESSION_KEY] = usuario.get_session_auth_hash()
        sesion.set_expiry(12 * 3600)
        sesion.save()
        sesiones[usuario.username] = sesion.session_key
    return sesiones


def foto_avances() -> list:
    from avances.models import Avance

    return [
        [meta, mes, None if r is None else str(r), obs, version]
        for meta, mes, r, obs, version in Avance.objects.values_list(
            "meta_id", "mes", "realizado", "observaciones", "version"
        ).order_by("meta_id", "mes")
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(RAIZ / "var" / "carga"))
    args = parser.parse_args()
    carpeta = Path(args.dir)
    carpeta.mkdir(parents=True, exist_ok=True)
    inicio = time.monotonic()
    recrear_base(os.environ["DATABASE_URL"])
    migrar()

    import django

    django.setup()
    from django.db import transaction

    from tests.apoyo_reportes import poa_sintetico

    with transaction.atomic():
        ejercicio = poa_sintetico(anio=ANIO, ramos=30, unidades_por_ramo=10, metas_por_unidad=10)
        personas = crear_personas(ejercicio)
        nombres = [c["usuario"] for c in personas["capturistas"]]
        nombres += [f["usuario"] for f in personas["firmantes"]] + personas["tesoreria"]
        personas["sesiones"] = crear_sesiones(nombres)
    (carpeta / "usuarios.json").write_text(json.dumps(personas, indent=1), encoding="utf-8")
    antes = foto_avances()
    (carpeta / "antes.json").write_text(json.dumps(antes), encoding="utf-8")
    print(
        f"Base lista en {time.monotonic() - inicio:.0f} s: 30 ramos, 300 unidades, 3,000 metas, "
        f"{len(personas['capturistas'])} capturistas, {len(personas['firmantes'])} firmantes, "
        f"{len(antes)} avances."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
