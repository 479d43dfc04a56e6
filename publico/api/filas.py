"""Rows of the two large API lists built as plain dicts from `.values()` (no model objects).

DRF's field-by-field serializers cost ~2 ms a meta; these builders produce exactly the
shape `serializers.MetaSerializer` / `ReporteSerializer` document (decimals as strings with
two places), which the schemathesis test checks against the schema.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from avances.insumos import programados_por_meta, realizados_por_meta
from avances.models import TrimestreFirma
from programas.plazos import meses_del_trimestre
from publico import selectors
from publico.abiertos import identificador
from reportes.verificable import url_verificacion

AUTORIZADO = TrimestreFirma.Estado.AUTORIZADO
TODOS_LOS_MESES = tuple(range(1, 13))
CAMPOS_META = (
    "id", "clave", "descripcion", "unidad_medida", "meta_anual", "mes_inicio",
    "tipo_acumulacion", "sentido", "programa_id", "unidad_id", "programa__clave",
    "programa__ramo_id", "programa__ramo__clave", "programa__ramo__ejercicio__anio",
    "unidad__clave",
)  # fmt: skip
CAMPOS_REPORTE = (
    "id", "programa_id", "unidad_id", "trimestre", "estado", "version", "codigo_verificacion",
    "actualizado_en", "programa__clave", "programa__ramo_id", "programa__ramo__ejercicio__anio",
    "unidad__clave",
)  # fmt: skip
NOMBRES_ESTADO = dict(TrimestreFirma.Estado.choices)


def decimal(valor: Decimal | None) -> str | None:
    return None if valor is None else f"{valor:.2f}"


def metas(pagina: list[dict], *, solo_autorizados: bool) -> list[dict]:
    """The API rows of a page of metas; three queries (P, R, authorized quarters).

    `solo_autorizados`: only the months of authorized quarters are listed (the anonymous
    API never shows a month of another quarter).
    """
    ids = [m["id"] for m in pagina]
    programado = programados_por_meta(ids)
    realizado = realizados_por_meta(ids).valores
    autorizados = selectors.trimestres_autorizados_por_par(
        {(m["programa_id"], m["unidad_id"]) for m in pagina}
    )
    filas = []
    for m in pagina:
        trimestres = autorizados.get((m["programa_id"], m["unidad_id"]), [])
        if solo_autorizados:
            meses = [k for t in trimestres for k in meses_del_trimestre(t)]
        else:
            meses = TODOS_LOS_MESES
        p, r = programado.get(m["id"]), realizado.get(m["id"])
        anio = m["programa__ramo__ejercicio__anio"]
        filas.append(
            {
                "id": m["id"],
                "identificador": identificador(
                    anio,
                    m["programa__ramo__clave"],
                    m["programa__clave"],
                    m["unidad__clave"],
                    m["clave"],
                ),  # fmt: skip
                "ejercicio": anio,
                "ramo": m["programa__ramo_id"],
                "programa": m["programa_id"],
                "unidad": m["unidad_id"],
                "clave": m["clave"],
                "descripcion": m["descripcion"],
                "unidad_medida": m["unidad_medida"],
                "meta_anual": decimal(m["meta_anual"]),
                "mes_inicio": m["mes_inicio"],
                "tipo_acumulacion": m["tipo_acumulacion"],
                "sentido": m["sentido"],
                "trimestres_autorizados": trimestres,
                "meses": [
                    {
                        "mes": k,
                        "programado": decimal(p[k - 1]) if p else "0.00",
                        "realizado": decimal(r[k - 1]) if r else None,
                    }
                    for k in meses
                ],
            }
        )
    return filas


def reportes(pagina: list[dict]) -> list[dict]:
    """The API rows of a page of sign-offs: the code and links only on authorized ones."""
    filas = []
    for f in pagina:
        firmado = f["estado"] == AUTORIZADO and bool(f["codigo_verificacion"])
        anio = f["programa__ramo__ejercicio__anio"]
        filas.append(
            {
                "id": f["id"],
                "ejercicio": anio,
                "ramo": f["programa__ramo_id"],
                "programa": f["programa_id"],
                "programa_clave": f["programa__clave"],
                "unidad": f["unidad_id"],
                "unidad_clave": f["unidad__clave"],
                "trimestre": f["trimestre"],
                "estado": f["estado"],
                "estado_nombre": NOMBRES_ESTADO[f["estado"]],
                "version": f["version"],
                "codigo_verificacion": f["codigo_verificacion"] if firmado else "",
                "url_verificacion": url_verificacion(f["codigo_verificacion"]) if firmado else "",
                "url_pdf": reverse(
                    "publico:pdf_firmado",
                    args=[anio, f["trimestre"], f["programa_id"], f["unidad_id"]],
                )
                if firmado
                else "",
                "actualizado_en": f["actualizado_en"].isoformat().replace("+00:00", "Z"),
            }
        )
    return filas
