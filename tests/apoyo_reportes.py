"""Helpers for the report tests: jobs with files, a fast synthetic POA, reading files back."""

from __future__ import annotations

import io
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.conf import settings

from avances.models import Avance
from programas.models import Ejercicio, Meta, Programa, Programado, Ramo, UnidadEjecutora
from reportes.models import TrabajoReporte


def trabajo_terminado(usuario) -> TrabajoReporte:
    """A finished job of `usuario` with a small file on disk."""
    trabajo = TrabajoReporte.objects.create(
        usuario=usuario,
        reporte="tmm-f004",
        parametros={"ejercicio": 2022, "trimestre": 1, "tipo": "xlsx"},
        estado=TrabajoReporte.Estado.TERMINADO,
        nombre_archivo="prueba.xlsx",
        content_type="application/octet-stream",
    )
    ruta = Path(settings.MEDIA_ROOT) / "reportes" / "trabajos" / str(trabajo.pk) / "prueba.xlsx"
    ruta.parent.mkdir(parents=True, exist_ok=True)
    ruta.write_bytes(b"contenido")
    trabajo.archivo = str(ruta.relative_to(settings.MEDIA_ROOT))
    trabajo.save(update_fields=["archivo"])
    return trabajo


def texto_pdf(contenido: bytes) -> str:
    """The PDF's text as `pdftotext -layout` reads it (poppler-utils)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as archivo:
        archivo.write(contenido)
        archivo.flush()
        return subprocess.run(
            ["pdftotext", "-layout", archivo.name, "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def paginas_pdf(contenido: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(contenido)).pages)


def libro(contenido: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(contenido))


def fila_con(ws, valor, columna: int | None = None) -> int:
    """Row number of the first cell whose value equals (or starts with) `valor`."""
    for fila in ws.iter_rows():
        for celda in fila:
            if columna is not None and celda.column != columna:
                continue
            if celda.value == valor or (
                isinstance(celda.value, str)
                and isinstance(valor, str)
                and celda.value.startswith(valor)
            ):
                return celda.row
    raise AssertionError(f"No se encontró {valor!r} en la hoja {ws.title}")


def poa_sintetico(
    *, anio: int = 2031, ramos: int = 3, unidades_por_ramo: int = 2, metas_por_unidad: int = 5
) -> Ejercicio:
    """A synthetic POA built with bulk_create (test/bench fixtures only): 12 months of P, 6 of R."""
    ejercicio = Ejercicio.objects.create(anio=anio)
    ramos_obj = Ramo.objects.bulk_create(
        Ramo(
            ejercicio=ejercicio,
            clave=f"{r + 1:02d}",
            nombre=f"Ramo sintético {r + 1}",
            responsable_nombre=f"TITULAR {r + 1}",
            responsable_cargo="DIRECTOR",
        )
        for r in range(ramos)
    )
    programas = Programa.objects.bulk_create(
        Programa(ramo=r, clave="100", nombre=f"Programa del ramo {r.clave}", finalidad="2 SOCIAL")
        for r in ramos_obj
    )
    unidades = UnidadEjecutora.objects.bulk_create(
        UnidadEjecutora(
            ramo=r,
            clave=f"{r.clave}{u + 1:03d}",
            nombre=f"Unidad {u + 1} del ramo {r.clave}",
            responsable_nombre="RESPONSABLE",
        )
        for r in ramos_obj
        for u in range(unidades_por_ramo)
    )
    programa_de = {p.ramo_id: p for p in programas}
    metas = Meta.objects.bulk_create(
        Meta(
            programa=programa_de[u.ramo_id],
            unidad=u,
            clave=str(100 + m),
            descripcion=f"Acción sintética {m} de la unidad {u.clave}, con una descripción "
            "larga para que el texto tenga que ajustarse en varias líneas de la celda.",
            unidad_medida="Informe",
            meta_anual=Decimal(120),
            orden=m,
        )
        for u in unidades
        for m in range(metas_por_unidad)
    )
    Programado.objects.bulk_create(
        Programado(meta=m, mes=k, valor=Decimal(10)) for m in metas for k in range(1, 13)
    )
    Avance.objects.bulk_create(
        Avance(meta=m, mes=k, realizado=Decimal(9 + (m.pk + k) % 3), observaciones="")
        for m in metas
        for k in range(1, 7)
    )
    return ejercicio
