"""The default catalog is in the database after `migrate`, with no further step."""

from quanke.catalog.models import Category, Handling, Item, Material


def test_fresh_install_holds_the_default_catalog(db):
    assert list(Category.objects.values_list("name", flat=True)) == [
        "党务服务",
        "基本公共服务",
        "便民利民服务",
        "公益志愿服务",
    ]
    assert Item.objects.filter(active=True).count() >= 80
    assert Item.objects.filter(parent__isnull=False).count() >= 6
    for code in [
        "SA-DIBAO",
        "SA-TEKUN",
        "SA-TEMP",
        "EL-SENIOR-CARD",
        "EL-LONGEVITY",
        "DS-CERT",
        "PT-TRANSFER",
        "FP-ONECHILD-REWARD",
        "EM-UNEMP-BENEFIT",
        "CT-HEATING-PROOF",
        "CV-DRAIN",
        "VL-REGISTER",
    ]:
        assert Item.objects.filter(code=code).exists(), code


def test_certificates_a_community_must_refuse_say_where_to_go(db):
    refused = Item.objects.filter(handling=Handling.REFUSED)
    assert refused.count() >= 8
    assert all(item.refusal_note for item in refused)
    assert refused.filter(name__contains="无犯罪记录").exists()


def test_dibao_materials_include_conditional_disability_certificate(db):
    materials = Material.objects.filter(item__code="SA-DIBAO")
    assert materials.filter(condition="always").exists()
    assert materials.filter(condition="disabled").exists()


def test_routed_items_name_their_level_and_limits_are_consistent(db):
    for item in Item.objects.filter(handling=Handling.ROUTED):
        assert item.route_level, item.code
    for item in Item.objects.exclude(legal_limit_days=None).exclude(promised_limit_days=None):
        assert item.promised_limit_days <= item.legal_limit_days, item.code
