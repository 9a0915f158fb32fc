"""Read replicas (docs/REPLICA.md). Everything reads and writes the primary ("default") unless a view opted in
with @replica_reads — dashboards, reports, exports, searches, the public guide: those read the replica
("replica", from DATABASE_REPLICA_URL) until the request writes. A write, a transaction on the primary, or a
recent write by the same browser (the WROTE_COOKIE set after a POST that wrote) pins the rest of the request to the
primary, so that a page never shows less than its own user just saved, whatever the replica's lag."""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connections

PRIMARY = "default"
REPLICA = "replica"
WROTE_COOKIE = "qk_wrote"
# Read on the primary whatever the view: who is signed in, with which rights and factors, must be current.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "contenttypes", "admin", "axes", "otp_totp", "django_otp"})
PRIMARY_ONLY_MODELS = frozenset({"core.user"})
# After a replica connection fails, read the primary for this long before trying it again.
REPLICA_RETRY_SECONDS = 30


@dataclass
class RoutingState:
    """One request's (or task's) routing: opted in to replica reads, pinned to the primary, has written."""

    opted_in: bool = False
    pinned: bool = False
    wrote: bool = False
    replica_checked: bool = False


_state: ContextVar[RoutingState | None] = ContextVar("quanke_db_routing", default=None)
_replica_down_until = 0.0


def current() -> RoutingState | None:
    return _state.get()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "DATABASE_REPLICA_READS", True)


@contextmanager
def routing_scope(*, pinned: bool = False):
    """A fresh routing state for one request or task; the middleware opens one per request."""
    token = _state.set(RoutingState(pinned=pinned))
    try:
        yield _state.get()
    finally:
        _state.reset(token)


@contextmanager
def replica_reads():
    """Reads inside may go to the replica (unless the surrounding request already wrote, or writes later)."""
    state = _state.get()
    if state is None:
        with routing_scope() as fresh, replica_reads():
            yield fresh
        return
    before = state.opted_in
    state.opted_in = True
    try:
        yield state
    finally:
        state.opted_in = before


def replica_view(view):
    """Decorator for read-only views whose reads may lag the primary by the replica's delay (seconds at most)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


def _replica_usable(state: RoutingState) -> bool:
    """Connect to the replica once per request; an unreachable replica sends reads to the primary for a while."""
    global _replica_down_until
    if state.replica_checked:
        return True
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        return False
    state.replica_checked = True
    return True


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or not state.opted_in or state.pinned or not replica_configured():
            return PRIMARY
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            # A transaction on the primary reads its own uncommitted rows; the replica cannot see them.
            state.pinned = True
            return PRIMARY
        return REPLICA if _replica_usable(state) else PRIMARY

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.pinned = state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows (physical replication).
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A hot standby is read-only: it receives the schema from the primary's WAL.
        return False if db == REPLICA else None


class ReplicaRoutingMiddleware:
    """Opens the request's routing state. A browser that wrote in an unsafe request (a POST, usually followed by a
    redirect) gets WROTE_COOKIE for DATABASE_REPLICA_PIN_SECONDS: its next pages read the primary, so the page
    after "saved" shows the save even before the replica has replayed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with routing_scope(pinned=WROTE_COOKIE in request.COOKIES) as state:
            response = self.get_response(request)
            if (
                state.wrote
                and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
                and replica_configured()
            ):
                response.set_cookie(
                    WROTE_COOKIE,
                    "1",
                    max_age=getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 5),
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        return response
