"""Per-page cache of the public side, keyed by `version_publica()` (the latest EventoFirma).

Authorizing, returning or reopening a quarter writes an EventoFirma, so every cached page
and download changes key at once; entries also expire after POA_PUBLICO_CACHE_SEGUNDOS.
A page with nothing authorized is cached as "not found" too, so guessed URLs stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404

from publico.selectors import NoPublico, version_publica

NO_ENCONTRADO = "__no_publico__"


def en_cache(clave: str, construir: Callable[[], object]):
    """Return the cached value of `clave` for the current public version, building it once.

    `construir` may raise NoPublico: that is remembered and answered as 404.
    """
    completa = f"publico:{clave}:v{version_publica()}"
    valor = cache.get(completa)
    if valor is None:
        try:
            valor = construir()
        except NoPublico:
            valor = NO_ENCONTRADO
        cache.set(completa, valor, settings.POA_PUBLICO_CACHE_SEGUNDOS)
    if isinstance(valor, str) and valor == NO_ENCONTRADO:
        raise Http404("No hay información autorizada en esta dirección.")
    return valor
