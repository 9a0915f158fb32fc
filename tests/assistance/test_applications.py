from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from quanke.assistance import services
from quanke.assistance.models import AssistanceApplication, Finding
from quanke.core.models import AuditEvent
from quanke.matters.models import Status
from quanke.registry.models import Benefit
from tests.assistance.households import household, member
from tests.support import login

TODAY = timezone.localdate()
STARTED = datetime.combine(TODAY - timedelta(days=20), time(10), tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def poor(cast):
    home = household(cast.community_a, "AP1")
    mum = member(home, "申母", income="400")
    member(home, "申女", birth=date(2012, 4, 1), in_school=True)
    return mum


def open_dibao(cast, resident, **kwargs):
    return services.application_open(
        actor=cast.desk_a, resident=resident, program="dibao", at=STARTED, **kwargs
    )


def test_desk_accepts_and_the_matter_goes_to_the_street(cast, poor):
    app = open_dibao(cast, poor)
    assert app.step == "accepted" and app.accepted_on == STARTED.date()
    assert app.matter.item.code == "SA-DIBAO" and app.matter.status == Status.ROUTED
    assert app.matter.handling_unit == cast.street_1 and app.household == poor.household
    with pytest.raises(ValidationError):
        open_dibao(cast, poor)  # one open application per programme
    assert AssistanceApplication.objects.count() == 1


def test_the_legal_path_to_payment_from_next_month(cast, poor):
    app = open_dibao(cast, poor)
    handler = cast.street_handler
    app = services.application_investigate(
        actor=handler,
        application=app,
        investigated_on=TODAY - timedelta(days=18),
        investigators="赵、钱",
        record="母女二人同住，母亲打零工月入约400元。",
    )
    assert app.step == "investigated" and app.matter.status == Status.IN_PROGRESS
    assert app.matter.assigned_to == handler
    assert app.assessment["result"]["dibao"]["eligible"] is True
    assert services.suggested_amount(app) == Decimal("2390.00")  # 1395 x 2 - 400
    with pytest.raises(ValidationError, match="公示"):
        services.application_approve(
            actor=handler, application=app, decided_on=TODAY, monthly_amount=Decimal("2390")
        )
    app = services.application_publicize(actor=handler, application=app, start=TODAY - timedelta(days=10))
    assert app.publicity_end == TODAY - timedelta(days=4)
    app = services.application_approve(
        actor=handler, application=app, decided_on=TODAY, monthly_amount=Decimal("2390")
    )
    assert app.step == "approved"
    assert app.payment_from == date(TODAY.year + TODAY.month // 12, TODAY.month % 12 + 1, 1)
    benefits = Benefit.objects.filter(resident__household=poor.household, program="dibao")
    assert benefits.count() == 2 and sum(b.monthly_amount for b in benefits) == Decimal("2390.00")
    assert {b.start_date for b in benefits} == {app.payment_from}
    app.matter.refresh_from_db()
    assert app.matter.status == Status.FINISHED and "自" in app.matter.result_note
    steps = AuditEvent.objects.filter(object_type="assistance.assistanceapplication", action="transition")
    assert steps.count() == 3


def test_confirmation_waits_until_the_publicity_period_is_over(cast, poor):
    app = open_dibao(cast, poor)
    handler = cast.street_handler
    services.application_investigate(
        actor=handler,
        application=app,
        investigated_on=TODAY - timedelta(days=3),
        investigators="赵",
        record="属实",
    )
    services.application_publicize(actor=handler, application=app, start=TODAY - timedelta(days=2))
    with pytest.raises(ValidationError, match="公示期"):
        services.application_approve(
            actor=handler, application=app, decided_on=TODAY, monthly_amount=Decimal(1)
        )
    app.refresh_from_db()
    assert app.step == "publicity" and not Benefit.objects.exists()


def test_refusal_needs_written_reasons_and_closes_the_matter(cast, poor):
    app = open_dibao(cast, poor)
    with pytest.raises(ValidationError):
        services.application_refuse(actor=cast.street_handler, application=app, reasons=" ")
    app = services.application_refuse(
        actor=cast.street_handler, application=app, reasons="家庭财产超过当地规定：名下有两套住房。"
    )
    assert app.step == "refused"
    app.matter.refresh_from_db()
    assert app.matter.status == Status.REFUSED and "两套住房" in app.matter.result_note


def test_only_the_office_holding_the_matter_moves_the_steps(cast, poor):
    app = open_dibao(cast, poor)
    for outsider in (cast.back_a, cast.desk_a, cast.desk_b):
        with pytest.raises(PermissionDenied):
            services.application_investigate(
                actor=outsider, application=app, investigated_on=TODAY, investigators="x", record="x"
            )
    app.refresh_from_db()
    assert app.step == "accepted" and app.matter.status == Status.ROUTED
    with pytest.raises(PermissionDenied):
        services.application_open(actor=cast.desk_b, resident=poor, program="tekun")
    assert AssistanceApplication.objects.count() == 1


def test_programmes_without_publicity_go_straight_to_confirmation(cast, poor):
    app = services.application_open(actor=cast.desk_a, resident=poor, program="temporary", at=STARTED)
    handler = cast.street_handler
    services.application_investigate(
        actor=handler, application=app, investigated_on=TODAY, investigators="赵", record="住院，医疗支出大"
    )
    with pytest.raises(ValidationError, match="无需公示"):
        services.application_publicize(actor=handler, application=app, start=TODAY)
    app = services.application_approve(
        actor=handler, application=app, decided_on=TODAY, monthly_amount=Decimal("2790")
    )
    assert app.step == "approved"
    assert list(Benefit.objects.values_list("resident", "program")) == [(poor.pk, "temporary")]
    # 临时救助 is paid once: the benefit ends with its payment month and is then no longer current
    once = Benefit.objects.get()
    month_end = (app.payment_from + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert once.start_date == app.payment_from and once.end_date == month_end
    app.matter.refresh_from_db()
    assert "一次性发放" in app.matter.result_note and "每月" not in app.matter.result_note


def test_confirming_a_finding_can_open_the_application(cast, poor):
    services.assistance_scan(actor=None)
    finding = Finding.objects.get(household=poor.household, program="dibao")
    decided = services.finding_confirm(
        actor=cast.head_a, finding=finding, reason="入户了解，情况属实", open_application=True
    )
    app = AssistanceApplication.objects.get()
    assert decided.status == "confirmed" and app.finding == decided
    assert app.matter.channel == "home" and app.resident == poor and app.program == "dibao"


def test_pages_from_desk_to_street(client, cast, poor):
    login(client, cast.desk_a)
    body = client.get(reverse("registry:resident_detail", args=[poor.pk])).content.decode()
    assert reverse("assistance:application_new", args=[poor.pk]) in body
    response = client.post(
        reverse("assistance:application_new", args=[poor.pk]),
        {"program": "dibao", "channel": "window", "request_text": "想申请低保"},
    )
    app = AssistanceApplication.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/applications/{app.pk}/")
    body = client.get(response["Location"]).content.decode()
    assert app.matter.tracking_code in body and "记录入户调查" not in body  # the desk cannot process it
    client.logout()
    login(client, cast.street_handler)
    url = reverse("assistance:application_step", args=[app.pk, "investigate"])
    response = client.post(url, {"investigated_on": TODAY.isoformat(), "investigators": "赵", "record": ""})
    assert response.status_code == 400
    response = client.post(
        url, {"investigated_on": TODAY.isoformat(), "investigators": "赵", "record": "属实"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.step == "investigated"
    body = client.get(reverse("assistance:application_detail", args=[app.pk])).content.decode()
    assert "开始公示" in body


def test_another_communitys_application_is_404(client, cast, poor):
    app = open_dibao(cast, poor)
    login(client, cast.desk_b)
    assert client.get(reverse("assistance:application_detail", args=[app.pk])).status_code == 404
    response = client.post(
        reverse("assistance:application_step", args=[app.pk, "refuse"]), {"reasons": "不符合"}
    )
    assert response.status_code == 404
    app.refresh_from_db()
    assert app.step == "accepted"
