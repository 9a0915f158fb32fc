"""Failure 8 of issue 13: password guessing was free (50 wrong passwords in 21 s, then the right one logged in), no
second factor, no idle timeout. Now: a lockout after LOGIN_FAILURE_LIMIT failures on every password form, an audit
row for each sign-in, failure and lockout, TOTP required for heads, street and county users and administrators,
sessions that expire after IDLE_TIMEOUT_MINUTES without a request, passwords of at least 12 characters, and
settings that refuse to start in production without a SECRET_KEY."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from quanke.core import permissions
from quanke.core.login_security import LAST_ACTIVITY
from quanke.core.models import AuditEvent, User
from tests.conftest import PASSWORD
from tests.support import login, totp_token

ROOT = Path(__file__).resolve().parents[2]
LOGIN = reverse("core:login")


def post_login(client, username, password, url=LOGIN):
    return client.post(url, {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def rows(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))


# --- Throttling and lockout -------------------------------------------------------------------------------------


def test_failures_lock_the_account_and_even_the_right_password_is_refused(client, cast):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5  # the default
    for attempt in range(1, limit):
        response = post_login(client, "desk_a", f"wrong-{attempt}")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    locking = post_login(client, "desk_a", "wrong-last")
    assert locking.status_code == 429
    assert "账号已暂时锁定" in locking.content.decode() and "15 分钟" in locking.content.decode()

    refused = post_login(client, "desk_a", PASSWORD)
    assert refused.status_code == 429 and not signed_in(client)
    assert client.get(reverse("core:home")).status_code == 302  # still not signed in
    assert not rows(AuditEvent.Action.LOGIN)
    failed = rows(AuditEvent.Action.LOGIN_FAILED)
    assert len(failed) == limit + 1 and all(r.changes["username"] == "desk_a" for r in failed)
    assert [r.changes["locked_out"] for r in failed] == [False] * (limit - 1) + [True, True]
    (locked,) = rows(AuditEvent.Action.LOCKED_OUT)
    assert (locked.object_id, locked.unit, locked.changes["failures"]) == (
        str(cast.desk_a.pk),
        cast.community_a,
        limit,
    )


def test_the_lock_lifts_after_the_cool_off(client, cast):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "desk_a", f"wrong-{attempt}")
    assert post_login(client, "desk_a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert post_login(client, "desk_a", PASSWORD).status_code == 302 and signed_in(client)


def test_guessing_from_one_address_across_accounts_is_locked_too(client, cast):
    for attempt, name in enumerate(["desk_a", "desk_b", "back_a", "head_a", "nobody"]):
        post_login(client, name, f"wrong-{attempt}")
    assert post_login(client, "desk_b", PASSWORD).status_code == 429 and not signed_in(client)


def test_the_admin_login_is_throttled_by_the_same_counter(client, cast):
    admin_login = reverse("admin:login")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "admin_t", f"wrong-{attempt}", admin_login).status_code == 200
    assert post_login(client, "admin_t", "wrong", LOGIN).status_code == 429
    response = post_login(client, "admin_t", PASSWORD, admin_login)
    assert response.status_code == 429 and not signed_in(client)


# --- Audit rows ---------------------------------------------------------------------------------------------------


def test_a_sign_in_writes_a_login_row(client, cast):
    assert post_login(client, "desk_a", PASSWORD).status_code == 302
    (row,) = rows(AuditEvent.Action.LOGIN)
    assert (row.actor, row.object_id, row.unit) == (cast.desk_a, str(cast.desk_a.pk), cast.community_a)
    assert row.changes["step"] == "password" and row.changes["ip"] == "127.0.0.1"


def test_a_failure_for_an_unknown_name_records_the_name_and_creates_nothing(client, cast):
    users = User.objects.count()
    assert post_login(client, "mallory", "guess-123456").status_code == 200
    (row,) = rows(AuditEvent.Action.LOGIN_FAILED)
    assert (row.actor, row.object_type, row.object_id, row.unit) == (None, "core.user", "", None)
    assert row.changes["username"] == "mallory" and "guess" not in str(row.changes)
    assert User.objects.count() == users and not User.objects.filter(username="mallory").exists()


def test_a_wrong_password_for_a_known_user_names_her_account_not_as_actor(client, cast):
    post_login(client, "back_a", "not-her-password")
    (row,) = rows(AuditEvent.Action.LOGIN_FAILED)
    assert (row.actor, row.object_id, row.unit) == (None, str(cast.back_a.pk), cast.community_a)
    assert "not-her-password" not in str(row.changes)


def test_the_administrator_reads_login_rows_in_the_audit_trail(client, cast):
    post_login(Client(), "mallory", "guess-123456")
    body = login(client, cast.admin).get(reverse("core:audit_list") + "?action=login_failed").content.decode()
    assert "登录失败" in body and "mallory" in body and "来源地址" in body and "127.0.0.1" in body


# --- Second factor ------------------------------------------------------------------------------------------------


def test_who_must_use_the_second_factor(cast):
    must = {u.username for u in User.objects.all() if permissions.must_use_second_factor(u)}
    assert must == {"head_a", "street_1", "viewer", "admin_t"}


def test_a_head_without_a_device_is_sent_to_enrol_and_reaches_nothing_first(client, cast):
    assert post_login(client, "head_a", PASSWORD).status_code == 302
    setup = reverse("core:otp_setup")
    for url in (reverse("core:home"), reverse("matters:head"), reverse("registry:resident_list")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(setup)
    assert client.get("/api/matters/").status_code == 401  # her unverified session is no login for the API
    page = client.get(setup).content.decode()
    assert "<svg" in page and "手动输入密钥" in page and "cdn" not in page.lower()
    device = TOTPDevice.objects.get(user=cast.head_a, confirmed=False)
    wrong = client.post(
        setup, {"token": f"{(int(totp_token(device)) + 1) % 10**6:06d}", "next": "/matters/head/"}
    )
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("matters:head")).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # django-otp's back-off
    right = client.post(setup, {"token": totp_token(device), "next": "/matters/head/"})
    assert right.status_code == 302 and right.url == "/matters/head/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("matters:head")).status_code == 200
    assert client.get("/api/matters/").status_code == 200


def test_an_enrolled_head_must_enter_a_code_and_a_wrong_code_is_refused(client, cast):
    device = TOTPDevice.objects.create(user=cast.head_a, name="phone", confirmed=True)
    post_login(client, "head_a", PASSWORD)
    target = reverse("matters:head")
    response = client.get(target)
    verify = reverse("core:otp_verify")
    assert (
        response.status_code == 302
        and response.url.startswith(verify)
        and "next=%2Fmatters%2Fhead%2F" in response.url
    )
    wrong = client.post(
        verify, {"token": "000000" if totp_token(device) != "000000" else "111111", "next": target}
    )
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert client.get(target).status_code == 302
    failed = rows(AuditEvent.Action.LOGIN_FAILED)
    assert [r.changes.get("step") for r in failed] == ["otp"] and failed[0].object_id == str(cast.head_a.pk)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # django-otp's back-off
    right = client.post(verify, {"token": totp_token(device), "next": target})
    assert right.status_code == 302 and right.url == target
    assert client.get(target).status_code == 200
    assert [r.changes["step"] for r in rows(AuditEvent.Action.LOGIN)] == ["password", "otp"]


def test_a_code_is_accepted_once(client, cast):
    device = TOTPDevice.objects.create(user=cast.admin, name="phone", confirmed=True)
    token = totp_token(device)
    post_login(client, "admin_t", PASSWORD)
    assert client.post(reverse("core:otp_verify"), {"token": token}).status_code == 302
    other = type(client)()
    post_login(other, "admin_t", PASSWORD)
    assert other.post(reverse("core:otp_verify"), {"token": token}).status_code == 200  # replayed
    assert other.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("who", ["street_handler", "county_viewer", "admin"])
def test_street_county_and_admin_users_are_gated_too(client, cast, who):
    user = getattr(cast, who)
    post_login(client, user.username, PASSWORD)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:otp_setup"))
    assert login(client, user).get(reverse("core:home")).status_code == 200


def test_the_admin_site_needs_the_second_factor(client, cast):
    post_login(client, "admin_t", PASSWORD, reverse("admin:login"))
    assert signed_in(client)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:otp_setup"))


def test_the_second_factor_is_optional_for_a_desk_worker_until_she_enrols(client, cast):
    post_login(client, "desk_a", PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200
    client.logout()
    TOTPDevice.objects.create(user=cast.desk_a, name="phone", confirmed=True)
    post_login(client, "desk_a", PASSWORD)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:otp_verify"))


def test_enforcement_can_be_switched_off(client, cast, settings):
    settings.OTP_REQUIRED = False
    post_login(client, "head_a", PASSWORD)
    assert client.get(reverse("matters:head")).status_code == 200


# --- Idle timeout -------------------------------------------------------------------------------------------------


def _idle_for(client, seconds):
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_past_the_timeout_must_sign_in_again(client, cast):
    assert settings.IDLE_TIMEOUT_MINUTES == 30  # the default
    post_login(client, "desk_a", PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200
    _idle_for(client, 31 * 60)
    response = client.get(reverse("registry:resident_list"), follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "30 分钟没有操作" in response.content.decode() and not signed_in(client)
    assert client.get(reverse("core:home")).status_code == 302


def test_activity_keeps_the_session_alive(client, cast):
    post_login(client, "desk_a", PASSWORD)
    _idle_for(client, 29 * 60)
    assert client.get(reverse("core:home")).status_code == 200
    assert int(time.time()) - client.session[LAST_ACTIVITY] < 5  # the clock restarted
    _idle_for(client, 29 * 60)
    assert client.get(reverse("core:home")).status_code == 200


# --- Passwords and production settings --------------------------------------------------------------------------


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="12"):
        validate_password("Kx9#mQ2$vL7")  # 11
    validate_password("Kx9#mQ2$vL7!")  # 12
    validate_password("quanke-demo-2026")  # the demo's one password still passes


def _python(code, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _python("import config.settings")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is not set" in result.stderr
    result = _python("import config.settings", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_set():
    show = "import config.settings as s; print(s.DEBUG, s.SECRET_KEY)"
    result = _python(show, SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "k" * 50]
    # Development: DEBUG on without a key gets a key of its own process, never a fixed one from the code.
    first, second = _python(show, DEBUG="true"), _python(show, DEBUG="true")
    assert first.returncode == 0 and first.stdout.split()[0] == "True"
    assert first.stdout.split()[1] != second.stdout.split()[1]
