"""The HTTP API (OpenAPI at /api/docs), thin over services and selectors, with the UI's permission rules."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from quanke.api.auth import AUTH
from quanke.assistance.services import StepRefused
from quanke.matters.services import TransitionRefused

api = NinjaAPI(title="Quanke API", version="1.0", auth=AUTH, urls_namespace="api")


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


@api.exception_handler(DjangoValidationError)
def on_invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else None
    message = "；".join(m for ms in errors.values() for m in ms) if errors else "；".join(exc.messages)
    # A service may name its refusal with a stable code (e.g. amount_reason_required) for other systems.
    return error(request, 422, getattr(exc, "api_code", "invalid"), message, errors)


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
    return error(request, 422, "invalid", _("请求参数不正确：%(f)s") % {"f": "、".join(fields)}, fields)


api.add_router("/residents", "quanke.api.residents.router")
api.add_router("/catalog", "quanke.api.catalog.router")
api.add_router("/reports", "quanke.api.reports.router")
api.add_router("/visits", "quanke.api.visits.router")
api.add_router("/matters", "quanke.api.matters.router")
api.add_router("/intake", "quanke.api.intake.router")
api.add_router("/knowledge", "quanke.api.intake.knowledge_router")
api.add_router("/casework", "quanke.api.casework.router")
api.add_router("/assistance", "quanke.api.assistance.router")

# Every POST in one transaction, the Idempotency-Key header, and the 409 for a stale edit (own module).
from quanke.api import idempotency as _idempotency  # noqa: E402

_idempotency.install(api)
