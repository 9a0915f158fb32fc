"""Every entry point takes an ID number through the one validator (quanke.registry.idnumber.parse): full-width or
spaced input is stored in the canonical form, an area code that never existed is refused with the same message."""

from datetime import date

from django.urls import reverse

from quanke.registry import idnumber
from quanke.registry.imports import residents_import
from quanke.registry.models import Household, Resident
from tests.conftest import make_resident
from tests.registry.test_import import row, xlsx
from tests.support import bearer, login

GOOD = idnumber.build("110103", date(1950, 2, 3), 17)  # 崇文区: abolished in 2010, still a valid old number
NO_AREA = idnumber.build("000000", date(1950, 2, 3), 19)


def _fullwidth(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in value)


def _spaced_fullwidth(value: str) -> str:
    return " ".join(_fullwidth(value[i : i + 6]) for i in range(0, 18, 6))


def _form(number, household_number):
    return {
        "h-unit": "",
        "h-household_number": household_number,
        "h-address": "甲社区3号楼",
        "h-hukou_kind": "local",
        "h-hukou_type": "urban",
        "name": "赵六",
        "id_number": number,
        "relation": "head",
        "monthly_income": "1200",
    }


def test_form_stores_full_width_spaced_input_in_canonical_form(client, cast):
    data = _form(_spaced_fullwidth(GOOD), "N-1") | {"h-unit": cast.community_a.pk}
    response = login(client, cast.desk_a).post(reverse("registry:resident_create"), data)
    assert response.status_code == 302
    assert Resident.objects.get(name="赵六").id_number == GOOD


def test_form_refuses_an_area_code_that_never_existed(client, cast):
    data = _form(NO_AREA, "N-2") | {"h-unit": cast.community_a.pk}
    response = login(client, cast.desk_a).post(reverse("registry:resident_create"), data)
    assert response.status_code == 200
    assert "行政区划代码不存在" in response.content.decode()
    assert not Resident.objects.filter(name="赵六").exists() and not Household.objects.exists()


def test_api_search_finds_the_resident_by_full_width_number(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    rows = client.get("/api/residents/", {"q": _spaced_fullwidth(r.id_number)}, **bearer(cast.desk_a)).json()
    assert [x["id"] for x in rows] == [r.pk]


def test_import_normalises_full_width_and_refuses_unknown_area_codes(cast):
    ok = residents_import(
        actor=cast.head_a,
        unit=cast.community_a,
        filename="r.xlsx",
        content=xlsx([row("A-1", "甲社区1号楼", "张三丰", _spaced_fullwidth(GOOD))]),
    )
    assert ok.ok and Resident.objects.get(name="张三丰").id_number == GOOD

    bad = residents_import(
        actor=cast.head_a,
        unit=cast.community_a,
        filename="r.xlsx",
        content=xlsx([row("A-2", "甲社区2号楼", "李四", NO_AREA)]),
    )
    assert not bad.ok
    assert [(e.row, e.column) for e in bad.errors] == [(2, "身份证号")]
    assert "行政区划代码不存在" in bad.errors[0].message
    assert not Resident.objects.filter(name="李四").exists()


def test_service_refuses_an_unknown_area_code_on_edit(cast):
    from django.core.exceptions import ValidationError

    from quanke.registry import services

    r = make_resident(cast.community_a, "王五")
    before = r.id_number
    try:
        services.resident_update(actor=cast.desk_a, resident=r, id_number=NO_AREA)
    except ValidationError as exc:
        assert "行政区划代码不存在" in str(exc)
    else:
        raise AssertionError("an unknown area code was accepted")
    r.refresh_from_db()
    assert r.id_number == before
