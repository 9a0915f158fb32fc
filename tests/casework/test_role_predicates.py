"""Casework and network role checks are decided in quanke.core.permissions (named predicates); each refusal
leaves nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quanke.casework import services
from quanke.casework.models import Case, CaseStatus, FollowUp
from quanke.core import permissions
from quanke.core.models import AuditEvent
from quanke.network import services as network_services
from quanke.network.models import PartnerStaff
from tests.casework.conftest import deliver
from tests.conftest import make_user
from tests.support import login


def test_predicates_name_who_may_do_what(cast, case, partner_user):
    assert permissions.is_case_worker(cast.desk_a) and not permissions.is_case_worker(cast.county_viewer)
    assert permissions.can_list_cases(partner_user) and not permissions.can_list_cases(cast.county_viewer)
    assert not permissions.is_case_worker(partner_user)
    assert permissions.can_review_case_approvals(cast.head_a)
    assert not permissions.can_review_case_approvals(cast.desk_a)
    assert permissions.sees_all_station_cases_first(cast.head_a)
    assert not permissions.sees_all_station_cases_first(cast.desk_a)
    assert permissions.can_be_case_worker(cast.back_a, case.unit)
    assert not permissions.can_be_case_worker(cast.desk_b, case.unit)
    assert not permissions.can_be_case_worker(cast.county_viewer, case.unit)
    assert permissions.can_request_case_closure(cast.desk_a, case)
    assert not permissions.can_request_case_closure(partner_user, case)
    assert permissions.can_close_case(cast.head_a, case) and not permissions.can_close_case(cast.desk_a, case)
    assert permissions.can_follow_up_case(cast.desk_a, case) and not permissions.can_follow_up_case(
        cast.back_a, case
    )


def test_a_worker_cannot_approve_her_own_closure_and_nothing_changes(cast, case, today):
    deliver(case, cast.desk_a, today)
    services.case_request_closure(actor=cast.desk_a, case=case, outcome="goals_met", reason="好转")
    before = Case.objects.filter(pk=case.pk).values().get()
    with pytest.raises(PermissionDenied):
        services.case_review_closure(actor=cast.desk_a, case=case, approve=True)
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSURE_REQUESTED


def test_a_partner_cannot_request_closure_and_nothing_changes(cast, case, partner_user, org, today):
    services.consent_record(
        actor=cast.desk_a, case=case, consenter_kind="self", given_on=today, organisations=[org]
    )
    deliver(case, cast.desk_a, today)
    with pytest.raises(PermissionDenied):
        services.case_request_closure(actor=partner_user, case=case, outcome="goals_met", reason="x")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_the_approval_queue_is_refused_to_non_heads(cast, client):
    for user in (cast.desk_a, cast.county_viewer):
        client.logout()
        login(client, user)
        assert client.get(reverse("casework:approvals")).status_code == 403


def test_the_case_list_is_refused_to_a_county_viewer(cast, case, client):
    login(client, cast.county_viewer)
    response = client.get(reverse("casework:case_list"))
    assert response.status_code == 403 and case.number not in response.content.decode()


def test_another_communitys_worker_cannot_be_assigned_and_nothing_changes(cast, case):
    before = sorted(case.workers.values_list("pk", flat=True))
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="不是本社区的社工"):
        services.case_assign_workers(actor=cast.head_a, case=case, workers=[cast.desk_b])
    assert sorted(case.workers.values_list("pk", flat=True)) == before
    assert AuditEvent.objects.count() == audits


def test_a_follow_up_goes_only_to_the_cases_workers(cast, case, today):
    with pytest.raises(ValidationError, match="回访社工须为本个案的负责社工"):
        services.followup_schedule(
            actor=cast.desk_a, case=case, due_on=today, purpose="回访", assigned_to=cast.back_a
        )
    assert not FollowUp.objects.exists()


def test_only_a_head_links_partner_staff_and_a_staff_login_cannot_be_one(cast, org):
    user = make_user("partner_y", cast.community_a, [])
    with pytest.raises(PermissionDenied):
        network_services.partner_staff_link(actor=cast.desk_a, user=user, organisation=org)
    assert not PartnerStaff.objects.exists()
    assert not permissions.can_link_partner_staff(cast.desk_a, org)
    assert permissions.can_link_partner_staff(cast.head_a, org)
    with pytest.raises(ValidationError, match="不能同时拥有工作人员角色"):
        network_services.partner_staff_link(actor=cast.head_a, user=cast.back_a, organisation=org)
    assert not PartnerStaff.objects.exists()


def test_no_role_check_is_written_outside_permissions():
    """Casework, network and visits code (demo seeding aside) asks quanke.core.permissions, never a role list."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "quanke"
    offenders = []
    for app in ("casework", "network", "visits"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "demo.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"\.has_role\(|\bRole\.[A-Z_]+|CASE_WORKER_ROLES|\.roles\b", text):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
