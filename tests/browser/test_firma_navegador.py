"""Full quarterly sign-off in Chromium with the demo signers (issue 5, "Done when").

BISOM programa 511 / unidad 54101, T1 2022: captured (seed) → sent by `elaboro` → returned
with a comment by `reviso` → corrected by `capturista` → sent → reviewed → authorized by
`autorizo`; then the quarter is read-only in the grid and `/verificar/` accepts its code.
Set POA_CAPTURAS=<dir> to keep screenshots of every screen.
"""

import os
from pathlib import Path

import pytest

from avances.models import Avance, EventoFirma, TrimestreFirma
from plantilla.demo import CONTRASENA_DEMO, crear_usuarios_demo
from programas.models import Meta, Programa, UnidadEjecutora
from tests.browser.conftest import entrar
from tests.browser.test_captura_navegador import expect_estado

pytestmark = pytest.mark.browser


def captura(pagina, nombre: str) -> None:
    carpeta = os.environ.get("POA_CAPTURAS")
    if carpeta:
        Path(carpeta).mkdir(parents=True, exist_ok=True)
        pagina.screenshot(path=str(Path(carpeta) / f"{nombre}.png"), full_page=True)


def como(pagina, username: str) -> None:
    pagina.context.clear_cookies()
    entrar(pagina, username, CONTRASENA_DEMO)


def insignia(pagina) -> int:
    """The count of reports waiting for the user, on the inbox link of the navigation."""
    badge = pagina.locator("#insignia-firmas")
    return int(badge.inner_text()) if badge.count() else 0


def pulsar(pagina, selector: str) -> None:
    with pagina.expect_navigation():
        pagina.click(selector)


def test_full_signoff_cycle_with_the_demo_signers(pagina, live_server, poa_demo):
    crear_usuarios_demo()
    programa = Programa.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="511")
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="54101")
    meta = Meta.objects.get(unidad=unidad, clave="100")
    base = live_server.url
    fila = 'tr[data-reporte="511/54101/T1"]'

    # 1. Elaboró sends T1 from the inbox (the seed has its capture complete).
    como(pagina, "elaboro")
    pagina.goto(f"{base}/firmas/")
    assert "Listo para enviar" in pagina.inner_text(fila)
    captura(pagina, "01-bandeja-elaboro")
    pulsar(pagina, f'{fila} button[data-accion="ENVIAR"]')
    assert "Trimestre enviado a revisión" in pagina.inner_text(".mensajes")

    # 2. Revisó opens the review page from the inbox (no one-click signing) and returns it.
    como(pagina, "reviso")
    pagina.goto(f"{base}/firmas/")
    assert pagina.locator(f"#por-revisar {fila}").count() == 1
    assert insignia(pagina) == 1
    assert pagina.locator('button[data-accion="REVISAR"]').count() == 0
    captura(pagina, "02-bandeja-reviso")
    pulsar(pagina, f"{fila} a:has-text('Revisar el reporte')")
    assert "AVANCE FÍSICO PROGRAMÁTICO" in pagina.inner_text("#vista-previa")
    pagina.fill("#comentario-devolver", "Amplíe la observación de marzo de la meta 100.")
    captura(pagina, "03-panel-devolver")
    pulsar(pagina, "#devolver button[type=submit]")
    assert "devuelto a borrador" in pagina.inner_text(".mensajes")
    assert "Devuelto por DAVID MURILLO JIMÉNEZ" in pagina.inner_text("#estado-firma")
    assert insignia(pagina) == 0

    # 3. Elaboró's inbox says it was returned, by whom and why (not "Listo para enviar").
    como(pagina, "elaboro")
    pagina.goto(f"{base}/firmas/")
    texto_fila = pagina.inner_text(fila)
    assert "Devuelto por DAVID MURILLO JIMÉNEZ el " in texto_fila
    assert "«Amplíe la observación de marzo de la meta 100.»" in texto_fila
    assert "Listo para enviar" not in texto_fila
    assert insignia(pagina) == 1
    captura(pagina, "03b-bandeja-elaboro-devuelto")

    # 4. The capturista corrects the observación in the grid.
    como(pagina, "capturista")
    pagina.goto(f"{base}/captura/{unidad.pk}/1/")
    pagina.click(f'button[aria-controls="obs-{meta.pk}"]')  # the row's observaciones unfold
    pagina.fill(f"textarea[name=o-{meta.pk}-3]", "Se entregaron los apoyos programados en marzo.")
    pagina.click("#guardar")  # rows save on their own (Ctrl+S / the button)
    expect_estado(pagina, meta, "Guardado")
    assert Avance.objects.get(meta=meta, mes=3).observaciones == (
        "Se entregaron los apoyos programados en marzo."
    )

    # 5. Elaboró sends again; the panel's history shows the return and its comment.
    como(pagina, "elaboro")
    pagina.goto(f"{base}/firmas/")
    pulsar(pagina, f'{fila} button[data-accion="ENVIAR"]')
    assert insignia(pagina) == 0
    pagina.goto(f"{base}/firmas/{programa.pk}/{unidad.pk}/1/")
    historial = pagina.inner_text("#historial")
    assert "Devolvió" in historial and "Amplíe la observación de marzo" in historial

    # 6. Revisó previews and marks it reviewed; 7. Autorizó previews and authorizes it.
    como(pagina, "reviso")
    pagina.goto(f"{base}/firmas/")
    assert insignia(pagina) == 1
    pulsar(pagina, f"{fila} a:has-text('Revisar el reporte')")
    assert pagina.locator("#vista-previa tbody tr").count() >= 1
    pulsar(pagina, '#form-revisar button[data-accion="REVISAR"]')
    assert "Trimestre revisado" in pagina.inner_text(".mensajes")
    assert insignia(pagina) == 0
    como(pagina, "autorizo")
    pagina.goto(f"{base}/firmas/")
    assert pagina.locator(f"#por-autorizar {fila}").count() == 1
    assert pagina.locator('button[data-accion="AUTORIZAR"]').count() == 0
    assert insignia(pagina) == 1
    captura(pagina, "04-bandeja-autorizo")
    pulsar(pagina, f"{fila} a:has-text('Revisar y autorizar')")
    assert "Revisado (esperando a Autorizó)" in pagina.inner_text("#estado-firma")
    captura(pagina, "04b-revision-autorizo")
    pulsar(pagina, '#form-autorizar button[data-accion="AUTORIZAR"]')
    assert insignia(pagina) == 0
    firma = TrimestreFirma.objects.get(programa=programa, unidad=unidad, trimestre=1)
    assert firma.estado == TrimestreFirma.Estado.AUTORIZADO
    assert firma.codigo_verificacion in pagina.inner_text(".mensajes")
    assert list(firma.eventos.order_by("id").values_list("accion", flat=True)) == [
        EventoFirma.Accion.ENVIAR, EventoFirma.Accion.DEVOLVER, EventoFirma.Accion.ENVIAR,
        EventoFirma.Accion.REVISAR, EventoFirma.Accion.AUTORIZAR,
    ]  # fmt: skip
    # The Q1 2022 signers of the seed (issue 12: responsables as they stood in that quarter).
    assert [e.nombre for e in firma.eventos.order_by("id")][2:] == [
        "YOLANDA LOZANO PÁEZ", "DAVID MURILLO JIMÉNEZ", "YOLANDA LOZANO PÁEZ",
    ]  # fmt: skip

    # 8. Read-only: the panel offers no action and the grid has no editable cell in T1.
    pagina.goto(f"{base}/firmas/{programa.pk}/{unidad.pk}/1/")
    assert "Trimestre autorizado" in pagina.inner_text("#bloqueado")
    assert pagina.locator("#acciones").count() == 0
    captura(pagina, "05-panel-autorizado")
    como(pagina, "capturista")
    pagina.goto(f"{base}/captura/{unidad.pk}/1/")
    for mes in (1, 2, 3):
        assert pagina.locator(f"#r-{meta.pk}-{mes}").count() == 0
        assert pagina.locator(f"textarea[name=o-{meta.pk}-{mes}]").count() == 0
    captura(pagina, "06-captura-bloqueada")

    # 9. Anyone can verify the printed code without logging in.
    pagina.context.clear_cookies()
    pagina.goto(f"{base}/verificar/")
    pagina.fill("#codigo", firma.codigo_verificacion.lower())
    pulsar(pagina, "button[type=submit]")
    assert "Vigente: coincide con lo firmado" in pagina.inner_text("#veredicto")
    assert "DAVID MURILLO JIMÉNEZ" in pagina.inner_text(".cajas-firma")
    captura(pagina, "07-verificar")


def test_planeacion_board_and_reopen_in_the_browser(pagina, live_server, poa_demo):
    from avances import firma as firmas

    crear_usuarios_demo()
    programa = Programa.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="511")
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="54101")
    from django.contrib.auth import get_user_model

    usuarios = {u.username: u for u in get_user_model().objects.all()}
    r = {"programa": programa, "unidad": unidad, "trimestre": 1}
    firmas.trimestre_enviar(**r, usuario=usuarios["elaboro"])
    firmas.trimestre_revisar(**r, usuario=usuarios["reviso"])
    firmas.trimestre_autorizar(**r, usuario=usuarios["autorizo"])

    como(pagina, "tesoreria")
    pagina.goto(f"{live_server.url}/firmas/tablero/")
    celda = pagina.locator('td[data-celda="511/54101/T1"]')
    assert "Autorizado" in celda.inner_text()
    captura(pagina, "08-tablero")
    pulsar(pagina, 'td[data-celda="511/54101/T1"] a:has-text("Reabrir")')
    pagina.fill("#comentario-reabrir", "La Tesorería detectó un error en la cifra de febrero.")
    pulsar(pagina, "#reabrir button[type=submit]")
    assert "Trimestre reabierto" in pagina.inner_text(".mensajes")
    historial = pagina.inner_text("#historial")
    assert "Reabrió" in historial and "Motivo: La Tesorería detectó un error" in historial
    captura(pagina, "09-panel-reabierto")
    assert TrimestreFirma.objects.get(programa=programa, unidad=unidad, trimestre=1).estado == (
        TrimestreFirma.Estado.BORRADOR
    )
