"""The MIR sheets through importar_poa (PLANTILLA.md "MIR sheets", DOMAIN.md §8).

Every computed figure is compared with an independent computation written here with plain
Decimal arithmetic, not with `programas.indicadores`.
"""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import call_command

from avances.models import AvanceVariable, TrimestreFirma
from avances.selectors_indicadores import filas_indicadores
from plantilla.exportacion import exportar_libro
from plantilla.exportacion_mir import (
    COLUMNAS_INDICADORES,
    COLUMNAS_MIR,
    COLUMNAS_VALORES,
    COLUMNAS_VARIABLES,
)
from plantilla.importacion import ImportacionInvalida, analizar_libro, importar_libro
from programas.models import Indicador, ObjetivoMIR, ProgramadoVariable, Variable
from tests.fixtures_demo import libro_xlsx

pytestmark = pytest.mark.django_db


def _libro(mir=(), indicadores=(), variables=(), valores=()) -> bytes:
    hojas, columnas = {}, {}
    for nombre, encabezado, filas in (
        ("mir", COLUMNAS_MIR, mir),
        ("indicadores", COLUMNAS_INDICADORES, indicadores),
        ("variables", COLUMNAS_VARIABLES, variables),
        ("valores_variables", COLUMNAS_VALORES, valores),
    ):
        if filas:
            hojas[nombre], columnas[nombre] = list(filas), encabezado
    return libro_xlsx(hojas, columnas=columnas)


def _indicador(**cambios) -> dict:
    fila = {
        "ramo_clave": "54", "programa_clave": "511", "objetivo": "P", "clave": "X.1",
        "nombre": "Indicador de prueba", "formula": "(A / B) * 100", "unidad_medida": "%",
        "frecuencia": "TRIMESTRAL", "unidad_clave": "54102",
    }  # fmt: skip
    fila.update(cambios)
    return fila


VARS_XY = [
    ("54", "511", "X.1", "A", "Atendidos", "", "ACUMULABLE", "", "", ""),
    ("54", "511", "X.1", "B", "Población", "", "CONTINUA", "", "", ""),
]


def _errores(contenido: bytes) -> list[str]:
    plan = analizar_libro(contenido, ejercicio=2022)
    return [str(e) for e in plan.errores]


def test_demo_mir_is_loaded_with_every_level_and_linked_variable(poa_demo):
    assert ObjetivoMIR.objects.filter(programa__clave="001", nivel="ACTIVIDAD").get().componente
    ind = Indicador.objects.get(programa__clave="511", clave="P.1")
    assert ind.tipo == "ESTRATEGICO" and ind.verde_min == D("95")
    assert ind.variables.get(simbolo="A").meta.clave == "100"
    # FIN/PROPÓSITO of Presidencia came from the programas sheet of its workbook.
    assert ObjetivoMIR.objects.filter(programa__clave="010", nivel="FIN").exists()


def test_figures_equal_an_independent_computation(poa_demo):
    filas = {
        f.indicador.clave: f
        for f in filas_indicadores(Indicador.objects.filter(programa__ramo__ejercicio__anio=2022),
                                   trimestre=3)
    }  # fmt: skip
    # 5.1: CONTINUA variables, period 9 (the quarter's): A=0.81, B=1.01; meta 0.95/1.00.
    c = filas["5.1"].calculo
    assert c.periodo == 9
    resultado = D("0.81") / D("1.01") * 100
    meta = D("0.95") / D("1.00") * 100
    assert abs(c.resultado_acumulado.valor - resultado) < D("1e-20")
    assert c.meta_acumulada.valor == meta
    assert abs(c.cumplimiento.valor - resultado / meta * 100) < D("1e-20")
    assert str(c.semaforo) == "amarillo"  # 84.42 % with the ejercicio's 90–110 / 70–130
    # C1.1 (SEMESTRAL): in Q3 the period due is 6; ACUMULABLE sums periods ≤ 6.
    s = filas["C1.1"].calculo
    assert s.periodo == 6 and s.resultado_acumulado.valor == D(9) / D(10) * 100
    # Before the first period of a SEMESTRAL indicator nothing is due.
    q1 = filas_indicadores(Indicador.objects.filter(clave="C1.1"), trimestre=1)[0]
    assert q1.periodo is None and q1.calculo is None


def test_linked_variable_takes_the_metas_values_by_its_tipo(poa_demo):
    from programas.models import Meta

    meta = Meta.objects.get(unidad__clave="54101", clave="100")
    fila = filas_indicadores(Indicador.objects.filter(clave="P.1"), trimestre=2)[0]
    a = next(v for v in fila.calculo.variables if v.simbolo == "A")
    programados = {p.mes: p.valor for p in meta.programados.all()}
    esperado = sum((programados.get(m, D(0)) for m in range(meta.mes_inicio, 7)), D(0))
    assert a.programado_acumulado == esperado
    realizados = {x.mes: x.realizado for x in meta.avances.all()}
    if all(realizados.get(m) is not None for m in range(meta.mes_inicio, 7)):
        assert a.realizado_acumulado == sum(realizados[m] for m in range(meta.mes_inicio, 7))
    else:
        assert a.realizado_acumulado is None


def test_unchanged_export_imports_with_zero_changes_and_round_trips(poa_demo):
    contenido = exportar_libro(ejercicio=poa_demo)
    libro = openpyxl.load_workbook(io.BytesIO(contenido), read_only=True)
    assert len(list(libro["indicadores"].iter_rows())) == 1 + Indicador.objects.count()
    plan = analizar_libro(contenido, ejercicio=2022)
    assert plan.errores == []
    assert plan.cambios == [] and not plan.hay_escrituras, plan.cambios[:5]
    antes = sorted(ProgramadoVariable.objects.values_list("variable__simbolo", "periodo", "valor"))
    ObjetivoMIR.objects.all().delete()
    importar_libro(contenido, ejercicio=2022)
    assert sorted(ProgramadoVariable.objects.values_list(
        "variable__simbolo", "periodo", "valor")) == antes  # fmt: skip
    assert Indicador.objects.count() == 3 and Variable.objects.count() == 6


@pytest.mark.parametrize(
    ("hojas", "esperado"),
    [
        (
            {
                "indicadores": [_indicador(formula="(A / B) * __import__('os')")],
                "variables": VARS_XY,
            },
            "indicadores!2 formula:",
        ),
        (
            {"indicadores": [_indicador(formula="(A / C) * 100")], "variables": VARS_XY},
            "indicadores!2 formula: indicador X.1: la fórmula usa «C»",
        ),
        (
            {"indicadores": [_indicador(formula="A * 100")], "variables": VARS_XY},
            "variables!3 simbolo: indicador X.1: la variable «B» no se usa",
        ),
        (
            {
                "indicadores": [_indicador()],
                "variables": VARS_XY,
                "valores": [("54", "511", "X.1", "A", 4, 1, 1)],
            },
            "valores_variables!2 periodo: el periodo 4 no existe para la frecuencia TRIMESTRAL",
        ),
        (
            {
                "indicadores": [_indicador()],
                "variables": [VARS_XY[0][:8] + ("54201", "300"), VARS_XY[1]],
            },
            "variables!2 meta_clave: la meta 300 pertenece al programa 542",
        ),
        (
            {
                "indicadores": [_indicador()],
                "variables": [VARS_XY[0][:8] + ("54101", "999"), VARS_XY[1]],
            },
            "variables!2 meta_clave: la meta 999 de la unidad 54101 no existe",
        ),
        (
            {"indicadores": [_indicador(frecuencia="QUINCENAL")], "variables": VARS_XY},
            "indicadores!2 frecuencia: «QUINCENAL» no es válido",
        ),
        (
            {"indicadores": [_indicador(objetivo="C9")], "variables": VARS_XY},
            "indicadores!2 objetivo: el objetivo C9 no está",
        ),
        (
            {"mir": [("54", "511", "ACTIVIDAD", "A1", "C7", "Hacer algo", "", "")]},
            "mir!2 componente: C7 no es un COMPONENTE",
        ),
        (
            {"indicadores": [_indicador(verde_min=90)], "variables": VARS_XY},
            "indicadores!2 verde_min: los rangos del semáforo van los cuatro o ninguno",
        ),
    ],
)
def test_bad_rows_are_named_sheet_row_column_and_nothing_is_written(poa_demo, hojas, esperado):
    antes = (Indicador.objects.count(), Variable.objects.count(), ObjetivoMIR.objects.count())
    contenido = _libro(**hojas)
    errores = _errores(contenido)
    assert any(e.startswith(esperado) for e in errores), errores
    with pytest.raises(ImportacionInvalida):
        importar_libro(contenido, ejercicio=2022)
    assert (Indicador.objects.count(), Variable.objects.count(),
            ObjetivoMIR.objects.count()) == antes  # fmt: skip


def test_a_new_indicator_imports_and_a_second_import_changes_nothing(poa_demo):
    valores = [("54", "511", "X.1", "A", p, 10, 8) for p in (3, 6)]
    valores += [("54", "511", "X.1", "B", p, 100, 100) for p in (3, 6)]
    contenido = _libro(indicadores=[_indicador()], variables=VARS_XY, valores=valores)
    importar_libro(contenido, ejercicio=2022)
    ind = Indicador.objects.get(clave="X.1")
    assert ind.tipo == "ESTRATEGICO"  # default by the nivel of its objective (Propósito)
    assert AvanceVariable.objects.filter(variable__indicador=ind).count() == 4
    fila = filas_indicadores(Indicador.objects.filter(pk=ind.pk), trimestre=2)[0]
    # A ACUMULABLE: 8 + 8 = 16 of 20; B CONTINUA: 100 at period 6.
    assert fila.calculo.resultado_acumulado.valor == D(16) / D(100) * 100
    assert fila.calculo.meta_acumulada.valor == D(20) / D(100) * 100
    plan = analizar_libro(contenido, ejercicio=2022)
    assert plan.errores == [] and not plan.hay_escrituras


def test_division_by_zero_is_nd_not_an_error(poa_demo):
    valores = [("54", "511", "X.1", "A", 3, 1, 1), ("54", "511", "X.1", "B", 3, 0, 0)]
    importar_libro(_libro(indicadores=[_indicador()], variables=VARS_XY, valores=valores),
                   ejercicio=2022)  # fmt: skip
    fila = filas_indicadores(Indicador.objects.filter(clave="X.1"), trimestre=1)[0]
    assert fila.calculo.resultado_periodo.estado == "N/D"
    assert str(fila.calculo.semaforo) == "nd" and fila.requiere_justificacion


def test_values_of_an_authorized_quarter_are_refused(poa_demo):
    ind = Indicador.objects.get(clave="5.1")
    TrimestreFirma.objects.create(programa=ind.programa, unidad=ind.unidad, trimestre=1,
                                  estado=TrimestreFirma.Estado.AUTORIZADO)  # fmt: skip
    contenido = _libro(valores=[("OROMAPAS", "001", "5.1", "A", 3, D("0.95"), D("0.50"))])
    errores = _errores(contenido)
    assert any(e.startswith("valores_variables!2 realizado:") and "autorizado" in e
               for e in errores), errores  # fmt: skip
    # A value of a quarter still open goes through.
    contenido = _libro(valores=[("OROMAPAS", "001", "5.1", "A", 6, D("0.95"), D("0.97"))])
    assert _errores(contenido) == []
    # Changing the formula of an indicator with a signed quarter is refused too.
    fila = {c: getattr(ind, c, None) for c in ("clave", "nombre", "unidad_medida")}
    cambio = _indicador(ramo_clave="OROMAPAS", programa_clave="001", unidad_clave="SOM",
                        formula="(A / B) * 1000", **fila)  # fmt: skip
    cambio["frecuencia"] = "TRIMESTRAL"
    errores = _errores(_libro(indicadores=[cambio]))
    assert any("autorizado" in e for e in errores), errores


def test_importar_poa_command_loads_the_mir(poa_demo, tmp_path):
    ruta = tmp_path / "mir.xlsx"
    ruta.write_bytes(_libro(indicadores=[_indicador()], variables=VARS_XY))
    call_command("importar_poa", str(ruta), "--ejercicio", "2022")
    assert Indicador.objects.filter(clave="X.1").exists()
