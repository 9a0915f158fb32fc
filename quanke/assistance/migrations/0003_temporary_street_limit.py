"""Ship the street's approval limit for 临时救助 (temporary.street_limit) to databases seeded before it existed.

Fresh databases already get these rows from the engine's YAML in 0002; get_or_create keeps this idempotent.
"""

from decimal import Decimal

from django.db import migrations

PATH = "temporary.street_limit"
NOTE = "假设：按约 2 个月低保标准折算（社会救助暂行办法；晋江等地为固定额如 5000 元），未核实当地文件"
VALUES = {
    "beijing": {"2020-07-01": 2340, "2021-07-01": 2490, "2022-07-01": 2640, "2023-07-01": 2790},
    "chongqing": {"2022-09-01": 1434, "2023-09-01": 1470},
}


def seed(apps, schema_editor):
    Locality = apps.get_model("assistance", "Locality")
    LocalityParameter = apps.get_model("assistance", "LocalityParameter")
    for code, values in VALUES.items():
        locality = Locality.objects.filter(code=code).first()
        if locality is None:
            continue
        for start, value in values.items():
            LocalityParameter.objects.get_or_create(
                locality=locality,
                path=PATH,
                start_date=start,
                defaults={"value": Decimal(value), "note": NOTE},
            )


def unseed(apps, schema_editor):
    apps.get_model("assistance", "LocalityParameter").objects.filter(path=PATH, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0002_shipped_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
