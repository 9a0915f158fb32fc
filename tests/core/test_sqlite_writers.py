"""SQLite as configured by config.settings (WAL, busy timeout, BEGIN IMMEDIATE): concurrent writers wait for each
other instead of answering "database is locked". Run in a subprocess on a file database, because the test
database is in memory and the settings are read once per process."""

import json
import os
import subprocess
import sys
from pathlib import Path

WRITERS, ROUNDS = 4, 40

# Each writer does what the services do: read a row, then write it back, in one transaction.
SCRIPT = """
import json, sys, threading
import django
django.setup()
from django.db import connection, connections, transaction

writers, rounds = int(sys.argv[1]), int(sys.argv[2])
with connection.cursor() as c:
    c.execute("CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL)")
    c.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
connections.close_all()
errors, start = [], threading.Barrier(writers)

def work():
    start.wait()
    try:
        for _ in range(rounds):
            with transaction.atomic(), connection.cursor() as c:
                c.execute("SELECT n FROM counter WHERE id = 1")
                n = c.fetchone()[0]
                c.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=work) for _ in range(writers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with connection.cursor() as c:
    c.execute("SELECT n FROM counter WHERE id = 1")
    n = c.fetchone()[0]
    c.execute("PRAGMA journal_mode")
    mode = c.fetchone()[0]
print(json.dumps({"errors": errors, "n": n, "journal_mode": mode}))
"""


def test_concurrent_writers_wait_instead_of_database_is_locked(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(root),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(WRITERS), str(ROUNDS)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["journal_mode"] == "wal"
    # Every read-then-write counted: the write lock is taken before the read, so no update is lost either.
    assert result["n"] == WRITERS * ROUNDS
