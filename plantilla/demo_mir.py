"""The demo's MIR: indicators from the seeds, loaded through the real importer.

Seed 003 defines *Cobertura de desinfección de agua en la red pública = caudal
desinfectado / caudal suministrado × 100* (trimestral) — OROMAPAS's Propósito here; seed
002's cronograma ends with the *Índice de eficiencia = actividades logradas / programadas ×
100* — Presidencia's componente; BISOM's apoyos are a variable linked to its meta 100, so
nobody types them twice. FIN and PROPÓSITO of Presidencia come from seed 004 (they are in
its workbook's programas sheet already).
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from plantilla.exportacion_mir import (
    COLUMNAS_INDICADORES,
    COLUMNAS_MIR,
    COLUMNAS_VALORES,
    COLUMNAS_VARIABLES,
)

D = Decimal

MIR = [
    # ramo, programa, nivel, clave, componente, resumen, medios, supuestos
    ("OROMAPAS", "001", "FIN", "F", "",
     "Contribuir a la salud de la población mediante el suministro de agua de calidad para "
     "uso y consumo humano.", "Informe anual del organismo", "La población usa la red pública"),
    ("OROMAPAS", "001", "PROPOSITO", "P", "",
     "La población del municipio recibe agua desinfectada en la red pública.",
     "Bitácoras de cloración y aforos de la Subdirección de Operación",
     "Las fuentes de abastecimiento no se contaminan"),
    ("OROMAPAS", "001", "COMPONENTE", "C1", "",
     "Infraestructura de agua potable y alcantarillado rehabilitada.",
     "Informes de obra", "Se cuenta con el presupuesto autorizado"),
    ("OROMAPAS", "001", "ACTIVIDAD", "C1.A1", "C1",
     "Rehabilitación de la red de distribución.", "Bitácoras de obra", ""),
    ("54", "511", "FIN", "F", "",
     "Contribuir al bienestar de las familias en situación vulnerable del municipio.",
     "Padrón de beneficiarios", ""),
    ("54", "511", "PROPOSITO", "P", "",
     "Las familias vulnerables que lo solicitan reciben apoyos sociales.",
     "Expedientes de apoyos entregados", "Las familias acuden a solicitar el apoyo"),
    ("01", "010", "COMPONENTE", "C1", "",
     "Gestiones y audiencias de la Presidencia atendidas.", "Reportes trimestrales", ""),
]  # fmt: skip

INDICADORES = [
    {"ramo_clave": "OROMAPAS", "programa_clave": "001", "objetivo": "P", "clave": "5.1",
     "nombre": "Cobertura de desinfección de agua en la red pública",
     "definicion": "Porcentaje del caudal suministrado en la red pública que se desinfecta.",
     "formula": "(A / B) * 100", "unidad_medida": "Porcentaje", "frecuencia": "TRIMESTRAL",
     "dimension": "EFICACIA", "tipo": "ESTRATEGICO", "sentido": "ASCENDENTE",
     "linea_base": D("92.50"), "linea_base_anio": 2021, "unidad_clave": "SOM",
     "medios_verificacion": "Bitácoras de cloración"},
    {"ramo_clave": "54", "programa_clave": "511", "objetivo": "P", "clave": "P.1",
     "nombre": "Porcentaje de solicitudes de apoyo social atendidas",
     "definicion": "Apoyos entregados respecto de las solicitudes recibidas.",
     "formula": "(A / B) * 100", "unidad_medida": "Porcentaje", "frecuencia": "TRIMESTRAL",
     "dimension": "EFICACIA", "tipo": "ESTRATEGICO", "sentido": "ASCENDENTE",
     "unidad_clave": "54101", "verde_min": D("95"), "verde_max": D("105"),
     "amarillo_min": D("80"), "amarillo_max": D("120")},
    {"ramo_clave": "01", "programa_clave": "010", "objetivo": "C1", "clave": "C1.1",
     "nombre": "Índice de eficiencia", "formula": "(A / B) * 100",
     "definicion": "Actividades logradas respecto de las programadas (seed 002).",
     "unidad_medida": "Porcentaje", "frecuencia": "SEMESTRAL", "dimension": "EFICIENCIA",
     "tipo": "GESTION", "sentido": "ASCENDENTE", "unidad_clave": "001"},
]  # fmt: skip

VARIABLES = [
    ("OROMAPAS", "001", "5.1", "A", "Caudal de agua desinfectada de la red pública", "m3/s",
     "CONTINUA", "Bitácoras de cloración", "", ""),
    ("OROMAPAS", "001", "5.1", "B", "Caudal de agua suministrada de la red pública", "m3/s",
     "CONTINUA", "Macromedidores", "", ""),
    ("54", "511", "P.1", "A", "Apoyos sociales entregados", "Apoyo Social", "ACUMULABLE",
     "Meta 100 de la Dirección", "54101", "100"),
    ("54", "511", "P.1", "B", "Solicitudes de apoyo recibidas", "Solicitud", "ACUMULABLE",
     "Oficialía de partes", "", ""),
    ("01", "010", "C1.1", "A", "Actividades logradas", "Actividad", "ACUMULABLE",
     "Reportes trimestrales", "", ""),
    ("01", "010", "C1.1", "B", "Actividades programadas", "Actividad", "ACUMULABLE",
     "POA", "", ""),
]  # fmt: skip

VALORES = [
    # ramo, programa, indicador, símbolo, periodo, programado, realizado
    *[("OROMAPAS", "001", "5.1", "A", p, D("0.95"), r)
      for p, r in ((3, D("0.93")), (6, D("0.96")), (9, D("0.81")), (12, D("0.94")))],
    *[("OROMAPAS", "001", "5.1", "B", p, D("1.00"), r)
      for p, r in ((3, D("1.00")), (6, D("1.02")), (9, D("1.01")), (12, D("0.99")))],
    *[("54", "511", "P.1", "B", p, v, r)
      for p, v, r in ((3, D("120"), D("130")), (6, D("100"), D("96")), (9, D("60"), D("71")),
                      (12, D("40"), D("52")))],
    ("01", "010", "C1.1", "A", 6, D("10"), D("9")),
    ("01", "010", "C1.1", "A", 12, D("10"), D("10")),
    ("01", "010", "C1.1", "B", 6, D("10"), D("10")),
    ("01", "010", "C1.1", "B", 12, D("10"), D("10")),
]  # fmt: skip


def libro_mir() -> bytes:
    """The demo MIR as a plantilla workbook with only the four MIR sheets."""
    libro = openpyxl.Workbook()
    libro.remove(libro.active)
    for nombre, columnas, filas in (
        ("mir", COLUMNAS_MIR, MIR),
        ("indicadores", COLUMNAS_INDICADORES, [[f.get(c) for c in COLUMNAS_INDICADORES]
                                               for f in INDICADORES]),
        ("variables", COLUMNAS_VARIABLES, VARIABLES),
        ("valores_variables", COLUMNAS_VALORES, VALORES),
    ):  # fmt: skip
        hoja = libro.create_sheet(nombre)
        hoja.append(columnas)
        for fila in filas:
            hoja.append(list(fila))
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
