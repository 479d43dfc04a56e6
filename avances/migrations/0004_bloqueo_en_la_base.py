"""The lock of authorized quarters, in the database itself (issue 16).

Python guards every ORM save (`avances.bloqueo`), but `QuerySet.update()`, `bulk_update()`,
`bulk_create()`, raw `loaddata` and plain SQL skip them. These triggers refuse, on SQLite
and PostgreSQL:

- avances_avance: INSERT / DELETE in a month of an AUTORIZADO (programa, unidad, quarter),
  and an UPDATE that changes realizado, observaciones, mes or meta there;
- programas_programado: the same for `valor`, for metas in force in that quarter (a meta
  whose vigencia starts later may be planned);
- programas_meta: an INSERT (or a move to another programa/unidad) that puts a meta in
  force in an authorized quarter (`mes_inicio` <= 3q); a move out of, or a change of
  tipo/sentido in, a pair with an authorized quarter; a change of meta_anual/mes_inicio
  that alters the vigencia of an authorized quarter (no reprogramación effective after it
  keeps the signed one); a DELETE in a pair with an authorized quarter.

They read TrimestreFirma when they run, so `trimestre_reabrir` (which changes it first)
opens the way. Errors carry the marker POA_BLOQUEO (`avances.bloqueo.MARCA_BASE`), which
`avances.bloqueo` turns into the Spanish TrimestreBloqueado message. Lookups use the
existing indexes: avances_trimestrefirma_unica (programa, unidad, trimestre), the
primary key of programas_meta and the meta_id index of programas_reprogramacion.
"""

from django.db import migrations

MARCA = "POA_BLOQUEO"
AUTORIZADO = "'AUTORIZADO'"


def _mes_autorizado(fila: str) -> str:
    """SQL: the row's month belongs to an authorized quarter of its meta's pair."""
    return (
        "EXISTS (SELECT 1 FROM programas_meta m JOIN avances_trimestrefirma t"
        " ON t.programa_id = m.programa_id AND t.unidad_id = m.unidad_id"
        f" AND t.trimestre = ({fila}.mes + 2) / 3 AND t.estado = {AUTORIZADO}"
        f" WHERE m.id = {fila}.meta_id)"
    )


def _en_vigor(meta: str, id_meta: str) -> str:
    """SQL (t = the quarter's firma): the meta may be in force in that quarter.

    In force when its current vigencia starts by the quarter's end, or when a reprogramación
    effective after the quarter may restore an earlier one (conservative).
    """
    return (
        f"({meta}.mes_inicio <= 3 * t.trimestre OR EXISTS (SELECT 1 FROM"
        f" programas_reprogramacion r WHERE r.meta_id = {id_meta}"
        " AND r.mes_desde > 3 * t.trimestre))"
    )


def _mes_autorizado_vigente(fila: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM programas_meta m JOIN avances_trimestrefirma t"
        " ON t.programa_id = m.programa_id AND t.unidad_id = m.unidad_id"
        f" AND t.trimestre = ({fila}.mes + 2) / 3 AND t.estado = {AUTORIZADO}"
        f" WHERE m.id = {fila}.meta_id AND {_en_vigor('m', 'm.id')})"
    )


def _par_autorizado(fila: str, extra: str = "") -> str:
    """SQL: the (programa, unidad) of a meta row has an authorized quarter (matching extra)."""
    return (
        "EXISTS (SELECT 1 FROM avances_trimestrefirma t"
        f" WHERE t.programa_id = {fila}.programa_id AND t.unidad_id = {fila}.unidad_id"
        f" AND t.estado = {AUTORIZADO}{' AND ' + extra if extra else ''})"
    )


def _distinto(campos, operador: str) -> str:
    return "(" + " OR ".join(f"OLD.{c} {operador} NEW.{c}" for c in campos) + ")"


def _condiciones(operador: str) -> dict[str, str]:
    """The refusal condition of every (table, operation), in a vendor's `IS DISTINCT` form."""
    avance_cambia = _distinto(("realizado", "observaciones", "mes", "meta_id"), operador)
    programado_cambia = _distinto(("valor", "mes", "meta_id"), operador)
    movida = _distinto(("programa_id", "unidad_id"), operador)
    tipo = _distinto(("tipo_acumulacion", "sentido"), operador)
    vigencia = _distinto(("meta_anual", "mes_inicio"), operador)
    vigencia_alterada = _par_autorizado(
        "OLD",
        "(OLD.mes_inicio <= 3 * t.trimestre OR NEW.mes_inicio <= 3 * t.trimestre)"
        " AND NOT EXISTS (SELECT 1 FROM programas_reprogramacion r WHERE r.meta_id = OLD.id"
        " AND r.mes_desde > 3 * t.trimestre)",
    )
    return {
        "avance_insert": _mes_autorizado("NEW"),
        "avance_update": f"{avance_cambia} AND ({_mes_autorizado('OLD')}"
        f" OR {_mes_autorizado('NEW')})",
        "avance_delete": _mes_autorizado("OLD"),
        "programado_insert": _mes_autorizado_vigente("NEW"),
        "programado_update": f"{programado_cambia} AND ({_mes_autorizado_vigente('OLD')}"
        f" OR {_mes_autorizado_vigente('NEW')})",
        "programado_delete": _mes_autorizado_vigente("OLD"),
        "meta_insert": _par_autorizado("NEW", "NEW.mes_inicio <= 3 * t.trimestre"),
        "meta_update": f"({movida} AND ({_par_autorizado('OLD')}"
        f" OR {_par_autorizado('NEW', _en_vigor('NEW', 'NEW.id'))}))"
        f" OR ({tipo} AND {_par_autorizado('OLD')})"
        f" OR ({vigencia} AND {vigencia_alterada})",
        "meta_delete": _par_autorizado("OLD"),
    }


TABLAS = {
    "avance": "avances_avance",
    "programado": "programas_programado",
    "meta": "programas_meta",
}
MENSAJES = {
    "avance": "avance de un trimestre autorizado",
    "programado": "programado de un trimestre autorizado",
    "meta": "meta de un trimestre autorizado",
}
OPERACIONES = ("insert", "update", "delete")


def _sqlite() -> tuple[list[str], list[str]]:
    condiciones = _condiciones("IS NOT")
    crear, borrar = [], []
    for clave, tabla in TABLAS.items():
        for op in OPERACIONES:
            nombre = f"poa_bloqueo_{clave}_{op}"
            crear.append(
                f"CREATE TRIGGER {nombre} BEFORE {op.upper()} ON {tabla} FOR EACH ROW"
                f" WHEN {condiciones[f'{clave}_{op}']}"
                f" BEGIN SELECT RAISE(ABORT, '{MARCA}: {MENSAJES[clave]}'); END"
            )
            borrar.append(f"DROP TRIGGER IF EXISTS {nombre}")
    return crear, borrar


def _postgresql() -> tuple[list[str], list[str]]:
    condiciones = _condiciones("IS DISTINCT FROM")
    crear, borrar = [], []
    for clave, tabla in TABLAS.items():
        funcion = f"poa_bloqueo_{clave}"

        def rama(op: str, devuelve: str, clave=clave) -> str:
            return (
                f"IF {condiciones[f'{clave}_{op}']} THEN RAISE EXCEPTION"
                f" '{MARCA}: {MENSAJES[clave]}' USING ERRCODE = '23000'; END IF;"
                f" RETURN {devuelve};"
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


def _sentencias(vendor: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        return _sqlite()
    if vendor == "postgresql":
        return _postgresql()
    return [], []  # other databases rely on the Python guards only


def crear(apps, schema_editor):
    for sql in _sentencias(schema_editor.connection.vendor)[0]:
        schema_editor.execute(sql)


def borrar(apps, schema_editor):
    for sql in _sentencias(schema_editor.connection.vendor)[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("avances", "0003_solicitudreapertura"),
        ("programas", "0002_responsables_vigencia"),
    ]

    operations = [migrations.RunPython(crear, borrar)]
