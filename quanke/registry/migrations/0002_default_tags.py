"""The special-group tags from the source articles. Sensitive tags name the specialties that may see them."""

from django.db import migrations

TAGS = [
    # code, name, sensitive, specialties, visit interval (days), priority
    ("tekun", "特困", False, [], 30, 9),
    ("children_in_difficulty", "困境儿童", False, [], 30, 9),
    ("severe_disability", "重度残疾", False, [], 30, 8),
    ("alone", "独居", False, [], 30, 7),
    ("elderly", "高龄", False, [], 60, 7),
    ("left_behind_elderly", "留守老人", False, [], 30, 7),
    ("left_behind_children", "留守儿童", False, [], 60, 6),
    ("left_behind_women", "留守妇女", False, [], 90, 4),
    ("dibao", "低保", False, [], 90, 6),
    ("dibao_edge", "低保边缘", False, [], 180, 3),
    ("disabled", "残疾", False, [], 90, 5),
    ("empty_nest", "空巢老人", False, [], 60, 5),
    ("veteran", "优抚对象", False, [], 180, 2),
    ("drug_rehab", "吸毒康复", True, ["general"], 30, 0),
    ("mental_disorder", "精神障碍", True, ["disability"], 30, 0),
    ("community_correction", "社区矫正", True, ["general"], 30, 0),
]


def seed(apps, schema_editor):
    Tag = apps.get_model("registry", "Tag")
    for code, name, sensitive, specialties, interval, priority in TAGS:
        Tag.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "sensitive": sensitive,
                "specialties": specialties,
                "visit_interval_days": interval,
                "priority": priority,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
