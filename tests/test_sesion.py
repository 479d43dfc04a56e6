"""Sliding session expiry without a session write on every request (issue 16, load)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _escrituras_de_sesion(consultas) -> int:
    return sum(
        1
        for q in consultas.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def _expira(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_second_request_soon_after_does_not_write_the_session(client, personas):
    client.force_login(personas.capturista)
    client.get(reverse("avances:inicio"))  # the first request renews it
    with CaptureQueriesContext(connection) as consultas:
        assert client.get(reverse("avances:inicio")).status_code == 200
    assert _escrituras_de_sesion(consultas) == 0


def test_an_active_user_session_is_renewed_after_the_interval(client, personas):
    client.force_login(personas.capturista)
    client.get(reverse("avances:inicio"))
    antes = _expira(client)
    # The last renewal is older than the interval: the next request moves the expiry ahead.
    sesion = client.session
    sesion["_poa_renovada"] -= 301
    sesion.save()
    Session.objects.filter(session_key=sesion.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=10)
    )
    with CaptureQueriesContext(connection) as consultas:
        client.get(reverse("avances:inicio"))
    assert _escrituras_de_sesion(consultas) == 1
    assert _expira(client) >= antes


@override_settings(POA_SESION_RENOVAR_SEGUNDOS=0)
def test_with_interval_zero_every_request_renews(client, personas):
    client.force_login(personas.capturista)
    for _ in range(2):
        with CaptureQueriesContext(connection) as consultas:
            client.get(reverse("avances:inicio"))
        assert _escrituras_de_sesion(consultas) == 1


def test_an_expired_session_logs_the_user_out(client, personas):
    client.force_login(personas.capturista)
    client.get(reverse("avances:inicio"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    respuesta = client.get(reverse("avances:inicio"))
    assert respuesta.status_code == 302 and reverse("login") in respuesta["Location"]


def test_anonymous_requests_create_no_session(client):
    with CaptureQueriesContext(connection) as consultas:
        client.get(reverse("login"))
    assert _escrituras_de_sesion(consultas) == 0
