"""The admin: every model reachable for Planeación, nobody else inside, locks and history kept."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from avances.models import Avance, TrimestreFirma
from programas.models import Programado
from tests.factories import UserFactory

MODELOS = [
    m
    for app in ("programas", "avances")
    for m in apps.get_app_config(app).get_models()
    if not m._meta.model_name.startswith("historical")
]


@pytest.fixture
def admin_planeacion(client, personas):
    personas.planeacion.is_staff = True
    personas.planeacion.save()
    client.force_login(personas.planeacion)
    return client


def test_every_domain_model_is_registered():
    faltantes = [m.__name__ for m in MODELOS if not admin.site.is_registered(m)]
    assert faltantes == []


@pytest.mark.parametrize("modelo", MODELOS, ids=lambda m: m.__name__)
def test_planeacion_sees_changelist_and_change_page(admin_planeacion, poa, modelo):
    Avance.objects.create(meta=poa.metas_a1[0], mes=1, realizado=Decimal("3"), observaciones="ok")
    TrimestreFirma.objects.create(programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1)
    prefijo = f"admin:{modelo._meta.app_label}_{modelo._meta.model_name}"
    respuesta = admin_planeacion.get(reverse(f"{prefijo}_changelist"))
    assert respuesta.status_code == 200
    assert f"seleccione {modelo._meta.verbose_name}".lower() in respuesta.content.decode().lower()
    objeto = modelo.objects.first()
    if objeto is not None:
        respuesta = admin_planeacion.get(reverse(f"{prefijo}_change", args=[objeto.pk]))
        assert respuesta.status_code == 200


def test_admin_is_in_spanish(admin_planeacion, poa):
    respuesta = admin_planeacion.get(reverse("admin:index"))
    assert "Catálogos y registros" in respuesta.content.decode()
    assert "Estructura del POA" in respuesta.content.decode()


@pytest.mark.parametrize("persona", ["capturista", "responsable_ramo", "consulta"])
def test_staff_outside_planeacion_cannot_enter(client, personas, persona):
    user = getattr(personas, persona)
    user.is_staff = True
    user.save()
    client.force_login(user)
    respuesta = client.get(reverse("admin:programas_meta_changelist"))
    assert respuesta.status_code == 302
    assert "/admin/login/" in respuesta["Location"]


def test_anonymous_is_sent_to_login(client, poa):
    respuesta = client.get(reverse("admin:index"))
    assert respuesta.status_code == 302


def test_signoff_state_is_read_only_in_the_admin(admin_planeacion, poa):
    firma = TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1
    )
    url = reverse("admin:avances_trimestrefirma_change", args=[firma.pk])
    admin_planeacion.post(url, {"estado": "AUTORIZADO"})
    firma.refresh_from_db()
    assert firma.estado == TrimestreFirma.Estado.BORRADOR
    assert admin_planeacion.get(reverse("admin:avances_trimestrefirma_add")).status_code == 403


def _post_avance(client, avance, realizado):
    url = reverse("admin:avances_avance_change", args=[avance.pk])
    return client.post(
        url,
        {"meta": avance.meta_id, "mes": avance.mes, "realizado": realizado, "observaciones": "x"},
        follow=True,
    )


def test_admin_save_of_avance_records_history(admin_planeacion, poa, personas):
    avance = Avance.objects.create(meta=poa.metas_a1[0], mes=2, realizado=Decimal("1"))
    antes = avance.history.count()
    respuesta = _post_avance(admin_planeacion, avance, "5")
    assert respuesta.status_code == 200
    avance.refresh_from_db()
    assert avance.realizado == Decimal("5")
    assert avance.version == 2
    assert avance.history.count() == antes + 1
    ultimo = avance.history.first()
    assert ultimo.history_user == personas.planeacion
    assert ultimo.realizado == Decimal("5")


def test_admin_cannot_change_an_authorized_quarter(admin_planeacion, poa):
    meta = poa.metas_a1[0]
    avance = Avance.objects.create(meta=meta, mes=2, realizado=Decimal("1"))
    TrimestreFirma.objects.create(
        programa=meta.programa,
        unidad=meta.unidad,
        trimestre=1,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )
    historia = avance.history.count()
    respuesta = _post_avance(admin_planeacion, avance, "99")
    avance.refresh_from_db()
    assert avance.realizado == Decimal("1")
    assert avance.history.count() == historia
    assert "No se guardó nada" in respuesta.content.decode()
    assert "autorizado" in respuesta.content.decode()

    programado = Programado.objects.get(meta=meta, mes=1)
    url = reverse("admin:programas_programado_change", args=[programado.pk])
    admin_planeacion.post(url, {"meta": meta.pk, "mes": 1, "valor": "7"}, follow=True)
    programado.refresh_from_db()
    assert programado.valor == Decimal("1")

    url = reverse("admin:avances_avance_delete", args=[avance.pk])
    admin_planeacion.post(url, {"post": "yes"}, follow=True)
    assert Avance.objects.filter(pk=avance.pk).exists()


def test_superuser_does_not_bypass_the_lock(client, poa):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    meta = poa.metas_a1[0]
    avance = Avance.objects.create(meta=meta, mes=4, realizado=Decimal("1"))
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=2,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    _post_avance(client, avance, "8")
    avance.refresh_from_db()
    assert avance.realizado == Decimal("1")
