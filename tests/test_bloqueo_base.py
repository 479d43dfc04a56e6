"""The lock holds on EVERY write path, in Python and in the database (issue 16).

Programa A / unidad A1 has T1 authorized. Each path tries to change its report — adding or
moving a meta into the pair, loading fixtures, bulk and queryset writes, plain SQL — and is
refused; afterwards the report's hash is still the signed one and `/verificar/` says so.
Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://… --create-db).
"""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from avances.bloqueo import MARCA_BASE, TrimestreBloqueado, vigente_en_trimestre
from avances.firma import snapshot_actual
from avances.firma.huella import verificar_codigo
from avances.models import Avance, TrimestreFirma
from planeacion.services import meta_guardar
from plantilla.importacion import analizar_libro
from programas.models import Meta, Programado
from tests.fixtures_demo import fila_meta, libro_xlsx
from tests.test_firmas import llevar_a

D = Decimal
CERO12 = [D("0")] * 12


@pytest.fixture
def autorizado_t1(poa, personas):
    """Programa A / unidad A1 with T1 authorized (R = 1 for every meta, Jan–Mar)."""
    llevar_a(TrimestreFirma.Estado.AUTORIZADO, poa, personas, trimestre=1)
    return poa.metas_a1[0]


def _firma(poa) -> TrimestreFirma:
    return TrimestreFirma.objects.get(programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1)


def assert_firmado_intacto(poa):
    firma = _firma(poa)
    assert firma.estado == TrimestreFirma.Estado.AUTORIZADO
    assert snapshot_actual(poa.programa_a, poa.unidad_a1, 1)[1] == firma.snapshot_hash
    assert verificar_codigo(firma.codigo_verificacion).coincide is True


def rechazado(funcion):
    """Run a write in a savepoint; return the lock error it raised (it must raise one)."""
    with pytest.raises((TrimestreBloqueado, DatabaseError)) as error:
        with transaction.atomic():
            funcion()
    return error.value


def _datos(clave, mes_inicio, **extra):
    return {
        "clave": clave, "descripcion": "Meta nueva", "unidad_medida": "Acción",
        "meta_anual": D("0"), "mes_inicio": mes_inicio, **extra,
    }  # fmt: skip


# --- Rule: a new or moved meta starts only after the last authorized quarter ----------------


def test_planning_service_refuses_a_new_meta_in_force_in_the_authorized_quarter(
    poa, personas, autorizado_t1
):
    error = rechazado(
        lambda: meta_guardar(
            datos=_datos("190", 1),
            programados=CERO12,
            usuario=personas.planeacion,
            programa=poa.programa_a,
            unidad=poa.unidad_a1,
        )  # fmt: skip
    )
    assert isinstance(error, TrimestreBloqueado)
    assert "El trimestre 1 del programa 511 en la unidad 54101 está autorizado" in error.mensaje
    assert "por " in error.mensaje and "desde el " in error.mensaje
    assert "mes de inicio abril o posterior" in error.mensaje
    assert not Meta.objects.filter(clave="190").exists()
    assert_firmado_intacto(poa)


def test_planning_service_accepts_a_new_meta_starting_after_the_authorized_quarter(
    poa, personas, autorizado_t1
):
    meta = meta_guardar(
        datos=_datos("191", 4), programados=CERO12, usuario=personas.planeacion,
        programa=poa.programa_a, unidad=poa.unidad_a1,
    )  # fmt: skip
    assert meta.pk and meta.programados.count() == 12
    assert_firmado_intacto(poa)  # not in force in T1: not part of its report


def test_planning_service_refuses_moving_a_meta_into_the_authorized_pair(
    poa, personas, autorizado_t1
):
    movida = poa.metas_a2[0]
    actuales = [p.valor for p in movida.programados.order_by("mes")]
    error = rechazado(
        lambda: meta_guardar(
            meta=movida,
            datos={},
            programados=actuales,
            usuario=personas.planeacion,
            unidad=poa.unidad_a1,
        )  # fmt: skip
    )
    assert "trasladar la meta 200" in str(error)
    assert Meta.objects.get(pk=movida.pk).unidad_id == poa.unidad_a2.pk
    assert_firmado_intacto(poa)


def test_model_guard_refuses_meta_objects_create(poa, autorizado_t1):
    error = rechazado(
        lambda: Meta.objects.create(
            programa=poa.programa_a,
            unidad=poa.unidad_a1,
            clave="192",
            descripcion="x",
            unidad_medida="x",
            meta_anual=D("1"),
            mes_inicio=3,
        )  # fmt: skip
    )
    assert isinstance(error, TrimestreBloqueado) and "crear la meta 192" in error.mensaje
    assert_firmado_intacto(poa)


def test_import_preview_reports_a_new_meta_of_the_authorized_pair(poa, autorizado_t1, tmp_path):
    ruta = tmp_path / "libro.xlsx"
    ruta.write_bytes(libro_xlsx({"metas": [fila_meta("100"), fila_meta("193")]}))
    plan = analizar_libro(ruta, ejercicio=2022)
    errores = [str(e) for e in plan.errores]
    assert any(e.startswith("metas!") and "mes_inicio" in e and "193" in e for e in errores), (
        errores
    )
    assert_firmado_intacto(poa)


# --- Paths that skip the Python model guards: the database refuses them -------------------


def _fixture(tmp_path, objetos) -> str:
    ruta = tmp_path / "fixture.json"
    ruta.write_text(json.dumps(objetos), encoding="utf-8")
    return str(ruta)


def test_loaddata_of_a_meta_fixture_is_refused(poa, autorizado_t1, tmp_path):
    ruta = _fixture(tmp_path, [{
        "model": "programas.meta", "pk": 990001,
        "fields": {
            "programa": poa.programa_a.pk, "unidad": poa.unidad_a1.pk, "clave": "194",
            "descripcion": "x", "unidad_medida": "x", "meta_anual": "5", "mes_inicio": 1,
            "tipo_acumulacion": "SUMA", "sentido": "ASCENDENTE", "orden": 0,
        },
    }])  # fmt: skip
    rechazado(lambda: call_command("loaddata", ruta, verbosity=0))
    assert not Meta.objects.filter(pk=990001).exists()
    assert_firmado_intacto(poa)


def test_loaddata_of_an_avance_fixture_is_refused(poa, autorizado_t1, tmp_path):
    avance = Avance.objects.get(meta=autorizado_t1, mes=2)
    ruta = _fixture(tmp_path, [{
        "model": "avances.avance", "pk": avance.pk,
        "fields": {"meta": autorizado_t1.pk, "mes": 2, "realizado": "999", "observaciones": "",
                   "version": avance.version, "actualizado_por": None,
                   "actualizado_en": "2026-04-01T00:00:00Z"},
    }])  # fmt: skip
    rechazado(lambda: call_command("loaddata", ruta, verbosity=0))
    assert Avance.objects.get(pk=avance.pk).realizado == avance.realizado
    assert_firmado_intacto(poa)


def _lock_error_of_the_database(error):
    assert isinstance(error, IntegrityError) and isinstance(error, TrimestreBloqueado)
    assert MARCA_BASE in str(error.__cause__)
    assert "trimestre autorizado" in error.mensaje


def test_queryset_update_of_an_avance_is_refused_by_the_database(poa, autorizado_t1):
    error = rechazado(
        lambda: Avance.objects.filter(meta=autorizado_t1, mes=1).update(realizado=D("77"))
    )
    _lock_error_of_the_database(error)
    assert_firmado_intacto(poa)


def test_bulk_update_of_avances_is_refused_by_the_database(poa, autorizado_t1):
    avances = list(Avance.objects.filter(meta=autorizado_t1, mes__lte=3))
    for a in avances:
        a.realizado = D("55")
    _lock_error_of_the_database(
        rechazado(lambda: Avance.objects.bulk_update(avances, ["realizado"]))
    )
    assert_firmado_intacto(poa)


def test_bulk_create_of_a_meta_in_force_is_refused_by_the_database(poa, autorizado_t1):
    nueva = Meta(
        programa=poa.programa_a, unidad=poa.unidad_a1, clave="195", descripcion="x",
        unidad_medida="x", meta_anual=D("1"), mes_inicio=1,
    )  # fmt: skip
    _lock_error_of_the_database(rechazado(lambda: Meta.objects.bulk_create([nueva])))
    assert_firmado_intacto(poa)


@pytest.mark.parametrize(
    "cambio",
    [
        {"unidad_id": "a2"},  # move out of the signed pair
        {"meta_anual": D("12345")},
        {"mes_inicio": 5},
        {"tipo_acumulacion": Meta.TipoAcumulacion.MAXIMO},
    ],
)
def test_queryset_update_of_a_signed_meta_is_refused_by_the_database(poa, autorizado_t1, cambio):
    if cambio.get("unidad_id") == "a2":
        cambio = {"unidad_id": poa.unidad_a2.pk}
    _lock_error_of_the_database(
        rechazado(lambda: Meta.objects.filter(pk=autorizado_t1.pk).update(**cambio))
    )
    assert_firmado_intacto(poa)


def test_queryset_update_moving_a_meta_into_the_signed_pair_is_refused(poa, autorizado_t1):
    otra = poa.metas_a2[0]
    _lock_error_of_the_database(
        rechazado(lambda: Meta.objects.filter(pk=otra.pk).update(unidad_id=poa.unidad_a1.pk))
    )
    assert_firmado_intacto(poa)


def test_programado_update_of_the_signed_quarter_is_refused_by_the_database(poa, autorizado_t1):
    _lock_error_of_the_database(
        rechazado(lambda: Programado.objects.filter(meta=autorizado_t1, mes=2).update(valor=D("9")))
    )
    assert_firmado_intacto(poa)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE avances_avance SET realizado = 4242 WHERE meta_id = %s AND mes = 1",
        "DELETE FROM avances_avance WHERE meta_id = %s AND mes = 3",
        "DELETE FROM programas_programado WHERE meta_id = %s AND mes = 1",
        "UPDATE programas_meta SET mes_inicio = 7 WHERE id = %s",
    ],
)
def test_plain_sql_is_refused_by_the_database(poa, autorizado_t1, sql):
    def ejecutar():
        with connection.cursor() as cursor:
            cursor.execute(sql, [autorizado_t1.pk])

    _lock_error_of_the_database(rechazado(ejecutar))
    assert_firmado_intacto(poa)


def test_writes_outside_the_signed_quarter_still_go_through(poa, autorizado_t1):
    Avance.objects.filter(meta=autorizado_t1, mes=4).delete()
    Avance.objects.create(meta=autorizado_t1, mes=4, realizado=D("3"))
    Avance.objects.filter(meta=autorizado_t1, mes=4).update(realizado=D("4"))
    Programado.objects.filter(meta=autorizado_t1, mes=5).update(valor=D("2"))
    Meta.objects.filter(pk=autorizado_t1.pk).update(descripcion="Texto corregido")
    assert Avance.objects.get(meta=autorizado_t1, mes=4).realizado == D("4")
    assert_firmado_intacto(poa)


def test_after_reopening_the_database_lets_the_quarter_change(poa, autorizado_t1):
    TrimestreFirma.objects.filter(pk=_firma(poa).pk).update(estado=TrimestreFirma.Estado.REVISADO)
    Avance.objects.filter(meta=autorizado_t1, mes=1).update(realizado=D("8"))
    assert Avance.objects.get(meta=autorizado_t1, mes=1).realizado == D("8")


# --- Reports of a quarter show only the metas in force --------------------------------------


def test_a_meta_is_in_force_from_its_vigencia_start():
    assert vigente_en_trimestre(mes_inicio=3, trimestre=1)
    assert not vigente_en_trimestre(mes_inicio=4, trimestre=1)
    assert vigente_en_trimestre(mes_inicio=4, trimestre=2)


def test_snapshot_of_a_quarter_leaves_out_metas_starting_later(poa, personas, autorizado_t1):
    meta_guardar(
        datos=_datos("196", 4), programados=CERO12, usuario=personas.planeacion,
        programa=poa.programa_a, unidad=poa.unidad_a1,
    )  # fmt: skip
    claves_t1 = [f["clave"] for f in snapshot_actual(poa.programa_a, poa.unidad_a1, 1)[0]["metas"]]
    claves_t2 = [f["clave"] for f in snapshot_actual(poa.programa_a, poa.unidad_a1, 2)[0]["metas"]]
    assert "196" not in claves_t1 and "196" in claves_t2


def test_signed_before_the_rule_a_report_listing_later_metas_stays_vigente(poa, autorizado_t1):
    """A snapshot signed when later metas were still listed keeps verifying."""
    from avances.firma.huella import huella_de

    firma = _firma(poa)
    antiguo = dict(firma.snapshot)
    antiguo["metas"] = [*antiguo["metas"], {"clave": "999", "mes_inicio": 4, "meses": []}]
    TrimestreFirma.objects.filter(pk=firma.pk).update(
        snapshot=antiguo, snapshot_hash=huella_de(antiguo)
    )
    firma.refresh_from_db()
    assert verificar_codigo(firma.codigo_verificacion).coincide is True


def test_validation_errors_still_come_before_the_lock(poa, personas, autorizado_t1):
    with pytest.raises(ValidationError):
        meta_guardar(
            datos=_datos("", 1), programados=CERO12, usuario=personas.planeacion,
            programa=poa.programa_a, unidad=poa.unidad_a1,
        )  # fmt: skip


def test_every_authorized_report_of_the_demo_verifies(poa_demo):
    firmas = TrimestreFirma.objects.filter(estado=TrimestreFirma.Estado.AUTORIZADO)
    for firma in firmas:
        assert verificar_codigo(firma.codigo_verificacion).coincide, firma


# --- Web paths: the planning form and the admin answer a clear message, never a 500 -------


def _formulario_meta(poa, clave, mes_inicio, unidad=None) -> dict:
    datos = {
        "programa": poa.programa_a.pk, "unidad": (unidad or poa.unidad_a1).pk, "clave": clave,
        "descripcion": "Meta nueva", "unidad_medida": "Acción", "meta_anual": "0",
        "mes_inicio": mes_inicio, "tipo_acumulacion": "SUMA", "sentido": "ASCENDENTE",
    }  # fmt: skip
    datos.update({f"m{mes}": "0" for mes in range(1, 13)})
    return datos


def test_planning_web_form_refuses_a_new_meta_in_the_signed_quarter(
    client, poa, personas, autorizado_t1
):
    client.force_login(personas.planeacion)
    respuesta = client.post("/programas/metas/nueva/", _formulario_meta(poa, "197", 2))
    assert respuesta.status_code == 200
    texto = respuesta.content.decode()
    assert "No se puede crear la meta 197 con inicio en febrero" in texto
    assert "mes de inicio abril o posterior" in texto
    assert not Meta.objects.filter(clave="197").exists()
    assert_firmado_intacto(poa)


def test_admin_refuses_moving_a_meta_into_the_signed_pair(client, poa, personas, autorizado_t1):
    from django.urls import reverse

    from tests.test_admin import _meta_post

    personas.planeacion.is_staff = True
    personas.planeacion.save()
    client.force_login(personas.planeacion)
    movida = poa.metas_a2[0]
    url = reverse("admin:programas_meta_change", args=[movida.pk])
    datos = _meta_post(movida, meta_anual=str(movida.meta_anual), meses={},
                       unidad=poa.unidad_a1.pk)  # fmt: skip
    respuesta = client.post(url, datos, follow=True)
    assert respuesta.status_code == 200
    assert "No se guardó nada: No se puede trasladar la meta 200" in respuesta.content.decode()
    assert Meta.objects.get(pk=movida.pk).unidad_id == poa.unidad_a2.pk
    assert_firmado_intacto(poa)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_a_database_with_authorized_quarters(poa, personas):
    llevar_a(TrimestreFirma.Estado.AUTORIZADO, poa, personas, trimestre=1)
    call_command("flush", interactive=False, verbosity=0)
    assert not Avance.objects.exists() and not TrimestreFirma.objects.exists()
    assert not Meta.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="plan of SQLite's query planner")
def test_trigger_lookups_use_indexes(poa):
    """The triggers run on every write: none of their lookups may scan a whole table."""
    import importlib

    migracion = importlib.import_module("avances.migrations.0004_bloqueo_en_la_base")
    with connection.cursor() as cursor:
        for clave, condicion in migracion._condiciones("IS NOT").items():
            tabla = migracion.TABLAS[clave.split("_")[0]]
            sql = condicion.replace("NEW.", "x.").replace("OLD.", "x.")
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT 1 FROM {tabla} x WHERE x.id = 1 AND {sql}")
            plan = " | ".join(str(fila[-1]) for fila in cursor.fetchall())
            assert "SCAN t" not in plan and "SCAN m" not in plan and "SCAN r" not in plan, (
                clave,
                plan,
            )
