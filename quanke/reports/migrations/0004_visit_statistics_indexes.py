"""Covering indexes for the visit figures ("入户走访" and "其中：特殊群体走访") per unit and period.

- visits (visited_at, unit_id, household_id): a period's visits per unit, and the households to look up, from
  the index alone.
- residents (household_id, id): "does this household have a tagged member" joins household → residents → tags;
  with the id in the index that lookup never visits the 1 M-row residents table.

The visits and registry apps own the tables; these indexes only serve statistics, so they live here as plain
SQL (both SQLite and PostgreSQL accept it), invisible to the model state, like 0002 and 0003.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_matter_open_index"),
        ("visits", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_visit_period_unit "
            "ON visits_visit (visited_at, unit_id, household_id)",
            "DROP INDEX IF EXISTS reports_visit_period_unit",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_resident_household "
            "ON registry_resident (household_id, id)",
            "DROP INDEX IF EXISTS reports_resident_household",
        ),
    ]
