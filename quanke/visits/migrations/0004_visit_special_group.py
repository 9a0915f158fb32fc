from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_past_visits(apps, schema_editor):
    """Visits recorded before the flag existed: the household's tags as they are now, the best record left
    (special-group tags are those with a visit interval, as in quanke.visits.planning)."""
    Visit = apps.get_model("visits", "Visit")
    Resident = apps.get_model("registry", "Resident")
    tagged = Resident.objects.filter(
        household_id=OuterRef("household_id"), tags__visit_interval_days__isnull=False
    )
    Visit.objects.filter(Exists(tagged)).update(special_group=True)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0003_matter_links"),
        ("registry", "0004_benefit_unit_household_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="special_group",
            field=models.BooleanField(default=False, editable=False, verbose_name="特殊群体家庭"),
        ),
        migrations.RunPython(mark_past_visits, migrations.RunPython.noop),
    ]
