"""Planning screens: structure browser in scope, reprogramación and re-issue forms."""

import re
from decimal import Decimal

from django.urls import reverse

from programas.models import Meta, Programado, Reprogramacion
from tests.factories import MetaFactory

D = Decimal


def test_structure_browser_lists_only_metas_in_scope(client, poa, personas):
    client.force_login(personas.capturista)
    html = client.get(reverse("programas:estructura")).content.decode()
    assert "Acción de prueba" in html
    claves_propias = [m.clave for m in poa.metas_a1]
    for clave in claves_propias:
        assert f">{clave}</a>" in html
    for meta in poa.metas_b1 + poa.metas_a2:
        assert f">{meta.clave}</a>" not in html
    assert "Copiar estructura" not in html  # read-only for capturistas


def test_structure_browser_query_count_does_not_grow(
    client, poa, personas, django_assert_max_num_queries
):
    client.force_login(personas.planeacion)
    with django_assert_max_num_queries(16) as pocas:
        client.get(reverse("programas:estructura"))
    for i in range(60):
        MetaFactory(programa=poa.programa_a, unidad=poa.unidad_a1, clave=f"X{i}")
    with django_assert_max_num_queries(len(pocas.captured_queries)):
        respuesta = client.get(reverse("programas:estructura"))
    assert respuesta.status_code == 200


def test_reprogramar_through_the_form(client, poa, personas):
    meta = poa.metas_a1[0]
    client.force_login(personas.planeacion)
    url = reverse("programas:reprogramar", args=[meta.pk])
    datos = {"mes_desde": "7", "meta_anual_nueva": "1,200", "motivo": "Ampliación"}
    datos.update({f"m{m}": "1" for m in range(7, 12)})
    datos["m12"] = "1,189"
    respuesta = client.post(url, datos)
    assert respuesta.status_code == 302
    meta.refresh_from_db()
    assert (meta.meta_anual, meta.meta_anual_original) == (D("1200"), D("12"))
    assert Programado.objects.get(meta=meta, mes=12).valor == D("1189")
    detalle = client.get(reverse("programas:meta", args=[meta.pk])).content.decode()
    assert "12 → 1,200" in detalle  # figures through programas.numeros, es-MX
    assert "Ampliación" in detalle


def test_reprogramar_form_errors_are_spanish_and_save_nothing(client, poa, personas):
    meta = poa.metas_a1[0]
    client.force_login(personas.planeacion)
    url = reverse("programas:reprogramar", args=[meta.pk])
    datos = {"mes_desde": "7", "meta_anual_nueva": "1,5", "motivo": ""}
    datos.update({f"m{m}": "1" for m in range(7, 13)})
    html = client.post(url, datos).content.decode()
    assert "ambiguo" in html
    assert "obligatorio" in html.lower()
    datos.update({"meta_anual_nueva": "50", "motivo": "x"})
    html = client.post(url, datos).content.decode()
    assert "suman 12 y la meta anual es 50" in html
    meta.refresh_from_db()
    assert meta.meta_anual == D("12")
    assert not Reprogramacion.objects.exists()


def test_capturista_cannot_reprogram_and_outsider_gets_404(client, poa, personas):
    meta = poa.metas_a1[0]
    url = reverse("programas:reprogramar", args=[meta.pk])
    client.force_login(personas.capturista)
    assert client.post(url, {"mes_desde": "7"}).status_code == 403
    client.force_login(personas.ajeno)
    assert client.post(url, {"mes_desde": "7"}).status_code == 404
    assert Meta.objects.get(pk=meta.pk).meta_anual == D("12")


def test_reexpedir_a_unidad_from_april(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("programas:reexpedir", args=["unidad", poa.unidad_a1.pk])
    assert "Reexpedir 3 metas" in client.get(url + "?desde=4").content.decode()
    datos = {"mes_desde": "4", "motivo": "Nuevo Plan Municipal de Desarrollo"}
    for meta in poa.metas_a1:
        datos[f"a-{meta.pk}"] = "9"
        datos.update({f"p-{meta.pk}-{mes}": "1" for mes in range(4, 13)})
    respuesta = client.post(url, datos)
    assert respuesta.status_code == 302
    for meta in poa.metas_a1:
        meta.refresh_from_db()
        assert (meta.meta_anual, meta.mes_inicio) == (D("9"), 4)
    assert Reprogramacion.objects.filter(tipo="REALINEACION").count() == 3


def test_reexpedir_with_a_bad_row_saves_nothing(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("programas:reexpedir", args=["unidad", poa.unidad_a1.pk])
    datos = {"mes_desde": "4", "motivo": "x"}
    for meta in poa.metas_a1:
        datos[f"a-{meta.pk}"] = "9"
        datos.update({f"p-{meta.pk}-{mes}": "1" for mes in range(4, 13)})
    datos[f"p-{poa.metas_a1[1].pk}-5"] = "-3"
    html = client.post(url, datos).content.decode()
    assert "no se guardó nada" in html
    assert not Reprogramacion.objects.exists()


def test_copy_structure_form(client, poa, personas):
    client.force_login(personas.planeacion)
    origen = poa.ramo_a.ejercicio
    respuesta = client.post(
        reverse("programas:copiar"),
        {"origen": origen.pk, "anio_destino": origen.anio + 1, "confirmar": "1"},
    )
    assert respuesta.status_code == 302
    html = client.post(
        reverse("programas:copiar"), {"origen": origen.pk, "anio_destino": origen.anio + 1}
    ).content.decode()
    assert "ya tiene ramos" in html


def test_meta_page_of_the_demo_shows_the_reissued_meta(client, poa_demo):
    from tests.factories import UserFactory, asignar

    usuario = UserFactory(username="plan_demo")
    asignar(usuario, "PLANEACION")
    client.force_login(usuario)
    meta = Meta.objects.get(unidad__clave="54101", clave="100")
    html = client.get(reverse("programas:meta", args=[meta.pk])).content.decode()
    assert "446 → 320" in html  # the re-issue of April, imported from the workbook
    assert "vigente desde abril" in html


def _datos_meta(poa, **cambios):
    datos = {
        "programa": poa.programa_a.pk, "unidad": poa.unidad_a1.pk, "clave": "900",
        "grupo": "", "descripcion": "Realizar jornadas comunitarias", "unidad_medida": "Jornada",
        "meta_anual": "1,200", "mes_inicio": "1", "tipo_acumulacion": "SUMA",
        "sentido": "ASCENDENTE", "nivel_mir": "",
    }  # fmt: skip
    datos.update({f"m{m}": "100" for m in range(1, 13)})
    datos.update(cambios)
    return datos


def test_planeacion_creates_a_meta_with_its_calendar(client, poa, personas):
    client.force_login(personas.planeacion)
    respuesta = client.post(reverse("programas:meta_nueva"), _datos_meta(poa))
    assert respuesta.status_code == 302
    meta = Meta.objects.get(unidad=poa.unidad_a1, clave="900")
    assert meta.meta_anual == D("1200")
    assert sum(p.valor for p in meta.programados.all()) == D("1200")
    assert meta.history.first().history_user == personas.planeacion


def test_meta_form_refuses_suma_months_that_do_not_add_up(client, poa, personas):
    client.force_login(personas.planeacion)
    html = client.post(reverse("programas:meta_nueva"), _datos_meta(poa, m12="1")).content.decode()
    assert "suman 1,101 y la meta anual es 1,200" in html
    assert not Meta.objects.filter(clave="900").exists()


def test_editing_a_meta_changes_months_with_history(client, poa, personas):
    meta = poa.metas_a1[0]
    client.force_login(personas.planeacion)
    datos = _datos_meta(poa, clave=meta.clave, meta_anual="13", m12="2")
    datos.update({f"m{m}": "1" for m in range(1, 12)})
    respuesta = client.post(reverse("programas:meta_editar", args=[meta.pk]), datos)
    assert respuesta.status_code == 302
    diciembre = Programado.objects.get(meta=meta, mes=12)
    assert diciembre.valor == D("2")
    assert diciembre.history.first().history_user == personas.planeacion


def test_planeacion_creates_ramo_and_edits_programa_budget(client, poa, personas):
    from programas.models import Presupuesto, Ramo

    client.force_login(personas.planeacion)
    ejercicio = poa.ramo_a.ejercicio
    url = reverse("programas:catalogo_nuevo", args=["ramo"]) + f"?ejercicio={ejercicio.pk}"
    datos = {
        "clave": "07",
        "nombre": "Obras Públicas",
        "responsable_nombre": "",
        "responsable_cargo": "",
    }
    assert client.post(url, datos).status_code == 302
    assert Ramo.objects.filter(ejercicio=ejercicio, clave="07").exists()
    html = client.post(url, datos).content.decode()  # same clave again
    assert "ya existe" in html.lower()
    assert Ramo.objects.filter(ejercicio=ejercicio, clave="07").count() == 1

    programa = poa.programa_a
    url = reverse("programas:catalogo_editar", args=["programa", programa.pk])
    datos = {
        "ramo": programa.ramo_id, "clave": programa.clave, "nombre": programa.nombre,
        "finalidad": "2 DESARROLLO SOCIAL", "funcion": "", "subfuncion": "", "eje": "",
        "fin": "Contribuir al bienestar", "proposito": "La población vulnerable recibe apoyos",
        "responsable_nombre": "", "responsable_cargo": "",
        "presupuesto-TOTAL_FORMS": "1", "presupuesto-INITIAL_FORMS": "0",
        "presupuesto-0-capitulo": "10000", "presupuesto-0-descripcion": "Servicios personales",
        "presupuesto-0-autorizado": "1500000.50",
    }  # fmt: skip
    assert client.post(url, datos).status_code == 302
    textos = {o.nivel: o.resumen_narrativo for o in programa.objetivos_mir.all()}
    assert textos == {"FIN": "Contribuir al bienestar",
                      "PROPOSITO": "La población vulnerable recibe apoyos"}  # fmt: skip
    assert Presupuesto.objects.get(programa=programa, capitulo="10000").autorizado == D(
        "1500000.50"
    )


def test_unknown_catalog_is_404(client, personas):
    client.force_login(personas.planeacion)
    assert client.get("/programas/catalogos/otro/nuevo/").status_code == 404


def test_reexpedir_a_whole_programa_and_unknown_scope(client, poa, personas):
    client.force_login(personas.planeacion)
    url = reverse("programas:reexpedir", args=["programa", poa.programa_a.pk])
    metas = poa.metas_a1 + poa.metas_a2
    assert f"Reexpedir {len(metas)} metas" in client.get(url).content.decode()
    datos = {"mes_desde": "4", "motivo": "Nuevo PMD"}
    for meta in metas:
        datos[f"a-{meta.pk}"] = "9"
        datos.update({f"p-{meta.pk}-{mes}": "1" for mes in range(4, 13)})
    assert client.post(url, datos).status_code == 302
    assert Reprogramacion.objects.filter(tipo="REALINEACION").count() == len(metas)
    assert client.get(f"/programas/reexpedir/otro/{poa.ramo_a.pk}/").status_code == 404
    client.force_login(personas.responsable_ramo)
    url = reverse("programas:reexpedir", args=["ramo", poa.ramo_a.pk])
    assert client.get(url).status_code == 403


def test_meta_form_shows_the_number_message_next_to_the_field(client, poa, personas):
    client.force_login(personas.planeacion)
    html = client.post(
        reverse("programas:meta_nueva"), _datos_meta(poa, meta_anual="1,5", m3="12.345")
    ).content.decode()
    assert "«1,5»" in html and "ambiguo" in html
    assert "el máximo es 2 decimales" in html
    html = client.post(reverse("programas:meta_nueva"), _datos_meta(poa, m4="-3")).content.decode()
    assert "no se permiten valores negativos" in html
    assert not Meta.objects.filter(clave="900").exists()


def test_capturista_reads_its_meta_without_edit_actions(client, poa, personas):
    meta = poa.metas_a1[0]
    client.force_login(personas.capturista)
    html = client.get(reverse("programas:meta", args=[meta.pk])).content.decode()
    assert meta.descripcion in html
    assert reverse("avances:historial", args=[meta.pk]) in html
    assert reverse("programas:meta_editar", args=[meta.pk]) not in html
    assert reverse("programas:reprogramar", args=[meta.pk]) not in html
    otra = poa.metas_a2[0]  # same ramo, another unidad: outside the capturista's scope
    assert client.get(reverse("programas:meta", args=[otra.pk])).status_code == 404
    assert client.get(reverse("programas:meta_editar", args=[otra.pk])).status_code == 404


def test_capturista_posting_planning_edits_gets_403_and_nothing_changes(client, poa, personas):
    meta = poa.metas_a1[0]
    client.force_login(personas.capturista)
    datos = _datos_meta(poa, clave=meta.clave, meta_anual="24")
    datos.update({f"m{m}": "2" for m in range(1, 13)})
    assert client.post(reverse("programas:meta_editar", args=[meta.pk]), datos).status_code == 403
    assert client.post(reverse("programas:meta_nueva"), _datos_meta(poa)).status_code == 403
    url = reverse("programas:catalogo_editar", args=["unidad", poa.unidad_a1.pk])
    campos = {"ramo": poa.ramo_a.pk, "clave": "X", "nombre": "Tomada"}
    assert client.post(url, campos).status_code == 403
    url = reverse("programas:reexpedir", args=["unidad", poa.unidad_a1.pk])
    assert client.post(url, {"mes_desde": "4", "motivo": "x"}).status_code == 403
    assert client.post(reverse("programas:copiar"), {"anio_destino": "2030"}).status_code == 403
    meta.refresh_from_db()
    assert meta.meta_anual == D("12")
    poa.unidad_a1.refresh_from_db()
    assert poa.unidad_a1.nombre == "Dirección"


def test_meta_edit_in_an_authorized_quarter_shows_the_lock_message(client, poa, personas):
    from avances.models import TrimestreFirma

    meta = poa.metas_a1[0]
    TrimestreFirma.objects.create(
        programa=meta.programa, unidad=meta.unidad, trimestre=1,
        estado=TrimestreFirma.Estado.AUTORIZADO,
    )  # fmt: skip
    client.force_login(personas.planeacion)
    datos = _datos_meta(poa, clave=meta.clave, meta_anual="13")
    datos.update({f"m{m}": "1" for m in range(2, 13)})
    datos["m1"] = "2"
    html = client.post(reverse("programas:meta_editar", args=[meta.pk]), datos).content.decode()
    assert f"La meta {meta.clave} tiene T1 autorizado" in html
    assert Programado.objects.get(meta=meta, mes=1).valor == D("1")


def test_budget_amounts_are_read_in_es_mx(client, poa, personas):
    from programas.models import Presupuesto

    client.force_login(personas.planeacion)
    programa = poa.programa_a
    url = reverse("programas:catalogo_editar", args=["programa", programa.pk])
    datos = {
        "ramo": programa.ramo_id, "clave": programa.clave, "nombre": programa.nombre,
        "presupuesto-TOTAL_FORMS": "2", "presupuesto-INITIAL_FORMS": "0",
        "presupuesto-0-capitulo": "20000", "presupuesto-0-autorizado": "1,5",
        "presupuesto-1-capitulo": "", "presupuesto-1-autorizado": "",
    }  # fmt: skip
    html = client.post(url, datos).content.decode()
    assert "ambiguo" in html
    assert not Presupuesto.objects.filter(programa=programa).exists()
    datos["presupuesto-0-autorizado"] = "2,500,000.75"
    assert client.post(url, datos).status_code == 302
    assert Presupuesto.objects.get(programa=programa).autorizado == D("2500000.75")
    html = client.get(url).content.decode()
    assert 'value="2,500,000.75"' in html


def _estructura_grande():
    """3 ramos × 2 programas × 3 unidades, 5 metas per (programa, unidad): 90 metas."""
    from tests.factories import ProgramaFactory, RamoFactory, UnidadFactory

    for r in range(3):
        ramo = RamoFactory(clave=f"8{r}")
        programas = [ProgramaFactory(ramo=ramo, clave=f"8{r}{p}") for p in range(2)]
        for u in range(3):
            unidad = UnidadFactory(ramo=ramo, clave=f"8{r}1{u}")
            for programa in programas:
                for i in range(5):
                    MetaFactory(programa=programa, unidad=unidad, clave=f"{programa.clave}.{i}")


def test_structure_browser_queries_are_pinned_on_a_larger_set(
    client, poa, personas, django_assert_max_num_queries
):
    _estructura_grande()
    url = reverse("programas:estructura")
    client.force_login(personas.planeacion)
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert len(re.findall(r'href="/programas/metas/\d+/"', html)) == 50  # paginated: 50 of 97 metas
    with django_assert_max_num_queries(14):
        html = client.get(url, {"q": "Acción", "ramo": "", "page": "2"}).content.decode()
    assert len(re.findall(r'href="/programas/metas/\d+/"', html)) == 47  # page 2 of 97
    client.force_login(personas.capturista)
    with django_assert_max_num_queries(15):
        html = client.get(url).content.decode()
    assert ">8010.0</a>" not in html
    assert len(re.findall(r'href="/programas/metas/\d+/"', html)) == len(poa.metas_a1)
