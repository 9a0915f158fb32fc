from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quanke.assistance import parameters
from quanke.assistance.engine import assess_household, build_system, shipped_parameters
from quanke.assistance.models import Locality, LocalityParameter, UnitLocality
from quanke.core.models import AuditEvent
from tests.support import login

HOUSEHOLD = {
    "locality": "beijing",
    "date": "2024-08-01",
    "hukou": "urban",
    "assets_within_limits": True,
    "receiving": [],
    "members": [
        {
            "id": "a",
            "birth_date": "1970-01-01",
            "sex": "female",
            "monthly_income": 1000,
            "disability": None,
            "in_school": False,
            "needs_long_term_care": False,
            "has_capable_supporter": True,
        }
    ],
}


def test_migration_seeds_every_shipped_value(db):
    assert Locality.objects.filter(code__in=["national", "beijing", "chongqing"]).count() == 3
    beijing = dict(
        LocalityParameter.objects.filter(locality__code="beijing", path="dibao.standard").values_list(
            "start_date", "value"
        )
    )
    assert beijing == {
        date(2020, 7, 1): 1170,
        date(2021, 7, 1): 1245,
        date(2022, 7, 1): 1320,
        date(2023, 7, 1): 1395,
    }
    urban = LocalityParameter.objects.filter(locality__code="chongqing", path="dibao.standard.urban")
    assert sorted(urban.values_list("value", flat=True)) == [717, 735]


def test_database_parameters_reproduce_the_shipped_ones(db):
    shipped = build_system(None)
    from_db = build_system(parameters.parameter_overrides())
    assert from_db.localities == shipped.localities == ["beijing", "chongqing"]
    for day in ("2021-01-01", "2023-08-01", "2023-09-02"):
        for place in ("beijing", "chongqing"):
            for path in ("dibao.standard.urban", "dibao.standard.rural", "tekun.basic_living_multiple"):
                mine, theirs = (
                    from_db.parameter_value(place, path, day),
                    shipped.parameter_value(place, path, day),
                )
                assert (mine and (mine.value, mine.start)) == (theirs and (theirs.value, theirs.start))
    assert shipped_parameters()["localities"]["beijing"]["description"] == "北京市"


def test_a_new_dated_value_applies_from_its_date(db):
    beijing = Locality.objects.get(code="beijing")
    before = assess_household(HOUSEHOLD, parameters=parameters.parameter_overrides())
    LocalityParameter.objects.create(
        locality=beijing, path="dibao.standard", start_date=date(2024, 7, 1), value=1470
    )
    after = assess_household(HOUSEHOLD, parameters=parameters.parameter_overrides())
    assert before["standard"] == 1395 and after["standard"] == 1470
    assert after["dibao"]["monthly_amount"] == 470
    assert any("2024-07-01 起执行" in line for line in after["dibao"]["explanation"])
    earlier = assess_household(
        {**HOUSEHOLD, "date": "2024-06-30"}, parameters=parameters.parameter_overrides()
    )
    assert earlier["standard"] == 1395


def test_overrides_are_cached_until_the_tables_change(db, django_assert_num_queries):
    first = parameters.parameter_overrides()
    with django_assert_num_queries(2):  # the fingerprint only
        assert parameters.parameter_overrides() is first
    row = LocalityParameter.objects.get(locality__code="national", path="gradual_exit.duration_months")
    row.value = Decimal(9)
    row.save()
    changed = parameters.parameter_overrides()
    assert changed is not first
    assert changed["national"]["gradual_exit"]["duration_months"]["values"]["2014-05-01"] == 9


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("dibao.bogus", 1, "path"),
        ("dibao.standard", -1, "value"),
        ("tekun.no_work_capacity.disability_max_grade.visual", 5, "value"),
        ("gradual_exit.duration_months", Decimal("6.5"), "value"),
        ("dibao_edge.upper_multiple", 0, "value"),
    ],
)
def test_row_validation_names_the_field_in_chinese(db, path, value, field):
    row = LocalityParameter(
        locality=Locality.objects.get(code="beijing"), path=path, start_date=date(2025, 1, 1), value=value
    )
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert field in exc.value.message_dict
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0])


def _login(client, user):
    login(client, user)


def _inline_post(code, name, rows):
    data = {
        "code": code,
        "name": name,
        "note": "",
        "parameters-TOTAL_FORMS": str(len(rows)),
        "parameters-INITIAL_FORMS": "0",
        "parameters-MIN_NUM_FORMS": "0",
        "parameters-MAX_NUM_FORMS": "1000",
    }
    for i, (path, start, value) in enumerate(rows):
        data.update(
            {
                f"parameters-{i}-path": path,
                f"parameters-{i}-start_date": start,
                f"parameters-{i}-value": value,
            }
        )
    return data


def test_administrator_adds_a_locality_in_the_admin_without_code(client, cast):
    _login(client, cast.admin)
    response = client.post(
        reverse("admin:assistance_locality_add"),
        _inline_post("hangzhou", "杭州市", [("dibao.standard", "2023-07-01", "1262")]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "hangzhou" in build_system(parameters.parameter_overrides()).localities
    result = assess_household(
        {**HOUSEHOLD, "locality": "hangzhou"}, parameters=parameters.parameter_overrides()
    )
    assert result["standard"] == 1262 and result["dibao"]["eligible"]
    assert AuditEvent.objects.filter(object_type="assistance.locality", actor=cast.admin).exists()


def test_admin_refuses_a_locality_without_a_standard(client, cast):
    _login(client, cast.admin)
    response = client.post(
        reverse("admin:assistance_locality_add"),
        _inline_post("nowhere", "无标准市", [("gaoling.amount.age_80_89", "2023-07-01", "100")]),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "参数设置无法使用" in body
    assert not Locality.objects.filter(code="nowhere").exists()


def test_admin_refuses_bad_locality_code(client, cast):
    _login(client, cast.admin)
    response = client.post(
        reverse("admin:assistance_locality_add"),
        _inline_post("Hang-Zhou", "杭州", [("dibao.standard", "2023-07-01", "1")]),
    )
    assert response.status_code == 200 and "小写字母" in response.content.decode()
    assert not Locality.objects.filter(name="杭州").exists()


def test_locality_resolves_through_the_nearest_mapped_ancestor(cast, settings):
    settings.ASSISTANCE_DEFAULT_LOCALITY = "beijing"
    assert parameters.locality_for_unit(cast.community_c) == "beijing"
    UnitLocality.objects.create(unit=cast.county, locality=Locality.objects.get(code="beijing"))
    UnitLocality.objects.create(unit=cast.street_2, locality=Locality.objects.get(code="chongqing"))
    assert parameters.locality_for_unit(cast.community_a) == "beijing"
    assert parameters.locality_for_unit(cast.community_c) == "chongqing"
    assert parameters.locality_for_unit(cast.street_2) == "chongqing"


def test_unit_locality_is_set_on_county_or_street_only(cast):
    from quanke.assistance import services

    with pytest.raises(ValidationError):
        services.unit_locality_set(
            actor=cast.admin, unit=cast.community_a, locality=Locality.objects.get(code="beijing")
        )
    assert not UnitLocality.objects.exists()
    services.unit_locality_set(
        actor=cast.admin, unit=cast.street_1, locality=Locality.objects.get(code="chongqing")
    )
    assert parameters.locality_for_unit(cast.community_b) == "chongqing"


def test_administrator_sets_disability_subsidy_amounts(db):
    """Beijing ships no cited 两项补贴 amounts; once an administrator records them they apply from their date."""
    disabled = {
        **HOUSEHOLD["members"][0],
        "monthly_income": 0,
        "disability": {"kind": "physical", "grade": 1},
        "needs_long_term_care": True,
    }
    data = {**HOUSEHOLD, "members": [disabled]}
    before = assess_household(data, parameters=parameters.parameter_overrides())["members"]["a"]
    assert before["disability_care"]["eligible"] and before["disability_care"]["monthly_amount"] is None
    assert any("补贴标准由当地确定" in line for line in before["disability_care"]["explanation"])
    assert parameters.check_parameter_value("disability_care.amount.grade_1", Decimal("300")) is None
    beijing = Locality.objects.get(code="beijing")
    for path, value in (
        ("disability_living.amount", 400),
        ("disability_care.amount.grade_1", 300),
        ("disability_care.amount.other_grades", 150),
    ):
        LocalityParameter.objects.create(
            locality=beijing, path=path, start_date=date(2024, 1, 1), value=value
        )
    after = assess_household(data, parameters=parameters.parameter_overrides())["members"]["a"]
    assert after["disability_living"]["monthly_amount"] == 400
    assert after["disability_care"]["monthly_amount"] == 300
    assert any("2024-01-01 起执行" in line for line in after["disability_care"]["explanation"])
