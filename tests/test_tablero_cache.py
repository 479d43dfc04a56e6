"""The tablero's speed: constant queries, and a cache per (programa, unidad) that follows every
change of the data at once and recomputes only the pair that changed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avances.models import Avance, AvanceVariable, TrimestreFirma
from programas.models import (
    Asignacion,
    Ejercicio,
    Meta,
    Programado,
    Ramo,
    Reprogramacion,
    UnidadEjecutora,
    Variable,
)
from programas.numeros import formatear_numero
from programas.scope import Alcance
from reportes import tablero_cache
from reportes.selectors import reporte_datos
from reportes.tablero import tablero_datos
from reportes.tablero_indicadores import contexto_indicadores, indicadores_en_cache
from tests.apoyo_reportes import poa_sintetico
from tests.factories import UserFactory, asignar
from tests.test_publico_indicadores import poa_con_indicadores

pytestmark = pytest.mark.django_db
PLANEACION = Alcance(planeacion=True)


@pytest.fixture(autouse=True)
def _cache_vacia():
    cache.clear()
    yield
    cache.clear()


def _planeacion():
    usuario = UserFactory(username="planeacion_cache")
    asignar(usuario, Asignacion.Rol.PLANEACION)
    return usuario


def _pedir(client, usuario, ejercicio, **parametros) -> tuple[str, int]:
    client.force_login(usuario)
    client.get("/salud/")  # the session's own writes stay out of the count
    with CaptureQueriesContext(connection) as consultas:
        respuesta = client.get(
            "/tablero/", {"ejercicio": ejercicio.pk, "trimestre": 2, **parametros}
        )
    assert respuesta.status_code == 200
    return respuesta.content.decode(), len(consultas.captured_queries)


def _logrado(html: str, logrado, esperado) -> bool:
    texto = f"{formatear_numero(Decimal(logrado))} logrado de {formatear_numero(Decimal(esperado))}"
    return texto in html


def _en_cache(ejercicio, trimestre=2, **seleccion):
    return tablero_cache.tablero_en_cache(
        alcance=PLANEACION, anio=ejercicio.anio, trimestre=trimestre, ejercicio=ejercicio,
        **seleccion,
    )  # fmt: skip


def _referencia(ejercicio, nivel, trimestre=2, meta=None, **ids):
    """The tablero computed from scratch over `reporte_datos`, without any cache."""
    datos = reporte_datos(anio=ejercicio.anio, trimestre=trimestre, **ids)
    return tablero_datos(datos, nivel=nivel, meta_id=meta.pk if meta else None, ejercicio=ejercicio)


def test_query_count_is_the_same_for_3_and_30_times_the_metas_cold_warm_and_after_a_change(
    client,
):
    usuario = _planeacion()
    chico = poa_sintetico(anio=2019, ramos=1, unidades_por_ramo=2, metas_por_unidad=3)
    grande = poa_sintetico(anio=2020, ramos=6, unidades_por_ramo=5, metas_por_unidad=6)
    conteos = {}
    for nombre, ejercicio in (("chico", chico), ("grande", grande)):
        _, frio = _pedir(client, usuario, ejercicio)
        _, tibio = _pedir(client, usuario, ejercicio)
        Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio, mes=4).filter(
            meta=Meta.objects.filter(programa__ramo__ejercicio=ejercicio).first()
        ).update(realizado=Decimal(1))
        _, cambio = _pedir(client, usuario, ejercicio)
        conteos[nombre] = (frio, tibio, cambio)
    assert conteos["chico"] == conteos["grande"], conteos
    # Warm: session, user, scope, ejercicio, the data digests (one query), the deadlines
    # and the indicators' digest. Cold and after a change, the metas of the missing pairs
    # (five queries) and the indicators (one when there are none).
    assert conteos["grande"] == (13, 7, 12), conteos


def test_a_change_in_one_unidad_recomputes_only_that_unidad(monkeypatch):
    ejercicio = poa_sintetico(anio=2019, ramos=3, unidades_por_ramo=2, metas_por_unidad=3)
    llamadas = []
    original = tablero_cache.resumir_par
    monkeypatch.setattr(
        tablero_cache,
        "resumir_par",
        lambda par, *a, **k: llamadas.append(par) or original(par, *a, **k),
    )
    frio = _en_cache(ejercicio, nivel="municipio")
    assert len(llamadas) == 6
    assert _en_cache(ejercicio, nivel="municipio") == frio and len(llamadas) == 6

    meta = Meta.objects.filter(programa__ramo__ejercicio=ejercicio).order_by("id").last()
    Avance.objects.filter(meta=meta, mes=5).update(realizado=Decimal(0))
    despues = _en_cache(ejercicio, nivel="municipio")
    assert llamadas[6:] == [(meta.programa_id, meta.unidad_id)]
    assert despues != frio
    assert despues == _referencia(ejercicio, "municipio")


def test_cold_warm_and_after_a_change_equal_the_tablero_computed_from_scratch():
    ejercicio = poa_sintetico(anio=2019, ramos=2, unidades_por_ramo=2, metas_por_unidad=4)
    metas = list(Meta.objects.filter(programa__ramo__ejercicio=ejercicio).order_by("id"))
    # Some rojo (listed, explained and projected) and a meta of another tipo.
    Avance.objects.filter(meta__in=metas[::3], mes__in=[4, 5]).update(realizado=Decimal(1))
    Meta.objects.filter(pk=metas[1].pk).update(tipo_acumulacion="PROMEDIO")
    unidad = UnidadEjecutora.objects.get(pk=metas[0].unidad_id)
    selecciones = [
        ("municipio", {}, {}),
        ("ramo", {"ramo_id": unidad.ramo_id}, {}),
        ("programa", {"ramo_id": unidad.ramo_id, "programa_id": metas[0].programa_id}, {}),
        ("unidad", {"ramo_id": unidad.ramo_id, "unidad_id": unidad.pk}, {}),
        ("municipio", {}, {"meta": metas[1]}),
    ]
    for momento in ("frío", "caliente", "tras un cambio"):
        if momento == "frío":
            cache.clear()
        if momento == "tras un cambio":
            Avance.objects.filter(meta=metas[2], mes=6).update(realizado=Decimal(40))
        for nivel, ids, extra in selecciones:
            esperado = _referencia(ejercicio, nivel, **ids, **extra)
            assert _en_cache(ejercicio, nivel=nivel, **ids, **extra) == esperado, (momento, nivel)
    assert esperado.programado != [0] * 12 and esperado.metas and esperado.total.esperado


def test_every_kind_of_change_shows_at_once(client):
    usuario = _planeacion()
    ejercicio = poa_sintetico(anio=2019, ramos=1, unidades_por_ramo=2, metas_por_unidad=2)
    meta = Meta.objects.filter(programa__ramo__ejercicio=ejercicio).order_by("id").first()
    cambios = {
        "avance": lambda: Avance.objects.filter(meta=meta, mes=4).update(realizado=Decimal(2)),
        "observaciones": lambda: Avance.objects.filter(meta=meta, mes=4).update(
            observaciones="Lluvias en abril."
        ),
        "programado": lambda: Programado.objects.filter(meta=meta, mes=5).update(valor=Decimal(30)),
        "meta (save)": lambda: (setattr(meta, "descripcion", "Otra descripción"), meta.save()),
        "meta (update)": lambda: Meta.objects.filter(pk=meta.pk).update(sentido="DESCENDENTE"),
        "inicio": lambda: Meta.objects.filter(pk=meta.pk).update(mes_inicio=5),
        "reprogramación": lambda: Reprogramacion.objects.create(
            meta=meta,
            mes_desde=5,
            meta_anual_anterior=Decimal(200),
            meta_anual_nueva=meta.meta_anual,
            mes_inicio_anterior=1,
            mes_inicio_nuevo=5,
            motivo="Ajuste",
        ),  # fmt: skip
        "umbrales": lambda: Ejercicio.objects.filter(pk=ejercicio.pk).update(verde_min=Decimal(99)),
        "nombre de la unidad": lambda: UnidadEjecutora.objects.filter(pk=meta.unidad_id).update(
            nombre="Unidad renombrada"
        ),
    }
    anterior, _ = _pedir(client, usuario, ejercicio)
    for nombre, cambiar in cambios.items():
        cambiar()
        ejercicio.refresh_from_db()
        html, _ = _pedir(client, usuario, ejercicio)
        referencia = _referencia(ejercicio, "municipio")
        assert html != anterior, nombre
        assert _en_cache(ejercicio, nivel="municipio") == referencia, nombre
        anterior = html
    assert "Unidad renombrada" in html

    TrimestreFirma.objects.create(
        programa_id=meta.programa_id, unidad_id=meta.unidad_id, trimestre=2,
        estado=TrimestreFirma.Estado.ENVIADO,
    )  # fmt: skip
    html, _ = _pedir(client, usuario, ejercicio)
    assert "Enviado (esperando a Revisó)" in html


def test_the_cached_tablero_follows_writes_that_bypass_models_and_signals(client):
    """Bulk `update()`s (no signals, no version bump, no history) still change the figures."""
    usuario = _planeacion()
    ejercicio = poa_sintetico(anio=2019, ramos=1, unidades_por_ramo=1, metas_por_unidad=1)
    # One SUMA meta, P = 10 each month; R months 1..6 as poa_sintetico writes them.
    realizado = sum(
        a.realizado for a in Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio)
    )
    html, _ = _pedir(client, usuario, ejercicio)
    assert _logrado(html, realizado, 60)

    Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio, mes=1).update(
        realizado=Decimal(50)
    )
    nuevo = sum(
        a.realizado for a in Avance.objects.filter(meta__programa__ramo__ejercicio=ejercicio)
    )
    html, _ = _pedir(client, usuario, ejercicio)
    assert nuevo != realizado and _logrado(html, nuevo, 60)

    Programado.objects.filter(meta__programa__ramo__ejercicio=ejercicio, mes=2).update(
        valor=Decimal(25)
    )
    html, _ = _pedir(client, usuario, ejercicio)
    assert _logrado(html, nuevo, 75)

    Ramo.objects.filter(ejercicio=ejercicio).update(nombre="Ramo con nombre nuevo")
    html, _ = _pedir(client, usuario, ejercicio)
    assert "Ramo con nombre nuevo" in html


def test_only_the_changed_pairs_digest_changes():
    ejercicio = poa_sintetico(anio=2019, ramos=2, unidades_por_ramo=2, metas_por_unidad=2)
    meta = Meta.objects.filter(programa__ramo__ejercicio=ejercicio).order_by("id").first()
    antes = tablero_cache.leer_datos(ejercicio.pk, 2).versiones
    Avance.objects.filter(meta=meta, mes=3).update(
        observaciones="Otra justificación, más larga que la de antes"
    )
    despues = tablero_cache.leer_datos(ejercicio.pk, 2).versiones
    cambiados = {par for par in antes if antes[par] != despues[par]}
    assert cambiados == {(meta.programa_id, meta.unidad_id)} and len(antes) == 4


def test_the_indicators_are_cached_and_follow_their_data():
    ejercicio = poa_con_indicadores(2031, ramos=1, unidades=2, por_unidad=4)
    sel = {"ramo": None, "programa": None, "unidad": None}

    def ambos():
        datos = tablero_cache.leer_datos(ejercicio.pk, 2)
        with CaptureQueriesContext(connection) as consultas:
            guardado = indicadores_en_cache(
                alcance=PLANEACION, ejercicio=ejercicio, trimestre=2, sel=sel, datos=datos
            )
        fresco = contexto_indicadores(alcance=PLANEACION, ejercicio=ejercicio, trimestre=2, sel=sel)
        return guardado["indicadores"], fresco["indicadores"], len(consultas)

    guardado, fresco, frio = ambos()
    assert guardado == fresco and guardado.total == 8
    antes, _, tibio = ambos()
    assert antes == fresco and tibio == 1 < frio  # only the digest is read

    variables = Variable.objects.filter(indicador__programa__ramo__ejercicio=ejercicio)
    AvanceVariable.objects.bulk_create(
        AvanceVariable(variable=v, periodo=6, realizado=Decimal(3 if v.simbolo == "A" else 8))
        for v in variables
    )
    guardado, fresco, _ = ambos()
    assert guardado == fresco and guardado != antes, "la cifra nueva del indicador"
    AvanceVariable.objects.filter(variable__in=variables, variable__simbolo="A", periodo=6).update(
        realizado=Decimal(4)
    )
    antes, (guardado, fresco, _) = guardado, ambos()
    assert guardado == fresco and guardado != antes
    # A variable that reads a meta follows the meta's avances (through its pair's digest).
    variable = variables.filter(simbolo="A").first()
    meta = Meta.objects.filter(unidad_id=variable.indicador.unidad_id).first()
    Variable.objects.filter(pk=variable.pk).update(meta=meta)
    antes, (guardado, fresco, _) = guardado, ambos()
    assert guardado == fresco and guardado != antes
    Avance.objects.filter(meta=meta, mes__in=[4, 5, 6]).update(realizado=Decimal(0))
    antes, (guardado, fresco, _) = guardado, ambos()
    assert guardado == fresco and guardado != antes


def test_a_changed_scope_never_reuses_another_scopes_figures(client):
    ejercicio = poa_sintetico(anio=2019, ramos=2, unidades_por_ramo=1, metas_por_unidad=2)
    uno, dos = Ramo.objects.filter(ejercicio=ejercicio).order_by("clave")
    usuario = UserFactory(username="consulta_cache")
    asignacion = asignar(usuario, Asignacion.Rol.CONSULTA, uno)
    html, _ = _pedir(client, usuario, ejercicio)
    assert uno.nombre in html and dos.nombre not in html

    asignacion.ramo = dos
    asignacion.save()
    html, _ = _pedir(client, usuario, ejercicio)
    assert dos.nombre in html and uno.nombre not in html


def test_a_warm_page_is_the_same_page_as_the_cold_one(client):
    usuario = _planeacion()
    ejercicio = poa_sintetico(anio=2019, ramos=2, unidades_por_ramo=2, metas_por_unidad=3)
    sin_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    frio, _ = _pedir(client, usuario, ejercicio)
    tibio, _ = _pedir(client, usuario, ejercicio)
    assert "Captura y firma por unidad" in frio
    assert sin_token.sub("", frio) == sin_token.sub("", tibio)
