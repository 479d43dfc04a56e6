"""Reopening on request: ask, approve (reopens, audited) or reject, emails, lock messages."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from avances.bloqueo import TrimestreBloqueado, exigir_meses_abiertos
from avances.firma import FirmaNoPermitida, FirmaRechazada, FirmaRepetida
from avances.firma.solicitudes import (
    reapertura_aprobar,
    reapertura_rechazar,
    reapertura_solicitar,
)
from avances.models import EventoFirma, Periodo, SolicitudReapertura, TrimestreFirma
from avances.services import CapturaRechazada, avance_capturar
from tests.test_firmas import llevar_a, reporte

Estado = SolicitudReapertura.Estado
EstadoFirma = TrimestreFirma.Estado
MOTIVO = "La cifra de marzo de la meta 101 se capturó con un cero de más."


def firma_de(poa, trimestre=1):
    return TrimestreFirma.objects.get(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=trimestre
    )


def solicitar(poa, usuario, motivo=MOTIVO, trimestre=1):
    return reapertura_solicitar(**reporte(poa, trimestre), usuario=usuario, motivo=motivo)


@pytest.fixture
def autorizado(poa, personas):
    llevar_a(EstadoFirma.AUTORIZADO, poa, personas)
    personas.responsable_ramo.first_name, personas.responsable_ramo.last_name = "Ana", "Haro"
    personas.responsable_ramo.save()
    EventoFirma.objects.filter(accion="AUTORIZAR").update(
        nombre="Ana Haro", fecha=timezone.make_aware(datetime(2022, 4, 12, 10, 30))
    )
    return firma_de(poa)


# --- Services ------------------------------------------------------------------------------


def test_request_then_approval_reopens_the_quarter_with_its_audit_rows(
    poa, personas, autorizado, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        solicitud = solicitar(poa, personas.capturista)
    assert solicitud.estado == Estado.PENDIENTE
    assert solicitud.solicitante == personas.capturista
    assert solicitud.solicitante_nombre == personas.capturista.get_full_name()
    assert firma_de(poa).estado == EstadoFirma.AUTORIZADO  # a request changes nothing yet
    assert [m.to for m in mail.outbox] == [["planeacion@example.com"]]
    assert MOTIVO in mail.outbox[0].body and "Solicitud de reapertura" in mail.outbox[0].subject
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reapertura_aprobar(
            solicitud=solicitud, usuario=personas.planeacion, comentario="Procede, corrijan hoy."
        )
    firma = firma_de(poa)
    assert firma.estado == EstadoFirma.BORRADOR
    evento = firma.eventos.get(accion=EventoFirma.Accion.REABRIR)
    assert evento.usuario == personas.planeacion
    assert (evento.estado_anterior, evento.estado_nuevo) == ("AUTORIZADO", "BORRADOR")
    assert MOTIVO in evento.comentario and personas.capturista.get_full_name() in evento.comentario
    assert "Procede, corrijan hoy." in evento.comentario
    solicitud.refresh_from_db()
    assert solicitud.estado == Estado.APROBADA
    assert solicitud.decidida_por == personas.planeacion
    assert solicitud.decidida_por_nombre == personas.planeacion.get_full_name()
    assert solicitud.decidida_en is not None and solicitud.evento == evento
    assert solicitud.comentario_decision == "Procede, corrijan hoy."
    asuntos = {m.subject.split(":")[0]: m for m in mail.outbox}
    assert asuntos["[POA] Reapertura aprobada"].to == ["capturista@example.com"]
    assert (
        "Trimestre reabierto por Planeación"
        in asuntos["[POA] Trimestre reabierto por Planeación"].subject
    )
    # Reopened: capture works again.
    avance_capturar(meta=poa.metas_a1[0], mes=3, realizado=Decimal("7"), version_esperada=1)


def test_rejection_keeps_the_quarter_locked_and_tells_the_requester(
    poa, personas, autorizado, django_capture_on_commit_callbacks
):
    solicitud = solicitar(poa, personas.responsable_unidad)
    with django_capture_on_commit_callbacks(execute=True):
        reapertura_rechazar(
            solicitud=solicitud, usuario=personas.planeacion, comentario="Ya se publicó."
        )
    assert firma_de(poa).estado == EstadoFirma.AUTORIZADO
    assert not EventoFirma.objects.filter(accion="REABRIR").exists()
    solicitud.refresh_from_db()
    assert (solicitud.estado, solicitud.comentario_decision) == (Estado.RECHAZADA, "Ya se publicó.")
    assert solicitud.decidida_por == personas.planeacion and solicitud.decidida_en
    assert [m.to for m in mail.outbox] == [["resp_unidad@example.com"]]
    assert "rechazó" in mail.outbox[0].body and "Ya se publicó." in mail.outbox[0].body
    # After a decision a new request may be made.
    assert solicitar(poa, personas.responsable_unidad).estado == Estado.PENDIENTE


@pytest.mark.parametrize("comentario", ["", "   \r\n "])
def test_rejection_requires_a_comment(poa, personas, autorizado, comentario):
    solicitud = solicitar(poa, personas.capturista)
    with pytest.raises(FirmaRechazada, match="escriba un comentario"):
        reapertura_rechazar(solicitud=solicitud, usuario=personas.planeacion, comentario=comentario)
    assert SolicitudReapertura.objects.get().estado == Estado.PENDIENTE


def test_a_second_pending_request_is_refused(poa, personas, autorizado):
    solicitar(poa, personas.capturista)
    with pytest.raises(FirmaRepetida, match="Ya hay una solicitud de reapertura pendiente"):
        solicitar(poa, personas.responsable_programa)
    assert SolicitudReapertura.objects.count() == 1


def test_the_database_allows_one_pending_request_per_report(poa, personas, autorizado):
    solicitar(poa, personas.capturista)
    with pytest.raises(IntegrityError), transaction.atomic():
        SolicitudReapertura.objects.create(
            firma=autorizado, solicitante_nombre="Otra", motivo="Otra vez"
        )


def test_the_database_refuses_a_decision_without_who_and_when(poa, personas, autorizado):
    solicitud = solicitar(poa, personas.capturista)
    with pytest.raises(IntegrityError), transaction.atomic():
        SolicitudReapertura.objects.filter(pk=solicitud.pk).update(estado=Estado.APROBADA)
    with pytest.raises(IntegrityError), transaction.atomic():
        SolicitudReapertura.objects.filter(pk=solicitud.pk).update(
            estado=Estado.RECHAZADA, decidida_por_nombre="X", decidida_en=timezone.now()
        )  # a rejection without comment


def test_a_decided_request_cannot_be_decided_again(poa, personas, autorizado):
    solicitud = solicitar(poa, personas.capturista)
    reapertura_rechazar(solicitud=solicitud, usuario=personas.planeacion, comentario="No")
    with pytest.raises(FirmaRepetida, match="ya fue rechazada"):
        reapertura_aprobar(solicitud=solicitud, usuario=personas.planeacion)
    assert firma_de(poa).estado == EstadoFirma.AUTORIZADO


@pytest.mark.parametrize(
    "persona", ["capturista", "responsable_unidad", "responsable_programa", "responsable_ramo"]
)
def test_every_signer_and_the_capturista_may_ask(poa, personas, autorizado, persona):
    assert solicitar(poa, getattr(personas, persona)).solicitante == getattr(personas, persona)


@pytest.mark.parametrize(
    ("persona", "mensaje"),
    [
        ("consulta", "Solo los firmantes del reporte y los capturistas"),
        ("planeacion", "Planeación no necesita solicitarla"),
        ("ajeno", "no está en su ámbito"),
    ],
)
def test_who_may_not_ask(poa, personas, autorizado, persona, mensaje):
    with pytest.raises(FirmaNoPermitida, match=mensaje):
        solicitar(poa, getattr(personas, persona))
    assert not SolicitudReapertura.objects.exists()


@pytest.mark.parametrize("persona", ["capturista", "responsable_ramo", "consulta"])
def test_only_planeacion_decides(poa, personas, autorizado, persona):
    solicitud = solicitar(poa, personas.responsable_unidad)
    with pytest.raises(FirmaNoPermitida, match="Solo Planeación"):
        reapertura_aprobar(solicitud=solicitud, usuario=getattr(personas, persona))
    with pytest.raises(FirmaNoPermitida, match="Solo Planeación"):
        reapertura_rechazar(solicitud=solicitud, usuario=getattr(personas, persona), comentario="x")
    assert firma_de(poa).estado == EstadoFirma.AUTORIZADO
    assert SolicitudReapertura.objects.get().estado == Estado.PENDIENTE


def test_only_an_authorized_quarter_can_be_asked_to_reopen(poa, personas):
    llevar_a(EstadoFirma.REVISADO, poa, personas)
    with pytest.raises(
        FirmaRechazada, match="Solo se puede solicitar la reapertura de un trimestre"
    ):
        solicitar(poa, personas.capturista)
    with pytest.raises(FirmaRechazada, match="«Borrador»"):
        solicitar(poa, personas.capturista, trimestre=2)  # no sign-off row at all
    assert not SolicitudReapertura.objects.exists()


@pytest.mark.parametrize(
    ("motivo", "mensaje"),
    [
        ("", "Escriba el motivo"),
        (" \n\t ", "Escriba el motivo"),
        ("Cifra\x00mal", "caracteres no válidos"),
        ("x" * 1001, "como máximo 1,000 caracteres"),
    ],
)
def test_bad_reasons_are_refused(poa, personas, autorizado, motivo, mensaje):
    with pytest.raises(FirmaRechazada, match=mensaje):
        solicitar(poa, personas.capturista, motivo=motivo)
    assert not SolicitudReapertura.objects.exists()


def test_bad_decision_comments_are_refused(poa, personas, autorizado):
    solicitud = solicitar(poa, personas.capturista)
    with pytest.raises(FirmaRechazada, match="caracteres no válidos"):
        reapertura_aprobar(solicitud=solicitud, usuario=personas.planeacion, comentario="a\x00")
    with pytest.raises(FirmaRechazada, match="como máximo 500"):
        reapertura_rechazar(solicitud=solicitud, usuario=personas.planeacion, comentario="a" * 501)
    assert firma_de(poa).estado == EstadoFirma.AUTORIZADO
    assert SolicitudReapertura.objects.get().estado == Estado.PENDIENTE


def test_the_longest_reason_and_comment_still_fit_the_audit_row(poa, personas, autorizado):
    solicitud = solicitar(poa, personas.capturista, motivo="m" * 1000)
    reapertura_aprobar(solicitud=solicitud, usuario=personas.planeacion, comentario="c" * 500)
    assert firma_de(poa).estado == EstadoFirma.BORRADOR


def test_approval_of_a_quarter_reopened_meanwhile_is_refused(poa, personas, autorizado):
    from avances.firma import trimestre_reabrir

    solicitud = solicitar(poa, personas.capturista)
    trimestre_reabrir(**reporte(poa), usuario=personas.planeacion, motivo="Directo")
    with pytest.raises(FirmaRechazada, match="ya no está autorizado"):
        reapertura_aprobar(solicitud=solicitud, usuario=personas.planeacion)
    assert EventoFirma.objects.filter(accion="REABRIR").count() == 1


# --- Lock messages -------------------------------------------------------------------------


def test_lock_message_names_why_and_by_whom(poa, personas, autorizado):
    with pytest.raises(TrimestreBloqueado) as exc:
        exigir_meses_abiertos(meta=poa.metas_a1[0], meses=[3], accion="capturar el avance")
    assert exc.value.mensaje == (
        "La meta 100 tiene T1 autorizado: no se puede capturar el avance (marzo). "
        "El trimestre 1 del programa 511 en la unidad 54101 está autorizado desde el "
        "12/04/2022 por Ana Haro: la captura concluyó. Para corregir, solicite la reapertura."
    )


def test_lock_message_without_a_recorded_authorization_still_says_why(poa, personas):
    TrimestreFirma.objects.create(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=2, estado=EstadoFirma.AUTORIZADO
    )
    with pytest.raises(CapturaRechazada) as exc:
        avance_capturar(meta=poa.metas_a1[0], mes=4, realizado=Decimal("1"), version_esperada=0)
    assert exc.value.errores[(poa.metas_a1[0].pk, 4)].endswith(
        "El trimestre 2 está autorizado: la captura concluyó. "
        "Para corregir, solicite la reapertura."
    )


def test_closed_month_message_says_planeacion_closed_it(poa, personas):
    Periodo.objects.create(ejercicio=poa.ramo_a.ejercicio, mes=2, abierto=False)
    with pytest.raises(CapturaRechazada) as exc:
        avance_capturar(meta=poa.metas_a1[0], mes=2, realizado=Decimal("1"), version_esperada=0)
    assert exc.value.errores[(poa.metas_a1[0].pk, 2)].startswith(
        "El mes de febrero está cerrado por Planeación (periodo cerrado)"
    )


def test_grid_banner_names_who_authorized_and_when(client, poa, personas, autorizado):
    client.force_login(personas.capturista)
    html = client.get(reverse("avances:captura", args=[poa.unidad_a1.pk, 1])).content.decode()
    assert "Trimestre autorizado: solo lectura" in html
    assert "está autorizado desde el 12/04/2022 por Ana Haro: la captura concluyó" in html


# --- Web -----------------------------------------------------------------------------------


def panel_url(poa, trimestre=1):
    return reverse("firmas:panel", args=[poa.programa_a.pk, poa.unidad_a1.pk, trimestre])


def solicitar_url(poa, trimestre=1):
    return reverse(
        "firmas:reapertura_solicitar", args=[poa.programa_a.pk, poa.unidad_a1.pk, trimestre]
    )


def seccion(html: str) -> str:
    inicio = html.index('id="reapertura"')
    return re.sub(r"\s+", " ", html[inicio : html.index("</section>", inicio)])


def test_panel_offers_the_request_form_on_an_authorized_quarter(client, poa, personas, autorizado):
    client.force_login(personas.capturista)
    html = seccion(client.get(panel_url(poa)).content.decode())
    assert "por Ana Haro: la captura concluyó" in html
    assert 'id="solicitar-reapertura"' in html and "Aprobar" not in html


def test_panel_without_authorization_or_requests_has_no_section(client, poa, personas):
    client.force_login(personas.capturista)
    assert 'id="reapertura"' not in client.get(panel_url(poa)).content.decode()


def test_full_cycle_through_the_web(
    client, poa, personas, autorizado, django_capture_on_commit_callbacks
):
    client.force_login(personas.responsable_unidad)
    with django_capture_on_commit_callbacks(execute=True):
        respuesta = client.post(solicitar_url(poa), {"motivo": MOTIVO})
    assert respuesta.status_code == 302 and respuesta["Location"].endswith("#reapertura")
    html = seccion(client.get(panel_url(poa)).content.decode())
    assert "Solicitud pendiente" in html and MOTIVO in html
    assert 'id="solicitar-reapertura"' not in html and "Aprobar" not in html

    client.force_login(personas.planeacion)
    lista = client.get(reverse("firmas:reaperturas")).content.decode()
    assert MOTIVO in lista and "511/54101" in lista
    html = seccion(client.get(panel_url(poa)).content.decode())
    assert "Aprobar y reabrir" in html and "Rechazar" in html
    solicitud = SolicitudReapertura.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        respuesta = client.post(
            reverse("firmas:reapertura_aprobar", args=[solicitud.pk]),
            {"comentario": "Adelante", "desde": "lista"},
        )
    assert respuesta["Location"] == reverse("firmas:reaperturas")
    assert firma_de(poa).estado == EstadoFirma.BORRADOR
    html = seccion(client.get(panel_url(poa)).content.decode())
    nombre = personas.planeacion.get_full_name()
    assert "Aprobada" in html and f"aprobó <strong>{nombre}</strong>" in html
    assert "Comentario de Planeación: Adelante" in html
    assert any(m.subject.startswith("[POA] Reapertura aprobada") for m in mail.outbox)


def test_rejection_without_comment_through_the_web_changes_nothing(
    client, poa, personas, autorizado
):
    solicitud = solicitar(poa, personas.capturista)
    client.force_login(personas.planeacion)
    respuesta = client.post(
        reverse("firmas:reapertura_rechazar", args=[solicitud.pk]), {"comentario": ""}, follow=True
    )
    assert "escriba un comentario con el motivo" in respuesta.content.decode()
    assert SolicitudReapertura.objects.get().estado == Estado.PENDIENTE


def test_duplicate_request_through_the_web_is_refused_with_a_message(
    client, poa, personas, autorizado
):
    solicitar(poa, personas.capturista)
    client.force_login(personas.responsable_programa)
    respuesta = client.post(solicitar_url(poa), {"motivo": "Otra"}, follow=True)
    assert "Ya hay una solicitud de reapertura pendiente" in respuesta.content.decode()
    assert SolicitudReapertura.objects.count() == 1


def test_out_of_scope_is_404_and_wrong_role_403(client, poa, personas, autorizado):
    solicitud = solicitar(poa, personas.capturista)
    client.force_login(personas.ajeno)
    assert client.post(solicitar_url(poa), {"motivo": MOTIVO}).status_code == 404
    aprobar = reverse("firmas:reapertura_aprobar", args=[solicitud.pk])
    assert client.post(aprobar).status_code == 404
    client.force_login(personas.consulta)
    assert client.post(solicitar_url(poa), {"motivo": MOTIVO}).status_code == 403
    client.force_login(personas.responsable_ramo)
    assert client.post(aprobar).status_code == 403
    assert client.get(reverse("firmas:reaperturas")).status_code == 403
    assert firma_de(poa).estado == EstadoFirma.AUTORIZADO
    assert SolicitudReapertura.objects.get().estado == Estado.PENDIENTE


def test_planeacion_list_query_count_does_not_grow_with_requests(
    client, poa, personas, django_assert_max_num_queries
):
    for unidad in (poa.unidad_a1, poa.unidad_a2):
        firma = TrimestreFirma.objects.create(
            programa=poa.programa_a, unidad=unidad, trimestre=1, estado=EstadoFirma.AUTORIZADO
        )
        SolicitudReapertura.objects.create(firma=firma, solicitante_nombre="A", motivo="M")
    client.force_login(personas.planeacion)
    client.get(reverse("firmas:reaperturas"))  # warm the session
    with django_assert_max_num_queries(8):
        html = client.get(reverse("firmas:reaperturas")).content.decode()
    assert "511/54101" in html and "511/54102" in html
