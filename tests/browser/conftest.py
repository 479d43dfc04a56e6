"""Shared fixtures for the real-browser tests (Playwright + Debian's Chromium).

Use them in any `tests/browser/test_*.py`::

    pytestmark = pytest.mark.browser

    def test_algo(pagina, live_server, personas):
        entrar(pagina, live_server.url, "capturista", "clave-segura-123")
        pagina.goto(live_server.url + "/")

`pagina` is a fresh Playwright page (own context: no cookies shared between tests) on top of
`live_server`, so the server and the test share the test database. When /usr/bin/chromium is
missing every browser test is skipped with a clear reason; tests/conftest.py prints the
warning line in the terminal summary (and POA_REQUIRE_BROWSER=1 turns it into an error).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django would then refuse
# every ORM call made by the test itself (fixtures, assertions) with SynchronousOnlyOperation.
# The loop never runs Django code concurrently, so the guard can be relaxed for these tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("POA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MOTIVO_SIN_CHROMIUM = (
    f"Pruebas de navegador omitidas: no existe {CHROMIUM} (instale el paquete chromium de "
    "Debian o defina POA_CHROMIUM)."
)
TIEMPO_ESPERA_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser/ as `browser` (so `-m "not browser"` skips them)."""
    aqui = Path(__file__).parent
    for item in items:
        if aqui in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def navegador():
    """One headless Chromium for the whole session (launching it costs ~1 s)."""
    if not CHROMIUM.exists():
        pytest.skip(MOTIVO_SIN_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def pagina(request, live_server):
    """A fresh Playwright page (isolated context, es-MX locale) pointing at `live_server`."""
    if not CHROMIUM.exists():
        pytest.skip(MOTIVO_SIN_CHROMIUM)
    browser = request.getfixturevalue("navegador")
    context = browser.new_context(
        locale="es-MX", timezone_id="America/Mexico_City", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(TIEMPO_ESPERA_MS)
    page = context.new_page()
    page.poa_base_url = live_server.url
    yield page
    context.close()


def entrar(page, *args) -> None:
    """Log in through the real login form and wait for the landing page.

    Either ``entrar(page, live_server_url, username, password)`` or, with a page from the
    `pagina` fixture, ``entrar(page, username, password)``.
    """
    if len(args) == 3:
        base, username, password = args
    elif len(args) == 2:
        base = page.poa_base_url
        username, password = args
    else:
        raise TypeError("entrar(page, [live_server_url,] username, password)")
    page.goto(f"{base.rstrip('/')}/entrar/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/entrar/" in page.url:
        raise AssertionError(f"No se pudo entrar como {username!r}: sigue en {page.url}")
