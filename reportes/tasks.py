"""Report jobs on Celery: render a (large) report in the background with progress."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import connections
from django.http import Http404
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerSinRespuesta

from reportes.alcance import parametros_para_usuario
from reportes.formatos import EXPORTADORES
from reportes.models import TrabajoReporte
from reportes.selectors import AlcanceVacio

logger = logging.getLogger("poa.reportes")
Estado = TrabajoReporte.Estado


def carpeta_trabajos() -> Path:
    return Path(settings.MEDIA_ROOT) / "reportes" / "trabajos"


# acks_late + reject_on_worker_lost: a worker process killed mid-job (OOM, kill -9) gives
# the message back to the broker and another worker renders it again (the task only
# overwrites its own row and file, so running it twice is harmless).
@shared_task(name="reportes.generar_reporte", acks_late=True, reject_on_worker_lost=True)
def generar_reporte(trabajo_id: int) -> str:
    """Render job `trabajo_id`, re-checking the requester's scope; return its final state."""
    trabajo = TrabajoReporte.objects.select_related("usuario").filter(pk=trabajo_id).first()
    if trabajo is None:  # deleted while queued: nothing to do
        logger.warning("Trabajo de reporte %s inexistente", trabajo_id)
        return Estado.ERROR
    exportador = EXPORTADORES.get(trabajo.reporte)
    p = trabajo.parametros
    TrabajoReporte.objects.filter(pk=trabajo.pk).update(estado=Estado.EN_PROCESO)

    def progreso(hechas: int, total: int) -> None:
        TrabajoReporte.objects.filter(pk=trabajo.pk).update(hechas=hechas, total=total)

    try:
        if exportador is None or not trabajo.usuario.is_active:
            raise Http404
        # The permission is checked again here: the user's scope may have changed since.
        params = parametros_para_usuario(
            trabajo.usuario,
            anio=p["ejercicio"],
            trimestre=p["trimestre"],
            tipo=p["tipo"],
            ramo_id=p.get("ramo"),
            programa_id=p.get("programa"),
            unidad_id=p.get("unidad"),
        )
        nombre, content_type, contenido = exportador.render(params, progreso=progreso)
    except Http404:
        mensaje = "El reporte ya no está en su ámbito."
    except AlcanceVacio as error:
        mensaje = error.mensaje
    except Exception:  # noqa: BLE001 - the job must end in a state the user can see
        logger.exception("Falló el trabajo de reporte %s", trabajo.pk)
        mensaje = "No se pudo generar el reporte; avise a Planeación."
    else:
        carpeta = carpeta_trabajos() / str(trabajo.pk)
        carpeta.mkdir(parents=True, exist_ok=True)
        (carpeta / nombre).write_bytes(contenido)
        TrabajoReporte.objects.filter(pk=trabajo.pk).update(
            estado=Estado.TERMINADO,
            archivo=str((carpeta / nombre).relative_to(settings.MEDIA_ROOT)),
            nombre_archivo=nombre,
            content_type=content_type,
            terminado=timezone.now(),
        )
        return Estado.TERMINADO
    TrabajoReporte.objects.filter(pk=trabajo.pk).update(
        estado=Estado.ERROR, mensaje=mensaje, terminado=timezone.now()
    )
    return Estado.ERROR


def encolar(trabajo_id: int) -> None:
    """Start job `trabajo_id`: on the Celery broker, or in a local thread without one.

    Without a broker (the embedded default) the same task runs through Celery's local
    `apply()` in a daemon thread, so the request returns at once and the job page shows its
    progress; the thread closes its database connections when it ends. Call after the job's
    row is committed (`transaction.on_commit`).
    """
    if not settings.POA_TAREAS_EN_HILO:
        try:
            # No publish retries: with the broker down the user must not wait for them.
            generar_reporte.apply_async(args=[trabajo_id], retry=False)
            return
        except (BrokerSinRespuesta, OSError):  # broker down: render it in this process
            logger.warning(
                "Broker de Celery sin respuesta; el trabajo %s se genera en el proceso web",
                trabajo_id,
                exc_info=True,
            )
    en_hilo(trabajo_id)


def en_hilo(trabajo_id: int) -> None:
    """Run job `trabajo_id` in a daemon thread of this process."""

    def correr() -> None:
        try:
            generar_reporte.apply(args=[trabajo_id])
        finally:
            connections.close_all()

    threading.Thread(target=correr, name=f"reporte-{trabajo_id}", daemon=True).start()
