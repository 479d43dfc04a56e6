"""Read, validate, plan and apply the POA workbook (shared/spec/PLANTILLA.md).

The service API (CONTRATOS.md):

- `analizar_libro(archivo, *, ejercicio, unidades_permitidas=None) -> Plan` reads and validates
  the whole workbook against the database without writing anything. `Plan.errores` lists
  every problem as `hoja!fila columna: mensaje`; `creados`, `cambios` (old → new),
  `sin_cambio` and `advertencias` feed the preview.
- `aplicar_plan(plan, *, usuario=None)` writes a valid plan in one transaction.
- `importar_libro(archivo, *, ejercicio, usuario=None)` does both and raises
  `ImportacionInvalida(errores)` when the workbook has errors.

With `unidades_permitidas` (a set of UnidadEjecutora ids) the workbook is a capture sheet:
only its `avances` sheet is read and only metas of those unidades are accepted.

Tracked models (Meta, Programado, Avance, Presupuesto) are always written with `.save()` or
`bulk_create_with_history`, so simple-history records every change.

The steps, one module each (`analizar` runs 1–5, `aplicar` runs 6):

1. `leer` opens the sheets into `Hoja`s (header map from `columnas`) and converts cells.
2. `deseado` validates the rows of metas, lineas_pmd, programas and responsables into the
   state the workbook asks for (`Deseado`).
3. `existente` loads what the database holds for the ejercicio, in a few bulk queries.
4. `planear` compares both into `Operaciones` (the writes) and the preview in `Plan`
   (`resultado`), refusing changes to authorized quarters.
5. `planear_avances` and `planear_presupuesto` read and plan those sheets in one pass.
6. `aplicar` writes the operations in one transaction, with their history rows.
"""

from plantilla.importacion.analizar import analizar_libro, importar_libro
from plantilla.importacion.aplicar import RAZON_HISTORIA, aplicar_plan, insertar_historia_nueva
from plantilla.importacion.columnas import COLUMNAS, Hoja, normalizar
from plantilla.importacion.leer import convertir_numero, fmt
from plantilla.importacion.planear import MOTIVO_IMPORTADA
from plantilla.importacion.resultado import (
    Advertencia,
    Cambio,
    Creacion,
    ErrorImportacion,
    ImportacionInvalida,
    Plan,
)

__all__ = [
    "COLUMNAS",
    "MOTIVO_IMPORTADA",
    "RAZON_HISTORIA",
    "Advertencia",
    "Cambio",
    "Creacion",
    "ErrorImportacion",
    "Hoja",
    "ImportacionInvalida",
    "Plan",
    "analizar_libro",
    "aplicar_plan",
    "convertir_numero",
    "fmt",
    "importar_libro",
    "insertar_historia_nueva",
    "normalizar",
]
