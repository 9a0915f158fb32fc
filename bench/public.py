"""The residents' pages under gunicorn (issue 16): the service guide and the progress look-up beside a static file.

    .venv/bin/python bench/public.py                        # PostgreSQL (BENCH_PG), 1,000 requests per page
    .venv/bin/python bench/public.py --sqlite               # the embedded default: SQLite in a temporary VAR_DIR
    .venv/bin/python bench/public.py --requests 20 --concurrency 2 --workers 1 --threads 2 --sqlite   # tiny (the test)

It creates its own database (PostgreSQL: default quanke_bench_public; SQLite: a temporary directory), migrates (the
catalog, calendar and intake dictionary come with the migrations), adds one station, a front-desk worker and one
accepted matter with a known phone, collects static files, starts gunicorn with config/gunicorn.conf.py
(WEB_WORKERS × WEB_THREADS, production settings: DEBUG off, WhiteNoise) and fires, page after page, --requests
requests from --concurrency keep-alive connections (stdlib http.client):

- static: /static/public/public.css served by WhiteNoise (the baseline: no Django view, no database)
- guide: /m/guide/?station=… (every category and item the station offers)
- guide search: /m/guide/?station=…&q=… (the intake assistant's ranking of a resident's words)
- guide item: /m/guide/<code>/?station=… (materials, time limit, place, hours)
- progress: POST /m/track/ with the code and the last four digits (CSRF token, anti-bot token, the throttle's check
  and one audit row per look-up, as a resident's phone does it)

and prints requests | errors | req/s | p50 ms | p95 ms for each, with req/s and p95 as a ratio of the static
file's, and the load average before → after each page.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)

STATION = "110199001001"
PHONE = "13912345678"
SEED = """
from quanke.core.models import OrgUnit, Role, UnitLevel, User
from quanke.catalog.models import Item
from quanke.matters import services
county = OrgUnit.objects.create(code="110199", name="县", level=UnitLevel.COUNTY)
street = OrgUnit.objects.create(code="110199001", name="街道", level=UnitLevel.STREET, parent=county)
unit = OrgUnit.objects.create(code=%(station)r, name="社区", level=UnitLevel.COMMUNITY, parent=street,
                              phone="010-1")
desk = User.objects.create(username="bench_desk", full_name="前台", unit=unit, roles=[Role.FRONT_DESK])
m = services.matter_accept(actor=desk, item=Item.objects.get(code="SA-DIBAO"), applicant_name="王女士",
                           applicant_phone=%(phone)r)
print(m.tracking_code)
"""


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="quanke_bench_public")
    p.add_argument("--server", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument(
        "--sqlite", action="store_true", help="SQLite in a temporary VAR_DIR instead of PostgreSQL"
    )
    p.add_argument("--requests", type=int, default=1000, help="requests per page")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    p.add_argument("--json", action="store_true", help="also print the results as one JSON line")
    return p.parse_args(argv)


def environment(args, var_dir: Path) -> dict:
    env = load.base_env(args)
    env.update(
        {
            "VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(var_dir / "static"),
            "WEB_WORKERS": str(args.workers),
            "WEB_THREADS": str(args.threads),
            # Every look-up here succeeds (none counts against the throttle); a form needs no wait to be filled.
            "PUBLIC_FORM_MIN_SECONDS": "0",
        }
    )
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    else:
        env.update({"DB_POOL": "true", "DB_POOL_MIN": "2", "DB_POOL_MAX": "4"})
    return env


def seed(env) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED % {"station": STATION, "phone": PHONE}],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def progress_form(port, code) -> tuple[dict, str]:
    """The cookie and body a phone posts after opening the QR link: CSRF cookie and token, the anti-bot token."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/m/track/?code={code}", headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "started": started, "website": "", "code": code, "last4": PHONE[-4:]}
    )
    headers = {
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": "http://127.0.0.1/m/track/",
    }
    return headers, body


def pages(port, code) -> list[tuple[str, tuple]]:
    q = urllib.parse.quote("我妈八十多了能领钱吗")
    headers, body = progress_form(port, code)
    return [
        ("static", ("GET", "/static/public/public.css", {}, None)),
        ("guide", ("GET", f"/m/guide/?station={STATION}", {}, None)),
        ("guide search", ("GET", f"/m/guide/?station={STATION}&q={q}", {}, None)),
        ("guide item", ("GET", f"/m/guide/SA-DIBAO/?station={STATION}", {}, None)),
        ("progress", ("POST", "/m/track/", headers, body)),
    ]


def run(args, env, code) -> list[dict]:
    port = load.free_port()
    proc = load.start_gunicorn(env, port)
    results = []
    try:
        for name, job in pages(port, code):
            load.fire(port, [job] * (args.workers * 4), min(args.concurrency, 4))  # warm-up, not counted
            before = os.getloadavg()[0]
            times, errors, seconds = load.fire(port, [job] * args.requests, args.concurrency)
            after = os.getloadavg()[0]
            times.sort()
            results.append(
                {
                    "page": name,
                    "requests": len(times),
                    "errors": len(errors),
                    "error_sample": errors[:3],
                    "rps": round(len(times) / seconds, 1),
                    "p50_ms": round(times[len(times) // 2], 1),
                    "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                    "load": f"{before:.2f}→{after:.2f}",
                }
            )
    finally:
        load.stop_gunicorn(proc)
    return results


def print_table(results, args):
    base = results[0]
    print(
        f"\n{args.requests} requests per page at concurrency {args.concurrency}; gunicorn {args.workers} workers × "
        f"{args.threads} threads; {'SQLite' if args.sqlite else 'PostgreSQL (pool max 4 per worker)'}; "
        f"load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)"
    )
    head = f"{'page':<13} | {'requests':>8} | {'errors':>6} | {'req/s':>8} | {'p50 ms':>7} | {'p95 ms':>7}"
    print(f"{head} | {'req/s ÷ static':>14} | {'p95 ÷ static':>12} | load 1 min")
    print("-" * 110)
    for r in results:
        rps_ratio = f"{r['rps'] / base['rps']:.2f}×" if base["rps"] else "-"
        p95_ratio = f"{r['p95_ms'] / base['p95_ms']:.1f}×" if base["p95_ms"] else "-"
        print(
            f"{r['page']:<13} | {r['requests']:>8} | {r['errors']:>6} | {r['rps']:>8} | {r['p50_ms']:>7} | "
            f"{r['p95_ms']:>7} | {rps_ratio:>14} | {p95_ratio:>12} | {r['load']}"
        )
    for r in results:
        if r["errors"]:
            print(f"{r['page']} errors (first): {r['error_sample']}")


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="quanke-bench-public-"))
    try:
        env = environment(args, var_dir)
        if not args.sqlite:
            load.prepare_database(argparse.Namespace(server=args.server, db=args.db, reuse=False))
        load.say("migrating and seeding")
        load.manage(env, "migrate", "--no-input", "-v", "0")
        code = seed(env)
        load.manage(env, "collectstatic", "--no-input", "-v", "0")
        load.say("running")
        results = run(args, env, code)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.sqlite:
            with load.admin_conn(args.server) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    print_table(results, args)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return results


if __name__ == "__main__":
    main()
