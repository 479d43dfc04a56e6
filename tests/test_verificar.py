"""Signed snapshot and the public `/verificar/<código>/` page."""

import re
from decimal import Decimal

from django.urls import reverse

from avances import firma as firmas
from avances.models import Avance, TrimestreFirma
from avances.services import CapturaRechazada, avance_capturar
from tests.test_firmas import llevar_a, reporte

Estado = TrimestreFirma.Estado


def texto(respuesta) -> str:
    return re.sub(r"\s+", " ", respuesta.content.decode())


def test_authorization_stores_snapshot_hash_and_unique_code(poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    firma = TrimestreFirma.objects.get()
    datos, huella = firmas.snapshot_actual(poa.programa_a, poa.unidad_a1, 1)
    assert firma.snapshot == datos
    assert firma.snapshot_hash == huella == firmas.huella_de(firma.snapshot)
    assert len(huella) == 64
    assert re.fullmatch(r"[A-Z2-7]{10}", firma.codigo_verificacion)
    assert [m["clave"] for m in datos["metas"]] == ["100", "101", "102"]
    meta = datos["metas"][0]
    assert meta["meta_anual"] == "12.0000"
    assert [(m["mes"], m["p"], m["r"]) for m in meta["meses"]] == [
        (1, "1.0000", "1.0000"), (2, "1.0000", "1.0000"), (3, "1.0000", "1.0000"),
    ]  # fmt: skip
    assert meta["porcentaje_trimestral"] == "100.0000"
    assert meta["avance_absoluto"] == "3.0000"
    # Same figures in another report → still a different code.
    from tests.test_firmas import capturar_trimestre

    capturar_trimestre(poa.metas_a1, 2)
    r2 = reporte(poa, 2)
    firmas.trimestre_enviar(**r2, usuario=personas.responsable_unidad)
    firmas.trimestre_revisar(**r2, usuario=personas.responsable_programa)
    otra = firmas.trimestre_autorizar(**r2, usuario=personas.responsable_ramo)
    assert otra.codigo_verificacion != firma.codigo_verificacion


def test_snapshot_hash_ignores_later_months_and_descriptions(poa, personas):
    _, antes = firmas.snapshot_actual(poa.programa_a, poa.unidad_a1, 1)
    Avance.objects.create(meta=poa.metas_a1[0], mes=5, realizado=Decimal("7"))
    poa.metas_a1[0].descripcion = "Texto corregido"
    poa.metas_a1[0].save()
    assert firmas.snapshot_actual(poa.programa_a, poa.unidad_a1, 1)[1] == antes
    Avance.objects.create(meta=poa.metas_a1[0], mes=2, realizado=Decimal("7"))
    assert firmas.snapshot_actual(poa.programa_a, poa.unidad_a1, 1)[1] != antes


def test_verify_ok_without_login(client, poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    codigo = TrimestreFirma.objects.get().codigo_verificacion
    respuesta = client.get(reverse("firmas:verificar", args=[codigo]))
    assert respuesta.status_code == 200
    html = texto(respuesta)
    assert "Vigente: coincide con lo firmado" in html
    assert "511 Gestión administrativa" in html and "54101 Dirección" in html
    assert "Primer trimestre (enero-marzo)" in html
    # The names on paper: the responsables in office on record (cajas.REGLA_NOMBRE).
    for puesto in (poa.unidad_a1, poa.programa_a, poa.ramo_a):
        assert puesto.responsable_nombre in html and puesto.responsable_cargo in html
    # Nothing beyond what the printed report shows: no e-mails, no usernames, no menu.
    assert "@example.com" not in html and "resp_ramo" not in html
    assert "Bandeja de firmas" not in html


def test_code_is_accepted_as_typed_from_paper(client, poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    codigo = TrimestreFirma.objects.get().codigo_verificacion
    tecleado = f"{codigo[:5].lower()}-{codigo[5:]}"
    respuesta = client.get(reverse("firmas:verificar", args=[tecleado]), follow=True)
    assert "Vigente: coincide con lo firmado" in texto(respuesta)
    respuesta = client.get(reverse("firmas:verificar_inicio") + f"?codigo={tecleado}", follow=True)
    assert "Vigente: coincide con lo firmado" in texto(respuesta)


def test_unknown_code_is_404_with_a_clear_message(client, db):
    respuesta = client.get(reverse("firmas:verificar", args=["ABCDEFGHIJ"]))
    assert respuesta.status_code == 404
    assert "no corresponde a ningún reporte firmado" in texto(respuesta)


def test_reopen_and_change_reports_the_mismatch(client, poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    codigo = TrimestreFirma.objects.get().codigo_verificacion
    # While locked, the data cannot change through the capture service.
    meta = poa.metas_a1[1]
    try:
        avance_capturar(
            meta=meta, mes=2, realizado=Decimal("5"), usuario=personas.capturista,
            version_esperada=Avance.objects.get(meta=meta, mes=2).version,
        )  # fmt: skip
    except CapturaRechazada as exc:
        assert "autorizado" in next(iter(exc.errores.values()))
    else:  # pragma: no cover - the lock failed
        raise AssertionError("La captura de un trimestre autorizado no fue rechazada.")
    firmas.trimestre_reabrir(**reporte(poa), usuario=personas.planeacion, motivo="Corregir feb.")
    html = texto(client.get(reverse("firmas:verificar", args=[codigo])))
    assert "Vigente: coincide con lo firmado" in html
    assert "Planeación reabrió este trimestre" in html and "Las cifras aún son las firmadas" in html
    avance_capturar(
        meta=meta, mes=2, realizado=Decimal("5"), usuario=personas.capturista,
        version_esperada=Avance.objects.get(meta=meta, mes=2).version,
    )  # fmt: skip
    html = texto(client.get(reverse("firmas:verificar", args=[codigo])))
    assert "Los datos cambiaron después de la firma" in html
    assert "Vigente" not in html


def test_reauthorization_issues_a_new_code_for_the_new_figures(client, poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    viejo = TrimestreFirma.objects.get().codigo_verificacion
    firmas.trimestre_reabrir(**reporte(poa), usuario=personas.planeacion, motivo="Ajuste")
    Avance.objects.filter(meta=poa.metas_a1[0], mes=1).update(
        realizado=Decimal("2"), observaciones="Se atendió una solicitud adicional."
    )
    firmas.trimestre_enviar(**reporte(poa), usuario=personas.responsable_unidad)
    firmas.trimestre_revisar(**reporte(poa), usuario=personas.responsable_programa)
    firma = firmas.trimestre_autorizar(**reporte(poa), usuario=personas.responsable_ramo)
    assert firma.codigo_verificacion != viejo
    assert firma.snapshot["metas"][0]["meses"][0]["r"] == "2.0000"
    html = texto(client.get(reverse("firmas:verificar", args=[firma.codigo_verificacion])))
    assert "Vigente: coincide con lo firmado" in html
    assert client.get(reverse("firmas:verificar", args=[viejo])).status_code == 404


def test_firmantes_batch_is_query_cheap(poa, personas, django_assert_num_queries):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    pares = [(poa.programa_a.pk, poa.unidad_a1.pk), (poa.programa_a.pk, poa.unidad_a2.pk),
             (poa.programa_b.pk, poa.unidad_b1.pk)]  # fmt: skip
    # programas, unidades, responsables' vigencias (one for every post), firmas, eventos.
    with django_assert_num_queries(5):
        resultado = firmas.firmantes_por_par(pares, 1)
    firmado = resultado[pares[0]]
    assert firmado.autorizado and firmado.codigo_verificacion
    assert [c.rol for c in firmado.firmantes] == ["ELABORÓ", "REVISÓ", "AUTORIZÓ"]
    assert all(c.fecha for c in firmado.firmantes)
    sin_firmar = resultado[pares[1]]
    assert sin_firmar.estado == Estado.BORRADOR and sin_firmar.codigo_verificacion == ""
    assert sin_firmar.firmantes[0].nombre == poa.unidad_a2.responsable_nombre
    assert sin_firmar.firmantes[0].fecha is None


def test_pdf_of_authorized_quarter_shows_signers_and_a_code_verificar_accepts(
    client, poa, personas
):
    import io

    from pypdf import PdfReader

    from avances.views_firma import url_pdf

    llevar_a(Estado.AUTORIZADO, poa, personas)
    firma = TrimestreFirma.objects.get()
    client.force_login(personas.responsable_ramo)
    html = texto(client.get(reverse("firmas:panel", args=[poa.programa_a.pk, poa.unidad_a1.pk, 1])))
    enlace = url_pdf(poa.programa_a.pk, poa.unidad_a1.pk, 1, 2022)
    assert enlace and enlace.replace("&", "&amp;") in html
    respuesta = client.get(enlace)
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/pdf"
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(respuesta.content)).pages)
    pdf = re.sub(r"\s+", " ", pdf)
    for puesto in (poa.unidad_a1, poa.programa_a, poa.ramo_a):
        assert puesto.responsable_nombre.upper() in pdf.upper()
    assert firma.codigo_verificacion in pdf
    client.logout()
    verificado = client.get(reverse("firmas:verificar", args=[firma.codigo_verificacion]))
    assert "Vigente: coincide con lo firmado" in texto(verificado)
