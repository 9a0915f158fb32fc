"""Ship the procedural policy values (working age, review intervals, 公示 days, refusal-notice working days) as
dated locality parameters, for databases seeded before they existed (they were constants until now).

Fresh databases already get these rows from the engine's YAML in 0002; get_or_create keeps this idempotent.
"""

from decimal import Decimal

from django.db import migrations

# (locality code, path, start date, value, note): the same values and references as the shipped YAML.
ROWS = [
    ("national", "review.working_age.min", "2014-05-01", 16, "中华人民共和国劳动法第十五条（禁止招用未满十六周岁的未成年人）"),
    ("national", "review.working_age.max", "2014-05-01", 59, "产品默认：不满 60 周岁，与特困人员认定的老年人年龄（60 周岁）一致"),
    ("national", "review.interval_months", "2014-05-01", 12, "社会救助暂行办法第十三条（定期核查）；每年复核一次为产品默认"),
    (
        "national",
        "review.irregular_income_interval_months",
        "2014-05-01",
        12,
        "产品默认：无当地依据时与一般家庭相同，每年复核一次",
    ),
    (
        "chongqing",
        "review.irregular_income_interval_months",
        "2022-09-01",
        6,
        "渝民〔2023〕3号：收入来源不固定、家庭成员有劳动能力的低保家庭每半年核查一次",
    ),
    (
        "national",
        "application.publicity_days",
        "2014-05-01",
        7,
        "最低生活保障审核确认办法（民发〔2021〕57号）、特困人员认定办法：公示期为 7 天",
    ),
    (
        "national",
        "application.refusal_notice_working_days",
        "2014-05-01",
        3,
        "最低生活保障审核确认办法（民发〔2021〕57号）、特困人员认定办法：不予批准的，3 个工作日内书面告知",
    ),
]


def seed(apps, schema_editor):
    Locality = apps.get_model("assistance", "Locality")
    LocalityParameter = apps.get_model("assistance", "LocalityParameter")
    for code, path, start, value, note in ROWS:
        locality = Locality.objects.filter(code=code).first()
        if locality is None:
            continue
        LocalityParameter.objects.get_or_create(
            locality=locality, path=path, start_date=start, defaults={"value": Decimal(value), "note": note[:200]}
        )


def unseed(apps, schema_editor):
    LocalityParameter = apps.get_model("assistance", "LocalityParameter")
    for code, path, start, _value, _note in ROWS:
        LocalityParameter.objects.filter(locality__code=code, path=path, start_date=start).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0006_text_max_length")]
    operations = [migrations.RunPython(seed, unseed)]
