"""An authorized quarter is locked on EVERY write path (DOMAIN.md §5, issue 5).

One section per path: the capture service (grid and single cell), the workbook import
(full template and capture sheet, also when the quarter is authorized between preview and
confirmation), the `importar_poa` command, the meta anual rule (`exigir_vigencia_intacta`),
the admin and the planning services. Every refusal writes nothing and is logged.
"""

import logging
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from avances.bloqueo import (
    TrimestreBloqueado,
    cambios_de_vigencia,
    exigir_vigencia_intacta,
    mapa_autorizados,
)
from avances.models import Avance, TrimestreFirma
from avances.services import CapturaRechazada, CeldaCaptura, avance_capturar
from avances.services import avances_guardar_rejilla as guardar_rejilla
from plantilla.importacion import ImportacionInvalida, analizar_libro, aplicar_plan
from programas.formulas import CambioVigencia
from programas.models import Meta, Programado, Reprogramacion
from tests.fixtures_demo import fila_meta, libro_xlsx
from tests.test_firmas import llevar_a

D = Decimal
Estado = TrimestreFirma.Estado


@pytest.fixture
def autorizado_t1(poa, personas):
    """Programa A / unidad A1 with T1 authorized (R = 1 for every meta, Jan–Mar)."""
    llevar_a(Estado.AUTORIZADO, poa, personas, trimestre=1)
    return poa.metas_a1[0]


def huella(poa):
    from avances.firma import snapshot_actual

    return snapshot_actual(poa.programa_a, poa.unidad_a1, 1)[1]


def assert_logged(caplog):
    assert any(
        r.name == "poa.bloqueo" and "Escritura rechazada por bloqueo" in r.getMessage()
        for r in caplog.records
    )


# --- Capture service (grid, single cell, import capture sheet) --------------------------


@pytest.mark.parametrize(
    ("realizado", "observaciones"), [(D("2"), ""), (D("1"), "Cambio de observación")]
)
def test_capture_cell_in_authorized_quarter_is_refused_and_logged(
    poa, personas, autorizado_t1, caplog, realizado, observaciones
):
    antes = huella(poa)
    avance = Avance.objects.get(meta=autorizado_t1, mes=2)
    with caplog.at_level(logging.WARNING, logger="poa.bloqueo"):
        with pytest.raises(CapturaRechazada) as error:
            avance_capturar(
                meta=autorizado_t1, mes=2, realizado=realizado, observaciones=observaciones,
                version_esperada=avance.version, usuario=personas.capturista,
            )  # fmt: skip
    assert "T1 autorizado" in error.value.errores[(autorizado_t1.pk, 2)]
    assert_logged(caplog)
    assert huella(poa) == antes
    assert Avance.objects.get(pk=avance.pk).version == avance.version


def test_grid_save_is_all_or_nothing_when_one_cell_is_locked(poa, personas, autorizado_t1):
    abril = CeldaCaptura(meta_id=autorizado_t1.pk, mes=4, realizado=D("1"))
    marzo = CeldaCaptura(
        meta_id=autorizado_t1.pk, mes=3, realizado=D("9"),
        version_esperada=Avance.objects.get(meta=autorizado_t1, mes=3).version,
    )  # fmt: skip
    with pytest.raises(CapturaRechazada):
        guardar_rejilla(unidad=poa.unidad_a1, celdas=[abril, marzo], usuario=personas.capturista)
    assert not Avance.objects.filter(meta=autorizado_t1, mes=4).exists()


def test_capture_of_an_open_quarter_still_works(poa, personas, autorizado_t1):
    avance_capturar(meta=autorizado_t1, mes=4, realizado=D("1"), usuario=personas.capturista)
    assert Avance.objects.get(meta=autorizado_t1, mes=4).realizado == D("1")


def test_superuser_does_not_bypass_the_lock(poa, personas, autorizado_t1):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(CapturaRechazada):
        avance_capturar(
            meta=autorizado_t1, mes=1, realizado=D("5"), usuario=admin,
            version_esperada=Avance.objects.get(meta=autorizado_t1, mes=1).version,
        )  # fmt: skip


def test_reopening_unlocks_the_quarter(poa, personas, autorizado_t1):
    from avances.firma import trimestre_reabrir

    trimestre_reabrir(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1, usuario=personas.planeacion,
        motivo="Corrección",
    )  # fmt: skip
    avance_capturar(
        meta=autorizado_t1, mes=2, realizado=D("3"), usuario=personas.capturista,
        version_esperada=Avance.objects.get(meta=autorizado_t1, mes=2).version,
    )  # fmt: skip
    assert Avance.objects.get(meta=autorizado_t1, mes=2).realizado == D("3")


def test_capture_locks_the_signoff_rows_it_checks(poa, personas, autorizado_t1):
    """The check reads the sign-off rows FOR UPDATE (PostgreSQL) so it cannot race a signing."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as consultas:
        mapa = mapa_autorizados([(poa.programa_a.pk, poa.unidad_a1.pk)], bloquear=True)
    assert mapa == {(poa.programa_a.pk, poa.unidad_a1.pk): {1}}
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in consultas[-1]["sql"]


# --- Workbook import (full template) and the importar_poa command -----------------------


def _libro(poa, *, meta=None, avances=()):
    metas = [fila_meta("100", **(meta or {}))]
    filas = [
        {"ramo_clave": "54", "unidad_clave": "54101", "clave": "100", "mes": mes,
         "realizado": r, "observaciones": o}
        for mes, r, o in avances
    ]  # fmt: skip
    hojas = {"metas": metas}
    if filas:
        hojas["avances"] = filas
    return libro_xlsx(hojas)


def _importar(contenido, tmp_path):
    ruta = tmp_path / "libro.xlsx"
    ruta.write_bytes(contenido)
    return analizar_libro(ruta, ejercicio=2022)


@pytest.mark.parametrize(
    ("cambio", "columna"),
    [
        ({"avances": [(2, 5, "")]}, "realizado"),  # R of febrero
        ({"avances": [(1, 1, "Observación nueva")]}, "realizado"),  # observaciones of enero
        # P of febrero moved to abril (the annual total stays 12).
        ({"meta": {"programado": [1, 0, 1, 2] + [1] * 8}}, "programado"),
        # meta anual 24 with T1's P untouched: the meta anual T1 reported changes.
        ({"meta": {"meta_anual": 24, "programado": [1, 1, 1] + [3] * 6 + [1] * 3}}, "meta_anual"),
    ],
)
def test_import_cannot_change_an_authorized_quarter(
    poa, personas, autorizado_t1, tmp_path, caplog, cambio, columna
):
    antes = huella(poa)
    with caplog.at_level(logging.WARNING, logger="poa.bloqueo"):
        plan = _importar(
            _libro(poa, meta=cambio.get("meta"), avances=cambio.get("avances", ())), tmp_path
        )
    bloqueos = [e for e in plan.errores if "T1 autorizado" in str(e)]
    assert bloqueos, [str(e) for e in plan.errores]
    assert bloqueos[0].columna == columna
    assert_logged(caplog)
    with pytest.raises(ImportacionInvalida):
        aplicar_plan(plan)
    assert huella(poa) == antes


def test_import_may_change_months_of_open_quarters(poa, personas, autorizado_t1, tmp_path):
    plan = _importar(
        _libro(poa, meta={"programado": [1, 1, 1, 2] + [1] * 7 + [0]}, avances=[(4, 2, "")]),
        tmp_path,
    )
    assert plan.errores == []
    aplicar_plan(plan)
    assert Programado.objects.get(meta=autorizado_t1, mes=4).valor == D("2")
    assert Avance.objects.get(meta=autorizado_t1, mes=4).realizado == D("2")


def test_import_reprogramming_after_the_locked_quarter_is_allowed(
    poa, personas, autorizado_t1, tmp_path
):
    """meta_anual 20 from April with the original 12 kept: T1 still reports 12."""
    plan = _importar(
        _libro(
            poa,
            meta={
                "meta_anual": 20,
                "meta_anual_original": 12,
                "mes_inicio": 4,
                "programado": [1, 1, 1, 3, 3] + [2] * 7,
            },
        ),  # fmt: skip
        tmp_path,
    )
    assert plan.errores == [], [str(e) for e in plan.errores]
    antes = huella(poa)
    aplicar_plan(plan)
    assert Meta.objects.get(pk=autorizado_t1.pk).meta_anual == D("20")
    assert huella(poa) == antes


def test_import_authorized_between_preview_and_confirmation_writes_nothing(poa, personas, tmp_path):
    llevar_a(Estado.REVISADO, poa, personas, trimestre=1)
    plan = _importar(_libro(poa, avances=[(2, 5, "")]), tmp_path)
    assert plan.errores == []  # not locked yet at preview time
    from avances.firma import trimestre_autorizar

    trimestre_autorizar(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1,
        usuario=personas.responsable_ramo,
    )  # fmt: skip
    antes = huella(poa)
    with pytest.raises(ImportacionInvalida) as error:
        aplicar_plan(plan)
    assert "autoriz" in " ".join(str(e) for e in error.value.errores)
    assert huella(poa) == antes
    assert Avance.objects.get(meta=poa.metas_a1[0], mes=2).realizado == D("1")


def test_import_capture_sheet_goes_through_the_locked_service(
    poa, personas, autorizado_t1, tmp_path
):
    ruta = tmp_path / "captura.xlsx"
    ruta.write_bytes(
        libro_xlsx(
            {"avances": [{"ramo_clave": "54", "unidad_clave": "54101", "clave": "100", "mes": 3,
                          "realizado": 7, "observaciones": ""}]}
        )
    )  # fmt: skip
    plan = analizar_libro(ruta, ejercicio=2022, unidades_permitidas={poa.unidad_a1.pk})
    assert any("T1 autorizado" in str(e) for e in plan.errores)


def test_importar_poa_command_refuses_and_writes_nothing(poa, personas, autorizado_t1, tmp_path):
    ruta = tmp_path / "libro.xlsx"
    ruta.write_bytes(_libro(poa, avances=[(2, 5, "")]))
    antes = huella(poa)
    with pytest.raises(CommandError, match="no se escribió nada"):
        call_command("importar_poa", str(ruta), "--ejercicio", "2022")
    assert huella(poa) == antes


# --- The meta anual rule (for planning services and the admin) ---------------------------


def test_vigencia_rule_direct_change_refused_reprogramming_after_lock_allowed(
    poa, personas, autorizado_t1, caplog
):
    meta = autorizado_t1
    antes = (meta.meta_anual, meta.mes_inicio, cambios_de_vigencia(meta.pk))
    with caplog.at_level(logging.WARNING, logger="poa.bloqueo"):
        with pytest.raises(TrimestreBloqueado, match="T1 autorizado"):
            exigir_vigencia_intacta(
                meta=meta, antes=antes, despues=(D("20"), 1, []), accion="cambiar la meta anual"
            )
        with pytest.raises(TrimestreBloqueado):  # mes_inicio moved inside the locked quarter
            exigir_vigencia_intacta(
                meta=meta, antes=antes, despues=(D("12"), 2, []), accion="cambiar la vigencia"
            )
    assert_logged(caplog)
    desde_abril = (D("20"), 1, [CambioVigencia(4, D("12"), 1)])
    exigir_vigencia_intacta(meta=meta, antes=antes, despues=desde_abril, accion="reprogramar")
    desde_marzo = (D("20"), 1, [CambioVigencia(3, D("12"), 1)])
    with pytest.raises(TrimestreBloqueado):
        exigir_vigencia_intacta(meta=meta, antes=antes, despues=desde_marzo, accion="reprogramar")


def test_cambios_de_vigencia_reads_reprogramaciones_oldest_first(poa):
    meta = poa.metas_a1[0]
    Reprogramacion.objects.create(
        meta=meta, mes_desde=4, meta_anual_anterior=D("12"), meta_anual_nueva=D("20"),
        motivo="x",
    )  # fmt: skip
    assert cambios_de_vigencia(meta.pk) == [CambioVigencia(4, D("12.00"), 1)]


# --- Any other .save()/.delete(): admin, shell scripts, future screens (model guard) ----


def test_script_save_of_avance_in_locked_month_is_refused(poa, personas, autorizado_t1, caplog):
    antes = huella(poa)
    avance = Avance.objects.get(meta=autorizado_t1, mes=2)
    avance.realizado = D("9")
    with caplog.at_level(logging.WARNING, logger="poa.bloqueo"):
        with pytest.raises(TrimestreBloqueado, match="T1 autorizado"):
            avance.save()
    assert_logged(caplog)
    avance.refresh_from_db()
    avance.observaciones = "Otra justificación"
    with pytest.raises(TrimestreBloqueado):
        avance.save()
    avance.refresh_from_db()
    avance.mes = 4  # moving a signed month out of the quarter changes it too
    with pytest.raises(TrimestreBloqueado):
        avance.save()
    with pytest.raises(TrimestreBloqueado), transaction.atomic():
        Avance.objects.get(meta=autorizado_t1, mes=1).delete()
    assert huella(poa) == antes


def test_script_save_of_open_months_and_unchanged_rows_still_works(poa, personas, autorizado_t1):
    avance = Avance.objects.get(meta=autorizado_t1, mes=2)
    avance.save()  # nothing changed: allowed
    Avance.objects.create(meta=autorizado_t1, mes=4, realizado=D("1"))
    programado = Programado.objects.get(meta=autorizado_t1, mes=5)
    programado.valor = D("2")
    programado.save()
    meta = Meta.objects.get(pk=autorizado_t1.pk)
    meta.descripcion = "Descripción corregida"  # not a signed figure
    meta.save()


def test_script_change_of_p_or_meta_in_locked_quarter_is_refused(poa, personas, autorizado_t1):
    antes = huella(poa)
    programado = Programado.objects.get(meta=autorizado_t1, mes=3)
    programado.valor = D("4")
    with pytest.raises(TrimestreBloqueado, match="programado"):
        programado.save()
    with pytest.raises(TrimestreBloqueado), transaction.atomic():
        programado.delete()
    meta = Meta.objects.get(pk=autorizado_t1.pk)
    meta.meta_anual = D("20")
    with pytest.raises(TrimestreBloqueado, match="meta anual"):
        meta.save()
    meta.refresh_from_db()
    meta.tipo_acumulacion = Meta.TipoAcumulacion.MAXIMO
    with pytest.raises(TrimestreBloqueado):
        meta.save()
    meta.refresh_from_db()
    meta.programa = poa.programa_b
    with pytest.raises(TrimestreBloqueado):
        meta.save()
    with pytest.raises(TrimestreBloqueado, match="no se puede borrar"), transaction.atomic():
        Meta.objects.get(pk=autorizado_t1.pk).delete()
    assert huella(poa) == antes


def test_reprogramming_saved_before_the_meta_keeps_locked_quarters_and_is_allowed(
    poa, personas, autorizado_t1
):
    """The planning services' rule: a Reprogramacion from April, then the new meta anual."""
    antes = huella(poa)
    meta = Meta.objects.get(pk=autorizado_t1.pk)
    Reprogramacion.objects.create(
        meta=meta, mes_desde=4, meta_anual_anterior=meta.meta_anual, meta_anual_nueva=D("20"),
        motivo="Ampliación presupuestal",
    )  # fmt: skip
    meta.meta_anual = D("20")
    meta.save()
    assert huella(poa) == antes


def test_reprogramming_from_inside_the_locked_quarter_is_refused(poa, personas, autorizado_t1):
    meta = Meta.objects.get(pk=autorizado_t1.pk)
    Reprogramacion.objects.create(
        meta=meta, mes_desde=3, meta_anual_anterior=meta.meta_anual, meta_anual_nueva=D("25"),
        motivo="Desde marzo",
    )  # fmt: skip
    meta.meta_anual = D("25")
    with pytest.raises(TrimestreBloqueado, match="marzo"):
        meta.save()


def test_admin_site_cannot_change_a_locked_quarter(client, poa, personas, autorizado_t1):
    """Whatever ModelAdmin is registered, its save goes through the model guard."""
    from django.contrib import admin

    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    avance = Avance.objects.get(meta=autorizado_t1, mes=2)
    if Avance not in admin.site._registry:
        url = f"/admin/avances/avance/{avance.pk}/change/"
        assert client.get(url).status_code == 404  # no admin path to avances at all
        return
    modeladmin = admin.site._registry[Avance]
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = root
    avance.realizado = D("9")
    with pytest.raises(TrimestreBloqueado):
        modeladmin.save_model(request, avance, form=None, change=True)
    assert Avance.objects.get(pk=avance.pk).realizado == D("1")
