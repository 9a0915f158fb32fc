"""Site-wide middleware: the staff site's own 404 page; the idle timeout; the second factor's gate; the
request size limit.

The 404 page, also when DEBUG is on (the demo runs `runserver` with DEBUG=true).

Django answers an Http404 raised by a view with its English technical page whenever DEBUG is on; a worker who
mistypes a tracking code in the demo should read the Chinese page instead, with the view's message when that
message is written for people (a Chinese sentence), never an internal one. Paths that match no URL at all still
get Django's debug page under DEBUG, which helps developers and is what runserver users expect.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import defaults

from quanke.core.login_security import LAST_ACTIVITY, OTP_ENROLLED, OTP_MUST, remember_second_factor


def _for_people(message: str) -> bool:
    return bool(message) and not message.isascii()


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404) or not settings.DEBUG:
            return None  # without DEBUG, Django renders templates/404.html itself
        message = str(exception)
        response = TemplateResponse(
            request, "404.html", {"message": message if _for_people(message) else ""}, status=404
        )
        return response.render()


class IdleTimeoutMiddleware:
    """Signs out a session that made no request for IDLE_TIMEOUT_MINUTES; the next page then asks for the login.
    The time of the last request is kept in the session, written at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now, last = int(time.time()), request.session.get(LAST_ACTIVITY)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("您已超过 %(minutes)d 分钟没有操作，为保护居民信息已自动退出，请重新登录。")
                    % {"minutes": settings.IDLE_TIMEOUT_MINUTES},
                )
            elif last is None or now - last >= 60:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


# Pages an unverified user may open: signing in and out, the second factor's own pages, the language switch.
SECOND_FACTOR_EXEMPT = {"core:login", "core:logout", "core:otp_setup", "core:otp_verify", "set_language"}


class SecondFactorMiddleware:
    """After the password, a user who enrolled a TOTP device, or whose role requires one (OTP_REQUIRED), reaches
    nothing until she enters a code: pages send her to verify (or to enrol first); the API treats her session as
    no login at all (a bearer token still works)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.view_name in SECOND_FACTOR_EXEMPT:
            return None
        if OTP_ENROLLED not in request.session:  # a session from before this check existed
            remember_second_factor(request, user)
        enrolled = request.session[OTP_ENROLLED]
        if not enrolled and not (settings.OTP_REQUIRED and request.session[OTP_MUST]):
            return None
        if "api" in match.namespaces:
            request.user = AnonymousUser()
            return None
        target = reverse("core:otp_verify" if enrolled else "core:otp_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class RequestSizeLimitMiddleware:
    """Refuse an oversized request body from its Content-Length, before anything reads it, with a translated
    413 (JSON under /api/, a short page elsewhere) instead of Django's English 400 or a 500 from a view.

    A body without files may be at most DATA_UPLOAD_MAX_MEMORY_SIZE; a multipart upload (an import file) at most
    UPLOAD_MAX_REQUEST_SIZE, the import's own limits on size and rows being checked by the import itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.UPLOAD_MAX_REQUEST_SIZE if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return too_large(request, limit)
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Form fields of a multipart body over DATA_UPLOAD_MAX_MEMORY_SIZE, found while a view parses it.
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None


def bad_request(request, exception):
    """handler400: the same 413 when the body was found too large outside a view (e.g. by the CSRF check)."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return defaults.bad_request(request, exception)


def too_large(request, limit: int):
    message = _("提交的内容过大（上限 %(mb)s MB），请精简后重试；导入大量数据请分批上传。") % {
        "mb": f"{limit / 1024 / 1024:.1f}".rstrip("0").rstrip(".")
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "api.payload_too_large", "message": message}, status=413)
    return HttpResponse(
        format_html('<!doctype html><meta charset="utf-8"><title>413</title><h1>413</h1><p>{}</p>', message),
        status=413,
    )
