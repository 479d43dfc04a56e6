"""`recordar_captura`: cron reminder of missing capture near a quarter's deadline."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from avances.models import FechaLimite
from tests.test_firmas import capturar_trimestre, llevar_a


@pytest.fixture(autouse=True)
def registro_temporal(settings, tmp_path):
    settings.POA_RECORDATORIOS_DIR = tmp_path / "recordatorios"


def correr(*args) -> str:
    salida = StringIO()
    call_command("recordar_captura", *args, stdout=salida)
    return salida.getvalue()


def test_reminds_unidades_with_missing_capture_before_the_default_deadline(poa, personas):
    # T2 2022 ends on Thursday 30 June; 10 business days later is Thursday 14 July.
    capturar_trimestre(poa.metas_a2, 2)  # A2 is complete; A1 and B1 are not
    salida = correr("--fecha", "2022-07-10", "--dias", "5")
    assert "Recordatorios enviados: 2." in salida
    por_unidad = {m.subject: m for m in mail.outbox}
    asunto = "[POA] Captura pendiente T2 2022: unidad 54101 (vence 14/07/2022)"
    correo = por_unidad[asunto]
    assert sorted(correo.to) == ["capturista@example.com", "resp_unidad@example.com"]
    assert "Programa 511 — Meta 100: falta capturar el realizado de abril, mayo, junio." in (
        correo.body
    )
    assert "/captura/" in correo.body
    assert not any("54102" in m.subject for m in mail.outbox)
    assert any(m.to == ["ajeno@example.com"] for m in mail.outbox)  # unidad B1's capturista


def test_nothing_is_sent_when_the_deadline_is_far_or_past(poa, personas):
    assert "Recordatorios enviados: 0." in correr("--fecha", "2022-07-01", "--dias", "5")
    assert "Recordatorios enviados: 0." in correr("--fecha", "2022-07-15", "--dias", "5")
    assert mail.outbox == []


def test_configured_deadline_wins(poa, personas):
    FechaLimite.objects.create(ejercicio=poa.ramo_a.ejercicio, trimestre=2, fecha=date(2022, 7, 4))
    assert "Recordatorios enviados: 0." in correr("--fecha", "2022-07-10", "--dias", "5")
    assert "Recordatorios enviados: 2." in correr("--fecha", "2022-07-01", "--dias", "3")


def test_idempotent_per_day_unless_forced(poa, personas):
    correr("--fecha", "2022-07-12", "--dias", "5")
    primeros = len(mail.outbox)
    assert primeros == 2
    assert "Recordatorios enviados: 0." in correr("--fecha", "2022-07-12", "--dias", "5")
    assert len(mail.outbox) == primeros
    correr("--fecha", "2022-07-13", "--dias", "5")  # the next day reminds again
    assert len(mail.outbox) == 2 * primeros
    correr("--fecha", "2022-07-13", "--dias", "5", "--forzar")
    assert len(mail.outbox) == 3 * primeros


def test_sent_quarters_and_simulation_send_nothing(poa, personas):
    llevar_a("ENVIADO", poa, personas, trimestre=2)
    salida = correr("--fecha", "2022-07-12", "--dias", "5", "--simular")
    assert "54101" not in salida  # already sent: nothing missing to remind
    assert "001 " in salida and "Recordatorios se enviarían: 1." in salida
    assert mail.outbox == []


def test_bad_options_are_clear_errors(db):
    with pytest.raises(CommandError, match="AAAA-MM-DD"):
        correr("--fecha", "12/07/2022")
    with pytest.raises(CommandError, match="negativo"):
        correr("--dias", "-1")
