"""The written refusal (不予批准告知书): due within 3 working days of the decision, printable, marked delivered."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from quanke.assistance import selectors, services
from quanke.core.models import AuditEvent
from tests.assistance.households import household, member
from tests.support import login

TODAY = timezone.localdate()
SHANGHAI = ZoneInfo("Asia/Shanghai")
REASONS = "家庭人均收入高于当地低保标准：申请人月工资 3200 元。"


def refused(cast, name, decided_on, accepted_on=None):
    resident = member(household(cast.community_a, f"RN-{name}"), name, income="3200")
    at = datetime.combine(accepted_on or decided_on - timedelta(days=4), time(10), tzinfo=SHANGHAI)
    app = services.application_open(actor=cast.desk_a, resident=resident, program="dibao", at=at)
    return services.application_refuse(
        actor=cast.street_handler, application=app, reasons=REASONS, decided_on=decided_on
    )


def notice_audits(app):
    return AuditEvent.objects.filter(
        object_type="assistance.assistanceapplication", object_id=str(app.pk), action="update"
    )


def test_the_notice_is_due_three_working_days_after_the_decision(cast):
    # Tuesday before National Day 2025 (1–8 Oct off, Saturday 11 Oct a make-up working day): 9, 10, 11 Oct.
    app = refused(cast, "国庆", date(2025, 9, 30))
    assert app.notice_due_on == date(2025, 10, 11) and app.notice_delivered_on is None
    # An ordinary Thursday: Friday, Monday, Tuesday.
    app = refused(cast, "平常", date(2025, 11, 6))
    assert app.notice_due_on == date(2025, 11, 11)
    assert app.notice_overdue_on(date(2025, 11, 11)) is False
    assert app.notice_overdue_on(date(2025, 11, 12)) is True


def test_delivery_is_recorded_once_and_audited(cast):
    app = refused(cast, "送达", date(2025, 9, 30))
    app = services.application_notice_deliver(
        actor=cast.street_handler, application=app, delivered_on=date(2025, 10, 9)
    )
    app.refresh_from_db()
    assert app.notice_delivered_on == date(2025, 10, 9) and app.notice_delivered_by == cast.street_handler
    assert not app.notice_overdue_on(TODAY)
    changes = notice_audits(app).get().changes
    assert changes["notice_delivered_on"] == "2025-10-09" and changes["late"] is False
    with pytest.raises(services.StepRefused, match="已于 2025-10-09 登记送达"):
        services.application_notice_deliver(
            actor=cast.street_handler, application=app, delivered_on=date(2025, 10, 10)
        )
    app.refresh_from_db()
    assert app.notice_delivered_on == date(2025, 10, 9) and notice_audits(app).count() == 1


def test_a_late_delivery_is_marked_late(cast):
    app = refused(cast, "迟送", date(2025, 9, 30))
    services.application_notice_deliver(
        actor=cast.street_handler, application=app, delivered_on=date(2025, 10, 13)
    )
    assert notice_audits(app).get().changes["late"] is True


def test_wrong_dates_and_open_applications_are_refused(cast):
    app = refused(cast, "日期", date(2025, 9, 30))
    for day in (date(2025, 9, 29), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.application_notice_deliver(actor=cast.street_handler, application=app, delivered_on=day)
    resident = member(household(cast.community_a, "RN-open"), "在办")
    open_app = services.application_open(actor=cast.desk_a, resident=resident, program="dibao")
    with pytest.raises(services.StepRefused):
        services.application_notice_deliver(
            actor=cast.street_handler, application=open_app, delivered_on=TODAY
        )
    app.refresh_from_db()
    open_app.refresh_from_db()
    assert app.notice_delivered_on is None and open_app.notice_delivered_on is None
    assert not AuditEvent.objects.filter(
        object_type="assistance.assistanceapplication", action="update"
    ).exists()


def test_only_the_deciding_office_marks_delivery(cast):
    app = refused(cast, "权限", date(2025, 9, 30))
    for outsider in (cast.desk_a, cast.back_a, cast.desk_b, cast.county_viewer):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.application_notice_deliver(
                actor=outsider, application=app, delivered_on=date(2025, 10, 9)
            )
    app.refresh_from_db()
    assert app.notice_delivered_on is None and not notice_audits(app).exists()


def test_the_printable_notice(client, cast):
    app = refused(cast, "王小明", date(2025, 9, 30), accepted_on=date(2025, 9, 22))
    login(client, cast.street_handler)
    response = client.get(reverse("assistance:application_notice", args=[app.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "不予批准告知书" in body
    assert "王小明：" in body and "2025年9月22日 提出的低保申请" in body and REASONS in body
    assert "2025年9月30日" in body and "一街道（盖章）" in body and app.matter.tracking_code in body
    assert "六十日内依法申请行政复议" in body and "六个月内依法向人民法院提起行政诉讼" in body
    assert "@media print" in body


def test_the_notice_page_only_for_refusals_in_scope(client, cast):
    app = refused(cast, "范围", date(2025, 9, 30))
    resident = member(household(cast.community_a, "RN-open"), "在办")
    open_app = services.application_open(actor=cast.desk_a, resident=resident, program="dibao")
    login(client, cast.street_handler)
    assert client.get(reverse("assistance:application_notice", args=[open_app.pk])).status_code == 404
    client.logout()
    login(client, cast.desk_b)
    assert client.get(reverse("assistance:application_notice", args=[app.pk])).status_code == 404


def test_the_handler_marks_delivery_on_the_page(client, cast):
    app = refused(cast, "页面", date(2025, 9, 30))
    login(client, cast.street_handler)
    detail = reverse("assistance:application_detail", args=[app.pk])
    body = client.get(detail).content.decode()
    assert "逾期未送达" in body and "应于 2025-10-11 前送达" in body
    assert reverse("assistance:application_notice", args=[app.pk]) in body
    url = reverse("assistance:application_step", args=[app.pk, "deliver"])
    assert client.post(url, {"delivered_on": "2025-09-01"}).status_code == 400
    assert client.post(url, {"delivered_on": "2025-10-10"}).status_code == 302
    app.refresh_from_db()
    assert app.notice_delivered_on == date(2025, 10, 10)
    body = client.get(detail).content.decode()
    assert "已送达" in body and "登记送达" not in body


def test_the_list_shows_and_filters_overdue_notices(client, cast, django_assert_max_num_queries):
    late = refused(cast, "逾期甲", date(2025, 9, 30))
    delivered = refused(cast, "已送乙", date(2025, 9, 30))
    services.application_notice_deliver(
        actor=cast.street_handler, application=delivered, delivered_on=date(2025, 10, 9)
    )
    fresh = refused(cast, "今日丙", TODAY, accepted_on=TODAY)
    member(household(cast.community_a, "RN-open"), "在办丁")
    overdue = selectors.applications_for(actor=cast.street_handler, notice="overdue")
    assert list(overdue) == [late]
    pending = selectors.applications_for(actor=cast.street_handler, notice="pending")
    assert set(pending) == {late, fresh}
    login(client, cast.street_handler)
    url = reverse("assistance:application_list")
    with django_assert_max_num_queries(8):
        body = client.get(url).content.decode()
    assert body.count("notice-overdue") == 1 and "告知书逾期未送达（应于 2025-10-11 前）" in body
    body = client.get(url, {"notice": "overdue"}).content.decode()
    assert late.matter.tracking_code in body
    assert delivered.matter.tracking_code not in body and fresh.matter.tracking_code not in body
