"""Links residents receive: the progress page with the code filled in, the signed 好差评 link of a finished matter
(/m/rate/<token>/) and the signed change/cancel link of an online booking (/m/book/manage/<token>/). Absolute when
PUBLIC_BASE_URL is set. Tokens name a row by its primary key under their own salt and carry no personal data.

wt-public owns the progress and rating pages; the salt "quanke.public.rating" and the paths are the contract.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing

RATING_SALT = "quanke.public.rating"
BOOKING_SALT = "quanke.public.booking"


def _absolute(path: str, request=None) -> str:
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path) if request is not None else path


def track_url(code: str, request=None) -> str:
    return _absolute("/m/track/?" + urlencode({"code": code}), request)


def rating_token(matter, *, channel: str = "link") -> str:
    return signing.dumps(
        {"m": matter.pk, "c": matter.tracking_code, "ch": channel}, salt=RATING_SALT, compress=True
    )


def rating_url(matter, request=None) -> str:
    return _absolute(f"/m/rate/{rating_token(matter)}/", request)


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
    return _absolute(f"/m/book/manage/{booking_token(booking)}/", request)
