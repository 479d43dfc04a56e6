"""What a consolidated PDF's table of contents and bookmarks call each sheet.

A sheet is matched to its (programa, unidad) section by its worksheet name — the builders
name them with `nombres_hoja` — and then filed under its ramo: "54 Presidencia" →
"54101 Secretaría Particular · programa 511". A sheet of a whole ramo (one per organismo)
is named by the ramo; any other sheet by its running footer, without a group.
"""

from __future__ import annotations

from reportes.datos import DatosReporte
from reportes.formatos.base import Documento, Hoja
from reportes.formatos.comun import nombres_hoja
from reportes.pdf_indice import Entrada


def _ramo(clave: str, nombre: str) -> str:
    return f"{clave} {nombre}".strip()


def _por_pie(hoja: Hoja) -> str:
    partes = hoja.pie.split(" · ")
    return " · ".join(partes[1:-1]) if len(partes) > 2 else (hoja.pie or hoja.nombre)


def entradas_indice(documento: Documento, datos: DatosReporte) -> list[Entrada]:
    """One entry (ramo, unidad) per sheet of `documento`, in its order."""
    secciones = getattr(datos, "secciones", None) or []
    por_nombre = dict(zip(nombres_hoja(secciones, por_programa=False), secciones, strict=True))
    ramos = {s.ramo_clave: _ramo(s.ramo_clave, s.ramo_nombre) for s in secciones}
    repetidas = {}
    for s in secciones:
        repetidas[(s.ramo_clave, s.unidad_id)] = repetidas.get((s.ramo_clave, s.unidad_id), 0) + 1
    entradas = []
    for hoja in documento.hojas:
        s = por_nombre.get(hoja.nombre)
        if s is not None:
            titulo = f"{s.unidad_clave} {s.unidad_nombre}"
            if repetidas[(s.ramo_clave, s.unidad_id)] > 1:
                titulo += f" · programa {s.programa_clave}"
            entradas.append(Entrada(ramos[s.ramo_clave], titulo))
        elif hoja.nombre in ramos:
            entradas.append(Entrada("", ramos[hoja.nombre]))
        else:
            entradas.append(Entrada("", _por_pie(hoja)))
    return entradas
