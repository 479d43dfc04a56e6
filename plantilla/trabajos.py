"""Background imports (issue 16): when a workbook goes to a job, and the job's state.

A workbook over POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO real rows or
POA_IMPORTACION_BYTES_EN_SEGUNDO_PLANO bytes is kept under MEDIA_ROOT and analyzed by
`plantilla.analizar_libro`; the preview is stored on the job (`resumen`, small JSON) and, once
confirmed, `plantilla.aplicar_libro` validates it again and writes it in one transaction.

Progress: while analyzing, the job's row (`hechas` = rows read of `total` real rows); while
applying, a small JSON file next to the workbook, because the apply transaction holds the
job's row (and, on SQLite, the whole database) until it commits.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from plantilla.importacion import Plan, analizar_libro
from plantilla.models import MENSAJE_INTERRUMPIDO, TrabajoImportacion
from programas.models import UnidadEjecutora
from programas.scope import alcance_de, es_planeacion

Etapa = TrabajoImportacion.Etapa
MAX_CREADOS = 300
MAX_CAMBIOS = 500
MAX_ERRORES = 1000
FASES = {"revisando": "Revisando el libro de nuevo", "guardando": "Guardando"}


# --- When to use a job ---------------------------------------------------------------------


def va_en_segundo_plano(*, filas: int, tamano: int) -> bool:
    """A workbook this big is analyzed and applied by a background job."""
    return (
        filas > settings.POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO
        or tamano > settings.POA_IMPORTACION_BYTES_EN_SEGUNDO_PLANO
    )


def carpeta_trabajos() -> Path:
    carpeta = Path(settings.MEDIA_ROOT) / "importaciones" / "trabajos"
    carpeta.mkdir(parents=True, exist_ok=True, mode=0o700)
    return carpeta


VIGENCIA = timedelta(days=1)
MENSAJE_VENCIDO = (
    "Se descartó: pasó más de un día sin confirmarse ni terminar. Suba el libro de nuevo."
)


def descartar_vencidos() -> int:
    """Discard jobs (and their files) nobody confirmed or that stopped more than a day ago."""
    vencidos = list(
        TrabajoImportacion.objects.filter(
            etapa__in=[Etapa.PREVIA, Etapa.ERROR, *TrabajoImportacion.ACTIVAS],
            actualizado__lt=timezone.now() - VIGENCIA,
        )
    )
    for trabajo in vencidos:
        # An apply still running keeps writing its progress file: leave that one alone.
        leido = _leer_progreso(trabajo.pk)
        if leido is not None and leido[1] > timezone.now() - VIGENCIA:
            continue
        if TrabajoImportacion.objects.filter(pk=trabajo.pk, etapa=trabajo.etapa).update(
            etapa=Etapa.CANCELADO, mensaje=MENSAJE_VENCIDO, terminado=timezone.now()
        ):
            borrar_archivo(trabajo)
    return len(vencidos)


def crear_trabajo(usuario, datos: bytes, *, modo: str, anio: int, nombre: str, filas: int):
    """Keep the upload under MEDIA_ROOT and create its job (queue it on commit)."""
    descartar_vencidos()
    trabajo = TrabajoImportacion.objects.create(
        usuario=usuario, modo=modo, anio=anio, nombre=nombre[:200], bytes=len(datos),
        total=filas,
    )  # fmt: skip
    ruta = carpeta_trabajos() / f"{trabajo.pk}.xlsx"
    ruta.write_bytes(datos)
    ruta.chmod(0o600)
    trabajo.archivo = str(ruta.relative_to(settings.MEDIA_ROOT))
    trabajo.save(update_fields=["archivo"])
    return trabajo


def ruta_archivo(trabajo: TrabajoImportacion) -> Path:
    return Path(settings.MEDIA_ROOT) / trabajo.archivo


def borrar_archivo(trabajo: TrabajoImportacion) -> None:
    if trabajo.archivo:
        ruta_archivo(trabajo).unlink(missing_ok=True)
    borrar_progreso(trabajo.pk)


# --- Analysis with the user's current permissions ------------------------------------------


def unidades_captura(user, anio: int) -> set[int]:
    """Unidades of ejercicio `anio` the user captures (the only ones a capture sheet may touch)."""
    return set(
        UnidadEjecutora.objects.filter(
            pk__in=alcance_de(user).capturista, ramo__ejercicio__anio=anio
        ).values_list("pk", flat=True)
    )


def analizar_trabajo(trabajo: TrabajoImportacion, progreso=None) -> Plan:
    """Analyze the job's workbook as its user may today (PermissionDenied if no longer)."""
    usuario = trabajo.usuario
    if not usuario.is_active:
        raise PermissionDenied("La cuenta que subió el libro está desactivada.")
    if not ruta_archivo(trabajo).is_file():
        raise FileNotFoundError(trabajo.archivo)
    if trabajo.modo == "captura":
        permitidas = unidades_captura(usuario, trabajo.anio)
        if not permitidas:
            raise PermissionDenied("Usted ya no captura ninguna unidad de este ejercicio.")
        return analizar_libro(
            ruta_archivo(trabajo), ejercicio=trabajo.anio, unidades_permitidas=permitidas,
            progreso=progreso,
        )  # fmt: skip
    if not es_planeacion(usuario):
        raise PermissionDenied("Solo Planeación puede importar el POA.")
    return analizar_libro(ruta_archivo(trabajo), ejercicio=trabajo.anio, progreso=progreso)


def resumen_de_plan(plan: Plan) -> dict:
    """The preview of a plan as small JSON (the first changes and errors, and every count).

    `huella` fingerprints the whole plan: the apply step refuses to write if a new analysis
    of the same file no longer matches what the user confirmed.
    """
    errores = [str(e) for e in plan.errores]
    cambios = [asdict(c) for c in plan.cambios]
    creados = [asdict(c) for c in plan.creados]
    huella = hashlib.sha256(
        json.dumps([plan.resumen(), cambios, creados, errores], sort_keys=True).encode()
    ).hexdigest()
    return {
        "anio": plan.anio,
        "modo": plan.modo,
        "ejercicio_nuevo": plan.ejercicio_nuevo,
        "hay_escrituras": plan.hay_escrituras,
        "resumen": plan.resumen(),
        "errores": errores[:MAX_ERRORES],
        "errores_total": len(errores),
        "advertencias": [str(a) for a in plan.advertencias[:MAX_ERRORES]],
        "cambios": cambios[:MAX_CAMBIOS],
        "cambios_total": len(cambios),
        "creados": creados[:MAX_CREADOS],
        "creados_total": len(creados),
        "registros_creados": sum(n for t, n in plan.conteo_creados.items() if t != "Ejercicio"),
        "huella": huella,
    }


def mensaje_de_exito(nombre: str, resumen: dict) -> str:
    if not resumen.get("hay_escrituras"):
        return f"«{nombre}» no trae cambios: no se modificó nada."
    return (
        f"Se cargó «{nombre}» en el ejercicio {resumen['anio']}: "
        f"{resumen['registros_creados']} registros nuevos y {resumen['cambios_total']} valores "
        "cambiados."
    )


# --- Progress ------------------------------------------------------------------------------


def _ruta_progreso(trabajo_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "importaciones" / "trabajos" / f"{trabajo_id}.progreso"


def borrar_progreso(trabajo_id: int) -> None:
    _ruta_progreso(trabajo_id).unlink(missing_ok=True)


def escribir_progreso(trabajo_id: int, fase: str, hechas: int, total: int) -> None:
    """Progress of the apply step, outside the database (written atomically)."""
    ruta = carpeta_trabajos() / f"{trabajo_id}.progreso"
    temporal = ruta.with_suffix(".tmp")
    temporal.write_text(json.dumps({"fase": fase, "hechas": hechas, "total": total}))
    os.replace(temporal, ruta)


def _leer_progreso(trabajo_id: int) -> tuple[dict, datetime] | None:
    ruta = _ruta_progreso(trabajo_id)
    try:
        datos = json.loads(ruta.read_text())
        return datos, datetime.fromtimestamp(ruta.stat().st_mtime, tz=UTC)
    except (OSError, ValueError):
        return None


def estado(trabajo: TrabajoImportacion) -> dict:
    """What the progress page and its JSON show: stage, label, bar and message."""
    hechas, total, fase, senal = trabajo.hechas, trabajo.total, "", trabajo.actualizado
    if trabajo.etapa == Etapa.APLICANDO:
        leido = _leer_progreso(trabajo.pk)
        hechas, total = 0, 0
        if leido is not None:
            datos, cuando = leido
            hechas, total, fase = datos["hechas"], datos["total"], datos["fase"]
            senal = max(senal, cuando)
    interrumpido = trabajo.interrumpido_desde(senal)
    if trabajo.etapa in (Etapa.PREVIA, Etapa.TERMINADO):
        hechas, total = max(hechas, total), max(hechas, total)
    porcentaje = 100 if trabajo.etapa == Etapa.TERMINADO else (
        min(100, int(hechas * 100 / total)) if total else 0
    )  # fmt: skip
    etiqueta = trabajo.get_etapa_display()
    if fase:
        etiqueta = FASES.get(fase, etiqueta)
    unidad = "filas leídas" if trabajo.etapa == Etapa.ANALIZANDO or fase == "revisando" else (
        "metas y avances guardados"
    )  # fmt: skip
    return {
        "etapa": "INTERRUMPIDO" if interrumpido else trabajo.etapa,
        "etiqueta": "Interrumpido" if interrumpido else etiqueta,
        "en_curso": trabajo.activo and not interrumpido,
        "interrumpido": interrumpido,
        "hechas": hechas,
        "total": total,
        "unidad": unidad,
        "porcentaje": porcentaje,
        "mensaje": MENSAJE_INTERRUMPIDO if interrumpido else trabajo.mensaje,
    }


# --- Transitions asked for on the web (each conditional on the current stage) ---------------


def confirmar(trabajo: TrabajoImportacion) -> bool:
    """PREVIA without errors → APLICANDO (the caller queues the apply task on commit)."""
    if trabajo.etapa != Etapa.PREVIA or trabajo.resumen.get("errores_total"):
        return False
    ahora = timezone.now()
    return bool(
        TrabajoImportacion.objects.filter(pk=trabajo.pk, etapa=Etapa.PREVIA).update(
            etapa=Etapa.APLICANDO, confirmado=ahora, actualizado=ahora, hechas=0, mensaje=""
        )
    )


def reintentar(trabajo: TrabajoImportacion) -> str | None:
    """An interrupted or failed job runs its step again: "analizar", "aplicar" or None."""
    visible = estado(trabajo)
    if not (visible["interrumpido"] or trabajo.etapa == Etapa.ERROR):
        return None
    if not ruta_archivo(trabajo).is_file():
        return None
    etapa = Etapa.APLICANDO if trabajo.confirmado else Etapa.EN_COLA
    borrar_progreso(trabajo.pk)
    cambiadas = TrabajoImportacion.objects.filter(pk=trabajo.pk, etapa=trabajo.etapa).update(
        etapa=etapa, actualizado=timezone.now(), hechas=0, mensaje="", terminado=None
    )
    if not cambiadas:
        return None
    return "aplicar" if trabajo.confirmado else "analizar"


def cancelar(trabajo: TrabajoImportacion) -> bool:
    """Discard a job that is not running (preview, error or interrupted) and its file."""
    visible = estado(trabajo)
    if visible["en_curso"] or trabajo.etapa in (Etapa.TERMINADO, Etapa.CANCELADO):
        return False
    cambiadas = TrabajoImportacion.objects.filter(pk=trabajo.pk, etapa=trabajo.etapa).update(
        etapa=Etapa.CANCELADO, actualizado=timezone.now(), terminado=timezone.now()
    )
    if cambiadas:
        borrar_archivo(trabajo)
    return bool(cambiadas)
