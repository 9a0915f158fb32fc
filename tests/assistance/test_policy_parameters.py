"""Procedural policy values are dated locality parameters read through one accessor (parameters.policy_value)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from quanke.assistance import parameters, services
from quanke.assistance.models import Locality, LocalityParameter, UnitLocality
from tests.assistance.households import household, member

TODAY = timezone.localdate()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def set_value(code, path, start, value):
    LocalityParameter.objects.create(
        locality=Locality.objects.get(code=code), path=path, start_date=start, value=Decimal(value)
    )


def test_shipped_values_per_locality(db):
    on = date(2024, 3, 15)
    for code in ("beijing", "chongqing"):
        assert parameters.policy_value("application.publicity_days", on=on, locality=code) == 7
        assert parameters.policy_value("application.refusal_notice_working_days", on=on, locality=code) == 3
        assert parameters.policy_value("review.interval_months", on=on, locality=code) == 12
        assert parameters.policy_value("review.working_age.min", on=on, locality=code) == 16
        assert parameters.policy_value("review.working_age.max", on=on, locality=code) == 59
        assert parameters.policy_value("gradual_exit.duration_months", on=on, locality=code) == 6
    irregular = "review.irregular_income_interval_months"
    assert parameters.policy_value(irregular, on=on, locality="beijing") == 12
    assert parameters.policy_value(irregular, on=on, locality="chongqing") == 6


def test_the_unit_decides_the_locality(cast):
    UnitLocality.objects.create(unit=cast.street_2, locality=Locality.objects.get(code="chongqing"))
    path, on = "review.irregular_income_interval_months", date(2024, 3, 15)
    assert parameters.policy_value(path, on=on, unit=cast.community_c) == 6
    assert parameters.policy_value(path, on=on, unit=cast.community_a) == 12


def _investigated(cast, unit, number):
    resident = member(household(unit, number), "申" + number, income="400")
    at = datetime.combine(TODAY - timedelta(days=20), time(10), tzinfo=SHANGHAI)
    app = services.application_open(actor=cast.desk_a, resident=resident, program="dibao", at=at)
    return services.application_investigate(
        actor=cast.street_handler,
        application=app,
        investigated_on=TODAY - timedelta(days=18),
        investigators="赵",
        record="属实",
    )


def test_publicity_lasts_the_localitys_days(cast):
    start = TODAY - timedelta(days=10)
    set_value("beijing", "application.publicity_days", start - timedelta(days=1), 5)
    app = services.application_publicize(
        actor=cast.street_handler, application=_investigated(cast, cast.community_a, "P1"), start=start
    )
    assert app.publicity_end == start + timedelta(days=4)
    assert app.publicity_days == 5


def test_refusal_notice_is_due_after_the_localitys_working_days(cast):
    resident = member(household(cast.community_a, "R1"), "拒", income="3200")
    at = datetime.combine(date(2025, 11, 3), time(10), tzinfo=SHANGHAI)
    app = services.application_open(actor=cast.desk_a, resident=resident, program="dibao", at=at)
    set_value("national", "application.refusal_notice_working_days", date(2025, 1, 1), 5)
    app = services.application_refuse(
        actor=cast.street_handler, application=app, reasons="收入超标。", decided_on=date(2025, 11, 6)
    )
    # Thursday 6 Nov 2025 + 5 working days: Fri 7, Mon 10, Tue 11, Wed 12, Thu 13.
    assert app.notice_due_on == date(2025, 11, 13)
