"""Signed PDFs are archive PDFs: PDF/A-3b, tagged, with the signed snapshot attached.

On the living demo (`cargar_demo`, ejercicio 2026): programa 511 of ramo 54 has its two
unidades, 54101 and 54102, AUTORIZADO in T1–T3.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import pypdf
import pytest
from django.core.management import call_command

from avances.firma.huella import huella_de
from avances.models import TrimestreFirma
from programas.models import Programa, UnidadEjecutora
from reportes import pdf as modulo_pdf
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import texto_pdf
from tests.captura_util import congelar_hoy

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    congelar_hoy(monkeypatch)(date(2026, 11, 18))
    call_command("cargar_demo", verbosity=0)
    return Programa.objects.get(ramo__ejercicio__anio=2026, ramo__clave="54", clave="511")


def _render(identificador: str, trimestre: int, **alcance) -> bytes:
    params = Parametros(anio=2026, trimestre=trimestre, formato="pdf", **alcance)
    return EXPORTADORES[identificador].render(params)[2]


def _xmp(lector: pypdf.PdfReader) -> str:
    return lector.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def _es_pdfa_3b(lector: pypdf.PdfReader) -> bool:
    xmp = _xmp(lector)
    return 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


def test_a_signed_unidad_is_pdfa_3b_tagged_with_its_snapshot_attached(demo):
    unidad = UnidadEjecutora.objects.get(ramo=demo.ramo, clave="54101")
    firma = TrimestreFirma.objects.get(programa=demo, unidad=unidad, trimestre=2)
    assert firma.estado == TrimestreFirma.Estado.AUTORIZADO
    contenido = _render("tmm-f004", 2, unidad_id=unidad.pk)
    lector = pypdf.PdfReader(io.BytesIO(contenido))
    assert _es_pdfa_3b(lector)
    raiz = lector.trailer["/Root"]
    assert raiz["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in raiz  # tagged
    assert raiz["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    adjuntos = lector.attachments
    assert list(adjuntos) == ["instantanea-54-511-54101-T2.json"]
    (datos,) = adjuntos["instantanea-54-511-54101-T2.json"]
    # The attachment is the canonical JSON of the signed snapshot: its sha256 is the hash.
    assert hashlib.sha256(datos).hexdigest() == firma.snapshot_hash
    assert huella_de(json.loads(datos)) == firma.snapshot_hash
    assert json.loads(datos) == firma.snapshot
    # As an associated file of PDF/A-3 (AFRelationship /Data).
    especificacion = raiz["/AF"][0].get_object()
    assert especificacion["/AFRelationship"] == "/Data"
    assert firma.codigo_verificacion in texto_pdf(contenido)


def test_a_draft_is_tagged_without_pdfa_nor_attachment(demo):
    unidad = UnidadEjecutora.objects.get(ramo=demo.ramo, clave="54201")
    contenido = _render("tmm-f004", 2, unidad_id=unidad.pk)
    lector = pypdf.PdfReader(io.BytesIO(contenido))
    assert "/Metadata" not in lector.trailer["/Root"] or not _es_pdfa_3b(lector)
    assert not lector.attachments
    assert "BORRADOR" in texto_pdf(contenido)
    raiz = lector.trailer["/Root"]
    assert raiz["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in raiz  # tagged all the same


def test_a_signed_consolidated_file_is_pdfa_from_cached_sections(demo, monkeypatch):
    unidades = {u.clave: u for u in UnidadEjecutora.objects.filter(ramo=demo.ramo)}
    for clave in ("54101", "54102"):  # each unidad's PDF lays out (and keeps) its section
        _render("avance-trimestre", 1, unidad_id=unidades[clave].pk)

    def prohibido(html, opciones=None):
        if opciones and opciones.get("adjuntos") and "Índice" not in html:
            raise AssertionError("una sección firmada no se vuelve a componer")
        return original(html, opciones)

    original = modulo_pdf.pdf_de_html
    monkeypatch.setattr(modulo_pdf, "pdf_de_html", prohibido)
    contenido = _render("avance-trimestre", 1, programa_id=demo.pk)
    lector = pypdf.PdfReader(io.BytesIO(contenido))
    assert _es_pdfa_3b(lector)
    firmas = TrimestreFirma.objects.filter(programa=demo, trimestre=1)
    esperados = {f"instantanea-54-511-{f.unidad.clave}-T1.json": f.snapshot_hash for f in firmas}
    assert len(esperados) == 2
    adjuntos = lector.attachments
    assert {n: hashlib.sha256(adjuntos[n][0]).hexdigest() for n in adjuntos} == esperados
    texto = texto_pdf(contenido)
    assert "BORRADOR" not in texto and "Índice" in texto
    assert all(f.codigo_verificacion in texto for f in firmas)
