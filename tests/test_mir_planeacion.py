"""Planning a programa's MIR on the web (issue 14): the service, the screens and the lock."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avances.bloqueo import TrimestreBloqueado
from avances.models import AvanceVariable, TrimestreFirma
from planeacion.copia import ejercicio_copiar_estructura
from planeacion.mir_servicios import (
    VariableDatos,
    indicador_borrar,
    indicador_guardar,
    objetivo_borrar,
    objetivo_guardar,
)
from programas.models import Indicador, ObjetivoMIR, ProgramadoVariable, Variable
from tests.factories import MetaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mir(poa, personas):
    """Programa A: Fin, Propósito, componente C1 with actividad C1.A1 and one indicator."""
    programa, u = poa.programa_a, personas.planeacion
    fin = objetivo_guardar(
        programa=programa,
        usuario=u,
        datos={"nivel": "FIN", "clave": "F", "resumen_narrativo": "Bienestar"},
    )
    proposito = objetivo_guardar(
        programa=programa,
        usuario=u,
        datos={"nivel": "PROPOSITO", "clave": "P", "resumen_narrativo": "Familias atendidas"},
    )
    componente = objetivo_guardar(
        programa=programa,
        usuario=u,
        datos={
            "nivel": "COMPONENTE",
            "clave": "C1",
            "resumen_narrativo": "Apoyos entregados",
            "medios_verificacion": "Padrón",
            "supuestos": "Hay demanda",
        },
    )
    actividad = objetivo_guardar(
        programa=programa,
        usuario=u,
        datos={
            "nivel": "ACTIVIDAD",
            "clave": "C1.A1",
            "componente": componente,
            "resumen_narrativo": "Recepción de solicitudes",
        },
    )
    indicador = indicador_guardar(
        programa=programa,
        usuario=u,
        datos=_datos(poa, componente),
        variables=_variables(),
    )
    return {"fin": fin, "proposito": proposito, "componente": componente,
            "actividad": actividad, "indicador": indicador}  # fmt: skip


def _datos(poa, objetivo, **cambios) -> dict:
    datos = {
        "objetivo": objetivo, "clave": "C1.1", "nombre": "Porcentaje de apoyos entregados",
        "formula": "(A ÷ B) × 100", "unidad_medida": "Porcentaje", "frecuencia": "TRIMESTRAL",
        "dimension": "EFICACIA", "tipo": "", "sentido": "ASCENDENTE", "unidad": poa.unidad_a1,
        "linea_base": D("80"), "linea_base_anio": 2024,
    }  # fmt: skip
    datos.update(cambios)
    return datos


def _variables(**programados_a) -> list[VariableDatos]:
    return [
        VariableDatos(simbolo="A", nombre="Apoyos entregados",
                      programados=programados_a or {3: D("10"), 6: D("20")}),
        VariableDatos(simbolo="B", nombre="Apoyos solicitados", comportamiento="CONTINUA",
                      programados={3: D("40"), 6: D("40")}),
    ]  # fmt: skip


def _guardadas(indicador) -> list[VariableDatos]:
    """The stored variables as the form would send them back, untouched."""
    filas = []
    for v in indicador.variables.all():
        filas.append(VariableDatos(
            pk=v.pk, simbolo=v.simbolo, nombre=v.nombre, comportamiento=v.comportamiento,
            unidad_medida=v.unidad_medida, fuente=v.fuente, meta=v.meta,
            programados={p.periodo: p.valor for p in v.programados.all()},
        ))  # fmt: skip
    return filas


def _contar() -> tuple:
    return (ObjetivoMIR.objects.count(), Indicador.objects.count(), Variable.objects.count(),
            ProgramadoVariable.objects.count())  # fmt: skip


def _autorizar(poa, trimestre=1):
    return TrimestreFirma.objects.create(programa=poa.programa_a, unidad=poa.unidad_a1,
                                         trimestre=trimestre,
                                         estado=TrimestreFirma.Estado.AUTORIZADO)  # fmt: skip


# --- Service --------------------------------------------------------------------------------


def test_objectives_are_created_edited_and_deleted_with_history(poa, personas, mir):
    actividad = mir["actividad"]
    assert actividad.componente == mir["componente"]
    assert actividad.history.first().history_user == personas.planeacion
    objetivo_guardar(
        objetivo=actividad,
        programa=poa.programa_a,
        usuario=personas.planeacion,
        datos={"resumen_narrativo": "Recepción y revisión", "supuestos": "Lluvia"},
    )
    actividad.refresh_from_db()
    assert (actividad.resumen_narrativo, actividad.supuestos) == ("Recepción y revisión", "Lluvia")
    segunda = objetivo_guardar(programa=poa.programa_a, usuario=personas.planeacion, datos={
        "nivel": "ACTIVIDAD", "clave": "", "componente": mir["componente"],
        "resumen_narrativo": "Entrega"})  # fmt: skip
    assert segunda.clave == "C1.A2"  # a blank clave takes a free one
    pk = actividad.pk
    objetivo_borrar(objetivo=actividad, usuario=personas.planeacion)
    assert not ObjetivoMIR.objects.filter(pk=pk).exists()
    assert ObjetivoMIR.history.filter(id=pk, history_type="-").get().history_user == (
        personas.planeacion
    )


def test_objective_rules_have_spanish_messages(poa, personas, mir):
    programa, u = poa.programa_a, personas.planeacion
    with pytest.raises(ValidationError, match="ya tiene un Fin"):
        objetivo_guardar(
            programa=programa,
            usuario=u,
            datos={"nivel": "FIN", "clave": "F2", "resumen_narrativo": "Otro"},
        )
    with pytest.raises(ValidationError, match="Elija el componente"):
        objetivo_guardar(
            programa=programa,
            usuario=u,
            datos={"nivel": "ACTIVIDAD", "clave": "A9", "resumen_narrativo": "x"},
        )
    with pytest.raises(ValidationError, match="Ya existe el objetivo C1"):
        objetivo_guardar(
            programa=programa,
            usuario=u,
            datos={"nivel": "COMPONENTE", "clave": "C1", "resumen_narrativo": "x"},
        )
    otro = objetivo_guardar(
        programa=poa.programa_b,
        usuario=u,
        datos={"nivel": "COMPONENTE", "clave": "C1", "resumen_narrativo": "x"},
    )
    with pytest.raises(ValidationError, match="no es un componente de este programa"):
        objetivo_guardar(
            programa=programa,
            usuario=u,
            datos={
                "nivel": "ACTIVIDAD",
                "clave": "A9",
                "componente": otro,
                "resumen_narrativo": "x",
            },
        )
    with pytest.raises(ValidationError, match="tiene 1 indicador"):
        objetivo_borrar(objetivo=mir["componente"], usuario=u)
    with pytest.raises(ValidationError, match="tiene actividades"):
        objetivo_guardar(objetivo=mir["componente"], programa=programa, usuario=u,
                         datos={"nivel": "PROPOSITO"})  # fmt: skip


def test_an_indicator_is_saved_with_its_variables_programados_and_history(poa, personas, mir):
    ind = mir["indicador"]
    assert ind.formula == "(A / B) * 100"  # the typed × and ÷ are normalized
    assert ind.tipo == Indicador.Tipo.GESTION  # blank tipo: by the objective's level
    assert ind.history.first().history_user == personas.planeacion
    valores = {(p.variable.simbolo, p.periodo): p.valor
               for p in ProgramadoVariable.objects.filter(variable__indicador=ind)}  # fmt: skip
    assert valores == {("A", 3): 10, ("A", 6): 20, ("B", 3): 40, ("B", 6): 40}
    assert Variable.objects.get(indicador=ind, simbolo="B").comportamiento == "CONTINUA"
    assert ProgramadoVariable.history.filter(history_user=personas.planeacion).count() == 4
    fin = indicador_guardar(
        programa=poa.programa_a,
        usuario=personas.planeacion,
        datos=_datos(poa, mir["fin"], clave="F.1"),
        variables=_variables(),
    )
    assert fin.tipo == Indicador.Tipo.ESTRATEGICO


@pytest.mark.parametrize(
    ("formula", "variables", "mensaje"),
    [
        ("(A / B * 100", None, "Indicador C9: La fórmula no está bien escrita"),
        ("A / C * 100", None, "Indicador C9: La fórmula usa «C», que no es una variable"),
        ("A * 100", None, "La variable «B» no se usa en la fórmula"),
        ("__import__('os')", None, "no se permite|Carácter no permitido"),
        ("", None, "La fórmula está vacía"),
        ("A / B", [VariableDatos(simbolo="A", nombre="x"), VariableDatos(simbolo="B", nombre="y"),
                   VariableDatos(simbolo="A", nombre="z")], "repetida|no se usa"),
        ("A1 / B", [VariableDatos(simbolo="A1", nombre="x"), VariableDatos(simbolo="B", nombre="")],
         "falta el nombre de la variable B"),
    ],
)  # fmt: skip
def test_an_invalid_indicator_is_refused_naming_it_and_saves_nothing(
    poa, personas, mir, formula, variables, mensaje
):
    antes = _contar()
    with pytest.raises(ValidationError, match=mensaje):
        indicador_guardar(
            programa=poa.programa_a, usuario=personas.planeacion,
            datos=_datos(poa, mir["componente"], clave="C9", formula=formula),
            variables=variables or _variables(),
        )  # fmt: skip
    assert _contar() == antes


def test_an_edit_with_a_bad_formula_changes_nothing(poa, personas, mir):
    ind = mir["indicador"]
    variables = _guardadas(ind)
    variables[0].programados = {3: D("99")}
    with pytest.raises(ValidationError, match="Indicador C1.1: .*«X»"):
        indicador_guardar(
            indicador=ind,
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos={"formula": "A / X", "nombre": "Nuevo"},
            variables=variables,
        )
    ind.refresh_from_db()
    assert (ind.formula, ind.nombre) == ("(A / B) * 100", "Porcentaje de apoyos entregados")
    assert ProgramadoVariable.objects.get(variable__simbolo="A", periodo=3).valor == 10


def test_a_period_outside_the_frecuencia_is_refused(poa, personas, mir):
    antes = _contar()
    with pytest.raises(
        ValidationError,
        match="periodo 4, 5, que no corresponde a la frecuencia "
        "trimestral \\(periodos 3, 6, 9, 12\\)",
    ):
        indicador_guardar(
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos=_datos(poa, mir["componente"], clave="C9"),
            variables=_variables(**{"3": D("1"), "4": D("1"), "5": D("2")}),
        )
    with pytest.raises(ValidationError, match="periodo 6"):
        indicador_guardar(
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos=_datos(poa, mir["componente"], clave="C9", frecuencia="ANUAL"),
            variables=_variables(**{"6": D("1"), "12": D("2")}),
        )
    assert _contar() == antes  # fmt: skip


def test_a_variable_links_only_to_a_meta_of_the_same_programa(poa, personas, mir):
    propia, ajena = poa.metas_a1[0], poa.metas_b1[0]
    variables = _variables()
    variables[0].meta, variables[0].programados = ajena, {}
    with pytest.raises(
        ValidationError,
        match=f"solo puede vincularse a una meta del programa "
        f"511; la meta {ajena.clave} es de otro programa",
    ):
        indicador_guardar(
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos=_datos(poa, mir["componente"], clave="C9"),
            variables=variables,
        )
    variables[0].meta, variables[0].programados = propia, {3: D("1")}
    with pytest.raises(ValidationError, match="vinculada a la meta .* deje vacíos"):
        indicador_guardar(
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos=_datos(poa, mir["componente"], clave="C9"),
            variables=variables,
        )
    variables[0].programados = {}
    ind = indicador_guardar(
        programa=poa.programa_a,
        usuario=personas.planeacion,
        datos=_datos(poa, mir["componente"], clave="C9"),
        variables=variables,
    )
    assert ind.variables.get(simbolo="A").meta == propia  # fmt: skip


def test_ranges_unidad_and_clave_rules(poa, personas, mir):
    def guardar(**cambios):
        indicador_guardar(
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos=_datos(poa, mir["componente"], **cambios),
            variables=_variables(),
        )

    with pytest.raises(ValidationError, match="los cuatro rangos del semáforo o ninguno"):
        guardar(clave="C9", verde_min=D("90"), verde_max=D("110"), amarillo_min=D("70"))
    with pytest.raises(ValidationError, match="amarillo desde ≤ verde desde"):
        guardar(
            clave="C9",
            verde_min=D("90"),
            verde_max=D("80"),
            amarillo_min=D("70"),
            amarillo_max=D("130"),
        )
    with pytest.raises(ValidationError, match="debe ser del ramo 54"):
        guardar(clave="C9", unidad=poa.unidad_b1)
    with pytest.raises(ValidationError, match="Ya existe el indicador C1.1"):
        guardar()
    guardar(
        clave="C9",
        verde_min=D("90"),
        verde_max=D("110"),
        amarillo_min=D("70"),
        amarillo_max=D("130"),
    )
    assert Indicador.objects.get(clave="C9").tiene_umbrales  # fmt: skip


def test_editing_variables_adds_and_removes_them_with_their_programados(poa, personas, mir):
    ind = mir["indicador"]
    variables = [v for v in _guardadas(ind) if v.simbolo == "A"]
    variables.append(VariableDatos(simbolo="C", nombre="Meta del año", programados={6: D("5")}))
    indicador_guardar(
        indicador=ind,
        programa=poa.programa_a,
        usuario=personas.planeacion,
        datos={"formula": "A / C * 100"},
        variables=variables,
    )
    assert sorted(ind.variables.values_list("simbolo", flat=True)) == ["A", "C"]
    assert not ProgramadoVariable.objects.filter(variable__simbolo="B").exists()
    assert Variable.history.filter(simbolo="B", history_type="-").get().history_user == (
        personas.planeacion
    )
    AvanceVariable.objects.create(
        variable=ind.variables.get(simbolo="C"), periodo=3, realizado=D("1")
    )
    with pytest.raises(ValidationError, match="ya capturó valores de la variable C"):
        indicador_guardar(
            indicador=ind,
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos={"formula": "A * 100"},
            variables=[v for v in _guardadas(ind) if v.simbolo == "A"],
        )
    with pytest.raises(ValidationError, match="ya capturó"):
        indicador_borrar(indicador=ind, usuario=personas.planeacion)  # fmt: skip


def test_an_authorized_quarter_locks_the_structure_with_a_clear_message(poa, personas, mir):
    ind = mir["indicador"]
    _autorizar(poa, 1)
    u, programa = personas.planeacion, poa.programa_a
    bloqueos = [
        ({"formula": "A / B"}, _guardadas(ind), "el método de cálculo"),
        ({"frecuencia": "MENSUAL"}, _guardadas(ind), "la frecuencia"),
        ({"sentido": "DESCENDENTE"}, _guardadas(ind), "el sentido"),
        ({"unidad": poa.unidad_a2}, _guardadas(ind), "la unidad que lo reporta"),
        ({"verde_min": D("1"), "verde_max": D("2"), "amarillo_min": D("0"),
          "amarillo_max": D("3")}, _guardadas(ind), "los rangos del semáforo"),
        ({"formula": "(A / B) * 100 + C * 0"},
         [*_guardadas(ind), VariableDatos(simbolo="C", nombre="x")], "agregar variables \\(C\\)"),
    ]  # fmt: skip
    for datos, variables, texto in bloqueos:
        with pytest.raises(TrimestreBloqueado, match=texto) as exc:
            indicador_guardar(
                indicador=ind, programa=programa, usuario=u, datos=datos, variables=variables
            )
        assert "Indicador C1.1" in exc.value.mensaje and "trimestre 1 está autorizado" in (
            exc.value.mensaje
        )
    firmado = _guardadas(ind)
    firmado[0].programados = {3: D("11"), 6: D("20")}
    with pytest.raises(TrimestreBloqueado, match="programados de periodos firmados \\(A periodo 3"):
        indicador_guardar(indicador=ind, programa=programa, usuario=u, datos={}, variables=firmado)
    with pytest.raises(TrimestreBloqueado, match="no se puede borrarlo"):
        indicador_borrar(indicador=ind, usuario=u)
    with pytest.raises(TrimestreBloqueado, match="no se puede agregarlo"):
        indicador_guardar(
            programa=programa,
            usuario=u,
            variables=_variables(),
            datos=_datos(poa, mir["componente"], clave="C9"),
        )
    # What the signed report does not depend on still changes: texts and open periods.
    abierto = _guardadas(ind)
    abierto[0].programados = {3: D("10"), 6: D("25")}
    abierto[0].nombre = "Apoyos entregados en el periodo"
    indicador_guardar(
        indicador=ind,
        programa=programa,
        usuario=u,
        variables=abierto,
        datos={"nombre": "Apoyos entregados (%)", "definicion": "Mide la entrega"},
    )
    ind.refresh_from_db()
    assert ind.nombre == "Apoyos entregados (%)" and ind.formula == "(A / B) * 100"
    assert ProgramadoVariable.objects.get(variable__simbolo="A", periodo=6).valor == 25
    assert ProgramadoVariable.objects.get(variable__simbolo="A", periodo=3).valor == 10
    # Another unidad of the same programa is not locked.
    indicador_guardar(
        programa=programa,
        usuario=u,
        variables=_variables(),
        datos=_datos(poa, mir["componente"], clave="C9", unidad=poa.unidad_a2),
    )
    # fmt: skip


def test_copy_to_the_next_ejercicio_carries_the_mir(poa, personas, mir):
    variables = _variables()
    variables[0].meta, variables[0].programados = poa.metas_a1[1], {}
    indicador_guardar(programa=poa.programa_a, usuario=personas.planeacion, variables=variables,
                      datos=_datos(poa, mir["actividad"], clave="C1.A1.1", verde_min=D("90"),
                                   verde_max=D("110"), amarillo_min=D("70"),
                                   amarillo_max=D("130")))  # fmt: skip
    origen = poa.ramo_a.ejercicio
    destino = ejercicio_copiar_estructura(origen=origen, anio_destino=origen.anio + 1,
                                          usuario=personas.planeacion)  # fmt: skip
    nuevos = ObjetivoMIR.objects.filter(programa__ramo__ejercicio=destino)
    assert sorted(nuevos.values_list("clave", "nivel")) == [
        ("C1", "COMPONENTE"),
        ("C1.A1", "ACTIVIDAD"),
        ("F", "FIN"),
        ("P", "PROPOSITO"),
    ]
    actividad = nuevos.get(clave="C1.A1")
    assert actividad.componente == nuevos.get(clave="C1")
    copia = Indicador.objects.get(programa__ramo__ejercicio=destino, clave="C1.A1.1")
    assert copia.objetivo == actividad and copia.unidad.ramo.ejercicio == destino
    assert (copia.formula, copia.verde_min, copia.amarillo_max) == ("(A / B) * 100", 90, 130)
    vinculada = copia.variables.get(simbolo="A")
    assert vinculada.meta.programa.ramo.ejercicio == destino
    assert vinculada.meta.clave == poa.metas_a1[1].clave
    assert {(p.periodo, p.valor) for p in copia.variables.get(simbolo="B").programados.all()} == {
        (3, D("40")),
        (6, D("40")),
    }
    assert Indicador.objects.filter(programa__ramo__ejercicio=destino).count() == 2
    assert not AvanceVariable.objects.filter(variable__indicador__programa__ramo__ejercicio=destino
                                             ).exists()  # fmt: skip


# --- Screens --------------------------------------------------------------------------------


def _url(nombre, *args):
    return reverse(f"programas:{nombre}", args=args)


def _formset(filas: list[dict], iniciales: int = 0) -> dict:
    datos = {"variables-TOTAL_FORMS": str(len(filas)), "variables-INITIAL_FORMS": str(iniciales),
             "variables-MIN_NUM_FORMS": "0", "variables-MAX_NUM_FORMS": "30"}  # fmt: skip
    for i, fila in enumerate(filas):
        datos.update({f"variables-{i}-{k}": v for k, v in fila.items()})
    return datos


def _post_indicador(poa, objetivo, **cambios) -> dict:
    datos = {
        "objetivo": objetivo.pk, "clave": "C1.2", "nombre": "Cobertura", "formula": "(A / B) * 100",
        "unidad_medida": "Porcentaje", "frecuencia": "TRIMESTRAL", "dimension": "EFICACIA",
        "tipo": "", "sentido": "ASCENDENTE", "unidad": poa.unidad_a2.pk, "linea_base": "1,250.5",
        "linea_base_anio": "2024",
    }  # fmt: skip
    datos.update(_formset([
        {"simbolo": "A", "nombre": "Atendidos", "comportamiento": "ACUMULABLE", "p3": "1,000",
         "p6": "2"},
        {"simbolo": "B", "nombre": "Población", "comportamiento": "CONTINUA", "p12": "3"},
    ]))  # fmt: skip
    datos.update(cambios)
    return datos


def test_the_mir_page_shows_levels_objectives_and_indicators(client, poa, personas, mir):
    client.force_login(personas.planeacion)
    html = client.get(_url("mir", poa.programa_a.pk)).content.decode()
    for texto in ("Bienestar", "Familias atendidas", "Apoyos entregados", "Padrón",
                  "Hay demanda", "Recepción de solicitudes", "(A / B) * 100", "Trimestral",
                  "Porcentaje de apoyos entregados", "Mar 10 · Jun 20", "Agregar indicador",
                  _url("mir_indicador", mir["indicador"].pk)):  # fmt: skip
        assert texto in html
    _autorizar(poa, 2)
    assert "Trimestre 2 autorizado" in client.get(_url("mir", poa.programa_a.pk)).content.decode()
    # Linked from the structure tree and from the programa's edit page.
    mir_url = _url("mir", poa.programa_a.pk)
    assert mir_url in client.get(_url("estructura")).content.decode()
    assert (
        mir_url
        in client.get(_url("catalogo_editar", "programa", poa.programa_a.pk)).content.decode()
    )


def test_the_mir_page_query_count_does_not_grow_with_the_indicators(client, poa, personas, mir):
    client.force_login(personas.planeacion)

    def contar() -> int:
        with CaptureQueriesContext(connection) as consultas:
            assert client.get(_url("mir", poa.programa_a.pk)).status_code == 200
        return len(consultas)

    contar()  # the session's first request renews it (one write)
    antes = contar()
    for n in range(6):
        variables = _variables()
        variables[0].meta, variables[0].programados = poa.metas_a1[n % 3], {}
        objetivo = mir["actividad"] if n % 2 else mir["componente"]
        indicador_guardar(
            programa=poa.programa_a,
            usuario=personas.planeacion,
            datos=_datos(poa, objetivo, clave=f"X{n}"),
            variables=variables,
        )
    assert contar() == antes


def test_objectives_through_the_screens(client, poa, personas, mir):
    client.force_login(personas.planeacion)
    nuevo = client.get(_url("mir_objetivo_nuevo", poa.programa_a.pk) + "?nivel=COMPONENTE")
    assert 'value="C2"' in nuevo.content.decode()  # a free clave is proposed
    respuesta = client.post(_url("mir_objetivo_nuevo", poa.programa_a.pk), {
        "nivel": "COMPONENTE", "clave": "C2", "resumen_narrativo": "Talleres impartidos",
        "medios_verificacion": "Listas de asistencia", "supuestos": "Asistencia"})  # fmt: skip
    assert respuesta.status_code == 302
    c2 = ObjetivoMIR.objects.get(programa=poa.programa_a, clave="C2")
    assert respuesta["Location"].endswith(f"#objetivo-{c2.pk}")
    respuesta = client.post(_url("mir_objetivo", c2.pk), {
        "nivel": "COMPONENTE", "clave": "C2", "resumen_narrativo": "Talleres",
        "medios_verificacion": "", "supuestos": ""})  # fmt: skip
    assert respuesta.status_code == 302
    c2.refresh_from_db()
    assert c2.resumen_narrativo == "Talleres"
    repetido = client.post(_url("mir_objetivo_nuevo", poa.programa_a.pk), {
        "nivel": "FIN", "clave": "F9", "resumen_narrativo": "Otro fin"})  # fmt: skip
    assert "ya tiene un Fin" in repetido.content.decode()
    assert (
        "Borrar el objetivo C2" in client.get(_url("mir_objetivo_borrar", c2.pk)).content.decode()
    )
    assert client.post(_url("mir_objetivo_borrar", c2.pk)).status_code == 302
    assert not ObjetivoMIR.objects.filter(pk=c2.pk).exists()
    rechazo = client.post(_url("mir_objetivo_borrar", mir["componente"].pk))
    assert "tiene 1 indicador(es)" in rechazo.content.decode()
    assert ObjetivoMIR.objects.filter(pk=mir["componente"].pk).exists()


def test_an_indicator_through_the_screens(client, poa, personas, mir):
    client.force_login(personas.planeacion)
    url = _url("mir_indicador_nuevo", poa.programa_a.pk)
    pagina = client.get(url + f"?objetivo={mir['fin'].pk}").content.decode()
    assert 'value="ESTRATEGICO" selected' in pagina  # tipo by the objective's level
    assert 'data-tipo="GESTION"' in pagina and "54201" not in pagina  # only the ramo's unidades
    respuesta = client.post(url, _post_indicador(poa, mir["componente"]))
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    ind = Indicador.objects.get(programa=poa.programa_a, clave="C1.2")
    assert (ind.unidad, ind.linea_base, ind.tipo) == (poa.unidad_a2, D("1250.5"), "GESTION")
    assert ind.history.first().history_user == personas.planeacion
    assert {(p.variable.simbolo, p.periodo, p.valor)
            for p in ProgramadoVariable.objects.filter(variable__indicador=ind)} == {
        ("A", 3, D("1000")), ("A", 6, D("2")), ("B", 12, D("3"))}  # fmt: skip
    edicion = client.get(_url("mir_indicador", ind.pk)).content.decode()
    assert 'value="1,000"' in edicion and 'name="variables-0-id" value="' in edicion
    a, b = ind.variables.get(simbolo="A"), ind.variables.get(simbolo="B")
    datos = _post_indicador(poa, mir["componente"], nombre="Cobertura anual")
    datos.update(_formset([
        {"id": a.pk, "simbolo": "A", "nombre": "Atendidos", "comportamiento": "ACUMULABLE",
         "p3": "5"},
        {"id": b.pk, "simbolo": "B", "nombre": "Población", "comportamiento": "CONTINUA",
         "DELETE": "on"},
        {"simbolo": "N", "nombre": "Meta", "comportamiento": "CONTINUA",
         "meta": poa.metas_a2[0].pk},
    ], iniciales=2))  # fmt: skip
    datos["formula"] = "A / N * 100"
    assert client.post(_url("mir_indicador", ind.pk), datos).status_code == 302
    ind.refresh_from_db()
    assert ind.nombre == "Cobertura anual"
    assert sorted(ind.variables.values_list("simbolo", "meta")) == [
        ("A", None),
        ("N", poa.metas_a2[0].pk),
    ]
    assert client.post(_url("mir_indicador_borrar", ind.pk)).status_code == 302
    assert not Indicador.objects.filter(pk=ind.pk).exists()


@pytest.mark.parametrize(
    ("cambios", "mensaje"),
    [
        (
            {"formula": "(A / C) * 100"},
            "Indicador C1.2: La fórmula usa «C», que no es una variable",
        ),
        ({"formula": "(A / B * 100"}, "Indicador C1.2: La fórmula no está bien escrita"),
        ({"formula": "A * 100"}, "Indicador C1.2: La variable «B» no se usa en la fórmula"),
        ({"variables-0-p4": "1"}, "periodo 4, que no corresponde a la frecuencia trimestral"),
        # A meta of another programa is not even a choice (the service refuses it too).
        ({"variables-1-meta": "OTRA"}, "Seleccione una opción válida"),
        ({"verde_min": "90"}, "los cuatro rangos del semáforo o ninguno"),
        (
            {"verde_min": "90", "verde_max": "80", "amarillo_min": "70", "amarillo_max": "130"},
            "amarillo desde ≤ verde desde ≤ verde hasta ≤ amarillo hasta",
        ),
        ({"linea_base_anio": "1800"}, "Indicador C1.2: año de la línea base:"),
        ({"variables-0-p3": "1,5"}, "ambig"),
    ],
)
def test_a_bad_indicator_on_the_screen_is_refused_in_spanish_and_saves_nothing(
    client, poa, personas, mir, cambios, mensaje
):
    if cambios.get("variables-1-meta") == "OTRA":
        ajena = MetaFactory(programa=poa.programa_b, unidad=poa.unidad_b1, clave="999")
        cambios = {"variables-1-meta": str(ajena.pk), "variables-1-p12": ""}
    client.force_login(personas.planeacion)
    antes = _contar()
    respuesta = client.post(_url("mir_indicador_nuevo", poa.programa_a.pk),
                            _post_indicador(poa, mir["componente"], **cambios))  # fmt: skip
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert mensaje in html
    assert _contar() == antes


def test_a_locked_indicator_on_the_screen_says_why(client, poa, personas, mir):
    ind = mir["indicador"]
    _autorizar(poa, 1)
    client.force_login(personas.planeacion)
    datos = _post_indicador(poa, mir["componente"], clave="C1.1", unidad=poa.unidad_a1.pk,
                            formula="A / B", linea_base="80")  # fmt: skip
    a, b = ind.variables.get(simbolo="A"), ind.variables.get(simbolo="B")
    datos.update(_formset([
        {"id": a.pk, "simbolo": "A", "nombre": a.nombre, "comportamiento": "ACUMULABLE",
         "p3": "10", "p6": "20"},
        {"id": b.pk, "simbolo": "B", "nombre": b.nombre, "comportamiento": "CONTINUA",
         "p3": "40", "p6": "40"},
    ], iniciales=2))  # fmt: skip
    html = client.post(_url("mir_indicador", ind.pk), datos).content.decode()
    assert "no se puede cambiar el método de cálculo" in html
    assert "trimestre 1 está autorizado" in html
    ind.refresh_from_db()
    assert ind.formula == "(A / B) * 100"
    html = client.post(_url("mir_indicador_borrar", ind.pk)).content.decode()
    assert "no se puede borrarlo" in html
    assert Indicador.objects.filter(pk=ind.pk).exists()


def test_only_planeacion_writes_and_other_ramos_get_404(client, poa, personas, mir):
    ind, componente = mir["indicador"], mir["componente"]
    antes = _contar()
    client.force_login(personas.capturista)  # unidad A1: may read the MIR of programa A
    html = client.get(_url("mir", poa.programa_a.pk)).content.decode()
    assert "Apoyos entregados" in html and "Agregar indicador" not in html
    assert "Solo lectura" in html
    escrituras = [
        ("get", _url("mir_objetivo_nuevo", poa.programa_a.pk)),
        ("post", _url("mir_objetivo", componente.pk)),
        ("post", _url("mir_objetivo_borrar", componente.pk)),
        ("get", _url("mir_indicador_nuevo", poa.programa_a.pk)),
        ("post", _url("mir_indicador", ind.pk)),
        ("post", _url("mir_indicador_borrar", ind.pk)),
        ("post", _url("mir_formula")),
    ]
    for metodo, url in escrituras:
        assert getattr(client, metodo)(url, {}).status_code == 403, url
    client.force_login(personas.ajeno)  # another ramo: the MIR does not exist for them
    assert client.get(_url("mir", poa.programa_a.pk)).status_code == 404
    for metodo, url in escrituras[:-1]:
        assert getattr(client, metodo)(url, {}).status_code == 404, url
    client.force_login(personas.planeacion)
    assert client.get(_url("mir", 999999)).status_code == 404
    assert client.get(_url("mir_indicador", 999999)).status_code == 404
    client.logout()
    assert client.get(_url("mir", poa.programa_a.pk)).status_code == 302  # to the login
    assert _contar() == antes


def test_the_live_formula_check(client, poa, personas):
    client.force_login(personas.planeacion)

    def revisar(formula, *simbolos):
        respuesta = client.post(_url("mir_formula"), {"formula": formula, "simbolos": simbolos})
        assert respuesta.status_code == 200 and respuesta["Content-Type"] == "application/json"
        return json.loads(respuesta.content)

    assert revisar("(A / B) × 100", "A", "B") == {
        "problemas": [],
        "simbolos": ["A", "B"],
        "formula": "(A / B) * 100",
        "faltantes": [],
    }
    desconocido = revisar("(B / X1) * 100", "B", "C")
    assert desconocido["problemas"] == [
        "La fórmula usa «X1», que no es una variable del indicador.",
        "La variable «C» no se usa en la fórmula.",
    ]
    assert (desconocido["simbolos"], desconocido["faltantes"]) == (["B", "X1"], ["X1"])
    sintaxis = revisar("(A / ", "A")
    assert sintaxis["problemas"][0].startswith("La fórmula no está bien escrita")
    assert sintaxis["simbolos"] == []
    assert "no se permite" in revisar("A ** 2", "A")["problemas"][0]
    assert client.get(_url("mir_formula")).status_code == 405  # fmt: skip


def test_every_mir_form_requires_csrf(poa, personas, mir):
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(personas.planeacion)
    antes = _contar()
    for url in (_url("mir_formula"), _url("mir_objetivo_nuevo", poa.programa_a.pk),
                _url("mir_indicador_nuevo", poa.programa_a.pk),
                _url("mir_indicador_borrar", mir["indicador"].pk),
                _url("mir_objetivo_borrar", mir["actividad"].pk)):  # fmt: skip
        assert cliente.post(url, {"formula": "A"}).status_code == 403, url
    assert _contar() == antes
    pagina = cliente.get(_url("mir_indicador_nuevo", poa.programa_a.pk))
    assert 'name="csrfmiddlewaretoken"' in pagina.content.decode()
    token = pagina.cookies["csrftoken"].value
    respuesta = cliente.post(_url("mir_formula"), {"formula": "A", "simbolos": ["A"]},
                             headers={"X-CSRFToken": token})  # fmt: skip
    assert respuesta.status_code == 200 and json.loads(respuesta.content)["problemas"] == []
