"""The state in words (`selectors_firma.estado_en_palabras`): one wording for every screen."""

from datetime import UTC, datetime

import pytest

from avances.firma.faltantes import Faltante
from avances.models import EventoFirma, TrimestreFirma
from avances.selectors_firma import UltimoEvento, estado_en_palabras, ultimos_eventos
from tests.test_firmas import llevar_a, reporte

Estado = TrimestreFirma.Estado
Accion = EventoFirma.Accion
FECHA = datetime(2022, 4, 12, 18, 30, tzinfo=UTC)  # 13:30 in America/Mexico_City (TIME_ZONE)


def evento(accion, comentario=""):
    return UltimoEvento(accion, "DAVID MURILLO JIMÉNEZ", FECHA, comentario)


def test_draft_without_known_missing_items_is_por_capturar():
    p = estado_en_palabras(Estado.BORRADOR, None)
    assert (p.clave, p.texto) == ("por-capturar", "Por capturar")
    falta = Faltante("Meta 100: falta capturar el realizado de enero.", tipo="captura")
    assert estado_en_palabras(Estado.BORRADOR, None, faltantes=[falta]).texto == "Por capturar"


def test_complete_draft_is_listo_para_enviar():
    p = estado_en_palabras(Estado.BORRADOR, None, faltantes=[])
    assert (p.clave, p.texto) == ("listo", "Listo para enviar")


def test_sent_and_reviewed_say_whom_they_wait_for():
    assert estado_en_palabras(Estado.ENVIADO, evento(Accion.ENVIAR)).texto == (
        "Enviado (esperando a Revisó)"
    )
    assert estado_en_palabras(Estado.REVISADO, evento(Accion.REVISAR)).texto == (
        "Revisado (esperando a Autorizó)"
    )


def test_returned_draft_names_who_when_and_why_even_when_complete():
    p = estado_en_palabras(
        Estado.BORRADOR, evento(Accion.DEVOLVER, "Amplíe la meta 100"), faltantes=[]
    )
    assert p.clave == "devuelto"
    assert p.texto == "Devuelto por DAVID MURILLO JIMÉNEZ el 12/04/2022: «Amplíe la meta 100»"
    assert p.titulo == "Devuelto por DAVID MURILLO JIMÉNEZ el 12/04/2022"
    assert p.comentario == "Amplíe la meta 100"


def test_authorized_names_date_and_signer():
    p = estado_en_palabras(Estado.AUTORIZADO, evento(Accion.AUTORIZAR))
    assert p.texto == "Autorizado el 12/04/2022 por DAVID MURILLO JIMÉNEZ"
    assert estado_en_palabras(Estado.AUTORIZADO, None).texto == "Autorizado"


def test_reopened_draft_says_reabierto_with_the_reason():
    p = estado_en_palabras(Estado.BORRADOR, evento(Accion.REABRIR, "Cifra de marzo"))
    assert p.clave == "reabierto"
    assert p.texto == "Reabierto por DAVID MURILLO JIMÉNEZ el 12/04/2022: «Cifra de marzo»"


def test_date_is_local_time_of_the_ayuntamiento():
    tarde = UltimoEvento(Accion.AUTORIZAR, "X", datetime(2022, 4, 13, 3, 0, tzinfo=UTC), "")
    assert estado_en_palabras(Estado.AUTORIZADO, tarde).texto == "Autorizado el 12/04/2022 por X"


@pytest.mark.django_db
def test_ultimos_eventos_reads_the_latest_step_of_each_report_in_one_query(
    poa, personas, django_assert_num_queries
):
    from avances.firma import trimestre_devolver

    llevar_a(Estado.ENVIADO, poa, personas)
    trimestre_devolver(**reporte(poa), usuario=personas.responsable_programa, comentario="Otra")
    firma = TrimestreFirma.objects.get()
    with django_assert_num_queries(1):
        ultimos = ultimos_eventos([firma.pk])
    assert ultimos[firma.pk].accion == Accion.DEVOLVER
    assert ultimos[firma.pk].comentario == "Otra"
    assert estado_en_palabras(firma.estado, ultimos[firma.pk]).clave == "devuelto"


# --- The same words on the grid banner and on *Mis metas* ---------------------------------


def _pantallas(client, poa, personas) -> tuple[str, str]:
    client.force_login(personas.capturista)
    rejilla = client.get(f"/captura/{poa.unidad_a1.pk}/1/").content.decode()
    inicio = client.get("/", {"trimestre": 1}).content.decode()
    return rejilla, inicio


def test_grid_banner_and_mis_metas_say_listo_then_devuelto_with_the_comment(client, poa, personas):
    from avances.firma import trimestre_devolver

    llevar_a(Estado.BORRADOR, poa, personas)  # everything of T1 captured
    rejilla, inicio = _pantallas(client, poa, personas)
    assert "Listo para enviar" in rejilla and "Listo para enviar" in inicio
    llevar_a(Estado.ENVIADO, poa, personas)
    rejilla, inicio = _pantallas(client, poa, personas)
    assert "Enviado (esperando a Revisó)" in rejilla and "Enviado (esperando a Revisó)" in inicio
    trimestre_devolver(
        **reporte(poa), usuario=personas.responsable_programa, comentario="Amplíe la meta 100"
    )
    rejilla, inicio = _pantallas(client, poa, personas)
    for pagina in (rejilla, inicio):
        assert "Devuelto por" in pagina and "«Amplíe la meta 100»" in pagina


def test_grid_banner_says_por_capturar_while_something_is_missing(client, poa, personas):
    rejilla, inicio = _pantallas(client, poa, personas)
    assert "Por capturar" in rejilla and "Por capturar" in inicio
