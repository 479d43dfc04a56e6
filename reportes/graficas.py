"""Server-side SVG charts for the tablero and the PDFs (no JavaScript, no network).

Each function returns SVG markup (a `SafeString`) with `role="img"`, a `<title>` and a
`<desc>` that say what the chart shows in words; the page beside it also prints the same
figures as a table, which is the chart's text alternative. Text is escaped; numbers are
laid out here and formatted by `programas.numeros`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from programas.numeros import formatear_numero

COLORES = {
    "verde": "#1b7f3b",
    "amarillo": "#d4a106",
    "rojo": "#c62828",
    "np": "#5c6bc0",
    "sin_captura": "#8a94a3",
    "vacio": "#d5dbe3",
    "nd": "#6d4c41",
}
ETIQUETAS_SEMAFORO = {
    "verde": "Verde",
    "amarillo": "Amarillo",
    "rojo": "Rojo",
    "np": "N/P",
    "sin_captura": "Sin captura",
    "vacio": "Sin programar",
    "nd": "N/D",
}
MESES_CORTOS = ("E", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D")


def _svg(ancho: int, alto: int, titulo: str, descripcion: str, cuerpo: list[str]) -> SafeString:
    cabeza = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {ancho} {alto}" '
        f'width="100%" role="img" class="grafica" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(titulo)}</title><desc>{escape(descripcion)}</desc>"
    )
    return mark_safe(cabeza + "".join(cuerpo) + "</svg>")  # noqa: S308 — every text escaped


def distribucion_semaforo(conteo: dict[str, int], *, titulo: str) -> SafeString:
    """One stacked bar with the share of metas in each semáforo mark, and its legend."""
    total = sum(conteo.values())
    ancho, alto, barra = 480, 64, 24
    partes = [(m, n) for m, n in conteo.items() if n]
    descripcion = ", ".join(f"{ETIQUETAS_SEMAFORO.get(m, m)}: {n}" for m, n in partes)
    cuerpo, x = [], 0.0
    for marca, n in partes:
        largo = ancho * n / total
        nombre = escape(ETIQUETAS_SEMAFORO.get(marca, marca))
        cuerpo.append(
            f'<rect x="{x:.1f}" y="0" width="{largo:.1f}" height="{barra}" '
            f'fill="{COLORES.get(marca, "#999")}"><title>{nombre}: {n}</title></rect>'
        )
        x += largo
    x = 0.0
    for marca, n in partes:
        etiqueta = escape(f"{ETIQUETAS_SEMAFORO.get(marca, marca)} {n}")
        cuerpo.append(
            f'<rect x="{x:.0f}" y="36" width="12" height="12" fill="{COLORES.get(marca, "#999")}"/>'
            f'<text x="{x + 16:.0f}" y="47" font-size="12">{etiqueta}</text>'
        )
        x += 16 + 8 * len(etiqueta) + 14
    if not total:
        cuerpo.append('<text x="0" y="16" font-size="12">Sin metas en la selección</text>')
    return _svg(ancho, alto, titulo, descripcion or "Sin metas", cuerpo)


@dataclass(frozen=True)
class Barra:
    """One row of the progress chart: achieved vs expected to date, as a percentage."""

    etiqueta: str
    porcentaje: Decimal | None  # logrado / esperado × 100; None when nothing is expected
    marca: str  # semáforo mark of that percentage


def _texto_porcentaje(valor: Decimal | None) -> str:
    return "nada programado" if valor is None else f"{formatear_numero(valor, 0)} %"


def avance_por_nivel(barras: Sequence[Barra], *, titulo: str) -> SafeString:
    """Horizontal bars: each child's achieved vs expected to date, with the 100 % line."""
    fila, margen, ancho_barra = 26, 250, 280
    alto = fila * max(len(barras), 1) + 24
    escala = max([Decimal(120), *(b.porcentaje or 0 for b in barras)])
    cuerpo = []
    for i, b in enumerate(barras):
        y = i * fila
        etiqueta = b.etiqueta if len(b.etiqueta) <= 34 else b.etiqueta[:33] + "…"
        cuerpo.append(f'<text x="0" y="{y + 16}" font-size="12">{escape(etiqueta)}</text>')
        if b.porcentaje is None:
            cuerpo.append(
                f'<text x="{margen}" y="{y + 16}" font-size="12" fill="#5b6573">'
                "nada programado</text>"
            )
            continue
        largo = float(b.porcentaje / escala) * ancho_barra
        texto = _texto_porcentaje(b.porcentaje)
        cuerpo.append(
            f'<rect x="{margen}" y="{y + 4}" width="{largo:.1f}" height="16" '
            f'fill="{COLORES.get(b.marca, "#999")}">'
            f"<title>{escape(b.etiqueta)}: {texto}</title></rect>"
            f'<text x="{margen + largo + 4:.1f}" y="{y + 16}" font-size="12">{texto}</text>'
        )
    cien = margen + float(Decimal(100) / escala) * ancho_barra
    cuerpo.append(
        f'<line x1="{cien:.1f}" y1="0" x2="{cien:.1f}" y2="{alto - 20}" stroke="#33415c" '
        f'stroke-dasharray="4 3"/>'
        f'<text x="{cien - 14:.1f}" y="{alto - 6}" font-size="11">100 %</text>'
    )
    descripcion = "; ".join(f"{b.etiqueta}: {_texto_porcentaje(b.porcentaje)}" for b in barras)
    return _svg(margen + ancho_barra + 60, alto, titulo, descripcion, cuerpo)


def _ruta(puntos: list[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(puntos))


def tendencia_mensual(
    programado: Sequence[Decimal], realizado: Sequence[Decimal | None], *, titulo: str
) -> SafeString:
    """Twelve months of P (bars) and R (line with dots); months without R are left out."""
    ancho, alto, base, izquierda = 520, 200, 170, 40
    maximo = max([Decimal(1), *programado, *(r for r in realizado if r is not None)])
    paso = (ancho - izquierda - 10) / 12

    def y(valor: Decimal) -> float:
        return base - float(valor / maximo) * (base - 14)

    cuerpo = [
        f'<line x1="{izquierda}" y1="{base}" x2="{ancho - 10}" y2="{base}" stroke="#33415c"/>',
        f'<text x="0" y="18" font-size="11">{escape(formatear_numero(maximo, 0))}</text>',
    ]
    for i, p in enumerate(programado):
        x = izquierda + i * paso
        cuerpo.append(
            f'<rect x="{x + 4:.1f}" y="{y(p):.1f}" width="{paso - 8:.1f}" '
            f'height="{base - y(p):.1f}" fill="#b8c7e0"><title>P {MESES_CORTOS[i]}: '
            f"{escape(formatear_numero(p))}</title></rect>"
            f'<text x="{x + paso / 2 - 4:.1f}" y="{base + 16}" font-size="11">'
            f"{MESES_CORTOS[i]}</text>"
        )
    puntos = [
        (izquierda + i * paso + paso / 2, y(r)) for i, r in enumerate(realizado) if r is not None
    ]
    if puntos:
        cuerpo.append(f'<path d="{_ruta(puntos)}" fill="none" stroke="#1b4f9c" stroke-width="2"/>')
        cuerpo += [
            f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="#1b4f9c"/>' for x, yy in puntos
        ]
    cuerpo.append(
        f'<rect x="{ancho - 170}" y="2" width="10" height="10" fill="#b8c7e0"/>'
        f'<text x="{ancho - 156}" y="11" font-size="11">Programado</text>'
        f'<circle cx="{ancho - 76}" cy="7" r="4" fill="#1b4f9c"/>'
        f'<text x="{ancho - 68}" y="11" font-size="11">Realizado</text>'
    )
    meses_r = sum(1 for r in realizado if r is not None)
    descripcion = (
        f"Programado y realizado por mes; {meses_r} meses con captura. "
        "La tabla de abajo tiene las cifras."
    )
    return _svg(ancho, alto + 10, titulo, descripcion, cuerpo)


def semaforo_por_nivel(
    niveles: Sequence[tuple[str, dict[str, int]]],
    *,
    titulo: str,
    etiquetas: dict[str, str] | None = None,
) -> SafeString:
    """One stacked bar per level (e.g. the MIR's Fin … Actividad): the share of each mark.

    Each bar is the level's own 100 %; the count of each part is in its tooltip, at the
    bar's end and in the description, and the page prints the same counts as a table.
    """
    fila, margen, ancho_barra = 30, 110, 440
    nombres = {**ETIQUETAS_SEMAFORO, **(etiquetas or {})}
    alto = fila * max(len(niveles), 1) + 30
    cuerpo, partes_desc = [], []
    for i, (etiqueta, conteo) in enumerate(niveles):
        y, total = i * fila, sum(conteo.values())
        cuerpo.append(f'<text x="0" y="{y + 17}" font-size="12">{escape(etiqueta)}</text>')
        if not total:
            cuerpo.append(
                f'<text x="{margen}" y="{y + 17}" font-size="12" fill="#5b6573">'
                "sin indicadores</text>"
            )
            partes_desc.append(f"{etiqueta}: sin indicadores")
            continue
        x = float(margen)
        textos = []
        for marca, n in conteo.items():
            if not n:
                continue
            largo = ancho_barra * n / total
            nombre = escape(nombres.get(marca, marca))
            cuerpo.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{largo:.1f}" height="18" '
                f'fill="{COLORES.get(marca, "#999")}"><title>{escape(etiqueta)}, {nombre}: '
                f"{n}</title></rect>"
            )
            x += largo
            textos.append(f"{nombres.get(marca, marca)} {n}")
        cuerpo.append(
            f'<text x="{margen + ancho_barra + 6}" y="{y + 17}" font-size="12">{total}</text>'
        )
        partes_desc.append(f"{etiqueta}: " + ", ".join(textos))
    x = 0
    usadas = [m for m in COLORES if any(c.get(m) for _, c in niveles)]
    for marca in usadas:
        etiqueta = escape(nombres.get(marca, marca))
        cuerpo.append(
            f'<rect x="{x}" y="{alto - 16}" width="12" height="12" fill="{COLORES[marca]}"/>'
            f'<text x="{x + 16}" y="{alto - 6}" font-size="12">{etiqueta}</text>'
        )
        x += 16 + 8 * len(etiqueta) + 14
    descripcion = "; ".join(partes_desc) or "Sin indicadores"
    return _svg(margen + ancho_barra + 40, alto, titulo, descripcion, cuerpo)
