"""Shared fixtures: a small POA and the personas of STYLE.md (one per role)."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from programas.models import Asignacion
from tests.factories import (
    MetaFactory,
    ProgramaFactory,
    RamoFactory,
    UnidadFactory,
    UserFactory,
    asignar,
)
from tests.fixtures_demo import poa_demo  # noqa: F401

Rol = Asignacion.Rol


@dataclass
class MiniPOA:
    """Ramo A with programa A and unidades A1, A2; ramo B with its own unidad B1."""

    ramo_a: object
    programa_a: object
    unidad_a1: object
    unidad_a2: object
    ramo_b: object
    programa_b: object
    unidad_b1: object
    metas_a1: list
    metas_a2: list
    metas_b1: list


@pytest.fixture
def poa(db):
    ramo_a = RamoFactory(clave="54", nombre="Bienestar Social Municipal")
    programa_a = ProgramaFactory(ramo=ramo_a, clave="511", nombre="Gestión administrativa")
    unidad_a1 = UnidadFactory(ramo=ramo_a, clave="54101", nombre="Dirección")
    unidad_a2 = UnidadFactory(ramo=ramo_a, clave="54102", nombre="Administración y Finanzas")
    ramo_b = RamoFactory(clave="01", nombre="Presidencia")
    programa_b = ProgramaFactory(ramo=ramo_b, clave="010", nombre="Gestión del Presidente")
    unidad_b1 = UnidadFactory(ramo=ramo_b, clave="001", nombre="Oficina del titular")
    metas_a1 = [
        MetaFactory(programa=programa_a, unidad=unidad_a1, clave=str(100 + i)) for i in range(3)
    ]
    metas_a2 = [
        MetaFactory(programa=programa_a, unidad=unidad_a2, clave=str(200 + i)) for i in range(2)
    ]
    metas_b1 = [
        MetaFactory(programa=programa_b, unidad=unidad_b1, clave=str(i + 1)) for i in range(2)
    ]
    return MiniPOA(
        ramo_a,
        programa_a,
        unidad_a1,
        unidad_a2,
        ramo_b,
        programa_b,
        unidad_b1,
        metas_a1,
        metas_a2,
        metas_b1,
    )


@dataclass
class Personas:
    capturista: object  # captures unidad A1
    responsable_unidad: object  # Elaboró, unidad A1
    responsable_programa: object  # Revisó, programa A
    responsable_ramo: object  # Autorizó, ramo A
    planeacion: object
    consulta: object  # read-only over ramo A
    ajeno: object  # capturista of unidad B1 (another ramo)


@pytest.fixture
def personas(poa):
    p = Personas(
        capturista=UserFactory(username="capturista"),
        responsable_unidad=UserFactory(username="resp_unidad"),
        responsable_programa=UserFactory(username="resp_programa"),
        responsable_ramo=UserFactory(username="resp_ramo"),
        planeacion=UserFactory(username="planeacion"),
        consulta=UserFactory(username="consulta"),
        ajeno=UserFactory(username="ajeno"),
    )
    asignar(p.capturista, Rol.CAPTURISTA, poa.unidad_a1)
    asignar(p.responsable_unidad, Rol.RESPONSABLE_UNIDAD, poa.unidad_a1, cargo="Director")
    asignar(p.responsable_programa, Rol.RESPONSABLE_PROGRAMA, poa.programa_a, cargo="Subdirector")
    asignar(p.responsable_ramo, Rol.RESPONSABLE_RAMO, poa.ramo_a, cargo="Titular del ramo")
    asignar(p.planeacion, Rol.PLANEACION)
    asignar(p.consulta, Rol.CONSULTA, poa.ramo_a, cargo="Contraloría")
    asignar(p.ajeno, Rol.CAPTURISTA, poa.unidad_b1)
    return p


CHROMIUM = Path(os.environ.get("POA_CHROMIUM", "/usr/bin/chromium"))


def pytest_sessionstart(session):
    """In CI (POA_REQUIRE_BROWSER=1) a missing Chromium is an error, never a silent skip."""
    if os.environ.get("POA_REQUIRE_BROWSER") == "1" and not CHROMIUM.exists():
        pytest.exit(f"POA_REQUIRE_BROWSER=1 pero no existe {CHROMIUM}: instale chromium.", 3)


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM.exists():
        terminalreporter.write_sep(
            "!",
            f"AVISO: no se encontró Chromium en {CHROMIUM}; las pruebas de navegador se omitieron "
            "(apt-get install chromium)",
            yellow=True,
            bold=True,
        )
