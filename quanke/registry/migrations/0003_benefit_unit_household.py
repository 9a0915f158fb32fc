"""Benefits carry the community and household of the resident they were granted to (see Benefit.unit)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_resident(apps, schema_editor):
    Benefit = apps.get_model("registry", "Benefit")
    Resident = apps.get_model("registry", "Resident")
    resident = Resident.objects.filter(pk=OuterRef("resident_id"))
    Benefit.objects.update(
        unit_id=Subquery(resident.values("unit_id")[:1]),
        household_id=Subquery(resident.values("household_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("registry", "0002_default_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="benefit",
            name="unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.orgunit",
                verbose_name="发放社区",
            ),
        ),
        migrations.AddField(
            model_name="benefit",
            name="household",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="benefits",
                to="registry.household",
                verbose_name="家庭户",
            ),
        ),
        migrations.RunPython(copy_from_resident, migrations.RunPython.noop),
    ]
