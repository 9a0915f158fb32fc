"""Serving and operations (issue 14): /healthz, request ids and JSON logs without personal data, static files with
hashed names under DEBUG=false, the connection pool's settings."""

import json
import logging
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from quanke.core.request_log import RequestContextFilter, request_id_var, safe_path, user_id_var
from tests.support import login

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_database_queue_and_disk_without_signing_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["disk"]["free_mb"] > 0
    queue = body["checks"]["queue"]
    if apps.is_installed("django_tasks_db"):
        assert queue["backlog"] == 0 and queue["oldest_waiting_seconds"] == 0
    else:
        assert queue == {"ok": True, "status": "not configured"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_when_the_disk_is_short(client, db, settings):
    settings.HEALTH_MIN_FREE_DISK_MB = 10**12  # more than any disk has
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail" and response.json()["checks"]["disk"]["ok"] is False


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from quanke.core import health

    class Unreachable:
        vendor = "postgresql"

        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


@pytest.mark.skipif(not apps.is_installed("django_tasks_db"), reason="the task queue is not installed")
def test_healthz_answers_503_when_a_task_waits_too_long(client, db, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="quanke.core.health.healthz",
        backend_name="default",
        run_after=timezone.now() - timedelta(hours=2),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    queue = response.json()["checks"]["queue"]
    assert response.status_code == 503 and queue["backlog"] == 1 and queue["oldest_waiting_seconds"] >= 3600


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


def test_request_id_is_echoed_or_made(client, db):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abc123-proxy-id")
    assert given["X-Request-ID"] == "abc123-proxy-id"
    made = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])
    # A header that is not an id (spaces, quotes, a line of log text) is replaced, never written to the log.
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" level=ERROR fake log line')
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_request_log_has_request_and_user_ids_and_no_personal_data(client, cast, caplog):
    id_number = "110101199001011234"
    login(client, cast.desk_a)
    with caplog.at_level(logging.INFO, logger="quanke.request"):
        response = client.get(f"/residents/?q={id_number}", HTTP_X_REQUEST_ID="req-0001-abcd")
        client.get(f"/residents/{id_number}/")
    lines = [r for r in caplog.records if r.name == "quanke.request"]
    assert len(lines) == 2
    first = lines[0]
    assert first.request_id == "req-0001-abcd" == response["X-Request-ID"]
    assert first.user_id == str(cast.desk_a.pk)
    assert first.path == "/residents/" and first.status == response.status_code
    for record in caplog.records:
        text = json.dumps({k: str(v) for k, v in record.__dict__.items()}, ensure_ascii=False)
        assert id_number not in text and "19900101" not in text
    assert lines[1].path == "/residents/***/"


def test_safe_path_masks_long_digit_runs_only():
    assert safe_path("/residents/42/edit/") == "/residents/42/edit/"
    assert safe_path("/x/11010119900101123X/") == "/x/***/"
    assert safe_path("/phone/13800138000/") == "/phone/***/"


def test_json_log_line_carries_request_and_user_ids():
    spec = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"], timestamp=spec["timestamp"])
    record = logging.LogRecord("quanke.test", logging.WARNING, __file__, 1, "hello", None, None)
    record.request = "<WSGIRequest: GET '/residents/?q=110101199001011234'>"
    request_id_var.set("req-json-0001")
    user_id_var.set("7")
    RequestContextFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hello" and line["level"] == "WARNING" and line["logger"] == "quanke.test"
    assert line["time"].endswith("+00:00")
    assert line["request_id"] == "req-json-0001" and line["user_id"] == "7"
    assert "110101199001011234" not in formatter.format(record)


def _settings_with(monkeypatch, **env):
    for key in ("DB_POOL", "DB_POOL_MIN", "DB_POOL_MAX", "DB_CONN_MAX_AGE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SECRET_KEY", "k" * 50)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_postgres_gets_a_bounded_pool_and_no_persistent_connections(monkeypatch):
    ns = _settings_with(monkeypatch, DATABASE_URL="postgres://u@db/quanke", DB_POOL_MAX="5")
    db = ns["DATABASES"]["default"]
    assert db["CONN_MAX_AGE"] == 0
    assert db["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 5, "timeout": 10}
    off = _settings_with(monkeypatch, DATABASE_URL="postgres://u@db/quanke", DB_POOL="false")["DATABASES"]
    assert "pool" not in off["default"]["OPTIONS"] and off["default"]["CONN_MAX_AGE"] == 60
    sqlite = _settings_with(monkeypatch, DATABASE_URL="sqlite:///x.sqlite3")["DATABASES"]["default"]
    assert "pool" not in sqlite["OPTIONS"]


def test_production_storage_is_hashed_and_compressed(monkeypatch):
    monkeypatch.setenv("DEBUG", "false")
    ns = _settings_with(monkeypatch)
    assert (
        ns["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in ns["MIDDLEWARE"]


SERVE_STATIC = r"""
import io, re, sys
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", "--no-input", verbosity=0)
from config.wsgi import application

def get(path, **headers):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "quanke.example.gov.cn",
               "SERVER_PORT": "443", "HTTP_HOST": "quanke.example.gov.cn", "wsgi.url_scheme": "https",
               "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1", **headers}
    out = {}
    def start_response(status, response_headers, exc_info=None):
        out["status"], out["headers"] = status, dict(response_headers)
    body = b"".join(application(environ, start_response))
    return out["status"], out["headers"], body

status, _, page = get("/login/")
assert status.startswith("200"), status
hashed = re.findall(rb'/static/[^"]+\.[0-9a-f]{12}\.(?:css|js)', page)
assert hashed, page[:2000]
status, headers, body = get(hashed[0].decode(), HTTP_ACCEPT_ENCODING="gzip")
print("|".join([hashed[0].decode(), status.split()[0], headers.get("Content-Encoding", ""), headers.get("Cache-Control", ""), str(len(body))]))
"""


def test_debug_off_serves_hashed_compressed_static_files_through_wsgi(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "quanke.example.gov.cn",
        "STATIC_ROOT": str(tmp_path / "static"),
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'static.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVE_STATIC], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    path, status, encoding, cache, size = result.stdout.strip().splitlines()[-1].split("|")
    assert status == "200" and encoding == "gzip" and "immutable" in cache and int(size) > 0
    assert (tmp_path / "static" / "staticfiles.json").exists()
