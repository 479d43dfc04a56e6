"""The offline capture sheet with months as columns (issue 11): layout, validation and
protection read back with openpyxl, and an upload that stores each valid cell and refuses
each bad one with its reference and reason, through the grid's service and locks."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avances.models import Avance, TrimestreFirma
from avances.services import CeldaCaptura, avances_guardar_rejilla, periodos_cambiar
from plantilla.demo import crear_usuarios_demo
from plantilla.hoja_captura import CONTROL, HOJA
from programas.models import Meta, UnidadEjecutora

D = Decimal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media_aislada(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def capturista(poa_demo, client):
    crear_usuarios_demo()
    client.force_login(get_user_model().objects.get(username="capturista"))
    return client


@pytest.fixture
def unidad(poa_demo):
    return UnidadEjecutora.objects.get(ramo__clave="54", clave="54101")


def descargar(client, unidad, trimestre=2) -> openpyxl.Workbook:
    respuesta = client.get(reverse("importacion:captura_descargar", args=[unidad.pk, trimestre]))
    assert respuesta.status_code == 200 and respuesta["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(respuesta.content))


def fila_de(hoja, clave: str) -> int:
    for fila in range(5, hoja.max_row + 1):
        if hoja.cell(row=fila, column=1).value == clave:
            return fila
    raise AssertionError(f"no está la meta {clave}")


def subir(client, libro, nombre="hoja.xlsx"):
    salida = io.BytesIO()
    libro.save(salida)
    archivo = SimpleUploadedFile(nombre, salida.getvalue(), content_type=XLSX)
    return client.post(
        reverse("importacion:captura_subir"), {"archivo": archivo, "ejercicio": 2022}
    )


def test_sheet_has_one_row_per_meta_with_validation_and_protection(capturista, unidad):
    libro = descargar(capturista, unidad)
    assert libro.sheetnames == [HOJA, CONTROL]
    assert libro[CONTROL].sheet_state == "veryHidden"
    assert libro.security.lockStructure
    hoja = libro[HOJA]
    encabezado = [hoja.cell(row=4, column=c).value for c in range(1, 14)]
    assert encabezado == [
        "Clave", "Descripción", "Abril P", "Abril R", "Mayo P", "Mayo R", "Junio P", "Junio R",
        "Abril observaciones", "Mayo observaciones", "Junio observaciones", "Unidad de medida",
        "Programa",
    ]  # fmt: skip
    claves = [hoja.cell(row=f, column=1).value for f in range(5, hoja.max_row + 1)]
    assert claves == list(
        Meta.objects.filter(unidad=unidad)
        .order_by("orden", "clave")
        .values_list("clave", flat=True)
    )
    fila = fila_de(hoja, "100")
    assert hoja.cell(row=fila, column=8).value == 91  # Junio R, as stored
    programado = Meta.objects.get(unidad=unidad, clave="100").programados.get(mes=6).valor
    assert D(str(hoja.cell(row=fila, column=7).value)) == programado  # Junio P
    # Protected structure: P locked and shaded, R and observaciones unlocked.
    assert hoja.protection.sheet
    p, r, o = (hoja.cell(row=fila, column=c) for c in (7, 8, 11))
    assert p.protection.locked and p.fill.fgColor.rgb.endswith("E7E6E6")
    assert not r.protection.locked and not o.protection.locked
    validaciones = {v.type: v for v in hoja.data_validations.dataValidation}
    numero = validaciones["decimal"]
    assert (numero.operator, numero.formula1) == ("between", "0") and numero.showErrorMessage
    ultima = hoja.max_row
    assert {str(r) for r in numero.sqref.ranges} == {f"{c}5:{c}{ultima}" for c in "DFH"}
    texto = validaciones["textLength"]
    assert texto.formula1 == "4000"
    assert {str(r) for r in texto.sqref.ranges} == {f"{c}5:{c}{ultima}" for c in "IJK"}


def test_unchanged_sheet_changes_nothing(capturista, unidad):
    antes = list(Avance.objects.order_by("pk").values_list("pk", "realizado", "version"))
    respuesta = subir(capturista, descargar(capturista, unidad))
    assert respuesta.status_code == 200
    informe = respuesta.context["informe"]
    assert (informe.tomadas, informe.rechazadas) == ([], [])
    assert "no se cambió nada" in respuesta.content.decode()
    assert list(Avance.objects.order_by("pk").values_list("pk", "realizado", "version")) == antes


def test_each_cell_is_taken_or_refused_with_its_reference(capturista, unidad, poa_demo):
    periodos_cambiar(ejercicio=poa_demo, meses=[5], abierto=False)
    libro = descargar(capturista, unidad)
    hoja = libro[HOJA]
    f100, f101, f102 = (fila_de(hoja, c) for c in ("100", "101", "102"))
    hoja.cell(row=f100, column=8).value = 95  # Junio R: taken
    hoja.cell(row=f100, column=11).value = "Se corrigió el conteo"  # Junio obs: taken
    hoja.cell(row=f101, column=4).value = -3  # Abril R: negative
    hoja.cell(row=f101, column=9).value = "Nota válida"  # Abril obs of the same month: taken
    hoja.cell(row=f102, column=4).value = "doce"  # Abril R: not a number
    hoja.cell(row=f102, column=6).value = 4  # Mayo R: closed month
    hoja.cell(row=f102, column=8).value = D("1.234")  # Junio R: 3 decimals
    respuesta = subir(capturista, libro)
    assert respuesta.status_code == 200
    informe = respuesta.context["informe"]
    tomadas = {c.referencia: (c.antes, c.despues) for c in informe.tomadas}
    assert tomadas == {
        f"{HOJA}!H{f100} (Junio R)": ("91", "95"),
        f"{HOJA}!K{f100} (Junio observaciones)": ("(vacío)", "Se corrigió el conteo"),
        f"{HOJA}!I{f101} (Abril observaciones)": ("(vacío)", "Nota válida"),
    }
    rechazadas = {c.referencia: c.motivo for c in informe.rechazadas}
    assert rechazadas == {
        f"{HOJA}!D{f101} (Abril R)": "el realizado no puede ser negativo.",
        f"{HOJA}!D{f102} (Abril R)": (
            "«doce» no es un número (ejemplos válidos: 1234.5, 1,234.5)."
        ),
        f"{HOJA}!F{f102} (Mayo R)": (
            "el mes de mayo está cerrado por Planeación (periodo cerrado); solicite a "
            "Planeación su apertura."
        ),
        f"{HOJA}!H{f102} (Junio R)": "el valor 1.234 tiene más de 2 decimales.",
    }
    texto = respuesta.content.decode()
    assert f"{HOJA}!F{f102} (Mayo R)" in texto and "está cerrado por Planeación" in texto
    # The valid cells are stored (with history and a new version); the refused ones are not.
    junio = Avance.objects.get(meta__unidad=unidad, meta__clave="100", mes=6)
    assert (junio.realizado, junio.observaciones, junio.version) == (
        D(95), "Se corrigió el conteo", 2,
    )  # fmt: skip
    assert junio.actualizado_por.username == "capturista"
    assert junio.history.count() == 2
    abril = Avance.objects.get(meta__unidad=unidad, meta__clave="101", mes=4)
    assert (abril.realizado, abril.observaciones) == (None, "Nota válida")
    assert not Avance.objects.filter(
        meta__unidad=unidad, meta__clave="102", mes__in=[4, 5]
    ).exists()
    assert Avance.objects.get(meta__unidad=unidad, meta__clave="102", mes=6).version == 1


def test_authorized_quarter_is_refused_per_cell_and_other_programs_still_saved(capturista, unidad):
    libro = descargar(capturista, unidad, trimestre=3)
    hoja = libro[HOJA]
    meta = Meta.objects.get(unidad=unidad, clave="100")
    TrimestreFirma.objects.create(programa=meta.programa, unidad=unidad, trimestre=3,
                                  estado=TrimestreFirma.Estado.AUTORIZADO)  # fmt: skip
    otra = Meta.objects.filter(unidad=unidad).exclude(programa=meta.programa).first()
    fila = fila_de(hoja, "100")
    hoja.cell(row=fila, column=4).value = 7  # Julio R
    if otra is not None:
        hoja.cell(row=fila_de(hoja, otra.clave), column=4).value = 3
    informe = subir(capturista, libro).context["informe"]
    (rechazada,) = informe.rechazadas
    assert rechazada.referencia == f"{HOJA}!D{fila} (Julio R)"
    assert rechazada.motivo.startswith("la meta 100 tiene T3 autorizado")
    assert "julio" in rechazada.motivo
    assert not Avance.objects.filter(meta=meta, mes=7).exists()
    if otra is not None:
        assert Avance.objects.get(meta=otra, mes=7).realizado == D(3)
        assert len(informe.tomadas) == 1


def test_someone_elses_save_after_download_is_a_conflict_with_their_value(capturista, unidad):
    libro = descargar(capturista, unidad)
    hoja = libro[HOJA]
    meta = Meta.objects.get(unidad=unidad, clave="100")
    avance = Avance.objects.get(meta=meta, mes=6)
    avances_guardar_rejilla(
        unidad=unidad,
        celdas=[
            CeldaCaptura(meta_id=meta.pk, mes=6, realizado=D(92), version_esperada=avance.version)
        ],
        usuario=get_user_model().objects.get(username="capturista"),
    )
    fila = fila_de(hoja, "100")
    hoja.cell(row=fila, column=8).value = 99
    hoja.cell(row=fila_de(hoja, "101"), column=4).value = 5  # an unrelated cell still saves
    informe = subir(capturista, libro).context["informe"]
    (rechazada,) = informe.rechazadas
    assert rechazada.referencia == f"{HOJA}!H{fila} (Junio R)"
    assert "después de que usted descargó la hoja (ahora: R 92" in rechazada.motivo
    assert Avance.objects.get(meta=meta, mes=6).realizado == D(92)
    assert [c.referencia for c in informe.tomadas] == [f"{HOJA}!D{fila_de(hoja, '101')} (Abril R)"]


def test_sheet_of_a_unidad_the_user_does_not_capture_is_refused(capturista, poa_demo, client):
    ajena = UnidadEjecutora.objects.get(ramo__clave="54", clave="54201")
    planeacion = get_user_model().objects.get(username="planeacion")
    client.force_login(planeacion)
    libro = descargar(client, ajena)
    client.force_login(get_user_model().objects.get(username="capturista"))
    libro[HOJA].cell(row=5, column=4).value = 1
    antes = Avance.objects.count()
    respuesta = subir(client, libro)
    assert respuesta.status_code == 400
    assert "La hoja es de una unidad que usted no captura." in respuesta.content.decode()
    assert Avance.objects.count() == antes


def test_old_one_row_per_month_sheet_is_still_importable(capturista, unidad):
    respuesta = capturista.get(
        reverse("importacion:captura_descargar", args=[unidad.pk, 2]) + "?formato=filas"
    )
    libro = openpyxl.load_workbook(io.BytesIO(respuesta.content))
    assert "avances" in libro.sheetnames
    subido = subir(capturista, libro)
    assert subido.status_code == 302 and "/importacion/previa/" in subido.url


def test_grid_and_mis_metas_link_to_the_offline_sheet(capturista, unidad):
    descarga = reverse("importacion:captura_descargar", args=[unidad.pk, 2])
    rejilla = capturista.get(reverse("avances:captura", args=[unidad.pk, 2])).content.decode()
    assert f'href="{descarga}" download>Descargar hoja para trabajar sin conexión</a>' in rejilla
    inicio = capturista.get(
        reverse("avances:inicio") + f"?ejercicio={unidad.ramo.ejercicio_id}&trimestre=2"
    ).content.decode()
    assert f'href="{descarga}" download' in inicio
    assert "Trabajar sin conexión" in inicio
