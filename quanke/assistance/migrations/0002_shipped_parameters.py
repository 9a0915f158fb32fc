"""Seed the locality parameter tables from the engine's shipped YAML, so assessments work right after migrate."""

from decimal import Decimal

from django.db import migrations

COMMON_KEYS = {"description", "metadata", "documentation", "reference", "unit"}


def _leaves(node, prefix=""):
    for key, child in node.items():
        if key in COMMON_KEYS or not isinstance(child, dict):
            continue
        path = f"{prefix}{key}"
        if "values" in child:
            yield path, child
        else:
            yield from _leaves(child, path + ".")


def seed(apps, schema_editor):
    from quanke.assistance.engine import shipped_parameters

    Locality = apps.get_model("assistance", "Locality")
    LocalityParameter = apps.get_model("assistance", "LocalityParameter")
    data = shipped_parameters()
    trees = [("national", "全国默认", data.get("national", {}))]
    trees += [(code, tree.get("description") or code, tree) for code, tree in data["localities"].items()]
    for code, name, tree in trees:
        locality, _ = Locality.objects.get_or_create(code=code, defaults={"name": name, "note": "随系统发布"})
        for path, leaf in _leaves(tree):
            note = (leaf.get("metadata") or {}).get("reference") or leaf.get("description") or ""
            for start, entry in leaf["values"].items():
                if entry["value"] is None:
                    continue
                LocalityParameter.objects.get_or_create(
                    locality=locality,
                    path=path,
                    start_date=start,
                    defaults={"value": Decimal(str(entry["value"])), "note": note[:200]},
                )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
