"""`manage.py respaldar` / `restaurar` on SQLite (online backup API) and PostgreSQL
(pg_dump -Fc / pg_restore): back up, change data, restore, every row back (issue 16)."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from programas.models import Meta, Programado
from tests.factories import MetaFactory


def _conteos() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy
    }


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_every_row_after_changes(poa, personas, tmp_path, capsys):
    archivo = tmp_path / "poa.respaldo"
    meta = poa.metas_a1[0]
    antes = _conteos()
    descripcion, anual = meta.descripcion, meta.meta_anual
    programados = list(Programado.objects.filter(meta=meta).values_list("mes", "valor"))

    call_command("respaldar", salida=str(archivo))
    assert "Respaldo escrito en" in capsys.readouterr().out
    assert archivo.stat().st_size > 0

    Meta.objects.filter(pk=meta.pk).update(descripcion="cambiada después del respaldo")
    Programado.objects.filter(meta=meta).update(valor=999)
    MetaFactory(programa=poa.programa_a, unidad=poa.unidad_a1, clave="777")
    personas.ajeno.delete()
    assert _conteos() != antes

    call_command("restaurar", str(archivo), "--noinput")
    assert "Base de datos restaurada" in capsys.readouterr().out
    assert _conteos() == antes
    meta.refresh_from_db()
    assert (meta.descripcion, meta.meta_anual) == (descripcion, anual)
    assert list(Programado.objects.filter(meta=meta).values_list("mes", "valor")) == programados
    assert not Meta.objects.filter(clave="777").exists()
    assert antes["auth.User"] == 7


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(poa, tmp_path):
    falso = tmp_path / "no-es-respaldo.bin"
    falso.write_bytes(b"esto no es un respaldo")
    antes = _conteos()
    with pytest.raises(CommandError, match="no es un respaldo"):
        call_command("restaurar", str(falso), "--noinput")
    with pytest.raises(CommandError, match="No existe el archivo"):
        call_command("restaurar", str(tmp_path / "falta.bin"), "--noinput")
    assert _conteos() == antes


def test_backup_to_a_missing_folder_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="No existe la carpeta"):
        call_command("respaldar", salida=str(tmp_path / "no" / "hay" / "r.bak"))
