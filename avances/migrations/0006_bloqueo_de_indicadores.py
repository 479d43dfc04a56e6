"""The lock of authorized quarters in the database, for the MIR indicators' values (issue 14).

Like 0004 for the metas: triggers on SQLite and PostgreSQL refuse to insert, change or
delete a variable's realized value (avances_avancevariable), its programmed value
(programas_programadovariable) or an indicator's justificación (avances_avanceindicador)
in a period whose quarter is AUTORIZADO for the indicator's (programa, unidad). A period
is named by its last month, so its quarter is (periodo + 2) / 3. Errors carry the marker
POA_BLOQUEO that `avances.bloqueo` turns into the Spanish message.
"""

from django.db import migrations

MARCA = "POA_BLOQUEO"


def _firmado(fila: str, por_variable: bool) -> str:
    """SQL: the row's period belongs to an authorized quarter of its indicator's pair."""
    origen = (
        "programas_variable v JOIN programas_indicador i ON i.id = v.indicador_id"
        if por_variable
        else "programas_indicador i"
    )
    donde = f"v.id = {fila}.variable_id" if por_variable else f"i.id = {fila}.indicador_id"
    return (
        f"EXISTS (SELECT 1 FROM {origen} JOIN avances_trimestrefirma t"
        " ON t.programa_id = i.programa_id AND t.unidad_id = i.unidad_id"
        f" AND t.trimestre = ({fila}.periodo + 2) / 3 AND t.estado = 'AUTORIZADO'"
        f" WHERE {donde})"
    )


# table → (trigger key, whether it hangs from a variable, fields whose change is refused)
TABLAS = {
    "avances_avancevariable": ("avancevariable", True, ("realizado", "periodo", "variable_id")),
    "programas_programadovariable": (
        "programadovariable", True, ("valor", "periodo", "variable_id"),
    ),
    "avances_avanceindicador": (
        "avanceindicador", False, ("justificacion", "periodo", "indicador_id"),
    ),
}  # fmt: skip
MENSAJE = "valor de indicador de un trimestre autorizado"


def _condiciones(operador: str, por_variable: bool, campos) -> dict[str, str]:
    cambia = "(" + " OR ".join(f"OLD.{c} {operador} NEW.{c}" for c in campos) + ")"
    return {
        "insert": _firmado("NEW", por_variable),
        "update": f"{cambia} AND ({_firmado('OLD', por_variable)}"
        f" OR {_firmado('NEW', por_variable)})",
        "delete": _firmado("OLD", por_variable),
    }


def _sqlite():
    crear, borrar = [], []
    for tabla, (clave, por_variable, campos) in TABLAS.items():
        condiciones = _condiciones("IS NOT", por_variable, campos)
        for op, condicion in condiciones.items():
            nombre = f"poa_bloqueo_{clave}_{op}"
            crear.append(
                f"CREATE TRIGGER {nombre} BEFORE {op.upper()} ON {tabla} FOR EACH ROW"
                f" WHEN {condicion} BEGIN SELECT RAISE(ABORT, '{MARCA}: {MENSAJE}'); END"
            )
            borrar.append(f"DROP TRIGGER IF EXISTS {nombre}")
    return crear, borrar


def _postgresql():
    crear, borrar = [], []
    for tabla, (clave, por_variable, campos) in TABLAS.items():
        condiciones = _condiciones("IS DISTINCT FROM", por_variable, campos)
        funcion = f"poa_bloqueo_{clave}"

        def rama(op: str, devuelve: str, condiciones=condiciones) -> str:
            return (
                f"IF {condiciones[op]} THEN RAISE EXCEPTION '{MARCA}: {MENSAJE}'"
                f" USING ERRCODE = '23000'; END IF; RETURN {devuelve};"
            )

        crear.append(
            f"CREATE OR REPLACE FUNCTION {funcion}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF TG_OP = 'INSERT' THEN {rama('insert', 'NEW')}"
            f" ELSIF TG_OP = 'UPDATE' THEN {rama('update', 'NEW')}"
            f" ELSE {rama('delete', 'OLD')} END IF; END; $$"
        )
        crear.append(
            f"CREATE TRIGGER {funcion} BEFORE INSERT OR UPDATE OR DELETE ON {tabla}"
            f" FOR EACH ROW EXECUTE FUNCTION {funcion}()"
        )
        borrar.append(f"DROP TRIGGER IF EXISTS {funcion} ON {tabla}")
        borrar.append(f"DROP FUNCTION IF EXISTS {funcion}()")
    return crear, borrar


def _sentencias(vendor: str):
    return {"sqlite": _sqlite, "postgresql": _postgresql}.get(vendor, lambda: ([], []))()


def crear(apps, schema_editor):
    for sql in _sentencias(schema_editor.connection.vendor)[0]:
        schema_editor.execute(sql)


def borrar(apps, schema_editor):
    for sql in _sentencias(schema_editor.connection.vendor)[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("avances", "0005_captura_de_indicadores"),
        ("programas", "0003_mir_e_indicadores"),
    ]

    operations = [migrations.RunPython(crear, borrar)]
