"""Proactive discovery (未诉先办): the whole registry through the rules in one vectorised pass.

Stages: read the registry as numpy columns (raw SQL, one query per table, no model instances), evaluate
with ``engine.assess_many`` once per locality, compare with the benefits recorded on the date, and write
the review queue with bulk statements. Findings are keyed (kind, program, household, resident), so a
re-run refreshes open findings instead of duplicating them, lapses open ones whose facts have changed and
does not raise again what a worker decided recently.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.assistance import parameters
from quanke.assistance.engine import DISABILITY_KIND_CODES, HUKOU_CODES, assess_many, build_system
from quanke.assistance.models import (
    ASSESSED_PROGRAMS,
    Finding,
    FindingKind,
    FindingStatus,
    ScanRun,
)
from quanke.core.models import OrgUnit
from quanke.core.unit_settings import UnitValues
from quanke.registry.models import Benefit, Household, Resident

FETCH_CHUNK = 250_000  # ids per aggregated text value
WRITE_BATCH = 5_000
PROGRAM_CODES = {program: index for index, program in enumerate(ASSESSED_PROGRAMS)}
LAPSE_REASON = "复查扫描时线索条件已不存在（收入、待遇或家庭情况已变化）"

Progress = Callable[[str], None]


@dataclass
class Columns:
    """The registry as arrays. Persons are aligned with ``person_id``; households with ``household_id``."""

    household_id: numpy.ndarray
    household_unit: numpy.ndarray
    hukou: numpy.ndarray
    assets: numpy.ndarray
    household_local: numpy.ndarray  # the household's 户籍 is in the locality
    person_id: numpy.ndarray
    person_household: numpy.ndarray  # index into the household arrays
    birth_days: numpy.ndarray
    income_cents: numpy.ndarray
    disability_kind: numpy.ndarray
    disability_grade: numpy.ndarray
    care: numpy.ndarray
    in_school: numpy.ndarray
    supporter: numpy.ndarray
    hukou_local: numpy.ndarray  # the member's own 户籍, else the household's
    # (person index, program code, amount) of benefits current on the date
    benefit_person: numpy.ndarray
    benefit_program: numpy.ndarray
    benefit_amount: numpy.ndarray


@dataclass
class ScanResult:
    run: ScanRun
    stages: dict[str, float] = field(default_factory=dict)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _parse_ints(text: bytes | str, columns: int) -> numpy.ndarray:
    if not text or not text.strip():
        return numpy.zeros((0, columns), dtype=numpy.int64)
    values = numpy.loadtxt(
        io.StringIO(text) if isinstance(text, str) else io.BytesIO(text), dtype=numpy.int64, ndmin=2
    )
    return values.reshape(-1, columns)


def _fetch(table: str, expressions: list[str], where: str, params: list) -> numpy.ndarray:
    """Integer columns of every matching row as an (n, k) int64 array, parsed by numpy in C.

    Building a Python tuple per row (cursor.fetchall), or receiving one COPY message per row, costs more than
    the whole evaluation at a million rows, so the database joins each id range into one text value
    (string_agg / group_concat) and numpy parses it.
    """
    columns = len(expressions)
    if connection.vendor == "postgresql":
        row = " || ' ' || ".join(f"({e})::text" for e in expressions)
        aggregate = f"string_agg({row}, ' ')"
    else:
        row = " || ' ' || ".join(f"({e})" for e in expressions)
        aggregate = f"group_concat({row}, ' ')"
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}{where}", params)
        low, high = cursor.fetchone()
        if low is None:
            return numpy.zeros((0, columns), dtype=numpy.int64)
        joiner = " AND " if where else " WHERE "
        for start in range(low, high + 1, FETCH_CHUNK):
            cursor.execute(
                f"SELECT {aggregate} FROM {table}{where}{joiner}id >= %s AND id < %s",
                [*params, start, start + FETCH_CHUNK],
            )
            parts.append(_parse_ints(cursor.fetchone()[0], columns))
    return numpy.concatenate(parts)


def _unit_filter(column: str, unit_ids: list[int] | None) -> tuple[str, list]:
    if unit_ids is None:
        return "", []
    if not unit_ids:
        return " WHERE 1 = 0", []
    return f" WHERE {column} IN ({', '.join(['%s'] * len(unit_ids))})", list(unit_ids)


def _sorted(rows: numpy.ndarray) -> numpy.ndarray:
    return rows[numpy.argsort(rows[:, 0], kind="stable")]


def read_columns(*, on: date, unit_ids: list[int] | None) -> Columns:
    """Read households, residents and current benefits with one streamed query each (``unit_ids`` None = all)."""
    pg = connection.vendor == "postgresql"
    rural = HUKOU_CODES.index("rural")
    urban = HUKOU_CODES.index("urban")
    flag = (lambda c: f"{c}::int") if pg else (lambda c: c)
    where, params = _unit_filter("unit_id", unit_ids)
    households = _sorted(
        _fetch(
            _table(Household),
            [
                "id",
                "unit_id",
                f"CASE WHEN hukou_type = 'rural' THEN {rural} ELSE {urban} END",
                flag("assets_within_limits"),
                "CASE WHEN hukou_kind = 'nonlocal' THEN 0 ELSE 1 END",
            ],
            where,
            params,
        )
    )
    kind_case = " ".join(
        f"WHEN '{kind}' THEN {code}" for code, kind in enumerate(DISABILITY_KIND_CODES) if kind != "none"
    )
    if pg:
        birth = "birth_date - DATE '1970-01-01'"
        income = "ROUND(monthly_income * 100)::bigint"
    else:
        birth = "CAST(julianday(birth_date) - 2440587.5 AS INTEGER)"
        income = "CAST(ROUND(monthly_income * 100) AS INTEGER)"
    # Own 户籍 (0 = as the household, 1 local, 2 elsewhere), disability and the three flags packed into one
    # integer: fewer values to stream and parse.
    packed = (
        "(CASE member_hukou WHEN 'local' THEN 1 WHEN 'nonlocal' THEN 2 ELSE 0 END) * 512 + "
        f"(CASE disability_kind {kind_case} ELSE 0 END) * 64 + COALESCE(disability_grade, 0) * 8 + "
        f"{flag('needs_long_term_care')} * 4 + {flag('in_school')} * 2 + {flag('has_capable_supporter')}"
    )
    persons = _sorted(_fetch(_table(Resident), ["id", "household_id", birth, income, packed], where, params))
    program_case = " ".join(f"WHEN '{program}' THEN {code}" for program, code in PROGRAM_CODES.items())
    cents = "ROUND(monthly_amount * 100)::bigint" if pg else "CAST(ROUND(monthly_amount * 100) AS INTEGER)"
    benefits = _fetch(
        _table(Benefit),
        ["resident_id", f"CASE program {program_case} END", cents],
        f" WHERE program IN ({', '.join(['%s'] * len(PROGRAM_CODES))}) AND start_date <= %s "
        "AND (end_date IS NULL OR end_date >= %s)",
        [*PROGRAM_CODES, on, on],
    )
    # Households without members cannot be assessed (and have nobody to help).
    person_household = numpy.searchsorted(households[:, 0], persons[:, 1])
    if len(households):
        in_scope = (person_household < len(households)) & (
            households[numpy.minimum(person_household, len(households) - 1), 0] == persons[:, 1]
        )
    else:
        in_scope = numpy.zeros(len(persons), dtype=bool)
    persons, person_household = persons[in_scope], person_household[in_scope]
    occupied = numpy.bincount(person_household, minlength=len(households)) > 0
    renumber = numpy.cumsum(occupied) - 1
    households = households[occupied]
    person_household = renumber[person_household]
    benefit_person = numpy.searchsorted(persons[:, 0], benefits[:, 0])
    if len(persons):
        known = (benefit_person < len(persons)) & (
            persons[numpy.minimum(benefit_person, len(persons) - 1), 0] == benefits[:, 0]
        )
    else:
        known = numpy.zeros(len(benefits), dtype=bool)
    flags = persons[:, 4]
    own_hukou = flags // 512
    household_local = households[:, 4].astype(bool)
    hukou_local = numpy.where(own_hukou == 0, household_local[person_household], own_hukou == 1)
    return Columns(
        household_id=households[:, 0],
        household_unit=households[:, 1],
        hukou=households[:, 2].astype(numpy.int16),
        assets=households[:, 3].astype(bool),
        household_local=household_local,
        person_id=persons[:, 0],
        person_household=person_household,
        birth_days=persons[:, 2],
        income_cents=persons[:, 3],
        disability_kind=((flags // 64) % 8).astype(numpy.int16),
        disability_grade=((flags // 8) % 8).astype(numpy.int32),
        care=(flags & 4).astype(bool),
        in_school=(flags & 2).astype(bool),
        supporter=(flags & 1).astype(bool),
        hukou_local=hukou_local.astype(bool),
        benefit_person=benefit_person[known],
        benefit_program=benefits[known, 1],
        benefit_amount=benefits[known, 2],
    )


@dataclass
class Candidates:
    """Findings of one evaluation as parallel lists (one entry per finding)."""

    kind: list[str] = field(default_factory=list)
    program: list[str] = field(default_factory=list)
    household: list[int] = field(default_factory=list)  # household index
    person: list[int] = field(default_factory=list)  # person index or -1
    amount: list[float | None] = field(default_factory=list)
    current: list[float | None] = field(default_factory=list)

    def add(self, kind, program, households, persons, amounts, currents) -> None:
        n = len(households)
        self.kind += [kind] * n
        self.program += [program] * n
        self.household += households.tolist()
        self.person += persons.tolist() if persons is not None else [-1] * n
        self.amount += amounts.tolist() if amounts is not None else [None] * n
        self.current += currents.tolist() if currents is not None else [None] * n


def evaluate(columns: Columns, household_mask: numpy.ndarray, *, locality: str, on: date, overrides) -> tuple:
    """Run the engine on the masked households; return (candidates, alternatives by household index)."""
    h_index = numpy.flatnonzero(household_mask)
    p_mask = household_mask[columns.person_household]
    p_index = numpy.flatnonzero(p_mask)
    local_household = numpy.full(len(columns.household_id), -1, dtype=numpy.int64)
    local_household[h_index] = numpy.arange(len(h_index))
    person_household_local = local_household[columns.person_household[p_index]]

    # What is received, per person and per household (benefits are recorded per member).
    receiving = {}
    amount = {}
    person_local = numpy.full(len(columns.person_id), -1, dtype=numpy.int64)
    person_local[p_index] = numpy.arange(len(p_index))
    b_local = person_local[columns.benefit_person]
    b_keep = b_local >= 0
    for program, code in PROGRAM_CODES.items():
        rows = b_keep & (columns.benefit_program == code)
        flags = numpy.zeros(len(p_index), dtype=bool)
        flags[b_local[rows]] = True
        cents = numpy.zeros(len(p_index), dtype=numpy.int64)
        numpy.add.at(cents, b_local[rows], columns.benefit_amount[rows])
        receiving[program], amount[program] = flags, cents
    household_count = len(h_index)

    def per_household(values, dtype=numpy.int64):
        return numpy.bincount(person_household_local, weights=values, minlength=household_count).astype(dtype)

    h_receiving = {p: per_household(receiving[p].astype(numpy.int64)) > 0 for p in ("dibao", "dibao_edge")}
    h_amount = {p: per_household(amount[p]) for p in ("dibao", "dibao_edge")}

    result = assess_many(
        {
            "household": person_household_local,
            "birth_date": columns.birth_days[p_index],
            "monthly_income": columns.income_cents[p_index] / 100,
            "disability_kind": columns.disability_kind[p_index],
            "disability_grade": columns.disability_grade[p_index],
            "needs_long_term_care": columns.care[p_index],
            "has_capable_supporter": columns.supporter[p_index],
            "in_school": columns.in_school[p_index],
            "hukou_local": columns.hukou_local[p_index],
        },
        {
            "hukou": columns.hukou[h_index],
            "assets_within_limits": columns.assets[h_index],
            "receiving_dibao": h_receiving["dibao"],
        },
        locality=locality,
        date=on,
        parameters=overrides,
    )
    hh, pp = result["households"], result["persons"]
    found = Candidates()
    dibao_ok, edge_ok, exit_ = hh["dibao_eligible"], hh["dibao_edge_eligible"], hh["gradual_exit"]
    on_dibao, on_edge = h_receiving["dibao"], h_receiving["dibao_edge"]

    def add_households(kind, program, mask, amounts, currents):
        rows = numpy.flatnonzero(mask)
        found.add(
            kind,
            program,
            h_index[rows],
            None,
            None if amounts is None else amounts[rows],
            None if currents is None else currents[rows] / 100,
        )

    # 特困 support replaces 低保 (国发〔2016〕14号): a person supported as 特困 is never the reason for a 低保
    # lead, and one who qualifies for 特困 while the household receives 低保 is a lead to convert instead.
    getting_tekun = receiving["tekun"]
    household_on_dibao = on_dibao[person_household_local]
    convert = pp["tekun_eligible"] & ~getting_tekun & household_on_dibao
    has_convert = per_household(convert.astype(numpy.int64)) > 0
    covered_not_tekun = per_household((pp["dibao_covered"] & ~getting_tekun).astype(numpy.int64)) > 0
    # On 低保 and failing it only because nobody is left to cover once 特困 members are converted: the
    # conversion lead says it; a "no longer eligible" 低保 lead beside it would be the same case twice.
    only_conversion = (
        has_convert
        & columns.assets[h_index]
        & hh["dibao_income_below_standard"]
        & (hh["dibao_covered_count"] == 0)
    )
    add_households(
        FindingKind.ELIGIBLE_NOT_RECEIVING,
        "dibao",
        dibao_ok & ~on_dibao & covered_not_tekun,
        hh["dibao_monthly_amount"],
        None,
    )
    leaving_dibao = on_dibao & ~dibao_ok & ~only_conversion
    add_households(FindingKind.GRADUAL_EXIT, "dibao", leaving_dibao & exit_, None, h_amount["dibao"])
    add_households(FindingKind.NO_LONGER_ELIGIBLE, "dibao", leaving_dibao & ~exit_, None, h_amount["dibao"])
    add_households(
        FindingKind.ELIGIBLE_NOT_RECEIVING, "dibao_edge", edge_ok & ~on_edge & ~on_dibao, None, None
    )
    add_households(
        FindingKind.NO_LONGER_ELIGIBLE,
        "dibao_edge",
        on_edge & ~edge_ok & ~dibao_ok,
        None,
        h_amount["dibao_edge"],
    )

    person_amounts = {"tekun": pp["tekun_monthly_basic"], "gaoling": pp["gaoling_monthly_amount"]}
    rows = numpy.flatnonzero(convert)
    found.add(
        FindingKind.TEKUN_INSTEAD_OF_DIBAO,
        "tekun",
        h_index[person_household_local[rows]],
        p_index[rows],
        pp["tekun_monthly_basic"][rows],
        h_amount["dibao"][person_household_local[rows]] / 100,
    )
    for program in ("tekun", "gaoling", "disability_living", "disability_care"):
        eligible, getting = pp[f"{program}_eligible"], receiving[program]
        not_receiving = eligible & ~getting & ~convert if program == "tekun" else eligible & ~getting
        for kind, mask in (
            (FindingKind.ELIGIBLE_NOT_RECEIVING, not_receiving),
            (FindingKind.NO_LONGER_ELIGIBLE, getting & ~eligible),
        ):
            rows = numpy.flatnonzero(mask)
            values = person_amounts.get(program)
            found.add(
                kind,
                program,
                h_index[person_household_local[rows]],
                p_index[rows],
                values[rows] if values is not None and kind == FindingKind.ELIGIBLE_NOT_RECEIVING else None,
                amount[program][rows] / 100 if kind == FindingKind.NO_LONGER_ELIGIBLE else None,
            )

    # What else applies, for households leaving 低保 or in gradual exit.
    leaving = numpy.flatnonzero(on_dibao & ~dibao_ok)
    alternatives: dict[int, list[dict]] = {}
    if len(leaving):
        order = numpy.argsort(person_household_local, kind="stable")
        starts = numpy.searchsorted(person_household_local[order], leaving)
        ends = numpy.searchsorted(person_household_local[order], leaving, side="right")
        for local_h, start, end in zip(leaving.tolist(), starts.tolist(), ends.tolist(), strict=True):
            options = []
            if edge_ok[local_h]:
                options.append({"program": "dibao_edge", "resident_id": None})
            for local_p in order[start:end].tolist():
                resident_id = int(columns.person_id[p_index[local_p]])
                for program in ("tekun", "gaoling", "disability_living", "disability_care"):
                    if pp[f"{program}_eligible"][local_p]:
                        value = person_amounts.get(program)
                        options.append(
                            {
                                "program": program,
                                "resident_id": resident_id,
                                "amount": float(value[local_p]) if value is not None else None,
                            }
                        )
            alternatives[int(h_index[local_h])] = options
    return found, alternatives


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


def scan_registry(
    *, actor=None, locality: str = "", on: date | None = None, progress: Progress | None = None
) -> ScanResult:
    """Evaluate the registry (one locality, or all) and refresh the review queue. Returns the ScanRun."""
    say = progress or (lambda message: None)
    on = on or timezone.localdate()
    started = time.perf_counter()
    stages: dict[str, float] = {}
    overrides = parameters.parameter_overrides()
    systems = build_system(overrides)
    if locality:
        systems.get(locality)  # UnknownLocalityError for a code without parameters
    mapping, default = parameters.locality_by_unit_path()
    unit_locality = {
        unit_id: parameters.resolve_path(path, mapping, default)
        for unit_id, path in OrgUnit.objects.values_list("id", "path")
    }
    codes = sorted(set(unit_locality.values()))
    unit_ids = [u for u, code in unit_locality.items() if code == locality] if locality else None
    if len(codes) == 1 and locality in ("", codes[0]):
        unit_ids = None  # every unit is in scope: no IN list

    tick = time.perf_counter()
    columns = read_columns(on=on, unit_ids=unit_ids)
    stages["read"] = time.perf_counter() - tick
    say(
        _("读取登记数据：%(h)d 户、%(p)d 人、%(b)d 条在享待遇（%(s).1f 秒）")
        % {
            "h": len(columns.household_id),
            "p": len(columns.person_id),
            "b": len(columns.benefit_person),
            "s": stages["read"],
        }
    )

    tick = time.perf_counter()
    unit_codes = numpy.array(sorted(unit_locality), dtype=numpy.int64)
    unit_code_names = numpy.array([unit_locality[u] for u in unit_codes.tolist()], dtype=object)
    household_locality = unit_code_names[numpy.searchsorted(unit_codes, columns.household_unit)]
    scanned = [locality] if locality else [c for c in codes if c in systems.localities]
    candidates: list[tuple[str, Candidates]] = []
    alternatives: dict[int, list[dict]] = {}
    for code in scanned:
        mask = household_locality == code
        if not mask.any():
            continue
        found, options = evaluate(columns, mask, locality=code, on=on, overrides=overrides)
        candidates.append((code, found))
        alternatives.update(options)
    stages["evaluate"] = time.perf_counter() - tick
    say(
        _("按规则评估：%(n)d 个地区，发现线索 %(f)d 条（%(s).1f 秒）")
        % {"n": len(candidates), "f": sum(len(f.kind) for _c, f in candidates), "s": stages["evaluate"]}
    )

    tick = time.perf_counter()
    run = write_findings(
        actor=actor,
        locality=locality,
        on=on,
        scanned=scanned,
        columns=columns,
        candidates=candidates,
        alternatives=alternatives,
        say=say,
    )
    stages["write"] = time.perf_counter() - tick
    run.seconds = time.perf_counter() - started
    run.stages = {name: round(value, 3) for name, value in stages.items()}
    run.finished_at = timezone.now()
    run.save(update_fields=["seconds", "stages", "finished_at"])
    say(
        _("写入复核队列：新增 %(n)d 条，仍存在 %(k)d 条，失效 %(l)d 条（%(s).1f 秒）；合计 %(t).1f 秒")
        % {
            "n": run.findings_new,
            "k": run.findings_kept,
            "l": run.findings_lapsed,
            "s": stages["write"],
            "t": run.seconds,
        }
    )
    return ScanResult(run=run, stages=stages)


INSERT_COLUMNS = (
    "key",
    "kind",
    "program",
    "household_id",
    "resident_id",
    "unit_id",
    "locality",
    "on_date",
    "amount",
    "current_amount",
    "details",
    "status",
    "reason",
    "first_run_id",
    "last_run_id",
)


def _insert_findings(rows: list[tuple]) -> None:
    """Plain multi-row inserts (COPY on PostgreSQL): no model instances for a hundred thousand rows."""
    table = _table(Finding)
    columns = ", ".join(connection.ops.quote_name(c) for c in INSERT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # The partial unique index makes a concurrent duplicate a no-op rather than an error.
        verb = "INSERT OR IGNORE" if connection.vendor == "sqlite" else "INSERT"
        marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(
                f"{verb} INTO {table} ({columns}) VALUES ({marks})", rows[start : start + WRITE_BATCH]
            )


def _serialise_scans() -> None:
    """One scan writes at a time (the queue is compared with what is already open, then inserted)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x51A55C])


def write_findings(*, actor, locality, on, scanned, columns, candidates, alternatives, say) -> ScanRun:
    now = timezone.now()
    # A decided lead is not raised again for its station's finding_snooze_days (quanke.core.unit_settings).
    snooze = UnitValues("finding_snooze_days")
    snooze_from = now - timedelta(days=max([snooze.default, *snooze.by_unit.values()]))
    with transaction.atomic():
        _serialise_scans()
        run = ScanRun.objects.create(
            on_date=on,
            locality=locality,
            actor=actor if getattr(actor, "pk", None) else None,
            households=len(columns.household_id),
            residents=len(columns.person_id),
        )
        scope = Finding.objects.filter(
            locality__in=scanned
        ).order_by()  # no default ordering (a join to units)
        existing = {
            key: (pk, amount)
            for key, pk, amount in scope.filter(status=FindingStatus.OPEN).values_list("key", "id", "amount")
        }
        snoozed = {
            key
            for key, unit_id, decided_at in scope.filter(decided_at__gte=snooze_from)
            .exclude(status__in=[FindingStatus.OPEN, FindingStatus.LAPSED])
            .values_list("key", "unit_id", "decided_at")
            if decided_at >= now - timedelta(days=snooze.get(unit_id))
        }
        new_rows, kept_ids, changed = [], [], []
        seen = set()
        household_ids = columns.household_id.tolist()
        household_units = columns.household_unit.tolist()
        person_ids = columns.person_id.tolist()
        for code, found in candidates:
            for kind, program, h, p, amount, current in zip(
                found.kind,
                found.program,
                found.household,
                found.person,
                found.amount,
                found.current,
                strict=True,
            ):
                household_id = household_ids[h]
                resident_id = person_ids[p] if p >= 0 else None
                key = f"{kind}:{program}:{household_id}:{resident_id or 0}"
                seen.add(key)
                amount = _money(amount)
                if key in existing:
                    pk, old = existing[key]
                    kept_ids.append(pk)
                    if old != amount:
                        changed.append(
                            Finding(pk=pk, amount=amount, current_amount=_money(current), on_date=on)
                        )
                    continue
                if key in snoozed:
                    continue
                details = "{}"
                if program == "dibao" and kind != FindingKind.ELIGIBLE_NOT_RECEIVING:
                    details = json.dumps({"alternatives": alternatives.get(h, [])}, ensure_ascii=False)
                new_rows.append(
                    (
                        key,
                        str(kind),
                        program,
                        household_id,
                        resident_id,
                        household_units[h],
                        code,
                        on,
                        amount,
                        _money(current),
                        details,
                        FindingStatus.OPEN.value,
                        "",
                        run.pk,
                        run.pk,
                    )
                )
        _insert_findings(new_rows)
        # Findings still present are left untouched (rewriting 100k unchanged rows would dominate a re-run);
        # only a changed amount is written. The run records how many were kept.
        if changed:
            Finding.objects.bulk_update(
                changed, ["amount", "current_amount", "on_date"], batch_size=WRITE_BATCH
            )
        lapsed_ids = [pk for key, (pk, _amount) in existing.items() if key not in seen]
        for start in range(0, len(lapsed_ids), WRITE_BATCH):
            Finding.objects.filter(id__in=lapsed_ids[start : start + WRITE_BATCH]).update(
                status=FindingStatus.LAPSED, reason=LAPSE_REASON, decided_at=now, last_run=run
            )
        run.findings_new = len(new_rows)
        run.findings_kept = len(kept_ids)
        run.findings_lapsed = len(lapsed_ids)
        run.save(update_fields=["findings_new", "findings_kept", "findings_lapsed"])
    return run
