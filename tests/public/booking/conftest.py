"""Helpers for the residents' online booking: a day with open slots, a filled form, the code from the outbox."""

import re
import time
from datetime import date, timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from quanke.core import workdays
from quanke.core.models import Notification
from quanke.core.notify import MemoryBackend
from quanke.public.forms import SALT as STARTED_SALT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def memory_channel(settings):
    settings.NOTIFY_CHANNELS = ["memory"]
    settings.PUBLIC_BASE_URL = "https://m.example.cn"
    MemoryBackend.outbox = []
    yield
    MemoryBackend.outbox = []


def next_day(pred, start_in: int = 2) -> date:
    day = timezone.localdate() + timedelta(days=start_in)
    while not pred(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def workday():
    return next_day(lambda d: d.weekday() < 5 and workdays.is_workday(d))


@pytest.fixture
def rest_day():
    return next_day(lambda d: not workdays.is_workday(d))


def started(seconds_ago: float = 30) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def form_data(day: date, hhmm: str = "09:30", **overrides) -> dict:
    data = {
        "day": day.isoformat(),
        "kind": "visit",
        "slot": f"{day.isoformat()}T{hhmm}",
        "caller_name": "王秀英",
        "caller_phone": "13912345678",
        "address": "甲社区3号楼2单元101",
        "request_text": "腿脚不便，想请社工上门量血压",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def station_url(unit) -> str:
    return reverse("public:book_station", args=[unit.pk])


def last_code(phone: str = "13912345678") -> str:
    body = (
        Notification.objects.filter(object_type="public.bookingrequest", address=phone)
        .order_by("-id")
        .values_list("body", flat=True)
        .first()
    )
    return re.search(r"验证码是(\d{6})", body).group(1)
