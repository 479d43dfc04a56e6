"""Every format's XLSX printed by a real spreadsheet program looks like the PDF (issue 13).

LibreOffice Calc (headless, its own user profile) prints each workbook to PDF and
`pdftotext -bbox-layout` reads the pages back: no two text lines overlap (wrapped text
taller than its row prints over the next rows; a label wider than its column is cut and
runs under the value beside it) and no cell prints "###" (a number wider than its column).
The units are the demo's with the largest figures (54201: 166,588 in one month, the long
LÍNEAS DE ACCIÓN list) and OROMAPAS SC (P/R percentages).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from programas.models import UnidadEjecutora
from reportes.formatos import EXPORTADORES, Parametros
from tests.impresion import encimadas, paginas

pytestmark = pytest.mark.django_db

FILA = re.compile(r"^(\d|ÍNDICE DE EFICIENCIA)")  # a table row: a clave, a figure or the total

# The seven POA formats of issue 13 (the MIR formats need a MIR that unit 54201 lacks).
FORMATOS_POA = (
    "tmm-f004", "tmm-f004-mensual", "poa-trimestral", "avance-trimestre",
    "estimacion-avances", "identificacion-programas", "cronograma",
)  # fmt: skip
CASOS = [(identificador, "54", "54201") for identificador in FORMATOS_POA] + [
    ("poa-trimestral", "OROMAPAS", "SC"),
    ("estimacion-avances", "OROMAPAS", "SC"),
    ("tmm-f004", "01", "001"),
]


def _soffice() -> str:
    ruta = shutil.which("soffice")
    if ruta is None:
        if os.environ.get("CI"):
            pytest.fail("CI necesita LibreOffice Calc (libreoffice-calc-nogui, .ci/run)")
        pytest.skip("LibreOffice (soffice) no está instalado")
    return ruta


def _imprimir(soffice: str, libros: dict[str, bytes], carpeta: Path) -> dict[str, Path]:
    """Print every workbook to PDF with one LibreOffice run (a profile of its own)."""
    for nombre, contenido in libros.items():
        (carpeta / f"{nombre}.xlsx").write_bytes(contenido)
    perfil = (carpeta / "perfil").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={perfil}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(carpeta),
            *[str(carpeta / f"{nombre}.xlsx") for nombre in libros],
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return {nombre: carpeta / f"{nombre}.pdf" for nombre in libros}


def test_every_format_prints_from_libreoffice_without_overlaps_or_hashes(poa_demo, tmp_path):
    soffice = _soffice()
    libros = {}
    for identificador, ramo, unidad in CASOS:
        u = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave=ramo, clave=unidad)
        alcance = (
            {"ramo_id": u.ramo_id}
            if identificador == "identificacion-programas"
            else {"unidad_id": u.pk}
        )
        _, _, contenido = EXPORTADORES[identificador].render(
            Parametros(anio=2022, trimestre=4, formato="xlsx", **alcance)
        )
        libros[f"{identificador}_{ramo}_{unidad}"] = contenido
    impresos = _imprimir(soffice, libros, tmp_path)
    for nombre, pdf in impresos.items():
        assert pdf.is_file(), f"LibreOffice no imprimió {nombre}"
        hojas = paginas(str(pdf))
        assert hojas, nombre
        texto = "\n".join(c.texto for lineas, _ in hojas for c in lineas)
        assert "###" not in texto, f"{nombre}: una cifra no cabe en su columna"
        for numero, (lineas, _) in enumerate(hojas, 1):
            assert encimadas(lineas) == [], f"{nombre}, página {numero}: texto encimado"
        if nombre.startswith(("tmm-f004", "cronograma", "poa-trimestral")):
            # Labels whole, never "PROGRAM" or "UNIDAD E" (cut by the column).
            for etiqueta in ("PROGRAMA:", "Programa:"):
                if etiqueta.lower() in texto.lower():
                    break
            else:
                raise AssertionError(f"{nombre}: falta la etiqueta PROGRAMA")

    for nombre, pdf in impresos.items():
        for numero, (lineas, _) in enumerate(paginas(str(pdf)), 1):
            textos = [c.texto for c in lineas]
            if any(t.startswith("ELABORÓ") for t in textos):
                # Never a page with only the legend and the signatures.
                assert any(FILA.match(t) for t in textos), f"{nombre}, página {numero}"

    def texto_de(nombre: str) -> str:
        return "\n".join(c.texto for lineas, _ in paginas(str(impresos[nombre])) for c in lineas)

    assert "EJECUTORA:" in texto_de("tmm-f004_54_54201")  # the label wraps, it is not cut
    assert "70,741" in texto_de("tmm-f004-mensual_54_54201")  # June's A prints whole
