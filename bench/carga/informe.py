"""Print the load test's figures: requests/s and p50/p95/p99 per action, errors, the goal.

Reads Locust's CSV (``<dir>/locust_stats.csv``, ``locust_failures.csv``). When the goal
(p95 < 500 ms for grid loads and row saves, 0 errors) is not met, it also prints where the
time goes from gunicorn's request log (``poa.peticiones``: server time per route, from
poa_site.middleware): server time against the time the simulated users waited; the
difference is the wait for a free gunicorn worker or CPU.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

META_MS = 500
OBJETIVO = ("rejilla (GET)", "guardar fila (POST)")
_LINEA = re.compile(r"poa\.peticiones (\w+) (\S+) (\d{3}) usuario=\S+ ([\d.]+)ms")
_ID = re.compile(r"/\d+(?=/|\.|$)")


def _percentil(valores: list[float], p: float) -> float:
    if not valores:
        return 0.0
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, int(round(p / 100 * (len(ordenados) - 1))))]


def tabla(carpeta: Path) -> tuple[dict, int]:
    filas = list(csv.DictReader((carpeta / "locust_stats.csv").open(encoding="utf-8")))
    print(f"\n{'acción':<34} {'peticiones':>10} {'errores':>8} {'req/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")  # fmt: skip
    por_nombre, errores = {}, 0
    for f in filas:
        nombre = f["Name"] if f["Name"] != "Aggregated" else "TOTAL"
        por_nombre[nombre] = f
        if nombre == "TOTAL":
            errores = int(f["Failure Count"])
            print("-" * 86)
        print(
            f"{nombre:<34} {f['Request Count']:>10} {f['Failure Count']:>8} "
            f"{float(f['Requests/s']):>7.1f} {f['50%']:>7} {f['95%']:>7} {f['99%']:>7}"
        )
    fallas = carpeta / "locust_failures.csv"
    if fallas.exists():
        for f in csv.DictReader(fallas.open(encoding="utf-8")):
            print(f"  error ×{f['Occurrences']}: {f['Method']} {f['Name']}: {f['Error'][:160]}")
    return por_nombre, errores


def donde_se_va(carpeta: Path, por_nombre: dict) -> None:
    tiempos = defaultdict(list)
    for linea in (carpeta / "gunicorn.log").open(encoding="utf-8", errors="replace"):
        m = _LINEA.search(linea)
        if m:
            tiempos[f"{m.group(1)} {_ID.sub('/<id>', m.group(2))}"].append(float(m.group(4)))
    total = sum(sum(v) for v in tiempos.values()) or 1
    print("\nDónde se va el tiempo (bitácora poa.peticiones de gunicorn, tiempo en el servidor):")
    print(f"{'ruta':<52} {'n':>6} {'p50 ms':>7} {'p95 ms':>7} {'% del total':>11}")
    for ruta, v in sorted(tiempos.items(), key=lambda kv: -sum(kv[1]))[:12]:
        print(f"{ruta:<52} {len(v):>6} {statistics.median(v):>7.0f} "
              f"{_percentil(v, 95):>7.0f} {100 * sum(v) / total:>10.1f}%")  # fmt: skip
    rutas = {
        "rejilla (GET)": "GET /captura/<id>/<id>/",
        "guardar fila (POST)": "POST /captura/<id>/<id>/fila/<id>/",
    }
    for nombre, patron in rutas.items():
        v, f = tiempos.get(patron, []), por_nombre.get(nombre)
        if v and f:
            servidor, cliente = _percentil(v, 95), float(f["95%"])
            print(f"{nombre}: p95 en el servidor {servidor:.0f} ms, visto por el usuario "
                  f"{cliente:.0f} ms → {max(0.0, cliente - servidor):.0f} ms esperando un "
                  "worker libre de gunicorn / CPU (4 workers síncronos en 2 núcleos).")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="var/carga")
    carpeta = Path(parser.parse_args().dir)
    por_nombre, errores = tabla(carpeta)
    lentos = [n for n in OBJETIVO if n in por_nombre and float(por_nombre[n]["95%"]) >= META_MS]
    faltan = [n for n in OBJETIVO if n not in por_nombre]
    cumple = not lentos and not faltan and errores == 0
    print(f"\nObjetivo (p95 < {META_MS} ms en rejilla y guardado, 0 errores): "
          f"{'CUMPLIDO' if cumple else 'NO CUMPLIDO'}"
          + (f" — p95 ≥ {META_MS} ms: {', '.join(lentos)}" if lentos else "")
          + (f" — sin peticiones: {', '.join(faltan)}" if faltan else "")
          + (f" — {errores} error(es)" if errores else ""))  # fmt: skip
    if not cumple:
        donde_se_va(carpeta, por_nombre)
    return 0 if cumple else 1


if __name__ == "__main__":
    sys.exit(main())
