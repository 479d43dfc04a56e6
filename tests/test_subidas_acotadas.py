"""Uploads bound the work, not only the bytes (issue 16): limits read from the real cells."""

from __future__ import annotations

import io
import time
import tracemalloc

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from avances.models import Avance
from plantilla.demo import crear_usuarios_demo
from plantilla.hoja_captura import cargar_hoja_meses
from plantilla.importacion import analizar_libro
from plantilla.xlsx_seguro import ArchivoNoValido, validar_xlsx


def _libro_con_celda_en_xfd() -> bytes:
    libro = openpyxl.Workbook()
    hoja = libro.active
    hoja.title = "Hoja captura"
    hoja["A1"] = "Clave"
    hoja["XFD5"] = "x"
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _libro_de_filas(n: int) -> bytes:
    libro = openpyxl.Workbook(write_only=True)
    hoja = libro.create_sheet("Metas")
    hoja.append(["Clave", "Descripción"])
    for i in range(n):
        hoja.append([f"M{i}", "meta"])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def test_celda_en_xfd_se_rechaza_rapido_y_sin_memoria():
    datos = _libro_con_celda_en_xfd()
    assert len(datos) < 20_000
    tracemalloc.start()
    inicio = time.monotonic()
    with pytest.raises(ArchivoNoValido) as exc:
        validar_xlsx(datos)
    transcurrido = time.monotonic() - inicio
    _, pico = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "columna XFD" in exc.value.mensaje
    assert "máximo permitido es la columna IV" in exc.value.mensaje
    assert "«Hoja captura»" in exc.value.mensaje
    assert transcurrido < 2
    assert pico < 20 * 1024 * 1024, pico


def test_celda_en_xfd_en_la_hoja_de_meses_y_en_el_importador():
    datos = _libro_con_celda_en_xfd()
    tracemalloc.start()
    with pytest.raises(ArchivoNoValido, match="columna XFD"):
        cargar_hoja_meses(datos, usuario=None, unidades_permitidas=set())
    plan = analizar_libro(datos, ejercicio=2026)
    _, pico = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert any("columna XFD" in e.mensaje for e in plan.errores)
    assert pico < 40 * 1024 * 1024, pico


def test_cien_mil_filas_se_rechazan_con_mensaje():
    datos = _libro_de_filas(100_000)
    tracemalloc.start()
    with pytest.raises(ArchivoNoValido) as exc:
        validar_xlsx(datos)
    _, pico = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "«Metas» tiene más de 40,000 filas con datos" in exc.value.mensaje
    assert "Divídala en varios archivos" in exc.value.mensaje
    assert pico < 30 * 1024 * 1024, pico


@override_settings(POA_XLSX_MAX_FILAS=50, POA_XLSX_MAX_COLUMNAS=30)
def test_limites_se_leen_de_settings():
    validar_xlsx(_libro_de_filas(49))  # 49 + the header = 50 rows: accepted
    with pytest.raises(ArchivoNoValido, match="más de 50 filas"):
        validar_xlsx(_libro_de_filas(50))


def test_dimension_declarada_no_cuenta():
    """A sheet that *declares* A1:XFD1048576 but holds two cells is accepted."""
    datos = _libro_de_filas(3)
    import zipfile

    entrada = zipfile.ZipFile(io.BytesIO(datos))
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as nuevo:
        for nombre in entrada.namelist():
            contenido = entrada.read(nombre)
            if nombre.startswith("xl/worksheets/"):
                contenido = contenido.replace(
                    b"<sheetData", b'<dimension ref="A1:XFD1048576"/><sheetData', 1
                )
            nuevo.writestr(nombre, contenido)
    validar_xlsx(salida.getvalue())


@pytest.fixture
def demo(poa_demo, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    crear_usuarios_demo()
    return poa_demo


def test_la_subida_web_responde_400_en_espanol_y_no_guarda_nada(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="capturista"))
    antes = Avance.objects.count()
    respuesta = client.post(
        reverse("importacion:captura_subir"),
        {"archivo": SimpleUploadedFile("captura.xlsx", _libro_con_celda_en_xfd()),
         "ejercicio": 2022},
    )  # fmt: skip
    assert respuesta.status_code == 400
    texto = respuesta.content.decode()
    assert "tiene una celda en la columna XFD" in texto
    assert Avance.objects.count() == antes
