"""The check from the issue, through the web pages: open a case from a visit, try to assess without consent,
record consent, plan, link a volunteer and a donation, close with the head's approval, reconcile the ledger, and
fail to read the case as another worker."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse

from quanke.casework.models import Case
from quanke.network import selectors as network_selectors
from quanke.network import services as network_services
from quanke.network.models import Engagement, LedgerEntry, ResourceBalance
from tests.support import login


def post(client, case, action, data):
    response = client.post(reverse("casework:case_action", args=[case.pk, action]), data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_case_from_visit_to_closure(client, cast, resident, org, today):
    volunteer = network_services.volunteer_register(
        actor=cast.desk_a,
        unit=cast.community_a,
        name="周志愿",
        registered_on=today,
        skills=["escort"],
        availability=["weekday_day"],
    )
    network_services.ledger_receive(
        actor=cast.back_a,
        unit=cast.community_a,
        kind="money",
        quantity=Decimal("5000"),
        entry_on=today,
        donor_name="爱心企业",
        purpose="困难帮扶",
    )
    login(client, cast.desk_a)
    # Open from the resident page, as coming from a home visit.
    body = client.get(reverse("registry:resident_detail", args=[resident.pk])).content.decode()
    assert reverse("casework:case_open", args=[resident.pk]) in body
    response = client.post(
        reverse("casework:case_open", args=[resident.pk]),
        {"origin_kind": "visit", "origin_reference": "VR-1", "presenting_problem": "停药，情绪波动"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.origin_kind == "visit"

    assessment = {
        "risk_level": "high",
        "summary": "需链接资源",
        "sev_mental_health": "3",
        "note_mental_health": "停药",
    }
    for d in ("livelihood", "health", "family", "housing", "employment", "safety"):
        assessment[f"sev_{d}"] = "0"
    body = post(client, case, "assess", assessment)
    assert "尚未取得有效的知情同意" in body and not case.assessments.exists()

    post(
        client,
        case,
        "consent",
        {
            "consenter_kind": "guardian",
            "guardian_name": "林建国",
            "guardian_relation": "兄长",
            "share_kinds": ["volunteers", "resources"],
            "organisations": [org.pk],
            "given_on": today.isoformat(),
        },
    )
    post(client, case, "assess", assessment)
    assert case.assessments.get().consent is not None

    post(
        client,
        case,
        "plan",
        {
            "goals": "规律服药",
            "a0_domain": "mental_health",
            "a0_description": "申请免费长效针剂",
            "a0_organisation": org.pk,
            "a0_due_on": (today + timedelta(days=10)).isoformat(),
            "submit": "1",
        },
    )
    plan = case.plans.get()
    assert plan.status == "submitted"

    # Matching suggests the volunteer; linking records the engagement.
    body = client.get(reverse("casework:case_detail", args=[case.pk]) + "?need=escort").content.decode()
    assert "周志愿" in body
    post(client, case, "link_volunteer", {"need": "escort", "party": volunteer.pk})
    balance = ResourceBalance.objects.get()
    body = post(client, case, "resource", {"balance": balance.pk, "quantity": "6000", "purpose": "购药"})
    assert "结余不足" in body
    post(client, case, "resource", {"balance": balance.pk, "quantity": "800", "purpose": "交通和购药补助"})
    assert Engagement.objects.filter(subject_reference=case.number).count() == 2

    # Nothing done yet: closure is refused and the case stays open.
    body = post(client, case, "closure", {"outcome": "goals_met", "reason": "规律服药三个月"})
    assert "尚无服务记录" in body
    case.refresh_from_db()
    assert case.status == "open"

    login(client, cast.head_a)
    post(client, case, "plan_review", {"plan": plan.pk, "decision": "approve"})
    login(client, cast.desk_a)
    post(
        client,
        case,
        "service",
        {"delivered_on": today.isoformat(), "service_kind": "medical", "description": "陪同复诊"},
    )
    post(client, case, "plan_action", {"action": plan.actions.get().pk, "decision": "done"})
    post(client, case, "closure", {"outcome": "goals_met", "reason": "规律服药三个月"})
    # The worker cannot approve her own closure or plan.
    assert (
        client.post(
            reverse("casework:case_action", args=[case.pk, "closure_review"]), {"decision": "approve"}
        ).status_code
        == 403
    )

    login(client, cast.head_a)
    post(client, case, "closure_review", {"decision": "approve"})
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_by == cast.head_a

    # The ledger reconciles: stored balance == entries' sum == reported net.
    entry_sum = sum(e.signed_quantity for e in LedgerEntry.objects.all())
    totals = network_selectors.ledger_totals(actor=cast.head_a)
    assert ResourceBalance.objects.get().balance == entry_sum == totals.money_net == Decimal("4200")
    assert LedgerEntry.objects.get(direction="out").case_reference == case.number

    login(client, cast.back_a)
    assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 404
