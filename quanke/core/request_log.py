"""Request ids and JSON logs (issue 14): every log line a request causes carries its request id and the signed-in
user's id, never a resident's personal data.

The request id comes from the proxy's X-Request-ID (nginx sets it, so its access log and ours share it) or is made
here; the response echoes it. One line per request (logger "quanke.request") names the method, the path with long
digit runs masked (an ID number or a phone number in a path stays out of the log), the URL pattern, the status and
the time taken; never the query string (a search's q=, an ID number) nor a body.
"""

import contextvars
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
user_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("user_id", default="-")

HEADER = "X-Request-ID"
# A proxy's id is kept only when it looks like one (letters, digits, dashes; bounded), so a client cannot write
# arbitrary text into the log through the header.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Six or more digits (an ID number, a phone number, a bank account) are masked wherever they appear in a path.
_LONG_DIGITS = re.compile(r"\d{6,}[0-9Xx]?")

log = logging.getLogger("quanke.request")


def safe_path(path: str) -> str:
    return _LONG_DIGITS.sub("***", path)


def incoming_id(value: str | None) -> str:
    return value if value and _SAFE_ID.match(value) else uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id to every record (a dash outside a request: commands, workers)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        record.user_id = user_id_var.get()
        # django.request attaches the request itself; its repr carries the query string.
        if hasattr(record, "request"):
            record.request = "-"
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = incoming_id(request.headers.get(HEADER))
        request.request_id = rid
        # Set afresh for each request (a thread serves one at a time) and left set until the next: Django's own
        # error line for a 4xx/5xx is written after the middleware chain has returned.
        request_id_var.set(rid)
        user_id_var.set("-")
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
        response[HEADER] = rid
        match = getattr(request, "resolver_match", None)
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": safe_path(request.path),
                "route": match.route if match else "",
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # AuthenticationMiddleware runs after this one; by the view the user is known, so the view's own log lines
        # carry her id too.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
