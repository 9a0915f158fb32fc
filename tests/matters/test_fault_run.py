"""The fault run of issue 13, failure 5, on PostgreSQL: the app in a real server, 240 create requests (the desk
form with its one-time token, the API with Idempotency-Key), while another thread keeps terminating the app's
database backends. The client retries every failed request with the same token or key, as a browser or a client
library would. No committed write may be reported as an error that a retry doubles: one matter per submission
that succeeded, no duplicates.

Some answers are also dropped on the client side on purpose (the answer of a committed request never arrives):
the retry must get the first result back.
"""

import logging
import random
import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection, connections
from django.test import Client

from quanke.api.models import ApiToken
from quanke.matters.models import Matter
from tests.conftest import make_resident

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.terminates_backends,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends"),
]

SUBMISSIONS = 240  # half through the desk form, half through the API
MAX_ATTEMPTS = 60
# A client backs off between retries, as a real one would: with fixed short pauses, a loaded machine (every
# request slower than the killer's period) ran out of attempts before one request could finish.


def _backoff(attempt: int) -> None:
    time.sleep(min(0.05 * (attempt + 1), 1.0) * random.uniform(0.5, 1.5))


LOSE_EVERY = 8  # every 8th submission loses its first good answer on the way back


class Killer(threading.Thread):
    """Terminates every other connection to the test database every 0.1–0.4 s (more often, and on this shared
    machine nearly every request dies and the run measures nothing but retries)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.terminated = 0

    def run(self):
        try:
            with connection.cursor() as cursor:
                while not self.stop.is_set():
                    cursor.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND backend_type = 'client backend'"
                    )
                    self.terminated += cursor.fetchone()[0]
                    time.sleep(random.uniform(0.1, 0.4))
        finally:
            connections.close_all()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.succeeded: set[str] = set()
        self.failed: dict[str, str] = {}

    def add(self, name, n=1):
        with self.lock:
            self.counts[name] += n


def _error(response) -> bool:
    return response is None or response.status_code >= 500


def _post(session, url, tally, **kwargs):
    tally.add("requests")
    try:
        return session.post(url, timeout=30, allow_redirects=False, **kwargs)
    except requests.RequestException:
        return None


def _get(session, url, tally):
    """A page read, retried until it comes (reads double nothing)."""
    for _attempt in range(MAX_ATTEMPTS):
        try:
            page = session.get(url, timeout=30)
        except requests.RequestException:
            page = None
        tally.add("page_loads")
        if page is not None and page.status_code == 200:
            return page
        tally.add("page_load_errors")
        _backoff(_attempt)
    raise AssertionError(f"{url} never answered")


def desk_submission(base, cookies, resident_pk, n, tally):
    marker = f"fault-run desk #{n:03d}"
    with requests.Session() as s:
        s.cookies.update(cookies)
        html = _get(s, f"{base}/matters/desk/", tally).text
        form = {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1),
            "submission_token": re.search(r'name="submission_token" value="([^"]+)"', html).group(1),
            "resident": resident_pk,
            "item": "CV-PARKING",
            "channel": "window",
            "kind": "application",
            "request_text": marker,
            "then": "on_spot",
            "note": "已告知",
        }
        errored = lost = False
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                tally.add("retries")
            response = _post(s, f"{base}/matters/desk/", tally, data=form)
            if _error(response):
                tally.add("errors")
                errored = True
                _backoff(attempt)
                continue
            if response.status_code == 302 and "/matters/QK-" in response.headers["Location"]:
                if n % LOSE_EVERY == 0 and not lost:
                    lost = True
                    tally.add("answers_lost")
                    continue  # the answer never arrived: retry with the same token
                if errored or lost:
                    # Was it the first submission's result coming back? The desk says so on the next page.
                    shown = _get(s, f"{base}{response.headers['Location']}", tally)
                    if "已经提交过" in shown.text:
                        tally.add("replayed_after_error" if errored and not lost else "replayed_after_loss")
                tally.succeeded.add(marker)
                return
            tally.failed[marker] = f"{response.status_code}"
            return
        tally.failed[marker] = "gave up"


def api_submission(base, auth, n, tally):
    marker = f"fault-run api #{n:03d}"
    key = str(uuid.uuid4())
    body = {
        "item": "CV-PARKING",
        "applicant_name": "王女士",
        "request_text": marker,
        "then": "on_spot",
        "note": "已告知",
    }
    errored = lost = False
    with requests.Session() as s:
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                tally.add("retries")
            response = _post(
                s, f"{base}/api/matters/", tally, json=body, headers={**auth, "Idempotency-Key": key}
            )
            if _error(response) or response.status_code == 409:
                tally.add("errors" if _error(response) else "in_progress")
                errored = errored or _error(response)
                _backoff(attempt)
                continue
            if response.status_code == 201:
                if n % LOSE_EVERY == 1 and not lost:
                    lost = True
                    tally.add("answers_lost")
                    continue
                if response.headers.get("Idempotent-Replayed") == "true":
                    tally.add("replayed_after_loss" if lost else "replayed_after_error")
                tally.succeeded.add(marker)
                return
            tally.failed[marker] = f"{response.status_code} {response.text[:200]}"
            return
        tally.failed[marker] = "gave up"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
def test_fault_run_terminating_backends_leaves_no_doubled_matter(live_server, cast, settings, monkeypatch):
    for name in ("django.request", "django.server", "django.db.backends.base"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", True)  # thousands of expected tracebacks
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # plain http to the live server
    resident = make_resident(cast.community_a, "张三丰")
    browser = Client()
    browser.force_login(cast.desk_a)
    cookies = {"sessionid": browser.cookies["sessionid"].value}
    _token, key = ApiToken.issue(user=cast.desk_a, name="fault run")
    auth = {"Authorization": f"Bearer {key}"}
    connections.close_all()

    tally = Tally()
    killer = Killer()
    killer.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            jobs = []
            for n in range(SUBMISSIONS // 2):
                jobs.append(pool.submit(desk_submission, live_server.url, cookies, resident.pk, n, tally))
                jobs.append(pool.submit(api_submission, live_server.url, auth, n, tally))
            for job in jobs:
                job.result()
    finally:
        killer.stop.set()
        killer.join(timeout=30)
        connections.close_all()

    markers = list(
        Matter.objects.filter(request_text__startswith="fault-run").values_list("request_text", flat=True)
    )
    duplicates = {m: c for m, c in Counter(markers).items() if c > 1}
    counts = tally.counts
    print(
        f"\nfault run: submissions={SUBMISSIONS} requests={counts['requests']} errors_seen={counts['errors']} "
        f"in_progress={counts['in_progress']} retries={counts['retries']} answers_lost={counts['answers_lost']} "
        f"replayed_after_error={counts['replayed_after_error']} "
        f"replayed_after_loss={counts['replayed_after_loss']} page_load_errors={counts['page_load_errors']} "
        f"backends_terminated={killer.terminated} succeeded={len(tally.succeeded)} "
        f"failed={len(tally.failed)} matters_created={len(markers)} duplicates={len(duplicates)} "
        f"seconds={time.monotonic() - started:.0f}"
    )
    assert not tally.failed, tally.failed
    assert killer.terminated > 0 and counts["errors"] > 0  # the run did hit the app
    assert not duplicates
    assert set(markers) == tally.succeeded and len(markers) == SUBMISSIONS
    assert counts["replayed_after_loss"] == counts["answers_lost"]  # every lost answer came back, not doubled
