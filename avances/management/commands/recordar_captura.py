"""Remind unidades with missing capture as a quarter's deadline approaches (run it from cron).

    DEBUG=0 python manage.py recordar_captura --dias 5          # daily, e.g. 08:00
    python manage.py recordar_captura --fecha 2022-07-08 --dias 5 --simular

A quarter is reminded when its deadline (FechaLimite, else 10 business days after it ends)
falls within the next `--dias` days. Every unidad whose (programa, unidad) reports of that
quarter are still in Borrador with missing capture or justification gets one email (its
capturistas and responsables) listing exactly what is missing. Idempotent per day: a second
run on the same date does not email the same unidad again (unless `--forzar`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from avances.calendario import fechas_limite
from avances.firma import NOMBRES_TRIMESTRE, faltantes_por_par
from avances.models import TrimestreFirma
from programas.models import Asignacion, Ejercicio, Meta, Programa, UnidadEjecutora

Rol = Asignacion.Rol


def carpeta_registro() -> Path:
    return Path(
        getattr(settings, "POA_RECORDATORIOS_DIR", settings.BASE_DIR / "var" / "recordatorios")
    )


class Command(BaseCommand):
    help = (
        "Envía recordatorios de captura pendiente cuando se acerca la fecha límite del trimestre."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dias", type=int, default=5,
            help="Avisar cuando falten como máximo N días para la fecha límite (predeterminado 5).",
        )  # fmt: skip
        parser.add_argument(
            "--fecha", help="Fecha de hoy AAAA-MM-DD (para pruebas o para repetir un día)."
        )
        parser.add_argument("--simular", action="store_true", help="Mostrar sin enviar correos.")
        parser.add_argument(
            "--forzar", action="store_true", help="Reenviar aunque ya se haya avisado hoy."
        )

    def handle(self, *args, dias: int, fecha: str | None, simular: bool, forzar: bool, **opts):
        if dias < 0:
            raise CommandError("--dias no puede ser negativo.")
        try:
            hoy = date.fromisoformat(fecha) if fecha else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--fecha {fecha!r} no es una fecha AAAA-MM-DD válida.") from exc
        registro_ruta = carpeta_registro() / f"{hoy.isoformat()}.json"
        ya_avisadas: set[str] = set()
        if registro_ruta.exists() and not forzar:
            ya_avisadas = set(json.loads(registro_ruta.read_text(encoding="utf-8")))
        enviados = 0
        for ejercicio in Ejercicio.objects.filter(anio__in=[hoy.year - 1, hoy.year]):
            for trimestre, (limite, _) in fechas_limite(ejercicio).items():
                if not hoy <= limite <= hoy + timedelta(days=dias):
                    continue
                enviados += self._recordar(ejercicio, trimestre, limite, hoy, ya_avisadas, simular)
        if not simular and enviados:
            registro_ruta.parent.mkdir(parents=True, exist_ok=True)
            registro_ruta.write_text(json.dumps(sorted(ya_avisadas)), encoding="utf-8")
        verbo = "se enviarían" if simular else "enviados"
        self.stdout.write(f"Recordatorios {verbo}: {enviados}.")

    def _recordar(self, ejercicio, trimestre, limite, hoy, ya_avisadas, simular) -> int:
        pares = set(
            Meta.objects.filter(unidad__ramo__ejercicio=ejercicio).values_list(
                "programa_id", "unidad_id"
            )
        )
        enviados_ya = set(
            TrimestreFirma.objects.filter(programa__ramo__ejercicio=ejercicio, trimestre=trimestre)
            .exclude(estado=TrimestreFirma.Estado.BORRADOR)
            .values_list("programa_id", "unidad_id")
        )
        pendientes = pares - enviados_ya
        faltantes = faltantes_por_par(pendientes, ejercicio=ejercicio, trimestre=trimestre, dia=hoy)
        claves = dict(
            Programa.objects.filter(pk__in={p for p, _ in faltantes}).values_list("id", "clave")
        )
        por_unidad: dict[int, list[str]] = defaultdict(list)
        for (programa_id, unidad_id), lista in faltantes.items():
            por_unidad[unidad_id].extend(f"Programa {claves[programa_id]} — {f}" for f in lista)
        unidades = UnidadEjecutora.objects.in_bulk([u for u, lista in por_unidad.items() if lista])
        enviados = 0
        for unidad_id in sorted(unidades, key=lambda u: unidades[u].clave):
            llave = f"{ejercicio.anio}-T{trimestre}-{unidad_id}"
            if llave in ya_avisadas:
                continue
            unidad = unidades[unidad_id]
            lista = sorted(set(por_unidad[unidad_id]))
            destinatarios = sorted(
                set(
                    Asignacion.objects.filter(
                        Q(rol__in=[Rol.CAPTURISTA, Rol.RESPONSABLE_UNIDAD]),
                        unidad_id=unidad_id,
                        usuario__is_active=True,
                    )
                    .exclude(usuario__email="")
                    .values_list("usuario__email", flat=True)
                )
            )
            self.stdout.write(
                f"{unidad.clave} {unidad.nombre}: {len(lista)} pendiente(s) de T{trimestre} "
                f"{ejercicio.anio} → {', '.join(destinatarios) or '(sin correo)'}"
            )
            if not destinatarios:
                continue
            if not simular:
                enlace = settings.POA_URL_BASE.rstrip("/") + reverse(
                    "avances:captura", args=[unidad_id, trimestre]
                )
                cuerpo = (
                    f"La fecha límite para entregar el "
                    f"{NOMBRES_TRIMESTRE[trimestre].lower()} {ejercicio.anio} es el "
                    f"{limite:%d/%m/%Y}.\n\n"
                    f"La unidad {unidad.clave} {unidad.nombre} tiene pendientes:\n\n"
                    + "\n".join(f"- {f}" for f in lista)
                    + f"\n\nCapture en: {enlace}\n"
                )
                send_mail(
                    f"[POA] Captura pendiente T{trimestre} {ejercicio.anio}: unidad {unidad.clave}"
                    f" (vence {limite:%d/%m/%Y})",
                    cuerpo,
                    None,
                    destinatarios,
                )
                ya_avisadas.add(llave)
            enviados += 1
        return enviados
