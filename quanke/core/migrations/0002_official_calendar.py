"""Seed the working-day calendar from the chinese-calendar package (editable in the admin afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from quanke.core.workdays import official_exceptions, official_years

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year in official_years():
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar 1.11.0（国务院办公厅通知）"})
        for day, is_workday, name in official_exceptions(year):
            CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
