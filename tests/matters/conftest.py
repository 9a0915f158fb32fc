"""Helpers for matter tests: catalog items by code and a local clock for dated steps."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from quanke.catalog.models import Item
from quanke.core.models import Role
from quanke.matters import services
from tests.conftest import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The cast's seven users are hashed for every test; the production hasher's cost buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def item(code: str) -> Item:
    return Item.objects.prefetch_related("materials").get(code=code)


def accept(actor, code="CT-HARDSHIP-PROOF", resident=None, **kwargs):
    if resident is None:
        kwargs.setdefault("applicant_name", "王女士")
    return services.matter_accept(actor=actor, item=item(code), resident=resident, **kwargs)


@pytest.fixture
def back_a2(cast):
    return make_user("back_a2", cast.community_a, [Role.BACK_OFFICE], ["assistance", "general"])


@pytest.fixture
def street_elderly(cast):
    return make_user("street_elderly", cast.street_1, [Role.DEPT_HANDLER], ["elderly"])


def received(m) -> dict:
    """Arguments that settle a matter's outstanding materials as received (finishing requires it)."""
    return {"received_lines": list(m.materials.filter(state="missing").values_list("pk", flat=True))}
