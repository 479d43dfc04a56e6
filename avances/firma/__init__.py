"""Quarterly sign-off of a (programa, unidad) report: Elaboró → Revisó → Autorizó (DOMAIN.md §5).

One job per module: `reglas` (states, roles, errors), `servicios` (the steps), `faltantes`
(what is missing to send), `huella` (signed snapshot, hash, `/verificar/`), `cajas` (the
signature boxes of the reports) and `avisos` (emails). Callers import from this package.
"""

from avances.firma.cajas import Firmante, Firmas, firmantes, firmantes_por_par
from avances.firma.faltantes import faltantes_para_enviar, faltantes_por_par
from avances.firma.huella import (
    Verificacion,
    huella_de,
    normalizar_codigo,
    snapshot_actual,
    verificar_codigo,
)
from avances.firma.reglas import (
    NOMBRES_TRIMESTRE,
    REGLAS,
    FirmaNoPermitida,
    FirmaRechazada,
    FirmaRepetida,
    acciones_posibles,
)
from avances.firma.servicios import (
    ejecutar_accion,
    trimestre_autorizar,
    trimestre_devolver,
    trimestre_enviar,
    trimestre_reabrir,
    trimestre_revisar,
)

__all__ = [
    "NOMBRES_TRIMESTRE",
    "REGLAS",
    "FirmaNoPermitida",
    "FirmaRechazada",
    "FirmaRepetida",
    "Firmante",
    "Firmas",
    "Verificacion",
    "acciones_posibles",
    "ejecutar_accion",
    "faltantes_para_enviar",
    "faltantes_por_par",
    "firmantes",
    "firmantes_por_par",
    "huella_de",
    "normalizar_codigo",
    "snapshot_actual",
    "trimestre_autorizar",
    "trimestre_devolver",
    "trimestre_enviar",
    "trimestre_reabrir",
    "trimestre_revisar",
    "verificar_codigo",
]
