"""/healthz for the load balancer and the monitoring (issue 14): the database, the task queue's backlog and its
oldest waiting task, and free disk. JSON; 200 when every check passes, 503 otherwise. No sign-in, and nothing in it
about any person: only counts, ages and sizes."""

import shutil
import time

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database makes the instance unhealthy
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_queue() -> dict:
    if not apps.is_installed("django_tasks_db"):
        return {"ok": True, "status": "not configured"}
    from django_tasks_db.models import DBTaskResult

    try:
        waiting = DBTaskResult.objects.ready()
        backlog = waiting.count()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    age = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    limit = settings.HEALTH_QUEUE_MAX_AGE_SECONDS
    # A backlog is normal; a waiting task this old means no worker is taking tasks.
    return {"ok": age <= limit, "backlog": backlog, "oldest_waiting_seconds": age, "max_age_seconds": limit}


def check_disk() -> dict:
    try:
        usage = shutil.disk_usage(settings.VAR_DIR)
    except OSError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    free_mb = usage.free // (1024 * 1024)
    return {
        "ok": free_mb >= settings.HEALTH_MIN_FREE_DISK_MB,
        "free_mb": free_mb,
        "min_free_mb": settings.HEALTH_MIN_FREE_DISK_MB,
    }


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "queue": check_queue(), "disk": check_disk()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
