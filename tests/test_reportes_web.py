"""Reportes page and downloads: only in-scope choices, 404 outside, jobs with progress."""

import pytest
from django.urls import reverse

from reportes.models import TrabajoReporte
from reportes.templatetags.reportes_tags import url_descarga_de
from tests.apoyo_reportes import libro, texto_pdf

pytestmark = pytest.mark.django_db


def _generar(cliente, **params):
    base = {"reporte": "tmm-f004", "ejercicio": 2022, "trimestre": 1}
    return cliente.post(reverse("reportes:generar"), {**base, **params})


def _descarga(cliente, **params):
    base = {"reporte": "tmm-f004", "tipo": "xlsx", "ejercicio": 2022, "trimestre": 1}
    return cliente.get(reverse("reportes:descargar"), {**base, **params})


def test_capturista_downloads_own_unidad_report(client, poa, personas):
    client.force_login(personas.capturista)
    respuesta = _descarga(client, unidad=poa.unidad_a1.pk)
    assert respuesta.status_code == 200
    assert "attachment" in respuesta["Content-Disposition"]
    wb = libro(respuesta.content)
    assert wb.sheetnames == [poa.unidad_a1.clave]


def test_capturista_cannot_download_other_unidad_report(client, poa, personas):
    client.force_login(personas.capturista)
    assert _descarga(client, unidad=poa.unidad_b1.pk).status_code == 404
    assert _descarga(client, ramo=poa.ramo_b.pk).status_code == 404
    assert _descarga(client, programa=poa.programa_b.pk).status_code == 404


def test_capturista_ramo_report_only_holds_own_metas(client, poa, personas):
    client.force_login(personas.capturista)
    respuesta = _descarga(client, ramo=poa.ramo_a.pk)
    assert respuesta.status_code == 200
    assert libro(respuesta.content).sheetnames == [poa.unidad_a1.clave]


def test_planeacion_gets_the_whole_ramo_and_the_consolidated(client, poa, personas):
    client.force_login(personas.planeacion)
    wb = libro(_descarga(client, ramo=poa.ramo_a.pk).content)
    assert wb.sheetnames == ["Índice", poa.unidad_a1.clave, poa.unidad_a2.clave]
    wb = libro(_descarga(client).content)
    assert len(wb.sheetnames) == 1 + 3  # the index sheet first


def test_bad_filters_show_a_message_not_an_error(client, poa, personas):
    client.force_login(personas.planeacion)
    respuesta = _descarga(client, trimestre=7)
    assert respuesta.status_code == 302
    pagina = client.get(respuesta["Location"])
    assert "Revise los filtros del reporte" in pagina.content.decode()


def test_reportes_page_offers_only_in_scope_choices(client, poa, personas):
    client.force_login(personas.capturista)
    html = client.get(reverse("reportes:index")).content.decode()
    assert poa.unidad_a1.nombre in html
    assert poa.unidad_a2.nombre not in html
    assert poa.unidad_b1.nombre not in html and poa.ramo_b.nombre not in html
    assert "consolidado del ejercicio" not in html
    for exportador in ("tmm-f004", "poa-trimestral", "cronograma"):
        assert f'value="{exportador}"' in html
    client.force_login(personas.planeacion)
    html = client.get(reverse("reportes:index")).content.decode()
    assert poa.unidad_b1.nombre in html and "consolidado del ejercicio" in html


def test_pdf_download_link_helper(client, poa, personas):
    client.force_login(personas.responsable_unidad)
    url = url_descarga_de(
        "tmm-f004", "pdf", ejercicio=2022, trimestre=2, programa=poa.programa_a.pk,
        unidad=poa.unidad_a1.pk,
    )  # fmt: skip
    respuesta = client.get(url)
    assert respuesta.status_code == 200 and respuesta["Content-Type"] == "application/pdf"
    assert "AVANCE FÍSICO PROGRAMÁTICO" in texto_pdf(respuesta.content)


def test_background_job_renders_with_progress_and_rechecks_scope(
    client, poa, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas.planeacion)
    with django_capture_on_commit_callbacks(execute=True):  # queued once the row is committed
        respuesta = _generar(client, tipo="pdf", ramo=poa.ramo_a.pk)
    trabajo = TrabajoReporte.objects.get()
    assert respuesta["Location"] == reverse("reportes:trabajo", args=[trabajo.pk])
    estado = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
    assert estado["estado"] == "TERMINADO" and estado["porcentaje"] == 100
    assert estado["hechas"] == estado["total"] == 2
    archivo = client.get(estado["descarga"])
    assert b"".join(archivo.streaming_content)[:4] == b"%PDF"
    pagina = client.get(reverse("reportes:trabajo", args=[trabajo.pk])).content.decode()
    assert "progressbar" in pagina and "Listo" in pagina
    # Another user cannot see the job.
    client.force_login(personas.capturista)
    assert client.get(reverse("reportes:trabajo", args=[trabajo.pk])).status_code == 404


def test_job_fails_cleanly_when_scope_was_lost(poa, personas):
    from programas.models import Asignacion
    from reportes.tasks import generar_reporte

    trabajo = TrabajoReporte.objects.create(
        usuario=personas.capturista,
        reporte="tmm-f004",
        parametros={"ejercicio": 2022, "trimestre": 1, "tipo": "pdf", "unidad": poa.unidad_a1.pk},
    )
    Asignacion.objects.filter(usuario=personas.capturista).delete()
    assert generar_reporte(trabajo.pk) == "ERROR"
    trabajo.refresh_from_db()
    assert trabajo.mensaje == "El reporte ya no está en su ámbito." and not trabajo.archivo


@pytest.mark.django_db(transaction=True)
def test_without_broker_the_job_runs_in_a_local_thread_and_the_page_answers_at_once(
    client, poa, personas, settings, monkeypatch, tmp_path
):
    import threading

    from reportes import tasks

    settings.POA_TAREAS_EN_HILO = True
    settings.MEDIA_ROOT = tmp_path
    soltar = threading.Event()
    original = tasks.generar_reporte.apply

    def retenido(*args, **kwargs):
        assert soltar.wait(30)  # the job waits until the test has seen the request return
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.generar_reporte, "apply", retenido)
    client.force_login(personas.planeacion)
    respuesta = _generar(client, tipo="xlsx", ramo=poa.ramo_a.pk)
    trabajo = TrabajoReporte.objects.get()
    assert respuesta.status_code == 302
    estado = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
    assert estado["estado"] == "PENDIENTE" and estado["etiqueta"] == "En cola"
    hilo = next(h for h in threading.enumerate() if h.name == f"reporte-{trabajo.pk}")
    soltar.set()
    hilo.join(60)
    estado = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
    assert estado["estado"] == "TERMINADO" and estado["descarga"]
    assert estado["nombre_archivo"].startswith("TMM-F004_2022_T1") and estado[
        "nombre_archivo"
    ].endswith(".xlsx")


def test_a_job_left_running_shows_as_interrupted(client, poa, personas, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.POA_TRABAJO_MINUTOS_MAXIMOS = 30
    trabajo = TrabajoReporte.objects.create(
        usuario=personas.planeacion,
        reporte="tmm-f004",
        parametros={"ejercicio": 2022, "trimestre": 1, "tipo": "pdf"},
        estado=TrabajoReporte.Estado.EN_PROCESO,
        hechas=3,
        total=10,
    )
    client.force_login(personas.planeacion)
    estado = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
    assert estado["estado"] == "EN_PROCESO" and estado["etiqueta"] == "Generando"
    # static/js/trabajo.js polls only while the page says the job is running.
    assert (
        'data-en-curso="1"'
        in client.get(reverse("reportes:trabajo", args=[trabajo.pk])).content.decode()
    )
    TrabajoReporte.objects.filter(pk=trabajo.pk).update(
        creado=timezone.now() - timedelta(minutes=31)
    )
    estado = client.get(reverse("reportes:trabajo_estado", args=[trabajo.pk])).json()
    assert estado["estado"] == "INTERRUMPIDO" and estado["etiqueta"] == "Interrumpido"
    assert "Vuelva a solicitarlo" in estado["mensaje"]
    pagina = client.get(reverse("reportes:trabajo", args=[trabajo.pk])).content.decode()
    assert "Interrumpido" in pagina and "Vuelva a solicitarlo" in pagina
    assert 'data-en-curso="0"' in pagina  # the page stops polling
    assert "Interrumpido" in client.get(reverse("reportes:index")).content.decode()
