"""Database triggers that make the audit table append-only (DESIGN.md: the trail is evidence).

PostgreSQL: one plpgsql function refusing UPDATE and DELETE row by row. TRUNCATE fires no row trigger: it is the
table owner's whole-table wipe (flush between tests, a fresh install), which production's application role should
not be granted. SQLite: BEFORE UPDATE / BEFORE DELETE triggers aborting the statement; SQLite has no TRUNCATE, so
Django's flush (a plain DELETE of every table) lifts the delete trigger for its own transaction only
(quanke/core/management/commands/flush.py)."""

TABLE = "core_auditevent"
MESSAGE = "core_auditevent is append-only"

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON {TABLE};
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS core_auditevent_append_only ON {TABLE};
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""

SQLITE_NO_UPDATE = f"""
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END;
"""
SQLITE_NO_DELETE = f"""
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END;
"""
SQLITE_DROP_DELETE = "DROP TRIGGER IF EXISTS core_auditevent_no_delete;"
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_update; " + SQLITE_DROP_DELETE


def _run(connection, statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create(connection):
    if connection.vendor == "postgresql":
        _run(connection, [POSTGRES_CREATE])
    elif connection.vendor == "sqlite":
        _run(connection, [SQLITE_NO_UPDATE, SQLITE_NO_DELETE])


def drop(connection):
    if connection.vendor == "postgresql":
        _run(connection, [POSTGRES_DROP])
    elif connection.vendor == "sqlite":
        _run(connection, SQLITE_DROP.split("; "))
