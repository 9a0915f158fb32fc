"""The HTTP API (OpenAPI at /api/docs), thin over services and selectors, with the UI's permission rules."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from quanke.api.auth import AUTH
from quanke.api.errors import codes_markdown
from quanke.api.parser import NulCharacter, NulRefusingParser
from quanke.assistance.services import StepRefused
from quanke.core.errors import code_of
from quanke.matters.services import TransitionRefused

DESCRIPTION = """每个错误答复的正文都是 `{"code", "message", "errors"}`；`code` 是稳定的错误代码，其他系统应据此判断，
`message` 是给人看的中文说明。每个操作可能返回的状态码都列在该操作的 responses 中。

错误代码：

"""

api = NinjaAPI(
    title="Quanke API",
    version="1.0",
    description=DESCRIPTION + codes_markdown(),
    auth=AUTH,
    urls_namespace="api",
    parser=NulRefusingParser(),
)

# The app whose rules a path's operations apply: its uncoded refusals are answered as `<app>.invalid`.
SECTION_APP = {"residents": "registry", "knowledge": "catalog"}


def error(request, status: int, code: str, message: str, errors: dict | None = None):
    body = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("请先登录或提供有效的接口令牌。"))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or _("您没有权限执行此操作。"))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("没有找到该记录，或您无权访问。"))


def _app(request) -> str:
    section = request.path.removeprefix("/api/").split("/", 1)[0]
    return SECTION_APP.get(section, section)


@api.exception_handler(DjangoValidationError)
def on_invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else None
    message = "；".join(m for ms in errors.values() for m in ms) if errors else "；".join(exc.messages)
    # A service names its refusal with a stable code (quanke.core.errors.CODES); otherwise the app's generic one.
    return error(request, 422, code_of(exc, f"{_app(request)}.invalid"), message, errors)


@api.exception_handler(TransitionRefused)
def on_illegal_transition(request, exc):
    return error(request, 409, exc.code, exc.message)


@api.exception_handler(StepRefused)
def on_refused_step(request, exc):
    # A ValidationError subclass: without this handler it would be answered as 422 by on_invalid.
    return error(request, 409, exc.code, "；".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def on_schema_invalid(request, exc):
    fields = {
        ".".join(str(p) for p in e.get("loc", [])[1:]) or "body": [e.get("msg", "")] for e in exc.errors
    }
    return error(
        request, 422, "api.validation", _("请求参数不正确：%(f)s") % {"f": "、".join(fields)}, fields
    )


@api.exception_handler(NulCharacter)
def on_nul(request, exc):
    message = _("不能包含空字符（U+0000）：%(f)s") % {"f": exc.where}
    return error(request, 422, "api.validation", message, {exc.where: [message]})


@api.exception_handler(DataError)
def on_data_error(request, exc):
    # The database refused a value the schema let through (e.g. a NUL in a path parameter): the request's
    # fault, and its transaction has been rolled back.
    return error(request, 422, "api.validation", _("请求中的数据无法保存或查询，请检查后重试。"))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc.__cause__, NulCharacter):  # found while parsing the body
        return on_nul(request, exc.__cause__)
    # django-ninja raises HttpError(400) for a body it cannot parse as JSON.
    if exc.status_code == 400:
        return error(request, 400, "api.invalid_json", _("请求体不是合法的 JSON。"))
    if exc.status_code == 403:
        return on_forbidden(request, PermissionDenied())
    return error(request, exc.status_code, "api.validation", str(exc))


@api.exception_handler(RequestDataTooBig)
def on_too_large(request, exc):
    return error(request, 413, "api.payload_too_large", _("请求体过大，超过了允许的大小。"))


api.add_router("/residents", "quanke.api.residents.router")
api.add_router("/catalog", "quanke.api.catalog.router")
api.add_router("/reports", "quanke.api.reports.router")
api.add_router("/visits", "quanke.api.visits.router")
api.add_router("/matters", "quanke.api.matters.router")
api.add_router("/intake", "quanke.api.intake.router")
api.add_router("/knowledge", "quanke.api.intake.knowledge_router")
api.add_router("/casework", "quanke.api.casework.router")
api.add_router("/assistance", "quanke.api.assistance.router")
api.add_router("/meals", "quanke.api.meals.router")
api.add_router("/party", "quanke.api.party.router")

# Every POST in one transaction, the Idempotency-Key header, and the 409 for a stale edit (own module).
from quanke.api import idempotency as _idempotency  # noqa: E402

_idempotency.install(api)
