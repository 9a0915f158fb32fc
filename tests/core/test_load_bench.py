"""bench/load.py at a tiny size (issue 14): gunicorn on PostgreSQL, pool on and the old persistent connections, no
error and the connection count bounded by the configuration."""

import importlib.util
import os
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the load bench runs against PostgreSQL")
def test_tiny_load_has_no_errors_and_bounded_connections():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    name = (os.environ.get("DATABASE_TEST_NAME") or "test_quanke") + "_load"
    results = bench.main(
        ["--server", server, "--db", name, "--seed", "minimal", "--drop"]
        + ["--requests", "40", "--concurrency", "4", "--workers", "1", "--threads", "4", "--pool-max", "2"]
    )
    by = {r["setup"]: r for r in results}
    assert by["pool"]["requests"] == by["baseline"]["requests"] == 40
    assert by["pool"]["errors"] == 0 and by["baseline"]["errors"] == 0, results
    # One worker with a pool of two: never more than two connections, though four threads serve requests.
    assert 1 <= by["pool"]["max_db_connections"] <= 2
    # Without the pool each thread keeps one of its own.
    assert by["baseline"]["max_db_connections"] <= 4
