"""Locust scenario of the capture deadline (run by bench/carga/correr.sh, `make carga`).

People (accounts made by preparar.py, listed in ``$CARGA_DIR/usuarios.json``):

* Capturista: opens the grid of the 3rd or 4th quarter (GET /captura/<u>/<t>/) and saves
  rows one at a time like the grid's JavaScript (POST …/fila/<meta>/ with r-/o-/v-), with
  think time. Those on a shared unidad work on its first metas, so saves conflict (409).
* Firmante: Elaboró sends, Revisó reviews, Autorizó authorizes the 1st/2nd quarter from the
  review panel (/firmas/<programa>/<unidad>/<t>/ and its accion/).
* Tesorería: asks the consolidated TMM-F004 in XLSX and PDF as background jobs from
  /reportes/ and follows each job's progress until it ends.
* Anónimo: reads /transparencia/.

Every answer of a row save is written to ``$CARGA_DIR/registro.json`` when the run stops:
what the server confirmed (200) to each simulated user, the conflicts it reported (409)
and the saves whose answer never arrived; verificar.py checks the database against it.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

CARPETA = Path(os.environ.get("CARGA_DIR", "var/carga"))
PERSONAS = json.loads((CARPETA / "usuarios.json").read_text(encoding="utf-8"))
CONTRASENA = PERSONAS["contrasena"]
ANIO = PERSONAS["anio"]
MESES = {3: (7, 8, 9), 4: (10, 11, 12)}
_FICHA = re.compile(r'name="v-(\d+)-(\d+)" value="([^"]*)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ACCION = re.compile(
    r'name="accion" value="([A-Z]+)"><input type="hidden" name="version" value="(\d+)"'
)

REGISTRO: dict[str, list] = {"confirmados": [], "conflictos": [], "inciertos": [], "otros": []}
# Saves sent whose answer has not arrived (a user stopped mid-request): "inciertos".
PENDIENTES: dict[int, list] = {}
_envio = itertools.count()
_turno = {clase: itertools.count() for clase in ("cap", "firma", "teso")}


def _segundos(variable: str, omision: str) -> tuple[float, float]:
    """A think-time range "min,max" in seconds from the environment."""
    minimo, maximo = (float(x) for x in os.environ.get(variable, omision).split(","))
    return minimo, maximo


# Think time of a capturista: between two rows (typing the three months' R and, sometimes,
# an observación: a person at a keyboard takes seconds, not milliseconds) and between two
# visits to a grid. CARGA_PENSAR_FILA / CARGA_PENSAR_REJILLA override them ("min,max");
# "0.5,2" and "1,4" give the stress profile of the first runs (about 3× the request rate).
PENSAR_FILA = _segundos("CARGA_PENSAR_FILA", "3,8")
PENSAR_REJILLA = _segundos("CARGA_PENSAR_REJILLA", "5,15")


def _siguiente(clase: str, lista: list) -> dict | str:
    return lista[next(_turno[clase]) % len(lista)]


@events.test_stop.add_listener
def _guardar_registro(**_kwargs) -> None:
    for intentos in PENDIENTES.values():
        REGISTRO["inciertos"].extend(intentos)
    PENDIENTES.clear()
    (CARPETA / "registro.json").write_text(json.dumps(REGISTRO), encoding="utf-8")


class Persona(HttpUser):
    abstract = True
    usuario = ""

    def entrar(self, usuario: str) -> None:
        self.usuario = usuario
        if os.environ.get("CARGA_ENTRAR") != "1":  # the session preparar.py signed in
            dominio = re.sub(r"^https?://|:\d+$", "", self.host)
            self.client.cookies.set("sessionid", PERSONAS["sesiones"][usuario], domain=dominio)
            return  # the first page with a form sets the csrftoken cookie
        pagina = self.client.get("/entrar/", name="entrar (GET)")
        token = _CSRF.search(pagina.text)
        with self.client.post(
            "/entrar/",
            data={
                "username": usuario,
                "password": CONTRASENA,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/entrar/"},
            name="entrar (POST)",
            catch_response=True,
            allow_redirects=False,
        ) as r:
            if r.status_code != 302:
                r.failure(f"no entró {usuario}: {r.status_code}")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Capturista(Persona):
    weight = 70
    wait_time = between(*PENSAR_REJILLA)

    def on_start(self) -> None:
        datos = _siguiente("cap", PERSONAS["capturistas"])
        self.entrar(datos["usuario"])
        self.propia, self.compartida = datos["unidad"], datos["compartida"]
        self.n = 0

    @task
    def capturar(self) -> None:
        compartida = self.compartida is not None and random.random() < 0.7
        unidad = self.compartida if compartida else self.propia
        trimestre = random.choice((3, 4))
        url = f"/captura/{unidad}/{trimestre}/"
        with self.client.get(url, name="rejilla (GET)", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"rejilla {r.status_code}")
                return
            fichas: dict[int, dict[int, str]] = {}
            for meta, mes, ficha in _FICHA.findall(r.text):
                fichas.setdefault(int(meta), {})[int(mes)] = ficha
        if not fichas:
            return
        metas = sorted(fichas)
        if compartida:
            metas = metas[:3]  # both capturistas of the unidad edit the same rows
        for _ in range(random.randint(2, 5)):
            self.guardar(unidad, trimestre, random.choice(metas), fichas)
            time.sleep(random.uniform(*PENSAR_FILA))  # think time between rows

    def guardar(self, unidad: int, trimestre: int, meta: int, fichas: dict) -> None:
        self.n += 1
        datos = {"csrfmiddlewaretoken": self.csrf()}
        enviados = {}
        for mes in MESES[trimestre]:
            if mes not in fichas[meta]:
                continue
            valor = str(random.randint(5, 15))
            obs = f"{self.usuario} #{self.n}"
            datos.update({f"r-{meta}-{mes}": valor, f"o-{meta}-{mes}": obs})
            datos[f"v-{meta}-{mes}"] = fichas[meta][mes]
            enviados[mes] = (valor, obs)
        base = {"usuario": self.usuario, "meta": meta, "t": time.time()}
        envio = next(_envio)
        PENDIENTES[envio] = [{**base, "mes": m, "r": v, "o": o} for m, (v, o) in enviados.items()]
        self._enviar(unidad, trimestre, meta, fichas, datos, enviados, base, envio)

    def _enviar(self, unidad, trimestre, meta, fichas, datos, enviados, base, envio) -> None:
        with self.client.post(
            f"/captura/{unidad}/{trimestre}/fila/{meta}/",
            data=datos,
            headers={"X-CSRFToken": self.csrf(), "Referer": f"{self.host}/captura/"},
            name="guardar fila (POST)",
            catch_response=True,
        ) as r:
            PENDIENTES.pop(envio, None)  # an answer arrived (or the request failed)
            if r.status_code == 0 or r.status_code >= 500:
                for mes, (valor, obs) in enviados.items():
                    REGISTRO["inciertos"].append({**base, "mes": mes, "r": valor, "o": obs})
                r.failure(f"guardar {r.status_code}")
                return
            try:
                cuerpo = r.json()
            except ValueError:
                r.failure(f"guardar {r.status_code}: respuesta no JSON")
                return
            if r.status_code == 200 and cuerpo.get("estado") == "guardado":
                meses = cuerpo["fila"]["meses"]
                for mes, (valor, obs) in enviados.items():
                    ficha = meses[str(mes)]["ficha"]
                    fichas[meta][mes] = ficha
                    version = int(ficha.split(".")[0])
                    REGISTRO["confirmados"].append(
                        {**base, "mes": mes, "r": valor, "o": obs, "version": version}
                    )
                r.success()
            elif r.status_code == 409 and cuerpo.get("estado") == "conflicto":
                for mes, c in cuerpo.get("conflictos", {}).items():
                    fichas[meta][int(mes)] = c["ficha"]  # the user sees the other's value
                    REGISTRO["conflictos"].append({**base, "mes": int(mes), "de": c["usuario"]})
                r.success()  # a conflict shown to the user is the expected answer
            else:
                REGISTRO["otros"].append({**base, "estado": r.status_code, "cuerpo": cuerpo})
                r.failure(f"guardar {r.status_code} {cuerpo.get('estado')}")


class Firmante(Persona):
    weight = 15
    wait_time = between(3, 8)

    def on_start(self) -> None:
        datos = _siguiente("firma", PERSONAS["firmantes"])
        self.entrar(datos["usuario"])
        self.accion, self.programa, self.unidades = (
            datos["accion"],
            datos["programa"],
            datos["unidades"],
        )

    @task
    def firmar(self) -> None:
        self.client.get("/firmas/", name="bandeja de firmas (GET)")
        unidad, trimestre = random.choice(self.unidades), random.choice((1, 2))
        panel = f"/firmas/{self.programa}/{unidad}/{trimestre}/"
        r = self.client.get(panel, name="panel de firma (GET)")
        if r.status_code != 200:
            return
        posibles = dict(_ACCION.findall(r.text))
        if self.accion not in posibles:
            return  # nothing to sign here yet (or already signed)
        time.sleep(random.uniform(1, 3))  # reads the TMM-F004 preview
        with self.client.post(
            f"{panel}accion/",
            data={
                "accion": self.accion,
                "version": posibles[self.accion],
                "comentario": "",
                "csrfmiddlewaretoken": self.csrf(),
            },
            headers={"Referer": f"{self.host}{panel}"},
            name=f"firma {self.accion.lower()} (POST)",
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:  # the redirect to the panel is followed
                resp.failure(f"firma {resp.status_code}")


class Tesoreria(Persona):
    fixed_count = 1
    wait_time = between(5, 10)

    def on_start(self) -> None:
        self.entrar(_siguiente("teso", PERSONAS["tesoreria"]))
        self.tipos = itertools.cycle(("xlsx", "pdf"))

    @task
    def consolidado(self) -> None:
        self.client.get("/reportes/", name="reportes (GET)")
        tipo = next(self.tipos)
        with self.client.post(
            "/reportes/generar/",
            data={
                "reporte": "tmm-f004",
                "tipo": tipo,
                "ejercicio": ANIO,
                "trimestre": 2,
                "csrfmiddlewaretoken": self.csrf(),
            },
            headers={"Referer": f"{self.host}/reportes/"},
            name=f"pedir consolidado {tipo} (POST)",
            catch_response=True,
        ) as r:
            encontrado = re.search(r"/reportes/trabajos/(\d+)/", r.url or "")
            if r.status_code != 200 or not encontrado:
                r.failure(f"consolidado {r.status_code} {r.url}")
                return
        trabajo = encontrado.group(1)
        while True:  # the job page polls its state; stops when the run stops
            time.sleep(3)
            estado = self.client.get(
                f"/reportes/trabajos/{trabajo}/estado/", name="estado del trabajo (GET)"
            )
            if estado.status_code != 200 or estado.json()["estado"] not in (
                "PENDIENTE",
                "EN_PROCESO",
            ):
                break


class Anonimo(HttpUser):
    weight = 14
    wait_time = between(2, 6)

    @task(3)
    def portada(self) -> None:
        self.client.get("/transparencia/", name="transparencia (GET)")

    @task(1)
    def trimestre(self) -> None:  # public only once authorized: 404 until then
        with self.client.get(
            f"/transparencia/{ANIO}/{random.choice((1, 2))}/",
            name="transparencia trimestre (GET)",
            catch_response=True,
        ) as r:
            if r.status_code in (200, 404):
                r.success()

    @task(1)
    def datos(self) -> None:
        self.client.get("/transparencia/datos/", name="datos abiertos (GET)")
