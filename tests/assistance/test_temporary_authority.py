"""临时救助 approval authority: the street approves up to its locality's limit, the county above it."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from quanke.assistance import selectors, services
from quanke.assistance.models import AssistanceApplication, Locality, LocalityParameter
from quanke.core.models import AuditEvent, Role
from quanke.matters.models import Status
from quanke.registry.models import Benefit
from tests.assistance.households import household, member
from tests.conftest import make_user
from tests.support import login

TODAY = timezone.localdate()
STARTED = datetime.combine(TODAY - timedelta(days=12), time(10), tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def patient(cast):
    home = household(cast.community_a, "TA1")
    return member(home, "病患", income="300")


@pytest.fixture
def county_handler(cast):
    return make_user("county_1", cast.county, [Role.DEPT_HANDLER], ["assistance"])


def investigated(cast, resident, program="temporary"):
    app = services.application_open(actor=cast.desk_a, resident=resident, program=program, at=STARTED)
    return services.application_investigate(
        actor=cast.street_handler,
        application=app,
        investigated_on=TODAY - timedelta(days=10),
        investigators="赵",
        record="住院手术，自付医疗费用约三万元。",
    )


def approve(actor, app, amount, amount_reason=""):
    return services.application_approve(
        actor=actor,
        application=app,
        decided_on=TODAY,
        monthly_amount=Decimal(amount),
        amount_reason=amount_reason,
    )


def approval_audits(app):
    return AuditEvent.objects.filter(
        object_type="assistance.assistanceapplication", object_id=str(app.pk), changes__step__1="approved"
    )


def test_the_limit_is_a_dated_locality_parameter(cast):
    # Beijing (the default locality): 2 × the 低保 standard, changing with it on 2023-07-01.
    limit = selectors.temporary_street_limit(cast.community_a, date(2023, 6, 30))
    assert (limit.amount, limit.start) == (Decimal("2640.00"), date(2022, 7, 1))
    limit = selectors.temporary_street_limit(cast.community_a, date(2023, 7, 1))
    assert (limit.amount, limit.start, limit.locality_label) == (
        Decimal("2790.00"),
        date(2023, 7, 1),
        "北京市",
    )
    assert selectors.temporary_street_limit(cast.community_a, date(2019, 1, 1)) is None  # before the data
    # Chongqing once the county is mapped to it.
    services.unit_locality_set(
        actor=cast.admin, unit=cast.county, locality=Locality.objects.get(code="chongqing")
    )
    assert selectors.temporary_street_limit(cast.community_a, date(2024, 1, 1)).amount == Decimal("1470.00")
    # An administrator's new dated value (e.g. a fixed ¥5,000 like Jinjiang) applies from its date only.
    LocalityParameter.objects.create(
        locality=Locality.objects.get(code="chongqing"),
        path="temporary.street_limit",
        start_date=date(2025, 1, 1),
        value=Decimal("5000"),
    )
    assert selectors.temporary_street_limit(cast.community_a, date(2024, 12, 31)).amount == Decimal("1470.00")
    assert selectors.temporary_street_limit(cast.community_a, date(2025, 1, 1)).amount == Decimal("5000.00")


def test_the_street_approves_up_to_the_limit(cast, patient):
    app = approve(cast.street_handler, investigated(cast, patient), "2790.00")
    assert app.step == "approved" and app.decided_by == cast.street_handler
    assert Benefit.objects.get().monthly_amount == Decimal("2790.00")


def test_above_the_limit_the_street_is_refused_and_nothing_changes(cast, patient):
    app = investigated(cast, patient)
    with pytest.raises(ValidationError) as refused:
        approve(cast.street_handler, app, "2790.01")
    message = refused.value.message_dict["monthly_amount"][0]
    assert "2790.01" in message and "2790.00" in message and "区县民政局" in message
    app.refresh_from_db()
    app.matter.refresh_from_db()
    assert app.step == "investigated" and app.decided_on is None and app.monthly_amount is None
    assert app.matter.status == Status.IN_PROGRESS and app.matter.handling_unit == cast.street_1
    assert not Benefit.objects.exists() and not approval_audits(app).exists()


def test_other_programmes_are_not_limited(cast, patient):
    app = investigated(cast, patient, program="dibao")
    app = services.application_publicize(
        actor=cast.street_handler, application=app, start=TODAY - timedelta(9)
    )
    app = approve(cast.street_handler, app, "5000", amount_reason="按实际支出核定")  # differs from the rules
    assert app.step == "approved" and app.monthly_amount == Decimal("5000.00")


def test_sent_up_to_the_county_which_approves_above_the_limit(cast, patient, county_handler):
    app = investigated(cast, patient)
    app = services.application_refer_to_county(actor=cast.street_handler, application=app, note="需 4000 元")
    app.matter.refresh_from_db()
    assert app.matter.status == Status.ROUTED and app.matter.handling_unit == cast.county
    assert app.matter.assigned_to is None and app.step == "investigated"
    assert (
        AuditEvent.objects.filter(
            object_type="assistance.assistanceapplication", object_id=str(app.pk), action="update"
        )
        .get()
        .changes["referred_to"]
        == "测试区"
    )
    # The street no longer holds it.
    with pytest.raises(PermissionDenied):
        approve(cast.street_handler, app, "2000")
    assert not Benefit.objects.exists()
    app = approve(county_handler, AssistanceApplication.objects.get(pk=app.pk), "4000")
    assert app.step == "approved" and app.decided_by == county_handler
    assert Benefit.objects.get().monthly_amount == Decimal("4000.00")
    app.matter.refresh_from_db()
    assert app.matter.status == Status.FINISHED and app.matter.assigned_to == county_handler


def test_only_the_holder_sends_up_and_only_temporary_assistance(cast, patient):
    app = investigated(cast, patient)
    for outsider in (cast.desk_a, cast.back_a, cast.desk_b):
        with pytest.raises(PermissionDenied):
            services.application_refer_to_county(actor=outsider, application=app)
    app.matter.refresh_from_db()
    assert app.matter.handling_unit == cast.street_1 and app.matter.status == Status.IN_PROGRESS
    dibao = investigated(cast, member(household(cast.community_a, "TA2"), "低保户"), program="dibao")
    with pytest.raises(services.StepRefused):
        services.application_refer_to_county(actor=cast.street_handler, application=dibao)
    dibao.matter.refresh_from_db()
    assert dibao.matter.handling_unit == cast.street_1
    assert not AuditEvent.objects.filter(
        object_type="assistance.assistanceapplication", action="update"
    ).exists()


def test_the_page_shows_the_limit_and_sends_up(client, cast, patient, county_handler):
    app = investigated(cast, patient)
    login(client, cast.street_handler)
    url = reverse("assistance:application_detail", args=[app.pk])
    body = client.get(url).content.decode()
    assert "2790.00 元" in body and "北京市，自 2023-07-01 起" in body and "报区县民政局审批" in body
    step = reverse("assistance:application_step", args=[app.pk, "approve"])
    response = client.post(step, {"decided_on": TODAY.isoformat(), "monthly_amount": "3000"})
    assert response.status_code == 400 and "超过街道（乡镇）审批限额 2790.00 元" in response.content.decode()
    response = client.post(reverse("assistance:application_step", args=[app.pk, "refer"]), {"note": ""})
    assert response.status_code == 302
    client.logout()
    login(client, county_handler)
    body = client.get(url).content.decode()
    assert "本申请由区县民政局审批" in body and "2790.00 元" not in body
    response = client.post(step, {"decided_on": TODAY.isoformat(), "monthly_amount": "3000"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.step == "approved" and app.monthly_amount == Decimal("3000.00")
