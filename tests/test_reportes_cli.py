"""`manage.py reporte`: success, unknown claves and empty scopes (clear Spanish errors)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.apoyo_reportes import libro, texto_pdf

pytestmark = pytest.mark.django_db


def test_reporte_command_writes_the_unit_pdf(poa_demo, tmp_path):
    salida = tmp_path / "tmm.pdf"
    call_command(
        "reporte", "tmm-f004", "--ejercicio", "2022", "--trimestre", "1", "--ramo", "54",
        "--programa", "511", "--unidad", "54101", "--formato", "pdf", "--salida", str(salida),
    )  # fmt: skip
    texto = texto_pdf(salida.read_bytes())
    assert "54101 DIRECCIÓN" in texto and "29%" in texto


def test_reporte_command_without_ramo_is_the_consolidated_file(poa_demo, tmp_path):
    salida = tmp_path / "consolidado.xlsx"
    call_command(
        "reporte", "poa-trimestral", "--ejercicio", "2022", "--trimestre", "2",
        "--formato", "xlsx", "--salida", str(salida),
    )  # fmt: skip
    hojas = libro(salida.read_bytes()).sheetnames
    # One sheet per organismo with a block per área (seed 000), after the index sheet.
    assert hojas == ["Índice", "01", "54", "OROMAPAS"]


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["--ramo", "99"], "No existe el ramo «99» en el ejercicio 2022."),
        (["--ramo", "54", "--programa", "999"], "No existe el programa «999»"),
        (["--ramo", "54", "--unidad", "X1"], "No existe la unidad «X1»"),
        (["--unidad", "54101"], "indique también --ramo"),
        # Programa 511 has no metas in unidad 54201 (it belongs to programa 542).
        (["--ramo", "54", "--programa", "511", "--unidad", "54201"], "no tiene metas"),
    ],
)
def test_reporte_command_refuses_unknown_claves_and_empty_scopes(
    poa_demo, tmp_path, argumentos, mensaje
):
    salida = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=mensaje):
        call_command(
            "reporte", "tmm-f004", "--ejercicio", "2022", "--trimestre", "1", *argumentos,
            "--formato", "pdf", "--salida", str(salida),
        )  # fmt: skip
    assert not salida.exists()


def test_reporte_command_refuses_unknown_format_and_year(db, tmp_path):
    with pytest.raises(CommandError, match="Formato desconocido «tmm-f005»"):
        call_command(
            "reporte", "tmm-f004".replace("4", "5"), "--ejercicio", "2022", "--trimestre", "1",
            "--formato", "pdf", "--salida", str(tmp_path / "x.pdf"),
        )  # fmt: skip
    with pytest.raises(CommandError, match="No existe el ejercicio 1999"):
        call_command(
            "reporte", "tmm-f004", "--ejercicio", "1999", "--trimestre", "1",
            "--formato", "pdf", "--salida", str(tmp_path / "x.pdf"),
        )  # fmt: skip
