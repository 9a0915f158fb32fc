"""The router against a real hot standby (scripts/replica.sh: pg_basebackup, streaming replication, port 5433;
.ci/run sets DATABASE_REPLICA_URL for its PostgreSQL pass). Physical replication copies the whole cluster, so the
test database pytest made on the primary is on the standby too: these tests point the "replica" alias at it for
their duration. Replay is paused on the standby while they write, which makes the lag certain instead of a race:
the standby provably lacks the write, and the pages that must show it read the primary."""

import time
from contextlib import closing, contextmanager

import pytest
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend
from django.urls import reverse

from config.settings import database_from_url
from quanke.catalog.models import StationItemSetting
from quanke.core.dbrouter import PRIMARY, REPLICA, WROTE_COOKIE, replica_reads, routing_scope
from quanke.core.models import AuditEvent
from tests.support import login

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
# The list's mark of an item switched off at this station (the flash message after the toggle says 已停用 too).
OFF_BADGE = '<span class="badge bad">已停用</span>'


def _scalar(conn, sql, params=()):
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _wait(predicate, seconds=30.0, what="condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _caught_up(standby, lsn) -> bool:
    return _scalar(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])


@pytest.fixture
def standby(settings):
    """The "replica" alias connected to the real standby's copy of the test database, routing on."""
    primary = connections[PRIMARY]
    if primary.vendor != "postgresql":
        pytest.skip("the real standby needs PostgreSQL (DATABASE_URL=postgres://...)")
    if not settings.DATABASE_REPLICA_URL:
        pytest.skip("no DATABASE_REPLICA_URL: run scripts/replica.sh (as root) and set it, as .ci/run does")
    target = database_from_url(settings.DATABASE_REPLICA_URL)
    config = {
        **primary.settings_dict,
        **{key: target[key] for key in ("HOST", "PORT", "USER", "PASSWORD", "OPTIONS")},
        "CONN_MAX_AGE": 0,
    }
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, REPLICA)
    try:
        in_recovery = _scalar(wrapper, "SELECT pg_is_in_recovery()")
    except Exception as exc:  # noqa: BLE001 - any failure to reach it means "no standby here"
        wrapper.close()
        pytest.skip(
            f"the standby at {target['HOST']}:{target['PORT']} is not reachable ({exc}); scripts/replica.sh"
        )
    if not in_recovery:
        wrapper.close()
        pytest.skip(f"{target['HOST']}:{target['PORT']} is not a standby (pg_is_in_recovery() is false)")
    settings.DATABASE_REPLICA_READS = True
    mirror = connections[REPLICA]
    connections[REPLICA] = wrapper
    try:
        yield wrapper
    finally:
        _scalar(wrapper, "SELECT pg_wal_replay_resume()::text")
        wrapper.close()
        connections[REPLICA] = mirror


@contextmanager
def replay_paused(standby):
    """Everything the primary has written so far is on the standby; what it writes inside the block is not."""
    lsn = _scalar(connections[PRIMARY], "SELECT pg_current_wal_lsn()::text")
    _wait(lambda: _caught_up(standby, lsn), what="the standby to replay the fixtures")
    _scalar(standby, "SELECT pg_wal_replay_pause()::text")
    _wait(lambda: _scalar(standby, "SELECT pg_get_wal_replay_pause_state()") == "paused", what="the pause")
    try:
        yield
    finally:
        _scalar(standby, "SELECT pg_wal_replay_resume()::text")


def test_the_standby_streams_from_the_primary(standby):
    with closing(connections[PRIMARY].cursor()) as cursor:
        cursor.execute("SELECT state FROM pg_stat_replication")
        states = [row[0] for row in cursor.fetchall()]
    assert "streaming" in states
    assert _scalar(standby, "SELECT status FROM pg_stat_wal_receiver") == "streaming"
    # Read-only: a write on the standby is refused by the server itself.
    with pytest.raises(Exception, match="read-only"), closing(standby.cursor()) as cursor:
        cursor.execute("CREATE TABLE replica_write_probe (id int)")


def test_a_read_after_a_write_in_the_same_request_sees_the_write(standby, cast):
    with replay_paused(standby):
        with routing_scope(), replica_reads():
            before = AuditEvent.objects.filter(action="replica-probe").count()  # not written yet: the standby
            AuditEvent.objects.create(action="replica-probe", object_type="test")
            after = AuditEvent.objects.filter(action="replica-probe").count()  # pinned: the primary
        written_at = _scalar(connections[PRIMARY], "SELECT pg_current_wal_lsn()::text")
        assert (before, after) == (0, 1)
        # The standby really lags: a read routed there would have missed the write.
        assert AuditEvent.objects.using(REPLICA).filter(action="replica-probe").count() == 0
        assert not _caught_up(standby, written_at)
    # Replay resumed: the standby receives it.
    _wait(lambda: _caught_up(standby, written_at), what="the standby to replay the write")
    assert AuditEvent.objects.using(REPLICA).filter(action="replica-probe").count() == 1


def test_the_page_after_a_post_shows_the_write_the_standby_has_not_replayed(
    standby, client, cast, migrated_data
):
    login(client, cast.head_a)
    client.cookies.pop(WROTE_COOKIE, None)
    page = reverse("catalog:item_list") + "?q=下水道"
    assert OFF_BADGE not in client.get(page).content.decode()  # read on the standby: the item is on
    with replay_paused(standby):
        response = client.post(
            reverse("catalog:item_toggle", args=["CV-DRAIN"]), {"enabled": "0", "next": page}, follow=True
        )
        written_at = _scalar(connections[PRIMARY], "SELECT pg_current_wal_lsn()::text")
        assert StationItemSetting.objects.get(unit=cast.community_a, item__code="CV-DRAIN").enabled is False
        # The redirected list (an opted-in view) read the primary because of the cookie: it shows the change.
        assert WROTE_COOKIE in client.cookies
        assert OFF_BADGE in response.content.decode()
        # Without the cookie the same page reads the standby, which has not replayed the write yet.
        client.cookies.pop(WROTE_COOKIE)
        assert OFF_BADGE not in client.get(page).content.decode()
    _wait(lambda: _caught_up(standby, written_at), what="the standby to replay the write")
    assert OFF_BADGE in client.get(page).content.decode()
    assert settings.DATABASE_REPLICA_PIN_SECONDS > 0
