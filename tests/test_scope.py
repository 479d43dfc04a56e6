"""The one scoping mechanism: each persona sees exactly its part of the POA."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from programas.models import Asignacion
from programas.scope import (
    alcance_de,
    exigir_planeacion,
    get_meta_para_usuario,
    get_unidad_para_usuario,
    metas_visibles,
    programas_visibles,
    puede_capturar,
    ramos_visibles,
    unidades_visibles,
)
from tests.factories import UserFactory


def _claves(qs):
    return sorted(m.clave for m in qs)


def test_capturista_sees_only_its_unidad_metas(poa, personas):
    assert _claves(metas_visibles(personas.capturista)) == ["100", "101", "102"]
    assert list(unidades_visibles(personas.capturista)) == [poa.unidad_a1]


def test_responsable_programa_sees_every_unidad_of_the_programa(poa, personas):
    assert _claves(metas_visibles(personas.responsable_programa)) == [
        "100", "101", "102", "200", "201",
    ]  # fmt: skip
    assert set(unidades_visibles(personas.responsable_programa)) == {poa.unidad_a1, poa.unidad_a2}


def test_responsable_ramo_and_consulta_see_the_whole_ramo_only(poa, personas):
    for user in (personas.responsable_ramo, personas.consulta):
        assert len(metas_visibles(user)) == 5
        assert list(ramos_visibles(user)) == [poa.ramo_a]
        assert list(programas_visibles(user)) == [poa.programa_a]


def test_planeacion_and_superuser_see_everything(poa, personas):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for user in (personas.planeacion, admin):
        assert len(metas_visibles(user)) == 7
        exigir_planeacion(user)


def test_user_without_assignments_sees_nothing(poa):
    nadie = UserFactory(username="nadie")
    assert alcance_de(nadie).vacio
    assert not metas_visibles(nadie).exists()
    with pytest.raises(PermissionDenied):
        exigir_planeacion(nadie)


def test_guessed_ids_outside_scope_are_404(poa, personas):
    otra = poa.metas_b1[0]
    with pytest.raises(Http404):
        get_meta_para_usuario(personas.capturista, otra.pk)
    with pytest.raises(Http404):
        get_unidad_para_usuario(personas.capturista, poa.unidad_b1.pk)
    with pytest.raises(Http404):
        get_unidad_para_usuario(personas.capturista, "no-es-un-id")
    assert get_meta_para_usuario(personas.capturista, poa.metas_a1[0].pk) == poa.metas_a1[0]


def test_only_capturistas_capture(poa, personas):
    assert puede_capturar(personas.capturista, poa.unidad_a1.pk)
    assert not puede_capturar(personas.capturista, poa.unidad_a2.pk)
    assert not puede_capturar(personas.responsable_unidad, poa.unidad_a1.pk)
    assert not puede_capturar(personas.planeacion, poa.unidad_a1.pk)


def test_assignment_scope_must_match_role_in_the_database(poa, personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Asignacion.objects.create(
            usuario=personas.ajeno, rol=Asignacion.Rol.CAPTURISTA, ramo=poa.ramo_a
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Asignacion.objects.create(
            usuario=personas.ajeno, rol=Asignacion.Rol.PLANEACION, unidad=poa.unidad_a1
        )


def test_scope_costs_one_query_per_user_object(poa, personas, django_assert_num_queries):
    user = personas.responsable_programa
    with django_assert_num_queries(1):
        alcance_de(user)
        alcance_de(user)
