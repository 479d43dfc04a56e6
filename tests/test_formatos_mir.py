"""The four MIR formats (DOMAIN.md §8) read back — openpyxl for XLSX, pdftotext for PDF —
with the demo's 2022 figures compared with an independent computation written here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avances.models import Avance, AvanceIndicador, AvanceVariable
from programas.models import (
    Asignacion,
    Ejercicio,
    Indicador,
    Meta,
    ObjetivoMIR,
    Programa,
    Programado,
    ProgramadoVariable,
    Ramo,
    UnidadEjecutora,
    Variable,
)
from reportes.formatos import EXPORTADORES, Parametros
from tests.apoyo_reportes import fila_con, libro, texto_pdf
from tests.factories import UserFactory, asignar

pytestmark = pytest.mark.django_db
D = Decimal
FORMATOS_MIR = ("mir", "ficha-indicador", "avance-indicadores", "indicadores-resultados")


# --- The independent computation (Decimal by hand, no project formula code) ---------------


def _r2(valor: Decimal) -> str:
    return f"{valor.quantize(D('0.01'), rounding=ROUND_HALF_UP):,}"


def _variable(programa, clave, simbolo):
    return Variable.objects.get(
        indicador__programa=programa, indicador__clave=clave, simbolo=simbolo
    )


def _valor(modelo, variable, periodo, campo):
    filas = modelo.objects.filter(variable=variable, periodo=periodo)
    return filas.values_list(campo, flat=True)[0]


def _semaforo(cumplimiento: Decimal, ejercicio: Ejercicio) -> str:
    e = ejercicio
    if e.verde_min <= cumplimiento <= e.verde_max:
        return "Verde"
    if e.amarillo_min <= cumplimiento <= e.amarillo_max:
        return "Amarillo"
    return "Rojo"


def esperado_51(trimestre: int) -> dict[str, str]:
    """5.1 = A / B × 100 with A and B CONTINUA: the period's values are the acumulados."""
    programa = Programa.objects.get(ramo__ejercicio__anio=2022, ramo__clave="OROMAPAS", clave="001")
    a, b = _variable(programa, "5.1", "A"), _variable(programa, "5.1", "B")
    p = 3 * trimestre
    resultado = (
        _valor(AvanceVariable, a, p, "realizado") / _valor(AvanceVariable, b, p, "realizado") * 100
    )
    meta = (
        _valor(ProgramadoVariable, a, p, "valor") / _valor(ProgramadoVariable, b, p, "valor") * 100
    )
    cumplimiento = resultado / meta * 100
    return {
        "resultado": _r2(resultado),
        "meta": _r2(meta),
        "cumplimiento": _r2(cumplimiento),
        "semaforo": _semaforo(cumplimiento, Ejercicio.objects.get(anio=2022)),
    }


def test_independent_computation_matches_the_brief(poa_demo):
    assert esperado_51(3) == {
        "resultado": "80.20", "meta": "95.00", "cumplimiento": "84.42", "semaforo": "Amarillo",
    }  # fmt: skip


def _meta_100():
    return Meta.objects.get(
        programa__ramo__ejercicio__anio=2022, programa__ramo__clave="54", clave="100"
    )


def esperado_p1_t3() -> dict[str, str]:
    """P.1 = A / B × 100, A linked to meta 100 (SUMA, from April), both ACUMULABLE.

    Its months 7 and 8 have no realized value: A (and so the indicator) is «sin captura».
    """
    meta = _meta_100()
    assert meta.tipo_acumulacion == "SUMA" and meta.mes_inicio == 4
    prog = dict(Programado.objects.filter(meta=meta).values_list("mes", "valor"))
    capturados = set(
        Avance.objects.filter(meta=meta, realizado__isnull=False).values_list("mes", flat=True)
    )
    assert not {7, 8} <= capturados
    programa = meta.programa
    b = _variable(programa, "P.1", "B")
    pb = {p: _valor(ProgramadoVariable, b, p, "valor") for p in (3, 6, 9)}
    a_periodo = sum(prog[m] for m in (7, 8, 9))
    a_acumulado = sum(prog[m] for m in range(4, 10))
    return {
        "meta_periodo": _r2(a_periodo / pb[9] * 100),
        "meta_acumulada": _r2(a_acumulado / sum(pb.values()) * 100),
        "a_periodo": f"{a_periodo:,.0f}",
        "a_acumulado": f"{a_acumulado:,.0f}",
    }


# --- Rendering helpers ----------------------------------------------------------------------


def _render(formato, tipo, trimestre=3, **alcance):
    return EXPORTADORES[formato].render(
        Parametros(anio=2022, trimestre=trimestre, formato=tipo, **alcance)
    )


def _fila(ws, valor, columna=1) -> list:
    r = fila_con(ws, valor, columna)
    return [c.value for c in ws[r]]


def _pct(valor) -> str:
    """An XLSX percentage (a fraction with a 0.00% format) as the figure in percent."""
    return _r2(D(str(valor)) * 100)


# --- Avance de indicadores ------------------------------------------------------------------


def test_avance_indicadores_xlsx_has_the_demo_figures(poa_demo):
    nombre, _, contenido = _render("avance-indicadores", "xlsx")
    assert nombre == "avance-indicadores_2022_T3_consolidado.xlsx"
    wb = libro(contenido)
    assert wb.sheetnames == ["Índice", "01-010-001", "54-511-54101", "OROMAPAS-001-SOM"]
    ws = wb["OROMAPAS-001-SOM"]
    fila = _fila(ws, "5.1")
    e = esperado_51(3)
    assert fila[3] == "A" and fila[2] == "julio–septiembre"
    assert [_r2(D(str(v))) for v in fila[4:8]] == ["0.95", "0.81", "0.95", "0.81"]
    assert [_r2(D(str(v))) for v in fila[8:12]] == [e["meta"], e["resultado"]] * 2
    assert _pct(fila[12]) == e["cumplimiento"]
    assert fila[13] == e["semaforo"]
    assert fila[14] == "Falta la justificación (fuera de verde)."
    siguiente = [c.value for c in ws[fila_con(ws, "5.1") + 1]]
    assert siguiente[3] == "B" and [_r2(D(str(v))) for v in siguiente[4:8]] == [
        "1.00", "1.01", "1.00", "1.01",
    ]  # fmt: skip
    # P.1: A comes from meta 100, whose July and August are not captured.
    p1 = esperado_p1_t3()
    fila = _fila(wb["54-511-54101"], "P.1")
    assert fila[4] == float(p1["a_periodo"].replace(",", "")) and fila[5] == "sin captura"
    assert fila[6] == float(p1["a_acumulado"].replace(",", "")) and fila[7] == "sin captura"
    assert _r2(D(str(fila[8]))) == p1["meta_periodo"]
    assert _r2(D(str(fila[10]))) == p1["meta_acumulada"]
    assert fila[9] == fila[11] == fila[12] == fila[13] == "sin captura"


def test_avance_indicadores_pdf_has_the_demo_figures_and_signatures(poa_demo):
    _, tipo, contenido = _render("avance-indicadores", "pdf", ramo_id=_ramo("OROMAPAS"))
    assert tipo == "application/pdf"
    texto = texto_pdf(contenido)
    e = esperado_51(3)
    assert "AVANCE DE INDICADORES DE DESEMPEÑO" in texto and "PbRM-08b" in texto
    linea = next(x for x in texto.splitlines() if x.strip().startswith("5.1"))
    for cifra in ("0.95", "0.81", e["meta"], e["resultado"], f"{e['cumplimiento']} %"):
        assert cifra in linea
    assert e["semaforo"] in linea
    assert "ELABORÓ" in texto and "AUTORIZÓ" in texto and "BORRADOR" in texto


def _ramo(clave):
    return Ramo.objects.get(ejercicio__anio=2022, clave=clave).pk


def test_first_quarter_shows_nd_and_an_indicator_not_due_yet(poa_demo):
    """T1: meta 100 starts in April, so P.1 is 0 / 130 against 0 / 120 → cumplimiento N/D;
    C1.1 is semestral: nothing is due before June (empty, with the reason)."""
    wb = libro(_render("avance-indicadores", "xlsx", trimestre=1)[2])
    fila = _fila(wb["54-511-54101"], "P.1")
    assert fila[4:8] == [0, 0, 0, 0]
    assert fila[8:12] == [0, 0, 0, 0]  # meta 0 / 120 and resultado 0 / 130
    assert fila[12] == "N/D" and fila[13] == "N/D"
    fila = _fila(wb["01-010-001"], "C1.1")
    assert fila[3].startswith("Sin medición en el trimestre 1") and "junio" in fila[3]
    assert all(v is None for v in fila[4:])
    texto = texto_pdf(_render("avance-indicadores", "pdf", trimestre=1)[2])
    assert "N/D" in texto and "Sin medición en el trimestre 1" in texto


def test_the_justificacion_of_the_period_is_printed(poa_demo):
    indicador = Indicador.objects.get(programa__ramo__ejercicio__anio=2022, clave="5.1")
    AvanceIndicador.objects.create(indicador=indicador, periodo=9, justificacion="Estiaje.")
    AvanceIndicador.objects.create(indicador=indicador, periodo=6, justificacion="Otro periodo")
    fila = _fila(libro(_render("avance-indicadores", "xlsx")[2])["OROMAPAS-001-SOM"], "5.1")
    assert fila[14] == "Estiaje."


# --- MIR ------------------------------------------------------------------------------------


def test_mir_xlsx_lists_levels_in_order_with_each_indicator(poa_demo):
    wb = libro(_render("mir", "xlsx")[2])
    assert {"OROMAPAS-001", "54-511", "01-010"} <= set(wb.sheetnames)
    ws = wb["OROMAPAS-001"]
    niveles = [c.value for c in ws["A"] if c.value in {
        "FIN", "PROPÓSITO", "COMPONENTE C1", "ACTIVIDAD C1.A1"}]  # fmt: skip
    assert niveles == ["FIN", "PROPÓSITO", "COMPONENTE C1", "ACTIVIDAD C1.A1"]
    objetivo = ObjetivoMIR.objects.get(programa__ramo__clave="OROMAPAS", nivel="PROPOSITO",
                                       programa__ramo__ejercicio__anio=2022)  # fmt: skip
    fila = _fila(ws, "PROPÓSITO")
    assert fila[1] == objetivo.resumen_narrativo
    assert fila[2].startswith("5.1 Cobertura de desinfección")
    assert fila[3:7] == ["(A / B) * 100", "Trimestral", "Eficacia", "Estratégico"]
    assert objetivo.medios_verificacion in fila[7] and fila[8] == objetivo.supuestos
    fila = _fila(ws, "FIN")
    assert fila[2] == "Sin indicadores en el alcance."


def test_mir_pdf(poa_demo):
    texto = texto_pdf(_render("mir", "pdf", ramo_id=_ramo("OROMAPAS"))[2])
    assert "MATRIZ DE INDICADORES PARA RESULTADOS (MIR)" in texto
    for palabra in ("PROPÓSITO", "COMPONENTE C1", "ACTIVIDAD C1.A1", "(A / B) * 100",
                    "Trimestral", "Estratégico", "SUPUESTOS"):  # fmt: skip
        assert palabra in texto


# --- Ficha técnica --------------------------------------------------------------------------


def test_ficha_has_one_sheet_per_indicator_and_the_table_by_period(poa_demo):
    wb = libro(_render("ficha-indicador", "xlsx")[2])
    assert wb.sheetnames == ["Índice", "01-010-C1.1", "54-511-P.1", "OROMAPAS-001-5.1"]
    ws = wb["OROMAPAS-001-5.1"]
    valores = {c.value for fila in ws.iter_rows() for c in fila}
    assert {"Línea base", "Meta anual", "Sentido", "Ascendente", "Continua",
            "Bitácoras de cloración", "Macromedidores"} <= valores  # fmt: skip
    assert any(isinstance(v, str) and v.startswith("Umbrales del ejercicio") for v in valores)
    e = esperado_51(3)
    fila = _fila(ws, "julio–septiembre")
    assert [_r2(D(str(v))) for v in fila[2:6]] == ["0.95", "0.81", "0.95", "0.81"]
    assert [_r2(D(str(v))) for v in fila[6:10]] == [e["meta"], e["resultado"]] * 2
    assert _pct(fila[10]) == e["cumplimiento"] and fila[11] == e["semaforo"]
    for trimestre in (1, 2):
        fila = _fila(ws, ("enero–marzo", "abril–junio")[trimestre - 1])
        assert _r2(D(str(fila[7]))) == esperado_51(trimestre)["resultado"]
    fila = _fila(ws, "octubre–diciembre")  # not due in T3: its metas only
    assert fila[3] is None and fila[5] is None and fila[7] is None and fila[10] is None
    assert _r2(D(str(fila[6]))) == "95.00"
    linea_base = _fila(ws, "Línea base")
    assert 92.5 in linea_base and 95 in linea_base  # línea base and meta anual


def test_ficha_pdf_one_page_per_indicator(poa_demo):
    from tests.apoyo_reportes import paginas_pdf

    contenido = _render("ficha-indicador", "pdf")[2]
    assert paginas_pdf(contenido) == 1 + 3  # the table of contents, then one per indicator
    texto = texto_pdf(contenido)
    assert texto.count("FICHA TÉCNICA DEL INDICADOR") == 3
    e = esperado_51(3)
    linea = next(x for x in texto.splitlines() if "julio–septiembre" in x and "0.81" in x)
    assert f"{e['cumplimiento']} %" in linea and e["resultado"] in linea
    assert "Meta 100 (54101)" in texto  # the linked variable


# --- Indicadores de resultados (fracción VI) -----------------------------------------------


def test_indicadores_resultados_has_the_20_columns_and_the_figures(poa_demo):
    wb = libro(_render("indicadores-resultados", "xlsx")[2])
    ws = wb["Fracción VI"]
    encabezado = _fila(ws, "Ejercicio")
    columnas = [v for v in encabezado if v]
    assert len(columnas) == 20
    assert columnas[0] == "Ejercicio" and columnas[-1] == "Nota"
    assert "Método de cálculo" in columnas and "Metas ajustadas en su caso" in columnas
    fila = _fila(ws, "5.1 Cobertura de desinfección de agua en la red pública", 6)
    e = esperado_51(3)
    assert fila[0] == 2022
    assert fila[1].date().isoformat() == "2022-07-01" and fila[2].date().isoformat() == "2022-09-30"
    assert fila[11] == 92.5 and _r2(D(str(fila[12]))) == "95.00"
    assert fila[13] in (None, "")  # no adjusted goal: empty, as in the open-data fracción VI
    assert _r2(D(str(fila[14]))) == e["resultado"]
    assert fila[15] == "Ascendente" and fila[17].startswith("SOM")
    assert f"Cumplimiento {e['cumplimiento']} % ({e['semaforo'].lower()})" in fila[19]
    fila = _fila(ws, "P.1 Porcentaje de solicitudes de apoyo social atendidas", 6)
    assert fila[14] == "sin captura"


def test_indicadores_resultados_pdf(poa_demo):
    texto = texto_pdf(_render("indicadores-resultados", "pdf", trimestre=1)[2])
    assert "ARTÍCULO 70, FRACCIÓN VI" in texto and "01/01/2022" in texto
    assert "31/03/2022" in texto and "Sin medición en el trimestre 1" in texto
    assert _r2(D(esperado_51(1)["resultado"])) in texto


# --- CLI --------------------------------------------------------------------------------------


def test_cli_writes_each_format(poa_demo, tmp_path):
    for formato in FORMATOS_MIR:
        salida = tmp_path / f"{formato}.xlsx"
        call_command(
            "reporte", formato, "--ejercicio", "2022", "--trimestre", "3", "--ramo", "OROMAPAS",
            "--formato", "xlsx", "--salida", str(salida),
        )  # fmt: skip
        assert libro(salida.read_bytes()).sheetnames
    salida = tmp_path / "a.pdf"
    call_command(
        "reporte", "avance-indicadores", "--ejercicio", "2022", "--trimestre", "3", "--ramo",
        "54", "--programa", "511", "--unidad", "54101", "--formato", "pdf", "--salida",
        str(salida),
    )  # fmt: skip
    assert "P.1" in texto_pdf(salida.read_bytes())


def test_cli_scope_without_indicators_is_a_clear_error(poa_demo, tmp_path):
    with pytest.raises(CommandError, match="no tiene indicadores"):
        call_command(
            "reporte", "avance-indicadores", "--ejercicio", "2022", "--trimestre", "3",
            "--ramo", "01", "--programa", "000", "--formato", "pdf",
            "--salida", str(tmp_path / "x.pdf"),
        )  # fmt: skip


# --- Web: the reportes page and the user's scope --------------------------------------------


def _descarga(cliente, reporte, **params):
    base = {"reporte": reporte, "tipo": "xlsx", "ejercicio": 2022, "trimestre": 3}
    return cliente.get(reverse("reportes:descargar"), {**base, **params})


@pytest.fixture
def capturista_bisom(poa_demo):
    usuario = UserFactory(username="cap_bisom")
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio__anio=2022, ramo__clave="54",
                                         clave="54101")  # fmt: skip
    asignar(usuario, Asignacion.Rol.CAPTURISTA, unidad)
    return usuario, unidad


def test_reportes_page_offers_the_four_formats(client, capturista_bisom):
    client.force_login(capturista_bisom[0])
    html = client.get(reverse("reportes:index")).content.decode()
    for formato in FORMATOS_MIR:
        assert f'value="{formato}"' in html


def test_web_download_is_narrowed_to_the_users_scope(client, capturista_bisom):
    usuario, unidad = capturista_bisom
    client.force_login(usuario)
    respuesta = _descarga(client, "avance-indicadores")
    assert respuesta.status_code == 200 and "attachment" in respuesta["Content-Disposition"]
    assert libro(respuesta.content).sheetnames == ["54-511-54101"]
    ws = libro(_descarga(client, "indicadores-resultados").content)["Fracción VI"]
    claves = {c.value.split()[0] for c in ws["F"] if isinstance(c.value, str) and "." in c.value}
    assert claves == {"P.1"}
    assert libro(_descarga(client, "mir").content).sheetnames == ["54-511"]
    respuesta = _descarga(client, "ficha-indicador", tipo="pdf", unidad=unidad.pk)
    assert respuesta.status_code == 200 and "P.1" in texto_pdf(respuesta.content)


def test_web_outside_the_scope_is_404(client, capturista_bisom):
    usuario, _ = capturista_bisom
    client.force_login(usuario)
    som = UnidadEjecutora.objects.get(ramo__ejercicio__anio=2022, clave="SOM")
    for formato in FORMATOS_MIR:
        assert _descarga(client, formato, unidad=som.pk).status_code == 404
        assert _descarga(client, formato, ramo=som.ramo_id).status_code == 404
    client.force_login(UserFactory(username="sin_rol"))
    assert _descarga(client, "mir").status_code == 404


def test_web_planeacion_gets_everything(client, poa_demo):
    usuario = UserFactory(username="plan")
    asignar(usuario, Asignacion.Rol.PLANEACION)
    client.force_login(usuario)
    respuesta = _descarga(client, "avance-indicadores", tipo="pdf")
    assert respuesta.status_code == 200
    texto = texto_pdf(respuesta.content)
    assert all(clave in texto for clave in ("5.1", "P.1", "C1.1"))


# --- Queries do not grow with the number of indicators ---------------------------------------


def _mas_indicadores(n: int, desde: int) -> None:
    """n more trimestral indicators (A / B × 100, both with values) on OROMAPAS's Propósito."""
    base = Indicador.objects.get(programa__ramo__ejercicio__anio=2022, clave="5.1")
    indicadores = Indicador.objects.bulk_create(
        [
            Indicador(
                programa=base.programa, objetivo=base.objetivo, clave=f"X.{desde + i}",
                nombre=f"Indicador sintético {desde + i}", formula="(A / B) * 100",
                unidad_medida="Porcentaje", frecuencia="TRIMESTRAL", unidad=base.unidad,
                orden=100 + desde + i,
            )
            for i in range(n)
        ]
    )  # fmt: skip
    variables = Variable.objects.bulk_create(
        [Variable(indicador=ind, simbolo=s, nombre=s) for ind in indicadores for s in "AB"]
    )
    ProgramadoVariable.objects.bulk_create(
        [ProgramadoVariable(variable=v, periodo=p, valor=D(10)) for v in variables
         for p in (3, 6, 9, 12)]
    )  # fmt: skip
    AvanceVariable.objects.bulk_create(
        [AvanceVariable(variable=v, periodo=p, realizado=D(9)) for v in variables
         for p in (3, 6, 9)]
    )  # fmt: skip


def _consultas(formato: str) -> int:
    with CaptureQueriesContext(connection) as capturadas:
        _render(formato, "xlsx", ramo_id=_ramo("OROMAPAS"))
    return len(capturadas)


def test_query_count_does_not_grow_with_indicators(poa_demo):
    _mas_indicadores(2, 0)  # 3 indicators in the ramo
    pocas = {f: _consultas(f) for f in FORMATOS_MIR}
    _mas_indicadores(27, 2)  # 30
    assert Indicador.objects.filter(programa__ramo__clave="OROMAPAS").count() == 30
    muchas = {f: _consultas(f) for f in FORMATOS_MIR}
    assert muchas == pocas, (pocas, muchas)
    assert max(pocas.values()) <= 25
    wb = libro(_render("ficha-indicador", "xlsx", ramo_id=_ramo("OROMAPAS"))[2])
    assert len(wb.sheetnames) == 1 + 30  # the index sheet and one per indicator


# --- A signed quarter -------------------------------------------------------------------------


def test_an_authorized_pair_prints_signed_and_its_pdf_is_kept(poa_demo, settings, tmp_path):
    from avances.models import TrimestreFirma
    from reportes.formatos import ruta_firmado

    settings.MEDIA_ROOT = str(tmp_path)
    indicador = Indicador.objects.get(programa__ramo__ejercicio__anio=2022, clave="5.1")
    TrimestreFirma.objects.create(
        programa=indicador.programa, unidad=indicador.unidad, trimestre=3,
        estado=TrimestreFirma.Estado.AUTORIZADO, snapshot={"metas": []},
        snapshot_hash="b" * 64, codigo_verificacion="WXYZ-2345",
    )  # fmt: skip
    alcance = {"ramo_id": indicador.programa.ramo_id}
    texto = texto_pdf(_render("avance-indicadores", "pdf", **alcance)[2])
    assert "BORRADOR" not in texto and "WXYZ-2345" in texto
    guardados = list((tmp_path / "reportes" / "firmados").glob("avance-indicadores-*.pdf"))
    assert len(guardados) == 1
    # The MIR and the ficha print planning texts the snapshot does not hold: never kept.
    texto = texto_pdf(_render("mir", "pdf", **alcance)[2])
    assert "BORRADOR" not in texto
    assert not list((tmp_path / "reportes" / "firmados").glob("mir-*.pdf"))
    assert ruta_firmado("mir", "x").parent == guardados[0].parent
    # Another quarter of the same pair is still a draft.
    assert "BORRADOR" in texto_pdf(_render("avance-indicadores", "pdf", trimestre=2, **alcance)[2])
