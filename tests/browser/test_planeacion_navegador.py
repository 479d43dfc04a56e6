"""Planning forms in a real browser: the live sum follows what Planeación types."""

from decimal import Decimal

import pytest

from programas.models import Reprogramacion
from tests.browser.conftest import entrar

pytestmark = pytest.mark.browser

CLAVE = "clave-segura-123"


def test_reprogramacion_live_sum_then_save(pagina, live_server, poa, personas):
    meta = poa.metas_a1[0]  # SUMA, 12 per year, 1 each month
    entrar(pagina, "planeacion", CLAVE)
    pagina.goto(f"{live_server.url}/programas/metas/{meta.pk}/reprogramar/?mes_desde=7")
    suma = pagina.locator("#suma-meses")
    assert suma.inner_text() == "12"
    assert "suma-ok" in suma.get_attribute("class")
    pagina.fill("#id_m12", "1,189")
    assert suma.inner_text() == "1,200"
    assert "suma-mal" in suma.get_attribute("class")
    assert "No cuadra" in suma.get_attribute("title")
    pagina.fill("#id_meta_anual_nueva", "1,200")
    assert "suma-ok" in suma.get_attribute("class")
    pagina.fill("#id_m11", "1,5")  # ambiguous in es-MX: the preview refuses to add it
    assert suma.inner_text() == "—"
    pagina.fill("#id_m11", "1")
    pagina.fill("#id_motivo", "Ampliación de diciembre")
    with pagina.expect_navigation():
        pagina.click("button.primario")
    assert f"/programas/metas/{meta.pk}/" in pagina.url
    assert "Dic: 1 → 1,189" in pagina.content()
    registro = Reprogramacion.objects.get(meta=meta)
    assert registro.meta_anual_nueva == Decimal("1200")


def test_meta_form_sum_follows_mes_inicio_and_tipo(pagina, live_server, poa, personas):
    entrar(pagina, "planeacion", CLAVE)
    pagina.goto(f"{live_server.url}/programas/metas/nueva/?ejercicio={poa.ramo_a.ejercicio_id}")
    for mes in range(1, 13):
        pagina.fill(f"#id_m{mes}", "2")
    pagina.fill("#id_meta_anual", "18")
    suma = pagina.locator("#suma-meses")
    assert suma.inner_text() == "24"
    assert "suma-mal" in suma.get_attribute("class")
    pagina.fill("#id_mes_inicio", "4")  # April–December: 9 months × 2
    assert suma.inner_text() == "18"
    assert "suma-ok" in suma.get_attribute("class")
    pagina.fill("#id_meta_anual", "5")
    pagina.select_option("#id_tipo_acumulacion", "PROMEDIO")  # no need to add up
    assert "suma-mal" not in (suma.get_attribute("class") or "")


PEGAR = """([selector, texto]) => {
  const datos = new DataTransfer();
  datos.setData("text/plain", texto);
  const campo = document.querySelector(selector);
  campo.focus();
  const evento = {clipboardData: datos, bubbles: true, cancelable: true};
  campo.dispatchEvent(new ClipboardEvent("paste", evento));
}"""


def test_meta_form_paste_of_twelve_months_from_excel_fills_them_and_the_sum(
    pagina, live_server, poa, personas
):
    entrar(pagina, "planeacion", CLAVE)
    pagina.goto(f"{live_server.url}/programas/metas/nueva/?ejercicio={poa.ramo_a.ejercicio_id}")
    fila = "\t".join(str(v) for v in range(1, 13))  # 1 … 12 as Excel copies a row
    pagina.evaluate(PEGAR, ["#id_m1", fila + "\r\n"])
    assert [pagina.input_value(f"#id_m{m}") for m in range(1, 13)] == [str(v) for v in range(1, 13)]
    assert pagina.locator("#suma-meses").inner_text() == "78"
    assert pagina.locator("#aviso-pegado").inner_text() == "Se pegaron 12 meses."
    # Pasted from October: three months fit, the other nine are ignored with a notice.
    pagina.evaluate(PEGAR, ["#id_m10", "\t".join(["1,000"] * 12)])
    assert [pagina.input_value(f"#id_m{m}") for m in (9, 10, 11, 12)] == [
        "9", "1,000", "1,000", "1,000",
    ]  # fmt: skip
    assert "se ignoraron 9 valor(es)" in pagina.locator("#aviso-pegado").inner_text()
    assert pagina.locator("#suma-meses").inner_text() == "3,045"


def test_meta_form_unidad_choices_follow_the_programa(pagina, live_server, poa, personas):
    entrar(pagina, "planeacion", CLAVE)
    pagina.goto(f"{live_server.url}/programas/metas/nueva/?ejercicio={poa.ramo_a.ejercicio_id}")

    def visibles():
        return pagina.eval_on_selector_all(
            "#id_unidad option", "os => os.filter(o => o.value && !o.hidden).map(o => o.value)"
        )

    assert len(visibles()) == 3  # no programa yet: every unidad of the ejercicio
    pagina.select_option("#id_unidad", str(poa.unidad_b1.pk))
    pagina.select_option("#id_programa", str(poa.programa_a.pk))
    assert sorted(visibles()) == sorted([str(poa.unidad_a1.pk), str(poa.unidad_a2.pk)])
    assert pagina.input_value("#id_unidad") == ""  # the other ramo's unidad was dropped
    pagina.select_option("#id_programa", str(poa.programa_b.pk))
    assert visibles() == [str(poa.unidad_b1.pk)]


def test_reprogramacion_editable_months_follow_the_month_without_reload_or_token_in_url(
    pagina, live_server, poa, personas
):
    meta = poa.metas_a1[0]  # SUMA, 12 per year, 1 each month
    entrar(pagina, "planeacion", CLAVE)
    url = f"{live_server.url}/programas/metas/{meta.pk}/reprogramar/"
    pagina.goto(url)
    assert pagina.locator("text=Actualizar meses editables").is_hidden()
    pagina.evaluate("window.sinRecarga = true")
    pagina.select_option("#id_mes_desde", "10")
    assert pagina.evaluate("window.sinRecarga") is True and pagina.url == url
    assert [pagina.is_disabled(f"#id_m{m}") for m in (9, 10)] == [True, False]
    pagina.select_option("#id_mes_desde", "7")
    assert [pagina.is_disabled(f"#id_m{m}") for m in (6, 7, 9)] == [True, False, False]
    pagina.fill("#id_m12", "2")
    pagina.fill("#id_meta_anual_nueva", "13")
    pagina.fill("#id_motivo", "Ajuste de diciembre")
    with pagina.expect_navigation():
        pagina.click("button.primario")
    assert "csrfmiddlewaretoken" not in pagina.url
    registro = Reprogramacion.objects.get(meta=meta)
    assert registro.mes_desde == 7 and registro.meta_anual_nueva == Decimal("13")
