"""Two workers edit the same resident (issue 13, failure 6): the second save, made from a form read before the
first was saved, is refused — nothing written, no audit row — and the page shows what changed meanwhile."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from quanke.core.models import AuditEvent, Role
from quanke.registry.models import Resident
from tests.conftest import make_resident, make_user
from tests.support import login


def edit_form(client, resident) -> dict:
    """The edit form as the page rendered it (hidden version included), ready to post back."""
    page = client.get(reverse("registry:resident_edit", args=[resident.pk])).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    r = Resident.objects.get(pk=resident.pk)
    data = {
        "name": r.name,
        "id_number": r.id_number,
        "phone": r.phone,
        "relation": r.relation,
        "monthly_income": str(r.monthly_income),
        "disability_kind": r.disability_kind,
        "disability_grade": "" if r.disability_grade is None else r.disability_grade,
        "notes": r.notes,
        "version": version,
    }
    for flag in ("lives_alone", "needs_long_term_care", "in_school", "has_capable_supporter"):
        if getattr(r, flag):
            data[flag] = "on"
    return data


def updates(resident):
    return AuditEvent.objects.filter(object_id=str(resident.pk), action="update")


@pytest.fixture
def desk_a2(cast):
    return make_user("desk_a2", cast.community_a, [Role.FRONT_DESK])


def test_a_stale_save_is_refused_and_shows_what_changed(cast, desk_a2):
    r = make_resident(cast.community_a, "张三丰", phone="13800000000")
    first, second = login(Client(), cast.desk_a), login(Client(), desk_a2)
    mine, theirs = edit_form(first, r), edit_form(second, r)
    assert mine["version"] == theirs["version"] == "1"
    saved = first.post(reverse("registry:resident_edit", args=[r.pk]), {**mine, "phone": "13911112222"})
    assert saved.status_code == 302
    stale = second.post(reverse("registry:resident_edit", args=[r.pk]), {**theirs, "notes": "腿脚不便"})
    body = stale.content.decode()
    r.refresh_from_db()
    assert stale.status_code == 200 and "已被他人修改" in body
    assert (r.phone, r.notes, r.version) == ("13911112222", "", 2)  # the first save stands, nothing reverted
    assert updates(r).count() == 1 and updates(r).get().actor == cast.desk_a
    # What changed meanwhile: the phone (theirs: the first worker's; yours: the old one this form carried).
    table = body[body.index('id="stale-changes"') :]
    assert "联系电话" in table and "13911112222" in table and "13800000000" in table
    # The page now carries the current version: saving again, knowingly, applies this worker's values.
    assert re.search(r'name="version" value="2"', body)
    again = second.post(
        reverse("registry:resident_edit", args=[r.pk]),
        {**theirs, "phone": "13911112222", "notes": "腿脚不便", "version": "2"},
    )
    r.refresh_from_db()
    assert again.status_code == 302 and (r.phone, r.notes, r.version) == ("13911112222", "腿脚不便", 3)
    assert updates(r).count() == 2


def test_a_save_from_the_current_version_goes_through(client, cast):
    r = make_resident(cast.community_a, "张三丰", phone="13800000000")
    login(client, cast.desk_a)
    data = edit_form(client, r)
    assert (
        client.post(
            reverse("registry:resident_edit", args=[r.pk]), {**data, "phone": "13700000000"}
        ).status_code
        == 302
    )
    data = edit_form(client, r)
    assert data["version"] == "2"
    assert (
        client.post(reverse("registry:resident_edit", args=[r.pk]), {**data, "notes": "x"}).status_code == 302
    )
    r.refresh_from_db()
    assert (r.phone, r.notes, r.version) == ("13700000000", "x", 3)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_saving_at_once_one_wins_and_nothing_is_reverted(cast, desk_a2):
    r = make_resident(cast.community_a, "张三丰", phone="13800000000")
    clients = {"a": login(Client(), cast.desk_a), "b": login(Client(), desk_a2)}
    forms = {name: edit_form(c, r) for name, c in clients.items()}
    wanted = {"a": {"phone": "13911112222"}, "b": {"notes": "腿脚不便"}}
    barrier = threading.Barrier(2)
    status: dict[str, int] = {}

    def save(name):
        try:
            barrier.wait()
            status[name] = (
                clients[name]
                .post(reverse("registry:resident_edit", args=[r.pk]), {**forms[name], **wanted[name]})
                .status_code
            )
        finally:
            connections.close_all()

    for _round in range(1):
        threads = [threading.Thread(target=save, args=(n,)) for n in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert sorted(status.values()) == [200, 302], status
    winner = next(n for n, s in status.items() if s == 302)
    r.refresh_from_db()
    assert r.version == 2
    assert (r.phone, r.notes) == (
        ("13911112222", "") if winner == "a" else ("13800000000", "腿脚不便")
    )  # the loser's form did not revert the winner's field
    assert updates(r).count() == 1
    print(f"\nlost-update run: winner={winner} statuses={status} version={r.version}")
