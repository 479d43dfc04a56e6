"""What is missing before a quarter can be sent: captures and justifications, in Spanish.

`cargar_metas` also feeds the signed snapshot (`avances.firma.huella`) and the panel
(`avances.selectors_firma`), so the three read the same formula inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import Q

from avances.bloqueo import vigente_en_trimestre
from avances.calendario import ultimo_mes_capturable
from avances.firma.reglas import NOMBRES_TRIMESTRE
from avances.insumos import (
    cambios_por_meta,
    datos_meta,
    programados_por_meta,
    realizados_por_meta,
    umbrales_de,
)
from programas import formulas
from programas.models import NOMBRES_MES, Meta, Programa, UnidadEjecutora
from programas.numeros import formatear_porcentaje


class Faltante(str):
    """One missing item: its Spanish text (a `str`, as before) plus where to fix it.

    `tipo` is "captura" (a realized value) or "justificacion" (an observación); `meta_id`
    and `mes` name the grid cell (`mes` = first month to fix); `resumen` is the text without
    the instruction to the capturista, for signers who cannot capture.
    """

    tipo: str = ""
    meta_id: int | None = None
    clave: str = ""
    mes: int | None = None
    resumen: str = ""

    def __new__(cls, texto: str, *, tipo="", meta_id=None, clave="", mes=None, resumen=""):
        objeto = super().__new__(cls, texto)
        objeto.tipo, objeto.meta_id, objeto.clave, objeto.mes = tipo, meta_id, clave, mes
        objeto.resumen = resumen or texto
        return objeto

    @property
    def celda(self) -> str:
        """Id of the grid element to fix: `r-<meta>-<mes>` (realizado) or `o-<meta>-<mes>`."""
        if self.meta_id is None or self.mes is None:
            return ""
        prefijo = "r" if self.tipo == "captura" else "o"
        return f"{prefijo}-{self.meta_id}-{self.mes}"


@dataclass
class _MetaDatos:
    meta_id: int
    clave: str
    programa_id: int
    unidad_id: int
    datos: formulas.DatosMeta
    observaciones: dict[int, str]


def cargar_metas(pares: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[_MetaDatos]]:
    """Formula inputs of every meta of the given (programa_id, unidad_id) pairs (4 queries)."""
    pares = set(pares)
    resultado: dict[tuple[int, int], list[_MetaDatos]] = {par: [] for par in pares}
    if not pares:
        return resultado
    filtro = Q()
    for programa_id, unidad_id in pares:
        filtro |= Q(programa_id=programa_id, unidad_id=unidad_id)
    metas = list(
        Meta.objects.filter(filtro)
        .order_by("unidad_id", "orden", "clave")
        .values(
            "id",
            "clave",
            "programa_id",
            "unidad_id",
            "meta_anual",
            "mes_inicio",
            "tipo_acumulacion",
            "sentido",
        )
    )
    ids = [m["id"] for m in metas]
    programados = programados_por_meta(ids)
    realizados = realizados_por_meta(ids)
    cambios = cambios_por_meta(ids)
    for m in metas:
        datos = datos_meta(
            m,
            programado=programados.get(m["id"]),
            realizado=realizados.valores.get(m["id"]),
            cambios=cambios.get(m["id"]),
        )
        resultado[(m["programa_id"], m["unidad_id"])].append(
            _MetaDatos(
                m["id"],
                m["clave"],
                m["programa_id"],
                m["unidad_id"],
                datos,
                realizados.observaciones.get(m["id"], {}),
            )
        )
    return resultado


def meses_exigibles(anio: int, trimestre: int, dia: date | None = None) -> list[int]:
    """Months of the quarter that must be complete to send it: those not in the future."""
    ultimo = ultimo_mes_capturable(anio, dia)
    return [m for m in formulas.meses_del_trimestre(trimestre) if m <= ultimo]


def metas_vigentes(metas: Iterable[_MetaDatos], trimestre: int) -> list[_MetaDatos]:
    """The metas in force in the quarter (a vigencia starting later is not reported, §3)."""
    return [
        m
        for m in metas
        if vigente_en_trimestre(
            mes_inicio=m.datos.mes_inicio, cambios=m.datos.cambios, trimestre=trimestre
        )
    ]


def _faltantes_de(metas: list[_MetaDatos], *, anio, trimestre, umbrales, dia) -> list[Faltante]:
    exigibles = meses_exigibles(anio, trimestre, dia)
    if not exigibles:
        return [
            f"El {NOMBRES_TRIMESTRE[trimestre].lower()} de {anio} aún no comienza: no hay "
            "meses que reportar."
        ]
    faltantes = []
    ultimo = exigibles[-1]
    for m in metas_vigentes(metas, trimestre):
        datos = m.datos
        if ultimo < 3 * trimestre:
            # Mid-quarter: judge the variance against what was due so far, not the whole quarter.
            datos = replace(
                datos,
                programado=[
                    p if k <= ultimo else Decimal(0) for k, p in enumerate(datos.programado, 1)
                ],
                realizado=[r if k <= ultimo else None for k, r in enumerate(datos.realizado, 1)],
            )
        calculo = formulas.calcular_meta(
            datos, trimestre=trimestre, mes_corte=ultimo, umbrales=umbrales
        )
        sin_captura = [k for k in calculo.meses_sin_captura if k in exigibles]
        if sin_captura:
            nombres = ", ".join(NOMBRES_MES[k - 1].lower() for k in sin_captura)
            faltantes.append(
                Faltante(
                    f"Meta {m.clave}: falta capturar el realizado de {nombres}.",
                    tipo="captura", meta_id=m.meta_id, clave=m.clave, mes=sin_captura[0],
                )
            )  # fmt: skip
            continue
        meses_q = formulas.meses_del_trimestre(trimestre)
        if calculo.requiere_justificacion and not any(
            m.observaciones.get(k, "").strip() for k in meses_q
        ):
            resumen = (
                f"Meta {m.clave}: cumplimiento del trimestre "
                f"{formatear_porcentaje(calculo.cumplimiento, 2)} "
                f"({calculo.semaforo.value.replace('_', ' ').replace('np', 'N/P')}) fuera del "
                "rango verde sin observaciones"
            )
            faltantes.append(
                Faltante(
                    f"{resumen}; escriba la justificación.",
                    tipo="justificacion", meta_id=m.meta_id, clave=m.clave,
                    mes=_mes_a_justificar(calculo, meses_q), resumen=f"{resumen}.",
                )
            )  # fmt: skip
    return faltantes


def _mes_a_justificar(calculo, meses_q: list[int]) -> int:
    """The quarter's last month with a captured realizado (where the note belongs)."""
    capturados = [k for k in meses_q if calculo.meses[k - 1].realizado is not None]
    return capturados[-1] if capturados else meses_q[-1]


def faltantes_para_enviar(
    *, programa: Programa, unidad: UnidadEjecutora, trimestre: int, dia: date | None = None
) -> list[Faltante]:
    """Return, in Spanish, every capture or justification missing to send the quarter."""
    ejercicio = programa.ramo.ejercicio
    metas = cargar_metas([(programa.pk, unidad.pk)])[(programa.pk, unidad.pk)]
    de_indicadores = _indicadores([(programa.pk, unidad.pk)], [trimestre], dia)
    return _faltantes_de(
        metas, anio=ejercicio.anio, trimestre=trimestre, umbrales=umbrales_de(ejercicio), dia=dia
    ) + de_indicadores.get((programa.pk, unidad.pk, trimestre), [])


def faltantes_por_par(
    pares: Iterable[tuple[int, int]], *, ejercicio, trimestre: int, dia: date | None = None
) -> dict[tuple[int, int], list[Faltante]]:
    """`faltantes_para_enviar` for many (programa_id, unidad_id) pairs of one ejercicio."""
    umbrales = umbrales_de(ejercicio)
    cargadas = cargar_metas(pares)
    de_indicadores = _indicadores(cargadas, [trimestre], dia)
    return {
        par: _faltantes_de(
            metas, anio=ejercicio.anio, trimestre=trimestre, umbrales=umbrales, dia=dia
        )
        + de_indicadores.get((*par, trimestre), [])
        for par, metas in cargadas.items()
    }


def faltantes_por_trimestre(
    pares: Iterable[tuple[int, int]],
    *,
    ejercicio,
    trimestres: Iterable[int],
    dia: date | None = None,
) -> dict[tuple[int, int, int], list[Faltante]]:
    """Missing items of every pair for several quarters, loading the inputs once (5 queries)."""
    umbrales = umbrales_de(ejercicio)
    cargadas = cargar_metas(pares)
    trimestres = list(trimestres)
    de_indicadores = _indicadores(cargadas, trimestres, dia)
    return {
        (programa_id, unidad_id, q): _faltantes_de(
            metas, anio=ejercicio.anio, trimestre=q, umbrales=umbrales, dia=dia
        ) + de_indicadores.get((programa_id, unidad_id, q), [])
        for (programa_id, unidad_id), metas in cargadas.items()
        for q in trimestres
    }  # fmt: skip


def _indicadores(pares, trimestres, dia) -> dict:
    """The indicators' missing items (a sibling module: it reads the MIR selector)."""
    from avances.firma.faltantes_indicadores import faltantes_indicadores

    return faltantes_indicadores(pares, trimestres=trimestres, dia=dia)
