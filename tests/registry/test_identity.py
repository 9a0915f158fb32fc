"""Issue 13, failure 4: one person, one record — ID numbers normalised at every entry point, and a move between
communities moves the record instead of registering a second one."""

import io
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from quanke.api.models import ApiToken
from quanke.core.models import AuditEvent
from quanke.registry import idnumber
from quanke.registry.imports import residents_import
from quanke.registry.models import Resident, ResidentMove
from tests.conftest import make_resident
from tests.registry.test_import import row, xlsx
from tests.support import login

ASCII = "11010519491231002X"
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in ASCII)  # １１０１０５…Ｘ
VARIANTS = {
    # Full-width digits with an ASCII check character: the old `\d` pattern and int() accepted this as valid.
    "full_width_digits": FULL_WIDTH[:17] + "X",
    "full_width": FULL_WIDTH,
    "spaces": "110105 19491231 002X",
    "ideographic_space_lower_x": "\u3000110105\u300019491231002x ",
    "full_width_lower_x": FULL_WIDTH[:-1] + "ｘ",
    "zero_width_space": "110105\u200b19491231002X",
}


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=VARIANTS.keys())
def test_variants_normalise_to_the_ascii_number(raw):
    assert idnumber.normalize(raw) == ASCII and idnumber.parse(raw).value == ASCII


@pytest.mark.parametrize("raw", ["١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "११०१०५१९४९१२३१००२X"], ids=["arabic", "devanagari"])
def test_other_unicode_digits_are_refused(raw):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        idnumber.parse(raw)


def test_database_refuses_a_number_that_is_not_normalised(cast):
    r = make_resident(cast.community_a)
    for bad in (FULL_WIDTH, ASCII.lower(), " " + ASCII[:-1]):
        with pytest.raises(IntegrityError), transaction.atomic():
            Resident.objects.filter(pk=r.pk).update(id_number=bad)
    r.refresh_from_db()
    assert idnumber.is_normalized(r.id_number)


def _form(cast, number, unit=None, household="N-1", **extra):
    return {
        "h-unit": (unit or cast.community_a).pk,
        "h-household_number": household,
        "h-address": "甲社区3号楼",
        "h-hukou_kind": "local",
        "h-hukou_type": "urban",
        "name": "王芳",
        "id_number": number,
        "relation": "head",
        "monthly_income": "1200",
        "has_capable_supporter": "on",
        **extra,
    }


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=VARIANTS.keys())
def test_web_form_stores_the_normalised_number(client, cast, raw):
    login(client, cast.desk_a)
    response = client.post(reverse("registry:resident_create"), _form(cast, raw))
    assert response.status_code == 302
    assert Resident.objects.get().id_number == ASCII


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=VARIANTS.keys())
def test_web_form_refuses_a_variant_of_a_registered_number(client, cast, raw):
    existing = make_resident(cast.community_a, "王芳")
    Resident.objects.filter(pk=existing.pk).update(id_number=ASCII)
    login(client, cast.desk_a)
    response = client.post(reverse("registry:resident_create"), _form(cast, raw))
    assert response.status_code == 200 and "已登记" in response.content.decode()
    assert Resident.objects.count() == 1


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=VARIANTS.keys())
def test_import_finds_the_registered_resident_under_a_variant(cast, raw):
    existing = make_resident(cast.community_a, "王芳", phone="13900001111")
    Resident.objects.filter(pk=existing.pk).update(id_number=ASCII)
    rows = [row(existing.household.number, "x", "王芳", raw)]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(rows))
    assert result.ok and (result.created, result.unchanged) == (0, 1)
    assert Resident.objects.count() == 1


def test_import_of_two_variants_of_one_number_is_a_duplicate_row(cast):
    rows = [row("A-1", "x", "王芳", ASCII), row("A-1", "x", "王芳", FULL_WIDTH)]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份证号")]
    assert not Resident.objects.exists()


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=VARIANTS.keys())
def test_api_search_finds_the_resident_under_a_variant(client, cast, raw):
    existing = make_resident(cast.community_a, "王芳")
    Resident.objects.filter(pk=existing.pk).update(id_number=ASCII)
    _token, key = ApiToken.issue(user=cast.desk_a, name="测试")
    rows = client.get("/api/residents/", {"q": raw}, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [r["id"] for r in rows] == [existing.pk]


def test_web_search_finds_the_resident_under_a_full_width_number(client, cast):
    existing = make_resident(cast.community_a, "王芳")
    login(client, cast.desk_a)
    full = "".join(chr(ord(c) + 0xFEE0) for c in existing.id_number)
    response = client.get(reverse("registry:resident_list"), {"q": full, "go": "1"})
    assert response.status_code == 302 and response.url.endswith(f"/{existing.pk}/")


# --- Moving between communities ---------------------------------------------------------------------------------


def test_front_desk_is_told_and_cannot_register_or_move_a_resident_of_another_community(client, cast):
    other = make_resident(cast.community_b, "王芳", phone="13900001111")
    login(client, cast.desk_a)
    full = "".join(chr(ord(c) + 0xFEE0) for c in other.id_number)
    response = client.post(reverse("registry:resident_create"), _form(cast, full, move_in=other.id_number))
    body = response.content.decode()
    assert response.status_code == 200 and "已在其他社区登记" in body and "move_in" not in body
    other.refresh_from_db()
    assert Resident.objects.count() == 1 and other.unit == cast.community_b
    assert not ResidentMove.objects.exists()


def test_head_is_offered_the_move_and_moving_keeps_the_same_record_with_history(client, cast):
    other = make_resident(cast.community_b, "王芳", phone="13900001111")
    login(client, cast.head_a)
    spaced = other.id_number[:6] + " " + other.id_number[6:]
    offer = client.post(reverse("registry:resident_create"), _form(cast, spaced))
    body = offer.content.decode()
    assert offer.status_code == 200 and 'name="move_in"' in body and cast.community_b.name in body
    assert Resident.objects.get().unit == cast.community_b  # nothing yet
    moved = client.post(reverse("registry:resident_create"), _form(cast, spaced, move_in=other.id_number))
    assert moved.status_code == 302 and moved.url.endswith(f"/{other.pk}/")
    other.refresh_from_db()
    assert Resident.objects.count() == 1
    assert (other.unit, other.household.number, other.phone) == (cast.community_a, "N-1", "13900001111")
    move = ResidentMove.objects.get(resident=other)
    assert (move.from_unit, move.to_unit, move.actor_name) == (cast.community_b, cast.community_a, "head_a")
    assert AuditEvent.objects.filter(
        action="update", object_id=str(other.pk), changes__unit=[cast.community_b.name, cast.community_a.name]
    ).exists()
    page = client.get(reverse("registry:resident_detail", args=[other.pk])).content.decode()
    assert "迁移记录" in page and cast.community_b.name in page


def test_running_benefits_follow_a_move(cast):
    from quanke.registry import services

    other = make_resident(cast.community_b, "王芳")
    benefit = services.benefit_start(
        actor=cast.admin, resident=other, program="gaoling", start_date=date(2024, 1, 1), monthly_amount=100
    )
    target = make_resident(cast.community_a, "李四").household
    services.resident_move(actor=cast.head_a, resident=other, household=target, via="web")
    benefit.refresh_from_db()
    assert (benefit.unit, benefit.household) == (cast.community_a, target)


def test_import_by_a_worker_without_move_permission_is_refused(cast):
    """Back office may import; the move rule is the same function for web and import."""
    from quanke.core import permissions

    other = make_resident(cast.community_b, "王芳")
    assert permissions.can_move_resident(cast.back_a, other, cast.community_a)
    assert not permissions.can_move_resident(cast.desk_a, other, cast.community_a)
    assert not permissions.can_move_resident(cast.head_a, other, cast.community_b)  # not her community
    assert not permissions.can_move_resident(cast.county_viewer, other, cast.community_a)


def test_the_template_and_csv_use_the_same_normalisation(cast):
    """A GBK CSV from Excel with a full-width number finds the same resident."""
    existing = make_resident(cast.community_a, "王芳")
    full = "".join(chr(ord(c) + 0xFEE0) for c in existing.id_number)
    content = ("户编号,住址,姓名,身份证号\r\n" + f"{existing.household.number},x,王芳,{full}\r\n").encode(
        "gb18030"
    )
    result = residents_import(
        actor=cast.head_a, unit=cast.community_a, filename="r.csv", content=io.BytesIO(content).getvalue()
    )
    assert result.ok and result.unchanged == 1 and Resident.objects.count() == 1


# --- The data migration -----------------------------------------------------------------------------------------

BEFORE = [("registry", "0004_benefit_unit_household_required")]


def _old_resident(apps, number, unit_code="330102999001"):
    org_unit = apps.get_model("core", "OrgUnit")
    unit, _created = org_unit.objects.get_or_create(
        code=unit_code, defaults={"name": "迁移测试区", "level": "county", "path": "/m"}
    )
    household = apps.get_model("registry", "Household").objects.create(
        unit=unit, number=number[-4:], address="x"
    )
    return apps.get_model("registry", "Resident").objects.create(
        household=household,
        unit=unit,
        name="甲",
        name_pinyin="jia",
        name_initials="j",
        id_number=number,
        birth_date=date(1949, 12, 31),
        sex="F",
    )


def _migrate(targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


def _full_width(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in value)


@pytest.mark.django_db(transaction=True)
def test_migration_normalises_stored_numbers(migrated_data):
    other = idnumber.build("330102", date(1950, 3, 1), 11)
    try:
        apps = _migrate(BEFORE)
        lower = _old_resident(apps, ASCII.lower())
        full = _old_resident(apps, _full_width(other))
        _migrate(None)
        assert Resident.objects.get(pk=lower.pk).id_number == ASCII
        assert Resident.objects.get(pk=full.pk).id_number == other
    finally:
        _migrate(None)


@pytest.mark.django_db(transaction=True)
def test_migration_stops_on_the_same_person_twice_and_changes_nothing(migrated_data):
    try:
        apps = _migrate(BEFORE)
        ascii_row = _old_resident(apps, ASCII)
        twin = _old_resident(apps, FULL_WIDTH)
        with pytest.raises(RuntimeError) as exc:
            _migrate(None)
        assert f"resident {twin.pk} is the same ID number as resident {ascii_row.pk}" in str(exc.value)
        resident = apps.get_model("registry", "Resident")
        assert set(resident.objects.values_list("id_number", flat=True)) == {ASCII, FULL_WIDTH}
        resident.objects.filter(pk=twin.pk).delete()
    finally:
        _migrate(None)


def test_volunteer_registration_links_the_resident_under_a_full_width_number(client, cast):
    from quanke.network.models import ServiceKind, Volunteer

    existing = make_resident(cast.community_a, "王芳")
    login(client, cast.desk_a)
    response = client.post(
        reverse("network:volunteer_create"),
        {
            "unit": cast.community_a.pk,
            "resident_id_number": " " + _full_width(existing.id_number[:9]) + " " + existing.id_number[9:],
            "skills": [ServiceKind.values[0]],
            "registered_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    assert Volunteer.objects.get().resident == existing
