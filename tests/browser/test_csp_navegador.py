"""The pages work under the Content-Security-Policy (issue 16): no inline script is blocked,
and the behaviour moved to static/js (auto-submit, confirm, ramo filter) still runs."""

import pytest

from programas.models import Asignacion
from tests.browser.conftest import entrar

CLAVE = "clave-segura-123"


def _vigilar(pagina) -> list[str]:
    """Collect CSP violations, script errors and failed loads (the favicon aside)."""
    pagina.set_default_timeout(30_000)  # the shared 2-core machine can be slow
    problemas: list[str] = []

    def consola(mensaje):
        if "Content Security Policy" in mensaje.text or (
            mensaje.type == "error" and not mensaje.text.startswith("Failed to load resource")
        ):
            problemas.append(mensaje.text)

    def respuesta(r):
        if r.status >= 400 and not r.url.endswith("/favicon.ico"):
            problemas.append(f"{r.status} {r.url}")

    pagina.on("console", consola)
    pagina.on("pageerror", lambda e: problemas.append(str(e)))
    pagina.on("response", respuesta)
    return problemas


def test_pages_raise_no_csp_violation_and_their_scripts_run(pagina, live_server, personas, poa):
    problemas = _vigilar(pagina)
    entrar(pagina, "planeacion", CLAVE)
    csp = pagina.goto(f"{live_server.url}/periodos/").headers["content-security-policy"]
    assert "script-src 'self'" in csp
    for ruta in ("/asignaciones/", "/firmas/", "/reportes/", "/programas/"):
        pagina.goto(live_server.url + ruta)

    # reportes.js: choosing a ramo hides the programas of other ramos.
    pagina.goto(f"{live_server.url}/reportes/")
    pagina.select_option("#id_ramo", str(poa.ramo_a.pk))
    ocultas = pagina.eval_on_selector_all(
        "#id_programa option", "os => os.filter(o => o.hidden).map(o => o.value)"
    )
    assert str(poa.programa_b.pk) in ocultas and str(poa.programa_a.pk) not in ocultas

    # sitio.js: the «Quitar» form asks first; dismissing keeps the assignment.
    pagina.goto(f"{live_server.url}/asignaciones/")
    antes = Asignacion.objects.count()
    preguntas: list[str] = []

    def rechazar(dialogo):
        preguntas.append(dialogo.message)
        dialogo.dismiss()

    pagina.once("dialog", rechazar)
    pagina.locator("button:has-text('Quitar')").first.click()
    pagina.wait_for_timeout(300)
    assert preguntas == ["¿Quitar esta asignación?"]
    assert Asignacion.objects.count() == antes
    assert problemas == []


@pytest.mark.django_db(transaction=True)
def test_auto_submit_select_reloads_the_page_with_the_chosen_value(pagina, live_server, personas):
    from tests.factories import EjercicioFactory

    otro = EjercicioFactory(anio=2031)
    problemas = _vigilar(pagina)
    entrar(pagina, "planeacion", CLAVE)
    pagina.goto(f"{live_server.url}/periodos/")
    with pagina.expect_navigation():
        pagina.select_option("#ejercicio", str(otro.pk))
    assert f"ejercicio={otro.pk}" in pagina.url
    assert problemas == []
