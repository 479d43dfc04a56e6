"""Informe trimestral ejecutivo: 2–4 pages, the tablero's figures, metas in rojo with their
justification, indicators outside green; from the command line and the Reportes page."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile

import pypdf
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from avances.models import Avance
from avances.models_indicadores import AvanceIndicador
from avances.selectors_indicadores import filas_indicadores
from programas.models import Asignacion, Indicador, Ramo
from reportes.formatos import EXPORTADORES, Parametros
from reportes.selectors import reporte_datos
from reportes.tablero import tablero_datos
from tests.factories import UserFactory, asignar

pytestmark = pytest.mark.django_db
INFORME = "informe-trimestral"


@pytest.fixture(autouse=True)
def _cache_vacia():
    cache.clear()


def _texto(contenido: bytes) -> str:
    """The PDF's text in reading order, whitespace collapsed (wrapped lines joined)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as archivo:
        archivo.write(contenido)
        archivo.flush()
        crudo = subprocess.run(
            ["pdftotext", "-raw", archivo.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    return " ".join(crudo.split())


def _paginas(contenido: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(contenido)).pages)


def _informe(ramo_id=None, trimestre=2) -> tuple[str, bytes]:
    nombre, tipo, contenido = EXPORTADORES[INFORME].render(
        Parametros(anio=2022, trimestre=trimestre, ramo_id=ramo_id)
    )
    assert tipo == "application/pdf" and contenido[:4] == b"%PDF"
    return nombre, contenido


def _cifras_del_tablero(client, usuario, poa_demo, **seleccion) -> dict:
    """What the tablero page prints: the total's achieved / expected and semáforo counts."""
    client.force_login(usuario)
    respuesta = client.get("/tablero/", {"ejercicio": poa_demo.pk, "trimestre": 2, **seleccion})
    html = respuesta.content.decode()
    logrado = re.search(r"([\d,.]+) logrado de ([\d,.]+) programado", html)
    porcentaje = re.search(r'<p class="grande semaforo-\w+">([^<]+)</p>', html)
    conteos = {
        marca: int(re.search(rf"{marca}\s*</th><td class=\"num\">(\d+)</td>", html).group(1))
        for marca in ("Verde", "Amarillo", "Rojo")
    }
    return {"logrado": logrado.groups(), "porcentaje": porcentaje.group(1), **conteos}


@pytest.fixture
def planeacion(poa_demo):
    usuario = UserFactory(username="planeacion_informe")
    asignar(usuario, Asignacion.Rol.PLANEACION)
    return usuario


def test_each_ramo_and_the_municipality_fit_in_2_to_4_pages_with_the_tableros_figures(
    client, poa_demo, planeacion
):
    ramos = list(Ramo.objects.filter(ejercicio=poa_demo).order_by("clave"))
    for ramo in [*ramos, None]:
        nombre, contenido = _informe(ramo.pk if ramo else None)
        assert 2 <= _paginas(contenido) <= 4, (nombre, _paginas(contenido))
        texto = _texto(contenido)
        assert "Informe trimestral ejecutivo" in texto
        assert "Segundo trimestre 2022 (ABRIL-JUNIO 2022)" in texto
        tablero = _cifras_del_tablero(
            client, planeacion, poa_demo, **({"ramo": ramo.pk} if ramo else {})
        )
        logrado, esperado = tablero["logrado"]
        assert f"{logrado} logrado de {esperado} programado" in texto, nombre
        assert tablero["porcentaje"] in texto
        tabla = re.search(r"Metas por marca del semáforo (.*?) Logrado contra", texto).group(1)
        numeros = [int(n) for n in re.findall(r"\b\d+\b", tabla)]
        assert numeros[:3] == [tablero["Verde"], tablero["Amarillo"], tablero["Rojo"]], nombre
        assert "Avance por ramo y programa" in texto and "Proyección al cierre del año" in texto
        if ramo is not None:
            assert nombre.endswith(f"_{ramo.clave}.pdf") and f"Ramo {ramo.clave}" in texto
            otros = [r for r in ramos if r != ramo]
            assert all(f"{r.clave} {r.nombre}" not in texto for r in otros)
        else:
            assert nombre.endswith("_municipio.pdf")
            assert all(f"{r.clave} {r.nombre[:20]}" in texto for r in ramos)


def _fila_roja_editable(ramo):
    """A meta in rojo in T2 whose quarter is not authorized (its Avance can be written)."""
    datos = reporte_datos(anio=2022, trimestre=2, ramo_id=ramo.pk)
    for seccion in datos.secciones:
        for fila in seccion.filas:
            if fila.calculo.semaforo.value == "rojo" and not seccion.firmado:
                return fila
    raise AssertionError("la demo no tiene metas en rojo editables")


def test_every_meta_in_rojo_is_listed_with_its_justification_and_projection(poa_demo):
    ramo = Ramo.objects.get(ejercicio=poa_demo, clave="01")
    fila = _fila_roja_editable(ramo)
    justificacion = "Se suspendió la obra por la temporada de lluvias; se repone en julio."
    avance = Avance.objects.filter(meta_id=fila.meta_id, mes__in=(4, 5, 6)).order_by("mes")[0]
    avance.observaciones = justificacion
    avance.version += 1
    avance.save()

    _, contenido = _informe(ramo.pk)
    texto = _texto(contenido)
    en_rojas = texto[texto.index("Metas en rojo y su justificación") :]
    datos = reporte_datos(anio=2022, trimestre=2, ramo_id=ramo.pk)
    tablero = tablero_datos(datos, nivel="ramo", limite_metas=100)
    assert tablero.metas and len(tablero.metas) <= 20  # all of them listed
    for meta in tablero.metas:
        inicio = " ".join(meta.descripcion.split()[:4])
        assert f"{meta.clave} {inicio}" in en_rojas, meta.clave
    bloque = en_rojas[en_rojas.index(f"{fila.clave} ") :]
    assert bloque.index(justificacion) < bloque.index("Son estimaciones, no cifras oficiales.")
    assert "Sin justificación capturada." in en_rojas  # the others say so, not a blank


def test_indicators_outside_green_appear_with_their_justification(poa_demo):
    filas = filas_indicadores(
        Indicador.objects.filter(programa__ramo__ejercicio=poa_demo), trimestre=2
    )
    fuera = [f for f in filas if f.calculo is not None and f.calculo.semaforo != "verde"]
    verdes = [f for f in filas if f.calculo is not None and f.calculo.semaforo == "verde"]
    assert fuera and verdes
    AvanceIndicador.objects.update_or_create(
        indicador=fuera[0].indicador,
        periodo=fuera[0].periodo,
        defaults={"justificacion": "La encuesta de satisfacción se levanta en julio."},
    )
    _, contenido = _informe()
    texto = _texto(contenido)
    seccion = texto[texto.index("Indicadores de la MIR fuera del verde") :]
    assert f"{fuera[0].indicador.clave} {fuera[0].indicador.nombre[:20]}" in seccion
    assert "La encuesta de satisfacción se levanta en julio." in seccion
    tabla = seccion[seccion.index("Justificación") :]
    assert all(f"{v.indicador.clave} {v.indicador.nombre[:20]}" not in tabla for v in verdes)


def test_the_command_writes_the_informe_and_refuses_xlsx(poa_demo, tmp_path):
    salida = tmp_path / "informe.pdf"
    call_command(
        "reporte", INFORME, "--ejercicio", "2022", "--trimestre", "2", "--ramo", "54",
        "--formato", "pdf", "--salida", str(salida),
    )  # fmt: skip
    contenido = salida.read_bytes()
    assert 2 <= _paginas(contenido) <= 4
    assert "Ramo 54 BIENESTAR SOCIAL MUNICIPAL" in _texto(contenido)
    with pytest.raises(CommandError, match="solo se genera en PDF"):
        call_command(
            "reporte", INFORME, "--ejercicio", "2022", "--trimestre", "2",
            "--formato", "xlsx", "--salida", str(tmp_path / "x.xlsx"),
        )  # fmt: skip
    with pytest.raises(CommandError, match="No existe el ramo «99»"):
        call_command(
            "reporte", INFORME, "--ejercicio", "2022", "--trimestre", "2", "--ramo", "99",
            "--formato", "pdf", "--salida", str(tmp_path / "y.pdf"),
        )  # fmt: skip


def test_the_reportes_page_offers_it_within_the_users_scope(client, poa_demo):
    bisom = Ramo.objects.get(ejercicio=poa_demo, clave="54")
    presidencia = Ramo.objects.get(ejercicio=poa_demo, clave="01")
    usuario = UserFactory(username="consulta_informe")
    asignar(usuario, Asignacion.Rol.CONSULTA, bisom)
    client.force_login(usuario)
    assert "Informe trimestral ejecutivo" in client.get("/reportes/").content.decode()

    pedir = {"reporte": INFORME, "tipo": "pdf", "ejercicio": 2022, "trimestre": 2}
    respuesta = client.get("/reportes/descargar/", pedir)
    assert respuesta.status_code == 200 and respuesta["Content-Type"] == "application/pdf"
    texto = _texto(respuesta.content)
    assert "Ramo 54 BIENESTAR SOCIAL MUNICIPAL" in texto
    assert presidencia.nombre not in texto and "OROMAPAS" not in texto

    fuera = client.get("/reportes/descargar/", {**pedir, "ramo": presidencia.pk})
    assert fuera.status_code == 404
    xlsx = client.get("/reportes/descargar/", {**pedir, "tipo": "xlsx"}, follow=True)
    assert "solo se genera en PDF" in xlsx.content.decode()
