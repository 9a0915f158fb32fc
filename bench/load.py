"""Load on gunicorn against PostgreSQL: connection pool on vs the old persistent connections (issue 14).

    .venv/bin/python bench/load.py                          # 2,000 requests at concurrency 32, both setups
    .venv/bin/python bench/load.py --requests 40 --concurrency 4 --workers 1 --threads 4   # tiny (the test)
    .venv/bin/python bench/load.py --reuse                  # keep the seeded database of an earlier run

It creates (or reuses) its own database (default quanke_bench_load), migrates and runs seed_demo, signs a
front-desk worker in (a session cookie) and issues her an API token, then for each setup starts gunicorn with
config/gunicorn.conf.py (WEB_WORKERS × WEB_THREADS), fires the requests from --concurrency threads (stdlib
http.client, one keep-alive connection each) over a mix of staff pages and API calls with the bearer token, samples
`SELECT count(*) FROM pg_stat_activity WHERE datname = …` every 50 ms, stops gunicorn and prints:
requests | errors | req/s | p50 ms | p95 ms | max DB connections, pool beside baseline, with the ratio and the load
average. Baseline: no pool, CONN_MAX_AGE=60 (the settings before issue 14: every thread keeps a connection).
"""

import argparse
import http.client
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAFF_PAGES = ["/", "/residents/", "/matters/", "/catalog/", "/visits/"]
API_PATHS = ["/api/catalog/items", "/api/matters/", "/api/residents/?page=1", "/api/reports/indicators"]
DEMO_USER = "qiantai_a1"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="quanke_bench_load")
    p.add_argument("--server", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    p.add_argument("--pool-max", type=int, default=4, help="DB_POOL_MAX (connections per worker process)")
    p.add_argument("--reuse", action="store_true", help="reuse the seeded database of an earlier run")
    p.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    p.add_argument("--only", choices=["pool", "baseline"], help="run one setup only")
    p.add_argument(
        "--seed",
        choices=["demo", "minimal"],
        default="demo",
        help="seed_demo (2,000 residents; minutes) or one unit and the one worker (the test's tiny run)",
    )
    p.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    return p.parse_args(argv)


def say(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def admin_conn(server):
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True)


def prepare_database(args) -> bool:
    with admin_conn(args.server) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db]).fetchone()
        if exists and args.reuse:
            return False
        if exists:
            conn.execute(f'DROP DATABASE "{args.db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db}"')
    return True


def base_env(args) -> dict:
    # The bench's own database has no replica (a DATABASE_REPLICA_URL of the caller, e.g. CI's, names another one).
    dropped = {"DJANGO_SETTINGS_MODULE", "DATABASE_TEST_NAME", "DATABASE_REPLICA_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"{args.server}/{args.db}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-load-only-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "OTP_REQUIRED": "false",
            "LOGIN_THROTTLING": "false",
            "LOG_LEVEL": "WARNING",
            "WEB_ACCESS_LOG": "false",
            "STATIC_ROOT": str(ROOT / "var" / "bench_static"),
        }
    )
    return env


def manage(env, *argv):
    subprocess.run(
        [sys.executable, "manage.py", *argv], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


MINIMAL_SEED = """
from quanke.core.models import OrgUnit, Role, UnitLevel, User
county = OrgUnit.objects.create(code="110199", name="县", level=UnitLevel.COUNTY)
street = OrgUnit.objects.create(code="110199001", name="街道", level=UnitLevel.STREET, parent=county)
unit = OrgUnit.objects.create(code="110199001001", name="社区", level=UnitLevel.COMMUNITY, parent=street)
User.objects.create(username=%r, full_name="前台", unit=unit, roles=[Role.FRONT_DESK])
"""

CREDENTIALS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from quanke.api.models import ApiToken
user = get_user_model().objects.get(username=%r)
client = Client()
client.force_login(user)
_, key = ApiToken.issue(user=user, name="bench-load")
print(json.dumps({"session": client.cookies["sessionid"].value, "token": key}))
"""


def credentials(env) -> dict:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CREDENTIALS % DEMO_USER],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, port):
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env={**env, "WEB_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + proc.stderr.read()[-2000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return proc
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(proc)
    raise RuntimeError("gunicorn did not answer within 90 s")


def stop_gunicorn(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def db_connections(server, db) -> int:
    with admin_conn(server) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [db]).fetchone()[0]


def plan(n: int, creds: dict) -> list[tuple[str, dict]]:
    """Two staff pages for every API call, in a fixed rotation."""
    session = {"Cookie": f"sessionid={creds['session']}"}
    bearer = {"Authorization": f"Bearer {creds['token']}"}
    rotation = [(p, session) for p in STAFF_PAGES] + [(p, bearer) for p in API_PATHS[:3]]
    return [rotation[i % len(rotation)] for i in range(n)]


def fire(port, requests, concurrency):
    """Requests are (path, headers) GETs or (method, path, headers, body)."""
    jobs: queue.Queue = queue.Queue()
    for job in requests:
        jobs.put(job)
    times, errors, lock = [], [], threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                conn.close()
                return
            method, path, headers, body = job if len(job) == 4 else ("GET", *job, None)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                detail = f"{response.status} {path}"
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                ok, detail = False, f"{exc.__class__.__name__} {path}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if not ok:
                    errors.append(detail)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, time.perf_counter() - started


def run_setup(name, args, env, creds) -> dict:
    env = dict(env)
    if name == "pool":
        env.update({"DB_POOL": "true", "DB_POOL_MIN": "2", "DB_POOL_MAX": str(args.pool_max)})
    else:
        env.update({"DB_POOL": "false", "DB_CONN_MAX_AGE": "60"})
    env.update({"WEB_WORKERS": str(args.workers), "WEB_THREADS": str(args.threads)})
    port = free_port()
    proc = start_gunicorn(env, port)
    samples, stop = [], threading.Event()

    def sample():
        with admin_conn(args.server) as conn:
            while not stop.is_set():
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [args.db]
                ).fetchone()
                samples.append(row[0])
                stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        # A short warm-up (workers import the app, pools open) that is not counted.
        fire(port, plan(args.workers * 4, creds), min(args.concurrency, 4))
        sampler.start()
        load_before = os.getloadavg()[0]
        times, errors, seconds = fire(port, plan(args.requests, creds), args.concurrency)
        load_after = os.getloadavg()[0]
    finally:
        stop.set()
        if sampler.is_alive():
            sampler.join()
        stop_gunicorn(proc)
    times.sort()
    return {
        "setup": name,
        "requests": len(times),
        "errors": len(errors),
        "error_sample": errors[:5],
        "rps": round(len(times) / seconds, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "max_db_connections": max(samples) if samples else 0,
        "load": f"{load_before:.2f}→{load_after:.2f}",
    }


def print_table(results, args):
    by = {r["setup"]: r for r in results}
    rows = [
        ("requests", "requests"),
        ("errors", "errors"),
        ("req/s", "rps"),
        ("p50 ms", "p50_ms"),
        ("p95 ms", "p95_ms"),
        ("max DB connections", "max_db_connections"),
        ("load average (1 min)", "load"),
    ]
    print(
        f"\n{args.requests} requests at concurrency {args.concurrency}; gunicorn {args.workers} workers × "
        f"{args.threads} threads; pool max {args.pool_max} per worker; load average now "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    print(f"{'what':<22} | {'pool':>12} | {'baseline':>12} | {'pool/baseline':>13}")
    print("-" * 68)
    for label, key in rows:
        pool, base = by.get("pool", {}).get(key, "-"), by.get("baseline", {}).get(key, "-")
        ratio = ""
        if isinstance(pool, int | float) and isinstance(base, int | float) and base:
            ratio = f"{pool / base:.2f}×"
        print(f"{label:<22} | {pool!s:>12} | {base!s:>12} | {ratio:>13}")
    for r in results:
        if r["errors"]:
            print(f"{r['setup']} errors (first): {r['error_sample']}")


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    env = base_env(args)
    if prepare_database(args):
        say(f"migrating and seeding {args.db}")
        manage(env, "migrate", "--no-input", "-v", "0")
        if args.seed == "demo":
            manage(env, "seed_demo")
        else:
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", MINIMAL_SEED % DEMO_USER],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    manage(env, "collectstatic", "--no-input", "-v", "0")
    creds = credentials(env)
    results = []
    try:
        for name in ("pool", "baseline"):
            if args.only and args.only != name:
                continue
            say(f"running {name}")
            results.append(run_setup(name, args, env, creds))
    finally:
        if args.drop:
            with admin_conn(args.server) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    print_table(results, args)
    if args.json:
        print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
