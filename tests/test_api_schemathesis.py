"""Property tests of the read API against its own OpenAPI schema (schemathesis, issue 15).

The schema is loaded from the WSGI application (no server). Every operation gets up to 20
generated requests: none may answer 5xx, and every documented response must match the
schema (status, content type, body). Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from tests.test_publico import publicado  # noqa: F401  (the authorized A1 T1 scenario)
from tests.test_publico_indicadores import indicadores  # noqa: F401  (MIR indicators of it)


def _cargar_esquema():
    from poa_site.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


# Loaded at collection from the WSGI app itself (the schema view reads no table). The
# lazy `schemathesis.pytest.from_fixture` does not work with pytest 9 (it reads the private
# `Function._nodeid`), so the data comes from the autouse fixture below instead.
schema = _cargar_esquema()


@pytest.fixture(autouse=True)
def _datos_publicados(indicadores, publicado, settings):  # noqa: F811  (indicators first)
    from django.core.cache import cache

    settings.POA_API_TASA_ANONIMA = "100000/min"  # the property test is not a flood
    cache.clear()
    # Schemathesis calls the WSGI app directly: like Django's test client, keep the request
    # signals from closing the test's connection (PostgreSQL runs each test in a transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_api_operation_answers_without_5xx_and_matches_its_schema(case):
    respuesta = case.call_and_validate(checks=CHECKS)
    assert respuesta.status_code < 500
