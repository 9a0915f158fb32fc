"""Login security: every sign-in, failed attempt and lockout goes to the audit trail; the second factor (TOTP)
and the idle timeout keep their state in the session. django-axes counts the failures and locks (settings.py)."""

import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django_otp import user_has_device

from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, User

# Session keys: the time of the last request (idle timeout), and what the second factor asks of this login.
LAST_ACTIVITY = "quanke_last_activity"
OTP_ENROLLED = "quanke_otp_enrolled"
OTP_MUST = "quanke_otp_must"


def client_ip(request) -> str | None:
    """The address failures are counted by. Behind the TLS proxy it is the last X-Forwarded-For entry (the one
    the proxy appended; earlier entries come from the client and can be forged)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def remember_second_factor(request, user) -> None:
    """Note in the session whether this user has a confirmed TOTP device and whether her role requires one, so
    that the per-request check (SecondFactorMiddleware) needs no query."""
    request.session[OTP_ENROLLED] = user_has_device(user)
    request.session[OTP_MUST] = permissions.must_use_second_factor(user)


def _ip(request):
    return client_ip(request) if request is not None and hasattr(request, "META") else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY] = int(time.time())
        remember_second_factor(request, user)
    audit_record(
        actor=user, action=AuditEvent.Action.LOGIN, obj=user, changes={"step": "password", "ip": _ip(request)}
    )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted name is written down as typed; nothing is created for a name that does not exist.
    _attempt_row(
        AuditEvent.Action.LOGIN_FAILED,
        credentials.get("username"),
        ip=_ip(request),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    # axes also sends this for each refused attempt while locked; only the failure that locks is a lockout
    # (a refused attempt is already a login_failed row with locked_out true).
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    _attempt_row(
        AuditEvent.Action.LOCKED_OUT, username, ip=ip_address, failures=request.axes_failures_since_start
    )


def _attempt_row(action, username, **details) -> None:
    """One row of a refused sign-in, on the account named if it exists; the name is kept as typed, and nothing is
    created for a name that does not exist."""
    username = str(username or "")[:150]
    user = User.objects.filter(username=username).first() if username else None
    audit_record(
        actor=None,
        action=action,
        obj=user,
        object_type="" if user else "core.user",
        changes={"username": username, **details},
    )


def record_second_factor(request, user, *, ok: bool) -> None:
    """The second step of a login: verified (a login row) or a wrong code (a failed login row)."""
    if ok:
        audit_record(
            actor=user, action=AuditEvent.Action.LOGIN, obj=user, changes={"step": "otp", "ip": _ip(request)}
        )
    else:
        audit_record(
            actor=None,
            action=AuditEvent.Action.LOGIN_FAILED,
            obj=user,
            changes={"username": user.username, "step": "otp", "ip": _ip(request)},
        )
