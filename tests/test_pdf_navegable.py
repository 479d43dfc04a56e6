"""Consolidated files you can navigate: bookmarks, a table of contents, the file's numbering.

On the 2022 demo: ramo 54 (Presidencia) has five unidades; the ejercicio three ramos.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile

import openpyxl
import pypdf
import pytest

from programas.models import Ramo
from reportes.formatos import EXPORTADORES, Parametros

pytestmark = pytest.mark.django_db


def _render(identificador: str, formato: str, **alcance) -> bytes:
    params = Parametros(anio=2022, trimestre=2, formato=formato, **alcance)
    return EXPORTADORES[identificador].render(params)[2]


def _paginas_texto(contenido: bytes) -> list[str]:
    """Each page's text as `pdftotext -layout` reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as archivo:
        archivo.write(contenido)
        archivo.flush()
        salida = subprocess.run(
            ["pdftotext", "-layout", archivo.name, "-"], check=True, capture_output=True
        ).stdout.decode()
    return salida.split("\f")[:-1]


def _marcadores(lector: pypdf.PdfReader, nivel=None) -> list:
    """The outline as [(title, page index, [children…])]."""
    resultado = []
    for item in lector.outline if nivel is None else nivel:
        if isinstance(item, list):
            resultado[-1][2].extend(_marcadores(lector, item))
        else:
            resultado.append((item.title, lector.get_destination_page_number(item), []))
    return resultado


def test_a_ramo_file_has_bookmarks_contents_and_the_files_numbering(poa_demo):
    ramo = Ramo.objects.get(ejercicio=poa_demo, clave="54")
    contenido = _render("tmm-f004", "pdf", ramo_id=ramo.pk)
    lector = pypdf.PdfReader(io.BytesIO(contenido))
    total = len(lector.pages)
    paginas = _paginas_texto(contenido)
    assert len(paginas) == total
    # Bookmarks: the index, then the ramo with its five unidades.
    marcadores = _marcadores(lector)
    assert [m[0] for m in marcadores] == ["Índice", f"54 {ramo.nombre}"]
    unidades = marcadores[1][2]
    assert [t.split(" ")[0] for t, _, _ in unidades] == [
        "54101",
        "54102",
        "54201",
        "54202",
        "54204",
    ]
    assert marcadores[1][1] == unidades[0][1] == 1  # right after the one-page index
    # The first page is the table of contents: each unidad with the page it starts on.
    indice = paginas[0]
    assert "Índice" in indice and f"Página 1 de {total} del archivo" in indice
    for titulo, pagina, _ in unidades:
        linea = next(x for x in indice.splitlines() if titulo in x)
        assert linea.split()[-1] == str(pagina + 1)
        # …and that page is the first one of that unidad's section (its own "Página 1 de").
        assert titulo.split(" ")[0] in paginas[pagina]
        assert re.search(r"Página 1 de \d+\s", paginas[pagina])
    # Every page says where it is in the whole file, beside the section's own numbering.
    for numero, texto in enumerate(paginas, 1):
        assert f"Página {numero} de {total} del archivo" in texto
    secciones = [int(m) for m in re.findall(r"Página \d+ de (\d+)\s*\n", "\n".join(paginas[1:]))]
    assert secciones and max(secciones) < total


def test_the_ejercicio_file_groups_its_unidades_by_ramo(poa_demo):
    contenido = _render("avance-trimestre", "pdf")
    lector = pypdf.PdfReader(io.BytesIO(contenido))
    marcadores = _marcadores(lector)
    ramos = [t for t, _, hijos in marcadores if hijos]
    assert len(ramos) == Ramo.objects.filter(ejercicio=poa_demo).count() == 3
    paginas = [p for _, p, hijos in marcadores for _, p, _ in hijos]
    assert paginas == sorted(paginas) and len(set(paginas)) == len(paginas)
    texto = _paginas_texto(contenido)
    assert f"Página {len(lector.pages)} de {len(lector.pages)} del archivo" in texto[-1]


def test_a_single_unidad_has_no_index_nor_file_numbering(poa_demo):
    ramo = Ramo.objects.get(ejercicio=poa_demo, clave="54")
    unidad = ramo.unidades.get(clave="54101")
    contenido = _render("tmm-f004", "pdf", unidad_id=unidad.pk)
    assert "del archivo" not in "".join(_paginas_texto(contenido))
    assert not pypdf.PdfReader(io.BytesIO(contenido)).outline


def test_the_consolidated_xlsx_opens_on_an_index_linking_each_sheet(poa_demo):
    ramo = Ramo.objects.get(ejercicio=poa_demo, clave="54")
    libro = openpyxl.load_workbook(io.BytesIO(_render("tmm-f004", "xlsx", ramo_id=ramo.pk)))
    assert libro.sheetnames[0] == "Índice"
    assert libro.sheetnames[1:] == ["54101", "54102", "54201", "54202", "54204"]
    indice = libro["Índice"]
    vinculos = {c.value.split(" ")[0]: c.hyperlink.location for c in indice["A"] if c.hyperlink}
    assert vinculos == {n: f"'{n}'!A1" for n in libro.sheetnames[1:]}
    textos = [c.value for c in indice["B"] if c.value]
    assert any(ramo.nombre in t for t in textos)
