"""Only the assigned workers, the head and partners a valid consent covers read a case; every read is audited."""

import pytest
from django.urls import reverse

from quanke.casework import services
from quanke.casework.models import Case, Consent, FollowUp
from quanke.core.models import AuditEvent
from tests.conftest import make_resident
from tests.support import login

ALLOWED = ["desk_a", "head_a"]
REFUSED = ["back_a", "desk_b", "street_handler", "county_viewer", "admin"]


@pytest.mark.parametrize("who", ALLOWED)
def test_assigned_worker_and_head_read_and_the_read_is_audited(client, cast, case, who):
    user = getattr(cast, who)
    response = login(client, user).get(reverse("casework:case_detail", args=[case.pk]))
    assert response.status_code == 200 and case.resident.name in response.content.decode()
    assert AuditEvent.objects.filter(
        action="read", object_type="casework.case", object_id=str(case.pk), actor=user
    )


@pytest.mark.parametrize("who", REFUSED)
def test_everyone_else_gets_404_and_nothing_changes(client, cast, case, who, today):
    user = getattr(cast, who)
    login(client, user)
    response = client.get(reverse("casework:case_detail", args=[case.pk]))
    assert response.status_code == 404 and case.resident.name not in response.content.decode()
    before = Case.objects.filter(pk=case.pk).values().get()
    for action, data in [
        ("consent", {"consenter_kind": "self", "given_on": today.isoformat(), "share_kinds": ["volunteers"]}),
        ("followup", {"due_on": today.isoformat(), "purpose": "x", "assigned_to": user.pk}),
        ("closure", {"outcome": "goals_met", "reason": "x"}),
    ]:
        assert client.post(reverse("casework:case_action", args=[case.pk, action]), data).status_code == 404
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert not Consent.objects.exists() and not FollowUp.objects.exists()
    assert not AuditEvent.objects.filter(object_type="casework.case", actor=user).exists()


def test_assigning_a_colleague_gives_her_access(client, cast, case):
    login(client, cast.back_a)
    url = reverse("casework:case_detail", args=[case.pk])
    assert client.get(url).status_code == 404
    services.case_assign_workers(actor=cast.head_a, case=case, workers=[cast.desk_a, cast.back_a])
    assert client.get(url).status_code == 200


def test_partner_reads_only_while_consent_covers_her_organisation(
    client, cast, case, org, partner_user, today
):
    login(client, partner_user)
    url = reverse("casework:case_detail", args=[case.pk])
    assert client.get(url).status_code == 404  # no consent yet
    services.consent_record(
        actor=cast.desk_a, case=case, consenter_kind="self", given_on=today, organisations=[org]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="read", object_id=str(case.pk), actor=partner_user).exists()
    # A partner reads but does not write.
    assert (
        client.post(
            reverse("casework:case_action", args=[case.pk, "closure"]),
            {"outcome": "goals_met", "reason": "x"},
        ).status_code
        == 403
    )
    assert Case.objects.get(pk=case.pk).status == "open"
    # Listed only the case her consent covers.
    body = client.get(reverse("casework:case_list")).content.decode()
    assert case.number in body


def test_resident_page_shows_cases_only_to_readers(client, cast, case):
    url = reverse("registry:resident_detail", args=[case.resident_id])
    body = login(client, cast.desk_a).get(url).content.decode()
    assert case.number in body and "开个案" in body
    client.logout()
    body = login(client, cast.back_a).get(url).content.decode()
    assert case.number not in body


def test_case_list_query_count(client, cast, django_assert_max_num_queries):
    for i in range(25):
        r = make_resident(cast.community_a, f"对象{i}")
        services.case_open(actor=cast.desk_a, resident=r, origin_kind="walk_in", presenting_problem="求助")
    login(client, cast.desk_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("casework:case_list"))
    assert response.status_code == 200 and response.content.decode().count("GA20") >= 25


def test_case_detail_query_count(client, cast, case, consented, django_assert_max_num_queries):
    login(client, cast.desk_a)
    with django_assert_max_num_queries(60):
        assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 200
