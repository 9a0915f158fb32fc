"""A fresh install holds the knowledge base after `migrate`: policies, FAQs and a procedure for every item."""

from django.db import migrations


def load(apps, schema_editor):
    from quanke.catalog.knowledge_seed import load_knowledge, read_knowledge

    load_knowledge(
        read_knowledge(),
        Document=apps.get_model("catalog", "Document"),
        Item=apps.get_model("catalog", "Item"),
        Material=apps.get_model("catalog", "Material"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_knowledge_base")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
