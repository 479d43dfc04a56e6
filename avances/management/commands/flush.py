"""`flush` that empties the sign-off table first, so the lock triggers let the rest go.

SQLite empties tables with one DELETE each, in no fixed order; the triggers of migration
0004_bloqueo_en_la_base refuse deleting rows of authorized quarters while their
TrimestreFirma rows remain. Deleting `avances_trimestrefirma` first (in the same
transaction) leaves nothing authorized. PostgreSQL's TRUNCATE fires no row triggers.
"""

from contextlib import contextmanager

from django.core.management.commands import flush

TABLA_FIRMAS = "avances_trimestrefirma"


def _firmas_primero(sentencias: list[str]) -> list[str]:
    primero = [s for s in sentencias if "DELETE" in s and TABLA_FIRMAS in s]
    return primero + [s for s in sentencias if s not in primero]


@contextmanager
def _orden_con_firmas_primero():
    original = flush.sql_flush

    def ordenado(*args, **kwargs):
        return _firmas_primero(original(*args, **kwargs))

    flush.sql_flush = ordenado
    try:
        yield
    finally:
        flush.sql_flush = original


class Command(flush.Command):
    help = flush.Command.help

    def handle(self, **options):
        with _orden_con_firmas_primero():
            return super().handle(**options)
