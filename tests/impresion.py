"""Reading printed pages back: text lines and words with their boxes (`pdftotext -bbox-layout`)."""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from dataclasses import dataclass

_LINEA = re.compile(
    r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S
)
_PALABRA = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@dataclass(frozen=True)
class Caja:
    x0: float
    y0: float
    x1: float
    y1: float
    texto: str

    def se_enciman(self, otra: Caja, fraccion: float = 0.3) -> bool:
        """Two boxes overlap: across more than 1 pt and over `fraccion` of the lower one.

        pdftotext's boxes span the font's ascent and descent, so two consecutive lines of
        one paragraph touch by a point or so; text printed over text overlaps far more.
        """
        dx = min(self.x1, otra.x1) - max(self.x0, otra.x0)
        dy = min(self.y1, otra.y1) - max(self.y0, otra.y0)
        alto = min(self.y1 - self.y0, otra.y1 - otra.y0)
        return dx > 1 and dy > fraccion * alto


def _bbox(ruta: str) -> str:
    return subprocess.run(
        ["pdftotext", "-bbox-layout", ruta, "-"], check=True, capture_output=True, text=True
    ).stdout


def paginas(contenido: bytes | str) -> list[tuple[list[Caja], list[Caja]]]:
    """Each page's (lines, words) of a PDF given as bytes or as a path."""
    if isinstance(contenido, str):
        salida = _bbox(contenido)
    else:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as archivo:
            archivo.write(contenido)
            archivo.flush()
            salida = _bbox(archivo.name)
    resultado = []
    for pagina in salida.split("<page ")[1:]:
        lineas, palabras = [], []
        for m in _LINEA.finditer(pagina):
            suyas = [
                Caja(*map(float, p.groups()[:4]), html.unescape(p.group(5)))
                for p in _PALABRA.finditer(m.group(5))
            ]
            palabras += suyas
            lineas.append(Caja(*map(float, m.groups()[:4]), " ".join(p.texto for p in suyas)))
        resultado.append((lineas, palabras))
    return resultado


def encimadas(cajas: list[Caja]) -> list[tuple[str, str]]:
    """Pairs of boxes of one page that overlap (text printed over text)."""
    malas = []
    for i, a in enumerate(cajas):
        for b in cajas[i + 1 :]:
            if a.se_enciman(b):
                malas.append((a.texto, b.texto))
    return malas
