"""Issue 13, failure 2: edits in the Django admin write the same audit rows as the services (create with the
values, update with {field: [old, new]}, delete), each change page writes one read row, and the admin's resident
list masks ID numbers and phones (core/admin_audit.py)."""

from datetime import date

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse

from quanke.core.admin_audit import AuditedModelAdmin
from quanke.core.models import AuditEvent
from quanke.registry import idnumber
from quanke.registry.models import Benefit, Household, Resident
from tests.conftest import make_resident
from tests.support import login

A = AuditEvent.Action


def _since(start, **filters):
    return AuditEvent.objects.filter(pk__gt=start, **filters).order_by("pk")


def _last():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _form_data(response):
    """What the admin's change form posts back unchanged: the main form's initial values and each inline's."""
    data = {}

    def put(form, prefix=""):
        for name, field in form.fields.items():
            key = f"{prefix}{name}"
            value = form.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [getattr(v, "pk", v) for v in value]
            else:
                data[key] = getattr(value, "pk", value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.initial_forms:
            put(form, f"{form.prefix}-")
    return data


@pytest.fixture
def resident(cast, tag):
    r = make_resident(cast.community_a, "孔繁荣", phone="13912345678")
    r.tags.add(tag("alone"))
    return r


@pytest.fixture
def admin_client(client, cast):
    login(client, cast.admin)
    return client


def test_admin_change_of_a_resident_writes_the_services_update_row(admin_client, cast, resident):
    url = reverse("admin:registry_resident_change", args=[resident.pk])
    data = _form_data(admin_client.get(url))
    start = _last()
    data["phone"] = "13800000000"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    resident.refresh_from_db()
    assert resident.phone == "13800000000"
    row = _since(start).get()
    assert (row.actor, row.action, row.object_type, row.object_id, row.unit) == (
        cast.admin,
        A.UPDATE,
        "registry.resident",
        str(resident.pk),
        cast.community_a,
    )
    assert row.changes == {"phone": ["13912345678", "13800000000"]}


def test_admin_change_of_a_residents_tags_is_recorded_by_code(admin_client, resident, tag):
    url = reverse("admin:registry_resident_change", args=[resident.pk])
    data = _form_data(admin_client.get(url))
    before = sorted(resident.tags.values_list("code", flat=True))
    data["tags"] = [tag("disabled").pk]
    start = _last()
    assert admin_client.post(url, data).status_code == 302
    assert _since(start).get().changes == {"tags": [before, ["disabled"]]}


def test_an_unchanged_save_writes_no_update_row(admin_client, resident):
    url = reverse("admin:registry_resident_change", args=[resident.pk])
    data = _form_data(admin_client.get(url))
    start = _last()
    assert admin_client.post(url, data).status_code == 302
    assert not _since(start).exists()


def test_admin_create_of_a_resident_writes_a_create_row_with_its_values(admin_client, cast):
    household = Household.objects.create(unit=cast.community_a, number="ADM-1", address="甲社区9号")
    number = idnumber.build("330102", date(1960, 5, 4), 123)
    start = _last()
    response = admin_client.post(
        reverse("admin:registry_resident_add"),
        {
            "household": household.pk,
            "unit": cast.community_a.pk,
            "name": "管理员录入",
            "id_number": number,
            "birth_date": "1960-05-04",
            "sex": "M",
            "phone": "13700000000",
            "relation": "head",
            "monthly_income": "1200",
            "has_capable_supporter": "on",
            "benefits-TOTAL_FORMS": 0,
            "benefits-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    created = Resident.objects.get(id_number=number)
    row = _since(start).get()
    assert (row.actor, row.action, row.object_id) == (cast.admin, A.CREATE, str(created.pk))
    assert row.changes["id_number"] == number and row.changes["phone"] == "13700000000"
    assert row.changes["monthly_income"] == "1200.00" and row.changes["tags"] == []
    assert "name_pinyin" not in row.changes  # derived, as in the services' rows


def test_admin_takes_an_id_number_as_the_registry_does(admin_client, cast, resident):
    """Full-width digits and spaces are normalised before the check; the same person twice is refused with a form
    error (not the database constraint's 500) and nothing is written."""
    url = reverse("admin:registry_resident_change", args=[resident.pk])
    data = _form_data(admin_client.get(url))
    other = make_resident(cast.community_a, "另一人")
    typed = " ".join("".join(chr(ord(c) + 0xFEE0) for c in other.id_number[:17]) + other.id_number[17:])
    data["id_number"] = typed
    start = _last()
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "id_number" in response.context["adminform"].form.errors
    resident.refresh_from_db()
    assert resident.id_number != other.id_number and not _since(start).exclude(action=A.READ).exists()
    fresh = idnumber.build("330102", date(1961, 6, 7), 321)
    data["id_number"] = " ".join("".join(chr(ord(c) + 0xFEE0) for c in fresh))
    assert admin_client.post(url, data).status_code == 302
    resident.refresh_from_db()
    assert resident.id_number == fresh


def test_admin_delete_of_a_resident_writes_a_delete_row(admin_client, cast, resident):
    pk = resident.pk
    start = _last()
    url = reverse("admin:registry_resident_delete", args=[pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Resident.objects.filter(pk=pk).exists()
    row = _since(start).get()
    assert (row.actor, row.action, row.object_id, row.changes["id_number"]) == (
        cast.admin,
        A.DELETE,
        str(pk),
        resident.id_number,
    )


def test_delete_selected_writes_one_row_per_resident(admin_client, cast):
    residents = [make_resident(cast.community_a, name) for name in ("甲一", "乙二")]
    start = _last()
    response = admin_client.post(
        reverse("admin:registry_resident_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in residents], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Resident.objects.filter(pk__in=[r.pk for r in residents]).exists()
    assert sorted(_since(start, action=A.DELETE).values_list("object_id", flat=True)) == sorted(
        str(r.pk) for r in residents
    )


def test_an_inline_benefit_added_in_the_admin_is_audited(admin_client, cast, resident):
    url = reverse("admin:registry_resident_change", args=[resident.pk])
    data = _form_data(admin_client.get(url))
    data.update(
        {
            "benefits-TOTAL_FORMS": 1,
            "benefits-0-program": "dibao",
            "benefits-0-unit": cast.community_a.pk,
            "benefits-0-household": resident.household_id,
            "benefits-0-start_date": "2026-01-01",
            "benefits-0-monthly_amount": "500",
        }
    )
    start = _last()
    response = admin_client.post(url, data)
    assert response.status_code == 302, [
        f.errors for f in response.context["inline_admin_formsets"][0].formset
    ]
    benefit = Benefit.objects.get(resident=resident)
    row = _since(start).get()
    assert (row.action, row.object_type, row.object_id) == (A.CREATE, "registry.benefit", str(benefit.pk))
    assert row.changes["monthly_amount"] == "500.00"


def test_the_change_page_writes_one_read_row(admin_client, cast, resident):
    start = _last()
    response = admin_client.get(reverse("admin:registry_resident_change", args=[resident.pk]))
    assert response.status_code == 200 and resident.id_number in response.content.decode()
    row = _since(start).get()
    assert (row.actor, row.action, row.object_id, row.changes) == (
        cast.admin,
        A.READ,
        str(resident.pk),
        {"via": "admin"},
    )


def test_the_resident_list_masks_id_numbers_and_phones(admin_client, resident):
    html = admin_client.get(reverse("admin:registry_resident_changelist")).content.decode()
    assert resident.name in html
    assert resident.id_number not in html and resident.phone not in html
    assert idnumber.mask(resident.id_number) in html and idnumber.mask_phone(resident.phone) in html
    # Searching by the full number still finds her, listed masked (the typed number is echoed in the filters).
    found = admin_client.get(reverse("admin:registry_resident_changelist"), {"q": resident.id_number})
    assert list(found.context["cl"].result_list) == [resident]
    assert idnumber.mask(resident.id_number) in found.content.decode()


def test_a_households_page_lists_members_masked(admin_client, resident):
    html = admin_client.get(reverse("admin:registry_household_change", args=[resident.household_id])).content
    assert resident.id_number not in html.decode()
    assert idnumber.mask(resident.id_number) in html.decode()


# Admins of records that are no one's personal data; every other admin must inherit AuditedModelAdmin, so that
# a new admin of personal data cannot be registered unaudited by being forgotten here.
NOT_PERSONAL = {
    "core.orgunit": "an org unit: its public office phone",
    "core.auditevent": "the trail itself: read-only in the admin, append-only in the database",
    "core.calendaryear": "the holiday calendar",
    "core.calendarday": "the holiday calendar",
    "auth.group": "permission groups",
    "api.apitoken": "a staff member's API key: its hash only",
    "assistance.locality": "assistance parameters, audited by assistance's own AuditedAdmin",
    "assistance.localityparameter": "assistance parameters, audited by assistance's own AuditedAdmin",
    "assistance.unitlocality": "assistance parameters, audited by assistance's own AuditedAdmin",
    "assistance.scanrun": "a scan run's counts, read-only",
    "catalog.category": "the service catalog",
    "catalog.item": "the service catalog",
    "catalog.stationitemsetting": "the service catalog",
    "catalog.document": "the knowledge base: public policy documents",
    "intake.intakesynonym": "the intake dictionary",
    "visits.stationhours": "a station's opening hours",
    "visits.supplyitem": "the supply catalog",
    "axes.accessattempt": "django-axes' login counters; each attempt also has its own audit row",
    "axes.accesslog": "django-axes' login counters; each attempt also has its own audit row",
    "axes.accessfailurelog": "django-axes' login counters; each attempt also has its own audit row",
    "django_tasks_database.dbtaskresult": "the task queue's rows: task names, arguments by id, results and errors",
    "otp_totp.totpdevice": "a staff member's second-factor device: a secret, no resident data",
}


def test_every_admin_of_personal_data_is_audited():
    registered = {
        f"{m._meta.app_label}.{m._meta.model_name}": a for m, a in django_admin.site._registry.items()
    }
    assert sorted(NOT_PERSONAL.keys() - registered.keys()) == [], "no such admin any more"
    unaudited = [
        name
        for name, model_admin in sorted(registered.items())
        if name not in NOT_PERSONAL and not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert unaudited == [], "inherit core.admin_audit.AuditedModelAdmin or list it above with the reason"
    assert not [name for name in NOT_PERSONAL if isinstance(registered[name], AuditedModelAdmin)]


def test_admin_user_create_is_audited_without_the_password(admin_client, cast):
    start = _last()
    response = admin_client.post(
        reverse("admin:core_user_add"),
        {"username": "new_worker", "password1": "x-Long-pass-2026!", "password2": "x-Long-pass-2026!"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    row = _since(start).get()
    assert (row.actor, row.action, row.object_type, row.changes["username"]) == (
        cast.admin,
        A.CREATE,
        "core.user",
        "new_worker",
    )
    assert "password" not in row.changes and "x-Long-pass-2026!" not in str(row.changes)
