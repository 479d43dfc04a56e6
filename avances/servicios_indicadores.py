"""Capturing the MIR indicators' variables and justificaciones (DOMAIN.md §8).

The same rules as the metas' grid (`avances.services`): only the unidad that reports the
indicator, only periods of its frecuencia that end in the quarter and are not in the
future, closed months and authorized quarters refused, optimistic versions (a stale page
gets a conflict with the other person's value). Each value is stored on its own: a bad
one is reported and the others are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from avances.bloqueo import mapa_autorizados
from avances.calendario import meses_cerrados, ultimo_mes_capturable
from avances.models import AvanceIndicador, AvanceVariable
from avances.models_indicadores import MAX_JUSTIFICACION
from avances.services import error_de_realizado
from programas.indicadores import periodos
from programas.models import NOMBRES_MES, Indicador, Variable


@dataclass(frozen=True)
class EntradaVariable:
    variable_id: int
    periodo: int
    realizado: Decimal | None
    version: int = 0  # the version the page showed; 0 = nothing stored then

    @property
    def clave(self) -> str:
        return f"v{self.variable_id}-{self.periodo}"


@dataclass(frozen=True)
class EntradaJustificacion:
    indicador_id: int
    periodo: int
    texto: str
    version: int = 0

    @property
    def clave(self) -> str:
        return f"j{self.indicador_id}-{self.periodo}"


@dataclass
class ResultadoIndicadores:
    guardados: list[str] = field(default_factory=list)
    errores: dict[str, str] = field(default_factory=dict)
    conflictos: dict[str, str] = field(default_factory=dict)  # clave → the stored value
    versiones: dict[str, int] = field(default_factory=dict)


class _Rechazo(Exception):
    def __init__(self, mensaje: str):
        self.mensaje = mensaje


class _Conflicto(Exception):
    def __init__(self, actual: str):
        self.actual = actual


def _exigir_periodo(indicador: Indicador, periodo: int, trimestre: int, reglas: dict) -> None:
    nombre = NOMBRES_MES[periodo - 1].lower() if 1 <= periodo <= 12 else str(periodo)
    if periodo not in periodos(indicador.frecuencia) or (periodo + 2) // 3 != trimestre:
        raise _Rechazo(f"El periodo {periodo} no corresponde al indicador en este trimestre.")
    if periodo > reglas["ultimo"]:
        raise _Rechazo(f"No se puede capturar el periodo que termina en {nombre}: es futuro.")
    if periodo in reglas["cerrados"]:
        raise _Rechazo(f"El mes de {nombre} está cerrado por Planeación (periodo cerrado).")
    firmados = reglas["autorizados"].get((indicador.programa_id, indicador.unidad_id), set())
    if trimestre in firmados:
        raise _Rechazo(
            f"El trimestre {trimestre} del programa {indicador.programa.clave} ya está "
            "autorizado: no se puede modificar (pida su reapertura)."
        )


def guardar_indicadores(
    *, unidad, trimestre: int, variables=(), justificaciones=(), usuario, dia=None
) -> ResultadoIndicadores:
    """Store each value on its own; report errors and conflicts per entry."""
    resultado = ResultadoIndicadores()
    variables, justificaciones = list(variables), list(justificaciones)
    if not variables and not justificaciones:
        return resultado
    ejercicio = unidad.ramo.ejercicio
    indicadores = {
        i.pk: i for i in Indicador.objects.filter(unidad_id=unidad.pk).select_related("programa")
    }
    objetos = {
        v.pk: v
        for v in Variable.objects.filter(
            pk__in={e.variable_id for e in variables}, indicador__unidad_id=unidad.pk
        )
    }
    with transaction.atomic():
        reglas = {
            "ultimo": ultimo_mes_capturable(ejercicio.anio, dia),
            "cerrados": set(meses_cerrados(ejercicio.pk)),
            "autorizados": mapa_autorizados(
                {(i.programa_id, i.unidad_id) for i in indicadores.values()}, bloquear=True
            ),
        }
        for entrada in variables:
            _una(resultado, entrada, lambda e=entrada: _guardar_variable(
                e, objetos, indicadores, trimestre, reglas, usuario))  # fmt: skip
        for entrada in justificaciones:
            _una(resultado, entrada, lambda e=entrada: _guardar_justificacion(
                e, indicadores, trimestre, reglas, usuario))  # fmt: skip
    return resultado


def _una(resultado: ResultadoIndicadores, entrada, guardar) -> None:
    try:
        with transaction.atomic():
            version = guardar()
    except _Rechazo as error:
        resultado.errores[entrada.clave] = error.mensaje
    except _Conflicto as conflicto:
        resultado.conflictos[entrada.clave] = conflicto.actual
    else:
        if version is not None:
            resultado.guardados.append(entrada.clave)
            resultado.versiones[entrada.clave] = version


def _guardar_variable(entrada, objetos, indicadores, trimestre, reglas, usuario) -> int | None:
    variable = objetos.get(entrada.variable_id)
    if variable is None or variable.indicador_id not in indicadores:
        raise _Rechazo("La variable no pertenece a un indicador de esta unidad.")
    if variable.meta_id:
        raise _Rechazo("Esta variable toma sus valores de una meta: se captura en la meta.")
    _exigir_periodo(indicadores[variable.indicador_id], entrada.periodo, trimestre, reglas)
    error = error_de_realizado(entrada.realizado)
    if error:
        raise _Rechazo(error)
    return _escribir(
        AvanceVariable, {"variable": variable, "periodo": entrada.periodo}, "realizado",
        entrada.realizado, entrada.version, usuario,
    )  # fmt: skip


def _guardar_justificacion(entrada, indicadores, trimestre, reglas, usuario) -> int | None:
    indicador = indicadores.get(entrada.indicador_id)
    if indicador is None:
        raise _Rechazo("El indicador no lo reporta esta unidad.")
    _exigir_periodo(indicador, entrada.periodo, trimestre, reglas)
    texto = (entrada.texto or "").strip()
    if "\x00" in texto:
        raise _Rechazo("La justificación contiene un carácter no válido (NUL); bórrelo.")
    if len(texto) > MAX_JUSTIFICACION:
        raise _Rechazo(
            f"La justificación tiene {len(texto):,} caracteres; el máximo es "
            f"{MAX_JUSTIFICACION:,}. No se cortó: acórtela y guarde de nuevo."
        )
    return _escribir(
        AvanceIndicador, {"indicador": indicador, "periodo": entrada.periodo}, "justificacion",
        texto, entrada.version, usuario,
    )  # fmt: skip


def _escribir(modelo, llave: dict, campo: str, valor, version: int, usuario) -> int | None:
    """Write one versioned value (the row locked): the new version, None if nothing changed.

    A page that showed another version gets a conflict with the stored value.
    """
    actual = modelo.objects.select_for_update().filter(**llave).first()
    vacio = None if campo == "realizado" else ""
    if actual is None:
        if version:
            raise _Conflicto("(vacío)" if vacio is None else "")
        if valor == vacio:
            return None
        nuevo = modelo(**llave, **{campo: valor}, actualizado_por=usuario)
        nuevo._history_user = usuario
        nuevo.save()
        return nuevo.version
    guardado = getattr(actual, campo)
    if actual.version != version:
        raise _Conflicto("(vacío)" if guardado is None else str(guardado))
    if guardado == valor:
        return None
    setattr(actual, campo, valor)
    actual.version += 1
    actual.actualizado_por = usuario
    actual._history_user = usuario
    actual.save()
    return actual.version
