"""Registry fixtures for assistance tests: households built to land on either side of a rule."""

from datetime import date, timedelta
from decimal import Decimal

from quanke.registry.models import Benefit, Household
from tests.conftest import make_resident

TODAY = date(2024, 3, 15)  # Beijing standard 1395 since 2023-07-01


def household(unit, number, *, hukou_type="urban", assets=True, irregular=False, hukou_kind="local"):
    return Household.objects.create(
        unit=unit,
        number=number,
        address=f"{unit.name}{number}",
        hukou_kind=hukou_kind,
        hukou_type=hukou_type,
        assets_within_limits=assets,
        irregular_income=irregular,
    )


def member(home, name, *, birth=date(1980, 1, 1), income="0", **fields):
    return make_resident(
        home.unit, name, birth=birth, household=home, monthly_income=Decimal(income), **fields
    )


def benefit(resident, program, *, start=TODAY - timedelta(days=300), amount="0", end=None):
    return Benefit.objects.create(
        resident=resident,
        unit=resident.unit,
        household=resident.household,
        program=program,
        start_date=start,
        end_date=end,
        monthly_amount=Decimal(amount),
    )
