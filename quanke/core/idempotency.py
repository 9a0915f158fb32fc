"""Doing a submission once: a form's one-time token and the API's Idempotency-Key, one mechanism.

A request may arrive twice — a double click, a browser resubmitting, a client retrying after a dropped
connection whose answer it never got although the server had committed. The sender names the submission with a
key; `run_once` stores the key in the same transaction as the work it guards, together with the result (the
API's status and body, the form's redirect target). So:

- a committed write always has its key: a retry finds it and gets the first result back, never a second write;
- a write that rolled back has no key: a retry does the work (once);
- two requests with the same key at the same moment: the second waits on the key's unique index until the first
  commits (PostgreSQL, SQLite's single writer), then gets the first result; if it is still undecided after
  that, it is told so (`InProgress`, 409 `idempotency.in_progress`) rather than doing the work again;
- the same key with a different submission is refused (`KeyReused`, `idempotency.key_reused`): a key names
  one submission, not a slot to be reused.

Keys are per sender (`owner`: a user, or an API token) and per scope (a form's name, or "api"), and kept for
IDEMPOTENCY_TTL_HOURS (24 h); `manage.py purge_idempotency_keys` deletes expired ones.
"""

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from quanke.core.models import IdempotencyKey

FORM_FIELD = "submission_token"  # the hidden input every guarded form carries
MAX_KEY_LENGTH = 255


class KeyReused(Exception):
    """The key was already used for a different submission."""

    code = "idempotency.key_reused"

    def __init__(self, record: IdempotencyKey):
        super().__init__(self.code)
        self.record = record


class InProgress(Exception):
    """Another request with the same key has not finished yet."""

    code = "idempotency.in_progress"


@dataclass
class Outcome:
    value: Any  # what the work returned; None when the first result is replayed
    record: IdempotencyKey
    replayed: bool


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_TTL_HOURS", 24))


def new_token() -> str:
    return secrets.token_urlsafe(24)


def fingerprint(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def form_fingerprint(data, exclude: Iterable[str] = ("csrfmiddlewaretoken", FORM_FIELD)) -> str:
    """The submitted fields of a form (a QueryDict), order-independent, without the tokens."""
    skip = set(exclude)
    items = sorted((k, v) for k in data for v in data.getlist(k) if k not in skip)
    return fingerprint(json.dumps(items, ensure_ascii=False))


def owner_of(user) -> str:
    return f"user:{user.pk}"


def run_once(
    *, scope: str, owner: str, key: str, fingerprint: str, work: Callable[[IdempotencyKey], Any]
) -> Outcome:
    """Run `work(record)` once for (scope, owner, key), or return the stored first result.

    `work` runs inside the transaction that inserts the key and fills the record's result fields (status_code,
    content_type, body, location), saved with it. If `work` raises, or marks the transaction for rollback, no key
    is stored and a retry runs the work again.
    """
    for _attempt in range(3):
        found = IdempotencyKey.objects.filter(scope=scope, owner=owner, key=key).first()
        if found is not None:
            if found.expires_at <= timezone.now():
                IdempotencyKey.objects.filter(pk=found.pk, expires_at__lte=timezone.now()).delete()
            elif found.fingerprint != fingerprint:
                raise KeyReused(found)
            else:
                return Outcome(None, found, True)
        record = None
        with transaction.atomic():
            try:
                # Inserted first: a concurrent request with the same key waits here until this one commits.
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        scope=scope,
                        owner=owner,
                        key=key,
                        fingerprint=fingerprint,
                        expires_at=timezone.now() + ttl(),
                    )
            except IntegrityError:
                record = None
            if record is not None:
                value = work(record)
                if not transaction.get_rollback():  # the work may have refused its own result (an API 5xx)
                    record.save()
        if record is not None:
            return Outcome(value, record, False)
        # Another request holds or has just committed the same key: read it again.
    raise InProgress()


def submit_once(request, *, scope: str, work: Callable[[], tuple[Any, str]]) -> Outcome:
    """A form view's submission, once per its one-time token (the hidden FORM_FIELD).

    `work()` does the write and returns (value, where to redirect). A second post of the same token returns the
    first outcome (replayed, with its redirect target); the same token with other field values raises KeyReused.
    A post without a token (a page rendered before tokens, a script) just runs the work.
    """
    token = (request.POST.get(FORM_FIELD) or "").strip()[:MAX_KEY_LENGTH]
    if not token:
        value, location = work()
        return Outcome(value, IdempotencyKey(location=location), False)

    def guarded(record: IdempotencyKey):
        value, record.location = work()
        return value

    return run_once(
        scope=scope,
        owner=owner_of(request.user),
        key=token,
        fingerprint=form_fingerprint(request.POST),
        work=guarded,
    )


def form_token(request) -> str:
    """The token a form page carries: the posted one while the same submission is being corrected, else new."""
    posted = (request.POST.get(FORM_FIELD) or "").strip() if request.method == "POST" else ""
    return posted[:MAX_KEY_LENGTH] or new_token()


def refusal(exc: Exception) -> str:
    """What a form page says when its token was already used for other values, or is still being processed."""
    from django.utils.translation import gettext as _

    if isinstance(exc, KeyReused):
        return _("这张表单已经提交过，未重复保存。如需再提交一份，请核对后重新提交。")
    return _("这张表单正在提交，请稍候刷新页面查看结果。")


def replayed_text() -> str:
    from django.utils.translation import gettext as _

    return _("这张表单已经提交过，未重复保存；以下是第一次提交的结果。")


def purge_expired(now=None) -> int:
    deleted, _per_model = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
