"""The supplies of the 便民服务包 (seed 000). Sensitive ones name the specialty that may see who received them."""

from django.db import migrations

SUPPLIES = [
    # code, name, unit label, catalog item code, sensitive, specialty, station alert, kit alert, order
    ("garbage_bags", "垃圾分类袋", "卷", "CV-GARBAGE-BAGS", False, "", 30, 5, 1),
    ("pest_bait", "除四害药物（灭鼠药、蟑螂药）", "包", "CV-PEST-BAIT", False, "", 20, 3, 2),
    ("mailbox_lock", "信报箱锁", "把", "CV-MAILBOX-LOCK", False, "", 10, 2, 3),
    ("contraceptives", "免费避孕药具", "盒", "FP-CONTRACEPTIVES", True, "family_planning", 20, 3, 4),
    ("rehab_test_strips", "唾液检测试剂", "份", "HS-REHAB-KIT", True, "general", 10, 2, 5),
]


def seed(apps, schema_editor):
    SupplyItem = apps.get_model("visits", "SupplyItem")
    Item = apps.get_model("catalog", "Item")
    for code, name, label, item_code, sensitive, specialty, station, kit, order in SUPPLIES:
        SupplyItem.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit_label": label,
                "catalog_item": Item.objects.filter(code=item_code).first(),
                "sensitive": sensitive,
                "specialty": specialty,
                "low_stock_station": station,
                "low_stock_kit": kit,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial"), ("catalog", "0003_default_catalog")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
