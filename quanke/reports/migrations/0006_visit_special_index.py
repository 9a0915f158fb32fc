"""The visit figures now read Visit.special_group (set when the visit is recorded) instead of looking up the
household's members and tags, so the covering index carries that column instead of the household."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_matter_month_stat"),
        ("visits", "0004_visit_special_group"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS reports_visit_period_unit",
            "CREATE INDEX IF NOT EXISTS reports_visit_period_unit ON visits_visit (visited_at, unit_id, household_id)",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_visit_period_special "
            "ON visits_visit (visited_at, unit_id, special_group)",
            "DROP INDEX IF EXISTS reports_visit_period_special",
        ),
    ]
