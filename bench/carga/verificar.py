"""Check the load test's database against what the server told the simulated users.

Reads ``<dir>/registro.json`` (written by the locustfile: the saves confirmed with 200 to
each simulated user, the conflicts reported to them with 409 and the saves whose answer
never arrived) and ``<dir>/antes.json`` (every Avance row before the run), and checks:

1. Every confirmed save is stored: its (meta, mes, version) is in the Avance history with
   the confirmed value and observaciones, and the cell now holds it or a later confirmed
   save replaced it (a higher version: its author had loaded it, otherwise the server
   answered that author 409 and reported the conflict). The cell holds the last confirmed
   version; two confirmations of one version would be a lost update.
2. Nothing changed that nobody saved: every Avance row is as before the run unless a
   simulated user saved it (confirmed, or sent without an answer, "incierto").
3. Every report job finished (Listo, or Con error with its message) or is shown as
   interrumpido; none is left running.

Prints the result in Spanish; exits 1 when a check fails.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poa_carga \
        .venv/bin/python bench/carga/verificar.py --dir var/carga
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RAIZ))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/poa_carga")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from avances.models import Avance  # noqa: E402
from reportes.models import TrabajoReporte  # noqa: E402


def _dec(texto):
    return None if texto is None else Decimal(texto)


def _valor(realizado, observaciones) -> tuple:
    return (None if realizado is None else Decimal(realizado).normalize(), observaciones or "")


def verificar_guardados(registro: dict, antes: list) -> list[str]:
    """Checks 1 and 2; returns the problems found, in Spanish."""
    problemas: list[str] = []
    confirmados = defaultdict(list)
    for c in registro["confirmados"]:
        confirmados[(c["meta"], c["mes"])].append(c)
    conflictos = defaultdict(list)  # (meta, mes, usuario) -> times reported
    for c in registro["conflictos"]:
        conflictos[(c["meta"], c["mes"], c["usuario"])].append(c["t"])
    inciertos = defaultdict(set)
    for c in registro["inciertos"]:
        inciertos[(c["meta"], c["mes"])].add(_valor(c["r"], c["o"]))

    metas = {m for m, _ in confirmados} | {m for m, _ in inciertos}
    actual = {
        (a.meta_id, a.mes): a
        for a in Avance.objects.filter(meta_id__in=metas).only(
            "meta_id", "mes", "realizado", "observaciones", "version"
        )
    }
    historia = {
        (h.meta_id, h.mes, h.version): _valor(h.realizado, h.observaciones)
        for h in Avance.history.filter(meta_id__in=metas).only(
            "meta_id", "mes", "version", "realizado", "observaciones"
        )
    }
    for celda, lista in confirmados.items():
        lista.sort(key=lambda c: c["version"])
        versiones = [c["version"] for c in lista]
        if len(set(versiones)) != len(versiones):
            problemas.append(f"Meta {celda[0]} mes {celda[1]}: dos guardados confirmados con la "
                             f"misma versión {versiones} (uno se perdió).")  # fmt: skip
        for c in lista:
            esperado = _valor(c["r"], c["o"])
            if historia.get((*celda, c["version"])) != esperado:
                problemas.append(
                    f"Meta {celda[0]} mes {celda[1]} v{c['version']}: el guardado confirmado a "
                    f"{c['usuario']} ({c['r']}, «{c['o']}») no está en la historia."
                )
        ultimo = lista[-1]
        fila = actual.get(celda)
        hoy = None if fila is None else _valor(fila.realizado, fila.observaciones)
        if fila is not None and fila.version == ultimo["version"]:
            if hoy != _valor(ultimo["r"], ultimo["o"]):
                problemas.append(f"Meta {celda[0]} mes {celda[1]}: tiene {hoy}, no el último "
                                 f"guardado confirmado {ultimo['r']} «{ultimo['o']}».")  # fmt: skip
        elif fila is not None and fila.version > ultimo["version"]:
            if hoy not in inciertos.get(celda, set()):
                problemas.append(f"Meta {celda[0]} mes {celda[1]}: v{fila.version} {hoy} no la "
                                 "guardó ningún usuario simulado.")  # fmt: skip
        else:
            problemas.append(f"Meta {celda[0]} mes {celda[1]}: se perdió el guardado confirmado "
                             f"v{ultimo['version']} de {ultimo['usuario']}.")  # fmt: skip

    tocadas = set(confirmados) | set(inciertos)
    previas = {(m, mes): (r, o, v) for m, mes, r, o, v in antes}
    for a in Avance.objects.only("meta_id", "mes", "realizado", "observaciones", "version"):
        celda = (a.meta_id, a.mes)
        if celda in tocadas:
            continue
        r, o, v = previas.get(celda, (None, "", None))
        if celda not in previas or _dec(r) != a.realizado or o != a.observaciones or v != a.version:
            problemas.append(f"Meta {celda[0]} mes {celda[1]}: cambió sin que nadie la guardara.")
    return problemas


def verificar_trabajos() -> tuple[dict, list[str]]:
    cuentas: dict[str, int] = defaultdict(int)
    problemas = []
    for t in TrabajoReporte.objects.all():
        estado = t.estado_visible
        cuentas[estado] += 1
        if estado in (TrabajoReporte.Estado.PENDIENTE, TrabajoReporte.Estado.EN_PROCESO):
            problemas.append(f"Trabajo {t.pk} ({t.reporte} {t.parametros.get('tipo')}) sigue "
                             f"«{t.etiqueta}» y no se muestra como interrumpido.")  # fmt: skip
        elif estado == TrabajoReporte.Estado.ERROR:
            problemas.append(f"Trabajo {t.pk} terminó con error: {t.mensaje}")
        elif estado == TrabajoReporte.Estado.TERMINADO and not t.archivo:
            problemas.append(f"Trabajo {t.pk} está listo pero sin archivo.")
    return dict(cuentas), problemas


def esperar_trabajos(segundos: float) -> None:
    """Wait (with the worker still running) until no job is queued or running."""
    limite = time.monotonic() + segundos
    activos = (TrabajoReporte.Estado.PENDIENTE, TrabajoReporte.Estado.EN_PROCESO)
    vuelta = 0
    while time.monotonic() < limite:
        n = TrabajoReporte.objects.filter(estado__in=activos).count()
        if not n:
            return
        if vuelta % 6 == 0:
            print(f"  esperando {n} trabajo(s) de reporte…", flush=True)
        vuelta += 1
        time.sleep(5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(RAIZ / "var" / "carga"))
    parser.add_argument(
        "--esperar-trabajos", type=float, default=0, help="segundos a esperar los trabajos"
    )
    args = parser.parse_args()
    if args.esperar_trabajos:
        esperar_trabajos(args.esperar_trabajos)
        return 0
    carpeta = Path(args.dir)
    registro = json.loads((carpeta / "registro.json").read_text(encoding="utf-8"))
    antes = json.loads((carpeta / "antes.json").read_text(encoding="utf-8"))
    problemas = verificar_guardados(registro, antes)
    cuentas, de_trabajos = verificar_trabajos()
    usuarios = {c["usuario"] for c in registro["confirmados"]}
    print("\n== Verificación de la base ==")
    print(
        f"Guardados confirmados (200): {len(registro['confirmados'])} celdas de "
        f"{len(usuarios)} usuarios; conflictos avisados (409): {len(registro['conflictos'])}; "
        f"sin respuesta: {len(registro['inciertos'])}; otras respuestas: "
        f"{len(registro['otros'])}."
    )
    print(f"Trabajos de reporte: {cuentas or 'ninguno'}")
    todos = problemas + de_trabajos
    for p in todos[:40]:
        print(f"  ✗ {p}")
    if len(todos) > 40:
        print(f"  … y {len(todos) - 40} más.")
    perdidos = sum("perdió" in p or "no está en la historia" in p for p in problemas)
    print(
        f"Resultado: {'CORRECTO' if not todos else 'CON PROBLEMAS'} — guardados perdidos: "
        f"{perdidos}; cambios que nadie guardó: {sum('nadie' in p for p in problemas)}; "
        f"problemas de trabajos: {len(de_trabajos)}."
    )
    return 0 if not todos else 1


if __name__ == "__main__":
    sys.exit(main())
