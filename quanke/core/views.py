from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from quanke.core import audit, login_security, permissions, seams
from quanke.core.models import AuditEvent


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": seams.visible_home_panels(request.user)})


@login_required
def audit_list(request):
    permissions.require(permissions.can_browse_audit(request.user))
    scope = permissions.subtree(request.user.unit) | Q(unit__isnull=True)
    qs = AuditEvent.objects.select_related("unit").filter(scope)
    filters = {k: request.GET.get(k, "").strip() for k in ("action", "object_type", "actor")}
    if filters["action"]:
        qs = qs.filter(action=filters["action"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    if filters["actor"]:
        qs = qs.filter(actor_username=filters["actor"])  # the snapshot: a deleted user's rows too
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for event in page:  # Chinese names of the model and its fields, a readable list of changes
        event.type_label = audit.object_type_label(event.object_type)
        event.change_rows = audit.readable_changes(event)
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "filters": filters, "actions": AuditEvent.Action.choices},
    )


# --- Second factor (TOTP) and lockout -----------------------------------------------------------------------------


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )


# django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s …).
THROTTLED = _("输错次数较多，请稍等片刻再输入验证码。")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")


def _spaced(key: str) -> str:
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
def otp_setup(request):
    """Enrol a TOTP authenticator: scan the QR code (or type the key), then confirm with one code."""
    if user_has_device(request.user):
        if request.user.is_verified():
            return render(request, "registration/otp_setup.html", {"enrolled": True})
        return redirect(f"{reverse('core:otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("手机验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[login_security.OTP_ENROLLED] = True
            audit.audit_record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE,
                obj=request.user,
                changes={"second_factor": [None, "totp"]},
            )
            login_security.record_second_factor(request, request.user, ok=True)
            messages.success(request, _("两步验证已启用，以后每次登录都需要输入验证器上的验证码。"))
            return redirect(_next_url(request))
        else:
            form.add_error("token", _("验证码不正确，请核对手机上显示的 6 位数字后重试。"))
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),
            "manual_key": _spaced(b32encode(device.bin_key).decode()),
            "required": permissions.must_use_second_factor(request.user) and settings.OTP_REQUIRED,
            "next": _next_url(request),
        },
    )


@login_required
def otp_verify(request):
    """The second step of a login: a code from the enrolled authenticator."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('core:otp_setup')}?{urlencode({'next': _next_url(request)})}")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not any(d.verify_is_allowed()[0] for d in devices):
        form.add_error("token", THROTTLED)
    elif request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        device = next((d for d in devices if verify_token(request.user, d.persistent_id, token)), None)
        login_security.record_second_factor(request, request.user, ok=device is not None)
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或已过期。多次输错后需要等待更久才能再试。"))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (429): in Chinese, with how long the lock lasts."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
