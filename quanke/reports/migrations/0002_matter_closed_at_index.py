"""Indexes on matters (unit, closed_at), (unit, accepted_at) and closed_at for the roll-up refresh ("matters closed on day D in community U").

The matters app owns the table; this index only serves statistics, so it lives here as plain SQL (both
SQLite and PostgreSQL accept it) and stays invisible to the model state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("matters", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_matter_unit_closed ON matters_matter (unit_id, closed_at)",
            "DROP INDEX IF EXISTS reports_matter_unit_closed",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_matter_unit_accepted ON matters_matter (unit_id, accepted_at)",
            "DROP INDEX IF EXISTS reports_matter_unit_accepted",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_matter_closed ON matters_matter (closed_at)",
            "DROP INDEX IF EXISTS reports_matter_closed",
        ),
    ]
