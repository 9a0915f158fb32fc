"""Hand-run (not committed): GET /api/matters/ with committed writes, before/after the once-a-minute touch."""

import statistics
import time

import pytest
from django.utils import timezone

from quanke.api import auth as api_auth
from quanke.api.models import ApiToken
from quanke.core.dbrouter import PRIMARY
from tests.support import bearer


def old_touch(token):
    ApiToken.objects.using(PRIMARY).filter(pk=token.pk).update(last_used_at=timezone.now())
    return True


def timeit(fn, n=200):
    for _ in range(5):
        fn()
    ms = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    return statistics.median(ms), ms[int(0.95 * len(ms)) - 1]


@pytest.mark.django_db(transaction=True)
def test_measure_token(client, cast, monkeypatch):
    headers = bearer(cast.desk_a)
    api = lambda: client.get("/api/matters/", **headers)  # noqa: E731
    out = []
    for label in ("after", "before", "after", "before"):
        if label == "before":
            monkeypatch.setattr(api_auth, "touch_last_used", old_touch)
        p50, p95 = timeit(api)
        out.append(f"{label:6} · GET /api/matters/ (autocommit) p50 {p50:5.1f} ms p95 {p95:5.1f} ms")
        monkeypatch.undo()
    print("\n" + "\n".join(out))
