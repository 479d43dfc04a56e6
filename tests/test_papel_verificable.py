"""Paper that verifies itself: a signed PDF carries the QR and URL of `/verificar/<código>/`,
an unsigned one is marked BORRADOR on every page (PDF) and in its header (XLSX)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from avances import firma as firmas
from avances.models import TrimestreFirma
from programas.models import Asignacion
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import libro
from tests.factories import MetaFactory, UserFactory, asignar
from tests.test_firmas import capturar_trimestre, llevar_a

Estado = TrimestreFirma.Estado
Rol = Asignacion.Rol
URL_BASE = "https://poa.ejemplo.gob.mx/"
MARCA = "BORRADOR — sin firma"


@pytest.fixture
def base_url(settings):
    settings.POA_URL_BASE = URL_BASE
    return URL_BASE.rstrip("/")


def _render(formato: str, *, reporte: str = "tmm-f004", **alcance) -> bytes:
    params = Parametros(anio=2022, trimestre=1, formato=formato, workers=1, **alcance)
    return EXPORTADORES[reporte].render(params)[2]


def _paginas_texto(pdf: bytes) -> list[str]:
    """pdftotext of each page (split on form feed), the trailing empty part dropped."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as archivo:
        archivo.write(pdf)
        archivo.flush()
        salida = subprocess.run(
            ["pdftotext", archivo.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    paginas = salida.split("\f")
    return paginas[:-1] if paginas and not paginas[-1].strip() else paginas


def _una_linea(texto: str) -> str:
    return " ".join(texto.split())


def _qrs(pdf: bytes) -> list[list[str]]:
    """The QR codes each page shows, decoded from a 200 dpi rendering of the page."""
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = Path(carpeta) / "reporte.pdf"
        ruta.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "200", str(ruta), str(Path(carpeta) / "p")], check=True
        )
        paginas = []
        for png in sorted(Path(carpeta).glob("p-*.png")):
            with Image.open(png) as imagen:
                leidos = zxingcpp.read_barcodes(imagen)
            paginas.append([b.text for b in leidos if b.format == zxingcpp.BarcodeFormat.QRCode])
        return paginas


def _firmar_a1_con_varias_paginas(poa, personas) -> TrimestreFirma:
    """Authorize (programa A, unidad A1) Q1 with enough metas to fill more than one page."""
    extra = [
        MetaFactory(
            programa=poa.programa_a,
            unidad=poa.unidad_a1,
            clave=str(300 + i),
            descripcion=f"Acción larga número {i} " + "con una descripción extensa " * 6,
        )
        for i in range(30)
    ]
    capturar_trimestre(extra)
    llevar_a(Estado.AUTORIZADO, poa, personas)
    return TrimestreFirma.objects.get(programa=poa.programa_a, unidad=poa.unidad_a1)


def test_signed_pdf_qr_decodes_to_the_verification_url_printed_beside_it(poa, personas, base_url):
    firma = _firmar_a1_con_varias_paginas(poa, personas)
    url = base_url + reverse("firmas:verificar", kwargs={"codigo": firma.codigo_verificacion})
    assert url.startswith("https://poa.ejemplo.gob.mx/verificar/")
    pdf = _render("pdf", programa_id=poa.programa_a.pk, unidad_id=poa.unidad_a1.pk)
    paginas = _paginas_texto(pdf)
    assert len(paginas) >= 2
    qrs = _qrs(pdf)
    assert len(qrs) == len(paginas)
    # The QR sits by the signature block, on the last page, and decodes to the exact URL.
    assert qrs[-1] == [url]
    assert all(codigos in ([], [url]) for codigos in qrs)
    # The URL is printed next to it, and on every page's footer.
    ultima = _una_linea(paginas[-1])
    assert firma.codigo_verificacion in ultima
    assert f"Verifique este documento en {url}" in ultima
    for pagina in paginas:
        assert f"Verifique en {url}" in _una_linea(pagina)
        assert "BORRADOR" not in pagina


def test_unsigned_pdf_is_marked_borrador_on_every_page_and_has_no_qr(poa, personas, base_url):
    extra = [
        MetaFactory(programa=poa.programa_a, unidad=poa.unidad_a2, clave=str(400 + i),
                    descripcion="Acción sin firmar " + "con una descripción extensa " * 6)
        for i in range(30)
    ]  # fmt: skip
    capturar_trimestre(extra)
    llevar_a(Estado.REVISADO, poa, personas)  # A1 reviewed but not authorized
    for unidad in (poa.unidad_a1, poa.unidad_a2):
        pdf = _render("pdf", programa_id=poa.programa_a.pk, unidad_id=unidad.pk)
        paginas = _paginas_texto(pdf)
        assert paginas
        for pagina in paginas:
            assert MARCA in _una_linea(pagina)
            assert "/verificar/" not in pagina and "código de verificación" not in pagina
        assert all(codigos == [] for codigos in _qrs(pdf))
    assert len(paginas) >= 2  # the last one, A2, spans pages: each carries the mark


def test_consolidated_pdf_marks_each_section_by_its_own_state(poa, personas, base_url):
    firma = _firmar_a1_con_varias_paginas(poa, personas)
    url = base_url + reverse("firmas:verificar", kwargs={"codigo": firma.codigo_verificacion})
    paginas = _paginas_texto(_render("pdf"))[1:]  # page 1: the table of contents
    de_a1 = [p for p in paginas if "54101 Dirección" in _una_linea(p)]
    otras = [p for p in paginas if "54101 Dirección" not in _una_linea(p)]
    assert len(de_a1) >= 2 and len(otras) >= 2  # A1 signed; A2 and B1 not
    for pagina in de_a1:
        assert "BORRADOR" not in pagina and f"Verifique en {url}" in _una_linea(pagina)
    for pagina in otras:
        assert MARCA in _una_linea(pagina) and "/verificar/" not in pagina


def _celdas(ws) -> list[str]:
    return [str(c.value) for fila in ws.iter_rows() for c in fila if c.value is not None]


def test_xlsx_header_says_borrador_only_for_unsigned_sheets(poa, personas, base_url):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    wb = libro(_render("xlsx", ramo_id=poa.ramo_a.pk))
    firmada, sin_firma = wb["54101"], wb["54102"]
    assert sin_firma.oddHeader.center.text == MARCA
    assert sin_firma.cell(3, sin_firma.max_column).value == MARCA
    assert sin_firma.cell(1, sin_firma.max_column).value == "TMM-F004"
    assert not firmada.oddHeader.center.text
    assert not any("BORRADOR" in valor for valor in _celdas(firmada))
    assert any(firma_codigo(poa) in valor for valor in _celdas(firmada))


def firma_codigo(poa) -> str:
    return TrimestreFirma.objects.get(
        programa=poa.programa_a, unidad=poa.unidad_a1
    ).codigo_verificacion


def test_xlsx_of_a_quarter_never_signed_says_borrador(poa, base_url):
    wb = libro(_render("xlsx", reporte="avance-trimestre"))
    assert len(wb.worksheets) == 1 + 3  # the index sheet first
    for ws in wb.worksheets[1:]:
        assert ws.oddHeader.center.text == MARCA
        assert MARCA in _celdas(ws)


def test_cached_signed_pdf_follows_the_url_base(poa, personas, settings):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    codigo = firma_codigo(poa)
    ruta = reverse("firmas:verificar", kwargs={"codigo": codigo})
    alcance = {"programa_id": poa.programa_a.pk, "unidad_id": poa.unidad_a1.pk}
    settings.POA_URL_BASE = "https://uno.ejemplo.mx"
    primero = _una_linea("".join(_paginas_texto(_render("pdf", **alcance))))
    settings.POA_URL_BASE = "https://dos.ejemplo.mx"
    segundo = _una_linea("".join(_paginas_texto(_render("pdf", **alcance))))
    assert f"https://uno.ejemplo.mx{ruta}" in primero
    assert f"https://dos.ejemplo.mx{ruta}" in segundo and "uno.ejemplo.mx" not in segundo


def test_identificacion_sheet_is_borrador_until_every_unidad_of_the_programa_signs(
    poa, personas, base_url
):
    capturar_trimestre(poa.metas_b1)
    r = {"programa": poa.programa_b, "unidad": poa.unidad_b1, "trimestre": 1}
    for rol, objeto, accion in (
        (Rol.RESPONSABLE_UNIDAD, poa.unidad_b1, firmas.trimestre_enviar),
        (Rol.RESPONSABLE_PROGRAMA, poa.programa_b, firmas.trimestre_revisar),
        (Rol.RESPONSABLE_RAMO, poa.ramo_b, firmas.trimestre_autorizar),
    ):
        usuario = UserFactory()
        asignar(usuario, rol, objeto)
        accion(**r, usuario=usuario)
    llevar_a(Estado.AUTORIZADO, poa, personas)  # A1 signed, A2 (same programa A) not
    wb = libro(_render("xlsx", reporte="identificacion-programas"))
    marcas = {ws.title: ws.oddHeader.center.text for ws in wb.worksheets[1:]}
    assert marcas == {"54-511": MARCA, "01-010": None}
    paginas = _paginas_texto(_render("pdf", reporte="identificacion-programas"))[1:]  # 1: índice
    assert [MARCA in _una_linea(p) for p in paginas] == [False, True]  # 01 before 54
