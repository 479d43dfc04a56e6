"""Archive quality of the signed sheets: PDF/A-3b, tagged, with the signed snapshot attached.

A sheet whose quarter is AUTORIZADO is laid out by WeasyPrint as PDF/A-3b (`pdf_variant`),
tagged for accessibility (`pdf_tags`, WeasyPrint ≥ 63) and with the JSON of the snapshot
that was signed embedded as an associated file (AFRelationship /Data). The attachment is
the snapshot in its canonical form (sorted keys, no spaces, UTF-8 — the serialization of
`avances.firma.huella.huella_de`), so its sha256 is the quarter's verification hash
(`TrimestreFirma.snapshot_hash`) and anyone holding the file can recompute it. Sheets that
are not signed keep today's output (BORRADOR, no PDF/A).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from avances.models import TrimestreFirma

if TYPE_CHECKING:
    from reportes.formatos.base import Hoja

VARIANTE_PDFA = "pdf/a-3b"
# Part of the cache key of a signed section: bump when these options change.
VERSION_ARCHIVO = "pdfa3b-tags-1"


@dataclass(frozen=True)
class Adjunto:
    """The signed snapshot of one authorized quarter, as an embedded file."""

    codigo: str
    nombre: str  # file name inside the PDF
    datos: bytes  # canonical JSON
    descripcion: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.datos).hexdigest()

    def como_opcion(self) -> tuple[str, bytes, str]:
        return self.nombre, self.datos, self.descripcion


def json_canonico(snapshot: dict) -> bytes:
    """The bytes whose sha256 is the snapshot's hash (same form as `huella_de`)."""
    texto = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return texto.encode("utf-8")


def instantaneas(hojas: Iterable[Hoja]) -> dict[str, Adjunto]:
    """The signed snapshot of each signed sheet, by verification code (one query)."""
    codigos = {h.verificacion for h in hojas if h.firmada and h.verificacion}
    if not codigos:
        return {}
    firmas = TrimestreFirma.objects.filter(
        codigo_verificacion__in=codigos, estado=TrimestreFirma.Estado.AUTORIZADO
    ).select_related("programa__ramo__ejercicio", "unidad")
    adjuntos = {}
    for f in firmas:
        if not isinstance(f.snapshot, dict):
            continue
        programa = f.programa
        partes = [programa.ramo.clave, programa.clave, f.unidad.clave, f"T{f.trimestre}"]
        base = re.sub(r"[^0-9A-Za-z._-]+", "_", "-".join(partes))
        adjuntos[f.codigo_verificacion] = Adjunto(
            codigo=f.codigo_verificacion,
            nombre=f"instantanea-{base}.json",
            datos=json_canonico(f.snapshot),
            descripcion=(
                f"Cifras firmadas de {programa.ramo.clave} {programa.clave} {f.unidad.clave}, "
                f"trimestre {f.trimestre} de {programa.ramo.ejercicio.anio}; sha256 = huella "
                f"de verificación {f.snapshot_hash} (código {f.codigo_verificacion})"
            ),
        )
    return adjuntos


def opciones_archivo(adjuntos: Iterable[Adjunto]) -> dict:
    """WeasyPrint options (picklable, for `pdf_hijo.pdf_de_html`) of an archive PDF."""
    return {
        "pdf_variant": VARIANTE_PDFA,
        "pdf_tags": True,
        "adjuntos": [a.como_opcion() for a in adjuntos],
    }


def opciones_de_hoja(hoja: Hoja, adjuntos: dict[str, Adjunto]) -> dict:
    """Archive options for a signed sheet; none (today's PDF) for a draft."""
    if not hoja.firmada or not hoja.verificacion:
        return {}
    adjunto = adjuntos.get(hoja.verificacion)
    return opciones_archivo([adjunto] if adjunto else [])
