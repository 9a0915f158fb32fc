"""The shared test cast (DESIGN.md §11): front-desk workers of community A and of community B, a back-office
worker, a station head, a street handler, a county viewer and an administrator, in a county with two streets."""

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from quanke.core.models import OrgUnit, Role, UnitLevel, User
from quanke.registry import idnumber
from quanke.registry.models import Household, Resident, Tag
from quanke.registry.names import pinyin_keys

PASSWORD = "test-pass-123"


@dataclass
class Cast:
    county: OrgUnit
    street_1: OrgUnit
    street_2: OrgUnit
    community_a: OrgUnit
    community_b: OrgUnit
    community_c: OrgUnit
    desk_a: User
    desk_b: User
    back_a: User
    head_a: User
    street_handler: User
    county_viewer: User
    admin: User


def make_user(username, unit, roles, specialties=()):
    user = User(
        username=username, full_name=username, unit=unit, roles=list(roles), specialties=list(specialties)
    )
    user.set_password(PASSWORD)
    user.is_staff = user.is_superuser = Role.ADMIN in roles
    user.save()
    return user


@pytest.fixture
def cast(db) -> Cast:
    county = OrgUnit.objects.create(code="330102", name="测试区", level=UnitLevel.COUNTY)
    s1 = OrgUnit.objects.create(code="330102001", name="一街道", level=UnitLevel.STREET, parent=county)
    s2 = OrgUnit.objects.create(code="330102002", name="二街道", level=UnitLevel.STREET, parent=county)
    a = OrgUnit.objects.create(
        code="330102001001", name="甲社区", level=UnitLevel.COMMUNITY, parent=s1, phone="0571-1"
    )
    b = OrgUnit.objects.create(code="330102001002", name="乙社区", level=UnitLevel.COMMUNITY, parent=s1)
    c = OrgUnit.objects.create(code="330102002001", name="丙社区", level=UnitLevel.COMMUNITY, parent=s2)
    return Cast(
        county=county,
        street_1=s1,
        street_2=s2,
        community_a=a,
        community_b=b,
        community_c=c,
        desk_a=make_user("desk_a", a, [Role.FRONT_DESK]),
        desk_b=make_user("desk_b", b, [Role.FRONT_DESK]),
        back_a=make_user("back_a", a, [Role.BACK_OFFICE], ["assistance", "disability"]),
        head_a=make_user("head_a", a, [Role.STATION_HEAD]),
        street_handler=make_user("street_1", s1, [Role.DEPT_HANDLER], ["assistance"]),
        county_viewer=make_user("viewer", county, [Role.COUNTY_VIEWER]),
        admin=make_user("admin_t", county, [Role.ADMIN]),
    )


_seq = itertools.count(1)  # endless: the suite makes thousands of residents; IDs stay unique within a test


def make_resident(
    unit, name="张三丰", *, birth=date(1950, 3, 1), sex="M", household=None, **fields
) -> Resident:
    """A resident with a valid ID number, written directly (services are tested on their own)."""
    if household is None:
        household = Household.objects.create(
            unit=unit, number=f"H{next(_seq):04d}", address=f"{unit.name}1号"
        )
    seq = next(_seq) * 2 + (1 if sex == "M" else 0)
    full, initials = pinyin_keys(name)
    fields.setdefault("monthly_income", Decimal("1000"))
    return Resident.objects.create(
        household=household,
        unit=unit,
        name=name,
        name_pinyin=full,
        name_initials=initials,
        id_number=idnumber.build("330102", birth, seq % 1000),
        birth_date=birth,
        sex=sex,
        **fields,
    )


@pytest.fixture
def tag():
    return lambda code: Tag.objects.get(code=code)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2's deliberate slowness costs ~0.3 s per test user; tests don't need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_work_calendar():
    """The working-day calendar is cached per process; a test's rolled-back CalendarYear must not leak."""
    from quanke.core import workdays

    workdays.invalidate()
    yield
    workdays.invalidate()


@pytest.fixture
def migrated_data(transactional_db):
    """Refill what the data migrations install (calendar, tags, catalog, knowledge base, intake dictionary): an
    earlier transactional test may have flushed those tables, and serialized rollback collides with content types
    (on SQLite and PostgreSQL alike) when it follows such a test."""
    from importlib import import_module

    from django.apps import apps

    for module, function in (
        ("quanke.core.migrations.0002_official_calendar", "seed"),
        ("quanke.registry.migrations.0002_default_tags", "seed"),
        ("quanke.catalog.migrations.0003_default_catalog", "load"),
    ):
        getattr(import_module(module), function)(apps, None)
    # These two loaders fill empty tables (the knowledge seed cannot be replayed over itself).
    for module, model in (
        ("quanke.catalog.migrations.0005_knowledge_seed", "catalog.Document"),
        ("quanke.intake.migrations.0002_default_synonyms", "intake.IntakeSynonym"),
    ):
        if not apps.get_model(model).objects.exists():
            import_module(module).load(apps, None)


def pytest_collection_modifyitems(config, items):
    """Tests that terminate database backends run last: a connection they killed (this process's own, idle in a
    later test's setup) cannot then fail an unrelated test."""
    items.sort(key=lambda item: item.get_closest_marker("terminates_backends") is not None)
