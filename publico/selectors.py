"""The one reader of public data: authorized quarters only (issue 15).

Only a (programa, unidad, trimestre) whose TrimestreFirma is AUTORIZADO is ever visible to
anyone without an account: every page, download and anonymous API answer of `publico`
starts from a filter built here. Figures come from `reportes.selectors.reporte_datos` (the
same reader as the official formats, hence from `avances.insumos` and
`programas.formulas.calcular_meta`) with the quarter's end as cut-off month, which is how
the signed snapshot computes them: the public numbers are the signed ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q

from avances.models import EventoFirma, TrimestreFirma
from programas import mir
from programas.formulas import Semaforo, Umbrales
from programas.models import Ejercicio, Meta, Programa, Ramo, UnidadEjecutora
from reportes.datos import DatosReporte, Seccion
from reportes.selectors import AlcanceVacio, reporte_datos

AUTORIZADO = TrimestreFirma.Estado.AUTORIZADO
TRIMESTRES = (1, 2, 3, 4)


class NoPublico(Exception):
    """Nothing authorized there: views answer 404 whatever the reason (no information leak)."""


def version_publica() -> int:
    """A number that changes whenever a quarter is authorized, returned or reopened.

    Every sign-off step writes an EventoFirma, so its latest id is the cache version of the
    public pages and downloads (one query).
    """
    return EventoFirma.objects.aggregate(ultimo=Max("id"))["ultimo"] or 0


def firmas_autorizadas(trimestre: int | None = None):
    """AUTORIZADO sign-offs, optionally of one quarter (a queryset, not evaluated)."""
    firmas = TrimestreFirma.objects.filter(estado=AUTORIZADO)
    return firmas if trimestre is None else firmas.filter(trimestre=trimestre)


def q_metas_autorizadas(trimestre: int | None = None, prefijo: str = "") -> Q:
    """Metas whose (programa, unidad) is authorized in `trimestre` (any quarter if None)."""
    return Q(
        Exists(
            firmas_autorizadas(trimestre).filter(
                programa_id=OuterRef(f"{prefijo}programa_id"),
                unidad_id=OuterRef(f"{prefijo}unidad_id"),
            )
        )
    )


def ejercicios_publicos():
    return Ejercicio.objects.filter(
        Exists(firmas_autorizadas().filter(programa__ramo__ejercicio_id=OuterRef("pk")))
    )


def ramos_publicos():
    return Ramo.objects.filter(
        Exists(firmas_autorizadas().filter(programa__ramo_id=OuterRef("pk")))
    )


def programas_publicos():
    return Programa.objects.filter(Exists(firmas_autorizadas().filter(programa_id=OuterRef("pk"))))


def unidades_publicas():
    return UnidadEjecutora.objects.filter(
        Exists(firmas_autorizadas().filter(unidad_id=OuterRef("pk")))
    )


def metas_publicas():
    return Meta.objects.filter(q_metas_autorizadas())


def periodos_publicos() -> dict[int, list[int]]:
    """{año: [trimestres with at least one authorized report]}, newest year first; one query."""
    periodos: dict[int, set[int]] = defaultdict(set)
    for anio, trimestre in (
        firmas_autorizadas().values_list("programa__ramo__ejercicio__anio", "trimestre").distinct()
    ):
        periodos[anio].add(trimestre)
    return {anio: sorted(periodos[anio]) for anio in sorted(periodos, reverse=True)}


def trimestres_autorizados_por_par(pares: set[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    """Authorized quarters of each (programa, unidad) pair; one query."""
    resultado: dict[tuple[int, int], list[int]] = defaultdict(list)
    if not pares:
        return resultado
    programas = {p for p, _ in pares}
    unidades = {u for _, u in pares}
    for programa_id, unidad_id, trimestre in (
        firmas_autorizadas()
        .filter(programa_id__in=programas, unidad_id__in=unidades)
        .order_by("trimestre")
        .values_list("programa_id", "unidad_id", "trimestre")
    ):
        if (programa_id, unidad_id) in pares:
            resultado[(programa_id, unidad_id)].append(trimestre)
    return resultado


def par_autorizado(*, anio: int, trimestre: int, programa_id: int, unidad_id: int) -> bool:
    """The (programa, unidad) report of that ejercicio and quarter is AUTORIZADO; one query."""
    return (
        trimestre in TRIMESTRES
        and firmas_autorizadas(trimestre)
        .filter(
            programa_id=programa_id,
            unidad_id=unidad_id,
            programa__ramo__ejercicio__anio=anio,
            unidad__ramo__ejercicio__anio=anio,
        )
        .exists()
    )


def datos_publicos(*, anio: int, trimestre: int, ramo_id: int | None = None) -> DatosReporte:
    """The authorized sections of one ejercicio and quarter (optionally one ramo).

    Raises NoPublico when nothing there is authorized. Constant query count.
    """
    if trimestre not in TRIMESTRES:
        raise NoPublico(f"El trimestre {trimestre} no existe.")
    try:
        datos = reporte_datos(
            anio=anio,
            trimestre=trimestre,
            ramo_id=ramo_id,
            filtro_alcance=q_metas_autorizadas(trimestre),
            mes_corte=3 * trimestre,  # as the signed snapshot: the quarter's end
        )
    except AlcanceVacio as error:
        raise NoPublico(error.mensaje) from error
    if not datos.firmado:  # the filter above guarantees it; never publish otherwise
        raise NoPublico("Hay secciones sin autorizar.")
    return datos


# --- Words for the semáforo ----------------------------------------------------------------


def _pct(valor) -> str:
    return f"{valor.normalize():f} %"


def significado_semaforo(semaforo: Semaforo | str, umbrales: Umbrales) -> str:
    """What a semáforo colour means, in words, with the ejercicio's thresholds."""
    u = umbrales
    textos = {
        Semaforo.VERDE: f"Verde: el cumplimiento está dentro de lo esperado "
        f"(de {_pct(u.verde_min)} a {_pct(u.verde_max)}).",
        Semaforo.AMARILLO: f"Amarillo: el cumplimiento se aparta algo de lo esperado "
        f"(de {_pct(u.amarillo_min)} a menos de {_pct(u.verde_min)}, "
        f"o de más de {_pct(u.verde_max)} a {_pct(u.amarillo_max)}).",
        Semaforo.ROJO: f"Rojo: el cumplimiento se aparta mucho de lo esperado "
        f"(menos de {_pct(u.amarillo_min)} o más de {_pct(u.amarillo_max)}).",
        Semaforo.NP: "N/P: se realizó algo que no estaba programado en el trimestre.",
        Semaforo.SIN_CAPTURA: "Sin captura: falta registrar lo realizado en un mes ya vencido.",
        Semaforo.VACIO: "Sin dato: no había nada programado ni realizado en el trimestre.",
    }
    return textos[Semaforo(semaforo)]


ETIQUETAS_SEMAFORO = {
    Semaforo.VERDE: "Verde",
    Semaforo.AMARILLO: "Amarillo",
    Semaforo.ROJO: "Rojo",
    Semaforo.NP: "N/P",
    Semaforo.SIN_CAPTURA: "Sin captura",
    Semaforo.VACIO: "Sin dato",
}


@dataclass
class ResumenRamo:
    """One ramo of a public quarter: its sections and the count of metas per semáforo."""

    ramo_id: int
    clave: str
    nombre: str
    secciones: list[Seccion]
    conteo: dict[str, int]

    @property
    def metas(self) -> int:
        return sum(len(s.filas) for s in self.secciones)


def resumen_por_ramo(datos: DatosReporte) -> list[ResumenRamo]:
    """Group a quarter's sections by ramo (in the formats' order) with semáforo counts."""
    ramos: dict[int, ResumenRamo] = {}
    for seccion in datos.secciones:
        ramo = ramos.get(seccion.ramo_id)
        if ramo is None:
            ramo = ramos[seccion.ramo_id] = ResumenRamo(
                seccion.ramo_id,
                seccion.ramo_clave,
                seccion.ramo_nombre,
                [],
                {str(s): 0 for s in ETIQUETAS_SEMAFORO},
            )
        ramo.secciones.append(seccion)
        for fila in seccion.filas:
            ramo.conteo[str(fila.calculo.semaforo)] += 1
    return list(ramos.values())


def objetivos_de_programas(programa_ids) -> dict[int, str]:
    """Each programa's objective for fracción IV: its MIR propósito, else ''; one query."""
    return {pid: textos["proposito"] for pid, textos in mir.fin_y_proposito(programa_ids).items()}
