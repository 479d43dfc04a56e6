"""Capture screens through HTTP: grid round trip, errors, conflicts, periods, assignments."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from avances.models import Avance, FechaLimite, Periodo, TrimestreFirma
from avances.services import avance_capturar
from programas.models import Asignacion, Programado
from programas.numeros import formatear_numero as formatear
from tests.captura_util import congelar_hoy, datos_rejilla, unidad_grande
from tests.factories import UserFactory, asignar

D = Decimal


@pytest.fixture
def hoy_fijo(monkeypatch):
    return congelar_hoy(monkeypatch)


def _url(unidad, trimestre=2):
    return reverse("avances:captura", args=[unidad.pk, trimestre])


@pytest.fixture
def capturista(client, personas):
    client.force_login(personas.capturista)
    return client


def _abrir(client, unidad, trimestre=2):
    respuesta = client.get(_url(unidad, trimestre))
    assert respuesta.status_code == 200
    return respuesta.content.decode(), datos_rejilla(respuesta.content.decode())


# --- Grid round trip -----------------------------------------------------------------------


def test_capturista_sees_its_grid_grouped_by_programa(capturista, poa):
    html, datos = _abrir(capturista, poa.unidad_a1)
    assert "Programa 511 · Gestión administrativa" in html
    for meta in poa.metas_a1:
        for mes in (4, 5, 6):
            assert f"r-{meta.pk}-{mes}" in datos and f"v-{meta.pk}-{mes}" in datos
    assert "Abril" in html and "Junio" in html and "Guardar rejilla" in html
    assert "54101" in html


def test_grid_saves_whole_grid_and_shows_it_again(capturista, poa, personas):
    _, datos = _abrir(capturista, poa.unidad_a1)
    a, b, c = poa.metas_a1
    datos.update({
        f"r-{a.pk}-4": "1,234.5", f"r-{b.pk}-4": "0", f"r-{c.pk}-6": "2.25",
        f"o-{a.pk}-4": "Se superó la meta por la campaña de abril",
    })  # fmt: skip
    respuesta = capturista.post(_url(poa.unidad_a1), datos)
    assert respuesta.status_code == 302 and respuesta["Location"] == _url(poa.unidad_a1)
    guardados = {(x.meta_id, x.mes): x for x in Avance.objects.all()}
    assert set(guardados) == {(a.pk, 4), (b.pk, 4), (c.pk, 6)}
    assert guardados[(a.pk, 4)].realizado == D("1234.5")
    assert guardados[(a.pk, 4)].observaciones == "Se superó la meta por la campaña de abril"
    assert guardados[(b.pk, 4)].realizado == D("0")  # 0 is a value, not "not captured"
    assert guardados[(a.pk, 4)].actualizado_por == personas.capturista
    html = capturista.get(respuesta["Location"]).content.decode()
    assert "Se guardaron 3 celda(s)" in html
    assert 'value="1,234.5"' in html and 'value="2.25"' in html
    # P = 1 in April, R = 1,234.5 → 123,450.00 %, red.
    assert "123,450.00%" in html


def test_unchanged_grid_posts_nothing(capturista, poa):
    avance_capturar(meta=poa.metas_a1[0], mes=4, realizado=D("3"), version_esperada=0)
    _, datos = _abrir(capturista, poa.unidad_a1)
    respuesta = capturista.post(_url(poa.unidad_a1), datos, follow=True)
    assert "No había cambios que guardar." in respuesta.content.decode()
    assert Avance.objects.get().version == 1


def test_bad_value_shows_its_error_next_to_the_cell_and_nothing_is_saved(capturista, poa):
    _, datos = _abrir(capturista, poa.unidad_a1)
    a, b, _ = poa.metas_a1
    datos.update({f"r-{a.pk}-4": "15", f"r-{b.pk}-5": "1,5", f"o-{a.pk}-4": "texto tecleado"})
    respuesta = capturista.post(_url(poa.unidad_a1), datos)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert "No se guardó nada: 1 celda(s) con errores" in html
    assert f'id="m-{b.pk}-5" role="alert">«1,5» es ambiguo' in html
    # Typed values stay on screen, the good one too.
    assert f'name="r-{a.pk}-4" id="r-{a.pk}-4" value="15"' in html
    assert f'name="r-{b.pk}-5" id="r-{b.pk}-5" value="1,5"' in html
    assert "texto tecleado</textarea>" in html
    assert not Avance.objects.exists()


def test_second_save_from_a_stale_page_is_rejected_with_the_other_value(client, poa, personas):
    meta = poa.metas_a1[0]
    otra = UserFactory(username="otra", first_name="Rosa", last_name="Pérez")
    asignar(otra, Asignacion.Rol.CAPTURISTA, poa.unidad_a1)
    client.force_login(personas.capturista)
    _, mi_pagina = _abrir(client, poa.unidad_a1)
    # Rosa loads and saves first.
    client.force_login(otra)
    _, su_pagina = _abrir(client, poa.unidad_a1)
    su_pagina[f"r-{meta.pk}-4"] = "8"
    assert client.post(_url(poa.unidad_a1), su_pagina).status_code == 302
    # My save from the older page must not overwrite Rosa's 8.
    client.force_login(personas.capturista)
    mi_pagina[f"r-{meta.pk}-4"] = "5"
    mi_pagina[f"r-{poa.metas_a1[1].pk}-4"] = "1"
    respuesta = client.post(_url(poa.unidad_a1), mi_pagina)
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "otra persona modificó mientras usted editaba" in html
    assert "Rosa Pérez guardó «8" in html
    assert Avance.objects.get(meta=meta, mes=4).realizado == D("8")
    assert not Avance.objects.filter(meta=poa.metas_a1[1]).exists()  # nothing of my save
    # Having seen Rosa's value, saving again deliberately replaces it.
    again = datos_rejilla(html)
    assert again[f"r-{meta.pk}-4"] == "5"
    assert client.post(_url(poa.unidad_a1), again).status_code == 302
    assert Avance.objects.get(meta=meta, mes=4).realizado == D("5")
    assert Avance.objects.get(meta=poa.metas_a1[1], mes=4).realizado == D("1")


def test_untouched_cell_edited_by_someone_else_is_not_a_conflict(capturista, poa):
    a, b, _ = poa.metas_a1
    _, datos = _abrir(capturista, poa.unidad_a1)
    avance_capturar(meta=a, mes=4, realizado=D("9"), version_esperada=0)  # someone else
    datos[f"r-{b.pk}-4"] = "2"  # I only touch b
    assert capturista.post(_url(poa.unidad_a1), datos).status_code == 302
    assert Avance.objects.get(meta=a, mes=4).realizado == D("9")
    assert Avance.objects.get(meta=b, mes=4).realizado == D("2")


def test_tampered_version_field_is_an_error_not_a_500(capturista, poa):
    _, datos = _abrir(capturista, poa.unidad_a1)
    meta = poa.metas_a1[0]
    datos[f"r-{meta.pk}-4"] = "2"
    datos[f"v-{meta.pk}-4"] = "abc"
    respuesta = capturista.post(_url(poa.unidad_a1), datos)
    assert respuesta.status_code == 200
    assert "La página está desactualizada" in respuesta.content.decode()
    assert not Avance.objects.exists()


def test_future_months_and_authorized_quarters_are_read_only(capturista, poa, hoy_fijo):
    hoy_fijo(date(2022, 5, 20))
    html, datos = _abrir(capturista, poa.unidad_a1)
    meta = poa.metas_a1[0]
    assert f"r-{meta.pk}-5" in datos and f"r-{meta.pk}-6" not in datos
    assert "Mes futuro" in html
    # Posting a future month anyway does nothing (the field is not part of the grid).
    datos[f"r-{meta.pk}-6"] = "5"
    capturista.post(_url(poa.unidad_a1), datos)
    assert not Avance.objects.filter(mes=6).exists()
    TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=1,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    html, datos = _abrir(capturista, poa.unidad_a1, trimestre=1)
    assert not datos
    assert "Trimestre autorizado: solo lectura" in html


def test_read_only_roles_see_the_grid_without_inputs(client, poa, personas):
    avance_capturar(meta=poa.metas_a1[0], mes=4, realizado=D("4"), version_esperada=0)
    client.force_login(personas.consulta)
    html, datos = _abrir(client, poa.unidad_a1)
    assert not datos
    assert "Vista de solo lectura" in html
    assert "Guardar rejilla" not in html


def test_observacion_warning_for_metas_outside_verde_does_not_block_saving(capturista, poa):
    _, datos = _abrir(capturista, poa.unidad_a1)
    meta = poa.metas_a1[0]
    for mes in (4, 5, 6):
        datos[f"r-{meta.pk}-{mes}"] = "3"  # 9 of 3 programmed: 300 %, rojo
    respuesta = capturista.post(_url(poa.unidad_a1), datos, follow=True)
    html = respuesta.content.decode()
    assert Avance.objects.filter(meta=meta).count() == 3
    assert "fuera del rango verde sin observación" in html
    assert f'<a href="#meta-{meta.pk}">{meta.clave}</a>' in html
    datos = datos_rejilla(html)
    datos[f"o-{meta.pk}-6"] = "Se superó la meta por demanda extraordinaria"
    html = capturista.post(_url(poa.unidad_a1), datos, follow=True).content.decode()
    assert "fuera del rango verde sin observación" not in html


def test_html_in_observaciones_is_shown_escaped(capturista, poa):
    _, datos = _abrir(capturista, poa.unidad_a1)
    meta = poa.metas_a1[0]
    datos[f"o-{meta.pk}-4"] = '<script>alert("x")</script><b>negritas</b>'
    capturista.post(_url(poa.unidad_a1), datos)
    assert Avance.objects.get().observaciones.startswith("<script>")
    for url in (_url(poa.unidad_a1), reverse("avances:historial", args=[meta.pk])):
        html = capturista.get(url).content.decode()
        assert "<script>alert" not in html and "<b>negritas" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


# --- The largest unidad ------------------------------------------------------------------


def test_a_100_meta_unidad_saves_in_one_post(client, poa, personas, django_assert_max_num_queries):
    unidad, metas = unidad_grande(poa.ramo_a)
    asignar(personas.capturista, Asignacion.Rol.CAPTURISTA, unidad)
    client.force_login(personas.capturista)
    # 16 for the grid + 3 for its sign-off state in words + 2 for the MIR (its indicators, and
    # the missing items of the indicators of its pairs).
    with django_assert_max_num_queries(21):
        html, datos = _abrir(client, unidad)
    # 3 fields (R, observaciones, version) per editable cell + the CSRF token.
    assert len(datos) == 100 * 3 * 3
    assert len(datos) + 1 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    for i, meta in enumerate(metas):
        for mes in (4, 5, 6):
            datos[f"r-{meta.pk}-{mes}"] = f"{i * 1000 + mes:,}"
            datos[f"o-{meta.pk}-{mes}"] = f"obs {i}"
    respuesta = client.post(_url(unidad), datos)
    assert respuesta.status_code == 302
    assert Avance.objects.filter(meta__unidad=unidad).count() == 300
    assert Avance.objects.get(meta=metas[42], mes=5).realizado == D("42005")
    assert Avance.history.filter(meta__unidad=unidad).count() == 300
    # Re-render after the save, still a constant number of queries.
    with django_assert_max_num_queries(21):
        assert client.get(_url(unidad)).status_code == 200


def test_a_unidad_beyond_the_django_default_field_limit_saves(client, poa, personas):
    """150 metas post 1,351 fields: Django's default limit (1,000) would answer 400."""
    unidad, metas = unidad_grande(poa.ramo_a, n_metas=150)
    asignar(personas.capturista, Asignacion.Rol.CAPTURISTA, unidad)
    client.force_login(personas.capturista)
    _, datos = _abrir(client, unidad)
    assert len(datos) + 1 > 1000
    for meta in metas:
        datos[f"r-{meta.pk}-6"] = "1"
    assert client.post(_url(unidad), datos).status_code == 302
    assert Avance.objects.filter(meta__unidad=unidad, mes=6).count() == 150


def test_grid_render_query_count_does_not_grow_with_metas(
    client, poa, personas, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.capturista)
    client.get(_url(poa.unidad_a1))  # the session's first request renews it (one write)
    with CaptureQueriesContext(connection) as pocas:
        client.get(_url(poa.unidad_a1))
    unidad, _ = unidad_grande(poa.ramo_a)
    asignar(personas.capturista, Asignacion.Rol.CAPTURISTA, unidad)
    client.force_login(personas.capturista)
    with django_assert_num_queries(len(pocas)):
        client.get(_url(unidad))


# --- Inicio -----------------------------------------------------------------------------


def test_inicio_lists_the_users_metas_with_quarter_figures(client, poa, personas):
    avance_capturar(meta=poa.metas_a1[0], mes=4, realizado=D("1"), version_esperada=0)
    avance_capturar(meta=poa.metas_a1[0], mes=5, realizado=D("1"), version_esperada=0)
    avance_capturar(meta=poa.metas_a1[0], mes=6, realizado=D("1"), version_esperada=0)
    client.force_login(personas.capturista)
    html = client.get(reverse("avances:inicio") + "?trimestre=2").content.decode()
    assert "Mis metas · Abril–Junio 2022" in html
    for meta in poa.metas_a1:
        assert f">{meta.clave}</a>" in html
    for meta in poa.metas_a2 + poa.metas_b1:
        assert meta.descripcion not in html
    assert '<span class="semaforo verde">Verde</span>' in html
    assert "100.00%" in html
    assert "Completa" in html and "Sin captura" in html
    assert "Fecha límite de entrega del trimestre" in html
    assert "15 de julio de 2022" in html.lower() or "14 de julio de 2022" in html.lower()


def test_inicio_default_quarter_for_a_past_year_is_the_last_with_data(client, poa, personas):
    avance_capturar(meta=poa.metas_a1[0], mes=8, realizado=D("1"), version_esperada=0)
    client.force_login(personas.capturista)
    html = client.get(reverse("avances:inicio")).content.decode()
    assert "Julio–Septiembre 2022" in html


def test_inicio_filters_by_semaforo_and_text(client, poa, personas):
    a, b, _ = poa.metas_a1
    for mes in (4, 5, 6):
        avance_capturar(meta=a, mes=mes, realizado=D("1"), version_esperada=0)
        avance_capturar(meta=b, mes=mes, realizado=D("5"), version_esperada=0)
    client.force_login(personas.capturista)
    base = reverse("avances:inicio") + "?trimestre=2"
    html = client.get(base + "&semaforo=rojo").content.decode()
    assert f">{b.clave}</a>" in html and f">{a.clave}</a>" not in html
    html = client.get(base + f"&q={a.descripcion[-8:]}").content.decode()
    assert f">{a.clave}</a>" in html and f">{b.clave}</a>" not in html


def test_inicio_query_count_is_pinned(client, poa, personas, django_assert_max_num_queries):
    unidad, _ = unidad_grande(poa.ramo_a)
    client.force_login(personas.planeacion)
    # +6 over the table: each unidad card says its reports' sign-off state in words (the
    # pairs, their reports, last steps and missing items), whatever the number of unidades.
    with django_assert_max_num_queries(29):  # +1: the pairs' MIR indicators
        respuesta = client.get(reverse("avances:inicio") + "?trimestre=2")
    assert respuesta.status_code == 200
    client.force_login(personas.capturista)
    with django_assert_max_num_queries(26):  # +1: MIR indicators
        assert client.get(reverse("avances:inicio")).status_code == 200


def test_planeacion_sees_the_unidades_that_are_late(client, poa, personas, hoy_fijo):
    hoy_fijo(date(2022, 8, 1))  # after the Q2 deadline
    for meta in poa.metas_a1:
        for mes in (4, 5, 6):
            avance_capturar(meta=meta, mes=mes, realizado=D("1"), version_esperada=0)
    client.force_login(personas.planeacion)
    html = client.get(reverse("avances:inicio") + "?trimestre=2").content.decode()
    assert "Unidades con captura pendiente" in html
    assert "54102 Administración y Finanzas" in html  # nothing captured
    assert "001 Oficina del titular" in html
    assert "Atrasada" in html
    seccion = html.split("Unidades con captura pendiente")[1].split("</table>")[0]
    assert "54101" not in seccion  # A1 captured everything
    client.force_login(personas.capturista)
    assert (
        "Unidades con captura pendiente"
        not in client.get(reverse("avances:inicio")).content.decode()
    )


# --- Historial ---------------------------------------------------------------------------


def test_historial_shows_who_when_and_old_to_new(
    client, poa, personas, django_assert_max_num_queries
):
    meta = poa.metas_a1[0]
    avance_capturar(
        meta=meta, mes=4, realizado=D("1"), version_esperada=0, usuario=personas.capturista
    )
    avance_capturar(
        meta=meta, mes=4, realizado=D("2"), observaciones="ajuste", version_esperada=1,
        usuario=personas.capturista,
    )  # fmt: skip
    meta.meta_anual = D("24")
    meta.save()
    programado = Programado.objects.get(meta=meta, mes=4)
    programado.valor = D("3")
    programado.save()
    client.force_login(personas.responsable_ramo)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("avances:historial", args=[meta.pk])).content.decode()
    nombre = personas.capturista.get_full_name()
    assert "Realizado (abr)" in html and nombre in html
    assert '<span class="anterior">1</span><span class="flecha">→</span>2' in html
    assert "Observaciones (abr)" in html and "ajuste" in html
    assert '<span class="anterior">12</span><span class="flecha">→</span>24' in html
    assert "Meta anual" in html
    # Programado rows were bulk-created by the factory: no creation record to compare with.
    assert '<span class="anterior">sin registro previo</span><span class="flecha">→</span>3' in html
    assert "Programado (abr)" in html


# --- Periodos ------------------------------------------------------------------------------


def test_planeacion_closes_and_reopens_a_month_and_the_grid_follows(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("avances:periodos")
    respuesta = client.post(url, {"accion": "cerrar_mes", "mes": "4"}, follow=True)
    assert "Captura cerrada: abril 2022" in respuesta.content.decode()
    assert Periodo.objects.get(mes=4).abierto is False
    client.force_login(personas.capturista)
    html, datos = _abrir(client, poa.unidad_a1)
    assert f"r-{poa.metas_a1[0].pk}-4" not in datos and "Periodo cerrado" in html
    client.force_login(personas.planeacion)
    client.post(url, {"accion": "abrir_trimestre", "trimestre": "2"})
    assert list(Periodo.objects.filter(abierto=False)) == []
    client.post(url, {"accion": "cerrar_trimestre", "trimestre": "1"})
    assert sorted(Periodo.objects.filter(abierto=False).values_list("mes", flat=True)) == [1, 2, 3]


def test_planeacion_sets_and_clears_a_deadline(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("avances:periodos")
    client.post(url, {"accion": "fecha_limite", "trimestre": "2", "fecha": "2022-07-20"})
    assert FechaLimite.objects.get(trimestre=2).fecha == date(2022, 7, 20)
    html = client.get(url).content.decode()
    assert 'value="2022-07-20"' in html and "Fecha fijada por Planeación" in html
    client.post(url, {"accion": "fecha_limite", "trimestre": "2", "fecha": ""})
    assert not FechaLimite.objects.exists()
    # Default: 10 business days after June 30, 2022 → July 14, 2022.
    assert 'value="2022-07-14"' in client.get(url).content.decode()


def test_bad_period_request_is_a_message_not_a_500(client, poa, personas):
    client.force_login(personas.planeacion)
    respuesta = client.post(reverse("avances:periodos"), {"accion": "cerrar_mes", "mes": "13"})
    assert respuesta.status_code == 200
    assert "No se aplicó el cambio" in respuesta.content.decode()
    assert not Periodo.objects.exists()


# --- Usuarios y asignaciones -------------------------------------------------------------------


def test_planeacion_creates_a_user_and_assigns_it(client, poa, personas):
    client.force_login(personas.planeacion)
    respuesta = client.post(
        reverse("avances:usuario_nuevo"),
        {
            "username": "nuevo.enlace", "first_name": "Ana", "last_name": "López",
            "email": "ana@example.com", "password1": "Mexicali-2022-seguro",
            "password2": "Mexicali-2022-seguro",
        },
    )  # fmt: skip
    nuevo = get_user_model().objects.get(username="nuevo.enlace")
    assert respuesta.status_code == 302 and nuevo.check_password("Mexicali-2022-seguro")
    respuesta = client.post(
        reverse("avances:asignaciones"),
        {"usuario": nuevo.pk, "rol": Asignacion.Rol.CAPTURISTA, "unidad": poa.unidad_a2.pk},
    )
    assert respuesta.status_code == 302
    asignacion = Asignacion.objects.get(usuario=nuevo)
    assert asignacion.unidad == poa.unidad_a2
    html = client.get(reverse("avances:asignaciones")).content.decode()
    assert "nuevo.enlace" in html and "Ana López" in html
    client.post(reverse("avances:asignacion_eliminar", args=[asignacion.pk]))
    assert not Asignacion.objects.filter(usuario=nuevo).exists()


def test_weak_password_and_incoherent_assignment_are_refused(client, poa, personas):
    client.force_login(personas.planeacion)
    respuesta = client.post(
        reverse("avances:usuario_nuevo"),
        {"username": "debil", "password1": "123", "password2": "123"},
    )
    assert respuesta.status_code == 200
    assert not get_user_model().objects.filter(username="debil").exists()
    respuesta = client.post(
        reverse("avances:asignaciones"),
        {"usuario": personas.ajeno.pk, "rol": Asignacion.Rol.CAPTURISTA, "ramo": poa.ramo_a.pk},
    )
    assert respuesta.status_code == 200
    assert "se asigna sobre una unidad" in respuesta.content.decode()
    respuesta = client.post(
        reverse("avances:asignaciones"),
        {
            "usuario": personas.capturista.pk,
            "rol": Asignacion.Rol.CAPTURISTA,
            "unidad": poa.unidad_a1.pk,
        },
    )
    assert "Esa asignación ya existe." in respuesta.content.decode()


def test_planeacion_cannot_remove_its_own_planeacion_role(client, poa, personas):
    client.force_login(personas.planeacion)
    propia = Asignacion.objects.get(usuario=personas.planeacion)
    respuesta = client.post(reverse("avances:asignacion_eliminar", args=[propia.pk]), follow=True)
    assert "No puede quitarse su propio rol de Planeación" in respuesta.content.decode()
    assert Asignacion.objects.filter(pk=propia.pk).exists()


# --- Demo data and links ---------------------------------------------------------------------


def test_demo_capturista_fills_and_saves_the_q2_grid(client, poa_demo):
    from programas.models import Meta, UnidadEjecutora

    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="54101")
    enlace = UserFactory(username="enlace_bisom")
    asignar(enlace, Asignacion.Rol.CAPTURISTA, unidad)
    client.force_login(enlace)
    html, datos = _abrir(client, unidad, 2)
    meta = Meta.objects.get(unidad=unidad, clave="100")
    antes = Avance.objects.filter(meta=meta, mes__in=[4, 5, 6], realizado__isnull=False).first()
    mes = antes.mes
    assert datos[f"r-{meta.pk}-{mes}"] == formatear(antes.realizado)
    datos[f"r-{meta.pk}-{mes}"] = formatear(antes.realizado + 5)
    datos[f"o-{meta.pk}-{mes}"] = "Se atendieron 5 solicitudes adicionales"
    assert client.post(_url(unidad, 2), datos).status_code == 302
    despues = Avance.objects.get(meta=meta, mes=mes)
    assert despues.realizado == antes.realizado + 5 and despues.version == antes.version + 1
    ultimo = Avance.history.filter(id=despues.pk).latest("history_date")
    assert ultimo.history_type == "~" and ultimo.history_user == enlace
    # Nothing else of the grid was rewritten.
    assert (
        Avance.objects.filter(meta__unidad=unidad)
        .exclude(pk=despues.pk)
        .filter(actualizado_por=enlace)
        .count()
        == 0
    )


def test_grid_links_to_the_quarter_reports_and_sign_off(capturista, poa):
    html, _ = _abrir(capturista, poa.unidad_a1)
    programa, unidad = poa.programa_a.pk, poa.unidad_a1.pk
    assert "TMM-F004 PDF" in html
    assert (
        f"reporte=tmm-f004&amp;tipo=pdf&amp;ejercicio=2022&amp;trimestre=2&amp;"
        f"programa={programa}&amp;unidad={unidad}"
    ) in html
    assert reverse("firmas:panel", args=[programa, unidad, 2]) in html
