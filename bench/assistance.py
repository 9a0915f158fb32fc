"""Benchmark: the proactive-discovery scan over a large registry, beside a per-household ORM loop.

    .venv/bin/python bench/assistance.py --residents 1000000            # both backends
    .venv/bin/python bench/assistance.py --residents 100000 --backends sqlite

For each backend it creates a dedicated database (PostgreSQL: `quanke_bench` on BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432; SQLite: var/bench/assistance.sqlite3), migrates it, bulk-loads synthetic
households, residents and benefits (COPY on PostgreSQL, executemany on SQLite), then times:

- the full scan end to end (`services.assistance_scan`: read the registry, evaluate every household with the
  OpenFisca engine in one vectorised pass per locality, write the review queue), run twice: first on an empty
  queue, then as a re-run that refreshes it;
- a per-household loop over a random sample of households through the Django ORM (fetch the household, its
  members and their benefits, evaluate that household alone with the same engine, write its findings), in a
  transaction rolled back afterwards.

Each backend runs in its own process (Django settings are per process); the parent prints the table. This is
never part of the test run. The databases are dropped at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "quanke_bench"
SQLITE_PATH = ROOT / "var" / "bench" / "assistance.sqlite3"
ON = date(2024, 3, 15)
STREETS, COMMUNITIES_PER_STREET = 10, 10


# --- Parent ----------------------------------------------------------------------------------------------


def parent(args) -> None:
    rows = []
    for backend in args.backends.split(","):
        command = [
            sys.executable,
            __file__,
            "--child",
            backend,
            "--residents",
            str(args.residents),
            "--sample",
            str(args.sample),
        ]
        if args.keep:
            command.append("--keep")
        print(f"== {backend} ==", flush=True)
        process = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        lines = process.stdout.strip().splitlines()
        for line in lines[:-1]:
            print("  " + line, flush=True)
        if process.returncode != 0 or not lines:
            print(f"  {backend} failed (exit {process.returncode})")
            continue
        rows.append(json.loads(lines[-1]))
    header = (
        "backend",
        "households",
        "residents",
        "load s",
        "full scan s",
        "re-run s",
        "scan µs/household",
        "ORM loop µs/household",
        "ratio",
    )
    table = [header]
    for r in rows:
        table.append(
            (
                r["backend"],
                f"{r['households']:,}",
                f"{r['residents']:,}",
                f"{r['load_s']:.1f}",
                f"{r['scan_s']:.1f}",
                f"{r['rescan_s']:.1f}",
                f"{r['scan_us']:.1f}",
                f"{r['loop_us']:,.0f}",
                f"{r['ratio']:,.0f}×",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print()
    for i, row in enumerate(table):
        print(" | ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    for r in rows:
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items())
        print(f"{r['backend']}: first scan stages: {stages}; findings {r['findings']:,}")


# --- Child: database ---------------------------------------------------------------------------------


def prepare_database(backend: str) -> str:
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
        return f"{PG_SERVER}/{PG_NAME}"
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def drop_database(backend: str) -> None:
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)


# --- Child: synthetic registry -----------------------------------------------------------------------


def generate(residents: int, community_ids: list[int]):
    """Column arrays for households, residents and benefits (deterministic)."""
    import numpy

    rng = numpy.random.default_rng(2026)
    sizes = rng.choice([1, 2, 3, 4, 5], size=residents, p=[0.22, 0.3, 0.25, 0.15, 0.08])
    sizes = sizes[: numpy.searchsorted(numpy.cumsum(sizes), residents) + 1]
    sizes[-1] -= sizes.sum() - residents
    households = len(sizes)
    h_unit = numpy.asarray(community_ids)[rng.integers(0, len(community_ids), households)]
    h_rural = rng.random(households) < 0.15
    h_assets = rng.random(households) < 0.9
    h_irregular = rng.random(households) < 0.15
    h_poor = rng.random(households) < 0.12
    p_household = numpy.repeat(numpy.arange(households), sizes)
    first = numpy.r_[0, numpy.cumsum(sizes)[:-1]]
    position = numpy.arange(residents) - first[p_household]
    head_age = rng.integers(22, 96, households)
    age = numpy.where(
        position == 0,
        head_age[p_household],
        numpy.where(
            position == 1,
            numpy.clip(head_age[p_household] + rng.integers(-5, 5, residents), 18, 100),
            numpy.where(
                position == 2,
                numpy.clip(head_age[p_household] - rng.integers(20, 35, residents), 0, 80),
                rng.integers(0, 90, residents),
            ),
        ),
    )
    birth = numpy.datetime64(ON) - (age * 365.25 + rng.integers(1, 360, residents)).astype("timedelta64[D]")
    income = numpy.where(
        age < 18,
        0.0,
        numpy.where(age >= 60, rng.integers(0, 4800, residents), numpy.exp(rng.normal(8.5, 0.5, residents))),
    )
    income = numpy.where(h_poor[p_household], income / 4, income).round(2)
    disabled = rng.random(residents) < numpy.where(age >= 60, 0.14, 0.05)
    kinds = numpy.array(["", "visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"])
    kind = numpy.where(disabled, kinds[rng.integers(1, 8, residents)], "")
    grade = numpy.where(disabled, rng.integers(1, 5, residents), 0)
    care = disabled & (grade <= 2) & (rng.random(residents) < 0.6)
    in_school = (age >= 6) & (age <= 22) & (position >= 2)
    supporter = ~((sizes[p_household] == 1) & (age >= 60) & (rng.random(residents) < 0.4))
    # Benefits: most poor households on 低保 (some no longer poor), most 80+ on 高龄津贴.
    per_capita = numpy.bincount(p_household, weights=income, minlength=households) / sizes
    on_dibao = (h_poor & (per_capita < 1395) & (rng.random(households) < 0.7)) | (
        (per_capita >= 1395) & (per_capita < 2092) & (rng.random(households) < 0.05)
    )
    b_dibao = numpy.flatnonzero(on_dibao[p_household])
    b_gaoling = numpy.flatnonzero((age >= 80) & (rng.random(residents) < 0.8))
    b_care = numpy.flatnonzero(care & (rng.random(residents) < 0.5))
    return {
        "households": households,
        "h_unit": h_unit,
        "h_rural": h_rural,
        "h_assets": h_assets,
        "h_irregular": h_irregular,
        "p_household": p_household,
        "position": position,
        "birth": birth,
        "income": income,
        "kind": kind,
        "grade": grade,
        "care": care,
        "in_school": in_school,
        "supporter": supporter,
        "sex": numpy.where(rng.random(residents) < 0.5, "M", "F"),
        "benefits": [("dibao", b_dibao, 300), ("gaoling", b_gaoling, 100), ("disability_care", b_care, 150)],
    }


RESIDENT_COLUMNS = (
    "id, created_at, updated_at, household_id, unit_id, name, name_pinyin, name_initials, id_number, birth_date, "
    "sex, phone, relation, lives_alone, monthly_income, disability_kind, disability_grade, needs_long_term_care, "
    "in_school, has_capable_supporter, notes, version"
)
HOUSEHOLD_COLUMNS = (
    "id, created_at, updated_at, unit_id, number, address, building, hukou_kind, hukou_type, "
    "assets_within_limits, irregular_income"
)
BENEFIT_COLUMNS = "created_at, updated_at, resident_id, program, start_date, end_date, monthly_amount, unit_id, household_id"


def rows(data):
    now = datetime(2024, 3, 1, 8, 0).isoformat() + "+00:00"
    start = (ON - timedelta(days=400)).isoformat()
    households = [
        (
            h + 1,
            now,
            now,
            int(u),
            f"B{h:07d}",
            f"Bench road {h}",
            "",
            "local",
            "rural" if r else "urban",
            bool(a),
            bool(i),
        )
        for h, (u, r, a, i) in enumerate(
            zip(
                data["h_unit"].tolist(),
                data["h_rural"].tolist(),
                data["h_assets"].tolist(),
                data["h_irregular"].tolist(),
                strict=True,
            )
        )
    ]
    h_unit = data["h_unit"]
    relations = ("head", "spouse", "child", "other")
    residents = [
        (
            p + 1,
            now,
            now,
            h + 1,
            int(h_unit[h]),
            f"居民{p}",
            f"jumin{p}",
            "jm",
            f"99{p:016d}",  # 18 digits: the normalised-form constraint
            str(b),
            s,
            "",
            relations[min(pos, 3)],
            False,
            f"{inc:.2f}",
            k,
            g or None,
            bool(c),
            bool(sc),
            bool(sup),
            "",
            1,  # the optimistic-locking version every saved resident starts at
        )
        for p, (h, pos, b, inc, k, g, c, sc, sup, s) in enumerate(
            zip(
                data["p_household"].tolist(),
                data["position"].tolist(),
                data["birth"].astype(str).tolist(),
                data["income"].tolist(),
                data["kind"].tolist(),
                data["grade"].tolist(),
                data["care"].tolist(),
                data["in_school"].tolist(),
                data["supporter"].tolist(),
                data["sex"].tolist(),
                strict=True,
            )
        )
    ]
    p_household = data["p_household"]
    benefits = [  # the community and household paid, as recorded on each benefit row
        (
            now,
            now,
            p + 1,
            program,
            start,
            None,
            f"{amount}.00",
            int(h_unit[p_household[p]]),
            int(p_household[p]) + 1,
        )
        for program, people, amount in data["benefits"]
        for p in people.tolist()
    ]
    return households, residents, benefits


def load(data) -> None:
    from django.db import connection, transaction

    households, residents, benefits = rows(data)
    tables = (
        ("registry_household", HOUSEHOLD_COLUMNS, households),
        ("registry_resident", RESIDENT_COLUMNS, residents),
        ("registry_benefit", BENEFIT_COLUMNS, benefits),
    )
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, values in tables:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            for table in ("registry_household", "registry_resident"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, values in tables:
                marks = ", ".join(["%s"] * len(columns.split(",")))
                for start in range(0, len(values), 100_000):
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})", values[start : start + 100_000]
                    )
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("ANALYZE")


# --- Child: the per-household ORM loop ----------------------------------------------------------------


def orm_loop(sample: int, households: int) -> float:
    """Seconds per household for: ORM reads, one-household engine call, findings written one by one."""
    import numpy
    from django.db import transaction

    from quanke.assistance import parameters, selectors
    from quanke.assistance.engine import assess_many
    from quanke.assistance.engine.api import DISABILITY_KIND_CODES, HUKOU_CODES
    from quanke.assistance.models import Finding, ScanRun
    from quanke.registry.models import Household

    ids = numpy.random.default_rng(7).choice(numpy.arange(1, households + 1), size=sample, replace=False)
    overrides = parameters.parameter_overrides()
    started = time.perf_counter()
    with transaction.atomic():
        run = ScanRun.objects.create(on_date=ON, locality="beijing")
        for pk in ids.tolist():
            household = Household.objects.prefetch_related("members__benefits").get(pk=pk)
            members = sorted(household.members.all(), key=lambda m: m.pk)
            benefits = [b for m in members for b in m.benefits.all()]
            held = {(b.program, b.resident_id) for b in selectors.current_benefits(benefits, ON)}
            on_dibao = any(p == "dibao" for p, _ in held)
            result = assess_many(
                {
                    "household": numpy.zeros(len(members), dtype=numpy.int64),
                    "birth_date": numpy.array([m.birth_date for m in members], dtype="datetime64[D]"),
                    "monthly_income": numpy.array([float(m.monthly_income) for m in members]),
                    "disability_kind": numpy.array(
                        [DISABILITY_KIND_CODES.index(m.disability_kind or "none") for m in members]
                    ),
                    "disability_grade": numpy.array([m.disability_grade or 0 for m in members]),
                    "needs_long_term_care": numpy.array([m.needs_long_term_care for m in members]),
                    "has_capable_supporter": numpy.array([m.has_capable_supporter for m in members]),
                    "in_school": numpy.array([m.in_school for m in members]),
                },
                {
                    "hukou": numpy.array([HUKOU_CODES.index(household.hukou_type)]),
                    "assets_within_limits": numpy.array([household.assets_within_limits]),
                    "receiving_dibao": numpy.array([on_dibao]),
                },
                locality="beijing",
                date=ON,
                parameters=overrides,
            )
            found = []
            if result["households"]["dibao_eligible"][0] and not on_dibao:
                found.append(("eligible_not_receiving", "dibao", None))
            if on_dibao and not result["households"]["dibao_eligible"][0]:
                found.append(("no_longer_eligible", "dibao", None))
            for i, m in enumerate(members):
                for program in ("tekun", "gaoling", "disability_living", "disability_care"):
                    eligible, has = result["persons"][f"{program}_eligible"][i], (program, m.pk) in held
                    if eligible and not has:
                        found.append(("eligible_not_receiving", program, m.pk))
                    elif has and not eligible:
                        found.append(("no_longer_eligible", program, m.pk))
            for kind, program, resident_id in found:
                key = Finding.make_key(kind, program, household.pk, resident_id)
                Finding.objects.get_or_create(
                    key=key,
                    status="open",
                    defaults=dict(
                        kind=kind,
                        program=program,
                        household=household,
                        resident_id=resident_id,
                        unit_id=household.unit_id,
                        locality="beijing",
                        on_date=ON,
                        first_run=run,
                        last_run=run,
                    ),
                )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed / sample


def child(args) -> None:
    backend = args.child
    url = prepare_database(backend)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-key")  # settings refuse to start without one
    import django

    django.setup()
    from django.core.management import call_command

    from quanke.assistance import services
    from quanke.core.models import OrgUnit, UnitLevel

    try:
        tick = time.perf_counter()
        call_command("migrate", verbosity=0)
        county = OrgUnit.objects.create(code="110188", name="基准区", level=UnitLevel.COUNTY)
        communities = []
        for s in range(STREETS):
            street = OrgUnit.objects.create(
                code=f"110188{s + 1:03d}", name=f"街道{s + 1}", level=UnitLevel.STREET, parent=county
            )
            for c in range(COMMUNITIES_PER_STREET):
                communities.append(
                    OrgUnit.objects.create(
                        code=f"{street.code}{c + 1:03d}",
                        name=f"社区{s + 1}-{c + 1}",
                        level=UnitLevel.COMMUNITY,
                        parent=street,
                    ).pk
                )
        print(f"migrated in {time.perf_counter() - tick:.1f} s", flush=True)
        tick = time.perf_counter()
        data = generate(args.residents, communities)
        load(data)
        load_s = time.perf_counter() - tick
        print(
            f"generated and loaded {data['households']:,} households / {args.residents:,} residents in {load_s:.1f} s",
            flush=True,
        )

        loop = orm_loop(args.sample, data["households"])
        print(f"ORM loop over {args.sample:,} households: {loop * 1e6:,.0f} µs per household", flush=True)

        first = services.assistance_scan(
            actor=None, on=ON, progress=lambda m: print("scan: " + m, flush=True)
        )
        second = services.assistance_scan(
            actor=None, on=ON, progress=lambda m: print("re-run: " + m, flush=True)
        )
        scan_s = first.run.seconds
        per_household = scan_s / data["households"]
        print(
            json.dumps(
                {
                    "backend": backend,
                    "households": data["households"],
                    "residents": args.residents,
                    "load_s": load_s,
                    "scan_s": scan_s,
                    "rescan_s": second.run.seconds,
                    "scan_us": per_household * 1e6,
                    "loop_us": loop * 1e6,
                    "ratio": loop / per_household,
                    "stages": first.stages,
                    "findings": first.run.findings_new,
                }
            ),
            flush=True,
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(backend)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="households in the per-household ORM loop")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
