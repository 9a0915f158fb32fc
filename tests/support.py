"""Helpers shared by the test modules (the test users themselves are the `cast` fixture in tests/conftest.py)."""

from django.conf import settings
from django.urls import reverse
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from quanke.core import permissions


def login(client, user):
    """Sign `user` in on the test client (replacing whoever was signed in) and return the client. A user who must
    use the second factor (a station head, a street or county user, an administrator) or enrolled one also passes
    it, as she would: a code of her authenticator entered in the verification form."""
    client.force_login(user)
    if (settings.OTP_REQUIRED and permissions.must_use_second_factor(user)) or user_has_device(user):
        pass_second_factor(client, user)
    return client


def totp_token(device) -> str:
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(
        device.digits
    )


def pass_second_factor(client, user):
    """Enter a real code of the user's TOTP device (enrolled here if she has none) in the verification form."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    # A code is accepted once; a second login within the same 30 seconds clears the device's replay guard.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    # The form's GET sets the CSRF cookie, so this also works on a client that enforces CSRF checks.
    client.get(reverse("core:otp_verify"))
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    response = client.post(
        reverse("core:otp_verify"), {"token": totp_token(device), "csrfmiddlewaretoken": csrf}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def bearer(user) -> dict:
    """The header of a fresh API token of `user`, for the test client's request keyword arguments."""
    from quanke.api.models import ApiToken

    _token, key = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
