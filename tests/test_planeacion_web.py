"""Planning on the web: closed months in reprogramación and re-issue, the year copy's
confirmation step and the live-sum hooks of the forms."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from avances.models import Periodo, TrimestreFirma
from planeacion.services import meta_reprogramar, metas_reexpedir, primer_mes_reprogramable
from programas.models import Meta, Programado, Reprogramacion

D = Decimal


def _cerrar(poa, *meses):
    for mes in meses:
        Periodo.objects.create(ejercicio=poa.ramo_a.ejercicio, mes=mes, abierto=False)


def test_reprogramacion_cannot_start_in_a_closed_month(poa, personas):
    meta = poa.metas_a1[0]  # 12 per year, 1 each month
    _cerrar(poa, 1, 2, 3)
    with pytest.raises(ValidationError, match="de marzo está cerrado.*reprograme desde abril"):
        meta_reprogramar(
            meta=meta, meta_anual_nueva=D("12"), programado_nuevo={3: D("0"), 12: D("2")},
            mes_desde=3, motivo="Ajuste", usuario=personas.planeacion,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="de enero, febrero, marzo están cerrados"):
        meta_reprogramar(
            meta=meta, meta_anual_nueva=D("12"), programado_nuevo={12: D("1")},
            mes_desde=1, motivo="Ajuste", usuario=personas.planeacion,
        )  # fmt: skip
    assert not Reprogramacion.objects.exists()
    assert Programado.objects.get(meta=meta, mes=3).valor == D("1")
    # From April the closed months keep their values and the change goes through.
    meta_reprogramar(
        meta=meta, meta_anual_nueva=D("13"), programado_nuevo={12: D("2")}, mes_desde=4,
        motivo="Ajuste de diciembre", usuario=personas.planeacion,
    )  # fmt: skip
    meta.refresh_from_db()
    assert meta.meta_anual == D("13")


def test_reexpedicion_cannot_start_in_a_closed_month(poa, personas):
    metas = poa.metas_a1
    _cerrar(poa, 4)
    nuevos = {m.pk: (D("18"), {mes: D("2") for mes in range(4, 13)}) for m in metas}
    with pytest.raises(ValidationError, match="abril está cerrado.*reexpida desde mayo"):
        metas_reexpedir(
            metas=metas, mes_desde=4, nuevos=nuevos, motivo="Nuevo PMD",
            usuario=personas.planeacion,
        )  # fmt: skip
    assert set(Meta.objects.filter(pk__in=[m.pk for m in metas]).values_list("mes_inicio")) == {
        (1,)
    }


def test_first_reprogrammable_month_skips_closed_months_and_signed_quarters(poa):
    meta = poa.metas_a1[0]
    assert primer_mes_reprogramable(meta) == 1
    _cerrar(poa, 1, 2)
    assert primer_mes_reprogramable(meta) == 3
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=2,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    assert primer_mes_reprogramable(meta) == 7
    # Another unidad's signature does not move this meta's month.
    assert primer_mes_reprogramable(poa.metas_a2[0]) == 3


def test_reprogramar_page_starts_after_closed_months_and_shows_current_values(
    client, poa, personas
):
    meta = poa.metas_a1[0]
    _cerrar(poa, 1, 2, 3)
    client.force_login(personas.planeacion)
    html = client.get(reverse("programas:reprogramar", args=[meta.pk])).content.decode()
    assert '<option value="4" selected>Abril</option>' in html
    assert "Se sugiere abril" in html
    assert '<th scope="row">Actual</th>' in html
    # January–March are shown but not editable; April on are.
    assert 'id="id_m3"' in html and 'id="id_m4"' in html
    campo_marzo = html.split('id="id_m3"')[0].rsplit("<input", 1)[1]
    campo_abril = html.split('id="id_m4"')[0].rsplit("<input", 1)[1]
    assert "disabled" in campo_marzo
    assert "disabled" not in campo_abril
    assert 'data-tipo="SUMA"' in html
    assert "js/planeacion.js" in html


def test_reprogramar_form_from_a_closed_month_shows_the_reason(client, poa, personas):
    meta = poa.metas_a1[0]
    _cerrar(poa, 1)
    client.force_login(personas.planeacion)
    datos = {"mes_desde": "1", "meta_anual_nueva": "12", "motivo": "Ajuste"}
    datos.update({f"m{m}": "1" for m in range(1, 13)})
    html = client.post(reverse("programas:reprogramar", args=[meta.pk]), datos).content.decode()
    assert "El periodo de captura de enero está cerrado" in html
    assert not Reprogramacion.objects.exists()


def test_reexpedir_grid_has_a_live_sum_per_row(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("programas:reexpedir", args=["unidad", poa.unidad_a1.pk])
    html = client.get(url, {"desde": "4"}).content.decode()
    for meta in poa.metas_a1:
        assert f'data-meta="{meta.pk}" data-tipo="SUMA"' in html
    assert html.count("data-suma") == len(poa.metas_a1)
    assert "js/planeacion.js" in html


def test_copy_asks_for_confirmation_with_a_summary_before_writing(client, poa, personas):
    from programas.models import Ejercicio, Ramo

    client.force_login(personas.planeacion)
    origen = poa.ramo_a.ejercicio
    Meta.objects.filter(pk=poa.metas_a1[0].pk).update(mes_inicio=4)
    url = reverse("programas:copiar")
    datos = {"origen": origen.pk, "anio_destino": origen.anio + 1}
    html = client.post(url, datos).content.decode()
    assert f"Confirme la copia de {origen.anio} a {origen.anio + 1}" in html
    assert "<dt>Metas</dt><dd>7 (1 reexpedidas" in html
    assert "<dt>Ramos</dt><dd>2</dd>" in html
    assert 'name="confirmar" value="1"' in html
    assert not Ejercicio.objects.filter(anio=origen.anio + 1).exists()
    respuesta = client.post(url, {**datos, "confirmar": "1"})
    assert respuesta.status_code == 302
    assert Ramo.objects.filter(ejercicio__anio=origen.anio + 1).count() == 2
    # A second attempt is refused already at the review step.
    html = client.post(url, datos).content.decode()
    assert "ya tiene ramos" in html
    assert "Confirme la copia" not in html


def test_planeacion_edits_every_responsable_of_a_ramo_in_one_grid(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("programas:responsables") + f"?ejercicio={poa.ramo_a.ejercicio_id}"
    html = client.get(url).content.decode()
    assert "Autorizó" in html and "Revisó" in html and "Elaboró" in html
    assert f'name="unidad-{poa.unidad_b1.pk}-nombre"' in html
    datos = {}
    for tipo, objeto in (
        ("ramo", poa.ramo_a), ("programa", poa.programa_a), ("unidad", poa.unidad_a1),
        ("unidad", poa.unidad_a2), ("ramo", poa.ramo_b), ("programa", poa.programa_b),
        ("unidad", poa.unidad_b1),
    ):  # fmt: skip
        datos[f"{tipo}-{objeto.pk}-nombre"] = objeto.responsable_nombre
        datos[f"{tipo}-{objeto.pk}-cargo"] = objeto.responsable_cargo
    datos[f"unidad-{poa.unidad_a1.pk}-nombre"] = "  Lic. Ana   Pérez "
    datos[f"unidad-{poa.unidad_a1.pk}-cargo"] = "Directora"
    respuesta = client.post(url, datos, follow=True)
    assert "Responsables guardados: 1 cambio(s)." in respuesta.content.decode()
    poa.unidad_a1.refresh_from_db()
    assert (poa.unidad_a1.responsable_nombre, poa.unidad_a1.responsable_cargo) == (
        "Lic. Ana Pérez",
        "Directora",
    )
    datos[f"ramo-{poa.ramo_a.pk}-cargo"] = "x" * 201
    html = client.post(url, datos).content.decode()
    assert "tenga como máximo 200 caracteres (tiene 201)" in html
    poa.ramo_a.refresh_from_db()
    assert poa.ramo_a.responsable_cargo != "x" * 201


def test_responsables_are_read_only_and_scoped_for_other_roles(client, poa, personas):
    client.force_login(personas.capturista)
    url = reverse("programas:responsables")
    html = client.get(url).content.decode()
    assert poa.unidad_a1.nombre in html
    assert poa.unidad_b1.nombre not in html
    assert "<input" not in html.split("<table")[1]
    campo = f"unidad-{poa.unidad_a1.pk}-nombre"
    assert (
        client.post(url, {campo: "Tomada", f"unidad-{poa.unidad_a1.pk}-cargo": ""}).status_code
        == 403
    )
    poa.unidad_a1.refresh_from_db()
    assert poa.unidad_a1.responsable_nombre != "Tomada"


def test_responsables_service_refuses_rows_of_another_ejercicio(poa, personas):
    from planeacion.catalogos import responsables_guardar
    from programas.models import Ejercicio

    otro = Ejercicio.objects.create(anio=poa.ramo_a.ejercicio.anio + 5)
    with pytest.raises(ValidationError, match="no son del ejercicio"):
        responsables_guardar(
            ejercicio=otro, cambios={("unidad", poa.unidad_a1.pk): ("X", "Y")},
            usuario=personas.planeacion,
        )  # fmt: skip
    poa.unidad_a1.refresh_from_db()
    assert poa.unidad_a1.responsable_nombre != "X"


def test_reexpedir_proposes_what_the_remaining_months_hold(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("programas:reexpedir", args=["unidad", poa.unidad_a1.pk])
    html = client.get(url, {"desde": "4"}).content.decode()
    meta = poa.metas_a1[0]  # 12 per year, 1 each month: April–December hold 9
    assert f'name="a-{meta.pk}" value="9"' in html
    html = client.get(url, {"desde": "10"}).content.decode()
    assert f'name="a-{meta.pk}" value="3"' in html


def test_meta_page_shows_original_to_modified_month_by_month(client, poa, personas):
    meta = poa.metas_a1[0]
    meta_reprogramar(
        meta=meta, meta_anual_nueva=D("1500.5"), programado_nuevo={12: D("1489.5")},
        mes_desde=10, motivo="Ampliación de diciembre", usuario=personas.planeacion,
    )  # fmt: skip
    client.force_login(personas.consulta)
    html = client.get(reverse("programas:meta", args=[meta.pk])).content.decode()
    assert "12 → 1,500.5" in html
    assert "Dic: 1 → 1,489.5" in html
    assert "<dt>Meta original autorizada</dt><dd>12</dd>" in html
    assert "Octubre" in html
    assert "Ampliación de diciembre" in html


def test_structure_tree_goes_ramo_programa_unidad_within_scope(client, poa, personas):
    client.force_login(personas.responsable_programa)  # programa A: unidades A1 and A2
    html = client.get(reverse("programas:estructura")).content.decode()
    arbol = html.split('<details class="tarjeta arbol"')[1].split("</details>")[0]
    ejercicio = poa.ramo_a.ejercicio_id
    assert f"?ejercicio={ejercicio}&amp;ramo={poa.ramo_a.pk}" in arbol
    enlace = f"programa={poa.programa_a.pk}&amp;unidad={poa.unidad_a1.pk}"
    assert enlace in arbol
    assert (
        f'{poa.unidad_a1.clave} {poa.unidad_a1.nombre}</a> <span class="cuenta">3</span>' in arbol
    )
    assert (
        f'{poa.unidad_a2.clave} {poa.unidad_a2.nombre}</a> <span class="cuenta">2</span>' in arbol
    )
    assert poa.unidad_b1.nombre not in arbol
    assert "editar" not in arbol
    client.force_login(personas.planeacion)
    html = client.get(reverse("programas:estructura")).content.decode()
    assert poa.unidad_b1.nombre in html
    assert reverse("programas:catalogo_editar", args=["programa", poa.programa_b.pk]) in html
