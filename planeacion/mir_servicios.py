"""Writes of a programa's MIR from Planeación: objectives, indicators, variables, programados.

Every write validates everything first and runs in one transaction, so a bad formula or a
period outside the frecuencia saves nothing. Rows are saved one by one with `_history_user`
so django-simple-history records who changed them. An indicator whose (programa, unidad)
has an AUTORIZADO quarter keeps its structure (DOMAIN.md §5 and §8): its formula,
frecuencia, sentido, semáforo ranges, unidad, variables and the programados of signed
periods cannot change, because the signed report shows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from avances.bloqueo import TrimestreBloqueado, escritura_verificada, mapa_autorizados
from avances.models_indicadores import AvanceIndicador, AvanceVariable
from programas import indicadores as calc
from programas.mir import ORDEN_NIVEL, TIPO_POR_NIVEL, problemas_de_formula
from programas.models import Indicador, Meta, ObjetivoMIR, Programa, ProgramadoVariable, Variable

Nivel = ObjetivoMIR.Nivel
CAMPOS_OBJETIVO = ("nivel", "clave", "componente", "resumen_narrativo", "medios_verificacion",
                   "supuestos")  # fmt: skip
UMBRALES = ("amarillo_min", "verde_min", "verde_max", "amarillo_max")
CAMPOS_INDICADOR = (
    "objetivo", "clave", "nombre", "definicion", "formula", "unidad_medida", "frecuencia",
    "dimension", "tipo", "sentido", "linea_base", "linea_base_anio", "unidad", *UMBRALES,
    "medios_verificacion",
)  # fmt: skip
# The fields the signed figures depend on (avances.bloqueo_indicadores guards the same ones).
ESTRUCTURA = {"formula": "el método de cálculo", "frecuencia": "la frecuencia",
              "sentido": "el sentido", "unidad_id": "la unidad que lo reporta",
              **dict.fromkeys(UMBRALES, "los rangos del semáforo")}  # fmt: skip
CAMPOS_VARIABLE = ("simbolo", "nombre", "unidad_medida", "comportamiento", "fuente", "meta")
ESTRUCTURA_VARIABLE = ("simbolo", "comportamiento", "meta")
NOMBRE_FRECUENCIA = dict(Indicador.Frecuencia.choices)


@dataclass
class VariableDatos:
    """One variable as typed: `pk` of the stored one (None = new) and its programados."""

    simbolo: str
    nombre: str
    comportamiento: str = Variable.Comportamiento.ACUMULABLE
    unidad_medida: str = ""
    fuente: str = ""
    meta: Meta | None = None
    programados: dict[int, Decimal] = field(default_factory=dict)
    pk: int | None = None


# --- Objectives -----------------------------------------------------------------------------


def clave_sugerida(programa: Programa, nivel: str, componente: ObjetivoMIR | None = None) -> str:
    """A free clave for a new objective: F, P, C1, C2…, and C1.A1, C1.A2… under a componente."""
    usadas = set(ObjetivoMIR.objects.filter(programa=programa).values_list("clave", flat=True))
    if nivel in (Nivel.FIN, Nivel.PROPOSITO):
        base, n = ("F" if nivel == Nivel.FIN else "P"), 1
        clave = base
        while clave in usadas:
            n += 1
            clave = f"{base}{n}"
        return clave
    prefijo = f"{componente.clave}.A" if nivel == Nivel.ACTIVIDAD and componente else "C"
    n = 1
    while f"{prefijo}{n}" in usadas:
        n += 1
    return f"{prefijo}{n}"


def _validar_objetivo(objetivo: ObjetivoMIR, previo: ObjetivoMIR | None) -> None:
    if previo and previo.nivel == Nivel.COMPONENTE and objetivo.nivel != Nivel.COMPONENTE:
        if previo.actividades.exists():
            raise ValidationError(
                f"El componente {previo.clave} tiene actividades: muévalas o bórrelas antes "
                "de cambiarle el nivel."
            )
    if not objetivo.resumen_narrativo:
        raise ValidationError("Escriba el resumen narrativo del objetivo.")
    hermanos = ObjetivoMIR.objects.filter(programa=objetivo.programa).exclude(pk=objetivo.pk)
    if hermanos.filter(clave=objetivo.clave).exists():
        raise ValidationError(f"Ya existe el objetivo {objetivo.clave} en este programa.")
    if objetivo.nivel in (Nivel.FIN, Nivel.PROPOSITO):
        if hermanos.filter(nivel=objetivo.nivel).exists():
            nombre = objetivo.get_nivel_display()
            raise ValidationError(f"El programa ya tiene un {nombre}: solo puede haber uno.")
    if objetivo.nivel == Nivel.ACTIVIDAD:
        componente = objetivo.componente
        if componente is None:
            raise ValidationError("Elija el componente al que pertenece la actividad.")
        if componente.programa_id != objetivo.programa_id or componente.nivel != Nivel.COMPONENTE:
            raise ValidationError("El componente elegido no es un componente de este programa.")
    else:
        objetivo.componente = None


@transaction.atomic
def objetivo_guardar(
    *, objetivo: ObjetivoMIR | None = None, programa: Programa, datos: Mapping, usuario
) -> ObjetivoMIR:
    """Create or edit one objective of the programa's MIR (one Fin, one Propósito)."""
    desconocidos = set(datos) - set(CAMPOS_OBJETIVO)
    if desconocidos:
        raise ValueError(f"Campos desconocidos: {sorted(desconocidos)}")
    previo = None
    if objetivo is None:
        objetivo = ObjetivoMIR(programa=programa)
    else:
        if objetivo.programa_id != programa.pk:
            raise ValidationError("El objetivo no es de este programa.")
        previo = ObjetivoMIR.objects.get(pk=objetivo.pk)
        objetivo = ObjetivoMIR.objects.get(pk=objetivo.pk)
    for campo in CAMPOS_OBJETIVO:
        if campo in datos:
            valor = datos[campo]
            setattr(objetivo, campo, valor.strip() if isinstance(valor, str) else valor)
    if objetivo.nivel not in Nivel.values:
        raise ValidationError("Elija el nivel: Fin, Propósito, Componente o Actividad.")
    if not objetivo.clave and objetivo.nivel in Nivel.values:
        objetivo.clave = clave_sugerida(programa, objetivo.nivel, objetivo.componente)
    _validar_objetivo(objetivo, previo)
    if previo is None or previo.nivel != objetivo.nivel:
        objetivo.orden = (
            ORDEN_NIVEL[objetivo.nivel] * 1000
            + ObjetivoMIR.objects.filter(programa=programa, nivel=objetivo.nivel).count()
        )
    objetivo.full_clean(validate_unique=False, validate_constraints=False)
    objetivo._history_user = usuario
    objetivo.save()
    return objetivo


@transaction.atomic
def objetivo_borrar(*, objetivo: ObjetivoMIR, usuario) -> None:
    """Delete an objective that has no indicators and no actividades left."""
    n_indicadores = objetivo.indicadores.count()
    if n_indicadores:
        raise ValidationError(
            f"El objetivo {objetivo.clave} tiene {n_indicadores} indicador(es): bórrelos "
            "antes de borrar el objetivo."
        )
    if objetivo.actividades.exists():
        raise ValidationError(
            f"El componente {objetivo.clave} tiene actividades: bórrelas antes de borrarlo."
        )
    objetivo._history_user = usuario
    objetivo.delete()


# --- Indicators: validation ---------------------------------------------------------------


def _es_simbolo(texto: str) -> bool:
    try:
        formula = calc.parse_formula(texto)
    except calc.FormulaInvalida:
        return False
    return formula.arbol[0] == "var" and formula.texto == texto


def _validar_umbrales(indicador: Indicador, nombre: str) -> None:
    valores = [getattr(indicador, c) for c in UMBRALES]
    if all(v is None for v in valores):
        return
    if any(v is None for v in valores):
        raise ValidationError(
            f"Indicador {nombre}: escriba los cuatro rangos del semáforo o ninguno (sin "
            "rangos propios usa los del ejercicio)."
        )
    if not valores[0] <= valores[1] <= valores[2] <= valores[3]:
        raise ValidationError(
            f"Indicador {nombre}: los rangos deben cumplir amarillo desde ≤ verde desde ≤ "
            "verde hasta ≤ amarillo hasta."
        )


def _validar_variables(
    programa: Programa, nombre: str, frecuencia: str, variables: list[VariableDatos]
) -> None:
    permitidos = set(calc.periodos(frecuencia))
    vistos: set[str] = set()
    for v in variables:
        if not _es_simbolo(v.simbolo):
            raise ValidationError(
                f"Indicador {nombre}: el símbolo «{v.simbolo}» no es válido; use una letra "
                "seguida de letras, dígitos o _ (A, B, X1…)."
            )
        if v.simbolo in vistos:
            raise ValidationError(f"Indicador {nombre}: la variable {v.simbolo} está repetida.")
        vistos.add(v.simbolo)
        if not v.nombre:
            raise ValidationError(
                f"Indicador {nombre}: falta el nombre de la variable {v.simbolo}."
            )
        if v.comportamiento not in Variable.Comportamiento.values:
            raise ValidationError(
                f"Indicador {nombre}: la variable {v.simbolo} debe ser acumulable o continua."
            )
        if v.meta is not None and v.meta.programa_id != programa.pk:
            raise ValidationError(
                f"Indicador {nombre}: la variable {v.simbolo} solo puede vincularse a una meta "
                f"del programa {programa.clave}; la meta {v.meta.clave} es de otro programa."
            )
        valores = {p: x for p, x in v.programados.items() if x is not None}
        if v.meta is not None and valores:
            raise ValidationError(
                f"Indicador {nombre}: la variable {v.simbolo} está vinculada a la meta "
                f"{v.meta.clave} y toma sus valores; deje vacíos sus programados."
            )
        fuera = sorted(set(valores) - permitidos)
        if fuera:
            raise ValidationError(
                f"Indicador {nombre}: la variable {v.simbolo} tiene valores en el periodo "
                f"{', '.join(map(str, fuera))}, que no corresponde a la frecuencia "
                f"{NOMBRE_FRECUENCIA[frecuencia].lower()} (periodos "
                f"{', '.join(map(str, sorted(permitidos)))})."
            )
        if any(x < 0 for x in valores.values()):
            raise ValidationError(
                f"Indicador {nombre}: la variable {v.simbolo} tiene programados negativos."
            )


def _validar_indicador(
    indicador: Indicador, programa: Programa, variables: list[VariableDatos]
) -> None:
    nombre = indicador.clave or "(sin clave)"
    if not indicador.clave:
        raise ValidationError("Escriba la clave del indicador.")
    if not indicador.nombre:
        raise ValidationError(f"Indicador {nombre}: escriba su nombre.")
    otros = Indicador.objects.filter(programa=programa, clave=indicador.clave)
    if otros.exclude(pk=indicador.pk).exists():
        raise ValidationError(f"Ya existe el indicador {indicador.clave} en este programa.")
    if indicador.objetivo_id is None or indicador.objetivo.programa_id != programa.pk:
        raise ValidationError(f"Indicador {nombre}: elija un objetivo de la MIR de este programa.")
    if indicador.unidad_id is None or indicador.unidad.ramo_id != programa.ramo_id:
        raise ValidationError(
            f"Indicador {nombre}: la unidad que lo reporta debe ser del ramo {programa.ramo.clave}."
        )
    if indicador.frecuencia not in Indicador.Frecuencia.values:
        raise ValidationError(f"Indicador {nombre}: elija la frecuencia de medición.")
    problemas = problemas_de_formula(indicador.formula, [v.simbolo for v in variables])
    if problemas:
        raise ValidationError(f"Indicador {nombre}: {' '.join(problemas)}")
    indicador.formula = calc.parse_formula(indicador.formula).texto
    _validar_umbrales(indicador, nombre)
    _validar_variables(programa, nombre, indicador.frecuencia, variables)
    try:
        indicador.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        textos = [
            (f"{Indicador._meta.get_field(c).verbose_name}: " if c != NON_FIELD_ERRORS else "")
            + " ".join(m)
            for c, m in exc.message_dict.items()
        ]
        raise ValidationError(f"Indicador {nombre}: {'; '.join(textos)}") from None


# --- Indicators: the lock of authorized quarters ---------------------------------------------


def _autorizados(indicador: Indicador, previo: Indicador | None) -> set[int]:
    """Authorized quarters of the indicator's pair, old and new (rows locked FOR UPDATE)."""
    pares = {(indicador.programa_id, indicador.unidad_id)}
    if previo is not None:
        pares.add((previo.programa_id, previo.unidad_id))
    mapa = mapa_autorizados(pares, bloquear=True)
    return set().union(*mapa.values())


def _rechazar(clave: str, autorizados: set[int], accion: str) -> None:
    trimestres = ", ".join(str(t) for t in sorted(autorizados))
    cual = (
        f"los trimestres {trimestres} están autorizados"
        if len(autorizados) > 1
        else (f"el trimestre {trimestres} está autorizado")
    )
    raise TrimestreBloqueado(
        f"Indicador {clave}: no se puede {accion} porque {cual} para su programa y unidad, y "
        "su reporte firmado lo muestra. Solicite la reapertura del trimestre.",
        meta_clave=clave,
    )


def _cambios_de_estructura(
    indicador: Indicador,
    previo: Indicador,
    variables: list[VariableDatos],
    guardadas: dict[int, Variable],
) -> list[str]:
    """What a change touches of the structure the signed figures depend on, in words."""
    cambios: list[str] = []
    for atributo, texto in ESTRUCTURA.items():
        if getattr(previo, atributo) != getattr(indicador, atributo) and texto not in cambios:
            cambios.append(texto)
    nuevas = [v.simbolo for v in variables if v.pk is None]
    conservadas = {v.pk for v in variables}
    quitadas = sorted(g.simbolo for pk, g in guardadas.items() if pk not in conservadas)
    if nuevas:
        cambios.append("agregar variables (" + ", ".join(nuevas) + ")")
    if quitadas:
        cambios.append("quitar variables (" + ", ".join(quitadas) + ")")
    for v in variables:
        actual = guardadas.get(v.pk)
        if actual is not None and [actual.simbolo, actual.comportamiento, actual.meta_id] != [
            v.simbolo,
            v.comportamiento,
            v.meta.pk if v.meta else None,
        ]:
            cambios.append(f"el símbolo, comportamiento o meta de la variable {actual.simbolo}")
    return cambios


def _periodos_firmados_cambiados(
    variables: list[VariableDatos], guardados: dict[int, dict[int, Decimal]], autorizados
) -> list[str]:
    cambiados = []
    for v in variables:
        antes = guardados.get(v.pk, {}) if v.pk else {}
        for periodo in sorted(set(antes) | set(v.programados)):
            if (periodo + 2) // 3 not in autorizados:
                continue
            if antes.get(periodo) != v.programados.get(periodo):
                cambiados.append(f"{v.simbolo} periodo {periodo}")
    return cambiados


def _exigir_abierto(indicador, previo, variables, guardadas, programados) -> None:
    autorizados = _autorizados(indicador, previo)
    if not autorizados:
        return
    if previo is None:
        _rechazar(indicador.clave, autorizados, "agregarlo")
    cambios = _cambios_de_estructura(indicador, previo, variables, guardadas)
    if cambios:
        _rechazar(previo.clave, autorizados, "cambiar " + "; ".join(cambios))
    firmados = _periodos_firmados_cambiados(variables, programados, autorizados)
    if firmados:
        _rechazar(
            previo.clave, autorizados,
            "cambiar los programados de periodos firmados (" + ", ".join(firmados) + ")",
        )  # fmt: skip


# --- Indicators: writing ----------------------------------------------------------------------


def _guardar(obj, usuario, campos=None) -> None:
    obj._history_user = usuario
    obj.save(update_fields=campos)


def _borrar(obj, usuario) -> None:
    obj._history_user = usuario
    obj.delete()


def _escribir_programados(variable: Variable, nuevos: Mapping[int, Decimal], actuales, usuario):
    for periodo, fila in list(actuales.items()):
        valor = nuevos.get(periodo)
        if valor is None:
            _borrar(fila, usuario)
        elif fila.valor != valor:
            fila.valor = valor
            _guardar(fila, usuario, ["valor"])
    for periodo, valor in sorted(nuevos.items()):
        if valor is not None and periodo not in actuales:
            _guardar(ProgramadoVariable(variable=variable, periodo=periodo, valor=valor), usuario)


def _escribir_variables(indicador, variables, guardadas, filas_programadas, usuario) -> None:
    conservadas = {v.pk for v in variables if v.pk}
    for pk, variable in guardadas.items():
        if pk not in conservadas:
            for fila in filas_programadas.get(pk, {}).values():
                _borrar(fila, usuario)
            _borrar(variable, usuario)
    for datos in variables:
        variable = guardadas.get(datos.pk) or Variable(indicador=indicador)
        previo = [getattr(variable, c) for c in CAMPOS_VARIABLE] if variable.pk else None
        for campo in CAMPOS_VARIABLE:
            setattr(variable, campo, getattr(datos, campo))
        if previo != [getattr(variable, c) for c in CAMPOS_VARIABLE]:
            _guardar(variable, usuario)
        programados = {} if datos.meta is not None else datos.programados
        _escribir_programados(variable, programados, filas_programadas.get(datos.pk, {}), usuario)


def _limpiar_variables(variables: Iterable[VariableDatos]) -> list[VariableDatos]:
    limpias = []
    for v in variables:
        for campo in ("simbolo", "nombre", "unidad_medida", "fuente"):
            setattr(v, campo, (getattr(v, campo) or "").strip())
        v.programados = {int(p): x for p, x in v.programados.items() if x is not None}
        limpias.append(v)
    return limpias


def _guardadas(indicador: Indicador | None, variables: list[VariableDatos]):
    """The stored variables of the indicator and their programados, {pk: {periodo: fila}}."""
    if indicador is None:
        if any(v.pk for v in variables):
            raise ValidationError("Una variable no es de este indicador.")
        return {}, {}
    guardadas = {v.pk: v for v in Variable.objects.filter(indicador=indicador)}
    if any(v.pk and v.pk not in guardadas for v in variables):
        raise ValidationError(f"Indicador {indicador.clave}: una variable no es de este indicador.")
    filas: dict[int, dict[int, ProgramadoVariable]] = {pk: {} for pk in guardadas}
    for fila in ProgramadoVariable.objects.filter(variable__indicador=indicador):
        filas[fila.variable_id][fila.periodo] = fila
    return guardadas, filas


def _exigir_sin_capturas(variables: Iterable[Variable], que: str) -> None:
    capturadas = sorted(
        AvanceVariable.objects.filter(variable__in=list(variables), realizado__isnull=False)
        .values_list("variable__simbolo", flat=True)
        .distinct()
    )
    if capturadas:
        raise ValidationError(
            f"No se puede {que}: la unidad ya capturó valores de la variable "
            f"{', '.join(capturadas)}."
        )


@transaction.atomic
def indicador_guardar(
    *,
    indicador: Indicador | None = None,
    programa: Programa,
    datos: Mapping,
    variables: Iterable[VariableDatos],
    usuario,
) -> Indicador:
    """Create or edit an indicator with the full list of its variables and programados.

    Variables left out are deleted; a variable keeps its `pk`. A blank `tipo` takes the
    default of the objective's level (Estratégico for Fin/Propósito, De gestión otherwise).
    """
    desconocidos = set(datos) - set(CAMPOS_INDICADOR)
    if desconocidos:
        raise ValueError(f"Campos desconocidos: {sorted(desconocidos)}")
    previo = None
    if indicador is None:
        indicador = Indicador(programa=programa)
    else:
        if indicador.programa_id != programa.pk:
            raise ValidationError("El indicador no es de este programa.")
        # Work on fresh copies: a refused change leaves the caller's instance as it was.
        previo = Indicador.objects.get(pk=indicador.pk)
        indicador = Indicador.objects.get(pk=indicador.pk)
    for campo in CAMPOS_INDICADOR:
        if campo in datos:
            valor = datos[campo]
            setattr(indicador, campo, valor.strip() if isinstance(valor, str) else valor)
    if not indicador.tipo and indicador.objetivo_id:
        indicador.tipo = TIPO_POR_NIVEL[indicador.objetivo.nivel]
    variables = _limpiar_variables(variables)
    _validar_indicador(indicador, programa, variables)
    guardadas, filas = _guardadas(previo, variables)
    valores = {pk: {p: f.valor for p, f in porp.items()} for pk, porp in filas.items()}
    _exigir_abierto(indicador, previo, variables, guardadas, valores)
    quitadas = [v for pk, v in guardadas.items() if pk not in {d.pk for d in variables}]
    _exigir_sin_capturas(quitadas, f"quitar variables del indicador {indicador.clave}")
    if previo is None:
        indicador.orden = Indicador.objects.filter(objetivo=indicador.objetivo).count()
    with escritura_verificada():  # the lock was checked above, with the rows locked
        _guardar(indicador, usuario)
        _escribir_variables(indicador, variables, guardadas, filas, usuario)
    return indicador


@transaction.atomic
def indicador_borrar(*, indicador: Indicador, usuario) -> None:
    """Delete an indicator without captured values, outside any authorized quarter."""
    autorizados = _autorizados(indicador, None)
    if autorizados:
        _rechazar(indicador.clave, autorizados, "borrarlo")
    variables = list(Variable.objects.filter(indicador=indicador))
    _exigir_sin_capturas(variables, f"borrar el indicador {indicador.clave}")
    if AvanceIndicador.objects.filter(indicador=indicador).exclude(justificacion="").exists():
        raise ValidationError(
            f"No se puede borrar el indicador {indicador.clave}: tiene justificaciones capturadas."
        )
    with escritura_verificada():
        for fila in ProgramadoVariable.objects.filter(variable__indicador=indicador):
            _borrar(fila, usuario)
        for fila in AvanceVariable.objects.filter(variable__indicador=indicador):
            _borrar(fila, usuario)
        for fila in AvanceIndicador.objects.filter(indicador=indicador):
            _borrar(fila, usuario)
        for variable in variables:
            _borrar(variable, usuario)
        _borrar(indicador, usuario)
