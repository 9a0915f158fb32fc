"""Consent comes first: no assessment without it (except a head-confirmed emergency); withdrawal stops sharing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanke.casework import services
from quanke.casework.models import Assessment, Case, Consent, DomainFinding, Plan
from quanke.network.models import Engagement
from tests.casework.conftest import FINDINGS, assess
from tests.support import login


def test_assessment_refused_without_consent_and_nothing_saved(cast, case):
    with pytest.raises(ValidationError, match="知情同意"):
        assess(case, cast.desk_a)
    assert not Assessment.objects.exists() and not DomainFinding.objects.exists()
    assert Case.objects.get(pk=case.pk).risk_level == ""


def test_assessment_saved_under_valid_consent(cast, case, consented):
    a = assess(case, cast.desk_a)
    assert a.consent == consented and a.emergency_status == ""
    assert {f.domain: f.severity for f in a.findings.all()} == {k: v[0] for k, v in FINDINGS.items()}
    assert Case.objects.get(pk=case.pk).risk_level == "high"


def test_expired_consent_does_not_count(cast, case, today):
    services.consent_record(
        actor=cast.desk_a,
        case=case,
        consenter_kind="self",
        given_on=today - timedelta(days=400),
        valid_until=today - timedelta(days=35),
    )
    with pytest.raises(ValidationError):
        assess(case, cast.desk_a)
    assert not Assessment.objects.exists()


def test_guardian_consent_needs_guardian_name(cast, case, today):
    with pytest.raises(ValidationError):
        services.consent_record(actor=cast.desk_a, case=case, consenter_kind="guardian", given_on=today)
    assert not Consent.objects.exists()


def test_emergency_assessment_waits_for_head(cast, case, today):
    a = assess(case, cast.desk_a, emergency_reason="有自伤倾向，需立即评估")
    assert a.consent is None and a.emergency_status == "pending"
    # A plan cannot rest on an unconfirmed emergency assessment.
    with pytest.raises(ValidationError, match="评估"):
        services.plan_save(
            actor=cast.desk_a,
            case=case,
            goals="稳定情绪",
            actions=[
                {
                    "domain": "safety",
                    "description": "每日电话",
                    "due_on": today,
                    "responsible_worker": cast.desk_a,
                }
            ],
        )
    # Only the head confirms; a worker's attempt changes nothing.
    with pytest.raises(PermissionDenied):
        services.assessment_review_emergency(actor=cast.desk_a, assessment=a, confirm=True)
    assert Assessment.objects.get(pk=a.pk).emergency_status == "pending"
    services.assessment_review_emergency(actor=cast.head_a, assessment=a, confirm=True, note="同意")
    a.refresh_from_db()
    assert a.emergency_status == "confirmed" and a.emergency_reviewed_by == cast.head_a
    assert a.emergency_reviewed_at is not None
    services.plan_save(
        actor=cast.desk_a,
        case=case,
        goals="稳定情绪",
        actions=[
            {
                "domain": "safety",
                "description": "每日电话",
                "due_on": today,
                "responsible_worker": cast.desk_a,
            }
        ],
    )
    assert Plan.objects.filter(case=case).count() == 1


def test_rejected_emergency_assessment_does_not_count(cast, case):
    a = assess(case, cast.desk_a, emergency_reason="紧急")
    services.assessment_review_emergency(actor=cast.head_a, assessment=a, confirm=False, note="无紧急情形")
    assert services.current_assessment(case) is None


def test_withdrawal_stops_sharing_with_partners(client, cast, case, consented, org, partner_user):
    from django.urls import reverse

    login(client, partner_user)
    url = reverse("casework:case_detail", args=[case.pk])
    assert client.get(url).status_code == 200
    services.consent_withdraw(actor=cast.desk_a, consent=consented, reason="家属要求停止共享")
    assert client.get(url).status_code == 404
    # And no new sharing: links to partners and volunteers are refused, nothing recorded.
    with pytest.raises(ValidationError):
        services.case_link_organisation(actor=cast.desk_a, case=case, organisation=org, need="mental_health")
    assert not Engagement.objects.exists()


def test_consent_covers_only_named_partners(cast, case, consented, other_org):
    with pytest.raises(ValidationError, match="阳光助残协会"):
        services.case_link_organisation(
            actor=cast.desk_a, case=case, organisation=other_org, need="companionship"
        )
    assert not Engagement.objects.exists()


def test_withdrawal_needs_reason_and_is_once(cast, consented):
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=cast.desk_a, consent=consented, reason=" ")
    services.consent_withdraw(actor=cast.desk_a, consent=consented, reason="本人撤回")
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=cast.desk_a, consent=consented, reason="再次")
