"""The PDF defects of issue 13, read back with pdftotext: each one pinned by a test."""

from __future__ import annotations

import html
import io
import re

import pypdf
import pytest

from programas.models import UnidadEjecutora
from reportes import pdf as modulo_pdf
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import libro, texto_pdf
from tests.impresion import encimadas, paginas

pytestmark = pytest.mark.django_db

CIFRA = re.compile(r"^\(?\d{1,3}(,\d{3})*(\.\d+)?\)?%?$")


def _unidad(ejercicio, ramo: str, clave: str) -> UnidadEjecutora:
    return UnidadEjecutora.objects.get(ramo__ejercicio=ejercicio, ramo__clave=ramo, clave=clave)


def _render(identificador: str, formato: str, trimestre: int, **alcance):
    return EXPORTADORES[identificador].render(
        Parametros(anio=2022, trimestre=trimestre, formato=formato, **alcance)
    )


def test_monthly_figures_fit_their_cells_on_legal_paper(poa_demo):
    unidad = _unidad(poa_demo, "54", "54201")
    _, _, contenido = _render("tmm-f004-mensual", "pdf", 4, unidad_id=unidad.pk)
    hojas = paginas(contenido)
    cifras = 0
    for _, palabras in hojas:
        for palabra in palabras:
            if palabra.texto[:1].isdigit() and "," in palabra.texto:
                cifras += 1
                # "166,14066,58855,300" is three figures run together: one spilled over.
                assert CIFRA.match(palabra.texto), palabra.texto
        # The diagonal BORRADOR mark (54 pt letters) lies over the table on purpose.
        assert encimadas([p for p in palabras if p.y1 - p.y0 < 20]) == []
    assert cifras >= 5
    assert "61,264" in texto_pdf(contenido) and "70,741" in texto_pdf(contenido)
    caja = pypdf.PdfReader(io.BytesIO(contenido)).pages[0].mediabox
    assert (round(float(caja.width)), round(float(caja.height))) == (1008, 612)  # legal
    ws = libro(_render("tmm-f004-mensual", "xlsx", 4, unidad_id=unidad.pk)[2]).active
    assert str(ws.page_setup.paperSize) == "5"  # the XLSX prints on legal paper too


def test_signatures_never_stand_alone_on_a_page(poa_demo):
    ramo = _unidad(poa_demo, "54", "54201").ramo
    for identificador in ("tmm-f004", "tmm-f004-mensual", "avance-trimestre", "cronograma"):
        _, _, contenido = _render(identificador, "pdf", 4, ramo_id=ramo.pk)
        for numero, (lineas, _) in enumerate(paginas(contenido), 1):
            textos = [c.texto for c in lineas]
            if any("ELABORÓ" in t for t in textos):
                # The page that signs also holds the last rows of the table.
                assert any(
                    re.match(r"^\d{3}\.-", t) or t.startswith("ÍNDICE DE EFICIENCIA")
                    for t in textos
                ), (identificador, numero)


def _palabras_fuente(documento) -> set[str]:
    """Every word the document's HTML holds: what may print whole."""
    texto = re.sub(r"<[^>]+>", " ", modulo_pdf.html_de(documento))
    return set(html.unescape(texto).split()) | {"Página", "de", "del", "archivo"}


def test_words_break_only_at_a_hyphen(poa_demo):
    """A word cut in a narrow cell ends in a hyphen ("Capacitació|n" would not)."""
    for identificador, ramo in (("poa-trimestral", "OROMAPAS"), ("cronograma", "01")):
        exportador = EXPORTADORES[identificador]
        unidades = UnidadEjecutora.objects.filter(ramo__ejercicio=poa_demo, ramo__clave=ramo)
        params = Parametros(anio=2022, trimestre=2, formato="pdf", ramo_id=unidades[0].ramo_id)
        documento = exportador.construir(exportador.datos(params))
        fuente = _palabras_fuente(documento)
        _, _, contenido = exportador.render(params)
        cortadas = 0
        for _, palabras in paginas(contenido):
            if any(p.texto == "Índice" for p in palabras):  # a consolidated file's contents
                continue
            for palabra in palabras:
                w = palabra.texto
                if w in fuente or w.isdigit() or len(w) <= 2:  # the diagonal BORRADOR: letters
                    continue
                if w.endswith(("-", "‐")):  # a hyphenated first part
                    cortadas += 1
                    assert any(f.startswith(w[:-1]) for f in fuente), w
                else:  # the rest of a hyphenated word
                    assert any(f.endswith(w) and f != w for f in fuente), w
        assert cortadas, identificador  # narrow cells do hyphenate


def test_empty_header_fields_are_left_out(poa_demo):
    presidencia = _unidad(poa_demo, "01", "001")
    bisom = _unidad(poa_demo, "54", "54101")
    texto = texto_pdf(_render("tmm-f004", "pdf", 1, unidad_id=presidencia.pk)[2])
    assert "UNIDAD EJECUTORA:" in texto
    for etiqueta in ("FINALIDAD:", "FUNCIÓN:", "SUBFUNCIÓN:", "EJE DE GOBIERNO:"):
        assert etiqueta not in texto
    ws = libro(_render("tmm-f004", "xlsx", 1, unidad_id=presidencia.pk)[2]).worksheets[1]
    etiquetas = {c.value for fila in ws.iter_rows(max_col=1) for c in fila}
    assert "UNIDAD EJECUTORA:" in etiquetas and "FINALIDAD:" not in etiquetas
    texto = texto_pdf(_render("tmm-f004", "pdf", 1, unidad_id=bisom.pk)[2])
    assert "FINALIDAD:" in texto and "LÍNEAS DE ACCIÓN:" in texto  # recorded: printed


def test_activity_title_does_not_repeat_the_word(poa_demo):
    presidencia = _unidad(poa_demo, "01", "001")
    _, _, contenido = _render("avance-trimestre", "xlsx", 1, unidad_id=presidencia.pk)
    valores = [
        c.value
        for ws in libro(contenido).worksheets
        for fila in ws.iter_rows(max_col=1)
        for c in fila
    ]
    grupos = [v for v in valores if isinstance(v, str) and "ACTIVIDAD 1 -" in v]
    assert grupos and all(not v.startswith("ACTIVIDAD: ACTIVIDAD") for v in grupos)
    bisom = _unidad(poa_demo, "54", "54101")
    texto = texto_pdf(_render("avance-trimestre", "pdf", 1, unidad_id=bisom.pk)[2])
    assert "ACTIVIDAD: ACTIVIDAD" not in texto
