"""The API's `Idempotency-Key` header on every POST, and the transaction every POST runs in.

quanke.core.idempotency does the work (the same mechanism as the forms' one-time token); this module plugs it
into the API as a view decorator, so no operation can forget it:

- every POST runs in one transaction: a failure anywhere before the answer (a re-read for the response, a
  refresh) rolls the write back instead of answering 500 for a committed write;
- with `Idempotency-Key`, the first answer (status and body) is stored with the write and replayed for 24 h to
  the same sender (the same API token, or the same signed-in user) sending the same request; the same key with
  another body → 422 `idempotency.key_reused`; a request still undecided with the same key → 409
  `idempotency.in_progress`;
- the header, and these answers, are in the OpenAPI document.

Also the 409 for a stale edit (quanke.core.concurrency.StaleVersion), for operations that update records.
"""

import json
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _

from quanke.api.models import ApiToken
from quanke.core import idempotency
from quanke.core.concurrency import StaleVersion

HEADER = "Idempotency-Key"

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {"type": "object"},
    },
    "required": ["code", "message"],
}

HEADER_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": idempotency.MAX_KEY_LENGTH, "minLength": 1},
    "description": (
        "同一发送方（接口令牌或登录用户）对同一请求使用同一键时，24 小时内只执行一次并原样返回第一次的结果"
        "（状态码与正文，响应头 Idempotent-Replayed: true）；同一键用于不同请求正文时返回 422 "
        "idempotency.key_reused；同一键的请求仍在处理时返回 409 idempotency.in_progress。"
        "建议每次提交使用新的随机值（如 UUID），网络错误后重试时沿用原值。"
    ),
}


def _owner(request) -> str | None:
    """Who sends: the bearer token (each token its own keys), else the signed-in user; None if neither."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        key_hash = ApiToken.hash_key(token.strip())
        if ApiToken.objects.filter(key_hash=key_hash, revoked=False, user__is_active=True).exists():
            return f"token:{key_hash[:32]}"
        return None  # answered 401 by the operation's authentication
    user = getattr(request, "user", None)
    return idempotency.owner_of(user) if user is not None and user.is_authenticated else None


def _fingerprint(request) -> str:
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, ensure_ascii=False)
    except ValueError:
        body = request.body
    return idempotency.fingerprint(request.method, request.get_full_path(), body)


def _replay(record) -> HttpResponse:
    response = HttpResponse(record.body, status=record.status_code, content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def _in_one_transaction(run, request, *args, **kwargs):
    with transaction.atomic():
        response = run(request, *args, **kwargs)
        if response.status_code >= 500:
            transaction.set_rollback(True)
    return response


def install(api) -> None:
    """Called once by quanke.api.api after its routers are added."""

    def error(request, status: int, code: str, message: str):
        return api.create_response(request, {"code": code, "message": message}, status=status)

    def once_per_key(run):
        @wraps(run)
        def view(request, *args, **kwargs):
            if request.method != "POST":
                return run(request, *args, **kwargs)
            key = request.headers.get(HEADER, "").strip()
            owner = _owner(request) if key else None
            if not key or owner is None:
                return _in_one_transaction(run, request, *args, **kwargs)
            if len(key) > idempotency.MAX_KEY_LENGTH:
                return error(
                    request,
                    422,
                    "idempotency.key_invalid",
                    _("Idempotency-Key 不能超过 %(n)d 个字符。") % {"n": idempotency.MAX_KEY_LENGTH},
                )

            def work(record):
                response = run(request, *args, **kwargs)
                if response.status_code >= 500 or response.streaming:
                    transaction.set_rollback(True)  # nothing committed, no key kept: a retry runs again
                    return response
                record.status_code = response.status_code
                record.content_type = response.get("Content-Type", "")
                record.body = response.content.decode()
                return response

            try:
                fingerprint = _fingerprint(request)
            except (RawPostDataException, RequestDataTooBig):
                # A body too large to hold is refused by the operation itself (413/400), once.
                return _in_one_transaction(run, request, *args, **kwargs)
            try:
                outcome = idempotency.run_once(
                    scope="api", owner=owner, key=key, fingerprint=fingerprint, work=work
                )
            except idempotency.KeyReused:
                return error(
                    request,
                    422,
                    idempotency.KeyReused.code,
                    _("该 Idempotency-Key 已用于另一个请求，请为新的请求使用新的键。"),
                )
            except idempotency.InProgress:
                return error(
                    request,
                    409,
                    idempotency.InProgress.code,
                    _("同一 Idempotency-Key 的请求仍在处理中，请稍后重试。"),
                )
            return _replay(outcome.record) if outcome.replayed else outcome.value

        return view

    api.add_decorator(once_per_key, mode="view")

    @api.exception_handler(StaleVersion)
    def on_stale_version(request, exc):
        return api.create_response(
            request,
            {"code": exc.code, "message": exc.message, "errors": exc.changes_for_api()},
            status=409,
        )

    plain_schema = api.get_openapi_schema

    def get_openapi_schema(*, path_prefix=None, path_params=None):
        schema = plain_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            post = operations.get("post")
            if post is None:
                continue
            params = post.setdefault("parameters", [])
            if not any(p.get("in") == "header" and p.get("name") == HEADER for p in params):
                params.append(dict(HEADER_PARAMETER))
            responses = post.setdefault("responses", {})
            for status, text in (
                ("409", "冲突（含 idempotency.in_progress）"),
                ("422", "请求不正确（含 idempotency.key_reused）"),
            ):
                # django-ninja keys the declared statuses by int; JSON would merge a str key over the declared one.
                if status not in responses and int(status) not in responses:
                    responses[status] = {
                        "description": text,
                        "content": {"application/json": {"schema": _ERROR_SCHEMA}},
                    }
        return schema

    api.get_openapi_schema = get_openapi_schema
