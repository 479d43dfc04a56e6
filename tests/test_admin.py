"""The admin: every model reachable for Planeación, nobody else inside, locks and history kept."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from avances.models import Avance, TrimestreFirma
from programas.models import Presupuesto, Programado
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


# Created only by the sign-off workflow and the planning services.
SIN_ALTA = {"TrimestreFirma", "EventoFirma", "Reprogramacion", "SolicitudReapertura", "Responsable"}


@pytest.mark.parametrize("modelo", MODELOS, ids=lambda m: m.__name__)
def test_planeacion_sees_the_add_page_of_every_editable_model(admin_planeacion, poa, modelo):
    url = reverse(f"admin:{modelo._meta.app_label}_{modelo._meta.model_name}_add")
    respuesta = admin_planeacion.get(url)
    if modelo.__name__ in SIN_ALTA:
        assert respuesta.status_code == 403
        return
    assert respuesta.status_code == 200
    texto = respuesta.content.decode()
    assert f"Agregar {modelo._meta.verbose_name}".lower() in texto.lower()
    assert 'type="submit"' in texto


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


def _autorizar(meta, trimestre):
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=trimestre,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip


def test_locked_avance_comes_back_with_the_reason_and_the_input(admin_planeacion, poa):
    meta = poa.metas_a1[0]
    avance = Avance.objects.create(meta=meta, mes=2, realizado=Decimal("1"))
    _autorizar(meta, 1)
    url = reverse("admin:avances_avance_change", args=[avance.pk])
    respuesta = admin_planeacion.post(
        url, {"meta": meta.pk, "mes": 2, "realizado": "42", "observaciones": "x"}
    )
    assert respuesta.status_code == 200  # the form again, not a redirect
    texto = respuesta.content.decode()
    assert f"La meta {meta.clave} tiene T1 autorizado" in texto
    assert 'value="42"' in texto
    avance.refresh_from_db()
    assert (avance.realizado, avance.version) == (Decimal("1"), 1)
    # Moving the row out of the locked month is a change of the locked month too.
    admin_planeacion.post(url, {"meta": meta.pk, "mes": 5, "realizado": "1", "observaciones": ""})
    avance.refresh_from_db()
    assert avance.mes == 2


def test_history_revert_of_a_locked_avance_changes_nothing(admin_planeacion, poa):
    meta = poa.metas_a1[0]
    avance = Avance.objects.create(meta=meta, mes=2, realizado=Decimal("1"))
    avance.realizado = Decimal("2")
    avance.save()
    viejo = avance.history.last()
    _autorizar(meta, 1)
    url = reverse("admin:avances_avance_simple_history", args=[avance.pk, viejo.history_id])
    respuesta = admin_planeacion.post(
        url, {"meta": meta.pk, "mes": 2, "realizado": "1", "observaciones": ""}, follow=True
    )
    assert respuesta.status_code == 200
    assert "autorizado" in respuesta.content.decode()
    avance.refresh_from_db()
    assert avance.realizado == Decimal("2")


def _meta_post(meta, *, meta_anual, meses, **cambios):
    """The admin change form of a meta with its twelve programmed months inline."""
    filas = list(Programado.objects.filter(meta=meta).order_by("mes"))
    datos = {
        "programa": meta.programa_id, "unidad": meta.unidad_id, "clave": meta.clave,
        "grupo": meta.grupo, "descripcion": meta.descripcion,
        "unidad_medida": meta.unidad_medida, "meta_anual": meta_anual,
        "meta_anual_original": "", "mes_inicio": meta.mes_inicio,
        "tipo_acumulacion": meta.tipo_acumulacion, "sentido": meta.sentido,
        "nivel_mir": meta.nivel_mir, "orden": meta.orden,
        "programados-TOTAL_FORMS": len(filas), "programados-INITIAL_FORMS": len(filas),
        "programados-MIN_NUM_FORMS": 0, "programados-MAX_NUM_FORMS": 12,
        "reprogramaciones-TOTAL_FORMS": 0, "reprogramaciones-INITIAL_FORMS": 0,
        "reprogramaciones-MIN_NUM_FORMS": 0, "reprogramaciones-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, fila in enumerate(filas):
        datos[f"programados-{i}-id"] = fila.pk
        datos[f"programados-{i}-meta"] = meta.pk
        datos[f"programados-{i}-mes"] = fila.mes
        datos[f"programados-{i}-valor"] = meses.get(fila.mes, fila.valor)
    datos.update(cambios)
    return datos


def test_meta_admin_saves_meta_and_months_with_history(admin_planeacion, poa, personas):
    meta = poa.metas_a1[0]  # 12 per year, 1 each month, SUMA
    url = reverse("admin:programas_meta_change", args=[meta.pk])
    respuesta = admin_planeacion.post(url, _meta_post(meta, meta_anual="13", meses={12: "2"}))
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    meta.refresh_from_db()
    assert meta.meta_anual == Decimal("13")
    assert meta.history.first().history_user == personas.planeacion
    diciembre = Programado.objects.get(meta=meta, mes=12)
    assert diciembre.valor == Decimal("2")
    assert diciembre.history.first().history_user == personas.planeacion


def test_meta_admin_refuses_suma_months_that_do_not_add_up(admin_planeacion, poa):
    meta = poa.metas_a1[0]
    url = reverse("admin:programas_meta_change", args=[meta.pk])
    respuesta = admin_planeacion.post(url, _meta_post(meta, meta_anual="20", meses={12: "2"}))
    assert respuesta.status_code == 200
    assert "suman 13 y la meta anual es 20" in respuesta.content.decode()
    meta.refresh_from_db()
    assert meta.meta_anual == Decimal("12")
    assert Programado.objects.get(meta=meta, mes=12).valor == Decimal("1")


def test_meta_admin_cannot_change_an_authorized_quarter(admin_planeacion, poa):
    meta = poa.metas_a1[0]
    _autorizar(meta, 1)
    url = reverse("admin:programas_meta_change", args=[meta.pk])
    # Moving a month of Q1: refused by the inline's lock check.
    respuesta = admin_planeacion.post(
        url, _meta_post(meta, meta_anual="12", meses={1: "0", 12: "2"})
    )
    assert respuesta.status_code == 200
    assert "T1 autorizado" in respuesta.content.decode()
    # A new meta anual in force for Q1 (a direct edit, not a reprogramación): refused too.
    respuesta = admin_planeacion.post(url, _meta_post(meta, meta_anual="13", meses={12: "2"}))
    assert respuesta.status_code == 200
    assert "no se puede cambiar la meta anual vigente" in respuesta.content.decode()
    meta.refresh_from_db()
    assert meta.meta_anual == Decimal("12")
    valores = list(meta.programados.order_by("mes").values_list("valor", flat=True))
    assert valores == [Decimal("1")] * 12


def test_programado_admin_keeps_a_suma_meta_adding_up(admin_planeacion, poa):
    meta = poa.metas_a1[0]
    programado = Programado.objects.get(meta=meta, mes=5)
    url = reverse("admin:programas_programado_change", args=[programado.pk])
    respuesta = admin_planeacion.post(url, {"meta": meta.pk, "mes": 5, "valor": "3"})
    assert respuesta.status_code == 200
    assert "suman 14 y la meta anual es 12" in respuesta.content.decode()
    programado.refresh_from_db()
    assert programado.valor == Decimal("1")


def test_meta_admin_adds_a_meta_with_its_twelve_months(admin_planeacion, poa, personas):
    texto = admin_planeacion.get(reverse("admin:programas_meta_add")).content.decode()
    assert 'name="programados-TOTAL_FORMS" value="12"' in texto
    assert 'name="programados-11-mes" value="12"' in texto
    datos = {
        "programa": poa.programa_a.pk, "unidad": poa.unidad_a2.pk, "clave": "299",
        "grupo": "", "descripcion": "Visitas", "unidad_medida": "Visita", "meta_anual": "24",
        "meta_anual_original": "", "mes_inicio": 1, "tipo_acumulacion": "SUMA",
        "sentido": "ASCENDENTE", "nivel_mir": "", "orden": 0,
        "programados-TOTAL_FORMS": 12, "programados-INITIAL_FORMS": 0,
        "programados-MIN_NUM_FORMS": 0, "programados-MAX_NUM_FORMS": 12,
        "reprogramaciones-TOTAL_FORMS": 0, "reprogramaciones-INITIAL_FORMS": 0,
        "reprogramaciones-MIN_NUM_FORMS": 0, "reprogramaciones-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i in range(12):
        datos[f"programados-{i}-mes"] = i + 1
        datos[f"programados-{i}-valor"] = "2"
    respuesta = admin_planeacion.post(reverse("admin:programas_meta_add"), datos)
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    meta = poa.unidad_a2.metas.get(clave="299")
    assert list(meta.programados.values_list("valor", flat=True)) == [Decimal(2)] * 12
    assert meta.history.get().history_user == personas.planeacion
    # Months that do not add up: refused, nothing created.
    datos["clave"], datos["programados-0-valor"] = "298", "5"
    respuesta = admin_planeacion.post(reverse("admin:programas_meta_add"), datos)
    assert "suman 27 y la meta anual es 24" in respuesta.content.decode()
    assert not poa.unidad_a2.metas.filter(clave="298").exists()


def test_presupuesto_inline_records_history_with_its_author(admin_planeacion, poa, personas):
    programa = poa.programa_a
    url = reverse("admin:programas_programa_change", args=[programa.pk])
    datos = {
        "ramo": programa.ramo_id, "clave": programa.clave, "nombre": programa.nombre,
        "finalidad": "", "funcion": "", "subfuncion": "", "eje": "",
        "responsable_nombre": "", "responsable_cargo": "",
        "presupuesto-TOTAL_FORMS": 1, "presupuesto-INITIAL_FORMS": 0,
        "presupuesto-MIN_NUM_FORMS": 0, "presupuesto-MAX_NUM_FORMS": 1000,
        "presupuesto-0-capitulo": "10000", "presupuesto-0-descripcion": "Servicios personales",
        "presupuesto-0-autorizado": "1000", "presupuesto-0-modificado": "1200",
        "presupuesto-0-devengado_t1": "300", "presupuesto-0-devengado_t2": "",
        "presupuesto-0-devengado_t3": "", "presupuesto-0-devengado_t4": "",
    }  # fmt: skip
    respuesta = admin_planeacion.post(url, datos)
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    capitulo = Presupuesto.objects.get(programa=programa, capitulo="10000")
    assert capitulo.modificado == Decimal("1200")
    assert capitulo.history.get().history_user == personas.planeacion


def test_inlines_are_shown_to_planeacion_without_model_permissions(admin_planeacion, poa):
    """Planeación users are not superusers: the inlines must not fall back to auth perms."""
    meta = poa.metas_a1[0]
    texto = admin_planeacion.get(
        reverse("admin:programas_meta_change", args=[meta.pk])
    ).content.decode()
    assert 'name="programados-TOTAL_FORMS" value="12"' in texto
    assert "reprogramaciones" in texto.lower()
    texto = admin_planeacion.get(
        reverse("admin:programas_programa_change", args=[poa.programa_a.pk])
    ).content.decode()
    assert 'name="presupuesto-TOTAL_FORMS"' in texto
    firma = TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1
    )
    firma.eventos.create(
        accion="ENVIAR", estado_anterior="BORRADOR", estado_nuevo="ENVIADO",
        nombre="Ana Pérez", cargo="Directora", comentario="Listo",
    )  # fmt: skip
    texto = admin_planeacion.get(
        reverse("admin:avances_trimestrefirma_change", args=[firma.pk])
    ).content.decode()
    assert "Ana Pérez" in texto
    assert 'name="eventos-0-comentario"' not in texto  # shown, not editable


def test_reprogramaciones_are_read_only_in_the_admin(admin_planeacion, poa, personas):
    from planeacion.services import meta_reprogramar

    meta = poa.metas_a1[0]
    registro = meta_reprogramar(
        meta=meta, meta_anual_nueva=Decimal("13"), programado_nuevo={12: Decimal("2")},
        mes_desde=10, motivo="Ajuste de diciembre", usuario=personas.planeacion,
    )  # fmt: skip
    url = reverse("admin:programas_reprogramacion_change", args=[registro.pk])
    texto = admin_planeacion.get(url).content.decode()
    assert "Ajuste de diciembre" in texto
    admin_planeacion.post(url, {"mes_desde": 1, "motivo": "otro"})
    registro.refresh_from_db()
    assert (registro.mes_desde, registro.motivo) == (10, "Ajuste de diciembre")
    borrar = reverse("admin:programas_reprogramacion_delete", args=[registro.pk])
    assert admin_planeacion.post(borrar, {"post": "yes"}).status_code == 403
