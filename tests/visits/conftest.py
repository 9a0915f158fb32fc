from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from quanke.core import workdays
from quanke.core.models import Role
from quanke.registry.models import Household
from quanke.visits.models import DutyShift, SupplyItem
from tests.conftest import make_resident, make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The shared cast hashes seven passwords per test; a fast hasher keeps these tests quick (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def next_day(pred, start_in: int = 7) -> date:
    day = timezone.localdate() + timedelta(days=start_in)
    while not pred(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def saturday():
    """A future Saturday that is a rest day (not a make-up working day)."""
    return next_day(lambda d: d.weekday() == 5 and not workdays.is_workday(d))


@pytest.fixture
def workday():
    return next_day(lambda d: d.weekday() < 5 and workdays.is_workday(d))


@pytest.fixture
def back_general(cast):
    """A back-office worker of community A whose specialties include `general` (rehab test strips)."""
    return make_user("back_gen", cast.community_a, [Role.BACK_OFFICE], ["general"])


@pytest.fixture
def duty(cast):
    def add(worker, day, start=time(9), end=time(21)):
        return DutyShift.objects.create(unit=worker.unit, worker=worker, date=day, start=start, end=end)

    return add


@pytest.fixture
def supply():
    return lambda code: SupplyItem.objects.get(code=code)


def household_with(unit, *names, building="1号楼", tags=()):
    from quanke.registry.models import Tag

    hh = Household.objects.create(
        unit=unit,
        number=f"V{Household.objects.count() + 1:05d}",
        address=f"{building}1单元101",
        building=building,
    )
    people = [make_resident(unit, n, household=hh) for n in names or ("张大爷",)]
    for code in tags:
        people[0].tags.add(Tag.objects.get(code=code))
    return hh, people
