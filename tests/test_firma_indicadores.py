"""Indicators in the quarterly sign-off: justificación required to send, part of the snapshot."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from avances.firma.faltantes import faltantes_para_enviar
from avances.firma.huella import snapshot_actual
from avances.models import AvanceVariable
from programas.models import Indicador

pytestmark = pytest.mark.django_db


def test_an_indicator_outside_verde_needs_a_justificacion_to_send(poa_demo):
    ind = Indicador.objects.get(clave="5.1")
    faltan = faltantes_para_enviar(programa=ind.programa, unidad=ind.unidad, trimestre=3)
    textos = [f for f in faltan if f.tipo == "justificacion_indicador"]
    assert textos and "Indicador 5.1 fuera del verde (cumplimiento 84.42 %)" in textos[0]
    from avances.models import AvanceIndicador

    AvanceIndicador.objects.create(indicador=ind, periodo=9, justificacion="Falla del clorador.")
    faltan = faltantes_para_enviar(programa=ind.programa, unidad=ind.unidad, trimestre=3)
    assert not [f for f in faltan if f.tipo == "justificacion_indicador"]


def test_a_missing_typed_variable_is_asked_for(poa_demo):
    ind = Indicador.objects.get(clave="5.1")
    AvanceVariable.objects.filter(variable__indicador=ind, periodo=6, variable__simbolo="B").update(
        realizado=None
    )
    faltan = faltantes_para_enviar(programa=ind.programa, unidad=ind.unidad, trimestre=2)
    assert any("sin captura de la variable B (junio)" in f for f in faltan)


def test_the_snapshot_carries_the_indicators_and_changes_with_their_values(poa_demo):
    ind = Indicador.objects.get(clave="5.1")
    datos, huella = snapshot_actual(ind.programa, ind.unidad, 2)
    (firmado,) = datos["indicadores"]
    assert firmado["clave"] == "5.1" and [p["periodo"] for p in firmado["periodos"]] == [3, 6]
    assert firmado["periodos"][0]["variables"][0] == {"simbolo": "A", "p": "0.9500", "r": "0.9300"}
    AvanceVariable.objects.filter(variable__indicador=ind, periodo=6, variable__simbolo="A").update(
        realizado=D("0.50")
    )
    assert snapshot_actual(ind.programa, ind.unidad, 2)[1] != huella


def test_the_database_refuses_indicator_values_of_an_authorized_quarter(poa_demo):
    """Bulk writes skip Python: the triggers (avances 0006) refuse them on both databases."""
    from avances.bloqueo import TrimestreBloqueado
    from avances.models import AvanceIndicador, TrimestreFirma
    from programas.models import ProgramadoVariable

    ind = Indicador.objects.get(clave="5.1")
    TrimestreFirma.objects.create(programa=ind.programa, unidad=ind.unidad, trimestre=1,
                                  estado=TrimestreFirma.Estado.AUTORIZADO)  # fmt: skip
    cambios = [
        lambda: AvanceVariable.objects.filter(variable__indicador=ind, periodo=3).update(
            realizado=D("0.10")
        ),
        lambda: ProgramadoVariable.objects.filter(variable__indicador=ind, periodo=3).update(
            valor=D("0.10")
        ),
        lambda: AvanceIndicador.objects.bulk_create(
            [AvanceIndicador(indicador=ind, periodo=3, justificacion="x")]
        ),
        lambda: AvanceVariable.objects.filter(variable__indicador=ind, periodo=3).delete(),
    ]
    for cambio in cambios:
        with pytest.raises(TrimestreBloqueado):
            from django.db import transaction

            with transaction.atomic():
                cambio()
    assert AvanceVariable.objects.get(variable__indicador=ind, periodo=3,
                                      variable__simbolo="A").realizado == D("0.93")  # fmt: skip
    # Another quarter's period goes through.
    AvanceVariable.objects.filter(variable__indicador=ind, periodo=6).update(realizado=D("1"))


def test_the_structure_of_an_indicator_with_a_signed_quarter_cannot_change(poa_demo):
    from avances.bloqueo import TrimestreBloqueado
    from avances.models import TrimestreFirma
    from programas.models import Variable

    ind = Indicador.objects.get(clave="5.1")
    TrimestreFirma.objects.create(programa=ind.programa, unidad=ind.unidad, trimestre=2,
                                  estado=TrimestreFirma.Estado.AUTORIZADO)  # fmt: skip
    ind.formula = "(A / B) * 1000"
    with pytest.raises(TrimestreBloqueado, match="indicador 5.1: el trimestre 2"):
        ind.save()
    ind.refresh_from_db()
    ind.nombre = "Cobertura de desinfección (nombre corregido)"
    ind.save()  # the name is not a figure: it may be corrected
    with pytest.raises(TrimestreBloqueado, match="agregar la variable C"):
        Variable.objects.create(indicador=ind, simbolo="C", nombre="Otra")
    from django.db import transaction

    with pytest.raises(TrimestreBloqueado, match="borrar"), transaction.atomic():
        ind.delete()
    assert Indicador.objects.filter(clave="5.1", formula="(A / B) * 100").exists()
