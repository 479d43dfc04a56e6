"""Structure reads for screens: the chosen ejercicio and the ramo → programa → unidad tree."""

from __future__ import annotations

from django.db.models import Count

from programas.models import Ejercicio


def ejercicio_elegido(request) -> Ejercicio | None:
    """The ejercicio chosen with `?ejercicio=<id>`, else the latest one (None if there is none)."""
    valor = request.GET.get("ejercicio", "")
    if valor.isdigit():
        elegido = Ejercicio.objects.filter(pk=int(valor)).first()
        if elegido:
            return elegido
    return Ejercicio.objects.order_by("-anio").first()


def arbol_estructura(metas) -> list[dict]:
    """Ramo → programa → unidad with how many metas each holds (one grouped query).

    `metas` is already limited to the user's scope and ejercicio; a programa-unidad pair is
    one TMM-F004 sheet.
    """
    filas = (
        metas.order_by()
        .values(
            "programa__ramo_id", "programa__ramo__clave", "programa__ramo__nombre",
            "programa_id", "programa__clave", "programa__nombre",
            "unidad_id", "unidad__clave", "unidad__nombre",
        )
        .annotate(n=Count("id"))
        .order_by("programa__ramo__clave", "programa__clave", "unidad__clave")
    )  # fmt: skip
    ramos: dict[int, dict] = {}
    for f in filas:
        ramo = ramos.setdefault(
            f["programa__ramo_id"],
            {"id": f["programa__ramo_id"], "clave": f["programa__ramo__clave"],
             "nombre": f["programa__ramo__nombre"], "metas": 0, "programas": {}},
        )  # fmt: skip
        programa = ramo["programas"].setdefault(
            f["programa_id"],
            {"id": f["programa_id"], "clave": f["programa__clave"],
             "nombre": f["programa__nombre"], "metas": 0, "unidades": []},
        )  # fmt: skip
        programa["unidades"].append(
            {"id": f["unidad_id"], "clave": f["unidad__clave"], "nombre": f["unidad__nombre"],
             "metas": f["n"]}
        )  # fmt: skip
        programa["metas"] += f["n"]
        ramo["metas"] += f["n"]
    for ramo in ramos.values():
        ramo["programas"] = list(ramo["programas"].values())
    return list(ramos.values())
