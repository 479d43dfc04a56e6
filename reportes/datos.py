"""The report data every format reads: plain dataclasses filled by `reportes.selectors`.

A `DatosReporte` holds one scope and quarter: its sections (one per (programa, unidad)
pair, with each meta's `CalculoMeta`), the per-ramo totals and, for the Tesorería's
identification, each programa's MIR and budget. Nothing here queries the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from programas import formulas

NOMBRES_PERIODO = {
    1: "ENERO-MARZO",
    2: "ABRIL-JUNIO",
    3: "JULIO-SEPTIEMBRE",
    4: "OCTUBRE-DICIEMBRE",
}
ORDINALES_TRIMESTRE = {1: "Primer", 2: "Segundo", 3: "Tercer", 4: "Cuarto"}


@dataclass(frozen=True)
class Firmante:
    """One signature box: role label, name and cargo, and the date once signed."""

    rol: str  # ELABORÓ / REVISÓ / AUTORIZÓ
    titulo: str  # RESPONSABLE DE LA UNIDAD EJECUTORA …
    nombre: str
    cargo: str
    fecha: datetime | None = None


@dataclass(frozen=True)
class LineaAccion:
    codigo: str
    nombre: str


@dataclass
class FilaMeta:
    """One meta of a report: its identity, its formula inputs and every computed figure."""

    meta_id: int
    clave: str
    descripcion: str
    unidad_medida: str
    grupo: str
    orden: int
    lineas: list[LineaAccion]
    observaciones: str  # the reported quarter's observaciones, months joined in order
    datos: formulas.DatosMeta
    calculo: formulas.CalculoMeta
    ponderado: formulas.Porcentaje = formulas.PORCENTAJE_VACIO


@dataclass
class Seccion:
    """One (programa, unidad) pair: the unit of a TMM-F004 sheet and of a signed quarter."""

    ramo_id: int
    ramo_clave: str
    ramo_nombre: str
    programa_id: int
    programa_clave: str
    programa_nombre: str
    unidad_id: int
    unidad_clave: str
    unidad_nombre: str
    finalidad: str
    funcion: str
    subfuncion: str
    eje: str
    filas: list[FilaMeta]
    firmantes: list[Firmante]
    firmado: bool  # the quarter is AUTORIZADO for this pair
    snapshot_hash: str
    codigo_verificacion: str = ""
    totales: formulas.Totales | None = None

    @property
    def lineas(self) -> list[LineaAccion]:
        """Every línea de acción used by the section's metas, in code order."""
        vistas: dict[str, LineaAccion] = {}
        for fila in self.filas:
            for linea in fila.lineas:
                vistas.setdefault(linea.codigo, linea)
        return [vistas[c] for c in sorted(vistas, key=llave_codigo)]


@dataclass
class Capitulo:
    capitulo: str
    descripcion: str
    autorizado: Decimal
    modificado: Decimal | None
    devengado: Decimal | None  # devengado of the reported quarter (t1..t4)


@dataclass
class ProgramaInfo:
    """A programa's identification: MIR narrative, budget and its two signers."""

    programa_id: int
    ramo_clave: str
    ramo_nombre: str
    clave: str
    nombre: str
    finalidad: str
    funcion: str
    subfuncion: str
    eje: str
    fin: str
    proposito: str
    capitulos: list[Capitulo]
    firmantes: list[Firmante]


@dataclass
class DatosReporte:
    """Everything a format needs for one scope and quarter."""

    anio: int
    trimestre: int
    mes_corte: int
    umbrales: formulas.Umbrales
    secciones: list[Seccion]
    programas: list[ProgramaInfo] = field(default_factory=list)
    # Totals per ramo (the OROMAPAS totals row is the whole organismo's).
    totales_ramo: dict[int, formulas.Totales] = field(default_factory=dict)

    @property
    def periodo(self) -> str:
        return f"{NOMBRES_PERIODO[self.trimestre]} {self.anio}"

    @property
    def firmado(self) -> bool:
        """Every section's quarter is AUTORIZADO (the figures can no longer change)."""
        return bool(self.secciones) and all(s.firmado for s in self.secciones)

    def huella_firmada(self) -> str:
        """A key for the signed snapshots of every section ('' unless all are signed)."""
        if not self.firmado:
            return ""
        # The verification code is unique per authorization: a re-signed report with the same
        # figures has new signers, dates and code, so it must not reuse the old PDF.
        base = "|".join(
            f"{s.programa_id}:{s.unidad_id}:{s.snapshot_hash}:{s.codigo_verificacion}"
            for s in self.secciones
        )
        return hashlib.sha256(f"{self.anio}:{self.trimestre}:{base}".encode()).hexdigest()


def llave_codigo(codigo: str) -> tuple:
    """Sort key of a línea de acción code ("1.2.10" after "1.2.9")."""
    return tuple(int(p) if p.isdigit() else p for p in codigo.replace("-", ".").split("."))


def llave_clave(clave: str) -> tuple:
    """Sort key of a ramo, programa, unidad or meta clave (numbers before text)."""
    partes = clave.replace(" ", "").replace("-", ".").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in partes)
