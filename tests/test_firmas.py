"""Quarterly sign-off state machine: every transition × every role, repeats, comments, cargos."""

from decimal import Decimal

import pytest

from avances import firma as firmas
from avances.firma import (
    FirmaNoPermitida,
    FirmaRechazada,
    FirmaRepetida,
    trimestre_autorizar,
    trimestre_devolver,
    trimestre_enviar,
    trimestre_reabrir,
    trimestre_revisar,
)
from avances.models import Avance, EventoFirma, TrimestreFirma
from tests.factories import UserFactory

Estado = TrimestreFirma.Estado
Accion = EventoFirma.Accion
PERSONAS = [
    "capturista",
    "responsable_unidad",
    "responsable_programa",
    "responsable_ramo",
    "planeacion",
    "consulta",
    "ajeno",
]


def capturar_trimestre(metas, trimestre=1, valor="1", observaciones=""):
    for meta in metas:
        for mes in range(3 * trimestre - 2, 3 * trimestre + 1):
            Avance.objects.update_or_create(
                meta=meta,
                mes=mes,
                defaults={"realizado": Decimal(valor), "observaciones": observaciones},
            )


def reporte(poa, trimestre=1):
    return {"programa": poa.programa_a, "unidad": poa.unidad_a1, "trimestre": trimestre}


def llevar_a(estado, poa, personas, trimestre=1):
    """Walk the report of (programa A, unidad A1) to `estado` through the services."""
    capturar_trimestre(poa.metas_a1, trimestre)
    r = reporte(poa, trimestre)
    if estado == Estado.BORRADOR:
        return
    trimestre_enviar(**r, usuario=personas.responsable_unidad)
    if estado == Estado.ENVIADO:
        return
    trimestre_revisar(**r, usuario=personas.responsable_programa)
    if estado == Estado.REVISADO:
        return
    trimestre_autorizar(**r, usuario=personas.responsable_ramo)


def estado_actual(poa, trimestre=1):
    firma = TrimestreFirma.objects.filter(
        programa=poa.programa_a, unidad=poa.unidad_a1, trimestre=trimestre
    ).first()
    return firma.estado if firma else Estado.BORRADOR


def ejecutar(accion, poa, usuario, comentario="Revisar la meta 100, por favor."):
    return firmas.ejecutar_accion(accion, **reporte(poa), usuario=usuario, comentario=comentario)


# (action, state it starts from, the only persona allowed, resulting state)
TRANSICIONES = [
    (Accion.ENVIAR, Estado.BORRADOR, "responsable_unidad", Estado.ENVIADO),
    (Accion.REVISAR, Estado.ENVIADO, "responsable_programa", Estado.REVISADO),
    (Accion.AUTORIZAR, Estado.REVISADO, "responsable_ramo", Estado.AUTORIZADO),
    (Accion.DEVOLVER, Estado.ENVIADO, "responsable_programa", Estado.BORRADOR),
    (Accion.DEVOLVER, Estado.REVISADO, "responsable_ramo", Estado.BORRADOR),
    (Accion.REABRIR, Estado.AUTORIZADO, "planeacion", Estado.BORRADOR),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("accion", "desde", "permitida", "hacia"), TRANSICIONES)
def test_each_transition_is_allowed_only_to_its_role(
    poa, personas, accion, desde, permitida, hacia, persona
):
    llevar_a(desde, poa, personas)
    eventos_antes = EventoFirma.objects.count()
    usuario = getattr(personas, persona)
    if persona == permitida:
        firma = ejecutar(accion, poa, usuario)
        assert firma.estado == hacia
        evento = EventoFirma.objects.latest("id")
        assert (evento.accion, evento.estado_anterior, evento.estado_nuevo) == (
            accion,
            desde,
            hacia,
        )
        assert evento.usuario == usuario
    else:
        with pytest.raises(FirmaNoPermitida):
            ejecutar(accion, poa, usuario)
        assert estado_actual(poa) == desde
        assert EventoFirma.objects.count() == eventos_antes


# Every action attempted from every state it does not start from, by the right role.
FUERA_DE_ORDEN = [
    (accion, estado, persona)
    for accion, persona, desde in [
        (Accion.ENVIAR, "responsable_unidad", {Estado.BORRADOR}),
        (Accion.REVISAR, "responsable_programa", {Estado.ENVIADO}),
        (Accion.AUTORIZAR, "responsable_ramo", {Estado.REVISADO}),
        (Accion.REABRIR, "planeacion", {Estado.AUTORIZADO}),
    ]
    for estado in Estado.values
    if estado not in desde
] + [
    (Accion.DEVOLVER, Estado.BORRADOR, "responsable_programa"),
    (Accion.DEVOLVER, Estado.AUTORIZADO, "responsable_programa"),
    (Accion.DEVOLVER, Estado.BORRADOR, "responsable_ramo"),
    (Accion.DEVOLVER, Estado.AUTORIZADO, "responsable_ramo"),
]


@pytest.mark.parametrize(("accion", "estado", "persona"), FUERA_DE_ORDEN)
def test_out_of_order_requests_change_nothing(poa, personas, accion, estado, persona):
    llevar_a(estado, poa, personas)
    eventos_antes = EventoFirma.objects.count()
    with pytest.raises(FirmaRechazada) as error:
        ejecutar(accion, poa, getattr(personas, persona))
    assert not isinstance(error.value, FirmaNoPermitida)
    assert estado_actual(poa) == estado
    assert EventoFirma.objects.count() == eventos_antes


def test_devolver_from_enviado_by_ramo_is_refused(poa, personas):
    """Each reviewer returns only what waits for them: Enviado belongs to the programa."""
    llevar_a(Estado.ENVIADO, poa, personas)
    with pytest.raises(FirmaNoPermitida, match="responsable del programa"):
        trimestre_devolver(**reporte(poa), usuario=personas.responsable_ramo, comentario="No")
    assert estado_actual(poa) == Estado.ENVIADO


def test_devolver_from_revisado_by_programa_is_refused(poa, personas):
    llevar_a(Estado.REVISADO, poa, personas)
    with pytest.raises(FirmaNoPermitida, match="responsable del ramo"):
        trimestre_devolver(**reporte(poa), usuario=personas.responsable_programa, comentario="x")
    assert estado_actual(poa) == Estado.REVISADO


def test_double_click_on_autorizar_signs_once(poa, personas):
    llevar_a(Estado.REVISADO, poa, personas)
    primera = trimestre_autorizar(**reporte(poa), usuario=personas.responsable_ramo)
    with pytest.raises(FirmaRepetida, match="ya fue autorizado"):
        trimestre_autorizar(**reporte(poa), usuario=personas.responsable_ramo)
    assert EventoFirma.objects.filter(accion=Accion.AUTORIZAR).count() == 1
    firma = TrimestreFirma.objects.get(pk=primera.pk)
    assert firma.version == primera.version
    assert firma.codigo_verificacion == primera.codigo_verificacion


def test_repeated_enviar_says_it_was_already_sent(poa, personas):
    llevar_a(Estado.ENVIADO, poa, personas)
    with pytest.raises(FirmaRepetida, match="ya fue enviado"):
        trimestre_enviar(**reporte(poa), usuario=personas.responsable_unidad)
    assert EventoFirma.objects.filter(accion=Accion.ENVIAR).count() == 1


def test_stale_version_from_an_old_page_is_refused(poa, personas):
    """A page loaded before a return and re-send carries an old version: refused, not signed."""
    llevar_a(Estado.ENVIADO, poa, personas)
    vista = TrimestreFirma.objects.get().version
    trimestre_devolver(**reporte(poa), usuario=personas.responsable_programa, comentario="Falta")
    trimestre_enviar(**reporte(poa), usuario=personas.responsable_unidad)
    with pytest.raises(FirmaRepetida, match="cambió mientras"):
        trimestre_revisar(**reporte(poa), usuario=personas.responsable_programa, version=vista)
    assert estado_actual(poa) == Estado.ENVIADO


@pytest.mark.parametrize("comentario", ["", "   \n "])
def test_devolver_requires_a_comment(poa, personas, comentario):
    llevar_a(Estado.ENVIADO, poa, personas)
    with pytest.raises(FirmaRechazada, match="escriba un comentario"):
        trimestre_devolver(
            **reporte(poa), usuario=personas.responsable_programa, comentario=comentario
        )
    assert estado_actual(poa) == Estado.ENVIADO


def test_reabrir_requires_a_reason(poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    with pytest.raises(FirmaRechazada, match="motivo"):
        trimestre_reabrir(**reporte(poa), usuario=personas.planeacion, motivo=" ")
    assert estado_actual(poa) == Estado.AUTORIZADO


def test_superuser_counts_as_planeacion_to_reopen_but_cannot_sign(poa, personas):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    llevar_a(Estado.REVISADO, poa, personas)
    with pytest.raises(FirmaNoPermitida):
        trimestre_autorizar(**reporte(poa), usuario=admin)
    trimestre_autorizar(**reporte(poa), usuario=personas.responsable_ramo)
    firma = trimestre_reabrir(**reporte(poa), usuario=admin, motivo="Corrección de cifras")
    assert firma.estado == Estado.BORRADOR


def test_each_step_records_name_cargo_date_and_comment(poa, personas):
    """The name on paper is the responsable in office on record (so the box does not change
    when signing); a post without one records the signer's own name and Asignacion cargo."""
    poa.unidad_a1.responsable_nombre = "YOLANDA LOZANO PÁEZ"
    poa.unidad_a1.responsable_cargo = "DIRECTORA"
    poa.unidad_a1.save()
    for puesto in (poa.programa_a, poa.ramo_a):
        puesto.responsable_nombre = puesto.responsable_cargo = ""
        puesto.save()
    llevar_a(Estado.BORRADOR, poa, personas)
    r = reporte(poa)
    trimestre_enviar(**r, usuario=personas.responsable_unidad, comentario="Listo para revisión")
    trimestre_revisar(**r, usuario=personas.responsable_programa)
    trimestre_autorizar(**r, usuario=personas.responsable_ramo, comentario="Conforme")
    eventos = list(EventoFirma.objects.order_by("id"))
    assert [(e.accion, e.nombre, e.cargo) for e in eventos] == [
        (Accion.ENVIAR, "YOLANDA LOZANO PÁEZ", "DIRECTORA"),
        (Accion.REVISAR, personas.responsable_programa.get_full_name(), "Subdirector"),
        (Accion.AUTORIZAR, personas.responsable_ramo.get_full_name(), "Titular del ramo"),
    ]
    assert [e.usuario for e in eventos] == [
        personas.responsable_unidad,
        personas.responsable_programa,
        personas.responsable_ramo,
    ]
    assert eventos[0].comentario == "Listo para revisión"
    assert eventos[2].comentario == "Conforme"
    assert all(e.fecha is not None for e in eventos)


def test_cargo_falls_back_to_the_responsable_on_record(poa, personas):
    from programas.models import Asignacion

    Asignacion.objects.filter(usuario=personas.responsable_unidad).update(cargo="")
    poa.unidad_a1.responsable_cargo = "JEFA DE LA DIRECCIÓN"
    poa.unidad_a1.save()
    llevar_a(Estado.ENVIADO, poa, personas)
    assert EventoFirma.objects.get().cargo == "JEFA DE LA DIRECCIÓN"


def test_cargo_is_kept_as_it_was_when_signed(poa, personas):
    from programas.models import Asignacion

    llevar_a(Estado.AUTORIZADO, poa, personas)
    Asignacion.objects.filter(usuario=personas.responsable_ramo).update(cargo="Otro cargo")
    poa.ramo_a.responsable_cargo = "OTRO CARGO"
    poa.ramo_a.save()
    caja = firmas.firmantes(poa.programa_a, poa.unidad_a1, 1).firmantes[2]
    assert caja.cargo == "DIRECTOR"


def test_enviar_lists_exactly_what_is_missing(poa, personas):
    m100, m101, m102 = poa.metas_a1
    capturar_trimestre([m100], valor="1")  # 100 %: complete, verde
    # 101: marzo not captured.
    Avance.objects.create(meta=m101, mes=1, realizado=Decimal("1"))
    Avance.objects.create(meta=m101, mes=2, realizado=Decimal("1"))
    # 102: 2 of 3 programmed → 66.67 % (rojo) without observaciones.
    for mes, valor in [(1, "1"), (2, "1"), (3, "0")]:
        Avance.objects.create(meta=m102, mes=mes, realizado=Decimal(valor))
    with pytest.raises(FirmaRechazada) as error:
        trimestre_enviar(**reporte(poa), usuario=personas.responsable_unidad)
    assert error.value.faltantes == [
        "Meta 101: falta capturar el realizado de marzo.",
        "Meta 102: cumplimiento del trimestre 66.67% (rojo) fuera del rango verde sin "
        "observaciones; escriba la justificación.",
    ]
    assert not EventoFirma.objects.exists()
    # Fix both: capture marzo and justify the variance, then it goes through.
    Avance.objects.create(meta=m101, mes=3, realizado=Decimal("1"))
    Avance.objects.filter(meta=m102, mes=3).update(observaciones="No se cumplió por lluvias.")
    assert firmas.faltantes_para_enviar(**reporte(poa)) == []
    assert trimestre_enviar(**reporte(poa), usuario=personas.responsable_unidad).estado == (
        Estado.ENVIADO
    )


def test_enviar_in_the_current_year_checks_only_months_up_to_today(poa, personas):
    from datetime import date

    from programas.models import Ejercicio

    Ejercicio.objects.filter(pk=poa.ramo_a.ejercicio_id).update(anio=2030)
    poa.programa_a.ramo.refresh_from_db()
    Avance.objects.bulk_create(
        Avance(meta=m, mes=mes, realizado=Decimal("1")) for m in poa.metas_a1 for mes in (4, 5)
    )
    # On 20 May 2030 junio is still to come: abril and mayo are enough.
    assert firmas.faltantes_para_enviar(**reporte(poa, 2), dia=date(2030, 5, 20)) == []
    faltan = firmas.faltantes_para_enviar(**reporte(poa, 2), dia=date(2030, 6, 3))
    assert faltan[0] == "Meta 100: falta capturar el realizado de junio."
    # A quarter that has not begun cannot be sent.
    assert (
        "aún no comienza"
        in firmas.faltantes_para_enviar(**reporte(poa, 3), dia=date(2030, 5, 20))[0]
    )


def test_programa_and_unidad_must_form_a_report(poa, personas):
    with pytest.raises(FirmaRechazada, match="mismo ramo"):
        trimestre_enviar(
            programa=poa.programa_b, unidad=poa.unidad_a1, trimestre=1,
            usuario=personas.responsable_unidad,
        )  # fmt: skip
    with pytest.raises(FirmaRechazada, match="Trimestre inválido"):
        trimestre_enviar(**{**reporte(poa), "trimestre": 5}, usuario=personas.responsable_unidad)
    assert not TrimestreFirma.objects.exists()


def test_quarters_and_unidades_are_independent(poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas, trimestre=1)
    assert estado_actual(poa, 2) == Estado.BORRADOR
    assert not TrimestreFirma.objects.filter(unidad=poa.unidad_a2).exists()


def test_reopening_is_audited_and_the_cycle_starts_again(poa, personas):
    llevar_a(Estado.AUTORIZADO, poa, personas)
    firma = trimestre_reabrir(
        **reporte(poa), usuario=personas.planeacion, motivo="Error en la cifra de febrero"
    )
    assert firma.estado == Estado.BORRADOR
    evento = EventoFirma.objects.latest("id")
    assert evento.accion == Accion.REABRIR
    assert evento.usuario == personas.planeacion
    assert evento.comentario == "Error en la cifra de febrero"
    assert evento.estado_anterior == Estado.AUTORIZADO
    # The boxes are empty again (no dates) until it is signed anew.
    cajas = firmas.firmantes(poa.programa_a, poa.unidad_a1, 1)
    assert cajas.estado == Estado.BORRADOR
    assert [c.fecha for c in cajas.firmantes] == [None, None, None]
    assert cajas.codigo_verificacion == ""
    llevar_a(Estado.AUTORIZADO, poa, personas)
    assert estado_actual(poa) == Estado.AUTORIZADO
    assert EventoFirma.objects.filter(accion=Accion.AUTORIZAR).count() == 2
