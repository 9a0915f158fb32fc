"""Issue 13, failure 2: the audit trail cannot be bent. The database itself refuses to change or remove a row
(triggers of migration core 0004, on PostgreSQL and SQLite), and the actor is a snapshot that deleting the user
does not touch."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, AuditTrailIsAppendOnly
from quanke.registry import services
from tests.conftest import make_resident, make_user
from tests.support import login

TABLE = AuditEvent._meta.db_table


def _row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT actor_id, actor_username, action, object_repr, changes FROM {TABLE} WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def _refused(sql, params):
    """Run raw SQL in a savepoint; return the database's refusal (PostgreSQL aborts the transaction otherwise)."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(refused.value)


@pytest.fixture
def event(cast):
    return audit_record(actor=cast.desk_a, action=AuditEvent.Action.UPDATE, object_type="x", changes={"a": 1})


def test_raw_sql_update_of_an_audit_row_is_refused_by_the_database(event):
    before = _row(event.pk)
    message = _refused(
        f"UPDATE {TABLE} SET object_repr = %s, actor_id = NULL WHERE id = %s", ["改过", event.pk]
    )
    assert "append-only" in message
    assert _row(event.pk) == before


def test_raw_sql_delete_of_audit_rows_is_refused_by_the_database(event):
    message = _refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert "append-only" in message
    _refused(f"DELETE FROM {TABLE}", [])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_rows_are_still_written(cast, event):
    second = audit_record(actor=cast.desk_a, action=AuditEvent.Action.READ, object_type="x")
    assert AuditEvent.objects.filter(pk__in=[event.pk, second.pk]).count() == 2


def test_the_model_refuses_before_the_database(event):
    event.object_repr = "改过"
    for attempt in (
        event.save,
        event.delete,
        AuditEvent.objects.filter(pk=event.pk).delete,
        lambda: AuditEvent.objects.filter(pk=event.pk).update(object_repr="改过"),
    ):
        with pytest.raises(AuditTrailIsAppendOnly):
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).object_repr == ""


def test_deleting_a_user_changes_none_of_their_audit_rows(client, cast):
    gone = make_user("leaver", cast.community_a, ["front_desk"])
    gone.full_name = "离职者"
    gone.save()
    r = make_resident(cast.community_a, "张三丰", phone="13800000000")
    services.resident_update(actor=gone, resident=r, phone="13900000000")
    rows = list(AuditEvent.objects.filter(actor_id=gone.pk).values())
    assert rows and all(row["actor_username"] == "leaver" and row["actor_name"] == "离职者" for row in rows)

    gone_pk = gone.pk
    gone.delete()

    assert list(AuditEvent.objects.filter(actor_id=gone_pk).values()) == rows
    # The trail still names them, and can be searched by their username.
    login(client, cast.admin)
    html = client.get(reverse("core:audit_list") + "?actor=leaver").content.decode()
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "离职者" in table and "13900000000" in table
    admin_list = client.get(reverse("admin:core_auditevent_changelist") + "?q=leaver")
    assert admin_list.status_code == 200 and "leaver" in admin_list.content.decode()


def test_renaming_a_user_keeps_the_name_they_acted_under(cast):
    event = audit_record(actor=cast.desk_a, action=AuditEvent.Action.READ, object_type="x")
    cast.desk_a.username = "desk_a_renamed"
    cast.desk_a.save()
    assert AuditEvent.objects.get(pk=event.pk).actor_username == "desk_a"


def test_a_row_with_no_user_can_name_who_acted(db):
    event = audit_record(
        actor=None, action=AuditEvent.Action.LOGIN, object_type="login", actor_username="nobody"
    )
    assert (event.actor_id, event.actor_username) == (None, "nobody")


def test_the_admin_cannot_change_an_audit_row(client, cast, event):
    login(client, cast.admin)
    url = reverse("admin:core_auditevent_change", args=[event.pk])
    response = client.post(url, {"action": "delete", "object_type": "y", "object_repr": "改过"})
    assert response.status_code == 403
    assert _row(event.pk)[2:4] == ("update", "")


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_leaves_it_append_only(cast):
    """Django's flush (test teardown, a fresh database) may empty the whole table; afterwards the triggers still
    refuse a row's change or removal (quanke/core/management/commands/flush.py on SQLite, TRUNCATE elsewhere)."""
    audit_record(actor=cast.desk_a, action=AuditEvent.Action.READ, object_type="x")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    event = audit_record(actor=None, action=AuditEvent.Action.READ, object_type="x")
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET object_repr = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
