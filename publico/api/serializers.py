"""Serializers of the read API (read-only; every field documented in the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from avances.models import TrimestreFirma
from programas.models import Ejercicio, Meta, Programa, Ramo, UnidadEjecutora

DECIMAL = {"max_digits": 18, "decimal_places": 2, "read_only": True}
PORCENTAJE = {"max_digits": 7, "decimal_places": 2, "read_only": True}


class EjercicioSerializer(serializers.ModelSerializer):
    verde_min = serializers.DecimalField(**PORCENTAJE, help_text="Semáforo: verde desde (%).")
    verde_max = serializers.DecimalField(**PORCENTAJE, help_text="Semáforo: verde hasta (%).")
    amarillo_min = serializers.DecimalField(**PORCENTAJE, help_text="Amarillo desde (%).")
    amarillo_max = serializers.DecimalField(**PORCENTAJE, help_text="Amarillo hasta (%).")

    class Meta:
        model = Ejercicio
        fields = ["id", "anio", "verde_min", "verde_max", "amarillo_min", "amarillo_max"]


class RamoSerializer(serializers.ModelSerializer):
    ejercicio = serializers.IntegerField(source="ejercicio.anio", read_only=True)

    class Meta:
        model = Ramo
        fields = ["id", "ejercicio", "clave", "nombre"]


class ProgramaSerializer(serializers.ModelSerializer):
    ejercicio = serializers.IntegerField(source="ramo.ejercicio.anio", read_only=True)
    ramo = serializers.IntegerField(source="ramo_id", read_only=True)
    ramo_clave = serializers.CharField(source="ramo.clave", read_only=True)

    class Meta:
        model = Programa
        fields = [
            "id", "ejercicio", "ramo", "ramo_clave", "clave", "nombre", "finalidad", "funcion",
            "subfuncion", "eje",
        ]  # fmt: skip


class UnidadSerializer(serializers.ModelSerializer):
    ejercicio = serializers.IntegerField(source="ramo.ejercicio.anio", read_only=True)
    ramo = serializers.IntegerField(source="ramo_id", read_only=True)
    ramo_clave = serializers.CharField(source="ramo.clave", read_only=True)

    class Meta:
        model = UnidadEjecutora
        fields = ["id", "ejercicio", "ramo", "ramo_clave", "clave", "nombre"]


class MesSerializer(serializers.Serializer):
    mes = serializers.IntegerField(
        min_value=1, max_value=12, help_text="1 = enero … 12 = diciembre."
    )
    programado = serializers.DecimalField(**DECIMAL, help_text="P del mes (0 si está en blanco).")
    realizado = serializers.DecimalField(
        **DECIMAL, allow_null=True, help_text="R del mes; null si no se capturó."
    )


class MetaSerializer(serializers.ModelSerializer):
    identificador = serializers.CharField(
        read_only=True, help_text="Identificador estable: ejercicio-ramo-programa-unidad-clave."
    )
    ejercicio = serializers.IntegerField(source="programa.ramo.ejercicio.anio", read_only=True)
    ramo = serializers.IntegerField(source="programa.ramo_id", read_only=True)
    programa = serializers.IntegerField(source="programa_id", read_only=True)
    unidad = serializers.IntegerField(source="unidad_id", read_only=True)
    meta_anual = serializers.DecimalField(**DECIMAL, help_text="Meta anual vigente.")
    trimestres_autorizados = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=4), read_only=True,
        help_text="Trimestres cuyo reporte está autorizado.",
    )  # fmt: skip
    meses = MesSerializer(
        many=True,
        read_only=True,
        help_text="P y R por mes. Sin token: solo los meses de trimestres autorizados.",
    )

    class Meta:
        model = Meta
        fields = [
            "id", "identificador", "ejercicio", "ramo", "programa", "unidad", "clave",
            "descripcion", "unidad_medida", "meta_anual", "mes_inicio", "tipo_acumulacion",
            "sentido", "trimestres_autorizados", "meses",
        ]  # fmt: skip


class ReporteSerializer(serializers.ModelSerializer):
    ejercicio = serializers.IntegerField(source="programa.ramo.ejercicio.anio", read_only=True)
    ramo = serializers.IntegerField(source="programa.ramo_id", read_only=True)
    programa = serializers.IntegerField(source="programa_id", read_only=True)
    programa_clave = serializers.CharField(source="programa.clave", read_only=True)
    unidad = serializers.IntegerField(source="unidad_id", read_only=True)
    unidad_clave = serializers.CharField(source="unidad.clave", read_only=True)
    estado_nombre = serializers.CharField(source="get_estado_display", read_only=True)
    codigo_verificacion = serializers.CharField(
        read_only=True, help_text="Solo en reportes autorizados; vacío en los demás."
    )
    url_verificacion = serializers.CharField(read_only=True, help_text="Vacío si no autorizado.")
    url_pdf = serializers.CharField(
        read_only=True, help_text="PDF firmado en el portal público; vacío si no autorizado."
    )

    class Meta:
        model = TrimestreFirma
        fields = [
            "id", "ejercicio", "ramo", "programa", "programa_clave", "unidad", "unidad_clave",
            "trimestre", "estado", "estado_nombre", "version", "codigo_verificacion",
            "url_verificacion", "url_pdf", "actualizado_en",
        ]  # fmt: skip
