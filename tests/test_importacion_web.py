"""Web upload with preview/confirm, plantilla download and the capture-sheet round trip."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avances.models import Avance, TrimestreFirma
from plantilla.demo import CONTRASENA_DEMO, crear_usuarios_demo
from plantilla.exportacion import exportar_hoja_captura
from programas.models import Meta, UnidadEjecutora
from tests.fixtures_demo import FIXTURES, a_bytes, fila_meta, leer_seed, libro_xlsx

D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def subida(contenido: bytes, nombre="poa.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(nombre, contenido, content_type=XLSX)


def pendientes() -> list[Path]:
    carpeta = Path(settings.MEDIA_ROOT) / "importaciones"
    return sorted(carpeta.glob("*.xlsx")) if carpeta.exists() else []


@pytest.fixture(autouse=True)
def media_aislada(settings, tmp_path):
    """Each test keeps its pending uploads in its own MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(poa_demo, client):
    crear_usuarios_demo()
    return poa_demo


def entrar(client, username: str):
    usuario = get_user_model().objects.get(username=username)
    assert usuario.check_password(CONTRASENA_DEMO)
    client.force_login(usuario)
    return client


def token_de(respuesta) -> str:
    return respuesta.url.rstrip("/").split("/")[-1]


# --- Planeación: upload → preview → confirm -------------------------------------------------


def test_planeacion_uploads_previews_and_confirms(db, client, personas):
    client.force_login(personas.planeacion)
    contenido = (FIXTURES / "bisom_2022.xlsx").read_bytes()
    respuesta = client.post(
        reverse("importacion:subir"), {"archivo": subida(contenido, "bisom.xlsx"),
                                       "ejercicio": 2023},
    )  # fmt: skip
    assert respuesta.status_code == 302
    token = token_de(respuesta)
    assert len(pendientes()) == 1 and token in pendientes()[0].name
    previa = client.get(respuesta.url)
    texto = previa.content.decode()
    assert previa.status_code == 200
    assert "Vista previa: bisom.xlsx" in texto
    assert "Ejercicio 2023 (nuevo: se creará)" in texto
    fila_metas = next(f for f in previa.context["resumen"] if f["tipo"] == "Meta")
    assert fila_metas == {"tipo": "Meta", "creados": 35, "cambiados": 0, "sin_cambio": 0}
    assert "Confirmar y guardar" in texto
    en_2023 = Meta.objects.filter(unidad__ramo__ejercicio__anio=2023)
    assert not en_2023.exists()  # nothing written yet
    confirmado = client.post(reverse("importacion:confirmar", args=[token]), follow=True)
    assert en_2023.count() == 35
    assert "Se cargó «bisom.xlsx» en el ejercicio 2023" in confirmado.content.decode()
    assert pendientes() == []
    assert client.post(reverse("importacion:confirmar", args=[token])).status_code == 404
    historia = Meta.history.filter(clave="100", unidad__ramo__ejercicio__anio=2023).first()
    assert historia.history_user == personas.planeacion


def test_preview_shows_changes_old_to_new_and_warnings(demo, client):
    entrar(client, "planeacion")
    libro = leer_seed("bisom_2022.xlsx")
    encabezado = [c.value for c in libro["metas"][1]]
    fila = next(r for r in libro["metas"].iter_rows(min_row=2) if r[7].value == "100")
    fila[encabezado.index("jun")].value = 95
    fila[encabezado.index("sep")].value = 203
    libro["metas"].cell(row=1, column=len(encabezado) + 1, value="notas")
    respuesta = client.post(
        reverse("importacion:subir"), {"archivo": subida(a_bytes(libro)), "ejercicio": 2022}
    )
    previa = client.get(respuesta.url)
    texto = previa.content.decode()
    assert "programado jun" in texto and "91" in texto and "95" in texto
    cambios = {(c.campo, c.anterior, c.nuevo) for c in previa.context["cambios"]}
    assert cambios == {("programado jun", "91", "95"), ("programado sep", "207", "203")}
    assert "metas!1 notas: columna desconocida; se ignora." in texto
    client.post(reverse("importacion:confirmar", args=[token_de(respuesta)]))
    meta = Meta.objects.get(unidad__clave="54101", clave="100")
    assert meta.programados.get(mes=6).valor == D(95)


def test_workbook_with_errors_shows_every_error_and_cannot_be_confirmed(demo, client):
    entrar(client, "planeacion")
    contenido = libro_xlsx(
        {"metas": [fila_meta("1", meta_anual=13), fila_meta("2", meta_anual=-1)],
         "avances": [["54", "54101", "100", 13, 1, ""], ["54", "54101", "nada", 1, 1, ""]]}
    )  # fmt: skip
    antes = (Meta.objects.count(), Avance.objects.count(), Meta.history.count())
    respuesta = client.post(
        reverse("importacion:subir"), {"archivo": subida(contenido), "ejercicio": 2022}
    )
    previa = client.get(respuesta.url)
    texto = previa.content.decode()
    assert "El archivo tiene 4 errores: no se guardará nada" in texto
    for esperado in (
        "metas!2 meta_anual: meta 1: los meses programados de ene a dic suman 12, pero la meta "
        "anual es 13.",
        "metas!3 meta_anual: el valor -1 es negativo; debe ser 0 o mayor.",
        "avances!2 mes: el mes 13 está fuera de 1..12.",
        "avances!3 clave: la meta 54/54101/nada no está en la hoja metas",
    ):
        assert esperado in texto
    assert "Confirmar y guardar" not in texto
    confirmado = client.post(reverse("importacion:confirmar", args=[token_de(respuesta)]))
    assert confirmado.status_code == 400
    assert (Meta.objects.count(), Avance.objects.count(), Meta.history.count()) == antes
    client.post(reverse("importacion:cancelar", args=[token_de(respuesta)]))
    assert pendientes() == []


def test_a_file_that_is_not_xlsx_is_refused_before_it_is_kept(db, client, personas):
    client.force_login(personas.planeacion)
    respuesta = client.post(
        reverse("importacion:subir"),
        {"archivo": subida(b"%PDF-1.4 falso", "poa.xlsx"), "ejercicio": 2022},
    )
    assert respuesta.status_code == 400
    assert "no es un libro de Excel .xlsx (parece un PDF)" in respuesta.content.decode()
    assert pendientes() == []


def test_only_planeacion_uploads_or_downloads_the_plantilla(demo, client):
    contenido = (FIXTURES / "bisom_2022.xlsx").read_bytes()
    for usuario in ("consulta", "autorizo", "capturista"):
        client.logout()
        entrar(client, usuario)
        respuesta = client.post(
            reverse("importacion:subir"), {"archivo": subida(contenido), "ejercicio": 2022}
        )
        assert respuesta.status_code == 403
        assert client.get(reverse("importacion:exportar", args=[2022])).status_code == 403
    assert client.get(reverse("importacion:index")).url == reverse("importacion:captura")
    client.logout()
    entrar(client, "consulta")
    assert client.get(reverse("importacion:index")).status_code == 403
    assert pendientes() == []


def test_another_users_token_is_not_found(demo, client):
    entrar(client, "planeacion")
    respuesta = client.post(
        reverse("importacion:subir"),
        {"archivo": subida((FIXTURES / "bisom_2022.xlsx").read_bytes()), "ejercicio": 2022},
    )
    token = token_de(respuesta)
    client.logout()
    entrar(client, "tesoreria")  # also Planeación, but another session
    assert client.get(reverse("importacion:previa", args=[token])).status_code == 404
    assert client.post(reverse("importacion:confirmar", args=[token])).status_code == 404
    assert client.get("/importacion/previa/..%2F..%2Fetc%2Fpasswd/").status_code == 404
    assert client.get(reverse("importacion:previa", args=["A" * 32])).status_code == 404


def test_planeacion_downloads_any_ejercicio(demo, client, django_assert_max_num_queries):
    entrar(client, "planeacion")
    with django_assert_max_num_queries(28):  # constant: not one per meta (+8: MIR, cronograma)
        respuesta = client.get(reverse("importacion:exportar", args=[2022]))
    assert respuesta["Content-Type"] == XLSX
    assert 'filename="poa_2022.xlsx"' in respuesta["Content-Disposition"]
    libro = openpyxl.load_workbook(io.BytesIO(respuesta.content))
    assert libro["metas"].max_row == 135
    assert client.get(reverse("importacion:exportar", args=[1999])).status_code == 404
    pagina = client.get(reverse("importacion:index")).content.decode()
    assert reverse("importacion:exportar", args=[2022]) in pagina


# --- Capture-sheet round trip ---------------------------------------------------------------


def hoja_llena(unidad, trimestre: int, valores: dict) -> bytes:
    """Download-equivalent capture sheet with {(clave, mes): (realizado, observaciones)} filled."""
    contenido = exportar_hoja_captura(unidad=unidad, trimestre=trimestre)
    libro = openpyxl.load_workbook(io.BytesIO(contenido))
    hoja = libro["avances"]
    encabezado = [c.value for c in hoja[1]]
    for fila in hoja.iter_rows(min_row=2):
        clave = fila[encabezado.index("clave")].value
        mes = fila[encabezado.index("mes")].value
        if (clave, mes) in valores:
            realizado, observaciones = valores[(clave, mes)]
            fila[encabezado.index("realizado")].value = realizado
            fila[encabezado.index("observaciones")].value = observaciones
    return a_bytes(libro)


def test_capturista_round_trip_updates_realized_values_with_history(demo, client):
    entrar(client, "capturista")
    unidad = UnidadEjecutora.objects.get(ramo__clave="54", clave="54101")
    pagina = client.get(reverse("importacion:captura")).content.decode()
    descarga = reverse("importacion:captura_descargar", args=[unidad.pk, 3])
    assert descarga in pagina
    respuesta = client.get(descarga + "?formato=filas")  # the old one-row-per-month layout
    assert respuesta["Content-Type"] == XLSX
    libro = openpyxl.load_workbook(io.BytesIO(respuesta.content))
    encabezado = [c.value for c in libro["avances"][1]]
    for fila in libro["avances"].iter_rows(min_row=2):
        if (
            fila[encabezado.index("clave")].value == "101"
            and fila[encabezado.index("mes")].value == 8
        ):
            fila[encabezado.index("realizado")].value = 12
            fila[encabezado.index("observaciones")].value = "Entrega adelantada de becas"
    subido = client.post(
        reverse("importacion:captura_subir"),
        {"archivo": subida(a_bytes(libro), "captura.xlsx"), "ejercicio": 2022},
    )
    assert subido.status_code == 302
    previa = client.get(subido.url)
    assert previa.context["plan"].errores == []
    assert [str(a) for a in previa.context["plan"].advertencias] == []
    creados = [c.objeto for c in previa.context["plan"].creados]
    assert creados == ["Avance 54/54101/101 ago"]
    client.post(reverse("importacion:confirmar", args=[token_de(subido)]))
    meta = Meta.objects.get(unidad=unidad, clave="101")
    avance = meta.avances.get(mes=8)
    assert (avance.realizado, avance.observaciones) == (D(12), "Entrega adelantada de becas")
    usuario = avance.history.first().history_user
    assert usuario.username == "capturista"
    # The unchanged months of the sheet were left alone: no new versions, no history.
    assert meta.avances.get(mes=9).version == 1
    assert meta.avances.get(mes=9).history.count() == 1


def test_capture_sheet_changes_an_existing_value_old_to_new(demo, client):
    entrar(client, "capturista")
    unidad = UnidadEjecutora.objects.get(ramo__clave="54", clave="54101")
    contenido = hoja_llena(unidad, 2, {("100", 6): (93, "Corrección")})
    subido = client.post(
        reverse("importacion:captura_subir"), {"archivo": subida(contenido), "ejercicio": 2022}
    )
    cambios = {(c.campo, c.anterior, c.nuevo) for c in client.get(subido.url).context["cambios"]}
    assert cambios == {("realizado", "91", "93"), ("observaciones", "(vacío)", "Corrección")}
    client.post(reverse("importacion:confirmar", args=[token_de(subido)]))
    avance = Avance.objects.get(meta__unidad=unidad, meta__clave="100", mes=6)
    assert avance.realizado == D(93) and avance.version == 2


def test_capture_sheet_only_accepts_the_users_own_unidades(demo, client):
    entrar(client, "capturista")
    propia = UnidadEjecutora.objects.get(ramo__clave="54", clave="54101")
    ajena = UnidadEjecutora.objects.get(ramo__clave="54", clave="54201")
    assert client.get(
        reverse("importacion:captura_descargar", args=[ajena.pk, 2])
    ).status_code == 404  # fmt: skip
    libro = openpyxl.load_workbook(io.BytesIO(hoja_llena(propia, 2, {("100", 6): (92, "")})))
    libro["avances"].append(["54", "54201", "", "300", "", "", 6, "Junio", 0, 1, "intruso"])
    libro.create_sheet("metas").append(["ramo_clave"])
    antes = list(Avance.objects.values_list("pk", "realizado", "version"))
    subido = client.post(
        reverse("importacion:captura_subir"),
        {"archivo": subida(a_bytes(libro)), "ejercicio": 2022},
    )
    plan = client.get(subido.url).context["plan"]
    fila = libro["avances"].max_row
    assert [str(e) for e in plan.errores] == [
        f"avances!{fila} unidad_clave: la unidad 54201 del ramo 54 no está entre las unidades "
        "que usted captura."
    ]
    assert "metas: en la hoja de captura solo se cargan avances; esta hoja se ignora." in [
        str(a) for a in plan.advertencias
    ]
    assert client.post(reverse("importacion:confirmar", args=[token_de(subido)])).status_code == 400
    assert list(Avance.objects.values_list("pk", "realizado", "version")) == antes


def test_capture_sheet_refuses_an_authorized_quarter(demo, client):
    entrar(client, "capturista")
    unidad = UnidadEjecutora.objects.get(ramo__clave="54", clave="54101")
    meta = Meta.objects.get(unidad=unidad, clave="100")
    TrimestreFirma.objects.create(programa=meta.programa, unidad=unidad, trimestre=2,
                                  estado=TrimestreFirma.Estado.AUTORIZADO)  # fmt: skip
    contenido = hoja_llena(unidad, 2, {("100", 6): (99, "")})
    subido = client.post(
        reverse("importacion:captura_subir"), {"archivo": subida(contenido), "ejercicio": 2022}
    )
    (error,) = client.get(subido.url).context["plan"].errores
    assert "La meta 100 tiene T2 autorizado" in error.mensaje and "junio" in error.mensaje
    assert meta.avances.get(mes=6).realizado == D(91)


def test_capture_upload_is_for_capturistas_only(demo, client):
    entrar(client, "planeacion")
    unidad = UnidadEjecutora.objects.get(ramo__clave="54", clave="54101")
    contenido = hoja_llena(unidad, 2, {("100", 6): (99, "")})
    respuesta = client.post(
        reverse("importacion:captura_subir"), {"archivo": subida(contenido), "ejercicio": 2022}
    )
    assert respuesta.status_code == 403
    assert client.get(reverse("importacion:captura")).status_code == 403
    # Planeación may still download a unidad's sheet (read-only data it can already see).
    descarga = client.get(reverse("importacion:captura_descargar", args=[unidad.pk, 2]))
    assert descarga.status_code == 200
