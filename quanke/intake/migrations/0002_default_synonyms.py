"""A fresh install holds the colloquialism dictionary after `migrate`, with no further step."""

from django.db import migrations


def load(apps, schema_editor):
    from quanke.intake.loading import load_synonyms, read_synonyms

    load_synonyms(
        read_synonyms(),
        IntakeSynonym=apps.get_model("intake", "IntakeSynonym"),
        Item=apps.get_model("catalog", "Item"),
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial"), ("catalog", "0003_default_catalog")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
