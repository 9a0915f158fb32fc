"""Links residents receive: the progress page with the code filled in (QR codes on the receipt and the notice),
the signed 好差评 link of a finished matter (the completion notice) and the signed change/cancel link of an online
booking. Absolute when PUBLIC_BASE_URL is set. Tokens name a row by its primary key under their own salt and carry no
personal data."""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

RATING_SALT = "quanke.public.rating"
BOOKING_SALT = "quanke.public.booking"


def _absolute(path: str, request=None) -> str:
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path) if request is not None else path


def track_url(code: str, request=None) -> str:
    return _absolute(reverse("public:track") + "?" + urlencode({"code": code}), request)


def rating_token(matter, *, channel: str = "link") -> str:
    return signing.dumps(
        {"m": matter.pk, "c": matter.tracking_code, "ch": channel}, salt=RATING_SALT, compress=True
    )


def rating_url(matter, request=None) -> str:
    """The link in the completion notice (valid RATING_LINK_DAYS): opens the rating form of this matter, with no
    other look-up needed; the signature stands for the verification."""
    return _absolute(reverse("public:rate", args=[rating_token(matter)]), request)


def read_rating_token(token: str) -> tuple[int, str, str] | None:
    """(matter pk, tracking code, channel) of a valid, unexpired token; None otherwise."""
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=settings.RATING_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        return None
    return data["m"], str(data.get("c", "")), str(data.get("ch", "link"))


def qr_svg(url: str, *, scale: int = 3) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=scale)


def progress_link(matter, request=None) -> dict:
    """The receipt's and the notice's QR code (core.hooks.resident_links): the progress page, code filled in."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    url = track_url(matter.tracking_code, request)
    return {"label": _("扫码查询办理进度"), "url": url, "qr_svg": mark_safe(qr_svg(url))}


def booking_token(booking) -> str:
    return signing.dumps({"b": booking.pk}, salt=BOOKING_SALT)


def read_booking_token(token: str) -> int | None:
    """The booking's pk of a valid token (valid until the booking is over; the page checks the status)."""
    try:
        data = signing.loads(token, salt=BOOKING_SALT, max_age=settings.PUBLIC_BOOKING_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return data["b"] if isinstance(data, dict) and isinstance(data.get("b"), int) else None


def booking_url(booking, request=None) -> str:
    return _absolute(reverse("public:book_manage", args=[booking_token(booking)]), request)
