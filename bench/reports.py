"""Statistics at county scale: 12 streets, 150 communities, 1,000,000 residents, 5,000,000 matters (PostgreSQL).

    .venv/bin/python bench/reports.py                      # full size (creates quanke_bench_reports)
    .venv/bin/python bench/reports.py --matters 500000 --residents 100000   # smaller
    .venv/bin/python bench/reports.py --reuse             # keep the loaded database, time again

It creates (or reuses) its own database, migrates, loads units, staff, households, residents and matters with
COPY over ~24 months (weekday-heavy, Zipf-distributed items, realistic on-spot / routed shares, deadlines on the
official working-day calendar), runs refresh_stats, loads modest tables for the other sources the dashboards read
(visits, casework, volunteers, activities, ledger, assistance applications, benefits, findings; also on --reuse
when they are empty), then times the optimised paths beside naive per-unit ORM queries and prints:
what | optimised ms | naive ms | ratio | goal. Never part of the test run.

The naive station path (station_report in tests/reports/naive.py, the test oracle kept outside the product)
computes every figure the station report and dashboard show; tests/reports/test_naive_station.py checks that it
gets the same answers. The naive county and summary paths compute the matter counts only (less than the
optimised paths show), so their ratios are conservative.
"""

import argparse
import io
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key")  # settings refuse to start without one
# The timed pages are requested over plain HTTP by force-logged-in users: no HTTPS redirect, no second factor.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("OTP_REQUIRED", "false")

STREETS, COMMUNITIES = 12, 150
BJ_OFFSET = timedelta(hours=8)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="quanke_bench_reports")
    p.add_argument("--server", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--matters", type=int, default=5_000_000)
    p.add_argument("--residents", type=int, default=1_000_000)
    p.add_argument("--months", type=int, default=24)
    p.add_argument("--reuse", action="store_true", help="reuse a database loaded by an earlier run")
    p.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    p.add_argument("--repeat", type=int, default=11, help="timed runs per row; the median is reported")
    return p.parse_args()


def admin_conn(server):
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True)


def create_database(server, name, reuse):
    with admin_conn(server) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return False
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def drop_database(server, name):
    with admin_conn(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def say(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- loading ---------------------------------------------------------------------------------------------------


def not_null_defaults(cursor, table, given):
    """Values for NOT NULL columns we do not generate (other apps may add columns; COPY needs them all)."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
        [table],
    )
    fill = {}
    for name, dtype in cursor.fetchall():
        if name in given or name == "id":
            continue
        if "char" in dtype or dtype == "text":
            fill[name] = ""
        elif dtype == "boolean":
            fill[name] = "f"
        elif dtype in ("integer", "smallint", "bigint", "numeric", "double precision"):
            fill[name] = "0"
        elif dtype.startswith("timestamp"):
            fill[name] = "2026-01-01 00:00:00+00"
        elif dtype == "date":
            fill[name] = "2000-01-01"
        elif dtype == "jsonb":
            fill[name] = "{}"
        else:
            raise SystemExit(f"bench: don't know how to fill {table}.{name} ({dtype})")
    return fill


def copy_lines(cursor, table, columns, lines_iter):
    extra = not_null_defaults(cursor, table, set(columns))
    cols = list(columns) + list(extra)
    suffix = ("\t" + "\t".join(extra.values())) if extra else ""
    with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        buf = io.StringIO()
        for n, line in enumerate(lines_iter, 1):
            buf.write(line + suffix + "\n")
            if n % 50_000 == 0:
                copy.write(buf.getvalue())
                buf = io.StringIO()
        copy.write(buf.getvalue())


def drop_plain_indexes(cursor, table):
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    defs = cursor.fetchall()
    for name, _definition in defs:
        cursor.execute(f'DROP INDEX "{name}"')
    return [d for _n, d in defs]


def load(args):
    import numpy as np
    from django.db import connection

    from quanke.catalog.models import Handling, Item
    from quanke.core import workdays
    from quanke.core.models import OrgUnit, Role, UnitLevel, User

    rng = np.random.default_rng(2026)
    today = date.today()
    # Units
    county = OrgUnit.objects.create(
        code="990100", name="基准区", level=UnitLevel.COUNTY, station_name="基准区社工站指导中心"
    )
    streets = [
        OrgUnit.objects.create(
            code=f"990100{s + 1:03d}", name=f"第{s + 1}街道", level=UnitLevel.STREET, parent=county
        )
        for s in range(STREETS)
    ]
    communities = []
    for c in range(COMMUNITIES):
        street = streets[c % STREETS]
        n = c // STREETS + 1
        communities.append(
            OrgUnit.objects.create(
                code=f"{street.code}{n:03d}",
                name=f"{street.name}第{n}社区",
                level=UnitLevel.COMMUNITY,
                parent=street,
                station_name=f"{street.name}第{n}社区服务站",
            )
        )
    staff = []
    for c in communities:
        staff.append(
            User(username=f"desk{c.code}", full_name=f"前台{c.code}", unit=c, roles=[Role.FRONT_DESK])
        )
        staff.append(
            User(
                username=f"back{c.code}",
                full_name=f"后台{c.code}",
                unit=c,
                roles=[Role.BACK_OFFICE],
                specialties=["assistance"],
            )
        )
        staff.append(
            User(username=f"head{c.code}", full_name=f"站长{c.code}", unit=c, roles=[Role.STATION_HEAD])
        )
    staff.append(User(username="bench_viewer", full_name="统计员", unit=county, roles=[Role.COUNTY_VIEWER]))
    for u in staff:
        u.set_unusable_password()
    User.objects.bulk_create(staff)
    users = {u.username: u.pk for u in User.objects.all()}
    say(f"units: 1 county, {len(streets)} streets, {len(communities)} communities; {len(staff)} staff")

    # Community sizes vary (lognormal): a few big urban communities, many small villages.
    weights = rng.lognormal(0, 0.6, COMMUNITIES)
    weights /= weights.sum()
    comm_ids = np.array([c.pk for c in communities])
    street_of = {c.pk: c.parent_id for c in communities}

    with connection.cursor() as cur:
        raw = cur.cursor if hasattr(cur, "cursor") else cur
        # Households and residents
        res_per_comm = np.maximum((weights * args.residents).astype(int), 1)
        res_per_comm[-1] += args.residents - res_per_comm.sum()
        hh_sizes = []
        t0 = time.perf_counter()

        def households():
            hid = 0
            for ci, uid in enumerate(comm_ids):
                n_res = int(res_per_comm[ci])
                n_hh = max(1, n_res * 2 // 5)
                hh_sizes.append((uid, hid + 1, n_hh))
                for h in range(n_hh):
                    hid += 1
                    yield f"2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\t{uid}\tB{hid:09d}\t{uid}号院{h}号"

        copy_lines(
            raw,
            "registry_household",
            ["created_at", "updated_at", "unit_id", "number", "address"],
            households(),
        )
        cur.execute("SELECT min(id) FROM registry_household")
        hh_base = cur.fetchone()[0] - 1
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
        given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"

        def residents():
            rid = 0
            for ci, (uid, hh_first, n_hh) in enumerate(hh_sizes):
                for k in range(int(res_per_comm[ci])):
                    rid += 1
                    hh = hh_base + hh_first + (k % n_hh)
                    name = surnames[rid % 20] + given[(rid // 20) % 24] + given[(rid // 480) % 24]
                    birth = date(1930, 1, 1) + timedelta(days=(rid * 7919) % 32000)
                    yield (
                        f"2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\t{hh}\t{uid}\t{name}\tx\tx\t"
                        f"99{rid:016d}\t{birth}\t{'M' if rid % 2 else 'F'}\t\t\tf\t1000\t\tf\tf\tt\t"
                    )

        copy_lines(
            raw,
            "registry_resident",
            [
                "created_at",
                "updated_at",
                "household_id",
                "unit_id",
                "name",
                "name_pinyin",
                "name_initials",
                "id_number",
                "birth_date",
                "sex",
                "phone",
                "relation",
                "lives_alone",
                "monthly_income",
                "disability_kind",
                "needs_long_term_care",
                "in_school",
                "has_capable_supporter",
                "notes",
            ],
            residents(),
        )
        cur.execute("SELECT min(id) FROM registry_resident")
        res_base = cur.fetchone()[0] - 1
        say(f"households and {args.residents:,} residents loaded in {time.perf_counter() - t0:.0f}s")

        # Matters
        items = list(
            Item.objects.filter(active=True).values(
                "pk", "handling", "specialty", "promised_limit_days", "legal_limit_days"
            )
        )
        rng.shuffle(items)
        zipf = 1.0 / np.arange(1, len(items) + 1) ** 1.05
        zipf /= zipf.sum()
        start = today - timedelta(days=int(args.months * 30.4))
        n_days = (today - start).days  # up to yesterday
        cal = workdays.calendar()
        day_list = [start + timedelta(days=i) for i in range(n_days + 400)]
        is_work = np.array([cal.is_workday(d) for d in day_list])
        ordinal = np.cumsum(is_work)
        day_w = np.where(is_work[:n_days], 1.0, 0.25)
        day_w /= day_w.sum()
        today_idx = n_days

        indexes = drop_plain_indexes(cur, "matters_matter")
        cur.execute(
            "ALTER TABLE matters_matter DISABLE TRIGGER ALL"
        )  # FK checks: the generator keeps them true
        cols = [
            "created_at",
            "updated_at",
            "tracking_code",
            "unit_id",
            "resident_id",
            "applicant_name",
            "applicant_phone",
            "item_id",
            "kind",
            "channel",
            "request_text",
            "status",
            "paused_from",
            "specialty",
            "handling_unit_id",
            "assigned_to_id",
            "accepted_by_id",
            "accepted_at",
            "routed_at",
            "closed_at",
            "limit_days",
            "due_date",
            "due_estimated",
            "paused_on",
            "paused_working_days",
            "trips",
            "result_note",
        ]
        t0 = time.perf_counter()
        chunk = 250_000
        seq = 0
        channels = np.array(["window", "phone", "home", "online"])

        def matters():
            nonlocal seq
            done = 0
            while done < args.matters:
                n = min(chunk, args.matters - done)
                done += n
                ci = rng.choice(len(comm_ids), n, p=weights)
                di = rng.choice(n_days, n, p=day_w)
                secs = rng.integers(8 * 3600 + 1800, 17 * 3600 + 1800, n)
                ii = rng.choice(len(items), n, p=zipf)
                ch = channels[rng.choice(4, n, p=[0.72, 0.12, 0.09, 0.07])]
                u = rng.random((6, n))
                dur = np.maximum(np.round(rng.lognormal(1.6, 0.7, n)), 1).astype(int)
                for k in range(n):
                    seq += 1
                    it = items[ii[k]]
                    uid = int(comm_ids[ci[k]])
                    d = int(di[k])
                    acc_day = day_list[d]
                    acc = (
                        datetime.combine(acc_day, datetime.min.time())
                        + timedelta(seconds=int(secs[k]))
                        - BJ_OFFSET
                    )
                    window = ch[k] == "window"
                    resident = "\\N" if u[0, k] < 0.1 else str(res_base + 1 + int(u[1, k] * args.residents))
                    kind = "application"
                    routed_at = closed = due = limit = "\\N"
                    assigned = "\\N"
                    handling_unit = uid
                    trips = 1 if window else 0
                    if it["handling"] == Handling.ROUTED:
                        limit_days = it["promised_limit_days"] or it["legal_limit_days"]
                        routed_at = f"{acc + timedelta(minutes=20):%Y-%m-%d %H:%M:%S}+00"
                        if u[2, k] < 0.25:
                            handling_unit = street_of[uid]
                        trips += 1 if u[3, k] < 0.3 else 0
                        if limit_days:
                            limit = str(limit_days)
                            due_idx = int(np.searchsorted(ordinal, ordinal[d] + limit_days))
                            due = str(day_list[due_idx])
                            span = int(dur[k] * limit_days / 8) + 1
                        else:
                            span = int(dur[k])
                        close_idx = int(np.searchsorted(ordinal, ordinal[d] + span))
                        if u[4, k] < 0.02:
                            status, closed = "refused", f"{acc + timedelta(days=1):%Y-%m-%d %H:%M:%S}+00"
                        elif close_idx < today_idx:
                            status = "finished"
                            closed = f"{datetime.combine(day_list[close_idx], datetime.min.time()) + timedelta(hours=7):%Y-%m-%d %H:%M:%S}+00"
                            assigned = str(users[f"back{street_code(uid)}"])
                        else:
                            status = "in_progress"
                            assigned = str(users[f"back{street_code(uid)}"])
                            handling_unit = uid
                    elif it["handling"] == Handling.REFUSED:
                        status, closed = "refused", f"{acc + timedelta(minutes=5):%Y-%m-%d %H:%M:%S}+00"
                    else:
                        if u[5, k] < 0.12:
                            kind = "consultation"
                        status, closed = "on_spot", f"{acc + timedelta(minutes=10):%Y-%m-%d %H:%M:%S}+00"
                    stamp = f"{acc:%Y-%m-%d %H:%M:%S}+00"
                    yield (
                        f"{stamp}\t{stamp}\tQK-B{seq:09d}\t{uid}\t{resident}\t居民\t\t{it['pk']}\t{kind}\t{ch[k]}\t\t"
                        f"{status}\t\t{it['specialty']}\t{handling_unit}\t{assigned}\t{users[f'desk{street_code(uid)}']}\t"
                        f"{stamp}\t{routed_at}\t{closed}\t{limit}\t{due}\tf\t\\N\t0\t{trips}\t"
                    )
                say(f"  generated {done:,} matters ({time.perf_counter() - t0:.0f}s)")

        code_of = {c.pk: c.code for c in communities}

        def street_code(uid):
            return code_of[uid]

        copy_lines(raw, "matters_matter", cols, matters())
        cur.execute("ALTER TABLE matters_matter ENABLE TRIGGER ALL")
        say(
            f"{args.matters:,} matters copied in {time.perf_counter() - t0:.0f}s; rebuilding {len(indexes)} indexes"
        )
        t0 = time.perf_counter()
        for definition in indexes:
            cur.execute(definition)
        cur.execute("VACUUM ANALYZE matters_matter")
        cur.execute("ANALYZE")
        say(f"indexes rebuilt and analysed in {time.perf_counter() - t0:.0f}s")
    return county


# --- the other sources the dashboard reads ----------------------------------------------------------------------

# Modest, realistic sizes: the figures these feed are timed on real rows, not on empty tables.
SOURCE_SIZES = {
    "visits": 300_000,
    "cases": 5_000,
    "volunteers_per_community": 20,
    "service_records": 100_000,
    "activities": 3_000,
    "activity_residents": 20_000,
    "ledger": 5_000,
    "organisations_per_community": 2,
    "applications": 20_000,
    "benefits": 30_000,
    "findings": 5_000,
}


def insert_generated(cur, table, exprs: dict, source_sql: str):
    """INSERT … SELECT of generated rows; NOT NULL columns the generator leaves out get neutral literals."""
    extra = not_null_defaults(cur, table, set(exprs))
    cols = {**exprs, **{k: f"'{v}'" for k, v in extra.items()}}
    cur.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols.values())} FROM {source_sql}"
    )  # no parameters: the generated SQL is literal, so "%" needs no escaping
    return cur.rowcount


def load_sources(months: int):
    """Visits, resident tags, casework, the volunteer network and assistance, in SQL over generate_series."""
    from django.db import connection, transaction

    n = SOURCE_SIZES
    today = date.today()
    d0 = today - timedelta(days=int(months * 30.4))
    span = (today - d0).days  # days before today
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:  # all or nothing: a re-run starts clean
        cur.execute("SELECT setseed(0.2026)")
        cur.execute("SELECT min(id), max(id) FROM registry_household")
        hh_lo, hh_hi = cur.fetchone()
        cur.execute("SELECT min(id), max(id) FROM registry_resident")
        res_lo, res_hi = cur.fetchone()
        cur.execute(
            "CREATE TEMP TABLE bench_staff AS SELECT unit_id, "
            "min(id) FILTER (WHERE username LIKE 'desk%') AS desk, "
            "min(id) FILTER (WHERE username LIKE 'head%') AS head "
            "FROM core_user GROUP BY unit_id"
        )
        rand_hh = f"({hh_lo} + floor(random() * {hh_hi - hh_lo + 1}))::bigint"
        rand_res = f"({res_lo} + floor(random() * {res_hi - res_lo + 1}))::bigint"
        rand_day = f"(date '{d0}' + floor(random() * {span})::int)"

        # 5% of residents carry a special-group tag, so "特殊群体走访" has something to find.
        tags = insert_generated(
            cur,
            "registry_resident_tags",
            {"resident_id": "r.id", "tag_id": "(SELECT min(id) FROM registry_tag) + (r.id / 20) % 16"},
            "registry_resident r WHERE r.id % 20 = 0",
        )
        visits = insert_generated(
            cur,
            "visits_visit",
            {
                "created_at": "x.t",
                "updated_at": "x.t",
                "visited_at": "x.t",
                "household_id": "h.id",
                "unit_id": "h.unit_id",
                "worker_id": "s.desk",
                "forms_filled": "'{}'",
                # As the visit services record it: a member of the household carries a 人群标签.
                "special_group": "EXISTS (SELECT 1 FROM registry_resident r JOIN registry_resident_tags t "
                "ON t.resident_id = r.id JOIN registry_tag g ON g.id = t.tag_id "
                "WHERE r.household_id = h.id AND g.visit_interval_days IS NOT NULL)",
            },
            f"(SELECT {rand_hh} AS hid, ({rand_day} + time '09:00' + random() * interval '8 hours') "
            f"AT TIME ZONE 'Asia/Shanghai' AS t FROM generate_series(1, {n['visits']})) x "
            "JOIN registry_household h ON h.id = x.hid JOIN bench_staff s ON s.unit_id = h.unit_id",
        )
        cases = insert_generated(
            cur,
            "casework_case",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "number": "'GA-B' || lpad(x.g::text, 7, '0')",
                "origin_kind": "'walk_in'",
                "status": "x.status",
                "risk_level": "'medium'",
                "opened_on": "x.opened",
                "closure_outcome": "CASE WHEN x.status = 'open' THEN '' ELSE 'goals_met' END",
                "closure_requested_at": "CASE WHEN x.status = 'open' THEN NULL ELSE x.closed END",
                "closure_requested_by_id": "CASE WHEN x.status = 'open' THEN NULL ELSE s.desk END",
                "closed_at": "CASE WHEN x.status = 'closed' THEN x.closed END",
                "closed_by_id": "CASE WHEN x.status = 'closed' THEN s.head END",
                "household_id": "r.household_id",
                "resident_id": "r.id",
                "unit_id": "r.unit_id",
                "opened_by_id": "s.desk",
            },
            # One unclosed case per resident: spread the residents instead of drawing them at random.
            f"(SELECT g, {res_lo} + (g * 197) % {res_hi - res_lo + 1} AS rid, o AS opened, "
            "(o + 20 + floor(random() * 100)::int + time '10:00') AT TIME ZONE 'Asia/Shanghai' AS closed, "
            f"CASE WHEN o + 120 >= date '{today}' OR random() < 0.5 THEN 'open' "
            "WHEN random() < 0.15 THEN 'closure_requested' ELSE 'closed' END AS status "
            f"FROM (SELECT g, {rand_day} AS o FROM generate_series(1, {n['cases']}) g) y) x "
            "JOIN registry_resident r ON r.id = x.rid JOIN bench_staff s ON s.unit_id = r.unit_id",
        )
        volunteers = insert_generated(
            cur,
            "network_volunteer",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "name": "'志愿者' || c.code || '-' || g",
                "skills": "'[\"companionship\"]'",
                "availability": "'{}'",
                "registered_on": f"date '{d0}'",
                "active": "true",
                "unit_id": "c.id",
            },
            f"core_orgunit c CROSS JOIN generate_series(1, {n['volunteers_per_community']}) g "
            "WHERE c.level = 'community' AND c.code LIKE '990100%'",
        )
        cur.execute("SELECT min(id), max(id) FROM network_volunteer")
        vol_lo, vol_hi = cur.fetchone()
        records = insert_generated(
            cur,
            "network_servicerecord",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "served_on": "x.d",
                "hours": "1 + floor(random() * 4)",
                "service_kind": "'companionship'",
                "unit_id": "v.unit_id",
                "volunteer_id": "v.id",
            },
            f"(SELECT ({vol_lo} + floor(random() * {vol_hi - vol_lo + 1}))::bigint AS vid, {rand_day} AS d "
            f"FROM generate_series(1, {n['service_records']})) x JOIN network_volunteer v ON v.id = x.vid",
        )
        activities = insert_generated(
            cur,
            "network_activity",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "title": "'社区活动'",
                "kind": "'community'",
                "held_on": "x.d",
                "hours": "2",
                "extra_participants": "floor(random() * 30)::int",
                "unit_id": "h.unit_id",
            },
            f"(SELECT {rand_hh} AS hid, {rand_day} AS d FROM generate_series(1, {n['activities']})) x "
            "JOIN registry_household h ON h.id = x.hid",
        )
        cur.execute("SELECT min(id), max(id) FROM network_activity")
        act_lo, act_hi = cur.fetchone()
        insert_generated(
            cur,
            "network_activity_participant_residents",
            {"activity_id": "x.aid", "resident_id": "x.rid"},
            f"(SELECT DISTINCT ({act_lo} + floor(random() * {act_hi - act_lo + 1}))::bigint AS aid, "
            f"{rand_res} AS rid FROM generate_series(1, {n['activity_residents']})) x",
        )
        ledger = insert_generated(
            cur,
            "network_ledgerentry",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "direction": "x.dir",
                "kind": "'money'",
                "item": "''",
                "quantity": "100 + floor(random() * 4900)",
                "entry_on": "x.d",
                "donor_name": "CASE WHEN x.dir = 'in' THEN '爱心企业' ELSE '' END",
                "recipient_kind": "CASE WHEN x.dir = 'out' THEN 'resident' ELSE '' END",
                "unit_id": "h.unit_id",
            },
            f"(SELECT {rand_hh} AS hid, {rand_day} AS d, "
            f"CASE WHEN random() < 0.6 THEN 'in' ELSE 'out' END AS dir FROM generate_series(1, {n['ledger']})) x "
            "JOIN registry_household h ON h.id = x.hid",
        )
        organisations = insert_generated(
            cur,
            "network_socialorganisation",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "name": "'社会组织' || c.code || '-' || g",
                "kind": "'social_organisation'",
                "services": "'[]'",
                "active": "g % 4 <> 0",
                "unit_id": "c.id",
            },
            f"core_orgunit c CROSS JOIN generate_series(1, {n['organisations_per_community']}) g "
            "WHERE c.level = 'community' AND c.code LIKE '990100%'",
        )
        # Applications hang off real assistance matters (one each), from the matter's resident and day.
        applications = insert_generated(
            cur,
            "assistance_assistanceapplication",
            {
                "created_at": "m.accepted_at",
                "updated_at": "m.accepted_at",
                "program": "CASE WHEN m.id % 3 = 0 THEN 'temporary' ELSE 'dibao' END",
                "step": "x.step",
                "accepted_on": "(m.accepted_at AT TIME ZONE 'Asia/Shanghai')::date",
                "assessment": "'{}'",
                "decided_on": "CASE WHEN x.step IN ('approved', 'refused') "
                "THEN (m.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + 20 END",
                "monthly_amount": "CASE WHEN x.step = 'approved' THEN 300 + m.id % 500 END",
                "payment_from": "CASE WHEN x.step = 'approved' "
                "THEN (m.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + 30 END",
                "publicity_start": "CASE WHEN x.step = 'publicity' "
                "THEN (m.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + 10 END",
                "refusal_reasons": "CASE WHEN x.step = 'refused' THEN '家庭收入超过低保标准' ELSE '' END",
                "decided_by_id": "CASE WHEN x.step IN ('approved', 'refused') THEN s.head END",
                "household_id": "r.household_id",
                "matter_id": "m.id",
                "resident_id": "r.id",
                "unit_id": "m.unit_id",
            },
            # One application per resident (at most one open application per household, resident and program).
            "(SELECT mid, CASE WHEN random() < 0.55 THEN 'approved' WHEN random() < 0.3 THEN 'refused' "
            "WHEN random() < 0.5 THEN 'investigated' ELSE 'accepted' END AS step "
            "FROM (SELECT DISTINCT ON (m.resident_id) m.id AS mid "
            "FROM matters_matter m JOIN catalog_item i ON i.id = m.item_id "
            "WHERE i.specialty = 'assistance' AND m.resident_id IS NOT NULL AND m.id % 5 = 0 "
            f"ORDER BY m.resident_id, m.id LIMIT {n['applications']}) y) x "
            "JOIN matters_matter m ON m.id = x.mid JOIN registry_resident r ON r.id = m.resident_id "
            "JOIN bench_staff s ON s.unit_id = m.unit_id",
        )
        benefits = insert_generated(
            cur,
            "registry_benefit",
            {
                "created_at": "now()",
                "updated_at": "now()",
                "program": "(ARRAY['dibao', 'dibao_edge', 'tekun', 'temporary', 'disability_living', "
                "'disability_care'])[1 + floor(random() * 6)::int]",
                "start_date": "x.d",
                "end_date": "CASE WHEN random() < 0.3 THEN x.d + 180 END",
                "monthly_amount": "200 + floor(random() * 800)",
                "resident_id": "r.id",
                "unit_id": "r.unit_id",
                "household_id": "r.household_id",
            },
            f"(SELECT {rand_res} AS rid, {rand_day} AS d FROM generate_series(1, {n['benefits']})) x "
            "JOIN registry_resident r ON r.id = x.rid",
        )
        findings = insert_generated(
            cur,
            "assistance_finding",
            {
                "key": "'bench-' || x.g",
                "kind": "CASE WHEN x.g % 3 = 0 THEN 'no_longer_eligible' ELSE 'eligible_not_receiving' END",
                "program": "'dibao'",
                "locality": "'基准区'",
                "on_date": "x.d",
                "details": "'{}'",
                "status": "x.status",
                "reason": "''",
                "decided_at": "CASE WHEN x.status <> 'open' THEN (x.d + 7 + time '10:00') "
                "AT TIME ZONE 'Asia/Shanghai' END",
                "decided_by_id": "CASE WHEN x.status <> 'open' THEN s.head END",
                "household_id": "h.id",
                "unit_id": "h.unit_id",
            },
            f"(SELECT g, {rand_hh} AS hid, {rand_day} AS d, "
            "CASE WHEN random() < 0.5 THEN 'open' WHEN random() < 0.6 THEN 'confirmed' ELSE 'dismissed' END "
            f"AS status FROM generate_series(1, {n['findings']}) g) x "
            "JOIN registry_household h ON h.id = x.hid JOIN bench_staff s ON s.unit_id = h.unit_id",
        )
        cur.execute("DROP TABLE bench_staff")
    with connection.cursor() as cur:
        # A live database has been vacuumed by autovacuum long since; index-only scans need the visibility map.
        cur.execute("VACUUM ANALYZE")
    say(
        f"other sources loaded in {time.perf_counter() - t0:.0f}s: {visits:,} visits, {tags:,} resident tags, "
        f"{cases:,} cases, {volunteers:,} volunteers, {records:,} service records, {activities:,} activities, "
        f"{ledger:,} ledger entries, {organisations:,} organisations, {applications:,} applications, "
        f"{benefits:,} benefits, {findings:,} findings"
    )


# --- timing ----------------------------------------------------------------------------------------------------


def timed(fn, repeat):
    fn()  # warm-up (plan cache, calendar cache)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def once(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def run_timings(args):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from quanke.core.models import OrgUnit, UnitLevel, User
    from quanke.reports import exports, selectors
    from quanke.reports.periods import period_for
    from tests.reports import naive

    today = timezone.localdate()
    period = period_for("month", today.replace(day=1) - timedelta(days=1))  # last full month
    viewer = User.objects.get(username="bench_viewer")
    county = viewer.unit
    station = (
        OrgUnit.objects.filter(level=UnitLevel.COMMUNITY, path__startswith=county.path + "/")
        .order_by("code")
        .first()
    )
    head = User.objects.get(username=f"head{station.code}")
    client = Client()
    client.force_login(viewer)
    page = reverse("reports:dashboard") + f"?period=month&anchor={period.start}"

    def dashboard_data():
        selectors.dashboard(actor=viewer, unit=county, period=period, today=today)

    def dashboard_page():
        assert client.get(page).status_code == 200

    def naive_county():
        naive.unit_counts(county, period, today)
        naive.unit_counts(county, period.previous(), today)

    def station_report():
        wb = exports.station_monthly(actor=head, unit=station, period=period, today=today)
        wb.save(io.BytesIO())

    def station_data():
        selectors.dashboard(actor=head, unit=station, period=period, today=today)

    def naive_station():
        # Every figure the station report and dashboard show (tests/reports/test_naive_station.py checks this).
        naive.station_report(station, period, today)

    def county_summary():
        wb = exports.county_summary(actor=viewer, unit=county, period=period, today=today)
        wb.save(io.BytesIO())

    def naive_summary():
        for c in OrgUnit.objects.filter(level=UnitLevel.COMMUNITY, path__startswith=county.path + "/"):
            naive.community_counts(c, period, today)

    head_client = Client()
    head_client.force_login(head)
    list_url = reverse("reports:matter_list", args=[station.code]) + f"?period=year&anchor={today}"

    def matter_list_first():
        assert head_client.get(list_url).status_code == 200

    rows = []
    say(f"timing: period {period.label}, county {county.name}, station {station.name}")
    opt = timed(dashboard_data, args.repeat)
    slow = once(naive_county)
    rows.append(("county dashboard: data (this + previous month)", opt, slow, 300))
    rows.append(
        ("county dashboard: full page via test client", timed(dashboard_page, args.repeat), slow, 300)
    )
    slow = once(naive_station)
    rows.append(
        ("station monthly report: data (this + previous)", timed(station_data, args.repeat), slow, 5000)
    )
    rows.append(
        ("station monthly report: data + .xlsx written", timed(station_report, args.repeat), slow, 5000)
    )
    opt = timed(county_summary, max(1, args.repeat // 2))
    rows.append(("county summary by unit (.xlsx)", opt, once(naive_summary), 5000))
    rows.append(("station matters list, keyset page 1", timed(matter_list_first, args.repeat), None, 300))
    return rows


def print_table(rows):
    print()
    print(f"{'what':<50} {'optimised ms':>13} {'naive ms':>11} {'ratio':>8} {'goal':>18}")
    print("-" * 104)
    for what, opt, slow, goal in rows:
        ratio = f"{slow / opt:.0f}×" if slow else "—"
        slow_s = f"{slow:,.0f}" if slow else "—"
        verdict = "ok" if opt <= goal and (not slow or slow / opt >= 20) else "MISSED"
        print(f"{what:<50} {opt:>13,.1f} {slow_s:>11} {ratio:>8} {f'≤{goal} ms, ≥20× {verdict}':>18}")


def main():
    args = parse_args()
    fresh = create_database(args.server, args.db, args.reuse)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ["TASKS_BACKEND"] = "database"  # an export is enqueued, never run behind the timings
    import django

    django.setup()
    from django.core.management import call_command

    from quanke.reports import rollup
    from quanke.reports.models import MatterDailyStat, MatterMonthStat

    def rebuild():
        t0 = time.perf_counter()
        written = rollup.refresh_all(
            progress=lambda s, e, n: say(f"  refresh_stats {s:%Y-%m} rows so far {n:,}")
        )
        say(f"refresh_stats: {written:,} MatterDailyStat rows in {time.perf_counter() - t0:.0f}s")
        from django.db import connection

        with connection.cursor() as cur:
            for table in ("reports_matterdailystat", "reports_matterdaytotal", "reports_mattermonthstat"):
                cur.execute(f"VACUUM ANALYZE {table}")

    if fresh:
        say(f"database {args.db} created; migrating")
        call_command("migrate", verbosity=0)
        load(args)
        rebuild()
    else:
        say(f"reusing database {args.db}; applying any new migrations")
        from django.db import connection
        from django.db.migrations.recorder import MigrationRecorder

        applied = MigrationRecorder(connection).migration_qs.count()
        call_command("migrate", verbosity=0)
        if MigrationRecorder(connection).migration_qs.count() != applied:
            # Data migrations rewrite rows; a live database would have been vacuumed and analysed since.
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
            say(f"new migrations applied; VACUUM ANALYZE in {time.perf_counter() - t0:.0f}s")
        if MatterDailyStat.objects.exists() and not MatterMonthStat.objects.exists():
            say("roll-ups predate the monthly table: rebuilding them")
            rebuild()
    from django.db import connection

    from quanke.visits.models import Visit

    if not Visit.objects.exists():
        load_sources(args.months)

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM matters_matter")
        n_matters = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM registry_resident")
        n_res = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM reports_matterdailystat")
        n_stat = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM reports_matterdaytotal")
        n_tot = cur.fetchone()[0]
    say(
        f"data: {n_matters:,} matters, {n_res:,} residents, {n_stat:,} daily-stat rows, {n_tot:,} day-total rows"
    )
    rows = run_timings(args)
    print_table(rows)
    connection.close()
    if args.drop:
        drop_database(args.server, args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
