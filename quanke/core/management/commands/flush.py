"""Django's flush, able to empty the append-only audit table on SQLite.

Flush empties every table: on PostgreSQL with TRUNCATE, which fires no row trigger; on SQLite with a DELETE per
table, which the audit table's delete trigger refuses. Here the delete trigger is dropped and recreated inside one
transaction around the flush, so no other connection ever sees the table without it, and a failed flush leaves it
in place (core/db_triggers.py). Test teardown (TransactionTestCase) calls this command too."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections, transaction

from quanke.core import db_triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'core_auditevent_no_delete'"
                )
                guarded = cursor.fetchone() is not None
                cursor.execute(db_triggers.SQLITE_DROP_DELETE)
            super().handle(**options)
            if guarded:
                with connection.cursor() as cursor:
                    cursor.execute(db_triggers.SQLITE_NO_DELETE)
