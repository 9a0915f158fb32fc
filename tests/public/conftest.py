"""Helpers for the residents' pages: a matter of community A with a known phone, and a form post that passes
the anti-bot checks (a start token old enough)."""

import time

import pytest
from django.core import signing

from quanke.public.forms import SALT
from tests.conftest import make_resident
from tests.matters.conftest import accept

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _public_settings(settings):
    settings.PUBLIC_BASE_URL = ""
    settings.PUBLIC_FORM_MIN_SECONDS = 3


def human(**data) -> dict:
    """Form data as a person sends it: honeypot empty, started 10 seconds ago."""
    return {"website": "", "started": signing.dumps(time.time() - 10, salt=SALT), **data}


@pytest.fixture
def resident(cast):
    return make_resident(cast.community_a, "孔繁荣", phone=PHONE)


@pytest.fixture
def matter(cast, resident):
    return accept(cast.desk_a, resident=resident)


@pytest.fixture
def finished(cast, matter):
    """The matter finished on the spot (a closing step a resident may rate)."""
    from quanke.matters import services
    from tests.matters.conftest import received

    return services.matter_finish_on_spot(
        actor=cast.desk_a, matter=matter, note="已出具证明。", **received(matter)
    )
