"""`/api/v1/indicadores/`: the MIR indicators with their periods (DOMAIN.md §8).

Without a token: indicators whose (programa, unidad que lo reporta) has an authorized
quarter, and of each only the periods that end in an authorized quarter, computed with that
quarter's end as cut-off (the signed figures). With a token: the user's scope (the rule of
the metas, `Alcance.q_metas`), every period, computed with the months already over.

A page runs a constant number of queries: count, the page's ids, the seven of
`filas_indicadores` and one for the authorized quarters.
"""

from __future__ import annotations

from django_filters import rest_framework as df
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from avances.calendario import mes_corte
from avances.selectors_indicadores import FilaIndicador, filas_indicadores
from programas import indicadores as calc
from programas.models import Indicador, ObjetivoMIR
from programas.scope import alcance_de
from publico import selectors
from publico.api.filtros import Entero, filtro_anio
from publico.api.views import NOTA, Lectura, autenticado
from publico.indicadores import (
    CENTESIMOS,
    estado_cifra,
    identificador_de,
    indicadores_publicos,
    periodos_publicos,
    redondear,
    trimestre_de_periodo,
    valor_cifra,
)
from reportes.tablero_indicadores import umbrales_vigentes

VALOR = {"max_digits": 30, "decimal_places": 4, "read_only": True, "allow_null": True}
PORCENTAJE = {"max_digits": 7, "decimal_places": 2, "read_only": True}


# --- Schema ---------------------------------------------------------------------------------


class CifraSerializer(serializers.Serializer):
    valor = serializers.DecimalField(**VALOR, help_text="El número; null si no lo es.")
    estado = serializers.ChoiceField(
        choices=[str(e) for e in calc.Estado],
        read_only=True,
        help_text="NUMERO; N/D (división entre cero); SIN_CAPTURA (falta un valor vencido); "
        "VACIO (el periodo no vence aún).",
    )


class VariablePeriodoSerializer(serializers.Serializer):
    simbolo = serializers.CharField(read_only=True)
    programado = serializers.DecimalField(**VALOR, help_text="Programado del periodo.")
    alcanzado = serializers.DecimalField(**VALOR, help_text="Alcanzado; null si no se capturó.")
    programado_acumulado = serializers.DecimalField(**VALOR)
    alcanzado_acumulado = serializers.DecimalField(
        **VALOR, help_text="null si falta un periodo vencido."
    )


class PeriodoSerializer(serializers.Serializer):
    periodo = serializers.IntegerField(
        min_value=1, max_value=12, read_only=True, help_text="Último mes del periodo."
    )
    trimestre = serializers.IntegerField(min_value=1, max_value=4, read_only=True)
    variables = VariablePeriodoSerializer(many=True, read_only=True)
    resultado_periodo = CifraSerializer(read_only=True)
    resultado_acumulado = CifraSerializer(read_only=True)
    meta_periodo = CifraSerializer(read_only=True)
    meta_acumulada = CifraSerializer(read_only=True)
    cumplimiento = CifraSerializer(
        read_only=True, help_text="Resultado acumulado / meta acumulada × 100 (según sentido)."
    )
    semaforo = serializers.ChoiceField(
        choices=[str(s) for s in calc.Semaforo], read_only=True
    )  # fmt: skip
    justificacion = serializers.CharField(read_only=True)


class VariableSerializer(serializers.Serializer):
    simbolo = serializers.CharField(read_only=True)
    nombre = serializers.CharField(read_only=True)
    unidad_medida = serializers.CharField(read_only=True)
    comportamiento = serializers.ChoiceField(
        choices=["ACUMULABLE", "CONTINUA"], read_only=True
    )  # fmt: skip
    fuente = serializers.CharField(read_only=True)
    meta = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Id de la meta vinculada; null si ninguna."
    )


class UmbralesSerializer(serializers.Serializer):
    origen = serializers.ChoiceField(choices=["indicador", "ejercicio"], read_only=True)
    verde_min = serializers.DecimalField(**PORCENTAJE)
    verde_max = serializers.DecimalField(**PORCENTAJE)
    amarillo_min = serializers.DecimalField(**PORCENTAJE)
    amarillo_max = serializers.DecimalField(**PORCENTAJE)


class IndicadorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    identificador = serializers.CharField(
        read_only=True, help_text="Identificador estable: ejercicio-ramo-programa-clave."
    )
    ejercicio = serializers.IntegerField(read_only=True)
    ramo = serializers.IntegerField(read_only=True)
    programa = serializers.IntegerField(read_only=True)
    programa_clave = serializers.CharField(read_only=True)
    unidad = serializers.IntegerField(read_only=True, help_text="Unidad que lo reporta.")
    unidad_clave = serializers.CharField(read_only=True)
    nivel = serializers.ChoiceField(choices=ObjetivoMIR.Nivel.values, read_only=True)
    objetivo = serializers.CharField(read_only=True, help_text="Resumen narrativo.")
    clave = serializers.CharField(read_only=True)
    nombre = serializers.CharField(read_only=True)
    definicion = serializers.CharField(read_only=True)
    formula = serializers.CharField(read_only=True, help_text="Método de cálculo.")
    unidad_medida = serializers.CharField(read_only=True)
    frecuencia = serializers.ChoiceField(choices=Indicador.Frecuencia.values, read_only=True)
    dimension = serializers.ChoiceField(choices=Indicador.Dimension.values, read_only=True)
    tipo = serializers.ChoiceField(choices=Indicador.Tipo.values, read_only=True)
    sentido = serializers.ChoiceField(choices=Indicador.Sentido.values, read_only=True)
    linea_base = serializers.DecimalField(**VALOR)
    linea_base_anio = serializers.IntegerField(read_only=True, allow_null=True)
    meta_anual = CifraSerializer(read_only=True, help_text="La fórmula sobre todo el año.")
    umbrales = UmbralesSerializer(read_only=True, help_text="Umbrales vigentes del semáforo.")
    trimestres_autorizados = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=4), read_only=True
    )
    variables = VariableSerializer(many=True, read_only=True)
    periodos = PeriodoSerializer(
        many=True,
        read_only=True,
        help_text="Sin token: solo los periodos de trimestres autorizados. Con token: todos.",
    )


class FiltroIndicador(df.FilterSet):
    ejercicio = filtro_anio("programa__ramo__ejercicio__anio")
    ramo = Entero(field_name="programa__ramo_id", label="Id del ramo")
    programa = Entero(field_name="programa_id", label="Id del programa")
    unidad = Entero(field_name="unidad_id", label="Id de la unidad que lo reporta")
    nivel = df.ChoiceFilter(
        field_name="objetivo__nivel", choices=ObjetivoMIR.Nivel.choices, label="Nivel de la MIR"
    )

    class Meta:
        model = Indicador
        fields: list[str] = []


# --- Rows ------------------------------------------------------------------------------------


def _cifra(cifra: calc.Cifra | None, paso=None) -> dict:
    valor = valor_cifra(cifra, paso) if paso else valor_cifra(cifra)
    return {"valor": None if valor is None else f"{valor:f}", "estado": estado_cifra(cifra)}


def _decimal(valor) -> str | None:
    valor = redondear(valor)
    return None if valor is None else f"{valor:f}"


def _periodo(fila: FilaIndicador, periodo: int, corte: int) -> dict:
    umbrales, _ = umbrales_vigentes(fila)
    c = calc.calcular_indicador(fila.datos, periodo, corte=corte, umbrales_ejercicio=umbrales)
    return {
        "periodo": periodo,
        "trimestre": trimestre_de_periodo(periodo),
        "variables": [
            {
                "simbolo": v.simbolo,
                "programado": _decimal(v.programado_periodo),
                "alcanzado": _decimal(v.realizado_periodo),
                "programado_acumulado": _decimal(v.programado_acumulado),
                "alcanzado_acumulado": _decimal(v.realizado_acumulado),
            }
            for v in c.variables
        ],
        "resultado_periodo": _cifra(c.resultado_periodo),
        "resultado_acumulado": _cifra(c.resultado_acumulado),
        "meta_periodo": _cifra(c.meta_periodo),
        "meta_acumulada": _cifra(c.meta_acumulada),
        "cumplimiento": _cifra(c.cumplimiento, CENTESIMOS),
        "semaforo": str(c.semaforo),
        "justificacion": fila.justificaciones.get(periodo, ""),
    }


def _fila(fila: FilaIndicador, trimestres: list[int], *, solo_autorizados: bool) -> dict:
    ind = fila.indicador
    programa = ind.programa
    anio = programa.ramo.ejercicio.anio
    umbrales, propios = umbrales_vigentes(fila)
    if solo_autorizados:  # each period as signed: cut at the end of its quarter
        publicos = periodos_publicos(ind.frecuencia, trimestres)
        periodos = [(p, 3 * trimestre_de_periodo(p)) for p in publicos]
    else:
        corte = mes_corte(anio)
        periodos = [(p, corte) for p in calc.periodos(ind.frecuencia)]
    return {
        "id": ind.pk,
        "identificador": identificador_de(fila),
        "ejercicio": anio,
        "ramo": programa.ramo_id,
        "programa": programa.pk,
        "programa_clave": programa.clave,
        "unidad": ind.unidad_id,
        "unidad_clave": ind.unidad.clave,
        "nivel": ind.objetivo.nivel,
        "objetivo": ind.objetivo.resumen_narrativo,
        "clave": ind.clave,
        "nombre": ind.nombre,
        "definicion": ind.definicion,
        "formula": ind.formula,
        "unidad_medida": ind.unidad_medida,
        "frecuencia": ind.frecuencia,
        "dimension": ind.dimension,
        "tipo": ind.tipo,
        "sentido": ind.sentido,
        "linea_base": _decimal(ind.linea_base),
        "linea_base_anio": ind.linea_base_anio,
        "meta_anual": _cifra(fila.meta_anual),
        "umbrales": {
            "origen": "indicador" if propios else "ejercicio",
            **{
                k: f"{getattr(umbrales, k):.2f}"
                for k in ("verde_min", "verde_max", "amarillo_min", "amarillo_max")
            },
        },  # fmt: skip
        "trimestres_autorizados": trimestres,
        "variables": [
            {
                "simbolo": v.simbolo,
                "nombre": v.nombre,
                "unidad_medida": v.unidad_medida,
                "comportamiento": v.comportamiento,
                "fuente": v.fuente,
                "meta": v.meta_id,
            }
            for v in fila.variables
        ],  # fmt: skip
        "periodos": [_periodo(fila, p, corte) for p, corte in periodos],
    }


def filas_api(ids: list[int], *, solo_autorizados: bool) -> list[dict]:
    """The API rows of a page of indicator ids, in the page's order (eight queries)."""
    if not ids:
        return []
    consulta = Indicador.objects.filter(pk__in=ids)
    filas = {f.indicador.pk: f for f in filas_indicadores(consulta, trimestre=4)}
    autorizados = selectors.trimestres_autorizados_por_par(
        {(f.indicador.programa_id, f.indicador.unidad_id) for f in filas.values()}
    )
    return [
        _fila(
            filas[i],
            autorizados.get((filas[i].indicador.programa_id, filas[i].indicador.unidad_id), []),
            solo_autorizados=solo_autorizados,
        )
        for i in ids
        if i in filas
    ]


# --- Endpoint ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Indicadores de la MIR con sus periodos",
        description="Variables programado/alcanzado por periodo, resultado, meta, "
        "cumplimiento y semáforo." + NOTA,
    ),
    retrieve=extend_schema(
        summary="Un indicador de la MIR con sus periodos",
        description="404 si el indicador no existe o no es visible." + NOTA,
        responses={
            200: IndicadorSerializer,
            404: OpenApiResponse(description="No existe o no es visible para usted."),
        },
    ),
)
class IndicadorViewSet(mixins.RetrieveModelMixin, Lectura):
    serializer_class = IndicadorSerializer
    filterset_class = FiltroIndicador
    lookup_value_regex = r"[0-9]{1,18}"
    orden = ("programa__ramo__ejercicio__anio", "programa__ramo__clave", "programa__clave",
             "orden", "id")  # fmt: skip

    def publico(self):
        return indicadores_publicos().order_by(*self.orden)

    def del_ambito(self, user):
        return Indicador.objects.filter(alcance_de(user).q_metas()).order_by(*self.orden)

    def list(self, request, *args, **kwargs):
        consulta = self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)
        ids = list(self.paginate_queryset(consulta))
        filas = filas_api(ids, solo_autorizados=not autenticado(request))
        return self.get_paginated_response(filas)

    def retrieve(self, request, *args, **kwargs):
        indicador = self.get_object()
        (fila,) = filas_api([indicador.pk], solo_autorizados=not autenticado(request))
        return Response(fila)
