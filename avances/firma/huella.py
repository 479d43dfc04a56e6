"""The signed snapshot of a report, its content hash and verification code, and `/verificar/`.

Do not change what goes into the snapshot or how it is serialized: printed reports carry
codes derived from these hashes, and `verificar_codigo` compares them with today's data.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from avances.firma.cajas import CAJAS, Firmante
from avances.firma.faltantes import cargar_metas, metas_vigentes
from avances.firma.reglas import NOMBRES_TRIMESTRE, Accion
from avances.models import EventoFirma, TrimestreFirma
from avances.selectors_indicadores import filas_indicadores
from programas import formulas
from programas.indicadores import periodos
from programas.models import Indicador

_CUATRO_DECIMALES = Decimal("0.0001")


def _dec(valor: Decimal | None) -> str | None:
    if valor is None:
        return None
    return format(valor.quantize(_CUATRO_DECIMALES, rounding=ROUND_HALF_UP), "f")


def _pct(p: formulas.Porcentaje) -> str:
    return _dec(p.valor) if p.es_numero else str(p.estado)


def snapshot_actual(programa, unidad, trimestre: int) -> tuple[dict, str]:
    """Return the report's current figures (JSON-ready) and their sha256 content hash.

    What is hashed is what the signed report prints for each meta: clave, meta anual in
    force at the end of the quarter, P / R / observaciones of every month up to the quarter,
    and the computed quarter figures (as of the end of the quarter, so the hash does not drift
    with the calendar). Accepts model instances or ids.

    Only the metas in force in the quarter are part of it (DOMAIN.md §3).
    """
    programa_id = getattr(programa, "pk", programa)
    unidad_id = getattr(unidad, "pk", unidad)
    fin = 3 * trimestre
    metas = cargar_metas([(programa_id, unidad_id)])[(programa_id, unidad_id)]
    metas = metas_vigentes(metas, trimestre)
    filas = []
    for m in metas:
        calculo = formulas.calcular_meta(m.datos, trimestre=trimestre, mes_corte=fin)
        filas.append(
            {
                "clave": m.clave,
                "meta_anual": _dec(calculo.vigencia.meta_anual),
                "mes_inicio": calculo.vigencia.mes_inicio,
                "meses": [
                    {
                        "mes": k,
                        "p": _dec(m.datos.programado[k - 1]),
                        "r": _dec(m.datos.realizado[k - 1]),
                        "observaciones": m.observaciones.get(k, ""),
                    }
                    for k in range(1, fin + 1)
                ],
                "programado_trimestre": _dec(calculo.programado_trimestre),
                "realizado_trimestre": _dec(calculo.realizado_trimestre),
                "porcentaje_trimestral": _pct(calculo.porcentaje_trimestral),
                "avance_absoluto": _dec(calculo.avance_absoluto),
                "acumulado_relativo": _pct(calculo.acumulado_relativo),
                "por_realizar": _dec(calculo.por_realizar),
            }
        )
    filas.sort(key=lambda fila: fila["clave"])  # display order (`orden`) is not signed content
    datos = {
        "formato": 1,
        "programa_id": programa_id,
        "unidad_id": unidad_id,
        "trimestre": trimestre,
        "metas": filas,
    }
    indicadores = _indicadores_firmados(programa_id, unidad_id, trimestre)
    if indicadores:  # a pair without indicators keeps the snapshot it always had
        datos["indicadores"] = indicadores
    return datos, huella_de(datos)


def _cifra(cifra) -> str | None:
    return format(cifra.valor, "f") if cifra.valor is not None else str(cifra.estado)


def _indicadores_firmados(programa_id: int, unidad_id: int, trimestre: int) -> list[dict]:
    """The MIR indicators the unidad reports, as of the end of the quarter (DOMAIN.md §8).

    Every period up to the quarter's end: the variables' programado and realizado, the
    justificaciones, and the computed resultado, meta, cumplimiento and semáforo.
    """
    consulta = Indicador.objects.filter(programa_id=programa_id, unidad_id=unidad_id)
    filas = []
    for fila in filas_indicadores(consulta, trimestre=trimestre):
        ind = fila.indicador
        por_periodo = []
        for periodo in (p for p in periodos(ind.frecuencia) if p <= 3 * trimestre):
            calculo = fila.calculo_en(periodo)
            por_periodo.append({
                "periodo": periodo,
                "variables": [
                    {"simbolo": v.simbolo, "p": _dec(v.programado_periodo),
                     "r": _dec(v.realizado_periodo)}
                    for v in calculo.variables
                ],
                "resultado": _cifra(calculo.resultado_acumulado),
                "meta": _cifra(calculo.meta_acumulada),
                "cumplimiento": _cifra(calculo.cumplimiento),
                "semaforo": str(calculo.semaforo),
                "justificacion": fila.justificaciones.get(periodo, ""),
            })  # fmt: skip
        filas.append({"clave": ind.clave, "formula": ind.formula, "frecuencia": ind.frecuencia,
                      "sentido": ind.sentido, "periodos": por_periodo})  # fmt: skip
    return sorted(filas, key=lambda f: f["clave"])


def huella_de(datos: dict) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces) of a snapshot."""
    canonico = json.dumps(datos, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonico.encode("utf-8")).hexdigest()


def codigo_unico(huella: str, firma_id: int) -> str:
    """A 10-character base32 code derived from the hash, unique among signed reports."""
    for _ in range(100):
        # A random salt makes every authorization's code distinct, even with equal figures.
        semilla = f"{huella}:{firma_id}:{secrets.token_hex(8)}".encode()
        codigo = base64.b32encode(hashlib.sha256(semilla).digest()).decode()[:10]
        if not TrimestreFirma.objects.filter(codigo_verificacion=codigo).exists():
            return codigo
    raise RuntimeError("No se pudo generar un código de verificación único.")  # pragma: no cover


def normalizar_codigo(codigo: str) -> str:
    """Accept codes typed from paper: spaces and dashes dropped, case-insensitive."""
    return "".join(c for c in (codigo or "").upper() if c.isalnum())[:16]


@dataclass(frozen=True)
class Verificacion:
    """What `/verificar/<código>/` shows: only what the printed report shows."""

    codigo: str
    ejercicio: int
    ramo: str
    programa: str
    unidad: str
    trimestre: int
    nombre_trimestre: str
    estado: str
    estado_display: str
    firmantes: list
    coincide: bool
    reabierto_en: datetime | None = None


def verificar_codigo(codigo: str) -> Verificacion | None:
    """Return whether the report signed with `codigo` still matches the current data."""
    codigo = normalizar_codigo(codigo)
    if not codigo:
        return None
    firma = (
        TrimestreFirma.objects.select_related("programa__ramo__ejercicio", "unidad")
        .filter(codigo_verificacion=codigo)
        .first()
    )
    if firma is None:
        return None
    _, huella = snapshot_actual(firma.programa_id, firma.unidad_id, firma.trimestre)
    eventos = list(firma.eventos.order_by("fecha", "id"))
    # The signatures shown are those of the authorization that produced this code.
    firmado, reabierto = _ciclo_firmado(eventos)
    programa = firma.programa
    return Verificacion(
        codigo=codigo,
        ejercicio=programa.ramo.ejercicio.anio,
        ramo=str(programa.ramo),
        programa=str(programa),
        unidad=str(firma.unidad),
        trimestre=firma.trimestre,
        nombre_trimestre=NOMBRES_TRIMESTRE[firma.trimestre],
        estado=firma.estado,
        estado_display=firma.get_estado_display(),
        firmantes=[
            Firmante(rol, titulo, e.nombre, e.cargo, e.fecha)
            if (e := firmado.get(accion))
            else Firmante(rol, titulo, "", "", None)
            for accion, rol, titulo in CAJAS
        ],
        coincide=_coincide(firma, huella),
        reabierto_en=reabierto.fecha if reabierto else None,
    )


def _coincide(firma: TrimestreFirma, huella: str) -> bool:
    """Whether today's figures are the signed ones.

    A report signed before only the metas in force were signed (DOMAIN.md §3) also listed
    the metas starting later: its stored snapshot, if intact, is compared without them.
    """
    if huella == firma.snapshot_hash:
        return True
    firmado = firma.snapshot
    if not isinstance(firmado, dict) or huella_de(firmado) != firma.snapshot_hash:
        return False
    filas = firmado.get("metas", [])
    vigentes = [f for f in filas if int(f.get("mes_inicio") or 1) <= 3 * firma.trimestre]
    return len(vigentes) < len(filas) and huella_de({**firmado, "metas": vigentes}) == huella


def _ciclo_firmado(eventos: list[EventoFirma]) -> tuple[dict, EventoFirma | None]:
    """The ENVIAR/REVISAR/AUTORIZAR events of the last authorization, and a later reopening."""
    firmado: dict = {}
    actual: dict = {}
    reabierto = None
    for e in eventos:
        if e.accion in (Accion.ENVIAR, Accion.REVISAR, Accion.AUTORIZAR):
            actual[e.accion] = e
            if e.accion == Accion.AUTORIZAR:
                firmado, reabierto = dict(actual), None
        elif e.accion == Accion.DEVOLVER:
            actual = {}
        elif e.accion == Accion.REABRIR:
            actual = {}
            reabierto = e
    return firmado, reabierto
