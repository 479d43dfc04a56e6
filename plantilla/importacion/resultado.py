"""What an analysis produces: the plan, its errors, creations and changes."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ErrorImportacion:
    """One problem of the workbook, located by sheet, row and column."""

    hoja: str
    fila: int | None
    columna: str
    mensaje: str

    def __str__(self) -> str:
        if self.fila is None and not self.columna:
            return f"{self.hoja}: {self.mensaje}"
        lugar = f"{self.hoja}!{self.fila if self.fila is not None else 1}"
        return (
            f"{lugar} {self.columna}: {self.mensaje}"
            if self.columna
            else f"{lugar}: {self.mensaje}"
        )


Advertencia = ErrorImportacion  # same shape; a warning does not stop the import


@dataclass(frozen=True)
class Creacion:
    """Something the import would create."""

    tipo: str
    objeto: str
    detalle: str = ""


@dataclass(frozen=True)
class Cambio:
    """A stored value the import would change (`anterior` → `nuevo`, as displayed text)."""

    tipo: str
    objeto: str
    campo: str
    anterior: str
    nuevo: str


class ImportacionInvalida(Exception):
    """The workbook has errors; nothing was written."""

    def __init__(self, errores: list[ErrorImportacion]):
        self.errores = list(errores)
        super().__init__("\n".join(str(e) for e in self.errores))


@dataclass
class Plan:
    """What importing a workbook would do; built by `analizar_libro`, run by `aplicar_plan`."""

    anio: int
    modo: str = "libro"  # "libro" (whole POA) or "captura" (avances of some unidades)
    errores: list[ErrorImportacion] = field(default_factory=list)
    advertencias: list[ErrorImportacion] = field(default_factory=list)
    creados: list[Creacion] = field(default_factory=list)
    cambios: list[Cambio] = field(default_factory=list)
    sin_cambio: Counter = field(default_factory=Counter)  # tipo → rows left as they are
    conteo_creados: Counter = field(default_factory=Counter)  # tipo → rows to create
    ejercicio_nuevo: bool = False
    hojas: list[str] = field(default_factory=list)
    _operaciones: Any = field(default=None, repr=False)

    @property
    def valido(self) -> bool:
        return not self.errores

    @property
    def hay_escrituras(self) -> bool:
        return bool(self.conteo_creados or self.cambios or self.ejercicio_nuevo)

    def resumen(self) -> list[dict]:
        """Rows (tipo, creados, cambiados, sin_cambio) for the preview, in a stable order."""
        cambiados: dict[str, set[str]] = defaultdict(set)
        for cambio in self.cambios:
            cambiados[cambio.tipo].add(cambio.objeto)
        tipos = [t for t in ORDEN_TIPOS if t in self.conteo_creados or t in cambiados
                 or t in self.sin_cambio]  # fmt: skip
        return [
            {
                "tipo": t,
                "creados": self.conteo_creados.get(t, 0),
                "cambiados": len(cambiados.get(t, ())),
                "sin_cambio": self.sin_cambio.get(t, 0),
            }
            for t in tipos
        ]


ORDEN_TIPOS = [
    "Ejercicio",
    "Ramo",
    "Programa",
    "Unidad ejecutora",
    "Línea PMD",
    "Meta",
    "Valor programado",
    "Reprogramación importada",
    "Avance",
    "Presupuesto",
    "Objetivo MIR",
    "Indicador",
    "Variable",
    "Valor de variable",
    "Alineación PMD",
]
