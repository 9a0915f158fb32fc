"""A fresh install holds the default catalog after `migrate`, with no further step."""

from django.db import migrations


def load(apps, schema_editor):
    from quanke.catalog.loading import load_catalog, read_catalog

    load_catalog(
        read_catalog(),
        Category=apps.get_model("catalog", "Category"),
        Item=apps.get_model("catalog", "Item"),
        Material=apps.get_model("catalog", "Material"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
