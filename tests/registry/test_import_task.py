"""The import's confirmation runs as a task (quanke.registry.tasks.run_import): the request only queues the batch,
the page shows its state while a worker writes, a double submission queues once, and a task that fails or whose
worker dies leaves the batch failed with its error (nothing written), never queued or running."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quanke.core import taskqueue
from quanke.core.models import AuditEvent, WorkerHeartbeat
from quanke.registry import imports, services
from quanke.registry.models import ImportBatch, Resident
from quanke.registry.tasks import run_import
from tests.registry.test_import import GOOD, ID1, row, xlsx
from tests.support import login


def previewed(cast, rows=GOOD) -> ImportBatch:
    result = imports.residents_preview(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", fileobj=io.BytesIO(xlsx(rows))
    )
    assert result.ok
    return result.batch


def confirm(client, batch):
    return client.post(
        reverse("registry:import_confirm", args=[batch.token]), {"fingerprint": batch.fingerprint}
    )


def test_the_confirmation_queues_the_import_and_the_page_polls_until_the_worker_is_done(
    client, cast, django_capture_on_commit_callbacks
):
    batch = previewed(cast)
    login(client, cast.head_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = confirm(client, batch)
    assert response.status_code == 302 and len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED and Resident.objects.count() == 0
    page = client.get(response.url).content.decode()
    assert "正在导入" in page and 'hx-trigger="every 1s"' in page and "确认导入" not in page
    poll = client.get(response.url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "排队中" in poll.content.decode()

    callbacks[0]()  # what the commit of the request would have done: enqueue (the immediate backend runs it)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.rows == [] and batch.error == ""
    assert Resident.objects.count() == 3 and AuditEvent.objects.filter(action="import").count() == 1
    poll = client.get(response.url, headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = client.get(response.url).content.decode()
    assert "导入完成：新增 3 人" in page and "hx-trigger" not in page


def test_a_double_submitted_confirmation_queues_one_import(client, cast, django_capture_on_commit_callbacks):
    batch = previewed(cast)
    login(client, cast.head_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert confirm(client, batch).status_code == 302
        assert confirm(client, batch).status_code == 302
    assert len(callbacks) == 1
    assert Resident.objects.count() == 3 and AuditEvent.objects.filter(action="import").count() == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert confirm(client, batch).status_code == 302  # after it finished, too
    assert callbacks == [] and Resident.objects.count() == 3


def test_data_changed_before_the_worker_ran_sends_the_batch_back_to_preview(
    client, cast, django_capture_on_commit_callbacks
):
    rows = [row("A-1", "甲社区1号楼101", "张三丰", ID1, 联系电话="13811112222")]
    imports.residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(rows))
    batch = previewed(cast, [row("A-1", "甲社区1号楼101", "张三丰", ID1, 联系电话="13811113333")])
    login(client, cast.head_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm(client, batch)
    services.resident_update(
        actor=cast.desk_a, resident=Resident.objects.get(id_number=ID1), phone="13599998888"
    )
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW and "预览之后数据已被修改" in batch.error
    assert Resident.objects.get(id_number=ID1).phone == "13599998888"
    page = client.get(reverse("registry:import_batch", args=[batch.token])).content.decode()
    assert "预览之后数据已被修改" in page and "确认导入" in page
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, batch)  # the new preview can be confirmed
    assert Resident.objects.get(id_number=ID1).phone == "13811113333"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.error == ""


def test_an_importer_who_lost_the_right_before_the_worker_ran_gets_a_failed_batch(
    client, cast, django_capture_on_commit_callbacks
):
    batch = previewed(cast)
    login(client, cast.head_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm(client, batch)
    cast.head_a.roles = []
    cast.head_a.save(update_fields=["roles"])
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "无权" in batch.error
    assert batch.rows == [] and batch.plan == []  # the personal data is not kept for a failed import
    assert Resident.objects.count() == 0 and not AuditEvent.objects.filter(action="import").exists()


def test_a_running_batch_is_taken_over_only_by_a_retry(cast):
    batch = previewed(cast)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    assert imports.import_run(batch_id=batch.pk).status == ImportBatch.Status.RUNNING  # another worker has it
    assert Resident.objects.count() == 0
    assert imports.import_run(batch_id=batch.pk, take_over=True).status == ImportBatch.Status.COMMITTED
    assert Resident.objects.count() == 3
    assert imports.import_run(batch_id=batch.pk, take_over=True).status == ImportBatch.Status.COMMITTED
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_a_queued_batch_outlives_the_preview_expiry(cast, settings):
    batch = previewed(cast)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.QUEUED, created_at=timezone.now() - timedelta(days=1)
    )
    previewed(cast)  # a new upload purges expired previews
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert imports.batch_for(actor=cast.head_a, token=batch.token) is not None


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.TASKS_LEASE_SECONDS = 60
    settings.TASKS_MAX_ATTEMPTS = 1


def test_an_import_whose_worker_died_on_its_last_attempt_is_marked_failed(cast, db_queue):
    batch = previewed(cast)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING
    )  # as import_run leaves it
    run_import.enqueue(batch.pk)
    task = DBTaskResult.objects.get()
    task.claim("dead")
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="dead", hostname="h", pid=1, last_seen=now - timedelta(minutes=2)
    )

    assert taskqueue.reap(now=now) == {"requeued": 0, "failed": 1}

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "WorkerLost" in batch.error and batch.rows == []
    assert Resident.objects.count() == 0
