"""Public MIR indicators (issue 15): portal, datos abiertos (CSV/JSON/XLSX, fracciones V and
VI) and /api/v1/indicadores/. Only quarters whose (programa, unidad que lo reporta) report is
AUTORIZADO are ever visible without an account.

Scenario (on top of tests.test_publico's `publicado`: A1 T1 authorized, A1 T2 and A2 T1
revised, B1 untouched), all created before the authorization locks the values:
- F.1 (Fin, A1, trimestral): (A / B) * 100, A acumulable 9.5 of 10, B continua 100 of 100
  → resultado 9.5, meta 10, cumplimiento 95 % → verde (the ejercicio's 90–110).
- P.1 (Propósito, A1, own thresholds 95–105 / 80–120): A 45 of 50, B 50 → 90 % → amarillo
  (verde with the ejercicio's), justified.
- C1.1 (Componente, A1, semestral): nothing due in T1 → "sin medición".
- A1.1 (Actividad, A1): B alcanzado 0 → N/D, justified.
- C1.2 (A2, revised only) and B.1 (B1, nothing signed): never public.
Period 6 of F.1 (T2, revised) holds the secret value 7777.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from avances.firma import trimestre_reabrir
from avances.models import AvanceIndicador, AvanceVariable
from programas.models import (
    Indicador,
    ObjetivoMIR,
    Programa,
    ProgramadoVariable,
    Ramo,
    UnidadEjecutora,
    Variable,
)
from publico.diccionario import (
    COLUMNAS_FRACCION_V,
    COLUMNAS_FRACCION_VI,
    COLUMNAS_INDICADORES,
    COLUMNAS_VARIABLES,
)
from tests.apoyo_reportes import poa_sintetico
from tests.test_publico import _autorizar_todo, publicado  # noqa: F401  (A1 T1 authorized)

pytestmark = pytest.mark.django_db

SECRETOS = ("SECRETO-IND-A2", "SECRETO-IND-B1", "SECRETO-JUST-T2", "7777")
TRIMESTRAL = Indicador.Frecuencia.TRIMESTRAL
AREA = "Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualiza(n) la información"


@pytest.fixture(autouse=True)
def _cache_limpia():
    cache.clear()
    yield
    cache.clear()


def _objetivo(programa, nivel, clave, componente=None):
    return ObjetivoMIR.objects.create(
        programa=programa, nivel=nivel, clave=clave, componente=componente,
        resumen_narrativo=f"Objetivo {clave} del programa {programa.clave}",
    )  # fmt: skip


def crear_indicador(objetivo, unidad, clave, valores, *, frecuencia=TRIMESTRAL, **campos):
    """An indicator over A and B; `valores` = {símbolo: (comportamiento, {periodo: (P, R)})}."""
    nivel = objetivo.nivel
    estrategico = nivel in (ObjetivoMIR.Nivel.FIN, ObjetivoMIR.Nivel.PROPOSITO)
    ind = Indicador.objects.create(
        programa=objetivo.programa, objetivo=objetivo, unidad=unidad, clave=clave,
        nombre=campos.pop("nombre", f"Indicador {clave}"), formula=campos.pop("formula",
        "(A / B) * 100"), unidad_medida="Porcentaje", frecuencia=frecuencia,
        tipo=Indicador.Tipo.ESTRATEGICO if estrategico else Indicador.Tipo.GESTION,
        definicion=f"Definición de {clave}", **campos,
    )  # fmt: skip
    for simbolo, (comportamiento, periodos) in valores.items():
        variable = Variable.objects.create(
            indicador=ind, simbolo=simbolo, nombre=f"Variable {simbolo} de {clave}",
            comportamiento=comportamiento, fuente=f"Registro {simbolo}",
        )  # fmt: skip
        for periodo, (p, r) in periodos.items():
            ProgramadoVariable.objects.create(variable=variable, periodo=periodo, valor=D(p))
            if r is not None:
                AvanceVariable.objects.create(variable=variable, periodo=periodo, realizado=D(r))
    return ind


ACU, CON = Variable.Comportamiento.ACUMULABLE, Variable.Comportamiento.CONTINUA


@pytest.fixture
def indicadores(poa):
    """The scenario's indicators, created before `publicado` authorizes A1 T1."""
    Nivel = ObjetivoMIR.Nivel
    fin = _objetivo(poa.programa_a, Nivel.FIN, "F")
    proposito = _objetivo(poa.programa_a, Nivel.PROPOSITO, "P")
    componente = _objetivo(poa.programa_a, Nivel.COMPONENTE, "C1")
    actividad = _objetivo(poa.programa_a, Nivel.ACTIVIDAD, "A1", componente)
    a1, a2 = poa.unidad_a1, poa.unidad_a2
    creados = {
        "F.1": crear_indicador(fin, a1, "F.1", {
            "A": (ACU, {3: ("10", "9.5"), 6: ("10", "7777"), 9: ("10", None), 12: ("10", None)}),
            "B": (CON, {3: ("100", "100"), 6: ("100", "100"), 9: ("100", None),
                        12: ("100", None)}),
        }, linea_base=D("8.5"), linea_base_anio=2021),
        "P.1": crear_indicador(proposito, a1, "P.1", {
            "A": (ACU, {3: ("50", "45")}), "B": (CON, {3: ("50", "50")}),
        }, formula="A / B * 100", verde_min=D(95), verde_max=D(105), amarillo_min=D(80),
            amarillo_max=D(120)),
        "C1.1": crear_indicador(componente, a1, "C1.1", {
            "A": (ACU, {6: ("4", None), 12: ("4", None)}), "B": (CON, {6: ("8", None)}),
        }, frecuencia=Indicador.Frecuencia.SEMESTRAL),
        "A1.1": crear_indicador(actividad, a1, "A1.1", {
            "A": (ACU, {3: ("5", "0")}), "B": (ACU, {3: ("5", "0")}),
        }),
        "C1.2": crear_indicador(componente, a2, "C1.2", {
            "A": (ACU, {3: ("1", "1")}), "B": (ACU, {3: ("1", "1")}),
        }, nombre="SECRETO-IND-A2"),
        "B.1": crear_indicador(_objetivo(poa.programa_b, Nivel.FIN, "F"), poa.unidad_b1, "B.1", {
            "A": (ACU, {3: ("1", "1")}), "B": (ACU, {3: ("1", "1")}),
        }, nombre="SECRETO-IND-B1"),
    }  # fmt: skip
    for clave, periodo, texto in (
        ("P.1", 3, "Lluvias atípicas en marzo."),
        ("A1.1", 3, "No hubo solicitudes en el trimestre."),
        ("F.1", 6, "SECRETO-JUST-T2"),
    ):
        AvanceIndicador.objects.create(
            indicador=creados[clave], periodo=periodo, justificacion=texto
        )
    return creados


@pytest.fixture
def escenario(indicadores, publicado):  # noqa: F811  (order: indicators, then sign-off)
    return indicadores


def sin_secretos(contenido: bytes | str) -> None:
    texto = contenido if isinstance(contenido, str) else contenido.decode("utf-8", "replace")
    for secreto in SECRETOS:
        assert secreto not in texto, secreto


def texto_xlsx(contenido: bytes) -> str:
    libro = openpyxl.load_workbook(io.BytesIO(contenido))
    return "\n".join(
        str(c) for hoja in libro.worksheets for fila in hoja.iter_rows(values_only=True)
        for c in fila if c is not None
    )  # fmt: skip


def leer_csv(contenido: bytes) -> list[dict]:
    assert contenido.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(contenido.decode("utf-8-sig"))))


# Independent computation of T1 (DOMAIN.md §8), by hand from the scenario's numbers.
ESPERADO_T1 = {
    "F.1": {"resultado": D("9.5") / D(100) * 100, "meta": D(10) / D(100) * 100,
            "semaforo": "verde"},
    "P.1": {"resultado": D(45) / D(50) * 100, "meta": D(100), "semaforo": "amarillo"},
    "A1.1": {"resultado": None, "meta": D(100), "semaforo": "nd"},
    "C1.1": {"resultado": None, "meta": None, "semaforo": "vacio"},
}  # fmt: skip


def cumplimiento(clave):
    e = ESPERADO_T1[clave]
    return None if e["resultado"] is None else e["resultado"] / e["meta"] * 100


# --- Portal ----------------------------------------------------------------------------------


def test_portal_ramo_page_shows_the_authorized_indicators_with_figures_and_semaforo(
    client, poa, escenario
):
    html = client.get(reverse("publico:ramo", args=[2022, 1, poa.ramo_a.pk])).content.decode()
    assert "Indicadores de la MIR del programa 511" in html
    for clave in ("F.1", "P.1", "C1.1", "A1.1"):
        assert f'id="indicador-{escenario[clave].pk}"' in html
    assert f"{cumplimiento('F.1'):.2f} %" in html  # 95.00 %
    assert "90.00 %" in html  # P.1
    assert "Umbrales propios del indicador: verde de 95 % a 105 %" in html  # P.1's own
    assert "Umbrales del ejercicio: verde de 90 % a 110 %" in html  # F.1
    assert "Lluvias atípicas en marzo." in html
    assert "Sin medición en el trimestre 1" in html  # C1.1, semestral
    assert "N/D (no determinable)" in html  # A1.1
    assert "Qué significa cada color en los indicadores" in html
    sin_secretos(html)


def test_portal_quarter_page_counts_indicators_per_ramo_and_links_their_downloads(
    client, poa, escenario
):
    html = client.get(reverse("publico:trimestre", args=[2022, 1])).content.decode()
    assert "Indicadores de la MIR por ramo y color del semáforo" in html
    assert reverse("publico:indicadores", args=[2022, 1, "csv"]) in html
    assert reverse("publico:fraccion_vi", args=[2022, 1]) in html
    sin_secretos(html)


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("publico:ramo", args=[2022, 2, p.ramo_a.pk]),
        lambda p: reverse("publico:ramo", args=[2022, 1, p.ramo_b.pk]),
        lambda p: reverse("publico:indicadores", args=[2022, 2, "csv"]),
        lambda p: reverse("publico:indicadores", args=[2022, 2, "json"]),
        lambda p: reverse("publico:indicadores", args=[2022, 2, "xlsx"]),
        lambda p: reverse("publico:variables", args=[2022, 2, "csv"]),
        lambda p: reverse("publico:indicadores", args=[2022, 1, "exe"]),
        lambda p: reverse("publico:indicadores", args=[2023, 1, "csv"]),
        lambda p: reverse("publico:indicadores", args=[2022, 7, "csv"]),
        lambda p: reverse("publico:fraccion_v", args=[2022, 2]),
        lambda p: reverse("publico:fraccion_vi", args=[2022, 2]),
        lambda p: reverse("publico:fraccion_vi", args=[2022, 3]),
        lambda p: reverse("api:indicador-detail", args=[Indicador.objects.get(clave="C1.2").pk]),
        lambda p: reverse("api:indicador-detail", args=[Indicador.objects.get(clave="B.1").pk]),
        lambda p: "/api/v1/indicadores/99999999999999999999999/",
        lambda p: "/api/v1/indicadores/abc/",
    ],
)
def test_guessed_urls_of_quarters_that_are_not_authorized_are_404(client, poa, escenario, url):
    respuesta = client.get(url(poa))
    assert respuesta.status_code == 404
    sin_secretos(respuesta.content)


def test_reopening_the_quarter_hides_its_indicators_at_once(client, poa, personas, escenario):
    urls = [
        reverse("publico:ramo", args=[2022, 1, poa.ramo_a.pk]),
        reverse("publico:indicadores", args=[2022, 1, "csv"]),
        reverse("publico:fraccion_vi", args=[2022, 1]),
        reverse("api:indicador-detail", args=[escenario["F.1"].pk]),
    ]
    assert [client.get(u).status_code for u in urls] == [200] * 4
    trimestre_reabrir(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1,
        usuario=personas.planeacion, motivo="Corrección de un indicador",
    )  # fmt: skip
    assert [client.get(u).status_code for u in urls] == [404] * 4
    assert client.get(reverse("api:indicador-list")).json()["count"] == 0


# --- Datos abiertos ----------------------------------------------------------------------------


def test_csv_has_the_bom_the_dictionarys_columns_and_the_independent_figures(
    client,
    poa,
    escenario,
    publicado,  # noqa: F811
):
    respuesta = client.get(reverse("publico:indicadores", args=[2022, 1, "csv"]))
    assert respuesta.status_code == 200 and respuesta["Content-Type"].startswith("text/csv")
    encabezado = respuesta.content.decode("utf-8-sig").splitlines()[0]
    assert encabezado == ",".join(c.nombre for c in COLUMNAS_INDICADORES)
    filas = {f["indicador_clave"]: f for f in leer_csv(respuesta.content)}
    assert set(filas) == set(ESPERADO_T1)
    assert filas["F.1"]["identificador"] == "2022-54-511-F.1"
    for clave, esperado in ESPERADO_T1.items():
        fila = filas[clave]
        assert fila["semaforo"] == esperado["semaforo"], clave
        if esperado["resultado"] is None:
            assert fila["resultado_acumulado"] == "" and fila["cumplimiento"] == ""
        else:
            assert D(fila["resultado_acumulado"]) == esperado["resultado"].quantize(D("0.0001"))
            assert D(fila["cumplimiento"]) == cumplimiento(clave).quantize(D("0.01"))
    assert filas["P.1"]["umbrales"] == "indicador" and filas["P.1"]["verde_min"] == "95.00"
    assert filas["F.1"]["umbrales"] == "ejercicio"
    assert filas["P.1"]["justificacion"] == "Lluvias atípicas en marzo."
    assert filas["F.1"]["codigo_verificacion"] == publicado.codigo_verificacion
    assert filas["C1.1"]["periodo_indicador"] == ""
    sin_secretos(respuesta.content)


def test_variables_csv_lists_each_variable_of_the_period(client, poa, escenario):
    respuesta = client.get(reverse("publico:variables", args=[2022, 1, "csv"]))
    filas = leer_csv(respuesta.content)
    assert list(filas[0]) == [c.nombre for c in COLUMNAS_VARIABLES]
    a = next(f for f in filas if f["identificador_indicador"] == "2022-54-511-F.1"
             and f["simbolo"] == "A")  # fmt: skip
    assert (a["programado_periodo"], a["alcanzado_periodo"]) == ("10.0000", "9.5000")
    assert a["comportamiento"] == "ACUMULABLE" and a["fuente"] == "Registro A"
    sin_secretos(respuesta.content)


def test_json_and_xlsx_read_back_with_their_dictionary(client, poa, escenario):
    contenido = json.loads(
        client.get(reverse("publico:indicadores", args=[2022, 1, "json"])).content
    )
    assert [c["nombre"] for c in contenido["diccionario"]] == [
        c.nombre for c in COLUMNAS_INDICADORES
    ]
    assert contenido["metadatos"]["registros"] == 4
    f1 = next(d for d in contenido["datos"] if d["indicador_clave"] == "F.1")
    # Meta anual: A acumulable Σ 4 × 10 = 40 over B continua 100 in December → 40.
    assert f1["cumplimiento"] == 95.0 and f1["meta_anual"] == 40.0
    xlsx = client.get(reverse("publico:indicadores", args=[2022, 1, "xlsx"])).content
    libro = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert libro.sheetnames == ["Datos", "Diccionario"]
    datos = list(libro["Datos"].iter_rows(values_only=True))
    assert list(datos[0]) == [c.nombre for c in COLUMNAS_INDICADORES] and len(datos) == 5
    dic = list(libro["Diccionario"].iter_rows(values_only=True))
    assert [f[0] for f in dic[1:]] == [c.nombre for c in COLUMNAS_INDICADORES]
    sin_secretos(texto_xlsx(xlsx))  # fmt: skip


def _formato(client, url) -> list[tuple]:
    respuesta = client.get(url)
    assert respuesta.status_code == 200
    return list(
        openpyxl.load_workbook(io.BytesIO(respuesta.content))["Reporte de Formatos"].iter_rows(
            values_only=True
        )
    )


def test_fraccion_vi_has_its_20_official_columns_and_every_authorized_indicator(
    client, poa, escenario
):
    filas = _formato(client, reverse("publico:fraccion_vi", args=[2022, 1]))
    assert "Fracción VI" in filas[1][0]
    encabezado = list(filas[5])
    assert encabezado == [c.nombre for c in COLUMNAS_FRACCION_VI] and len(encabezado) == 20
    assert encabezado[3] == "Nombre del programa o concepto al que corresponde el indicador"
    assert encabezado[-3:] == [AREA, "Fecha de actualización", "Nota"]
    por_nombre = {f[5]: dict(zip(encabezado, f, strict=True)) for f in filas[6:]}
    assert set(por_nombre) == {f"Indicador {c}" for c in ESPERADO_T1}
    f1 = por_nombre["Indicador F.1"]
    assert f1["Ejercicio"] == 2022 and f1["Línea base"] == "8.5 (2021)"
    assert f1["Metas programadas"] == 40.0 and f1["Avance de las metas"] == 9.5
    assert f1["Sentido del indicador"] == "Ascendente"
    assert f1[AREA] == "54101 Dirección"
    assert "A = Variable A de F.1" in f1["Método de cálculo"]
    assert "cumplimiento 95.00 %" in f1["Nota"]
    sin_secretos("\n".join(str(c) for f in filas for c in f if c is not None))


def test_fraccion_v_publishes_only_the_strategic_indicators(client, poa, escenario):
    filas = _formato(client, reverse("publico:fraccion_v", args=[2022, 1]))
    assert "Fracción V." in filas[1][0]
    assert list(filas[5]) == [c.nombre for c in COLUMNAS_FRACCION_V] and len(filas[5]) == 20
    assert sorted(f[4] for f in filas[6:]) == ["Indicador F.1", "Indicador P.1"]
    p1 = next(f for f in filas[6:] if f[4] == "Indicador P.1")
    assert "Lluvias atípicas en marzo." in p1[-1]


def test_open_data_page_links_indicators_only_for_authorized_quarters(client, poa, escenario):
    html = client.get(reverse("publico:datos")).content.decode()
    assert reverse("publico:indicadores", args=[2022, 1, "csv"]) in html
    assert reverse("publico:fraccion_v", args=[2022, 1]) in html
    assert reverse("publico:indicadores", args=[2022, 2, "csv"]) not in html
    dic = client.get(reverse("publico:diccionario", args=["fraccion-vi"])).content.decode()
    assert "Nombre del programa o concepto al que corresponde el indicador" in dic


# --- API ---------------------------------------------------------------------------------------


def test_anonymous_api_lists_authorized_indicators_and_only_their_authorized_periods(
    client, poa, escenario
):
    cuerpo = client.get(reverse("api:indicador-list")).json()
    assert cuerpo["count"] == 4
    por_clave = {i["clave"]: i for i in cuerpo["results"]}
    assert set(por_clave) == set(ESPERADO_T1)
    f1 = por_clave["F.1"]
    assert f1["identificador"] == "2022-54-511-F.1" and f1["trimestres_autorizados"] == [1]
    assert [p["periodo"] for p in f1["periodos"]] == [3]  # never June (T2 only revised)
    (periodo,) = f1["periodos"]
    assert periodo["cumplimiento"] == {"valor": "95.00", "estado": "NUMERO"}
    assert periodo["resultado_acumulado"]["valor"] == "9.5000"
    assert periodo["semaforo"] == "verde"
    assert periodo["variables"][0] == {
        "simbolo": "A", "programado": "10.0000", "alcanzado": "9.5000",
        "programado_acumulado": "10.0000", "alcanzado_acumulado": "9.5000",
    }  # fmt: skip
    assert por_clave["P.1"]["umbrales"]["origen"] == "indicador"
    assert por_clave["P.1"]["periodos"][0]["justificacion"] == "Lluvias atípicas en marzo."
    assert por_clave["A1.1"]["periodos"][0]["resultado_acumulado"] == {
        "valor": None, "estado": "N/D"
    }  # fmt: skip
    assert por_clave["C1.1"]["periodos"] == []  # its first period (June) is in T2
    detalle = client.get(reverse("api:indicador-detail", args=[escenario["F.1"].pk])).json()
    assert detalle == f1
    filtrado = client.get(reverse("api:indicador-list") + "?nivel=FIN").json()
    assert [i["clave"] for i in filtrado["results"]] == ["F.1"]
    sin_secretos(client.get(reverse("api:indicador-list")).content)


def test_token_api_shows_the_users_scope_with_every_period(client, poa, personas, escenario):
    token, _ = Token.objects.get_or_create(user=personas.consulta)  # consulta of ramo A
    cabecera = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    cuerpo = client.get(reverse("api:indicador-list"), **cabecera).json()
    assert {i["clave"] for i in cuerpo["results"]} == {*ESPERADO_T1, "C1.2"}
    f1 = next(i for i in cuerpo["results"] if i["clave"] == "F.1")
    assert [p["periodo"] for p in f1["periodos"]] == [3, 6, 9, 12]
    assert f1["periodos"][1]["variables"][0]["alcanzado"] == "7777.0000"
    ajeno, _ = Token.objects.get_or_create(user=personas.ajeno)
    suyos = client.get(reverse("api:indicador-list"), HTTP_AUTHORIZATION=f"Token {ajeno.key}")
    assert [i["clave"] for i in suyos.json()["results"]] == ["B.1"]


def test_schema_documents_the_indicators_endpoints(client):
    esquema = json.loads(client.get(reverse("api:schema") + "?format=json").content)
    assert "/api/v1/indicadores/" in esquema["paths"]
    assert "/api/v1/indicadores/{id}/" in esquema["paths"]
    componentes = esquema["components"]["schemas"]
    assert "periodos" in componentes["Indicador"]["properties"]
    assert "cumplimiento" in componentes["Periodo"]["properties"]


# --- Query counts --------------------------------------------------------------------------------


def _consultas(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as consultas:
        assert client.get(url).status_code == 200, url
    return len(consultas)


def poa_con_indicadores(anio: int, *, ramos: int, unidades: int, por_unidad: int):
    """A synthetic POA whose every (programa, unidad) reports `por_unidad` indicators of
    every level, all authorized in T1 (bulk, structure only: for query counts)."""
    ejercicio = poa_sintetico(anio=anio, ramos=ramos, unidades_por_ramo=unidades,
                              metas_por_unidad=2)  # fmt: skip
    niveles = list(ObjetivoMIR.Nivel)
    for programa in Programa.objects.filter(ramo__ejercicio=ejercicio):
        objetivos, componente = [], None
        for nivel in niveles:
            objetivo = _objetivo(
                programa,
                nivel,
                nivel.value[:3],
                componente if nivel == ObjetivoMIR.Nivel.ACTIVIDAD else None,
            )
            componente = objetivo if nivel == ObjetivoMIR.Nivel.COMPONENTE else componente
            objetivos.append(objetivo)
        for unidad in UnidadEjecutora.objects.filter(ramo=programa.ramo):
            for i in range(por_unidad):
                crear_indicador(objetivos[i % 4], unidad, f"{unidad.clave}.{i}", {
                    "A": (ACU, {3: ("4", "3"), 6: ("4", None)}), "B": (CON, {3: ("8", "8")}),
                })  # fmt: skip
    _autorizar_todo(ejercicio)
    return ejercicio


def test_query_counts_do_not_grow_with_the_number_of_indicators(client, db):
    chico = poa_con_indicadores(2031, ramos=1, unidades=1, por_unidad=1)
    grande = poa_con_indicadores(2032, ramos=2, unidades=3, por_unidad=6)
    assert Indicador.objects.filter(programa__ramo__ejercicio=grande).count() == 36
    ramo_chico = Ramo.objects.get(ejercicio=chico)
    ramo_grande = Ramo.objects.filter(ejercicio=grande).first()

    def urls(anio, ramo):
        return [
            reverse("publico:trimestre", args=[anio, 1]),
            reverse("publico:ramo", args=[anio, 1, ramo.pk]),
            reverse("publico:indicadores", args=[anio, 1, "csv"]),
            reverse("publico:variables", args=[anio, 1, "json"]),
            reverse("publico:fraccion_v", args=[anio, 1]),
            reverse("publico:fraccion_vi", args=[anio, 1]),
            reverse("api:indicador-list") + f"?ejercicio={anio}",
        ]

    for url_chico, url_grande in zip(urls(2031, ramo_chico), urls(2032, ramo_grande),
                                     strict=True):  # fmt: skip
        assert _consultas(client, url_chico) == _consultas(client, url_grande), url_grande
    api = client.get(reverse("api:indicador-list") + "?ejercicio=2032").json()
    assert api["count"] == 36 and api["results"][0]["periodos"][0]["semaforo"] == "amarillo"  # 75 %
