"""Import jobs on Celery: analyze a large workbook, then apply it once confirmed (issue 16).

Both tasks are acks_late + reject_on_worker_lost: a worker killed mid-job gives the message
back to the broker and another worker runs it again. Running either twice is harmless:
every change of stage is conditional on the stage it expects, and the apply step marks the
job TERMINADO in the same transaction as its writes, after locking the job's row, so a second
delivery finds it finished and writes nothing.
"""

from __future__ import annotations

import logging
import threading

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerSinRespuesta

from plantilla import trabajos
from plantilla.importacion import ImportacionInvalida, aplicar_plan
from plantilla.models import TrabajoImportacion

logger = logging.getLogger("poa.plantilla")
Etapa = TrabajoImportacion.Etapa
MENSAJE_FALLA = (
    "No se pudo procesar el libro por un error del servidor; no se escribió nada. Intente de "
    "nuevo y, si vuelve a fallar, avise a Planeación."
)
MENSAJE_SIN_ARCHIVO = "El archivo subido ya no está en el servidor; vuelva a subirlo."
MENSAJE_CAMBIOS = (
    "Los datos cambiaron desde la vista previa (otra persona guardó, o se autorizó un "
    "trimestre): no se escribió nada. Revise la vista previa actualizada y confirme de nuevo."
)
MENSAJE_INVALIDO = (
    "El libro ya no se puede cargar tal cual: no se escribió nada. Revise los errores."
)


def _pasar(trabajo_id: int, desde, **campos) -> bool:
    """Move job `trabajo_id` on, only if it is still in stage(s) `desde`."""
    desde = desde if isinstance(desde, list | tuple) else [desde]
    campos.setdefault("actualizado", timezone.now())
    return bool(TrabajoImportacion.objects.filter(pk=trabajo_id, etapa__in=desde).update(**campos))


def _fallar(trabajo_id: int, desde, mensaje: str) -> str:
    _pasar(trabajo_id, desde, etapa=Etapa.ERROR, mensaje=mensaje, terminado=timezone.now())
    return Etapa.ERROR


@shared_task(name="plantilla.analizar_libro", acks_late=True, reject_on_worker_lost=True)
def tarea_analizar(trabajo_id: int) -> str:
    """Analyze job `trabajo_id`'s workbook with progress; leave its preview (PREVIA)."""
    if not _pasar(trabajo_id, [Etapa.EN_COLA, Etapa.ANALIZANDO], etapa=Etapa.ANALIZANDO,
                  hechas=0, mensaje=""):  # fmt: skip
        fila = TrabajoImportacion.objects.filter(pk=trabajo_id).values("etapa").first()
        return fila["etapa"] if fila else Etapa.ERROR  # already analyzed, cancelled or gone
    trabajo = TrabajoImportacion.objects.select_related("usuario").get(pk=trabajo_id)

    def progreso(filas: int) -> None:
        TrabajoImportacion.objects.filter(pk=trabajo_id).update(
            hechas=min(filas, trabajo.total or filas), actualizado=timezone.now()
        )

    try:
        plan = trabajos.analizar_trabajo(trabajo, progreso)
    except PermissionDenied as exc:
        return _fallar(trabajo_id, Etapa.ANALIZANDO, str(exc) or "Ya no tiene permiso.")
    except FileNotFoundError:
        return _fallar(trabajo_id, Etapa.ANALIZANDO, MENSAJE_SIN_ARCHIVO)
    except Exception:  # noqa: BLE001 - the job must end in a state the user can see
        logger.exception("Falló el análisis del trabajo de importación %s", trabajo_id)
        return _fallar(trabajo_id, Etapa.ANALIZANDO, MENSAJE_FALLA)
    resumen = trabajos.resumen_de_plan(plan)
    _pasar(trabajo_id, Etapa.ANALIZANDO, etapa=Etapa.PREVIA, resumen=resumen,
           hechas=trabajo.total, mensaje="")  # fmt: skip
    return Etapa.PREVIA


@shared_task(name="plantilla.aplicar_libro", acks_late=True, reject_on_worker_lost=True)
def tarea_aplicar(trabajo_id: int) -> str:
    """Validate job `trabajo_id` again (scope and locks of today) and write it atomically."""
    trabajo = TrabajoImportacion.objects.select_related("usuario").filter(pk=trabajo_id).first()
    if trabajo is None or trabajo.etapa != Etapa.APLICANDO:
        return trabajo.etapa if trabajo else Etapa.ERROR
    try:
        return _aplicar(trabajo)
    except PermissionDenied as exc:
        return _fallar(trabajo_id, Etapa.APLICANDO, str(exc) or "Ya no tiene permiso.")
    except FileNotFoundError:
        return _fallar(trabajo_id, Etapa.APLICANDO, MENSAJE_SIN_ARCHIVO)
    except Exception:  # noqa: BLE001 - nothing was written (one transaction): say so
        logger.exception("Falló la aplicación del trabajo de importación %s", trabajo_id)
        return _fallar(trabajo_id, Etapa.APLICANDO, MENSAJE_FALLA)
    finally:
        trabajos.borrar_progreso(trabajo_id)


def _aplicar(trabajo: TrabajoImportacion) -> str:
    pk, total = trabajo.pk, trabajo.total
    trabajos.escribir_progreso(pk, "revisando", 0, total)
    plan = trabajos.analizar_trabajo(
        trabajo, lambda filas: trabajos.escribir_progreso(pk, "revisando", min(filas, total), total)
    )
    resumen = trabajos.resumen_de_plan(plan)
    if plan.errores or resumen["huella"] != trabajo.resumen.get("huella"):
        mensaje = MENSAJE_INVALIDO if plan.errores else MENSAJE_CAMBIOS
        _pasar(pk, Etapa.APLICANDO, etapa=Etapa.PREVIA, resumen=resumen, mensaje=mensaje,
               hechas=total)  # fmt: skip
        return Etapa.PREVIA
    try:
        with transaction.atomic():
            # The job's row is locked for the whole transaction: a second delivery of this
            # task waits here and then finds the job finished.
            fila = TrabajoImportacion.objects.select_for_update().get(pk=pk)
            if fila.etapa != Etapa.APLICANDO:
                return fila.etapa
            aplicar_plan(
                plan, usuario=trabajo.usuario,
                progreso=lambda h, t: trabajos.escribir_progreso(pk, "guardando", h, t),
            )  # fmt: skip
            ahora = timezone.now()
            TrabajoImportacion.objects.filter(pk=pk).update(
                etapa=Etapa.TERMINADO, terminado=ahora, actualizado=ahora, hechas=total,
                mensaje=trabajos.mensaje_de_exito(trabajo.nombre, resumen),
            )  # fmt: skip
    except ImportacionInvalida as exc:
        plan.errores = exc.errores
        _pasar(pk, Etapa.APLICANDO, etapa=Etapa.PREVIA, resumen=trabajos.resumen_de_plan(plan),
               mensaje=MENSAJE_INVALIDO, hechas=total)  # fmt: skip
        return Etapa.PREVIA
    trabajos.borrar_archivo(trabajo)
    return Etapa.TERMINADO


TAREAS = {"analizar": tarea_analizar, "aplicar": tarea_aplicar}


def encolar(paso: str, trabajo_id: int) -> None:
    """Start step `paso` ("analizar" or "aplicar") of job `trabajo_id`.

    On the Celery broker when there is one; without one (make run) or with it down, in a
    daemon thread of this process, so the request answers at once either way. Call after the
    job's row is committed (`transaction.on_commit`).
    """
    tarea = TAREAS[paso]
    if not settings.POA_TAREAS_EN_HILO:
        try:
            tarea.apply_async(args=[trabajo_id], retry=False)
            return
        except (BrokerSinRespuesta, OSError):
            logger.warning(
                "Broker de Celery sin respuesta; la importación %s corre en el proceso web",
                trabajo_id,
                exc_info=True,
            )

    def correr() -> None:
        try:
            tarea.apply(args=[trabajo_id])
        finally:
            connections.close_all()

    threading.Thread(target=correr, name=f"importacion-{trabajo_id}", daemon=True).start()
