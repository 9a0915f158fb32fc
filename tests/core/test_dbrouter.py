"""The read-replica router (quanke.core.dbrouter): which alias each read goes to. In the suite the "replica" alias is a
test mirror of the primary's test database (a second connection to it, config/settings_test.py), so these tests
commit their rows (transaction=True) and tell the aliases apart by the queries each connection ran. The real
standby, with real lag, is tests/core/test_replica_standby.py."""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quanke.catalog.models import Item, StationItemSetting
from quanke.core import dbrouter
from quanke.core.dbrouter import PRIMARY, REPLICA, WROTE_COOKIE, replica_reads
from quanke.core.models import AuditEvent
from quanke.reports.models import ExportJob
from quanke.reports.tasks import run_export
from tests.support import bearer, login

committed = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])

ITEM_TABLE = Item._meta.db_table


@pytest.fixture
def routing(settings, migrated_data):
    settings.DATABASE_REPLICA_READS = True
    dbrouter._replica_down_until = 0.0
    yield
    dbrouter._replica_down_until = 0.0


@contextmanager
def queries():
    """The SQL each alias ran inside the block: {"default": [...], "replica": [...]}."""
    with (
        CaptureQueriesContext(connections[PRIMARY]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as rep,
    ):
        ran = {}
        yield ran
    ran[PRIMARY] = [q["sql"] for q in primary.captured_queries]
    ran[REPLICA] = [q["sql"] for q in rep.captured_queries]


def touching(sqls, table):
    return [s for s in sqls if f'"{table}"' in s]


def signed_in(client, user):
    login(client, user)
    client.cookies.pop(WROTE_COOKIE, None)  # signing in wrote (the session, the second factor): start afresh
    return client


@committed
def test_an_opted_in_view_reads_the_replica(routing, client, cast):
    signed_in(client, cast.desk_a)
    with queries() as ran:
        response = client.get(reverse("catalog:item_list"))
    assert response.status_code == 200 and "低保申请" in response.content.decode()
    assert touching(ran[REPLICA], ITEM_TABLE), ran
    assert not touching(ran[PRIMARY], ITEM_TABLE), ran[PRIMARY]
    # Who is signed in is always read on the primary (a revoked role must apply at once).
    assert not touching(ran[REPLICA], "core_user") and not touching(ran[REPLICA], "django_session")


@committed
def test_views_that_did_not_opt_in_read_the_primary(routing, client, cast):
    signed_in(client, cast.desk_a)
    with queries() as ran:
        response = client.get(reverse("matters:desk"))
    assert response.status_code == 200
    assert ran[PRIMARY] and ran[REPLICA] == []


@committed
def test_without_a_replica_everything_reads_the_primary(routing, settings, client, cast):
    settings.DATABASE_REPLICA_READS = False
    signed_in(client, cast.desk_a)
    with queries() as ran:
        assert client.get(reverse("catalog:item_list")).status_code == 200
    assert touching(ran[PRIMARY], ITEM_TABLE) and ran[REPLICA] == []


@committed
def test_a_read_after_a_write_in_the_same_request_goes_to_the_primary(routing, cast):
    with replica_reads(), queries() as ran:
        assert Item.objects.filter(code="SA-DIBAO").exists()  # before any write: the replica
        AuditEvent.objects.create(action="test", object_type="catalog.item")
        assert Item.objects.filter(
            code="SA-DIBAO"
        ).exists()  # after it: the primary, for the rest of the scope
        assert AuditEvent.objects.filter(action="test").exists()
    assert len(touching(ran[REPLICA], ITEM_TABLE)) == 1
    assert len(touching(ran[PRIMARY], ITEM_TABLE)) == 1
    assert touching(ran[PRIMARY], AuditEvent._meta.db_table)
    assert not touching(ran[REPLICA], AuditEvent._meta.db_table)
    # A new request (scope) starts unpinned again.
    with replica_reads(), queries() as ran:
        Item.objects.filter(code="SA-DIBAO").exists()
    assert touching(ran[REPLICA], ITEM_TABLE) and ran[PRIMARY] == []


@committed
def test_reads_inside_a_transaction_on_the_primary_stay_there(routing, cast):
    with replica_reads(), queries() as ran, transaction.atomic():
        Item.objects.filter(code="SA-DIBAO").exists()
    assert touching(ran[PRIMARY], ITEM_TABLE) and ran[REPLICA] == []


@committed
def test_a_post_that_wrote_pins_the_redirected_get_to_the_primary(routing, settings, client, cast):
    signed_in(client, cast.head_a)
    with queries() as ran:
        response = client.post(
            reverse("catalog:item_toggle", args=["CV-DRAIN"]), {"enabled": "0"}, follow=True
        )
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("catalog:item_list")
    assert StationItemSetting.objects.get(unit=cast.community_a, item__code="CV-DRAIN").enabled is False
    cookie = client.cookies[WROTE_COOKIE]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS and cookie["httponly"]
    # The list after "switched off" (an opted-in view) read the primary: it shows the change at once.
    assert ran[REPLICA] == [], ran[REPLICA]
    assert touching(ran[PRIMARY], ITEM_TABLE)
    # Once the cookie has expired the same page reads the replica again.
    client.cookies.pop(WROTE_COOKIE)
    with queries() as ran:
        assert client.get(reverse("catalog:item_list")).status_code == 200
    assert touching(ran[REPLICA], ITEM_TABLE) and not touching(ran[PRIMARY], ITEM_TABLE)


@committed
def test_a_get_that_only_wrote_an_audit_row_sets_no_cookie(routing, client, cast):
    signed_in(client, cast.desk_a)
    response = client.get(reverse("catalog:item_list"))
    assert response.status_code == 200 and WROTE_COOKIE not in response.cookies


@committed
def test_an_unreachable_replica_sends_reads_to_the_primary(routing, client, cast, monkeypatch):
    signed_in(client, cast.desk_a)

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with queries() as ran:
        monkeypatch.setattr(connections[REPLICA], "ensure_connection", refuse)
        response = client.get(reverse("catalog:item_list"))
    assert response.status_code == 200 and "低保申请" in response.content.decode()
    assert touching(ran[PRIMARY], ITEM_TABLE) and ran[REPLICA] == []


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(REPLICA, "core", model_name="user") is False
    assert router.allow_migrate(PRIMARY, "core", model_name="user") is True


# --- The API's read endpoints: the same decorator as the web's, so the same routing ------------------------------

API_READS = [
    ("/api/catalog/items", ITEM_TABLE),
    ("/api/catalog/items/SA-DIBAO", ITEM_TABLE),
    ("/api/intake/suggest?q=低保", ITEM_TABLE),
    ("/api/knowledge/search?q=低保", "catalog_document"),
    ("/api/matters/?q=张", "matters_matter"),
    ("/api/residents/?q=张", "registry_resident"),
    ("/api/reports/units/330102001001?period=month", "reports_matterdaytotal"),
    ("/api/casework/network/totals", "network_ledgerentry"),
]


@committed
@pytest.mark.parametrize(("url", "table"), API_READS)
def test_the_apis_list_search_and_report_endpoints_read_the_replica(routing, client, cast, url, table):
    auth = bearer(cast.head_a)
    with queries() as ran:
        response = client.get(url, **auth)
    assert response.status_code == 200, response.content
    assert touching(ran[REPLICA], table), ran
    assert not touching(ran[PRIMARY], table), ran[PRIMARY]
    # The token (and who it belongs to) is looked up on the primary: a revoked token must stop at once.
    assert touching(ran[PRIMARY], "api_apitoken") and not touching(ran[REPLICA], "api_apitoken")
    assert not [s for s in ran[REPLICA] if 'FROM "core_user"' in s]


@committed
def test_the_apis_other_endpoints_read_the_primary(routing, client, cast):
    auth = bearer(cast.desk_a)
    with queries() as ran:
        response = client.get("/api/visits/on-duty", {"unit_id": cast.community_a.pk}, **auth)
    assert response.status_code == 200
    assert ran[PRIMARY] and ran[REPLICA] == []


# --- Exports built by a worker ---------------------------------------------------------------------------------


@committed
def test_an_export_built_by_a_worker_reads_its_figures_from_the_replica_and_its_job_on_the_primary(
    routing, cast, settings, tmp_path
):
    settings.EXPORTS_ROOT = tmp_path
    job = ExportJob.objects.create(
        requested_by=cast.head_a,
        unit=cast.community_a,
        kind=ExportJob.Kind.STATION_MONTHLY,
        params={"period": "month", "start": "2026-03-01", "end": "2026-03-31"},
    )
    assert dbrouter.current() is None  # as in a worker: no request around the task
    with queries() as ran:
        run_export.enqueue(job.pk)  # the immediate backend runs it here
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100, job.error
    assert touching(ran[REPLICA], "reports_matterdaytotal") or touching(ran[REPLICA], "matters_matter"), ran
    assert not touching(ran[PRIMARY], "matters_matter") and not touching(
        ran[PRIMARY], "reports_matterdaytotal"
    )
    # Read-after-write: the job's own row (claimed, progress, outcome) only ever on the primary.
    job_table = ExportJob._meta.db_table
    assert touching(ran[PRIMARY], job_table) and not touching(ran[REPLICA], job_table)
    assert any(s.startswith("UPDATE") and "progress" in s for s in touching(ran[PRIMARY], job_table))


@committed
def test_an_export_run_inside_a_request_that_wrote_reads_the_primary(routing, cast, settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path
    with dbrouter.routing_scope(pinned=True), queries() as ran:  # e.g. the immediate backend after the POST
        job = ExportJob.objects.create(
            requested_by=cast.head_a,
            unit=cast.community_a,
            kind=ExportJob.Kind.STATION_MONTHLY,
            params={"period": "month", "start": "2026-03-01", "end": "2026-03-31"},
        )
        run_export.enqueue(job.pk)  # the immediate backend runs it here
    assert ran[REPLICA] == [] and touching(ran[PRIMARY], "matters_matter")
