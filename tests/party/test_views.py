"""The register's pages: shown only to the party specialty and heads, lists masked and their reads recorded."""

from datetime import date

import pytest
from django.urls import reverse

from quanke.core.models import AuditEvent, Role
from quanke.party.models import InServiceReport, PartyMember
from quanke.registry import idnumber
from tests.conftest import make_resident, make_user
from tests.support import login


@pytest.fixture
def party_a(cast):
    return make_user("party_a", cast.community_a, [Role.BACK_OFFICE], ["party"])


@pytest.fixture
def member(cast):
    r = make_resident(cast.community_a, "周建国", birth=date(1975, 7, 1), phone="13900002222")
    return PartyMember.objects.create(resident=r, unit=r.unit, branch="第一党支部", membership="full")


def test_the_list_masks_numbers_and_records_who_was_listed(
    client, party_a, member, django_assert_max_num_queries
):
    login(client, party_a)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("party:member_list")).content.decode()
    r = member.resident
    assert r.name in html and r.id_number not in html and r.phone not in html
    assert idnumber.mask(r.id_number) in html
    row = AuditEvent.objects.get(action=AuditEvent.Action.READ_SENSITIVE, actor=party_a)
    assert row.object_type == "party.partymember" and row.changes["residents"] == [r.pk]


@pytest.mark.parametrize("who", ["desk_a", "back_a", "county_viewer"])
def test_others_are_refused_every_page_and_see_no_nav_entry(client, cast, member, who):
    user = getattr(cast, who)
    login(client, user)
    for url in (
        reverse("party:member_list"),
        reverse("party:member_detail", args=[member.pk]),
        reverse("party:member_edit", args=[member.pk]),
        reverse("party:member_new", args=[member.resident_id]),
    ):
        assert client.get(url).status_code == 403, url
    assert reverse("party:member_list") not in client.get(reverse("core:home")).content.decode()
    assert not AuditEvent.objects.filter(actor=user, object_type="party.partymember").exists()


def test_the_resident_page_shows_membership_only_to_the_register_and_records_the_read(
    client, cast, party_a, member
):
    url = reverse("registry:resident_detail", args=[member.resident_id])
    assert "第一党支部" not in login(client, cast.desk_a).get(url).content.decode()
    assert "第一党支部" in login(client, party_a).get(url).content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.READ_SENSITIVE, actor=party_a, object_id=str(member.pk)
    ).exists()
    assert not AuditEvent.objects.filter(actor=cast.desk_a, object_type="party.partymember").exists()


def test_a_refused_report_post_writes_nothing(client, cast, member):
    login(client, cast.desk_a)
    response = client.post(
        reverse("party:member_detail", args=[member.pk]),
        {"reported_on": "2026-01-05", "pledged_hours": "10", "served_hours": "0"},
    )
    assert response.status_code == 403 and not InServiceReport.objects.exists()


def test_the_party_worker_enters_edits_and_records_a_report(client, cast, party_a):
    r = make_resident(cast.community_a, "吴秀兰", birth=date(1980, 2, 2))
    login(client, party_a)
    response = client.post(
        reverse("party:member_new", args=[r.pk]),
        {"branch": "第二党支部", "membership": "probationary", "joined_on": "2025-07-01", "relation": "here"},
    )
    member = PartyMember.objects.get(resident=r)
    assert response.status_code == 302 and member.membership == "probationary"
    response = client.post(
        reverse("party:member_edit", args=[member.pk]),
        {
            "branch": "第二党支部",
            "membership": "full",
            "joined_on": "2025-07-01",
            "full_member_on": "2026-07-01",
            "relation": "here",
        },
    )
    member.refresh_from_db()
    assert response.status_code == 302 and member.membership == "full"
    response = client.post(
        reverse("party:member_detail", args=[member.pk]),
        {
            "reported_on": "2026-01-05",
            "workplace": "区财政局",
            "commitments": "周末义诊",
            "pledged_hours": "24",
            "served_hours": "4",
        },
    )
    assert response.status_code == 302
    assert InServiceReport.objects.get(member=member).workplace == "区财政局"


def test_the_api_refuses_the_front_desk_and_lists_masked_for_the_party_worker(client, cast, party_a, member):
    from tests.support import bearer

    assert client.get("/api/party/members", **bearer(cast.desk_a)).status_code == 403
    assert client.get(f"/api/party/members/{member.pk}", **bearer(cast.desk_a)).status_code == 403
    assert not AuditEvent.objects.filter(actor=cast.desk_a, object_type="party.partymember").exists()
    body = client.get("/api/party/members", **bearer(party_a)).json()
    assert [m["id"] for m in body] == [member.pk]
    assert body[0]["id_number_masked"] == idnumber.mask(member.resident.id_number)
    assert member.resident.id_number not in str(body)
