"""The duty roster: weekly, printable, rotation fill, who is on duty now (also on the desk)."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quanke.visits import schedule, selectors, services
from quanke.visits.models import DutyShift
from tests.support import login


def test_week_fill_covers_evenings_and_rest_days_in_rotation(cast, saturday):
    created = services.duty_week_fill(actor=cast.head_a, unit=cast.community_a, week=saturday)
    assert len(created) == 7
    by_day = {s.date: s for s in created}
    assert by_day[saturday].start == time(9) and by_day[saturday].end == time(21)
    monday = schedule.week_start(saturday)
    if schedule.workdays.is_workday(monday):
        assert by_day[monday].start == time(17, 30)
    assert {s.worker for s in created} == {cast.desk_a, cast.back_a}
    assert services.duty_week_fill(actor=cast.head_a, unit=cast.community_a, week=saturday) == []


def test_front_desk_cannot_edit_the_roster_and_nothing_changes(cast, saturday, client):
    with pytest.raises(PermissionDenied):
        services.duty_week_fill(actor=cast.desk_a, unit=cast.community_a, week=saturday)
    response = login(client, cast.desk_a).post(
        reverse("visits:duty_week") + f"?week={saturday}",
        {"worker": cast.desk_a.pk, "date": saturday.isoformat(), "start": "09:00", "end": "21:00"},
    )
    assert response.status_code == 403
    assert not DutyShift.objects.exists()


def test_shift_with_a_booking_cannot_be_removed(cast, saturday, duty):
    shift = duty(cast.desk_a, saturday)
    services.booking_create(
        actor=cast.desk_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(saturday, time(19)),
        caller_name="王",
        caller_phone="1",
        address="1号楼",
        request_text="量血压",
    )
    with pytest.raises(ValidationError):
        services.duty_shift_remove(actor=cast.head_a, shift=shift)
    assert DutyShift.objects.filter(pk=shift.pk).exists()


def test_on_duty_now_shows_on_the_workbench(cast, duty, client):
    now = schedule.at_local(schedule.timezone.localdate(), time(0)) + timedelta(hours=12)
    duty(cast.back_a, now.date(), time(0), time(23, 59))
    assert [s.worker for s in schedule.on_duty_now(cast.community_a, now=now)] == [cast.back_a]
    assert schedule.on_duty_now(cast.community_a, now=now.replace(hour=0) - timedelta(minutes=1)) == []
    body = login(client, cast.desk_a).get(reverse("core:home")).content.decode()
    assert 'id="on-duty"' in body and "back_a" in body
    assert selectors.on_duty_panel(actor=cast.county_viewer) is None


def test_printable_week(cast, saturday, duty, client):
    duty(cast.desk_a, saturday)
    body = (
        login(client, cast.desk_a)
        .get(reverse("visits:duty_week"), {"week": saturday.isoformat()})
        .content.decode()
    )
    assert "desk_a" in body and "09:00–21:00" in body and "window.print()" in body
