"""Issue 12, defect 5: an approved amount other than the one the rules computed at the home investigation needs
the decider's written reason (service, page and API); the reason is stored, shown and audited, and a refusal
leaves nothing changed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quanke.assistance import services
from quanke.assistance.models import AssistanceApplication
from quanke.core.models import AuditEvent
from quanke.matters.models import MatterEvent, Status
from quanke.registry.models import Benefit
from tests.api.test_api import bearer
from tests.assistance.households import household, member
from tests.assistance.test_applications import STARTED, TODAY
from tests.support import login


@pytest.fixture
def in_publicity(cast):
    """A 低保 application whose 公示 is over; the rules computed 2390.00 元 (1395 × 2 − 400)."""
    home = household(cast.community_a, "AM1")
    mum = member(home, "金母", income="400")
    member(home, "金女", birth=date(2012, 4, 1), in_school=True)
    app = services.application_open(actor=cast.desk_a, resident=mum, program="dibao", at=STARTED)
    handler = cast.street_handler
    services.application_investigate(
        actor=handler,
        application=app,
        investigated_on=TODAY - timedelta(days=18),
        investigators="赵",
        record="属实",
    )
    app = services.application_publicize(actor=handler, application=app, start=TODAY - timedelta(days=10))
    assert services.suggested_amount(app) == Decimal("2390.00")
    return app


def unchanged(app):
    app.refresh_from_db()
    app.matter.refresh_from_db()
    assert app.step == "publicity" and app.monthly_amount is None and app.amount_reason == ""
    assert app.matter.status == Status.IN_PROGRESS and not Benefit.objects.exists()
    assert not AuditEvent.objects.filter(
        object_type="assistance.assistanceapplication", changes__step=["publicity", "approved"]
    ).exists()


def test_a_different_amount_without_a_reason_is_refused_and_nothing_changes(cast, in_publicity):
    for reason in ("", "   "):
        with pytest.raises(ValidationError, match="与规则测算的 2390.00 元不一致，须写明理由") as exc:
            services.application_approve(
                actor=cast.street_handler,
                application=in_publicity,
                decided_on=TODAY,
                monthly_amount=Decimal("2380"),
                amount_reason=reason,
            )
        assert exc.value.api_code == "assistance.amount_reason_required"
        unchanged(in_publicity)


def test_a_different_amount_with_a_reason_is_stored_shown_and_audited(client, cast, in_publicity):
    app = services.application_approve(
        actor=cast.street_handler,
        application=in_publicity,
        decided_on=TODAY,
        monthly_amount=Decimal("2380"),
        amount_reason="女儿有助学金每月10元，按实际收入核减。",
    )
    app.refresh_from_db()
    assert (app.step, app.monthly_amount, app.computed_amount) == (
        "approved",
        Decimal("2380"),
        Decimal("2390"),
    )
    assert app.amount_reason == "女儿有助学金每月10元，按实际收入核减。"
    audit = AuditEvent.objects.get(
        object_type="assistance.assistanceapplication", changes__step=["publicity", "approved"]
    )
    assert (
        audit.changes["amount_reason"] == app.amount_reason and audit.changes["computed_amount"] == "2390.00"
    )
    assert "理由：女儿有助学金" in MatterEvent.objects.get(matter=app.matter, action="complete").note
    login(client, cast.desk_a)
    body = client.get(reverse("assistance:application_detail", args=[app.pk])).content.decode()
    assert "规则测算 2390.00" in body and "审批金额与测算不一致" in body and "女儿有助学金每月10元" in body


def test_the_computed_amount_needs_no_reason(cast, in_publicity):
    app = services.application_approve(
        actor=cast.street_handler,
        application=in_publicity,
        decided_on=TODAY,
        monthly_amount=Decimal("2390.00"),
    )
    assert (app.step, app.computed_amount, app.amount_reason) == ("approved", Decimal("2390.00"), "")


def test_the_page_refuses_a_different_amount_without_a_reason(client, cast, in_publicity):
    login(client, cast.street_handler)
    url = reverse("assistance:application_step", args=[in_publicity.pk, "approve"])
    page = client.get(reverse("assistance:application_detail", args=[in_publicity.pk])).content.decode()
    assert "入户调查时规则测算：<strong>2390.00 元/月</strong>" in page and 'name="amount_reason"' in page
    response = client.post(
        url, {"decided_on": TODAY.isoformat(), "monthly_amount": "2380", "amount_reason": ""}
    )
    assert response.status_code == 400
    assert "与规则测算的 2390.00 元不一致，须写明理由" in response.content.decode()
    unchanged(in_publicity)
    response = client.post(
        url, {"decided_on": TODAY.isoformat(), "monthly_amount": "2380", "amount_reason": "核减助学金收入"}
    )
    assert response.status_code == 302
    assert AssistanceApplication.objects.get().amount_reason == "核减助学金收入"


def test_the_api_refuses_a_different_amount_without_a_reason(client, cast, in_publicity):
    auth = bearer(cast.street_handler)
    url = f"/api/assistance/applications/{in_publicity.pk}/approve"
    response = client.post(
        url,
        {"decided_on": TODAY.isoformat(), "monthly_amount": "2380"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "assistance.amount_reason_required"
    assert body["errors"]["amount_reason"] == [
        "审批金额 2380.00 元与规则测算的 2390.00 元不一致，须写明理由（将在申请页显示并记入审计）。"
    ]
    unchanged(in_publicity)
    response = client.post(
        url,
        {"decided_on": TODAY.isoformat(), "monthly_amount": "2380", "amount_reason": "核减助学金收入"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["step"], body["computed_amount"], body["amount_reason"]) == (
        "approved",
        "2390.00",
        "核减助学金收入",
    )
