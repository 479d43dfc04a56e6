"""Constant queries, signed-PDF cache, parallel sections and the Celery path with real Redis."""

import os
import socket
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avances.models import EventoFirma, TrimestreFirma
from programas.models import Meta
from reportes import pdf as modulo_pdf
from reportes.formatos import EXPORTADORES, Parametros, ruta_firmado
from reportes.selectors import reporte_datos
from tests.apoyo_reportes import paginas_pdf, poa_sintetico, texto_pdf


def _consultas(anio):
    with CaptureQueriesContext(connection) as capturadas:
        datos = reporte_datos(anio=anio, trimestre=2)
    return len(capturadas), datos


@pytest.mark.django_db
def test_query_count_does_not_grow_with_metas(django_assert_max_num_queries):
    poa_sintetico(anio=2031, ramos=1, unidades_por_ramo=1, metas_por_unidad=3)
    poa_sintetico(anio=2032, ramos=6, unidades_por_ramo=5, metas_por_unidad=10)  # 300 metas
    pocas, _ = _consultas(2031)
    muchas, datos = _consultas(2032)
    assert sum(len(s.filas) for s in datos.secciones) == 300
    assert muchas == pocas
    with django_assert_max_num_queries(pocas):
        EXPORTADORES["poa-trimestral"].render(Parametros(anio=2032, trimestre=2, formato="xlsx"))


def _autorizar(programa, unidad, trimestre, *, huella="a" * 64):
    firma = TrimestreFirma.objects.create(
        programa=programa,
        unidad=unidad,
        trimestre=trimestre,
        estado=TrimestreFirma.Estado.AUTORIZADO,
        snapshot={"metas": []},
        snapshot_hash=huella,
        codigo_verificacion="ABCD-2345",
    )
    fecha = datetime(2022, 4, 8, 10, 30, tzinfo=ZoneInfo("America/Mexico_City"))
    for accion, nombre, cargo in (
        (EventoFirma.Accion.ENVIAR, "ANA ELABORA", "JEFA DE UNIDAD"),
        (EventoFirma.Accion.REVISAR, "BETO REVISA", "SUBDIRECTOR"),
        (EventoFirma.Accion.AUTORIZAR, "CARLA AUTORIZA", "DIRECTORA"),
    ):
        evento = EventoFirma.objects.create(
            firma=firma,
            accion=accion,
            estado_anterior="BORRADOR",
            estado_nuevo="AUTORIZADO",
            nombre=nombre,
            cargo=cargo,
        )
        EventoFirma.objects.filter(pk=evento.pk).update(fecha=fecha)
    return firma


@pytest.mark.django_db
def test_signed_quarter_shows_signers_and_its_pdf_is_cached(poa, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _autorizar(poa.programa_a, poa.unidad_a1, 1)
    params = Parametros(anio=2022, trimestre=1, formato="pdf", unidad_id=poa.unidad_a1.pk)
    _, _, primero = EXPORTADORES["tmm-f004"].render(params)
    texto = texto_pdf(primero)
    assert "ANA ELABORA" in texto and "CARLA AUTORIZA" in texto and "DIRECTORA" in texto
    assert "Firmado el 08/04/2022 10:30" in texto and "ABCD-2345" in texto
    datos = reporte_datos(anio=2022, trimestre=1, unidad_id=poa.unidad_a1.pk)
    assert ruta_firmado("tmm-f004", datos.huella_firmada()).is_file()

    def prohibido(*args, **kwargs):
        raise AssertionError("un PDF firmado no se vuelve a componer")

    monkeypatch.setattr(modulo_pdf, "pdf_de_html", prohibido)
    _, _, segundo = EXPORTADORES["tmm-f004"].render(params)
    assert segundo == primero
    # An unsigned unidad renders as usual (and shows the responsables on record, no date).
    monkeypatch.undo()
    otro = Parametros(anio=2022, trimestre=1, formato="pdf", unidad_id=poa.unidad_a2.pk)
    texto = texto_pdf(EXPORTADORES["tmm-f004"].render(otro)[2])
    assert "RESPONSABLE DE LA UNIDAD" in texto and "Firmado el" not in texto


@pytest.mark.django_db
def test_parallel_sections_join_into_one_pdf():
    poa_sintetico(anio=2033, ramos=3, unidades_por_ramo=3, metas_por_unidad=2)
    avances = []
    _, _, contenido = EXPORTADORES["tmm-f004"].render(
        Parametros(anio=2033, trimestre=2, formato="pdf", workers=2),
        progreso=lambda hechas, total: avances.append((hechas, total)),
    )
    assert paginas_pdf(contenido) == 1 + 9  # the table of contents, then the sections
    assert avances[-1] == (9, 9) and len(avances) == 9
    texto = texto_pdf(contenido)
    assert texto.count("AVANCE FÍSICO PROGRAMÁTICO") == 9 and "Unidad 3 del ramo 03" in texto
    assert Meta.objects.filter(unidad__ramo__ejercicio__anio=2033).count() == 18


def _redis_responde(host="127.0.0.1", puerto=6379) -> bool:
    try:
        with socket.create_connection((host, puerto), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_report_job_runs_on_real_redis_broker(poa, personas, settings, tmp_path):
    if not _redis_responde():
        if os.environ.get("POA_REQUIRE_REDIS") == "1":  # .ci/run: never skipped in CI
            pytest.fail("POA_REQUIRE_REDIS=1 pero Redis no responde en 127.0.0.1:6379")
        pytest.skip("Redis no responde en 127.0.0.1:6379: se omite la prueba con broker real")
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    from reportes.models import TrabajoReporte

    settings.MEDIA_ROOT = tmp_path
    url = "redis://127.0.0.1:6379/15"
    # A fresh app bound to the real broker: the site's app may already hold an eager-mode
    # producer from earlier tests in this process. Shared tasks register on every app.
    app = Celery("prueba_redis", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=url, result_backend=None, task_always_eager=False, broker_connection_retry=False
    )
    app.loader.import_module("reportes.tasks")
    app.finalize()
    assert "reportes.generar_reporte" in app.tasks
    app.control.purge()  # messages left by an interrupted earlier run
    trabajo = TrabajoReporte.objects.create(
        usuario=personas.capturista,
        reporte="tmm-f004",
        parametros={"ejercicio": 2022, "trimestre": 1, "tipo": "xlsx", "unidad": poa.unidad_a1.pk},
    )
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        app.send_task("reportes.generar_reporte", args=[trabajo.pk])
        # Progress lives in the database (what the web UI polls), not in a result backend.
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            trabajo.refresh_from_db()
            if trabajo.estado in ("TERMINADO", "ERROR"):
                break
            time.sleep(0.2)
    assert trabajo.estado == "TERMINADO" and (tmp_path / trabajo.archivo).is_file()
