"""Issue 15's catalog corrections and new items: in a fresh install (0003 reads the default catalog) and brought
into an older install by 0008, which changes only what still holds the shipped old value."""

from importlib import import_module

from django.apps import apps

from quanke.catalog.models import Document, Handling, Item, Material, RouteLevel

M0008 = import_module("quanke.catalog.migrations.0008_catalog_corrections_and_new_items")


def test_education_assistance_is_applied_for_at_the_school(db):
    item = Item.objects.get(code="SA-EDUCATION")
    assert "第三十六条" in item.legal_basis
    assert item.route_level == RouteLevel.EXTERNAL and "学校" in item.route_department
    assert "教育局" not in item.route_department
    assert "向就读学校提出" in item.description


def test_tekun_limit_covers_investigation_publicity_and_county_review(db):
    item = Item.objects.get(code="SA-TEKUN")
    assert item.legal_limit_days == 15 + 7 + 15  # 民发〔2021〕43号: 乡镇15 + 公示7天 + 县级15
    assert item.time_limit_days == 37
    assert "公示7天" in item.description and "县级民政部门15个工作日" in item.description


def test_assistance_applications_ask_for_no_income_certificate(db):
    # The guidance (CT-REF-INCOME): 申请社会救助的，收入由救助部门依授权核对，无需另开证明.
    guidance = Item.objects.get(code="CT-REF-INCOME").refusal_note
    assert "无需另开证明" in guidance
    for code in ("SA-DIBAO", "SA-DIBAO-REVIEW", "SA-LOW-INCOME"):
        materials = Material.objects.filter(item__code=code)
        assert not materials.filter(name__contains="收入证明").exists(), code
        assert not materials.filter(on_file="income_proof").exists(), code
        declaration = materials.get(name__startswith="家庭收入和财产状况申报")
        assert "无需另开收入证明" in declaration.note
        assert materials.filter(name="家庭经济状况核对授权书").exists(), code


def test_new_items_have_materials_limits_and_legal_basis(db):
    correction = Item.objects.get(code="HS-CORRECTION-REPORT")
    assert correction.sensitive and correction.specialty == "correction" and not correction.urgent
    assert "社区矫正法" in correction.legal_basis and "第二十一条" in correction.legal_basis
    assert correction.handling == Handling.ROUTED and "司法所" in correction.route_department
    assert correction.materials.filter(name="居民身份证").exists()

    care = Item.objects.get(code="CV-CHILD-CARE")
    assert care.handling == Handling.ON_SPOT and not care.sensitive and not care.urgent
    assert "未成年人保护法" in care.legal_basis and care.materials.count() >= 4

    urgent = Item.objects.get(code="CV-URGENT-HELP")
    assert urgent.urgent and not urgent.sensitive and urgent.handling == Handling.ROUTED
    assert urgent.materials.count() == 0  # nothing may hold up a search for a missing person
    assert "人民警察法" in urgent.legal_basis
    for code in ("HS-CORRECTION-REPORT", "CV-CHILD-CARE", "CV-URGENT-HELP"):
        assert Document.objects.filter(kind="procedure", items__code=code).exists(), code


def _revert_to_shipped_old_catalog():
    """The catalog as an install from before issue 15 holds it."""
    for code, change in M0008.CORRECTIONS.items():
        item = Item.objects.get(code=code)
        for field, (old, _new) in change["fields"].items():
            setattr(item, field, old)
        item.save()
        Material.objects.filter(item=item).delete()
        for order, values in enumerate(change["old_materials"]):
            M0008._create_material(Material, item, values, order)
    codes = [row["code"] for row in M0008.NEW_ITEMS]
    Document.objects.filter(items__code__in=codes).delete()
    Material.objects.filter(item__code__in=codes).delete()
    Item.objects.filter(code__in=codes).delete()


def _materials(code):
    return list(Material.objects.filter(item__code=code).order_by("order").values_list("name", flat=True))


def test_migration_brings_an_old_catalog_up_to_date(db):
    fresh = {code: _materials(code) for code in M0008.CORRECTIONS}
    fresh_items = {
        i.code: (i.legal_limit_days, i.promised_limit_days, i.route_department, i.description)
        for i in Item.objects.filter(code__in=M0008.CORRECTIONS)
    }
    _revert_to_shipped_old_catalog()
    assert Item.objects.get(code="SA-TEKUN").legal_limit_days == 15
    assert "家庭成员收入证明" in _materials("SA-DIBAO")

    M0008.forwards(apps, None)

    assert {code: _materials(code) for code in M0008.CORRECTIONS} == fresh
    assert {
        i.code: (i.legal_limit_days, i.promised_limit_days, i.route_department, i.description)
        for i in Item.objects.filter(code__in=M0008.CORRECTIONS)
    } == fresh_items
    urgent = Item.objects.get(code="CV-URGENT-HELP")
    assert urgent.urgent and urgent.category.code == "convenience"
    assert Item.objects.get(code="HS-CORRECTION-REPORT").sensitive
    assert Document.objects.filter(kind="procedure", items__code="CV-CHILD-CARE").exists()
    tekun_procedure = Document.objects.get(kind="procedure", items__code="SA-TEKUN")
    assert any("法定37个工作日" in step for step in tekun_procedure.steps)
    # Run again: nothing moves.
    before = list(Item.objects.order_by("pk").values_list("code", "order", "legal_limit_days"))
    M0008.forwards(apps, None)
    assert list(Item.objects.order_by("pk").values_list("code", "order", "legal_limit_days")) == before


def test_migration_keeps_what_a_station_changed(db):
    _revert_to_shipped_old_catalog()
    edu = Item.objects.get(code="SA-EDUCATION")
    edu.route_department = "本区教育局资助中心（本站约定）"
    edu.save()
    income = Material.objects.get(item__code="SA-DIBAO", name="家庭成员收入证明")
    income.note = "本站：仅有工资收入的提供"
    income.save()

    M0008.forwards(apps, None)

    edu.refresh_from_db()
    assert edu.route_department == "本区教育局资助中心（本站约定）"  # kept
    assert "第三十六条" in edu.legal_basis  # the unchanged fields are corrected
    assert (
        Material.objects.get(item__code="SA-DIBAO", name="家庭成员收入证明").note
        == "本站：仅有工资收入的提供"
    )
    assert Material.objects.filter(item__code="SA-DIBAO", name__startswith="家庭收入和财产状况申报").exists()
