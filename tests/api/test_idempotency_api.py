"""`Idempotency-Key` on every POST of the API (issue 13, failure 5): the same key from the same sender with the
same body gets the first answer back for 24 h; another body is refused; and a failure before the answer rolls
the write back instead of reporting a committed write as an error."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from quanke.api import matters as api_matters
from quanke.api.api import api
from quanke.core.models import IdempotencyKey
from quanke.matters.models import Matter
from tests.conftest import make_resident
from tests.support import bearer


def create(client, auth, key=None, **body):
    payload = {"item": "CV-PARKING", "applicant_name": "王女士", "then": "on_spot", "note": "已告知", **body}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/matters/", payload, content_type="application/json", **auth, **headers)


def test_the_same_key_returns_the_first_answer_and_writes_once(client, cast):
    auth = bearer(cast.desk_a)
    first = create(client, auth, key="k-0001")
    again = create(client, auth, key="k-0001")
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Matter.objects.count() == 1


def test_without_a_key_each_post_is_its_own(client, cast):
    auth = bearer(cast.desk_a)
    create(client, auth)
    create(client, auth)
    assert Matter.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(client, cast):
    auth = bearer(cast.desk_a)
    create(client, auth, key="k-0002")
    reused = create(client, auth, key="k-0002", applicant_name="李先生")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency.key_reused"
    assert list(Matter.objects.values_list("applicant_name", flat=True)) == ["王女士"]


def test_keys_are_per_token(client, cast):
    create(client, bearer(cast.desk_a), key="k-0003")
    other = create(client, bearer(cast.desk_a), key="k-0003")  # another token of the same user
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Matter.objects.count() == 2


def test_a_refusal_is_replayed_too_and_writes_nothing(client, cast):
    auth = bearer(cast.desk_a)
    r = make_resident(cast.community_b, "李四")  # not desk_a's community
    first = create(client, auth, key="k-0004", resident_id=r.pk)
    again = create(client, auth, key="k-0004", resident_id=r.pk)
    assert first.status_code in (403, 404) and again.status_code == first.status_code
    assert again.json() == first.json() and not Matter.objects.exists()


def test_a_key_expires_after_a_day_and_is_purged(client, cast):
    auth = bearer(cast.desk_a)
    create(client, auth, key="k-0005")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert create(client, auth, key="k-0005").status_code == 201  # an expired key is a new submission
    assert Matter.objects.count() == 2
    key = IdempotencyKey.objects.get()
    assert timedelta(hours=23) < key.expires_at - timezone.now() <= timedelta(hours=24)
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("purge_idempotency_keys")
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("with_key", [True, False])
def test_a_failure_before_the_answer_rolls_the_write_back(cast, monkeypatch, with_key):
    """The re-read for the response fails after the intake: the client sees 500, and nothing was committed, so
    a retry (with the same key) accepts the matter once."""
    client = Client(raise_request_exception=False)
    auth = bearer(cast.desk_a)
    real_out = api_matters._out
    calls = {"n": 0}

    def failing_once(request, m):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("connection lost while reading the answer")
        return real_out(request, m)

    monkeypatch.setattr(api_matters, "_out", failing_once)
    key = "k-0006" if with_key else None
    assert create(client, auth, key=key).status_code == 500
    assert not Matter.objects.exists() and not IdempotencyKey.objects.exists()
    assert create(client, auth, key=key).status_code == 201
    assert Matter.objects.count() == 1


def test_every_post_operation_documents_the_header_and_its_answers():
    schema = api.get_openapi_schema(path_prefix="/api/")
    posts = [ops["post"] for ops in schema["paths"].values() if "post" in ops]
    assert len(posts) >= 10
    for op in posts:
        header = [p for p in op["parameters"] if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert len(header) == 1 and header[0]["required"] is False, op["operationId"]
        assert {"409", "422"} <= {str(status) for status in op["responses"]}, op["operationId"]
    gets = [ops["get"] for ops in schema["paths"].values() if "get" in ops]
    assert all(p["name"] != "Idempotency-Key" for op in gets for p in op.get("parameters", []))


def test_the_served_document_has_the_header(client, cast):
    from tests.support import login

    login(client, cast.desk_a)
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and '"Idempotency-Key"' in response.content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
def test_concurrent_requests_with_one_key_write_once(cast):
    """Four copies of one request at the same moment: one does the work; the others wait for it on the key and
    get its answer (or are told it is still in progress) — never a second matter."""
    auth = bearer(cast.desk_a)
    barrier = threading.Barrier(4)
    answers: list[tuple[int, str, dict]] = []

    def send():
        try:
            barrier.wait()
            response = create(Client(), auth, key="k-concurrent")
            answers.append((response.status_code, response.get("Idempotent-Replayed", ""), response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Matter.objects.count() == 1 and len(answers) == 4
    fresh = [a for a in answers if a[0] == 201 and not a[1]]
    assert len(fresh) == 1
    for status, replayed, body in (a for a in answers if a is not fresh[0]):
        assert (status, replayed, body) == (201, "true", fresh[0][2]) or (
            status == 409 and body["code"] == "idempotency.in_progress"
        )
