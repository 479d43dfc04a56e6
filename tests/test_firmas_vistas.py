"""Sign-off screens: inbox per role, panel, POST actions (403/404), board, emails."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from avances.models import EventoFirma, TrimestreFirma
from tests.test_firmas import capturar_trimestre, llevar_a, reporte

Estado = TrimestreFirma.Estado
CLAVE = "clave-segura-123"


def entrar(client, usuario):
    client.force_login(usuario)
    return client


def url_panel(poa, trimestre=1):
    return reverse("firmas:panel", args=[poa.programa_a.pk, poa.unidad_a1.pk, trimestre])


def url_accion(poa, trimestre=1):
    return reverse("firmas:accion", args=[poa.programa_a.pk, poa.unidad_a1.pk, trimestre])


def texto(respuesta) -> str:
    return re.sub(r"\s+", " ", respuesta.content.decode())


def test_bandeja_of_responsable_unidad_lists_ready_and_missing(client, poa, personas):
    capturar_trimestre(poa.metas_a1, 1)
    entrar(client, personas.responsable_unidad)
    html = texto(client.get(reverse("firmas:bandeja")))
    # Ejercicio 2022 is past: the four quarters are due; T1 is complete, T2 is not.
    fila_t1 = re.search(r'data-reporte="511/54101/T1">(.*?)</tr>', html).group(1)
    assert "Listo para enviar" in fila_t1
    assert 'value="ENVIAR"' in fila_t1
    fila_t2 = re.search(r'data-reporte="511/54101/T2">(.*?)</tr>', html).group(1)
    assert "3 pendiente(s)" in fila_t2
    assert "Meta 100: falta capturar el realizado de abril, mayo, junio." in fila_t2
    assert 'value="ENVIAR"' not in fila_t2
    assert "54102" not in html  # unidad A2 is not theirs


def test_bandeja_of_reviewer_and_authorizer_show_their_step_only(client, poa, personas):
    llevar_a(Estado.ENVIADO, poa, personas)
    html = texto(entrar(client, personas.responsable_programa).get(reverse("firmas:bandeja")))
    assert 'id="por-revisar"' in html and 'data-reporte="511/54101/T1"' in html
    assert 'id="por-autorizar"' not in html
    html = texto(entrar(client, personas.responsable_ramo).get(reverse("firmas:bandeja")))
    assert "No hay reportes esperando su firma" in html
    from avances.firma import trimestre_revisar

    trimestre_revisar(**reporte(poa), usuario=personas.responsable_programa)
    html = texto(client.get(reverse("firmas:bandeja")))
    assert 'id="por-autorizar"' in html and 'data-reporte="511/54101/T1"' in html


def test_bandeja_for_capturista_explains_it_is_for_signers(client, poa, personas):
    html = texto(entrar(client, personas.capturista).get(reverse("firmas:bandeja")))
    assert "Su usuario no firma reportes" in html


def test_bandeja_query_count_is_bounded(client, poa, personas, django_assert_max_num_queries):
    capturar_trimestre(poa.metas_a1, 1)
    entrar(client, personas.responsable_unidad)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("firmas:bandeja")).status_code == 200


def test_full_cycle_through_the_views_with_emails(
    client, poa, personas, django_capture_on_commit_callbacks
):
    capturar_trimestre(poa.metas_a1, 1)
    pasos = [
        (personas.responsable_unidad, "ENVIAR", "", Estado.ENVIADO, "resp_programa"),
        (personas.responsable_programa, "DEVOLVER", "Corrija la meta 101", Estado.BORRADOR,
         "resp_unidad"),
        (personas.responsable_unidad, "ENVIAR", "", Estado.ENVIADO, "resp_programa"),
        (personas.responsable_programa, "REVISAR", "", Estado.REVISADO, "resp_ramo"),
        (personas.responsable_ramo, "AUTORIZAR", "", Estado.AUTORIZADO, "resp_unidad"),
    ]  # fmt: skip
    for usuario, accion, comentario, estado, notificado in pasos:
        entrar(client, usuario)
        version = (
            TrimestreFirma.objects.filter(unidad=poa.unidad_a1)
            .values_list("version", flat=True)
            .first()
            or 1
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            respuesta = client.post(
                url_accion(poa),
                {"accion": accion, "comentario": comentario, "version": version},
            )
        assert respuesta.status_code == 302
        assert TrimestreFirma.objects.get(unidad=poa.unidad_a1).estado == estado
        assert len(mail.outbox) == 1, accion
        assert f"{notificado}@example.com" in mail.outbox[0].to
        assert "/firmas/" in mail.outbox[0].body
        if accion == "DEVOLVER":
            assert "Corrija la meta 101" in mail.outbox[0].body
            assert "capturista@example.com" in mail.outbox[0].to
    firma = TrimestreFirma.objects.get(unidad=poa.unidad_a1)
    assert firma.codigo_verificacion in mail.outbox[0].body
    assert mail.outbox[0].to == ["resp_programa@example.com", "resp_unidad@example.com"]
    html = texto(client.get(url_panel(poa)))
    assert "Trimestre autorizado: sus avances" in html
    assert firma.codigo_verificacion in html
    assert "Devolvió</strong> — " in html and "Corrija la meta 101" in html


def test_reopen_notifies_every_signer(client, poa, personas, django_capture_on_commit_callbacks):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    entrar(client, personas.planeacion)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_accion(poa), {"accion": "REABRIR", "comentario": "Cifra de marzo"})
    assert TrimestreFirma.objects.get().estado == Estado.BORRADOR
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {
        "capturista@example.com", "resp_unidad@example.com", "resp_programa@example.com",
        "resp_ramo@example.com",
    }  # fmt: skip
    assert "Cifra de marzo" in mail.outbox[0].body
    html = texto(client.get(url_panel(poa)))
    assert "Reabrió</strong> — " in html and "Motivo: Cifra de marzo" in html


def test_wrong_role_gets_403_and_nothing_changes(client, poa, personas):
    llevar_a(Estado.REVISADO, poa, personas)
    for persona in ("capturista", "responsable_unidad", "responsable_programa", "consulta"):
        entrar(client, getattr(personas, persona))
        assert client.post(url_accion(poa), {"accion": "AUTORIZAR"}).status_code == 403
    assert TrimestreFirma.objects.get().estado == Estado.REVISADO
    assert not EventoFirma.objects.filter(accion="AUTORIZAR").exists()


def test_other_ramo_gets_404_on_panel_and_action(client, poa, personas):
    llevar_a(Estado.REVISADO, poa, personas)
    entrar(client, personas.ajeno)
    assert client.get(url_panel(poa)).status_code == 404
    assert client.post(url_accion(poa), {"accion": "AUTORIZAR"}).status_code == 404
    assert client.get(reverse("firmas:tablero")).status_code == 403


def test_anonymous_is_sent_to_login(client, poa):
    respuesta = client.get(url_panel(poa))
    assert respuesta.status_code == 302 and "/entrar/" in respuesta.url
    assert client.post(url_accion(poa), {"accion": "ENVIAR"}).status_code == 302
    assert not TrimestreFirma.objects.exists()


def test_action_requires_post(client, poa, personas):
    entrar(client, personas.responsable_unidad)
    assert client.get(url_accion(poa)).status_code == 405


def test_double_post_of_autorizar_shows_already_authorized(client, poa, personas):
    llevar_a(Estado.REVISADO, poa, personas)
    entrar(client, personas.responsable_ramo)
    version = TrimestreFirma.objects.get().version
    datos = {"accion": "AUTORIZAR", "version": version}
    client.post(url_accion(poa), datos)
    segunda = client.post(url_accion(poa), datos, follow=True)
    assert "ya fue autorizado" in texto(segunda)
    assert EventoFirma.objects.filter(accion="AUTORIZAR").count() == 1


def test_enviar_with_missing_capture_shows_the_list(client, poa, personas):
    entrar(client, personas.responsable_unidad)
    respuesta = client.post(url_accion(poa), {"accion": "ENVIAR"}, follow=True)
    html = texto(respuesta)
    assert "No se puede enviar: hay 3 pendiente(s)" in html
    assert "Meta 102: falta capturar el realizado de enero, febrero, marzo." in html
    assert not TrimestreFirma.objects.filter(estado=Estado.ENVIADO).exists()


def test_devolver_without_comment_is_refused_with_message(client, poa, personas):
    llevar_a(Estado.ENVIADO, poa, personas)
    entrar(client, personas.responsable_programa)
    html = texto(client.post(url_accion(poa), {"accion": "DEVOLVER"}, follow=True))
    assert "escriba un comentario" in html
    assert TrimestreFirma.objects.get().estado == Estado.ENVIADO


def test_unknown_action_and_open_redirect_are_harmless(client, poa, personas):
    llevar_a(Estado.BORRADOR, poa, personas)
    entrar(client, personas.responsable_unidad)
    respuesta = client.post(url_accion(poa), {"accion": "BORRAR"})
    assert respuesta.status_code == 302 and respuesta.url == url_panel(poa)
    respuesta = client.post(
        url_accion(poa), {"accion": "ENVIAR", "siguiente": "https://malicioso.example/"}
    )
    assert respuesta.url == url_panel(poa)


def test_panel_shows_actions_of_the_role_only(client, poa, personas):
    llevar_a(Estado.ENVIADO, poa, personas)
    html = texto(entrar(client, personas.responsable_programa).get(url_panel(poa)))
    assert 'value="REVISAR"' in html and 'value="DEVOLVER"' in html
    assert 'value="AUTORIZAR"' not in html
    html = texto(entrar(client, personas.consulta).get(url_panel(poa)))
    assert 'id="acciones"' not in html
    assert "Enviado (esperando a Revisó)" in html


def test_tablero_matrix_for_planeacion(client, poa, personas, django_assert_max_num_queries):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    entrar(client, personas.planeacion)
    with django_assert_max_num_queries(18):  # +1: the pairs' MIR indicators
        html = texto(client.get(reverse("firmas:tablero")))
    celda = re.search(r'data-celda="511/54101/T1">(.*?)</td>', html).group(1)
    assert re.search(r"Autorizado el \d\d/\d\d/\d{4} por ", celda) and "Reabrir…" in celda
    assert re.search(r'data-celda="511/54102/T1">.*?Por capturar', html)
    assert re.search(r'data-celda="010/001/T4">.*?Por capturar', html)
    filtrado = texto(client.get(reverse("firmas:tablero") + "?estado=AUTORIZADO"))
    assert 'data-celda="511/54101/T1"' in filtrado
    assert 'data-celda="511/54102/T1"' not in filtrado


def test_tablero_of_each_signer_and_consulta_is_limited_to_their_scope(client, poa, personas):
    llevar_a(Estado.ENVIADO, poa, personas)
    html = texto(entrar(client, personas.responsable_unidad).get(reverse("firmas:tablero")))
    assert 'data-celda="511/54101/T1"' in html and "Enviado (esperando a Revisó)" in html
    assert 'data-celda="511/54102/T1"' not in html and "010/001" not in html
    assert "Reabrir…" not in html
    html = texto(entrar(client, personas.responsable_programa).get(reverse("firmas:tablero")))
    assert 'data-celda="511/54101/T1"' in html and 'data-celda="511/54102/T1"' in html
    assert 'data-celda="010/001/T1"' not in html
    for persona in ("responsable_ramo", "consulta"):
        html = texto(entrar(client, getattr(personas, persona)).get(reverse("firmas:tablero")))
        assert 'data-celda="511/54102/T4"' in html and 'data-celda="010/001/T1"' not in html


@pytest.mark.parametrize("persona", ["capturista", "ajeno"])
def test_tablero_is_refused_to_capturistas(client, poa, personas, persona):
    entrar(client, getattr(personas, persona))
    assert client.get(reverse("firmas:tablero")).status_code == 403


def _fila(html, clave="511/54101/T1"):
    return re.search(rf'data-reporte="{clave}">(.*?)</tr>', html).group(1)


def test_returned_report_says_who_returned_it_and_why_in_the_inbox(client, poa, personas):
    from avances.firma import trimestre_devolver

    llevar_a(Estado.ENVIADO, poa, personas)
    personas.responsable_programa.first_name = "David"
    personas.responsable_programa.last_name = "Murillo"
    personas.responsable_programa.save()
    trimestre_devolver(
        **reporte(poa), usuario=personas.responsable_programa, comentario="Amplíe la meta 101"
    )
    html = texto(entrar(client, personas.responsable_unidad).get(reverse("firmas:bandeja")))
    fila = _fila(html)
    assert re.search(r"Devuelto por .+ el \d\d/\d\d/\d{4}: «Amplíe la meta 101»", fila)
    assert "Listo para enviar" not in fila
    assert 'value="ENVIAR"' in fila  # the capture is still complete: it can be sent again
    panel = texto(client.get(url_panel(poa)))
    devuelto = panel.index('id="devuelto"')
    assert "«Amplíe la meta 101»" in panel[devuelto : devuelto + 600]
    assert devuelto < panel.index('id="vista-previa"') < panel.index('id="historial"')


def test_reviewer_signs_only_on_the_review_page_after_the_preview(client, poa, personas):
    llevar_a(Estado.ENVIADO, poa, personas)
    entrar(client, personas.responsable_programa)
    fila = _fila(texto(client.get(reverse("firmas:bandeja"))))
    assert 'value="REVISAR"' not in fila and "<button" not in fila
    assert f'href="{url_panel(poa)}"' in fila and "Revisar el reporte…" in fila
    html = texto(client.get(url_panel(poa)))
    vista = html.index('id="vista-previa"')
    assert vista < html.index('value="REVISAR"') and vista < html.index('value="DEVOLVER"')
    assert "AVANCE FÍSICO PROGRAMÁTICO" in html and "ENE-MAR 2022" in html
    assert re.search(r'<span class="semaforo verde"[^>]*>Verde · 100.00%</span>', html)
    assert "Avance absoluto" in html and "Acumulado relativo" in html
    from avances.firma import trimestre_revisar

    trimestre_revisar(**reporte(poa), usuario=personas.responsable_programa)
    entrar(client, personas.responsable_ramo)
    fila = _fila(texto(client.get(reverse("firmas:bandeja"))))
    assert 'value="AUTORIZAR"' not in fila and "Revisar y autorizar…" in fila
    assert "Revisado (esperando a Autorizó)" in fila
    assert 'value="AUTORIZAR"' in texto(client.get(url_panel(poa)))


def test_missing_items_link_to_their_grid_cell(client, poa, personas):
    capturar_trimestre(poa.metas_a1[:2], 1)
    meta = poa.metas_a1[2]
    url = reverse("avances:captura", args=[poa.unidad_a1.pk, 1])
    celda = f"r-{meta.pk}-1"
    html = texto(entrar(client, personas.responsable_unidad).get(reverse("firmas:bandeja")))
    assert f'href="{url}?celda={celda}#{celda}"' in _fila(html)
    panel = texto(client.get(url_panel(poa)))
    assert f'href="{url}?celda={celda}#{celda}" data-celda="{celda}"' in panel
    assert 'id="pedir-captura"' in panel  # Elaboró does not capture: asks the capturistas
    grid = texto(entrar(client, personas.capturista).get(url + f"?celda={celda}"))
    assert f'data-celda="{celda}"' in grid and f'id="{celda}"' in grid
    assert f'id="o-{meta.pk}-1"' in grid
    assert 'id="pedir-captura"' not in texto(client.get(url_panel(poa)))


def test_justification_missing_names_the_observation_cell_and_no_escriba_for_signers(
    client, poa, personas
):
    capturar_trimestre(poa.metas_a1, 1, valor="0")
    meta = poa.metas_a1[0]
    html = texto(entrar(client, personas.responsable_programa).get(url_panel(poa)))
    assert f'data-celda="o-{meta.pk}-3"' in html
    pendientes = html[html.index('id="pendientes"') : html.index('id="vista-previa"')]
    assert "fuera del rango verde sin observaciones." in pendientes
    assert "escriba" not in pendientes
    html = texto(entrar(client, personas.capturista).get(url_panel(poa)))
    assert "escriba la justificación" in html


def test_pedir_a_la_captura_emails_the_list_to_the_capturistas(client, poa, personas):
    capturar_trimestre(poa.metas_a1[:2], 1)
    meta = poa.metas_a1[2]
    url = reverse("firmas:pedir_captura", args=[poa.programa_a.pk, poa.unidad_a1.pk, 1])
    respuesta = entrar(client, personas.responsable_programa).post(url, follow=True)
    assert "Se pidió a la captura de la unidad 54101 completar 1 pendiente(s)" in texto(respuesta)
    assert len(mail.outbox) == 1
    correo = mail.outbox[0]
    assert correo.to == ["capturista@example.com"]
    assert "Pendientes de captura: 511/54101 T1" in correo.subject
    assert f"Meta {meta.clave}: falta capturar el realizado de enero, febrero, marzo." in (
        correo.body
    )
    assert f"/captura/{poa.unidad_a1.pk}/1/?celda=r-{meta.pk}-1#r-{meta.pk}-1" in correo.body
    for persona in ("capturista", "consulta"):
        assert entrar(client, getattr(personas, persona)).post(url).status_code == 403
    assert entrar(client, personas.ajeno).post(url).status_code == 404
    assert len(mail.outbox) == 1


def test_pedir_a_la_captura_without_capturistas_says_so_and_sends_nothing(client, poa, personas):
    from programas.models import Asignacion

    Asignacion.objects.filter(usuario=personas.capturista).delete()
    url = reverse("firmas:pedir_captura", args=[poa.programa_a.pk, poa.unidad_a1.pk, 1])
    html = texto(entrar(client, personas.responsable_unidad).post(url, follow=True))
    assert "No se envió el aviso: La unidad 54101 no tiene capturistas activos" in html
    assert mail.outbox == []


def test_pedir_a_la_captura_with_nothing_missing_sends_nothing(client, poa, personas):
    capturar_trimestre(poa.metas_a1, 1)
    url = reverse("firmas:pedir_captura", args=[poa.programa_a.pk, poa.unidad_a1.pk, 1])
    html = texto(entrar(client, personas.responsable_unidad).post(url, follow=True))
    assert "no hay nada que pedir" in html and mail.outbox == []


def test_navigation_badge_counts_what_waits_for_the_user(
    client, poa, personas, django_assert_num_queries
):
    from avances.firma import trimestre_devolver, trimestre_revisar
    from avances.selectors_firma import pendientes_de_firma

    def insignia(persona):
        html = texto(
            entrar(client, getattr(personas, persona)).get(reverse("firmas:verificar_inicio"))
        )
        encontrado = re.search(r'id="insignia-firmas"[^>]*>(\d+)</span>', html)
        return int(encontrado.group(1)) if encontrado else 0

    llevar_a(Estado.ENVIADO, poa, personas)
    assert insignia("responsable_programa") == 1
    assert insignia("responsable_ramo") == 0 and insignia("responsable_unidad") == 0
    trimestre_revisar(**reporte(poa), usuario=personas.responsable_programa)
    assert insignia("responsable_programa") == 0 and insignia("responsable_ramo") == 1
    trimestre_devolver(**reporte(poa), usuario=personas.responsable_ramo, comentario="Revisar")
    assert insignia("responsable_ramo") == 0 and insignia("responsable_unidad") == 1
    assert insignia("capturista") == 0 and insignia("planeacion") == 0
    usuario = personas.responsable_programa
    from programas.scope import alcance_de

    alcance_de(usuario)  # the menu already computes the scope: the badge adds one query
    with django_assert_num_queries(1):
        assert pendientes_de_firma(usuario) == 0


def test_reporte_helper_matches_demo_layout(poa):
    assert reporte(poa)["trimestre"] == 1
