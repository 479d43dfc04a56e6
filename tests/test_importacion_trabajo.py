"""Large workbooks as background jobs (issue 16): upload → job → progress → preview → confirm.

In tests the tasks run eagerly inside the `on_commit` callbacks of the request
(settings_test: CELERY_TASK_ALWAYS_EAGER, POA_TAREAS_EN_HILO=False); the last test runs a real
Celery worker on Redis (PostgreSQL pass only).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as ajustes
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plantilla import tasks, trabajos
from plantilla.models import MENSAJE_INTERRUMPIDO, TrabajoImportacion
from programas.models import Ejercicio, Meta, Programado
from tests.fixtures_demo import COLUMNAS_METAS, FIXTURES, fila_meta, libro_xlsx

Etapa = TrabajoImportacion.Etapa
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANIO = 2031  # a new ejercicio: created when the job is applied
RAIZ = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def media_aislada(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def libro_grande(metas: int) -> bytes:
    """A plantilla with `metas` metas in 5 unidades (write-only: fast even for thousands)."""
    libro = openpyxl.Workbook(write_only=True)
    hoja = libro.create_sheet("metas")
    hoja.append(COLUMNAS_METAS)
    for n in range(metas):
        fila = fila_meta(str(n + 1), unidad=f"5410{n % 5 + 1}")
        hoja.append([fila.get(c) for c in COLUMNAS_METAS])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def subir(client, contenido: bytes, capturar, nombre="poa.xlsx", anio=ANIO):
    archivo = SimpleUploadedFile(nombre, contenido, content_type=XLSX)
    with capturar(execute=True):
        return client.post(reverse("importacion:subir"), {"archivo": archivo, "ejercicio": anio})


def metas_de(anio: int):
    return Meta.objects.filter(unidad__ramo__ejercicio__anio=anio)


def test_libro_grande_trabajo_progreso_previa_confirmar_y_datos_aplicados(
    client, personas, django_capture_on_commit_callbacks, monkeypatch
):
    assert ajustes.POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO == 2000
    leidas, guardadas = [], []
    analizar = trabajos.analizar_trabajo
    escribir = trabajos.escribir_progreso

    def analizar_espiado(trabajo, progreso=None):
        def anotar(filas):
            leidas.append(filas)
            progreso(filas)

        return analizar(trabajo, anotar if progreso else None)

    def escribir_espiado(trabajo_id, fase, hechas, total):
        guardadas.append((fase, hechas, total))
        escribir(trabajo_id, fase, hechas, total)

    monkeypatch.setattr(trabajos, "analizar_trabajo", analizar_espiado)
    monkeypatch.setattr(trabajos, "escribir_progreso", escribir_espiado)
    client.force_login(personas.planeacion)
    inicio = time.monotonic()
    respuesta = subir(client, libro_grande(2050), django_capture_on_commit_callbacks)
    assert respuesta.status_code == 302
    trabajo = TrabajoImportacion.objects.get()
    assert respuesta.url == reverse("importacion:trabajo", args=[trabajo.pk])
    assert trabajo.total == 2051  # header + 2,050 metas: rows with real cells
    assert trabajo.usuario == personas.planeacion and trabajo.anio == ANIO
    assert trabajo.etapa == Etapa.PREVIA and time.monotonic() - inicio < 60
    assert leidas == [500, 1000, 1500, 2000]  # rows read, reported as they are read
    assert not metas_de(ANIO).exists() and not Ejercicio.objects.filter(anio=ANIO).exists()
    assert trabajos.ruta_archivo(trabajo).is_file()  # the file is on disk, not in the session
    assert "poa_importaciones" not in client.session

    estado = client.get(reverse("importacion:trabajo_estado", args=[trabajo.pk])).json()
    assert estado["etapa"] == "PREVIA" and estado["porcentaje"] == 100
    assert estado["hechas"] == estado["total"] == 2051
    pagina = client.get(respuesta.url)
    texto = pagina.content.decode()
    assert pagina.status_code == 200 and "Vista previa lista" in texto
    fila = next(f for f in pagina.context["resumen"] if f["tipo"] == "Meta")
    assert fila == {"tipo": "Meta", "creados": 2050, "cambiados": 0, "sin_cambio": 0}
    assert "Se crearían (" in texto and "… y " in texto  # capped list, like the preview
    assert "Confirmar y guardar" in texto and 'http-equiv="refresh"' not in texto

    with django_capture_on_commit_callbacks(execute=True):
        confirmado = client.post(reverse("importacion:trabajo_confirmar", args=[trabajo.pk]))
    assert confirmado.status_code == 302
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.TERMINADO and trabajo.confirmado and trabajo.terminado
    assert metas_de(ANIO).count() == 2050
    assert Programado.objects.filter(meta__unidad__ramo__ejercicio__anio=ANIO).count() == 2050 * 12
    assert Meta.history.filter(unidad__ramo__ejercicio__anio=ANIO).first().history_user == (
        personas.planeacion
    )
    revisando = [h for f, h, _ in guardadas if f == "revisando"]
    assert revisando == [0, 500, 1000, 1500, 2000]  # the file is read again before writing
    assert [(h, t) for f, h, t in guardadas if f == "guardando"] == [(2000, 2050), (2050, 2050)]
    assert not trabajos.ruta_archivo(trabajo).exists()  # deleted once applied
    final = client.get(reverse("importacion:trabajo", args=[trabajo.pk])).content.decode()
    assert f"Se cargó «poa.xlsx» en el ejercicio {ANIO}: " in final and "Terminado" in final
    # Idempotent: a second delivery of either task writes nothing.
    assert tasks.tarea_aplicar(trabajo.pk) == Etapa.TERMINADO
    assert tasks.tarea_analizar(trabajo.pk) == Etapa.TERMINADO
    assert metas_de(ANIO).count() == 2050


def test_el_libro_pequeno_sigue_inmediato(client, personas):
    client.force_login(personas.planeacion)
    contenido = (FIXTURES / "bisom_2022.xlsx").read_bytes()
    archivo = SimpleUploadedFile("bisom.xlsx", contenido, content_type=XLSX)
    respuesta = client.post(reverse("importacion:subir"), {"archivo": archivo, "ejercicio": 2023})
    assert respuesta.status_code == 302 and "/previa/" in respuesta.url
    assert not TrabajoImportacion.objects.exists()


def test_umbral_por_bytes(client, personas, settings, django_capture_on_commit_callbacks):
    settings.POA_IMPORTACION_BYTES_EN_SEGUNDO_PLANO = 1000
    client.force_login(personas.planeacion)
    respuesta = subir(client, libro_xlsx({"metas": [fila_meta("1")]}),
                      django_capture_on_commit_callbacks)  # fmt: skip
    assert "/trabajos/" in respuesta.url
    assert TrabajoImportacion.objects.get().etapa == Etapa.PREVIA


@pytest.fixture
def umbral_bajo(settings):
    settings.POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO = 2


def test_error_a_mitad_de_aplicar_no_escribe_nada_y_se_puede_reintentar(
    client, personas, umbral_bajo, django_capture_on_commit_callbacks, monkeypatch
):
    from plantilla.importacion import aplicar

    client.force_login(personas.planeacion)
    contenido = libro_xlsx({"metas": [fila_meta(str(i)) for i in range(1, 6)],
                            "avances": [["54", "54101", "1", 1, 1, ""]]})  # fmt: skip
    subir(client, contenido, django_capture_on_commit_callbacks)
    trabajo = TrabajoImportacion.objects.get()
    assert trabajo.etapa == Etapa.PREVIA
    historia = Meta.history.count()

    def falla(self):  # the metas are already written in the transaction when this runs
        assert Meta.objects.filter(unidad__ramo__ejercicio__anio=ANIO).count() == 5
        raise RuntimeError("falla simulada a mitad de aplicar")

    monkeypatch.setattr(aplicar._Aplicador, "_avances", falla)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importacion:trabajo_confirmar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.ERROR and trabajo.mensaje == tasks.MENSAJE_FALLA
    assert "no se escribió nada" in trabajo.mensaje
    assert not metas_de(ANIO).exists() and not Ejercicio.objects.filter(anio=ANIO).exists()
    assert Meta.history.count() == historia  # no history rows either
    pagina = client.get(reverse("importacion:trabajo", args=[trabajo.pk])).content.decode()
    assert "Con error" in pagina and "no se escribió nada" in pagina
    assert "Intentar de nuevo" in pagina

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importacion:trabajo_reintentar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.TERMINADO  # it was confirmed: the retry applies it
    assert metas_de(ANIO).count() == 5


def test_si_los_datos_cambian_despues_de_la_previa_no_se_escribe_y_vuelve_a_la_previa(
    client, poa, personas, umbral_bajo, django_capture_on_commit_callbacks
):
    client.force_login(personas.planeacion)
    meta = poa.metas_a1[0]
    programado = [1] * 12
    filas = [fila_meta(meta.clave, programado=programado, descripcion="Otra descripción")]
    filas += [fila_meta(str(900 + i)) for i in range(3)]
    subir(client, libro_xlsx({"metas": filas}), django_capture_on_commit_callbacks, anio=2022)
    trabajo = TrabajoImportacion.objects.get()
    assert trabajo.etapa == Etapa.PREVIA and not trabajo.resumen["errores_total"]
    # Someone else changes the meta after the preview was shown.
    Meta.objects.filter(pk=meta.pk).update(descripcion="Cambiada por otra persona")
    antes = Meta.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importacion:trabajo_confirmar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.PREVIA and trabajo.mensaje == tasks.MENSAJE_CAMBIOS
    assert Meta.objects.count() == antes
    assert Meta.objects.get(pk=meta.pk).descripcion == "Cambiada por otra persona"
    pagina = client.get(reverse("importacion:trabajo", args=[trabajo.pk])).content.decode()
    assert "Cambiada por otra persona" in pagina  # the refreshed preview shows the new value
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importacion:trabajo_confirmar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.TERMINADO
    assert Meta.objects.get(pk=meta.pk).descripcion == "Otra descripción"


def test_un_libro_con_errores_no_se_puede_confirmar(
    client, personas, umbral_bajo, django_capture_on_commit_callbacks
):
    client.force_login(personas.planeacion)
    contenido = libro_xlsx({"metas": [fila_meta("1", meta_anual=13), fila_meta("2"),
                                      fila_meta("3")]})  # fmt: skip
    subir(client, contenido, django_capture_on_commit_callbacks)
    trabajo = TrabajoImportacion.objects.get()
    pagina = client.get(reverse("importacion:trabajo", args=[trabajo.pk])).content.decode()
    assert "El archivo tiene 1 error: no se guardará nada" in pagina
    assert "suman 12, pero la meta anual es 13" in pagina and "Confirmar y guardar" not in pagina
    respuesta = client.post(reverse("importacion:trabajo_confirmar", args=[trabajo.pk]))
    assert respuesta.status_code == 302
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.PREVIA and not metas_de(ANIO).exists()
    client.post(reverse("importacion:trabajo_cancelar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.CANCELADO and not trabajos.ruta_archivo(trabajo).exists()


def test_trabajo_ajeno_responde_404(
    client, personas, umbral_bajo, django_capture_on_commit_callbacks
):
    from plantilla.demo import crear_usuarios_demo

    client.force_login(personas.planeacion)
    subir(client, libro_grande(3), django_capture_on_commit_callbacks)
    trabajo = TrabajoImportacion.objects.get()
    crear_usuarios_demo()
    from django.contrib.auth import get_user_model

    otro = get_user_model().objects.get(username="tesoreria")  # also Planeación
    client.force_login(otro)
    for nombre in ("trabajo", "trabajo_estado"):
        assert client.get(reverse(f"importacion:{nombre}", args=[trabajo.pk])).status_code == 404
    for nombre in ("trabajo_confirmar", "trabajo_reintentar", "trabajo_cancelar"):
        assert client.post(reverse(f"importacion:{nombre}", args=[trabajo.pk])).status_code == 404
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.PREVIA and not metas_de(ANIO).exists()


def test_los_post_exigen_csrf(personas, umbral_bajo):
    trabajo = TrabajoImportacion.objects.create(
        usuario=personas.planeacion, anio=ANIO, nombre="x.xlsx", etapa=Etapa.PREVIA
    )
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(personas.planeacion)
    for nombre in ("trabajo_confirmar", "trabajo_reintentar", "trabajo_cancelar"):
        url = reverse(f"importacion:{nombre}", args=[trabajo.pk])
        assert cliente.post(url).status_code == 403
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.PREVIA


def test_pagina_en_curso_sin_js_se_refresca_sola(client, personas):
    trabajo = TrabajoImportacion.objects.create(
        usuario=personas.planeacion, anio=ANIO, nombre="x.xlsx", etapa=Etapa.ANALIZANDO,
        hechas=500, total=2000,
    )  # fmt: skip
    client.force_login(personas.planeacion)
    texto = client.get(reverse("importacion:trabajo", args=[trabajo.pk])).content.decode()
    assert 'http-equiv="refresh"' in texto and ">Actualizar</a>" in texto
    assert 'aria-valuenow="25"' in texto and '500</span> de <span id="total">2000' in texto
    assert "filas leídas" in texto


@pytest.mark.parametrize("confirmado", [False, True])
def test_trabajo_colgado_se_ve_interrumpido_y_se_reintenta(
    client, personas, umbral_bajo, settings, django_capture_on_commit_callbacks, confirmado
):
    client.force_login(personas.planeacion)
    subir(client, libro_grande(3), django_capture_on_commit_callbacks)
    trabajo = TrabajoImportacion.objects.get()
    viejo = timezone.now() - timedelta(minutes=settings.POA_TRABAJO_MINUTOS_MAXIMOS + 1)
    etapa = Etapa.APLICANDO if confirmado else Etapa.ANALIZANDO
    TrabajoImportacion.objects.filter(pk=trabajo.pk).update(
        etapa=etapa, actualizado=viejo, confirmado=viejo if confirmado else None
    )
    if confirmado:  # the progress file of the dead apply is as old as its last write
        trabajos.escribir_progreso(trabajo.pk, "guardando", 1, 3)
        ruta = trabajos.carpeta_trabajos() / f"{trabajo.pk}.progreso"
        os.utime(ruta, (viejo.timestamp(), viejo.timestamp()))
    url_estado = reverse("importacion:trabajo_estado", args=[trabajo.pk])
    estado = client.get(url_estado).json()
    assert estado["etapa"] == "INTERRUMPIDO" and estado["etiqueta"] == "Interrumpido"
    assert estado["mensaje"] == MENSAJE_INTERRUMPIDO and not estado["en_curso"]
    pagina = client.get(reverse("importacion:trabajo", args=[trabajo.pk])).content.decode()
    assert "Interrumpido" in pagina and "Intentar de nuevo" in pagina
    assert 'http-equiv="refresh"' not in pagina  # never stuck polling
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importacion:trabajo_reintentar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == (Etapa.TERMINADO if confirmado else Etapa.PREVIA)
    assert metas_de(ANIO).count() == (3 if confirmado else 0)


def test_un_trabajo_reciente_no_esta_interrumpido_ni_se_reintenta(client, personas):
    trabajo = TrabajoImportacion.objects.create(
        usuario=personas.planeacion, anio=ANIO, nombre="x.xlsx", etapa=Etapa.APLICANDO
    )
    client.force_login(personas.planeacion)
    assert client.get(reverse("importacion:trabajo_estado", args=[trabajo.pk])).json()["en_curso"]
    client.post(reverse("importacion:trabajo_reintentar", args=[trabajo.pk]))
    client.post(reverse("importacion:trabajo_cancelar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.APLICANDO


def test_el_permiso_se_revisa_de_nuevo_al_aplicar(
    client, personas, umbral_bajo, django_capture_on_commit_callbacks
):
    from programas.models import Asignacion

    client.force_login(personas.planeacion)
    subir(client, libro_grande(3), django_capture_on_commit_callbacks)
    trabajo = TrabajoImportacion.objects.get()
    Asignacion.objects.filter(usuario=personas.planeacion).delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importacion:trabajo_confirmar", args=[trabajo.pk]))
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.ERROR and "Solo Planeación" in trabajo.mensaje
    assert not metas_de(ANIO).exists()


def test_la_pagina_de_importacion_lista_las_cargas_y_las_vencidas_se_descartan(
    client, personas, umbral_bajo, django_capture_on_commit_callbacks
):
    client.force_login(personas.planeacion)
    subir(client, libro_grande(3), django_capture_on_commit_callbacks, nombre="grande.xlsx")
    trabajo = TrabajoImportacion.objects.get()
    pagina = client.get(reverse("importacion:index")).content.decode()
    assert reverse("importacion:trabajo", args=[trabajo.pk]) in pagina and "grande.xlsx" in pagina
    assert "más de 2 filas" in pagina  # the threshold comes from the settings
    hace_dos_dias = timezone.now() - timedelta(days=2)
    TrabajoImportacion.objects.filter(pk=trabajo.pk).update(actualizado=hace_dos_dias)
    assert trabajos.ruta_archivo(trabajo).is_file()
    subir(client, libro_grande(3), django_capture_on_commit_callbacks)  # a new upload cleans up
    trabajo.refresh_from_db()
    assert trabajo.etapa == Etapa.CANCELADO and trabajo.mensaje == trabajos.MENSAJE_VENCIDO
    assert not trabajos.ruta_archivo(trabajo).exists()
    assert TrabajoImportacion.objects.latest("pk").etapa == Etapa.PREVIA


def test_las_tareas_se_devuelven_al_broker_si_muere_el_worker():
    for tarea in (tasks.tarea_analizar, tasks.tarea_aplicar):
        assert tarea.acks_late is True and tarea.reject_on_worker_lost is True
    assert tasks.tarea_analizar.name == "plantilla.analizar_libro"
    assert tasks.tarea_aplicar.name == "plantilla.aplicar_libro"


# --- A real Celery worker on Redis (PostgreSQL pass) ---------------------------------------

REDIS_URL = os.environ.get("POA_PRUEBA_REDIS_URL", "redis://127.0.0.1:6379/5")


def _redis_responde() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_con_worker_celery_real_sobre_redis(client, personas, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "El worker real necesita PostgreSQL (la base de pruebas de SQLite está en memoria)."
        )
    if not _redis_responde() or not shutil.which(str(RAIZ / ".venv" / "bin" / "celery")):
        pytest.skip(f"Redis ({REDIS_URL}) o celery no disponibles")
    from poa_site.celery import app

    settings.POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO = 2
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.POA_TAREAS_EN_HILO = False
    anterior = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    app._pool = app.amqp._producer_pool = None
    base = connection.settings_dict
    entorno = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "poa_site.settings", "DEBUG": "1",
        "DATABASE_URL": f"postgres://{base['USER']}@{base['HOST']}:{base['PORT']}/{base['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }  # fmt: skip
    worker = subprocess.Popen(
        [str(RAIZ / ".venv" / "bin" / "celery"), "-A", "poa_site", "worker", "-c", "1",
         "-P", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "warning"],
        cwd=RAIZ, env=entorno, stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "celery.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    try:
        client.force_login(personas.planeacion)
        archivo = SimpleUploadedFile("poa.xlsx", libro_grande(40), content_type=XLSX)
        respuesta = client.post(reverse("importacion:subir"), {"archivo": archivo,
                                                               "ejercicio": ANIO})  # fmt: skip
        assert respuesta.status_code == 302 and "/trabajos/" in respuesta.url
        trabajo = TrabajoImportacion.objects.get()
        url_estado = reverse("importacion:trabajo_estado", args=[trabajo.pk])

        def esperar(etapa: str, segundos=90):
            limite = time.monotonic() + segundos
            while time.monotonic() < limite:
                if client.get(url_estado).json()["etapa"] == etapa:
                    return
                time.sleep(0.3)
            raise AssertionError(
                f"el trabajo no llegó a {etapa}: {(tmp_path / 'celery.log').read_text()[-2000:]}"
            )

        esperar("PREVIA")
        assert not metas_de(ANIO).exists()
        client.post(reverse("importacion:trabajo_confirmar", args=[trabajo.pk]))
        esperar("TERMINADO")
        assert metas_de(ANIO).count() == 40
        assert Meta.objects.filter(clave="1", unidad__clave="54101").first().meta_anual == Decimal(
            12
        )
    finally:
        app.conf.update(anterior)
        app._pool = app.amqp._producer_pool = None
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
