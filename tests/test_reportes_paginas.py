"""Multi-page PDFs: the table header repeats, pages are numbered, long texts wrap and the
signature block is never split (issue 4, "How they must be built")."""

from __future__ import annotations

import pytest

from programas.models import Meta, UnidadEjecutora
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import poa_sintetico, texto_pdf

pytestmark = pytest.mark.django_db


def _paginas(anio: int, metas: int, *, descripcion_larga: str = "") -> list[str]:
    poa_sintetico(anio=anio, ramos=1, unidades_por_ramo=1, metas_por_unidad=metas)
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio__anio=anio)
    if descripcion_larga:
        Meta.objects.filter(unidad=unidad, clave="100").update(descripcion=descripcion_larga)
    _, _, pdf = EXPORTADORES["tmm-f004"].render(
        Parametros(anio=anio, trimestre=2, formato="pdf", unidad_id=unidad.pk)
    )
    return [p for p in texto_pdf(pdf).split("\f") if p.strip()]


def test_table_header_and_page_numbers_repeat_and_long_text_wraps():
    larga = " ".join(f"palabra{i}" for i in range(120)) + " FINDELADESCRIPCION"
    paginas = _paginas(2041, 19, descripcion_larga=larga)
    assert len(paginas) >= 2
    for numero, pagina in enumerate(paginas, 1):
        assert "METAS Y ACCIONES" in pagina and "OBSERVACIONES" in pagina  # table header
        assert f"Página {numero} de {len(paginas)}" in pagina
    texto = "\n".join(paginas)
    assert "FINDELADESCRIPCION" in texto and "palabra119" in texto  # wrapped, not cut
    assert all(f"{100 + m}.-" in texto for m in range(19))  # every meta is printed


def test_signature_block_moves_whole_to_the_next_page():
    # 14 metas fill the first page exactly: the three signatures cannot fit below them.
    paginas = _paginas(2042, 14)
    con_firmas = [p for p in paginas if "ELABORÓ" in p]
    assert len(con_firmas) == 1
    firmas = con_firmas[0]
    assert "REVISÓ" in firmas and "AUTORIZÓ" in firmas
    assert firmas.count("Nombre y firma") == 3
    assert "TITULAR 1" in firmas and "RESPONSABLE DE LA UNIDAD EJECUTORA" in firmas
    assert sum(p.count("Nombre y firma") for p in paginas) == 3
