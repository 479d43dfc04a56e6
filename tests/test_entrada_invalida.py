"""Bad input answers a clear 4xx in Spanish (or is stored exactly), never a 500 (issue 16)."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from avances.models import Avance, EventoFirma
from plantilla.exportacion import exportar_hoja_captura, exportar_libro
from plantilla.xlsx_seguro import ArchivoNoValido, leer_bytes, texto_seguro, validar_xlsx
from programas.models import Meta
from tests.captura_util import datos_rejilla

ENORME = "99999999999999999999"  # 20 digits: beyond 64 bits


def _patrones(resolver=None, prefijo=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patrones(p, prefijo + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefijo + str(p.pattern)


def _nuestros():
    return [r for r in _patrones() if not r.startswith("admin/")]


def test_every_primary_key_in_our_urls_uses_the_id_converter():
    rutas = _nuestros()
    assert any("<id:" in r for r in rutas)
    assert [r for r in rutas if "<int:" in r] == []


@pytest.mark.django_db
def test_every_url_with_a_huge_id_is_a_404_never_a_500(client, personas):
    client.force_login(personas.planeacion)
    probadas = 0
    for ruta in _nuestros():
        if "<id:" not in ruta:
            continue
        url = "/" + re.sub(r"<id:\w+>", ENORME, re.sub(r"<str:\w+>", "x", ruta))
        for metodo in (client.get, client.post):
            respuesta = metodo(url)
            assert respuesta.status_code == 404, (url, respuesta.status_code)
        probadas += 1
    assert probadas >= 15


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/firmas/tablero/?ramo={ENORME}",
        f"/programas/responsables/?ramo={ENORME}",
        f"/asignaciones/?ramo={ENORME}",
        f"/?programa={ENORME}",
        "/asignaciones/?q=%00",
        "/firmas/?ejercicio=1%00",
        "/reportes/?ejercicio=%00",
    ],
)
def test_out_of_range_ids_and_nul_bytes_in_query_strings_are_a_400_in_spanish(
    client, personas, url
):
    client.force_login(personas.planeacion)
    respuesta = client.get(url)
    assert respuesta.status_code == 400
    html = respuesta.content.decode()
    assert "Solicitud no válida" in html
    assert "no es un identificador válido" in html or "carácter no válido (NUL)" in html


@pytest.mark.django_db
def test_a_long_number_in_the_search_box_is_text_not_an_id(client, personas):
    client.force_login(personas.planeacion)
    assert client.get(f"/asignaciones/?q={ENORME}").status_code == 200


@pytest.mark.django_db
def test_nul_in_an_observacion_is_an_error_on_that_cell_and_nothing_is_saved(client, personas, poa):
    client.force_login(personas.capturista)
    url = reverse("avances:captura", args=[poa.unidad_a1.pk, 2])
    datos = datos_rejilla(client.get(url).content.decode())
    meta = poa.metas_a1[0]
    datos.update({f"r-{meta.pk}-4": "3", f"o-{meta.pk}-4": "antes\x00después"})
    respuesta = client.post(url, datos)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert f'id="m-{meta.pk}-4" role="alert">Las observaciones contienen un carácter no' in html
    assert not Avance.objects.exists()


@pytest.mark.django_db
def test_nul_in_a_firma_comment_is_refused_with_a_message(client, personas, poa):
    client.force_login(personas.responsable_unidad)
    url = reverse("firmas:accion", args=[poa.programa_a.pk, poa.unidad_a1.pk, 1])
    respuesta = client.post(
        url, {"accion": "ENVIAR", "comentario": "listo\x00", "version": "1"}, follow=True
    )
    assert respuesta.status_code == 200
    assert "carácter no válido (NUL)" in respuesta.content.decode()
    assert not EventoFirma.objects.exists()


def _datos_meta(poa, meta_anual):
    datos = {
        "programa": poa.programa_a.pk, "unidad": poa.unidad_a1.pk, "clave": "900",
        "grupo": "", "descripcion": "Obra grande", "unidad_medida": "Peso",
        "meta_anual": meta_anual, "mes_inicio": "1", "tipo_acumulacion": "SUMA",
        "sentido": "ASCENDENTE", "nivel_mir": "", "m1": meta_anual,
    }  # fmt: skip
    datos.update({f"m{m}": "" for m in range(2, 13)})
    return datos


@pytest.mark.django_db
@pytest.mark.parametrize("valor", ["999999999999999.99", "123456789012345.67"])
def test_meta_figures_are_stored_exactly_or_refused_never_rounded(client, personas, poa, valor):
    client.force_login(personas.planeacion)
    respuesta = client.post(reverse("programas:meta_nueva"), _datos_meta(poa, valor))
    if connection.vendor == "postgresql":
        assert respuesta.status_code == 302
        meta = Meta.objects.get(clave="900")
        assert meta.meta_anual == Decimal(valor)
        assert str(meta.programados.get(mes=1).valor) == valor
    else:  # SQLite keeps DECIMAL as a float: refused instead of silently rounded
        assert respuesta.status_code == 200
        assert "más de 15 cifras significativas" in respuesta.content.decode()
        assert not Meta.objects.filter(clave="900").exists()


@pytest.mark.django_db
def test_largest_figure_that_fits_every_database_is_stored_exactly(client, personas, poa):
    client.force_login(personas.planeacion)
    valor = "9999999999999.99"
    assert client.post(reverse("programas:meta_nueva"), _datos_meta(poa, valor)).status_code == 302
    assert Meta.objects.get(clave="900").meta_anual == Decimal(valor)


@pytest.mark.django_db
def test_meta_figure_beyond_decimal_18_2_is_refused(client, personas, poa):
    client.force_login(personas.planeacion)
    html = client.post(
        reverse("programas:meta_nueva"), _datos_meta(poa, "10000000000000000")
    ).content.decode()
    assert "es demasiado grande (máximo " in html
    assert not Meta.objects.filter(clave="900").exists()


# --- Uploads and exported text -------------------------------------------------------------


def _libro(**extra_partes) -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hola"
    salida = io.BytesIO()
    wb.save(salida)
    if not extra_partes:
        return salida.getvalue()
    origen = zipfile.ZipFile(io.BytesIO(salida.getvalue()))
    destino = io.BytesIO()
    with zipfile.ZipFile(destino, "w") as z:
        for item in origen.infolist():
            datos = origen.read(item)
            if item.filename == "[Content_Types].xml" and "tipos" in extra_partes:
                datos = datos.replace(b"</Types>", extra_partes["tipos"] + b"</Types>")
            z.writestr(item, datos)
        for nombre, datos in extra_partes.items():
            if nombre != "tipos":
                z.writestr(nombre.replace("__", "/"), datos)
    return destino.getvalue()


def test_plain_workbook_passes_the_checks():
    validar_xlsx(_libro())


@pytest.mark.parametrize(
    "partes",
    [
        {"xl__vbaProject.bin": b"\xd0\xcf\x11\xe0macro"},
        {
            "tipos": b'<Override PartName="/xl/x.bin" '
            b'ContentType="application/vnd.ms-office.vbaProject"/>'
        },
    ],
)
def test_macro_enabled_workbooks_are_refused(partes):
    with pytest.raises(ArchivoNoValido, match="contiene macros"):
        validar_xlsx(_libro(**partes))


def test_xlsm_file_name_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    archivo = SimpleUploadedFile("poa.xlsm", _libro())
    with pytest.raises(ArchivoNoValido, match="contiene macros"):
        leer_bytes(archivo)


@pytest.mark.parametrize("texto", ["=1+1", "+5", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_texto_seguro_keeps_formula_like_text_as_text_with_the_quote_prefix(texto):
    from openpyxl.cell.rich_text import CellRichText

    from plantilla.xlsx_seguro import proteger_celda

    seguro = texto_seguro(texto)
    assert isinstance(seguro, CellRichText) and str(seguro) == texto  # the text, unchanged
    ws = openpyxl.Workbook().active
    ws.append([seguro, texto_seguro("normal")])
    for celda in ws[1]:
        proteger_celda(celda)
    assert ws["A1"].quotePrefix and not ws["B1"].quotePrefix
    assert texto_seguro("normal") == "normal"
    assert texto_seguro(12) == 12


@pytest.mark.django_db
def test_exported_workbooks_keep_formula_like_text_as_quote_prefixed_text(poa):
    meta = poa.metas_a1[0]
    Meta.objects.filter(pk=meta.pk).update(descripcion='=HYPERLINK("http://x")')
    for datos, hoja in (
        (exportar_libro(ejercicio=poa.ramo_a.ejercicio), "metas"),
        (exportar_hoja_captura(unidad=poa.unidad_a1, trimestre=1), "avances"),
    ):
        wb = openpyxl.load_workbook(io.BytesIO(datos))
        celdas = [c for fila in wb[hoja].iter_rows() for c in fila if c.value == meta.descripcion]
        celdas = celdas or [
            c for fila in wb[hoja].iter_rows() for c in fila
            if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")
        ]  # fmt: skip
        assert celdas, hoja
        for celda in celdas:
            assert celda.data_type == "s"
            assert celda.quotePrefix is True


@pytest.mark.django_db
def test_huge_version_numbers_in_posts_are_refused_not_a_500(client, personas, poa):
    client.force_login(personas.capturista)
    url = reverse("avances:captura", args=[poa.unidad_a1.pk, 2])
    datos = datos_rejilla(client.get(url).content.decode())
    meta = poa.metas_a1[0]
    _, _, huella = datos[f"v-{meta.pk}-4"].partition(".")
    datos.update({f"r-{meta.pk}-4": "3", f"v-{meta.pk}-4": f"{ENORME}.{huella}"})
    assert client.post(url, datos).status_code in (200, 302)
    client.force_login(personas.responsable_unidad)
    firma = reverse("firmas:accion", args=[poa.programa_a.pk, poa.unidad_a1.pk, 1])
    respuesta = client.post(firma, {"accion": "ENVIAR", "comentario": "", "version": ENORME})
    assert respuesta.status_code in (302, 403)
