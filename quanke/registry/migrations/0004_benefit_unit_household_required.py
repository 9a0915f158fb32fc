"""Filled by 0003; a separate migration so PostgreSQL alters the table after the data update has committed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_benefit_unit_household"),
    ]

    operations = [
        migrations.AlterField(
            model_name="benefit",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.orgunit",
                verbose_name="发放社区",
            ),
        ),
        migrations.AlterField(
            model_name="benefit",
            name="household",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="benefits",
                to="registry.household",
                verbose_name="家庭户",
            ),
        ),
        migrations.AddIndex(
            model_name="benefit",
            index=models.Index(fields=["unit", "program"], name="benefit_unit_program"),
        ),
    ]
