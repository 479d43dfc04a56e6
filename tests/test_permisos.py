"""Permission matrix: every URL of the site × every persona (and anonymous) → expected status.

HOW TO ADD A SCREEN (every engineer, for every new route):
    Add one entry to MATRIZ below, keyed by the route's full name ("app:name"):

        "reportes:descargar": Ruta(
            kwargs=lambda c: {"unidad_id": c.poa.unidad_a1.pk, "trimestre": 2},
            esperado=en_ambito(200),          # or todos(200), solo_planeacion(), estados(...)
        ),

    * `kwargs(c)` builds the URL kwargs from `c` (a Contexto: `c.poa`, `c.personas` and
      `c.fixture("name")` for any other pytest fixture, e.g. "poa_demo").
    * `esperado` maps each persona in ROLES to the status of a request by that persona;
      build it with the helpers (`todos`, `en_ambito`, `solo_planeacion`, `estados`).
      Anonymous users get 302 (to the login page) unless you say otherwise.
    * `metodo="post"` (with optional `datos(c)` for the body) for POST-only actions; the
      check then also asserts that GET answers 405 when `get_405=True`.
    * `query` appends a query string (e.g. "?formato=xlsx").

`test_every_route_is_in_the_matrix` walks the URL resolver (every included app, except the
admin and static files) and fails when a route has no row, or a row names a route that no
longer exists, so no screen can skip this check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from avances.models import Avance
from programas.models import Asignacion

ANONIMO = "anonimo"
ROLES = (
    ANONIMO,
    "capturista",  # captures unidad A1
    "responsable_unidad",  # Elaboró, unidad A1
    "responsable_programa",  # Revisó, programa A (unidades A1 and A2)
    "responsable_ramo",  # Autorizó, ramo A
    "planeacion",
    "consulta",  # read-only over ramo A
    "ajeno",  # capturista of unidad B1 (another ramo)
)
EN_AMBITO_A1 = (
    "capturista",
    "responsable_unidad",
    "responsable_programa",
    "responsable_ramo",
    "planeacion",
    "consulta",
)


def estados(por_omision: int, *, anonimo: int = 302, **por_rol: int) -> dict[str, int]:
    """{persona: status}: `por_omision` for every logged-in persona, overridden per role."""
    desconocidos = set(por_rol) - set(ROLES)
    if desconocidos:
        raise ValueError(f"Roles desconocidos: {desconocidos}")
    resultado = {rol: por_omision for rol in ROLES}
    resultado[ANONIMO] = anonimo
    resultado.update(por_rol)
    return resultado


def todos(status: int = 200, **por_rol: int) -> dict[str, int]:
    """Every logged-in persona gets `status`."""
    return estados(status, **por_rol)


def en_ambito(status: int = 200, **por_rol: int) -> dict[str, int]:
    """An object of unidad A1: every persona whose scope covers it gets `status`; ajeno 404."""
    return estados(status, ajeno=404, **por_rol)


def solo_planeacion(status: int = 200, **por_rol: int) -> dict[str, int]:
    """Planeación gets `status`; every other logged-in persona 403."""
    return estados(403, planeacion=status, **por_rol)


@dataclass
class Contexto:
    poa: object
    personas: object
    request: pytest.FixtureRequest

    def fixture(self, nombre: str):
        return self.request.getfixturevalue(nombre)


@dataclass(frozen=True)
class Ruta:
    esperado: dict[str, int]
    kwargs: Callable[[Contexto], dict] = lambda c: {}
    metodo: str = "get"
    datos: Callable[[Contexto], dict] | None = None
    query: str = ""
    get_405: bool = True
    notas: str = field(default="", compare=False)


def _asignacion_de_consulta(c: Contexto) -> dict:
    return {"pk": Asignacion.objects.get(usuario=c.personas.consulta).pk}


def _solicitud_de_reapertura(c: Contexto) -> dict:
    """A pending request to reopen the authorized T1 of (programa A, unidad A1)."""
    from avances.models import SolicitudReapertura, TrimestreFirma

    firma = TrimestreFirma.objects.create(
        programa=c.poa.programa_a, unidad=c.poa.unidad_a1, trimestre=1, estado="AUTORIZADO"
    )
    solicitud = SolicitudReapertura.objects.create(
        firma=firma, solicitante=c.personas.capturista, solicitante_nombre="C", motivo="M"
    )
    return {"pk": solicitud.pk}


def _indicador_de_prueba(c: Contexto):
    """An indicator of programa A reported by unidad A1 (created once per test)."""
    from programas.models import Indicador, ObjetivoMIR

    objetivo, _ = ObjetivoMIR.objects.get_or_create(
        programa=c.poa.programa_a, clave="P", defaults={"nivel": "PROPOSITO",
                                                        "resumen_narrativo": "Propósito"},
    )  # fmt: skip
    indicador, _ = Indicador.objects.get_or_create(
        programa=c.poa.programa_a, clave="P.1",
        defaults={"objetivo": objetivo, "nombre": "Indicador", "formula": "A * 100",
                  "unidad_medida": "%", "frecuencia": "TRIMESTRAL", "unidad": c.poa.unidad_a1},
    )  # fmt: skip
    return indicador


def _trabajo_del_capturista(c: Contexto) -> dict:
    from tests.apoyo_reportes import trabajo_terminado

    return {"pk": trabajo_terminado(c.personas.capturista).pk}


MATRIZ: dict[str, Ruta] = {
    # --- Autenticación ------------------------------------------------------------------
    "login": Ruta(esperado=todos(302, anonimo=200)),  # logged-in users are sent home
    "logout": Ruta(esperado=todos(302), metodo="post"),
    # --- avances (captura) ------------------------------------------------------------
    "avances:inicio": Ruta(esperado=todos(200)),
    "avances:captura": Ruta(
        kwargs=lambda c: {"unidad_id": c.poa.unidad_a1.pk, "trimestre": 2},
        esperado=en_ambito(200),
    ),
    # Row save of the grid (POST only): the capturista saves, others in scope 403, ajeno 404.
    "avances:guardar_fila": Ruta(
        kwargs=lambda c: {
            "unidad_id": c.poa.unidad_a1.pk,
            "trimestre": 2,
            "meta_id": c.poa.metas_a1[0].pk,
        },
        metodo="post",
        datos=lambda c: {},
        esperado=estados(403, capturista=200, ajeno=404),
    ),
    "avances:captura_indicadores": Ruta(
        kwargs=lambda c: {"unidad_id": c.poa.unidad_a1.pk, "trimestre": 2},
        esperado=en_ambito(200),
    ),
    "avances:historial": Ruta(
        kwargs=lambda c: {"meta_id": c.poa.metas_a1[0].pk}, esperado=en_ambito(200)
    ),
    "avances:periodos": Ruta(esperado=solo_planeacion()),
    "avances:asignaciones": Ruta(esperado=solo_planeacion()),
    "avances:usuario_nuevo": Ruta(esperado=solo_planeacion()),
    "avances:asignacion_eliminar": Ruta(
        kwargs=_asignacion_de_consulta, esperado=solo_planeacion(302), metodo="post"
    ),
    # --- firmas (sign-off engineer) -----------------------------------------------------
    "firmas:bandeja": Ruta(esperado=todos(200)),
    # Every signer and Consulta see the board of their own scope; capturistas get 403.
    "firmas:tablero": Ruta(esperado=todos(200, capturista=403, ajeno=403)),
    # A signer (or Planeación) who cannot capture emails the missing items of T1 to the
    # capturistas (→ redirect to the review page); capturista and consulta 403, another ramo 404.
    "firmas:pedir_captura": Ruta(
        kwargs=lambda c: {
            "programa_id": c.poa.programa_a.pk,
            "unidad_id": c.poa.unidad_a1.pk,
            "trimestre": 1,
        },
        esperado=estados(302, capturista=403, consulta=403, ajeno=404),
        metodo="post",
    ),  # fmt: skip
    "firmas:panel": Ruta(
        kwargs=lambda c: {
            "programa_id": c.poa.programa_a.pk,
            "unidad_id": c.poa.unidad_a1.pk,
            "trimestre": 1,
        },
        esperado=en_ambito(200),
    ),  # fmt: skip
    # Only the unidad's responsable may send (refused for missing capture → redirect); every
    # other role in scope gets 403 and another ramo 404.
    "firmas:accion": Ruta(
        kwargs=lambda c: {
            "programa_id": c.poa.programa_a.pk,
            "unidad_id": c.poa.unidad_a1.pk,
            "trimestre": 1,
        },
        esperado=estados(403, responsable_unidad=302, ajeno=404),
        metodo="post",
        datos=lambda c: {"accion": "ENVIAR"},
    ),  # fmt: skip
    # Public (no login): only what the printed report shows; an unknown code is 404.
    "firmas:verificar": Ruta(
        kwargs=lambda c: {"codigo": "ABCDEFGHIJ"}, esperado=todos(404, anonimo=404)
    ),
    "firmas:verificar_inicio": Ruta(esperado=todos(200, anonimo=200)),
    "salud": Ruta(esperado=todos(200, anonimo=200)),  # /salud/ sin sesión (issue 16)
    # The tablero shows each user their own scope (an empty scope says so); anonymous → login.
    "tablero:index": Ruta(esperado=todos(200)),
    # The admin's login: the form for anonymous users, a redirect for everyone signed in
    # (home with a message, or the admin index for Planeación staff).
    "admin_entrada": Ruta(esperado=todos(302, anonimo=200)),
    # --- reapertura a solicitud (reopening engineer) -----------------------------------------
    "firmas:reaperturas": Ruta(esperado=solo_planeacion()),
    # Signers and the capturista may ask (T1 is not authorized: refused → redirect); Consulta
    # and Planeación (who reopens directly) 403; another ramo 404.
    "firmas:reapertura_solicitar": Ruta(
        kwargs=lambda c: {
            "programa_id": c.poa.programa_a.pk,
            "unidad_id": c.poa.unidad_a1.pk,
            "trimestre": 1,
        },
        esperado=estados(302, consulta=403, planeacion=403, ajeno=404),
        metodo="post",
        datos=lambda c: {"motivo": "Corregir marzo"},
    ),  # fmt: skip
    "firmas:reapertura_aprobar": Ruta(
        kwargs=_solicitud_de_reapertura,
        esperado=estados(403, planeacion=302, ajeno=404),
        metodo="post",
    ),
    "firmas:reapertura_rechazar": Ruta(
        kwargs=_solicitud_de_reapertura,
        esperado=estados(403, planeacion=302, ajeno=404),
        metodo="post",
        datos=lambda c: {"comentario": "No procede"},
    ),
    # --- reportes (reports engineer) ------------------------------------------------------
    "reportes:index": Ruta(esperado=todos(200)),
    # Without ramo the export is narrowed to each persona's own metas (ajeno: unidad B1).
    "reportes:descargar": Ruta(
        esperado=todos(200), query="?reporte=tmm-f004&tipo=xlsx&ejercicio=2022&trimestre=1"
    ),
    "reportes:generar": Ruta(
        esperado=en_ambito(302),
        metodo="post",
        datos=lambda c: {
            "reporte": "tmm-f004",
            "tipo": "xlsx",
            "ejercicio": 2022,
            "trimestre": 1,
            "unidad": c.poa.unidad_a1.pk,
        },  # fmt: skip
    ),
    # A job is its requester's only (the capturista's here): anyone else gets 404.
    "reportes:trabajo": Ruta(kwargs=_trabajo_del_capturista, esperado=estados(404, capturista=200)),
    "reportes:trabajo_estado": Ruta(
        kwargs=_trabajo_del_capturista, esperado=estados(404, capturista=200)
    ),
    "reportes:trabajo_descargar": Ruta(
        kwargs=_trabajo_del_capturista, esperado=estados(404, capturista=200)
    ),
    # --- programas / importacion (structure and import engineers) --------------------------
    "programas:estructura": Ruta(esperado=todos(200)),
    "programas:meta": Ruta(
        kwargs=lambda c: {"meta_id": c.poa.metas_a1[0].pk}, esperado=en_ambito(200)
    ),
    # In scope but not Planeación → 403; out of scope → 404 (no information leak).
    "programas:reprogramar": Ruta(
        kwargs=lambda c: {"meta_id": c.poa.metas_a1[0].pk},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:reexpedir": Ruta(
        kwargs=lambda c: {"alcance": "unidad", "pk": c.poa.unidad_a1.pk},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:copiar": Ruta(esperado=solo_planeacion()),
    # Everybody reads the responsables within scope; only Planeación may post changes.
    "programas:responsables": Ruta(esperado=todos(200)),
    "programas:meta_nueva": Ruta(esperado=solo_planeacion()),
    "programas:catalogo_nuevo": Ruta(kwargs=lambda c: {"tipo": "ramo"}, esperado=solo_planeacion()),
    "programas:catalogo_editar": Ruta(
        kwargs=lambda c: {"tipo": "unidad", "pk": c.poa.unidad_a1.pk}, esperado=solo_planeacion()
    ),
    "programas:meta_editar": Ruta(
        kwargs=lambda c: {"meta_id": c.poa.metas_a1[0].pk},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    # The MIR of a programa: read within scope, written by Planeación only (planeacion.views_mir).
    "programas:mir": Ruta(
        kwargs=lambda c: {"programa_id": c.poa.programa_a.pk}, esperado=en_ambito(200)
    ),
    "programas:mir_objetivo_nuevo": Ruta(
        kwargs=lambda c: {"programa_id": c.poa.programa_a.pk},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:mir_objetivo": Ruta(
        kwargs=lambda c: {"pk": _indicador_de_prueba(c).objetivo_id},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:mir_objetivo_borrar": Ruta(
        kwargs=lambda c: {"pk": _indicador_de_prueba(c).objetivo_id},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:mir_indicador_nuevo": Ruta(  # a MIR with an objective (else: back to the MIR)
        kwargs=lambda c: {"programa_id": _indicador_de_prueba(c).programa_id},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:mir_indicador": Ruta(
        kwargs=lambda c: {"pk": _indicador_de_prueba(c).pk},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:mir_indicador_borrar": Ruta(
        kwargs=lambda c: {"pk": _indicador_de_prueba(c).pk},
        esperado=estados(403, planeacion=200, ajeno=404),
    ),
    "programas:mir_formula": Ruta(
        esperado=solo_planeacion(), metodo="post", datos=lambda c: {"formula": "A / B"}
    ),
    # Capturistas (capturista, ajeno) are sent from the landing page to their capture sheets.
    "importacion:index": Ruta(esperado=estados(403, planeacion=200, capturista=302, ajeno=302)),
    "importacion:subir": Ruta(esperado=estados(403, planeacion=400), metodo="post"),  # no file
    "importacion:exportar": Ruta(kwargs=lambda c: {"anio": 2022}, esperado=solo_planeacion()),
    "importacion:captura": Ruta(esperado=estados(403, capturista=200, ajeno=200)),
    "importacion:captura_subir": Ruta(
        esperado=estados(403, capturista=400, ajeno=400), metodo="post"
    ),
    "importacion:captura_descargar": Ruta(
        kwargs=lambda c: {"unidad_id": c.poa.unidad_a1.pk, "trimestre": 2},
        esperado=en_ambito(200),
    ),
    # A pending upload belongs to its uploader's session: anyone else gets 404.
    "importacion:previa": Ruta(kwargs=lambda c: {"token": "A" * 32}, esperado=todos(404)),
    "importacion:confirmar": Ruta(
        kwargs=lambda c: {"token": "A" * 32}, esperado=todos(404), metodo="post"
    ),
    "importacion:cancelar": Ruta(
        kwargs=lambda c: {"token": "A" * 32}, esperado=todos(404), metodo="post"
    ),
    # A background import belongs to its uploader: anyone else's (or none) is 404.
    "importacion:trabajo": Ruta(kwargs=lambda c: {"pk": 999999}, esperado=todos(404)),
    "importacion:trabajo_estado": Ruta(kwargs=lambda c: {"pk": 999999}, esperado=todos(404)),
    "importacion:trabajo_confirmar": Ruta(
        kwargs=lambda c: {"pk": 999999}, esperado=todos(404), metodo="post"
    ),
    "importacion:trabajo_reintentar": Ruta(
        kwargs=lambda c: {"pk": 999999}, esperado=todos(404), metodo="post"
    ),
    "importacion:trabajo_cancelar": Ruta(
        kwargs=lambda c: {"pk": 999999}, esperado=todos(404), metodo="post"
    ),
    # --- publico: portal de transparencia, datos abiertos, API (issue 15) --------------------
    # No login anywhere; this POA has no authorized quarter, so every period page and
    # download is 404 for everybody (tests/test_publico.py covers the authorized case).
    "publico:index": Ruta(esperado=todos(200, anonimo=200)),
    "publico:trimestre": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1}, esperado=todos(404, anonimo=404)
    ),
    "publico:ramo": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1, "ramo_id": c.poa.ramo_a.pk},
        esperado=todos(404, anonimo=404),
    ),
    "publico:pdf_firmado": Ruta(
        kwargs=lambda c: {
            "anio": 2022,
            "trimestre": 1,
            "programa_id": c.poa.programa_a.pk,
            "unidad_id": c.poa.unidad_a1.pk,
        },
        esperado=todos(404, anonimo=404),
    ),  # fmt: skip
    "publico:datos": Ruta(esperado=todos(200, anonimo=200)),
    "publico:diccionario": Ruta(
        kwargs=lambda c: {"conjunto": "metas"}, esperado=todos(200, anonimo=200)
    ),
    "publico:diccionario_archivo": Ruta(
        kwargs=lambda c: {"conjunto": "metas", "formato": "csv"}, esperado=todos(200, anonimo=200)
    ),
    "publico:metas": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1, "formato": "csv"},
        esperado=todos(404, anonimo=404),
    ),
    "publico:fraccion_iv": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1}, esperado=todos(404, anonimo=404)
    ),
    # MIR indicators (tests/test_publico_indicadores.py covers the authorized case).
    "publico:indicadores": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1, "formato": "csv"},
        esperado=todos(404, anonimo=404),
    ),
    "publico:variables": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1, "formato": "json"},
        esperado=todos(404, anonimo=404),
    ),
    "publico:fraccion_v": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1}, esperado=todos(404, anonimo=404)
    ),
    "publico:fraccion_vi": Ruta(
        kwargs=lambda c: {"anio": 2022, "trimestre": 1}, esperado=todos(404, anonimo=404)
    ),
    # The read API answers everybody (anonymous: authorized data only; logged in: scope).
    "api:api-root": Ruta(esperado=todos(200, anonimo=200)),
    "api:schema": Ruta(esperado=todos(200, anonimo=200)),
    "api:docs": Ruta(esperado=todos(200, anonimo=200)),
    "api:ejercicio-list": Ruta(esperado=todos(200, anonimo=200)),
    "api:ramo-list": Ruta(esperado=todos(200, anonimo=200)),
    "api:programa-list": Ruta(esperado=todos(200, anonimo=200)),
    "api:unidad-list": Ruta(esperado=todos(200, anonimo=200)),
    "api:meta-list": Ruta(esperado=todos(200, anonimo=200)),
    "api:reporte-list": Ruta(esperado=todos(200, anonimo=200)),
    "api:indicador-list": Ruta(esperado=todos(200, anonimo=200)),
    "api:indicador-detail": Ruta(  # this POA has no indicator: 404 for everybody
        kwargs=lambda c: {"pk": 999999}, esperado=todos(404, anonimo=404)
    ),
    "api:token": Ruta(esperado=todos(200)),  # one's own token page; anonymous → login
}

EXCLUIDOS = ("admin",)  # namespaces not covered by the matrix (the admin has its own checks)


def rutas_del_sitio(resolver=None, prefijo: str = "") -> set[str]:
    """Full names of every route of the site, walking every include (admin excluded)."""
    resolver = resolver or get_resolver()
    nombres: set[str] = set()
    for patron in resolver.url_patterns:
        if isinstance(patron, URLResolver):
            if patron.namespace in EXCLUIDOS or patron.app_name in EXCLUIDOS:
                continue
            sub = f"{prefijo}{patron.namespace}:" if patron.namespace else prefijo
            nombres |= rutas_del_sitio(patron, sub)
        elif isinstance(patron, URLPattern):
            ruta = str(patron.pattern)
            if ruta.startswith(("static/", "media/", "^static", "^media")):
                continue
            nombres.add(prefijo + (patron.name or f"<sin nombre: {ruta}>"))
    return nombres


def test_every_route_is_in_the_matrix():
    del_sitio = rutas_del_sitio()
    faltan = sorted(del_sitio - set(MATRIZ))
    sobran = sorted(set(MATRIZ) - del_sitio)
    assert not faltan, (
        f"Rutas sin fila en la matriz de permisos (tests/test_permisos.py, MATRIZ): {faltan}"
    )
    assert not sobran, f"Filas de la matriz cuyas rutas ya no existen: {sobran}"


def test_matrix_rows_cover_every_persona():
    for nombre, ruta in MATRIZ.items():
        assert set(ruta.esperado) == set(ROLES), nombre


def _caso(nombre: str, rol: str):
    return pytest.param(nombre, rol, id=f"{nombre}-{rol}")


@pytest.mark.parametrize(
    ("nombre", "rol"), [_caso(nombre, rol) for nombre in MATRIZ for rol in ROLES]
)
def test_permission_matrix(nombre, rol, poa, personas, request):
    ruta = MATRIZ[nombre]
    contexto = Contexto(poa, personas, request)
    url = reverse(nombre, kwargs=ruta.kwargs(contexto) or None) + ruta.query
    cliente = Client()
    if rol != ANONIMO:
        cliente.force_login(getattr(personas, rol))
    if ruta.metodo == "post":
        respuesta = cliente.post(url, ruta.datos(contexto) if ruta.datos else {})
    else:
        respuesta = cliente.get(url)
    esperado = ruta.esperado[rol]
    assert respuesta.status_code == esperado, (
        f"{ruta.metodo.upper()} {url} como {rol}: {respuesta.status_code}, se esperaba {esperado}"
    )
    if esperado == 302 and rol == ANONIMO and nombre not in ("logout",):
        assert respuesta["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "nombre", [n for n, r in MATRIZ.items() if r.metodo == "post" and r.get_405]
)
def test_post_only_routes_refuse_get(nombre, poa, personas, request):
    ruta = MATRIZ[nombre]
    cliente = Client()
    cliente.force_login(personas.planeacion)
    url = reverse(nombre, kwargs=ruta.kwargs(Contexto(poa, personas, request)) or None)
    assert cliente.get(url).status_code == 405


# --- Guessed ids and insufficient roles ------------------------------------------------


def test_guessed_ids_of_another_unidad_are_404(client, poa, personas):
    client.force_login(personas.capturista)
    ajena = poa.metas_b1[0]
    assert client.get(reverse("avances:historial", args=[ajena.pk])).status_code == 404
    assert client.get(reverse("avances:captura", args=[poa.unidad_b1.pk, 1])).status_code == 404
    assert client.get(reverse("avances:captura", args=[poa.unidad_a2.pk, 1])).status_code == 404
    assert client.get(reverse("avances:historial", args=[999999])).status_code == 404
    respuesta = client.post(
        reverse("avances:captura", args=[poa.unidad_b1.pk, 1]), {f"r-{ajena.pk}-1": "5"}
    )
    assert respuesta.status_code == 404
    assert not Avance.objects.exists()


def test_grid_with_invalid_quarter_is_404(client, poa, personas):
    client.force_login(personas.capturista)
    assert client.get(f"/captura/{poa.unidad_a1.pk}/5/").status_code == 404
    assert client.get(f"/captura/{poa.unidad_a1.pk}/0/").status_code == 404


@pytest.mark.parametrize(
    "rol",
    ["responsable_unidad", "responsable_programa", "responsable_ramo", "planeacion", "consulta"],
)
def test_roles_that_do_not_capture_get_403_when_saving_a_grid_in_scope(client, poa, personas, rol):
    meta = poa.metas_a1[0]
    client.force_login(getattr(personas, rol))
    url = reverse("avances:captura", args=[poa.unidad_a1.pk, 2])
    assert client.get(url).status_code == 200  # they may look at it
    respuesta = client.post(url, {f"r-{meta.pk}-4": "5", f"v-{meta.pk}-4": "0.x"})
    assert respuesta.status_code == 403
    assert "No tiene permiso" in respuesta.content.decode()
    assert not Avance.objects.exists()


def test_every_form_requires_csrf(poa, personas):
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(personas.capturista)
    meta = poa.metas_a1[0]
    url = reverse("avances:captura", args=[poa.unidad_a1.pk, 2])
    assert cliente.post(url, {f"r-{meta.pk}-4": "5"}).status_code == 403
    cliente.force_login(personas.planeacion)
    assert (
        cliente.post(reverse("avances:periodos"), {"accion": "cerrar_mes", "mes": 1}).status_code
        == 403
    )
    assert cliente.post(reverse("avances:asignaciones"), {}).status_code == 403
    assert not Avance.objects.exists()


def test_pages_with_forms_carry_the_csrf_token(client, poa, personas):
    client.force_login(personas.capturista)
    html = client.get(reverse("avances:captura", args=[poa.unidad_a1.pk, 2])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    client.force_login(personas.planeacion)
    for nombre in ("avances:periodos", "avances:asignaciones", "avances:usuario_nuevo"):
        assert 'name="csrfmiddlewaretoken"' in client.get(reverse(nombre)).content.decode()


def test_sixth_failed_login_is_blocked_with_the_spanish_lockout_page(client, poa, personas):
    url = reverse("login")
    for _ in range(5):
        respuesta = client.post(url, {"username": "capturista", "password": "equivocada"})
        assert respuesta.status_code in (200, 429)
    respuesta = client.post(url, {"username": "capturista", "password": "clave-segura-123"})
    assert respuesta.status_code == 429
    html = respuesta.content.decode()
    assert "Acceso bloqueado temporalmente" in html
    assert "demasiados intentos fallidos" in html
    assert "_auth_user_id" not in client.session


def test_successful_login_before_the_limit_still_works(client, poa, personas):
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": "capturista", "password": "equivocada"})
    respuesta = client.post(url, {"username": "capturista", "password": "clave-segura-123"})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == reverse("avances:inicio")


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_inactive_user_cannot_log_in(client, poa, personas):
    get_user_model().objects.filter(pk=personas.capturista.pk).update(is_active=False)
    respuesta = client.post(
        reverse("login"), {"username": "capturista", "password": "clave-segura-123"}
    )
    assert respuesta.status_code == 200
    assert "_auth_user_id" not in client.session
