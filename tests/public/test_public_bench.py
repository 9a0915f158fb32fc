"""bench/public.py at a tiny size (issue 16): the guide and progress pages under gunicorn answer without error, and
the table carries each page beside the static file."""

import importlib.util
import os
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench runs gunicorn against PostgreSQL")
def test_tiny_public_bench_has_no_errors():
    spec = importlib.util.spec_from_file_location("bench_public", ROOT / "bench" / "public.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    name = (os.environ.get("DATABASE_TEST_NAME") or "test_quanke") + "_public"
    results = bench.main(
        ["--server", server, "--db", name]
        + ["--requests", "10", "--concurrency", "2", "--workers", "1", "--threads", "2"]
    )
    assert [r["page"] for r in results] == ["static", "guide", "guide search", "guide item", "progress"]
    assert all(r["requests"] == 10 and r["errors"] == 0 for r in results), results
    assert all(r["rps"] > 0 and r["p95_ms"] >= r["p50_ms"] for r in results)
