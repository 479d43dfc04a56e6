"""Fail when a hand-written module passes 600 lines or a function passes 80 (make lint).

A function that long is a sequence of named steps; a module that long holds several jobs.
Migrations, tests and benchmarks are not counted.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

APPS = ("poa_site", "publico", "reportes", "plantilla", "planeacion", "avances", "programas")
MAX_MODULO = 600
MAX_FUNCION = 80


def excesos(raiz: Path) -> list[str]:
    """Every module and function of the apps over its limit, as 'path:line message'."""
    encontrados = []
    for app in APPS:
        for ruta in sorted((raiz / app).rglob("*.py")):
            if "migrations" in ruta.parts:
                continue
            texto = ruta.read_text(encoding="utf-8")
            lineas = texto.count("\n")
            nombre = ruta.relative_to(raiz)
            if lineas > MAX_MODULO:
                encontrados.append(f"{nombre}: módulo de {lineas} líneas (máximo {MAX_MODULO})")
            for nodo in ast.walk(ast.parse(texto)):
                if isinstance(nodo, ast.FunctionDef | ast.AsyncFunctionDef):
                    largo = nodo.end_lineno - nodo.lineno + 1
                    if largo > MAX_FUNCION:
                        encontrados.append(
                            f"{nombre}:{nodo.lineno} {nodo.name}() de {largo} líneas"
                            f" (máximo {MAX_FUNCION})"
                        )
    return encontrados


def main() -> int:
    encontrados = excesos(Path(__file__).resolve().parent.parent)
    for linea in encontrados:
        print(linea)
    return 1 if encontrados else 0


if __name__ == "__main__":
    sys.exit(main())
