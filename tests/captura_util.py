"""Helpers shared by the capture tests (grid posts, a frozen "today", big unidades)."""

from __future__ import annotations

import html
import re
from datetime import date

from django.utils import timezone

from tests.factories import MetaFactory, ProgramaFactory, UnidadFactory


def congelar_hoy(monkeypatch):
    """Return a setter that freezes the capture calendar's "today" (`timezone.localdate`)."""

    def fijar(dia: date):
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dia)
        return dia

    return fijar


def datos_rejilla(pagina: str) -> dict[str, str]:
    """Read the grid form as the browser would post it (inputs, hidden fields, textareas)."""
    datos: dict[str, str] = {}
    for nombre, valor in re.findall(
        r'<input[^>]*?name="([rv]-\d+-\d+)"[^>]*?value="([^"]*)"', pagina, flags=re.S
    ):
        datos[nombre] = html.unescape(valor)
    for nombre, valor in re.findall(
        r'<textarea[^>]*?name="(o-\d+-\d+)"[^>]*>(.*?)</textarea>', pagina, flags=re.S
    ):
        datos[nombre] = html.unescape(valor)
    return datos


def unidad_grande(ramo, n_metas: int = 100, n_programas: int = 4):
    """A unidad with `n_metas` metas spread over `n_programas` programas of `ramo`."""
    unidad = UnidadFactory(ramo=ramo, clave="99901", nombre="Unidad grande")
    programas = [
        ProgramaFactory(ramo=ramo, clave=f"9{i:02d}", nombre=f"Programa grande {i}")
        for i in range(n_programas)
    ]
    metas = [
        MetaFactory(
            programa=programas[i % n_programas],
            unidad=unidad,
            clave=f"G{i:03d}",
            programado=[i % 7 + 1] * 12,
        )
        for i in range(n_metas)
    ]
    return unidad, metas
