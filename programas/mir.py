"""Reading and writing a programa's MIR objectives (DOMAIN.md §8).

The Fin and the Propósito are objectives like the others; the programas sheet, the
programa form and the Identificación de programas read and write their resumen narrativo
through these functions, so there is one place that stores them.
"""

from __future__ import annotations

from collections.abc import Iterable

from programas.indicadores import FormulaInvalida, errores_de_variables, parse_formula
from programas.models_mir import Indicador, ObjetivoMIR

NIVELES_UNICOS = {ObjetivoMIR.Nivel.FIN: "F", ObjetivoMIR.Nivel.PROPOSITO: "P"}
ORDEN_NIVEL = {"FIN": 0, "PROPOSITO": 1, "COMPONENTE": 2, "ACTIVIDAD": 3}
TIPO_POR_NIVEL = {
    "FIN": Indicador.Tipo.ESTRATEGICO,
    "PROPOSITO": Indicador.Tipo.ESTRATEGICO,
    "COMPONENTE": Indicador.Tipo.GESTION,
    "ACTIVIDAD": Indicador.Tipo.GESTION,
}


def fin_y_proposito(programa_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """{programa_id: {"fin": texto, "proposito": texto}} in one query ("" when missing)."""
    textos = {pid: {"fin": "", "proposito": ""} for pid in programa_ids}
    filas = ObjetivoMIR.objects.filter(
        programa_id__in=list(textos), nivel__in=list(NIVELES_UNICOS)
    ).values_list("programa_id", "nivel", "resumen_narrativo")
    for programa_id, nivel, texto in filas:
        textos[programa_id]["fin" if nivel == "FIN" else "proposito"] = texto
    return textos


def fijar_objetivo_unico(programa, nivel: str, texto: str) -> None:
    """Create, update or remove the Fin / Propósito of a programa from its text.

    A blank text removes the objective only when nothing hangs from it (no indicators);
    otherwise the objective stays, since its indicators need it.
    """
    texto = (texto or "").strip()
    objetivo = ObjetivoMIR.objects.filter(programa=programa, nivel=nivel).first()
    if objetivo is None:
        if texto:
            ObjetivoMIR.objects.create(
                programa=programa,
                nivel=nivel,
                clave=_clave_libre(programa, NIVELES_UNICOS[nivel]),
                resumen_narrativo=texto,
                orden=ORDEN_NIVEL[nivel],
            )
        return
    if texto and objetivo.resumen_narrativo != texto:
        objetivo.resumen_narrativo = texto
        objetivo.save(update_fields=["resumen_narrativo"])
    elif not texto and not objetivo.indicadores.exists():
        objetivo.delete()


def fijar_fin_proposito(programa, *, fin: str, proposito: str) -> None:
    fijar_objetivo_unico(programa, ObjetivoMIR.Nivel.FIN, fin)
    fijar_objetivo_unico(programa, ObjetivoMIR.Nivel.PROPOSITO, proposito)


def _clave_libre(programa, base: str) -> str:
    usadas = set(ObjetivoMIR.objects.filter(programa=programa).values_list("clave", flat=True))
    clave, n = base, 1
    while clave in usadas:
        n += 1
        clave = f"{base}{n}"
    return clave


def problemas_de_formula(texto: str, simbolos: Iterable[str]) -> list[str]:
    """Spanish messages about a método de cálculo against its variables' símbolos ([] = ok)."""
    try:
        formula = parse_formula(texto)
    except FormulaInvalida as error:
        return [error.mensaje]
    return errores_de_variables(formula, simbolos)
