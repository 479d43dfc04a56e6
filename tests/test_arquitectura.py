"""The house rules that `make lint` enforces: the layers of the apps and the size of modules."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent
APPS = ("poa_site", "publico", "reportes", "plantilla", "planeacion", "avances", "programas")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copia_del_proyecto(destino: Path) -> Path:
    """The apps and pyproject.toml copied to `destino`, without migrations or caches."""
    ignorar = shutil.ignore_patterns("__pycache__", "*.pyc")
    for app in APPS:
        shutil.copytree(RAIZ / app, destino / app, ignore=ignorar)
    shutil.copy(RAIZ / "pyproject.toml", destino / "pyproject.toml")
    return destino


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_contract_is_kept_by_the_code_as_it_is(tmp_path):
    resultado = _lint_imports(_copia_del_proyecto(tmp_path))
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "1 kept, 0 broken" in resultado.stdout


@pytest.mark.parametrize(
    ("modulo", "linea"),
    [
        # The lowest layer reaching the capture app: the cycle this contract removed.
        ("programas/models.py", "from avances.models import Avance  # noqa\n"),
        # An import hidden inside a function counts too.
        (
            "avances/bloqueo.py",
            "def _escondido():\n    from plantilla import importacion  # noqa\n",
        ),
        ("plantilla/exportacion.py", "import reportes.selectors  # noqa\n"),
    ],
)
def test_an_upward_import_breaks_the_layers_contract(tmp_path, modulo, linea):
    copia = _copia_del_proyecto(tmp_path)
    with open(copia / modulo, "a", encoding="utf-8") as archivo:
        archivo.write("\n" + linea)
    resultado = _lint_imports(copia)
    assert resultado.returncode != 0
    assert "BROKEN" in resultado.stdout
    assert modulo.split("/")[0] in resultado.stdout


def _tamanos():
    ruta = RAIZ / ".ci" / "tamanos.py"
    especificacion = importlib.util.spec_from_file_location("tamanos", ruta)
    modulo = importlib.util.module_from_spec(especificacion)
    especificacion.loader.exec_module(modulo)
    return modulo


def test_no_module_over_600_lines_and_no_function_over_80():
    assert _tamanos().excesos(RAIZ) == []


def test_the_size_check_names_a_long_function(tmp_path):
    (tmp_path / "programas").mkdir()
    cuerpo = "".join(f"    x{i} = {i}\n" for i in range(85))
    (tmp_path / "programas" / "largo.py").write_text(f"def larga():\n{cuerpo}")
    assert _tamanos().excesos(tmp_path) == ["programas/largo.py:1 larga() de 86 líneas (máximo 80)"]
