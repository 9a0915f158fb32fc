"""Deadlines in working days on the official calendar, pausing in 待补正, near-due and overdue flags, trips."""

from datetime import date

from quanke.core import workdays
from quanke.matters import services
from quanke.matters.models import Matter
from tests.conftest import make_resident
from tests.matters.conftest import accept, at


def test_deadline_across_2025_national_day_counts_the_make_up_sunday(cast):
    # EL-HOMECARE promises 5 working days. Accepted Friday 26 September 2025: Sunday 28 September is a make-up
    # working day, 1–8 October are the holiday, so the five days are 9/28, 9/29, 9/30, 10/9 and 10/10.
    m = accept(cast.desk_a, "EL-HOMECARE", at=at(2025, 9, 26))
    assert m.limit_days == 5
    assert (m.due_date, m.due_estimated) == (date(2025, 10, 10), False)


def test_one_day_promise_before_the_holiday_lands_after_it(cast):
    m = accept(cast.desk_a, "EM-SSCARD-LOSS", at=at(2025, 9, 30, 16))
    assert m.due_date == date(2025, 10, 9)


def test_accepted_on_a_saturday_the_make_up_sunday_is_the_first_working_day(cast):
    m = accept(cast.desk_a, "EM-SSCARD-LOSS", at=at(2025, 9, 27))
    assert m.due_date == date(2025, 9, 28)


def test_on_spot_items_and_consultations_have_no_deadline(cast):
    assert accept(cast.desk_a, "CV-PARKING").due_date is None
    assert accept(cast.desk_a, "SA-DIBAO", kind="consultation").due_date is None


def test_pause_in_awaiting_materials_extends_the_deadline(cast, street_elderly):
    # Accepted Monday 22 September 2025 with 5 days: due Sunday 28 September (make-up day).
    m = services.matter_route(
        actor=cast.desk_a, matter=accept(cast.desk_a, "EL-HOMECARE", at=at(2025, 9, 22)), at=at(2025, 9, 22)
    )
    assert m.due_date == date(2025, 9, 28)
    m = services.matter_claim(actor=street_elderly, matter=m, at=at(2025, 9, 23))
    m = services.matter_request_materials(actor=street_elderly, matter=m, note="缺户口簿", at=at(2025, 9, 24))
    assert m.status == "awaiting" and m.paused_on == date(2025, 9, 24)
    assert m.deadline_state(date(2025, 9, 30)) == "paused"  # a paused clock is never overdue
    m = services.matter_materials_received(actor=street_elderly, matter=m, at=at(2025, 9, 30))
    # Paused over 9/25, 9/26, 9/28, 9/29, 9/30: five working days; 5 + 5 from 9/22 ends on Saturday 11 October,
    # the second make-up working day of the National Day holiday.
    assert m.status == "in_progress" and m.paused_working_days == 5
    assert m.due_date == date(2025, 10, 11)
    assert Matter.objects.get(pk=m.pk).due_date == date(2025, 10, 11)


def test_beyond_the_known_calendar_the_deadline_is_estimated(cast):
    assert 2027 not in workdays.calendar().known_years
    m = accept(cast.desk_a, "EL-HOMECARE", at=at(2027, 12, 28))
    assert m.due_estimated is True and m.due_date == date(2028, 1, 4)


def test_near_due_and_overdue_flags(cast):
    # The default station setting: near due within 2 working days.
    m = accept(cast.desk_a, "EL-HOMECARE", at=at(2025, 9, 26))  # due 10/10
    assert m.deadline_state(date(2025, 9, 29)) == "ok"
    assert m.deadline_state(date(2025, 10, 9)) == "near"
    assert m.deadline_state(date(2025, 10, 10)) == "near"
    assert m.deadline_state(date(2025, 10, 11)) == "overdue"
    finished = services.matter_withdraw(actor=cast.desk_a, matter=m)
    assert finished.deadline_state(date(2025, 10, 11)) == ""


def test_trips_count_each_time_the_resident_comes_back(cast):
    r = make_resident(cast.community_a, "张三丰")
    m = accept(cast.desk_a, "CV-PROPERTY-ISSUE", resident=r, channel="window")
    assert m.trips == 1
    m = services.matter_request_materials(actor=cast.desk_a, matter=m, note="照片")
    m = services.matter_materials_received(actor=cast.desk_a, matter=m)
    assert m.trips == 2
    m = services.matter_request_materials(actor=cast.desk_a, matter=m, note="签字")
    m = services.matter_materials_received(actor=cast.desk_a, matter=m, in_person=False)  # sent by WeChat
    assert m.trips == 2
    assert accept(cast.desk_a, "CV-PARKING", resident=r, channel="phone").trips == 0


def test_near_due_days_are_the_stations_setting_inherited_from_its_street(cast):
    m = accept(cast.desk_a, "EL-HOMECARE", at=at(2025, 9, 26))  # due 10/10, accepted by community A
    # From 29 Sep, 3 working days remain (30 Sep, 9 Oct, 10 Oct): beyond the default 2.
    assert m.deadline_state(date(2025, 9, 29)) == "ok"
    assert not Matter.objects.near_due(date(2025, 9, 29)).filter(pk=m.pk).exists()
    cast.street_1.near_due_working_days = 5
    cast.street_1.save()
    m = Matter.objects.get(pk=m.pk)
    assert m.deadline_state(date(2025, 9, 29)) == "near"
    assert Matter.objects.near_due(date(2025, 9, 29)).filter(pk=m.pk).exists()
    cast.community_a.near_due_working_days = 1  # the station's own value wins over its street's
    cast.community_a.save()
    m = Matter.objects.get(pk=m.pk)
    assert m.deadline_state(date(2025, 9, 30)) == "ok" and m.deadline_state(date(2025, 10, 9)) == "near"
    assert not Matter.objects.near_due(date(2025, 9, 30)).filter(pk=m.pk).exists()
    assert Matter.objects.near_due(date(2025, 10, 9)).filter(pk=m.pk).exists()
