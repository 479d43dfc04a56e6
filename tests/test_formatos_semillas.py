"""The cronograma (seed 002) and the POA trimestral (seed 000) carry every element of their
seeds, read back from the PDF (pdftotext) and the XLSX (openpyxl) — issue 13."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from programas.models import UnidadEjecutora
from reportes.formatos import EXPORTADORES, Parametros
from reportes.formatos.comun import acciones_con_padre
from reportes.formatos.cronograma import contadas
from tests.apoyo_reportes import fila_con, libro
from tests.captura_util import congelar_hoy
from tests.impresion import paginas

pytestmark = pytest.mark.django_db

HOY = date(2026, 11, 18)  # the living demo's "today": the third quarter is closed
ALINEACION = [  # seed 002: N°, módulo, eje, línea, actividad específica (the acción is empty)
    (1, "Atención Ciudadana y recepción de solicitudes", "Recepción y canalización"),
    (2, "Gestión de Apoyos y Jornadas Comunitarias", "Gestionar Apoyos ante"),
    (3, "Programas Sociales y gestión ante dependencias externas", "Talleres y capacitaciones"),
    (4, "Vinculación Institucional", "Participación en mesas"),
    (5, None, "Establecimiento de convenios"),
]
RESPONSABLES = [
    "Personal de Gestión Social",
    "Jefe del Departamento y personal de gestión social.",
    "Jefe del Departamento",
    "Presidencia o en su caso la secretaria de Gobierno",
]


def _render(identificador: str, formato: str, anio: int, trimestre: int, **alcance):
    return EXPORTADORES[identificador].render(
        Parametros(anio=anio, trimestre=trimestre, formato=formato, workers=1, **alcance)
    )


def _texto_en_orden(contenido: bytes) -> str:
    """pdftotext in reading order (not -layout, which interleaves wrapped header cells)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as archivo:
        archivo.write(contenido)
        archivo.flush()
        return subprocess.run(
            ["pdftotext", archivo.name, "-"], check=True, capture_output=True, text=True
        ).stdout


def _fila(ws, r: int) -> list:
    return [c.value for c in ws[r]]


@pytest.fixture
def gsac(db, monkeypatch):
    congelar_hoy(monkeypatch)(HOY)
    call_command("cargar_demo", stdout=None)
    return UnidadEjecutora.objects.get(ramo__ejercicio__anio=2026, ramo__clave="01", clave="GSAC")


def test_cronograma_gsac_2026_carries_seed_002(gsac):
    ws = libro(_render("cronograma", "xlsx", 2026, 3, unidad_id=gsac.pk)[2]).active
    # Objetivos of the área.
    general = ws.cell(row=fila_con(ws, "Objetivo general:"), column=2).value
    assert general == "Atención directa a los ciudadanos en sus demandas y necesidades sociales"
    especificos = ws.cell(row=fila_con(ws, "Objetivos específicos:"), column=2).value
    assert especificos.startswith("Brindar atención personalizada y oportuna")
    # The alignment table, its five rows on the cronograma's grid (colspans).
    encabezado = fila_con(ws, "Módulo / Proyecto general", columna=2)
    assert _fila(ws, encabezado)[2] == "Eje estratégico del Plan Municipal de Desarrollo"
    assert _fila(ws, encabezado)[5] == "Línea estratégica del Plan Municipal de Desarrollo"
    assert _fila(ws, encabezado)[9] == "Acción del Plan Municipal de Desarrollo"
    assert _fila(ws, encabezado)[17] == "Actividad específica"
    for desplazamiento, (n, modulo, actividad) in enumerate(ALINEACION, 1):
        fila = _fila(ws, encabezado + desplazamiento)
        assert fila[0] == n and fila[1] == modulo
        assert fila[17].startswith(actividad)
        assert fila[2] == ("Mas desarrollo y competitividad" if modulo else None)
        assert fila[5] == ("Desarrollo económico para los habitantes" if modulo else None)
    # The cronograma: responsable (never the unidad's name), meta programada / alcanzada
    # N° and % (to September: 9 × 7.5 = 67.5 of 90 = 75 %), the months, dates or periodicity.
    for i, responsable in enumerate(RESPONSABLES, 1):
        fila = _fila(ws, fila_con(ws, f"GS-{i}.- ", columna=2))
        assert fila[0] == i and fila[2] == responsable
        assert fila[3] in ("SOLICITUDES", "APOYOS", "PROGRAMAS", "GESTION") and fila[4] == 90
        assert fila[5] == 67.5 and float(fila[6]) == pytest.approx(0.75)
        assert fila[9:21] == ["X"] * 12
        if i == 1:
            assert fila[21:24] == [datetime(2026, 1, 2), datetime(2026, 12, 30), None]
        else:
            assert fila[21:24] == [None, None, "BIMESTRAL"]
    assert "GESTIÓN SOCIAL Y ATENCIÓN CIUDADANA" not in {
        _fila(ws, fila_con(ws, f"GS-{i}.- ", columna=2))[2] for i in range(1, 5)
    }
    # The Indicador de medida table: nombre, variables, fórmula and the unidad's índice.
    r = fila_con(ws, "Nombre", columna=1)
    assert [v for v in _fila(ws, r) if v] == [
        "Nombre",
        "Variables",
        "Fórmula",
        "Resultado al septiembre",
    ]
    fila = [v for v in _fila(ws, r + 1) if v is not None]
    assert fila[0] == "ÍNDICE DE EFICIENCIA"
    assert "Actividades logradas" in fila[1] and "Actividades programadas: 270" in fila[1]
    assert fila[2].startswith("Índice de eficiencia = Actividades logradas / Actividades")
    total = _fila(ws, fila_con(ws, "ÍNDICE DE EFICIENCIA DE LA UNIDAD"))
    assert total[5] == 270  # four activities × 67.5 programmed to September

    texto = _texto_en_orden(_render("cronograma", "pdf", 2026, 3, unidad_id=gsac.pk)[2])
    plano = re.sub(r"(\w)[-‐] (\w)", r"\1\2", " ".join(texto.split()))  # hyphenated
    for elemento in (
        "Objetivo general:",
        "Atención directa a los ciudadanos en sus demandas y necesidades sociales",
        "Objetivos específicos:",
        "Brindar atención personalizada y oportuna a la ciudadanía",
        "Alineación con el Plan Municipal de Desarrollo",
        "Establecimiento de convenios con organizaciones civiles y publicas",
        "Indicador de medida",
        "Meta programada N°",
        "Meta alcanzada N°",
        "02/01/2026",
        "30/12/2026",
        "BIMESTRAL",
        "67.5",
        "75%",
        "Presidencia o en su caso la secretaria de Gobierno",
        "Actividades programadas: 270",
    ):
        assert elemento in plano, elemento
    assert "Índice de eficiencia" in plano and "no registrado" not in plano


def test_cronograma_says_no_registrado_when_the_fields_are_empty(poa_demo):
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="54101")
    ws = libro(_render("cronograma", "xlsx", 2022, 2, unidad_id=unidad.pk)[2]).active
    assert ws.cell(row=fila_con(ws, "Objetivo general:"), column=2).value == "no registrado"
    assert ws.cell(row=fila_con(ws, "100.- Proporcionar", columna=2), column=3).value == (
        "no registrado"
    )  # never the unidad's name
    assert fila_con(ws, "Alineación con el PMD: no registrado", columna=1)


def test_acciones_and_their_metas_count_once_in_the_indice(poa_demo):
    """Presidencia 01/001 (seed 004): metas "N" with acciones "N.M" whose grupo is "N - …".

    The rule (module docstring of reportes.formatos.cronograma): an acción is listed under
    its meta (N° "n.k") and left out of the índice; a meta counts once.
    """
    exportador = EXPORTADORES["cronograma"]
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="01", clave="001")
    datos = exportador.datos(Parametros(anio=2022, trimestre=4, unidad_id=unidad.pk))
    wb = libro(_render("cronograma", "xlsx", 2022, 4, unidad_id=unidad.pk)[2])
    con_acciones = 0
    hojas = [ws for ws in wb.worksheets if ws.title != "Índice"]  # a consolidated's index
    for s, ws in zip(datos.secciones, hojas, strict=True):
        acciones = acciones_con_padre(s.filas)
        claves = {f.clave for f in s.filas}
        for f in s.filas:
            padre = f.clave.split(".", 1)[0]
            es_accion = "." in f.clave and padre in claves and f.grupo.startswith(f"{padre} - ")
            assert (f.meta_id in acciones) == es_accion, f.clave
        cuentan = contadas(s)
        assert not {f.meta_id for f in cuentan} & acciones  # an acción never adds up
        # Read back: the índice's Σ programadas is the counted metas' programado to Q4.
        inicio = fila_con(ws, "Meta programada N°") + 1
        r_total = fila_con(ws, "ÍNDICE DE EFICIENCIA DE LA UNIDAD")
        filas = {ws.cell(row=r, column=2).value: _fila(ws, r) for r in range(inicio, r_total)}
        esperado = sum(
            (Decimal(str(filas[f"{f.clave}.- {f.descripcion}"][5] or 0)) for f in cuentan),
            Decimal(0),
        )
        assert Decimal(str(_fila(ws, r_total)[5] or 0)) == esperado
        por_clave = {f.clave: filas[f"{f.clave}.- {f.descripcion}"][0] for f in s.filas}
        for f in s.filas:  # every acción is still listed, numbered under its meta: "n.k"
            n = por_clave[f.clave]
            assert (isinstance(n, str) and "." in n) == (f.meta_id in acciones), f.clave
            if f.meta_id in acciones:
                assert n.split(".")[0] == str(por_clave[f.clave.split(".", 1)[0]]), f.clave
        if acciones:
            con_acciones += 1
            suma_acciones = sum(
                Decimal(str(filas[f"{f.clave}.- {f.descripcion}"][5] or 0))
                for f in s.filas
                if f.meta_id in acciones
            )
            assert suma_acciones > 0  # so leaving them out changes the índice
    assert con_acciones  # the demo has metas with acciones


def test_poa_trimestral_oromapas_2022_is_one_document(poa_demo):
    from programas.models import Ramo

    ramo = Ramo.objects.get(ejercicio=poa_demo, clave="OROMAPAS")
    contenido = _render("poa-trimestral", "pdf", 2022, 2, ramo_id=ramo.pk)[2]
    hojas = paginas(contenido)
    textos = [" ".join(c.texto for c in lineas) for lineas, _ in hojas]
    primera = textos[0]
    leyenda = (
        "U.M. = Unidad de Medida, Cant = Cantidad, Prop = Propósito, Comp = Componente, "
        "Act = Actividad, S.Act = Sub-Actividad, P = Programado, R = Realizado, "
        "N/P = No Programado, A = Ascendente, B = Descendente"
    )
    plano = " ".join(primera.split())
    assert leyenda in plano
    assert plano.index("Abreviaturas") < plano.index("CLAVE")  # the legend at the top
    todo = " ".join(" ".join(textos).split())
    areas = [
        "Dirección General", "Subdirección Administrativa", "Subdirección Comercial",
        "Subdirección de Operación y Mantenimiento", "Subdirección de Planeación",
    ]  # fmt: skip
    posiciones = [todo.index(f"Área o Proyecto Específico: {a}") for a in areas]
    assert posiciones == sorted(posiciones)
    assert todo.count("Área o Proyecto Específico:") == 5
    # One signature, the director's, on the last page; one numbering for the document.
    assert todo.count("Director de ") == 1 and "Director de " in textos[-1]
    assert "Josué Raúl Gutiérrez Casillas" in textos[-1]
    assert f"Página {len(hojas)} de {len(hojas)}" in textos[-1]
    assert todo.count("Página 1 de") == 1
    assert "694,836" in todo and "50.35%" in todo  # the totals row after the last block

    wb = libro(_render("poa-trimestral", "xlsx", 2022, 2, ramo_id=ramo.pk)[2])
    assert wb.sheetnames == ["OROMAPAS"]
    ws = wb.active
    r_leyenda = fila_con(ws, "Abreviaturas:")
    assert ws.cell(row=r_leyenda, column=2).value == leyenda
    bloques = [fila_con(ws, f"Área o Proyecto Específico: {a}", columna=1) for a in areas]
    assert r_leyenda < bloques[0] and bloques == sorted(bloques)
    for r in bloques:  # each block opens with its column header
        assert ws.cell(row=r + 1, column=1).value == "CLAVE"
    valores = [c.value for fila in ws.iter_rows() for c in fila if isinstance(c.value, str)]
    assert sum("Director de " in v for v in valores) == 1
    assert fila_con(ws, "TOTAL") > bloques[-1]


def test_cronograma_reads_are_constant(poa_demo, django_assert_max_num_queries):
    """Three reads, plus `exists` and the seven of `filas_indicadores` with MIR indicators."""
    from reportes.selectors_cronograma import datos_cronograma

    exportador = EXPORTADORES["cronograma"]
    unidad = UnidadEjecutora.objects.get(ramo__ejercicio=poa_demo, ramo__clave="54", clave="54101")
    for alcance in ({"unidad_id": unidad.pk}, {}):  # one unidad, the whole ejercicio
        datos = exportador.datos(Parametros(anio=2022, trimestre=2, **alcance))
        with django_assert_max_num_queries(11):
            extra = datos_cronograma(datos)
        assert set(extra.metas) == {f.meta_id for s in datos.secciones for f in s.filas}
