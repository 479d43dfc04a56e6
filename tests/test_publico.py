"""Public side (issue 15): portal /transparencia/, datos abiertos and the read API /api/v1/.

Scenario: programa A / unidad A1 has T1 AUTORIZADO (R = 1 each month, through the sign-off
services); A1 T2 is REVISADO with captured figures, A2 T1 is REVISADO and B1 has nothing.
Only A1 T1 may ever be visible without an account.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from avances.firma import trimestre_reabrir
from avances.models import Avance, TrimestreFirma
from programas.models import Meta, Ramo
from publico.diccionario import COLUMNAS_FRACCION_IV, COLUMNAS_METAS
from publico.selectors import datos_publicos
from tests.apoyo_reportes import poa_sintetico
from tests.test_firmas import capturar_trimestre, llevar_a

Estado = TrimestreFirma.Estado
SECRETOS = ("SECRETO-A2", "SECRETO-B1", "SECRETO-T2")


@pytest.fixture(autouse=True)
def _cache_limpia():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def publicado(poa, personas):
    """A1 T1 authorized; A1 T2 and A2 T1 revised (not authorized); B1 untouched."""
    llevar_a(Estado.AUTORIZADO, poa, personas, trimestre=1)
    Meta.objects.filter(pk__in=[m.pk for m in poa.metas_a2]).update(descripcion="SECRETO-A2")
    Meta.objects.filter(pk__in=[m.pk for m in poa.metas_b1]).update(descripcion="SECRETO-B1")
    capturar_trimestre(poa.metas_a1, trimestre=2, valor="7", observaciones="SECRETO-T2")
    capturar_trimestre(poa.metas_a2, trimestre=1, valor="5")
    TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=2, estado=Estado.REVISADO
    )
    TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a2, trimestre=1, estado=Estado.REVISADO,
        codigo_verificacion="ADIVINADO1234",
    )  # fmt: skip
    return TrimestreFirma.objects.get(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1, estado=Estado.AUTORIZADO
    )


def _sin_secretos(contenido: bytes | str) -> None:
    texto = contenido if isinstance(contenido, str) else contenido.decode("utf-8", "replace")
    for secreto in SECRETOS:
        assert secreto not in texto


def _texto_xlsx(contenido: bytes) -> str:
    libro = openpyxl.load_workbook(io.BytesIO(contenido))
    return "\n".join(
        str(c) for hoja in libro.worksheets for fila in hoja.iter_rows(values_only=True)
        for c in fila if c is not None
    )  # fmt: skip


# --- Portal ------------------------------------------------------------------------------


def test_portal_shows_the_authorized_quarter_with_figures_semaforo_and_code(client, poa, publicado):
    inicio = client.get("/transparencia/")
    assert inicio.status_code == 200
    html = inicio.content.decode()
    assert "Ejercicio 2022" in html
    assert reverse("publico:trimestre", args=[2022, 1]) in html
    assert reverse("publico:trimestre", args=[2022, 2]) not in html

    trimestre = client.get(reverse("publico:trimestre", args=[2022, 1])).content.decode()
    assert "54 Bienestar Social Municipal" in trimestre
    assert "Presidencia" not in trimestre  # ramo B has nothing authorized
    assert "<caption>" in trimestre and 'scope="col"' in trimestre

    ramo = client.get(reverse("publico:ramo", args=[2022, 1, poa.ramo_a.pk]))
    assert ramo.status_code == 200
    html = ramo.content.decode()
    assert "54101 Dirección" in html
    assert poa.metas_a1[0].descripcion in html
    assert publicado.codigo_verificacion in html
    assert reverse("firmas:verificar", args=[publicado.codigo_verificacion]) in html
    pdf = reverse("publico:pdf_firmado", args=[2022, 1, poa.programa_a.pk, poa.unidad_a1.pk])
    assert pdf in html
    # P = 3 and R = 3 in T1: 100 % → verde, with its meaning in words.
    assert "Verde: el cumplimiento está dentro de lo esperado (de 90 % a 110 %)." in html
    assert "Administración y Finanzas" not in html  # A2 is only revised
    _sin_secretos(html)


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("publico:trimestre", args=[2022, 2]),
        lambda p: reverse("publico:trimestre", args=[2022, 3]),
        lambda p: reverse("publico:trimestre", args=[2022, 9]),
        lambda p: reverse("publico:trimestre", args=[2023, 1]),
        lambda p: reverse("publico:ramo", args=[2022, 1, p.ramo_b.pk]),
        lambda p: reverse("publico:ramo", args=[2022, 2, p.ramo_a.pk]),
        lambda p: reverse("publico:ramo", args=[2022, 1, 999999999]),
        lambda p: reverse("publico:pdf_firmado", args=[2022, 2, p.programa_a.pk, p.unidad_a1.pk]),
        lambda p: reverse("publico:pdf_firmado", args=[2022, 1, p.programa_a.pk, p.unidad_a2.pk]),
        lambda p: reverse("publico:pdf_firmado", args=[2023, 1, p.programa_a.pk, p.unidad_a1.pk]),
        lambda p: reverse("publico:pdf_firmado", args=[2022, 1, p.programa_b.pk, p.unidad_b1.pk]),
        lambda p: reverse("publico:metas", args=[2022, 2, "csv"]),
        lambda p: reverse("publico:metas", args=[2022, 2, "json"]),
        lambda p: reverse("publico:metas", args=[2022, 2, "xlsx"]),
        lambda p: reverse("publico:metas", args=[2022, 1, "exe"]),
        lambda p: reverse("publico:fraccion_iv", args=[2022, 2]),
        lambda p: reverse("publico:diccionario", args=["otro"]),
        lambda p: reverse("publico:diccionario_archivo", args=["metas", "xlsx"]),
        lambda p: "/transparencia/2022/1/ramo/123456789012345678901/",
    ],
)
def test_guessed_urls_of_quarters_that_are_not_authorized_are_404(client, poa, publicado, url):
    respuesta = client.get(url(poa))
    assert respuesta.status_code == 404
    _sin_secretos(respuesta.content)


def test_signed_pdf_is_the_exporters_signed_file_and_carries_the_code(client, poa, publicado):
    from tests.apoyo_reportes import texto_pdf

    url = reverse("publico:pdf_firmado", args=[2022, 1, poa.programa_a.pk, poa.unidad_a1.pk])
    respuesta = client.get(url)
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/pdf"
    texto = texto_pdf(respuesta.content)
    assert publicado.codigo_verificacion in texto.replace("-", "").replace(" ", "")
    assert "BORRADOR" not in texto


def test_reopening_the_quarter_hides_it_at_once_despite_the_cache(client, poa, personas, publicado):
    url = reverse("publico:ramo", args=[2022, 1, poa.ramo_a.pk])
    csv_url = reverse("publico:metas", args=[2022, 1, "csv"])
    assert client.get(url).status_code == 200
    assert client.get(csv_url).status_code == 200
    trimestre_reabrir(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1,
        usuario=personas.planeacion, motivo="Corrección de cifras",
    )  # fmt: skip
    assert client.get(url).status_code == 404
    assert client.get(csv_url).status_code == 404
    assert client.get(reverse("api:meta-list")).json()["count"] == 0
    assert (
        reverse("publico:trimestre", args=[2022, 1])
        not in client.get("/transparencia/").content.decode()
    )


def test_warm_portal_page_is_served_from_the_cache_with_one_query(client, poa, publicado):
    url = reverse("publico:ramo", args=[2022, 1, poa.ramo_a.pk])
    primera = client.get(url).content
    with CaptureQueriesContext(connection) as consultas:
        segunda = client.get(url).content
    assert segunda == primera
    assert len(consultas) == 1  # the public version (latest EventoFirma id)


def test_public_numbers_equal_the_signed_snapshot(poa, publicado):
    datos = datos_publicos(anio=2022, trimestre=1)
    firmadas = {m["clave"]: m for m in publicado.snapshot["metas"]}
    filas = [f for s in datos.secciones for f in s.filas]
    assert {f.clave for f in filas} == set(firmadas)
    for fila in filas:
        firmada = firmadas[fila.clave]
        assert fila.calculo.realizado_trimestre == Decimal(firmada["realizado_trimestre"])
        assert fila.calculo.programado_trimestre == Decimal(firmada["programado_trimestre"])
        assert fila.calculo.avance_absoluto == Decimal(firmada["avance_absoluto"])


# --- Datos abiertos ------------------------------------------------------------------------


def test_csv_has_the_bom_one_header_row_and_the_dictionarys_columns(client, poa, publicado):
    respuesta = client.get(reverse("publico:metas", args=[2022, 1, "csv"]))
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"].startswith("text/csv")
    assert respuesta.content.startswith(b"\xef\xbb\xbf")
    filas = list(csv.reader(io.StringIO(respuesta.content.decode("utf-8-sig"))))
    assert filas[0] == [c.nombre for c in COLUMNAS_METAS]
    datos = [dict(zip(filas[0], f, strict=True)) for f in filas[1:]]
    assert len(datos) == 3
    ids = {d["identificador"] for d in datos}
    assert ids == {f"2022-54-511-54101-{100 + i}" for i in range(3)}
    fila = datos[0]
    assert fila["programado_trimestre"] == "3.00" and fila["realizado_trimestre"] == "3.00"
    assert fila["semaforo"] == "verde"
    assert fila["codigo_verificacion"] == publicado.codigo_verificacion
    assert fila["periodo_inicio"] == "2022-01-01" and fila["periodo_fin"] == "2022-03-31"
    _sin_secretos(respuesta.content)


def test_identifiers_are_stable_across_formats_and_downloads(client, poa, publicado):
    def ids_csv():
        contenido = client.get(reverse("publico:metas", args=[2022, 1, "csv"])).content
        return [
            r["identificador"] for r in csv.DictReader(io.StringIO(contenido.decode("utf-8-sig")))
        ]

    primera = ids_csv()
    cache.clear()
    assert ids_csv() == primera
    datos = client.get(reverse("publico:metas", args=[2022, 1, "json"])).json()["datos"]
    assert [d["identificador"] for d in datos] == primera
    api = client.get(reverse("api:meta-list")).json()["results"]
    assert sorted(m["identificador"] for m in api) == sorted(primera)


def test_json_download_reads_back_with_its_dictionary(client, poa, publicado):
    respuesta = client.get(reverse("publico:metas", args=[2022, 1, "json"]))
    contenido = json.loads(respuesta.content)
    assert contenido["metadatos"]["ejercicio"] == 2022
    assert contenido["metadatos"]["registros"] == 3
    assert [c["nombre"] for c in contenido["diccionario"]] == [c.nombre for c in COLUMNAS_METAS]
    fila = contenido["datos"][0]
    assert fila["realizado_trimestre"] == 3.0 and fila["cumplimiento"] == 100.0
    assert set(fila) == {c.nombre for c in COLUMNAS_METAS}
    _sin_secretos(respuesta.content)


def test_xlsx_download_reads_back_with_data_and_dictionary_sheets(client, poa, publicado):
    Meta.objects.filter(pk=poa.metas_a1[0].pk).update(descripcion='=HYPERLINK("x")')
    respuesta = client.get(reverse("publico:metas", args=[2022, 1, "xlsx"]))
    libro = openpyxl.load_workbook(io.BytesIO(respuesta.content))
    assert libro.sheetnames == ["Datos", "Diccionario"]
    datos = list(libro["Datos"].iter_rows(values_only=True))
    assert list(datos[0]) == [c.nombre for c in COLUMNAS_METAS]
    assert len(datos) == 4
    descripciones = [f[12] for f in datos[1:]]
    assert '=HYPERLINK("x")' in descripciones
    fila = 2 + descripciones.index('=HYPERLINK("x")')
    celda = libro["Datos"].cell(row=fila, column=13)
    assert celda.data_type == "s" and celda.quotePrefix  # text, even once edited
    diccionario = list(libro["Diccionario"].iter_rows(values_only=True))
    assert diccionario[0] == ("columna", "tipo", "descripcion", "unidad")
    assert [f[0] for f in diccionario[1:]] == [c.nombre for c in COLUMNAS_METAS]
    _sin_secretos(_texto_xlsx(respuesta.content))


def test_fraccion_iv_has_the_official_columns_and_one_row_per_authorized_meta(
    client, poa, publicado
):
    respuesta = client.get(reverse("publico:fraccion_iv", args=[2022, 1]))
    assert respuesta.status_code == 200
    hoja = openpyxl.load_workbook(io.BytesIO(respuesta.content))["Reporte de Formatos"]
    filas = list(hoja.iter_rows(values_only=True))
    assert "Fracción IV" in filas[1][0]
    assert list(filas[5]) == [c.nombre for c in COLUMNAS_FRACCION_IV]
    metas = filas[6:]
    assert len(metas) == 3
    assert metas[0][0] == 2022
    assert metas[0][1].date().isoformat() == "2022-01-01"
    assert "54101 Dirección" == metas[0][6]
    assert publicado.codigo_verificacion in metas[0][11]
    assert "/transparencia/2022/1/pdf/" in metas[0][7]
    _sin_secretos(_texto_xlsx(respuesta.content))


def test_data_dictionary_is_a_page_and_its_own_downloads(client):
    pagina = client.get(reverse("publico:diccionario", args=["metas"])).content.decode()
    for columna in COLUMNAS_METAS:
        assert f"<code>{columna.nombre}</code>" in pagina
    archivo = client.get(reverse("publico:diccionario_archivo", args=["metas", "csv"])).content
    assert archivo.startswith(b"\xef\xbb\xbf")
    filas = list(csv.reader(io.StringIO(archivo.decode("utf-8-sig"))))
    assert filas[0] == ["nombre", "tipo", "descripcion", "unidad"]
    assert [f[0] for f in filas[1:]] == [c.nombre for c in COLUMNAS_METAS]
    como_json = client.get(
        reverse("publico:diccionario_archivo", args=["fraccion-iv", "json"])
    ).json()
    assert [c["nombre"] for c in como_json["columnas"]] == [c.nombre for c in COLUMNAS_FRACCION_IV]


def test_open_data_page_lists_only_authorized_periods(client, poa, publicado):
    html = client.get(reverse("publico:datos")).content.decode()
    assert reverse("publico:metas", args=[2022, 1, "csv"]) in html
    assert reverse("publico:metas", args=[2022, 2, "csv"]) not in html
    assert "fracciones V y VI" in html


# --- API ---------------------------------------------------------------------------------


def test_anonymous_api_shows_only_authorized_metas_and_months(client, poa, publicado):
    respuesta = client.get(reverse("api:meta-list"))
    assert respuesta.status_code == 200
    cuerpo = respuesta.json()
    assert cuerpo["count"] == 3
    meta = cuerpo["results"][0]
    assert meta["trimestres_autorizados"] == [1]
    assert [m["mes"] for m in meta["meses"]] == [1, 2, 3]  # never April–June (T2 revised)
    assert meta["meses"][0] == {"mes": 1, "programado": "1.00", "realizado": "1.00"}
    _sin_secretos(respuesta.content)
    for nombre in ("ramo-list", "programa-list", "unidad-list", "ejercicio-list", "reporte-list"):
        _sin_secretos(client.get(reverse(f"api:{nombre}")).content)
    unidades = client.get(reverse("api:unidad-list")).json()["results"]
    assert [u["clave"] for u in unidades] == ["54101"]
    reportes = client.get(reverse("api:reporte-list")).json()["results"]
    assert [(r["unidad_clave"], r["trimestre"], r["estado"]) for r in reportes] == [
        ("54101", 1, "AUTORIZADO")
    ]
    assert reportes[0]["codigo_verificacion"] == publicado.codigo_verificacion
    assert (
        "ADIVINADO"
        not in client.get(reverse("api:reporte-list") + "?estado=REVISADO").content.decode()
    )


def test_token_api_shows_the_users_scope_with_every_state(client, poa, personas, publicado):
    token, _ = Token.objects.get_or_create(user=personas.consulta)  # consulta of ramo A
    cabecera = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    metas = client.get(reverse("api:meta-list"), **cabecera).json()
    assert metas["count"] == 5  # A1 and A2, not B1
    a1 = next(m for m in metas["results"] if m["id"] == poa.metas_a1[0].pk)
    assert [m["mes"] for m in a1["meses"]] == list(range(1, 13))
    assert a1["meses"][4]["realizado"] == "7.00"
    reportes = client.get(reverse("api:reporte-list"), **cabecera).json()["results"]
    estados = {(r["unidad_clave"], r["trimestre"]): r for r in reportes}
    assert estados[("54102", 1)]["estado"] == "REVISADO"
    assert estados[("54102", 1)]["codigo_verificacion"] == ""  # only signed reports carry it
    ajeno, _ = Token.objects.get_or_create(user=personas.ajeno)
    suyas = client.get(reverse("api:meta-list"), HTTP_AUTHORIZATION=f"Token {ajeno.key}").json()
    assert {m["id"] for m in suyas["results"]} == {m.pk for m in poa.metas_b1}


def test_api_errors_are_in_spanish(client, poa, publicado):
    respuesta = client.get(reverse("api:meta-list"), HTTP_AUTHORIZATION="Token inexistente")
    assert respuesta.status_code == 401
    assert "Token inválido" in respuesta.json()["detail"]
    respuesta = client.get(reverse("api:meta-list") + "?ejercicio=abc")
    assert respuesta.status_code == 400
    assert "número entero" in json.dumps(respuesta.json(), ensure_ascii=False)
    assert client.get(reverse("api:meta-list") + "?pagina=99").status_code == 404


def test_anonymous_api_is_throttled(client, poa, settings):
    settings.POA_API_TASA_ANONIMA = "3/min"
    for _ in range(3):
        assert client.get(reverse("api:ejercicio-list")).status_code == 200
    respuesta = client.get(reverse("api:ejercicio-list"))
    assert respuesta.status_code == 429
    assert (
        "Solicitud fue regulada" in respuesta.json()["detail"]
        or "segundos" in respuesta.json()["detail"]
    )


def test_schema_and_docs_are_served_without_external_hosts(client):
    esquema = client.get(reverse("api:schema") + "?format=json")
    assert esquema.status_code == 200
    rutas = json.loads(esquema.content)["paths"]
    for ruta in ("ejercicios", "ramos", "programas", "unidades", "metas", "reportes"):
        assert f"/api/v1/{ruta}/" in rutas
    docs = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_token_page_and_command_give_the_user_a_token(client, poa, personas, capsys):
    client.force_login(personas.consulta)
    assert "Todavía no tiene token" in client.get(reverse("api:token")).content.decode()
    assert client.post(reverse("api:token")).status_code == 302
    token = Token.objects.get(user=personas.consulta)
    assert token.key in client.get(reverse("api:token")).content.decode()
    call_command("token_api", "consulta")
    assert capsys.readouterr().out.strip() == token.key
    call_command("token_api", "consulta", "--renovar")
    assert capsys.readouterr().out.strip() != token.key
    with pytest.raises(CommandError, match="No existe el usuario"):
        call_command("token_api", "nadie")


# --- Query counts: constant with the data ---------------------------------------------------


def _autorizar_todo(ejercicio, trimestre=1):
    """Mark every pair of a synthetic POA as authorized (structure only, for query counts)."""
    pares = set(
        Meta.objects.filter(programa__ramo__ejercicio=ejercicio).values_list(
            "programa_id", "unidad_id"
        )
    )
    TrimestreFirma.objects.bulk_create(
        TrimestreFirma(programa_id=p, unidad_id=u, trimestre=trimestre, estado=Estado.AUTORIZADO,
                       codigo_verificacion=f"C{ejercicio.anio}{p}X{u}")
        for p, u in pares
    )  # fmt: skip


def _consultas(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as consultas:
        assert client.get(url).status_code == 200
    return len(consultas)


def test_query_counts_do_not_grow_with_the_data(client, db):
    chico = poa_sintetico(anio=2031, ramos=1, unidades_por_ramo=1, metas_por_unidad=2)
    grande = poa_sintetico(anio=2032, ramos=2, unidades_por_ramo=4, metas_por_unidad=7)
    _autorizar_todo(chico)
    _autorizar_todo(grande)
    ramo_chico = Ramo.objects.get(ejercicio=chico)
    ramo_grande = Ramo.objects.filter(ejercicio=grande).first()
    urls = [
        (
            reverse("publico:trimestre", args=[2031, 1]),
            reverse("publico:trimestre", args=[2032, 1]),
        ),
        (
            reverse("publico:ramo", args=[2031, 1, ramo_chico.pk]),
            reverse("publico:ramo", args=[2032, 1, ramo_grande.pk]),
        ),
        (
            reverse("publico:metas", args=[2031, 1, "csv"]),
            reverse("publico:metas", args=[2032, 1, "csv"]),
        ),
        (
            reverse("publico:fraccion_iv", args=[2031, 1]),
            reverse("publico:fraccion_iv", args=[2032, 1]),
        ),
        (
            reverse("api:meta-list") + "?ejercicio=2031",
            reverse("api:meta-list") + "?ejercicio=2032",
        ),
        (
            reverse("api:reporte-list") + "?ejercicio=2031",
            reverse("api:reporte-list") + "?ejercicio=2032",
        ),
    ]
    for url_chico, url_grande in urls:
        assert _consultas(client, url_chico) == _consultas(client, url_grande), url_grande
    assert _consultas(client, urls[1][1]) == 18  # the version + reporte_datos' + indicators
    assert _consultas(client, urls[4][1]) == 5  # count, page, P, R, authorized quarters
    assert Avance.objects.filter(meta__programa__ramo__ejercicio=grande).exists()


def test_authorizing_a_quarter_shows_it_at_once_despite_the_cache(client, poa, personas):
    from avances.firma import trimestre_autorizar, trimestre_enviar, trimestre_revisar

    capturar_trimestre(poa.metas_a1, trimestre=1)
    r = {"programa": poa.programa_a, "unidad": poa.unidad_a1, "trimestre": 1}
    trimestre_enviar(**r, usuario=personas.responsable_unidad)
    trimestre_revisar(**r, usuario=personas.responsable_programa)
    url = reverse("publico:trimestre", args=[2022, 1])
    assert client.get(url).status_code == 404  # revised, not authorized (and now cached)
    assert "Todavía no hay trimestres autorizados" in client.get("/transparencia/").content.decode()
    trimestre_autorizar(**r, usuario=personas.responsable_ramo)
    assert client.get(url).status_code == 200
    assert url in client.get("/transparencia/").content.decode()
