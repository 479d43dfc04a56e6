"""Fault drills (issue 16): Redis stopped, a Celery worker killed mid-job, a gunicorn worker
killed mid-save, PostgreSQL restarted during capture. Each checks what the user sees and what
the database holds afterwards.

The drills that need real processes start their own: a redis-server on 6390/6391, a
throw-away PostgreSQL cluster under a temporary directory on port 5440 (``initdb`` +
``pg_ctl``), gunicorn on 8112 with 2 workers and a Celery worker. They never touch the
system's PostgreSQL or the Redis of 6379.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from avances.models import Avance
from reportes.models import MENSAJE_INTERRUMPIDO, TrabajoReporte
from tests.captura_util import datos_rejilla

RAIZ = Path(__file__).resolve().parent.parent
VENV = RAIZ / ".venv" / "bin"
PG_BIN = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)), "")
# `make test` runs 2 xdist workers: each gets its own ports (gw0: 5440/8112/6390/6391).
_N = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PUERTO_PG = 5440 + _N
PUERTO_WEB = 8112 + 10 * _N
PUERTO_REDIS_WORKER = 6390 + 2 * _N
PUERTO_REDIS_WEB = 6391 + 2 * _N
WEB = f"http://127.0.0.1:{PUERTO_WEB}"

requiere_redis = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="redis-server no está instalado"
)


def drill_de_procesos(prueba):
    """Drills on real processes (own cluster, gunicorn, Redis, Celery): the PostgreSQL pass."""
    marcas = [
        pytest.mark.postgres,
        pytest.mark.skipif(
            "postgresql" not in settings.DATABASES["default"]["ENGINE"],
            reason="Simulacro con procesos reales: se ejecuta en la pasada de PostgreSQL "
            "(DATABASE_URL=postgres://…), con su propio clúster desechable.",
        ),
        pytest.mark.skipif(
            not (PG_BIN and Path(PG_BIN, "pg_ctl").exists() and shutil.which("redis-server")),
            reason="Se necesitan initdb/pg_ctl (/usr/lib/postgresql/*/bin) y redis-server",
        ),
    ]
    for marca in marcas:
        prueba = marca(prueba)
    return prueba


def _esperar(condicion, segundos: float, que: str, paso: float = 0.1):
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        valor = condicion()
        if valor:
            return valor
        time.sleep(paso)
    raise AssertionError(f"No ocurrió a tiempo: {que}")


# --- Redis ---------------------------------------------------------------------------------


def _redis(puerto: int, *comando: str) -> bytes | None:
    """Send one command to the Redis of `puerto` (RESP), None when it does not answer."""
    partes = "".join(f"${len(p.encode())}\r\n{p}\r\n" for p in comando)
    try:
        with socket.create_connection(("127.0.0.1", puerto), timeout=1) as s:
            s.sendall(f"*{len(comando)}\r\n{partes}".encode())
            return s.recv(4096)
    except OSError:
        return None


class RedisPropio:
    """A redis-server of its own on `puerto`, without persistence."""

    def __init__(self, puerto: int):
        self.puerto = puerto
        self.url = f"redis://127.0.0.1:{puerto}/0"
        self.proceso: subprocess.Popen | None = None

    def arrancar(self) -> None:
        assert _redis(self.puerto, "PING") is None, f"el puerto {self.puerto} ya está ocupado"
        self.proceso = subprocess.Popen(
            ["redis-server", "--port", str(self.puerto), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        _esperar(lambda: (_redis(self.puerto, "PING") or b"").startswith(b"+PONG"), 10, "Redis")

    def detener(self) -> None:
        if self.proceso and self.proceso.poll() is None:
            self.proceso.terminate()
            self.proceso.wait(10)
        _esperar(lambda: _redis(self.puerto, "PING") is None, 10, "Redis detenido")

    def cola(self) -> int:
        respuesta = _redis(self.puerto, "LLEN", "celery") or b":0"
        return int(respuesta[1:].split(b"\r\n")[0])


@pytest.fixture
def redis_web():
    redis = RedisPropio(PUERTO_REDIS_WEB)
    redis.arrancar()
    yield redis
    redis.detener()


@requiere_redis
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_capture_works_reports_render_in_process_and_salud_tells(
    client, poa, personas, settings, tmp_path, redis_web
):
    from poa_site.celery import app
    from reportes import tasks

    settings.CELERY_BROKER_URL = redis_web.url
    settings.POA_TAREAS_EN_HILO = False
    settings.MEDIA_ROOT = tmp_path
    anterior = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_web.url, task_always_eager=False)
    app._pool = app.amqp._producer_pool = None  # connect to the broker configured just now
    try:
        assert client.get("/salud/").json()["redis"] == "ok"
        client.force_login(personas.planeacion)
        base = {"reporte": "tmm-f004", "ejercicio": 2022, "trimestre": 1, "tipo": "xlsx"}
        client.post(reverse("reportes:generar"), {**base, "ramo": poa.ramo_a.pk})
        assert redis_web.cola() == 1  # with Redis up the job goes to the broker
        assert TrabajoReporte.objects.get().estado == TrabajoReporte.Estado.PENDIENTE

        redis_web.detener()
        salud = client.get("/salud/")
        assert salud.status_code == 200  # the site still serves: only the broker is down
        cuerpo = salud.json()
        assert cuerpo["estado"] == "degradado" and cuerpo["base_de_datos"] == "ok"
        assert cuerpo["redis"].startswith("sin respuesta")

        # Capture does not use Redis at all.
        client.force_login(personas.capturista)
        meta = poa.metas_a1[0]
        url = reverse("avances:guardar_fila", args=[poa.unidad_a1.pk, 2, meta.pk])
        pagina = client.get(reverse("avances:captura", args=[poa.unidad_a1.pk, 2]))
        datos = {
            k: v
            for k, v in datos_rejilla(pagina.content.decode()).items()
            if re.match(rf"^[rov]-{meta.pk}-", k)
        }
        datos[f"r-{meta.pk}-4"] = "12"
        guardado = client.post(url, datos, headers={"accept": "application/json"})
        assert guardado.status_code == 200 and guardado.json()["estado"] == "guardado"
        assert Avance.objects.get(meta=meta, mes=4).realizado == Decimal("12")

        # A report asked for with the broker down is rendered in the web process.
        client.force_login(personas.planeacion)
        inicio = time.monotonic()
        respuesta = client.post(reverse("reportes:generar"), {**base, "ramo": poa.ramo_a.pk})
        assert respuesta.status_code == 302 and time.monotonic() - inicio < 5
        # The request started the job's thread before answering; join it before touching the
        # database again (the in-memory test SQLite answers a write that meets a read on
        # another thread with "database table is locked", not with a wait).
        for hilo in [h for h in threading.enumerate() if h.name.startswith("reporte-")]:
            hilo.join(60)
        trabajo = TrabajoReporte.objects.latest("pk")
        limite = time.monotonic() + 60  # and should it have been missed, poll the job
        while True:
            estado = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
            if estado["estado"] != "PENDIENTE" or time.monotonic() > limite:
                break
            time.sleep(0.2)
        assert estado["estado"] == "TERMINADO" and estado["descarga"]
        assert client.get(estado["descarga"]).status_code == 200
    finally:
        app.conf.update(anterior)
        app._pool = app.amqp._producer_pool = None
        tasks  # noqa: B018 - imported so its module-level task is registered on the app


# --- Celery worker killed mid-job: the model path ------------------------------------------


def test_report_task_is_given_back_to_the_broker_when_its_worker_dies():
    from reportes.tasks import generar_reporte

    assert generar_reporte.acks_late is True
    assert generar_reporte.reject_on_worker_lost is True


@pytest.mark.django_db
def test_a_job_left_running_by_a_dead_worker_shows_interrupted_and_can_be_asked_again(
    client, poa, personas, settings, django_capture_on_commit_callbacks
):
    client.force_login(personas.planeacion)
    trabajo = TrabajoReporte.objects.create(
        usuario=personas.planeacion,
        reporte="tmm-f004",
        parametros={"ejercicio": 2022, "trimestre": 1, "tipo": "xlsx", "ramo": poa.ramo_a.pk},
        estado=TrabajoReporte.Estado.EN_PROCESO,
        hechas=1,
        total=2,
    )
    reciente = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
    assert reciente["estado"] == "EN_PROCESO"  # within the limit it is still running
    viejo = timezone.now() - timedelta(minutes=settings.POA_TRABAJO_MINUTOS_MAXIMOS + 1)
    TrabajoReporte.objects.filter(pk=trabajo.pk).update(creado=viejo)
    estado = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
    assert estado["estado"] == "INTERRUMPIDO" and estado["etiqueta"] == "Interrumpido"
    assert estado["mensaje"] == MENSAJE_INTERRUMPIDO and not estado["descarga"]
    pagina = client.get(reverse("reportes:trabajo", args=[trabajo.pk])).content.decode()
    assert "Interrumpido" in pagina and "Vuelva a solicitarlo" in pagina
    assert 'http-equiv="refresh"' not in pagina  # the page stops polling: never stuck
    # «Generar de nuevo» posts the same parameters; asking again renders it (in tests the
    # task runs in the request).
    assert 'id="generar-de-nuevo"' in pagina and "Generar de nuevo" in pagina
    assert f'name="ramo" value="{poa.ramo_a.pk}"' in pagina
    with django_capture_on_commit_callbacks(execute=True):
        nuevo = client.post(
            reverse("reportes:generar"),
            {"reporte": "tmm-f004", "ejercicio": 2022, "trimestre": 1, "tipo": "xlsx"}
            | {"ramo": poa.ramo_a.pk},
        )
    assert nuevo.status_code == 302
    assert TrabajoReporte.objects.latest("pk").estado == TrabajoReporte.Estado.TERMINADO


# --- Real processes: own PostgreSQL cluster, gunicorn, Redis and a Celery worker ----------

SEMILLA = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from programas.models import Asignacion
from tests.factories import (
    MetaFactory, ProgramaFactory, RamoFactory, UnidadFactory, UserFactory, asignar,
)

ramo = RamoFactory(clave="54")
programa = ProgramaFactory(ramo=ramo, clave="511")
unidad = UnidadFactory(ramo=ramo, clave="54101")
metas = [MetaFactory(programa=programa, unidad=unidad, clave=str(100 + i)) for i in range(3)]
capturista = UserFactory(username="capturista")
asignar(capturista, Asignacion.Rol.CAPTURISTA, unidad)
planeacion = UserFactory(username="planeacion")
asignar(planeacion, Asignacion.Rol.PLANEACION)


def sesion(usuario):
    s = SessionStore()
    s[SESSION_KEY] = str(usuario.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = usuario.get_session_auth_hash()
    s.create()
    return s.session_key


print("SEMILLA" + json.dumps({
    "unidad": unidad.pk, "ramo": ramo.pk, "metas": [m.pk for m in metas],
    "capturista": sesion(capturista), "planeacion": sesion(planeacion),
}))
"""


class Servicio:
    """Throw-away PostgreSQL cluster + gunicorn (2 workers) + Redis, for the drills."""

    def __init__(self, carpeta: Path):
        self.carpeta = carpeta
        self.datos = carpeta / "pg"
        self.redis = RedisPropio(PUERTO_REDIS_WORKER)
        self.url_bd = f"postgres://postgres@127.0.0.1:{PUERTO_PG}/poa_h_l"
        self.entorno = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "poa_site.settings",
            "DEBUG": "0",
            "SECRET_KEY": "fallas-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DATABASE_URL": self.url_bd,
            "CELERY_BROKER_URL": self.redis.url,
            "MEDIA_ROOT": str(carpeta / "media"),
            "POA_LOG_PETICIONES": "WARNING",
        }
        self.gunicorn: subprocess.Popen | None = None
        self.semilla: dict = {}

    def _como_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, timeout=60,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def pg(self, accion: str) -> None:
        opciones = f"-p {PUERTO_PG} -k {self.carpeta} -c listen_addresses=127.0.0.1 -c fsync=off"
        args = [f"{PG_BIN}/pg_ctl", "-D", str(self.datos), "-w", "-t", "30"]
        if accion == "start":
            args += ["-o", opciones, "-l", str(self.carpeta / "pg.log")]
        else:
            args += ["-m", "fast"]
        self._como_postgres(*args, accion)

    def arrancar(self) -> None:
        self.carpeta.mkdir(parents=True, exist_ok=True)
        os.chmod(self.carpeta, 0o777)
        self._como_postgres(f"{PG_BIN}/initdb", "-D", str(self.datos), "-U", "postgres",
                            "-A", "trust", "--no-sync", "-E", "UTF8")  # fmt: skip
        self.pg("start")
        self._como_postgres(f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(PUERTO_PG),
                            "poa_h_l")  # fmt: skip
        manage = [str(VENV / "python"), "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=RAIZ, env=self.entorno, check=True,
                       timeout=180)  # fmt: skip
        salida = subprocess.run(
            [*manage, "shell", "-c", SEMILLA], cwd=RAIZ, env=self.entorno, check=True,
            timeout=60, capture_output=True, text=True,
        ).stdout  # fmt: skip
        self.semilla = json.loads(salida.split("SEMILLA", 1)[1])
        self.redis.arrancar()
        self.gunicorn = subprocess.Popen(
            [str(VENV / "gunicorn"), "poa_site.wsgi", "-b", f"127.0.0.1:{PUERTO_WEB}",
             "-w", "2", "--timeout", "60", "--graceful-timeout", "2"],
            cwd=RAIZ, env=self.entorno, stderr=subprocess.STDOUT,
            stdout=open(self.carpeta / "gunicorn.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        _esperar(lambda: self.responde() and len(self.workers()) == 2, 60, "gunicorn")

    def responde(self) -> bool:
        import requests

        try:
            return requests.get(f"{WEB}/salud/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def workers(self) -> list[int]:
        import psutil

        return [p.pid for p in psutil.Process(self.gunicorn.pid).children()]

    def conexion(self):
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=PUERTO_PG, user="postgres",
                                dbname="poa_h_l")  # fmt: skip

    def consulta(self, sql: str, *params):
        with self.conexion() as c, c.cursor() as cur:
            cur.execute(sql, params)
            filas = cur.fetchall()
        c.close()
        return filas

    def detener(self) -> None:
        if self.gunicorn:
            self.gunicorn.terminate()
            self.gunicorn.wait(20)
        self.redis.detener()
        if (self.datos / "postmaster.pid").exists():
            self.pg("stop")
        if not os.environ.get("POA_FALLAS_CONSERVAR"):  # keep the logs to look into a failure
            shutil.rmtree(self.carpeta, ignore_errors=True)


@pytest.fixture(scope="module")
def servicio(tmp_path_factory):
    if _redis(PUERTO_REDIS_WORKER, "PING") is not None:
        pytest.skip(f"El puerto {PUERTO_REDIS_WORKER} ya está ocupado")
    carpeta = Path("/tmp") / f"h_l_fallas_{os.getpid()}"
    s = Servicio(carpeta)
    try:
        s.arrancar()
    except BaseException:
        s.detener()
        raise
    yield s
    s.detener()


class Usuario:
    """A browser session on the gunicorn of the drill (session cookie + CSRF)."""

    def __init__(self, servicio: Servicio, sesion: str):
        import requests

        self.servicio = servicio
        self.http = requests.Session()
        self.http.cookies.set("sessionid", sesion)

    def fila(self, meta_id: int) -> dict[str, str]:
        unidad = self.servicio.semilla["unidad"]
        pagina = self.http.get(f"{WEB}{reverse('avances:captura', args=[unidad, 2])}", timeout=30)
        assert pagina.status_code == 200, pagina.text[:300]
        return {
            k: v
            for k, v in datos_rejilla(pagina.text).items()
            if re.match(rf"^[rov]-{meta_id}-", k)
        }

    def guardar(self, meta_id: int, datos: dict, timeout: float = 30):
        unidad = self.servicio.semilla["unidad"]
        url = f"{WEB}{reverse('avances:guardar_fila', args=[unidad, 2, meta_id])}"
        cabeceras = {"X-CSRFToken": self.http.cookies.get("csrftoken", ""),
                     "Accept": "application/json", "X-Requested-With": "fetch"}  # fmt: skip
        return self.http.post(url, data=datos, headers=cabeceras, timeout=timeout)


def _avances(servicio: Servicio, meta_id: int) -> dict[int, tuple[Decimal, int]]:
    tabla = Avance._meta.db_table
    filas = servicio.consulta(f"SELECT mes, realizado, version FROM {tabla} WHERE meta_id = %s",
                              meta_id)  # fmt: skip
    return {mes: (realizado, version) for mes, realizado, version in filas}


@drill_de_procesos
def test_gunicorn_worker_killed_mid_save_leaves_nothing_half_saved(servicio):
    usuario = Usuario(servicio, servicio.semilla["capturista"])
    meta = servicio.semilla["metas"][0]
    datos = usuario.fila(meta)
    datos[f"r-{meta}-4"] = "10"
    primero = usuario.guardar(meta, datos)
    assert primero.status_code == 200 and primero.json()["estado"] == "guardado"
    antes = _avances(servicio, meta)
    assert antes == {4: (Decimal("10"), antes[4][1])}

    # Hold the row so the next save waits inside its transaction.
    datos = usuario.fila(meta)
    datos.update({f"r-{meta}-4": "20", f"r-{meta}-5": "30", f"r-{meta}-6": "40"})
    candado = servicio.conexion()
    cur = candado.cursor()
    cur.execute(f"SELECT id FROM {Avance._meta.db_table} WHERE meta_id = %s FOR UPDATE", [meta])
    resultado: dict = {}

    def guardar():
        try:
            resultado["respuesta"] = usuario.guardar(meta, datos)
        except Exception as exc:  # noqa: BLE001 - the connection dies with the worker
            resultado["error"] = exc

    hilo = threading.Thread(target=guardar)
    hilo.start()
    esperando = "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    _esperar(lambda: servicio.consulta(esperando), 20, "el guardado espera el candado")
    viejos = servicio.workers()
    for pid in viejos:  # the one serving the save is one of them
        os.kill(pid, signal.SIGKILL)
    hilo.join(30)
    assert "error" in resultado  # what the user's browser sees: the request was cut
    candado.rollback()  # release: the dead worker's transaction can go on and must roll back
    candado.close()
    _esperar(lambda: not servicio.consulta(esperando), 20, "el candado se libera")
    _esperar(
        lambda: (
            not servicio.consulta(
                "SELECT pid FROM pg_stat_activity WHERE state LIKE 'idle in transaction%%'"
            )
        ),
        20,
        "ninguna transacción abierta",
    )
    assert _avances(servicio, meta) == antes  # nothing of the cut save, versions unchanged

    _esperar(lambda: len(set(servicio.workers()) - set(viejos)) == 2, 60, "gunicorn respawn")
    datos = usuario.fila(meta)
    datos.update({f"r-{meta}-4": "20", f"r-{meta}-5": "30", f"r-{meta}-6": "40"})
    siguiente = usuario.guardar(meta, datos)
    assert siguiente.status_code == 200 and siguiente.json()["estado"] == "guardado"
    despues = _avances(servicio, meta)
    assert {m: r for m, (r, _) in despues.items()} == {
        4: Decimal("20"), 5: Decimal("30"), 6: Decimal("40")
    }  # fmt: skip
    assert despues[4][1] == antes[4][1] + 1  # one version step for the one stored update


@drill_de_procesos
def test_postgres_restart_during_capture_answers_a_retry_message_then_saves(servicio):
    import requests

    usuario = Usuario(servicio, servicio.semilla["capturista"])
    meta = servicio.semilla["metas"][1]
    datos = usuario.fila(meta)
    datos[f"r-{meta}-4"] = "5"
    assert usuario.guardar(meta, datos).json()["estado"] == "guardado"
    antes = _avances(servicio, meta)

    servicio.pg("stop")
    try:
        datos[f"r-{meta}-4"] = "6"
        for _ in range(2):  # both workers: whichever serves it answers the same
            respuesta = usuario.guardar(meta, datos)
            assert respuesta.status_code == 503
            cuerpo = respuesta.json()
            assert cuerpo["estado"] == "error"
            assert (
                "no se guardó nada" in cuerpo["mensaje"]
                and "vuelva a intentarlo" in (cuerpo["mensaje"])
            )
        pagina = usuario.http.get(
            f"{WEB}{reverse('avances:captura', args=[servicio.semilla['unidad'], 2])}",
            timeout=30,
        )
        assert pagina.status_code == 503 and "Servicio no disponible" in pagina.text
        assert "Traceback" not in pagina.text and "psycopg" not in pagina.text
        salud = requests.get(f"{WEB}/salud/", timeout=10)
        assert salud.status_code == 503 and salud.json()["estado"] == "falla"
    finally:
        servicio.pg("start")
    assert _avances(servicio, meta) == antes  # nothing half-saved during the outage
    for valor in ("6", "7", "8"):  # the next saves work, on either worker
        datos = usuario.fila(meta)
        datos[f"r-{meta}-4"] = valor
        respuesta = usuario.guardar(meta, datos)
        assert respuesta.status_code == 200 and respuesta.json()["estado"] == "guardado"
    assert _avances(servicio, meta)[4][0] == Decimal("8")


@drill_de_procesos
def test_celery_worker_killed_mid_report_is_redelivered_and_finishes(servicio):
    import psutil

    planeacion = Usuario(servicio, servicio.semilla["planeacion"])
    planeacion.http.get(f"{WEB}/reportes/", timeout=30)  # CSRF cookie
    respuesta = planeacion.http.post(
        f"{WEB}{reverse('reportes:generar')}",
        data={"reporte": "tmm-f004", "ejercicio": 2022, "trimestre": 1, "tipo": "xlsx",
              "ramo": servicio.semilla["ramo"]},
        headers={"X-CSRFToken": planeacion.http.cookies.get("csrftoken", "")},
        allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert respuesta.status_code == 302, respuesta.text[:300]
    assert servicio.redis.cola() == 1  # queued, no worker yet
    (trabajo_id,) = servicio.consulta(f"SELECT max(id) FROM {TrabajoReporte._meta.db_table}")[0]

    # Hold the job's row: the worker's first UPDATE waits there, mid-job.
    candado = servicio.conexion()
    cur = candado.cursor()
    cur.execute(f"SELECT id FROM {TrabajoReporte._meta.db_table} WHERE id = %s FOR UPDATE",
                [trabajo_id])  # fmt: skip
    worker = subprocess.Popen(
        [str(VENV / "celery"), "-A", "poa_site", "worker", "-c", "1", "-P", "prefork",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=RAIZ, env=servicio.entorno, stdout=subprocess.DEVNULL,
        stderr=open(servicio.carpeta / "celery.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    try:
        esperando = "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        _esperar(lambda: servicio.consulta(esperando), 60, "el worker toma el trabajo")
        (hijo,) = psutil.Process(worker.pid).children()
        os.kill(hijo.pid, signal.SIGKILL)  # the process rendering the report dies
        candado.rollback()
        candado.close()

        def estado():
            fila = servicio.consulta(
                f"SELECT estado, archivo FROM {TrabajoReporte._meta.db_table} WHERE id = %s",
                trabajo_id,
            )[0]
            return fila if fila[0] in ("TERMINADO", "ERROR") else None

        final, archivo = _esperar(estado, 60, "el trabajo se entrega de nuevo y termina")
        assert final == "TERMINADO" and archivo
        assert (servicio.carpeta / "media" / archivo).is_file()
        url = reverse("reportes:trabajo_estado", args=[trabajo_id])
        vista = planeacion.http.get(f"{WEB}{url}", timeout=30).json()
        assert vista["estado"] == "TERMINADO" and vista["descarga"]
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
