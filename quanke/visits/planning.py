"""The monthly visit-plan proposal: which households, in what priority, shared out among the station's workers.

Deterministic for given data. Special-group households (tags with a visit interval) come first, scored by
  10 × the highest tag priority + 20 × min(days since last visit ÷ the shortest interval, 2) + 5 × open needs
  + 2 × each further special-group tag;
ordinary households only fill up to the minimum of 30 per worker, oldest visit first. The selection is then cut
along the route (building, then address) into equal shares, so each worker walks a compact area.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core.unit_settings import unit_setting
from quanke.registry.models import Household, Resident
from quanke.visits import schedule
from quanke.visits.models import Visit, VisitNeed

NEVER_VISITED_RATIO = 2.0


@dataclass
class Candidate:
    household: Household
    score: Decimal
    reasons: list[str]
    special: bool
    worker: object = None


@dataclass
class Proposal:
    workers: list
    assigned: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def natural_key(text: str) -> list:
    """'2号楼' before '10号楼'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text or "")]


def route_key(household: Household) -> tuple:
    return (natural_key(household.building), natural_key(household.address), household.pk)


def open_needs_by_household(unit) -> dict[int, int]:
    """Open needs per household: needs found at visits and not yet resolved or taken up as a matter, plus the
    residents' open matters (a need accepted as a matter counts once, as that matter)."""
    from quanke.visits import integration

    rows = (
        VisitNeed.objects.filter(visit__unit=unit, resolved=False, matter__isnull=True)
        .values("visit__household")
        .annotate(n=Count("id"))
    )
    counts = {r["visit__household"]: r["n"] for r in rows}
    for household, n in integration.open_matters_by_household(unit).items():
        counts[household] = counts.get(household, 0) + n
    return counts


def last_visits(unit, before=None) -> dict[int, date]:
    qs = Visit.objects.filter(unit=unit)
    if before is not None:
        qs = qs.filter(visited_at__lt=before)
    rows = qs.values("household").annotate(last=Max("visited_at"))
    tz = schedule.local_tz()
    return {r["household"]: timezone.localtime(r["last"], tz).date() for r in rows}


def household_is_special(household) -> bool:
    """A member carries a special-group tag: one with a visit interval, the tags the planner schedules by."""
    return household.members.filter(tags__visit_interval_days__isnull=False).exists()


def special_tags_by_household(unit) -> dict[int, list[tuple]]:
    """{household_id: [(code, name, priority, interval, sensitive)]} for tags that carry a visit interval."""
    rows = (
        Resident.tags.through.objects.filter(resident__unit=unit, tag__visit_interval_days__isnull=False)
        .values_list(
            "resident__household_id",
            "tag__code",
            "tag__name",
            "tag__priority",
            "tag__visit_interval_days",
            "tag__sensitive",
        )
        .distinct()
    )
    result = defaultdict(set)
    for hh, code, name, priority, interval, sensitive in rows:
        result[hh].add((code, name, priority, interval, sensitive))
    return {hh: sorted(tags, key=lambda t: (-t[2], t[0])) for hh, tags in result.items()}


def score_household(tags: list[tuple], last: date | None, needs: int, on: date) -> tuple[Decimal, list[str]]:
    reasons: list[str] = []
    if tags:
        top_priority = max(t[2] for t in tags)
        interval = min(t[3] for t in tags)
        # Sensitive tags count in the score but are never printed on a plan or route list.
        reasons += [t[1] for t in tags if not t[4]]
        if last is None:
            ratio = NEVER_VISITED_RATIO
            reasons.append(_("从未走访"))
        else:
            days = (on - last).days
            ratio = min(days / interval, NEVER_VISITED_RATIO)
            reasons.append(
                _("距上次走访 %(d)d 天（应每 %(i)d 天）") % {"d": days, "i": interval}
                if days >= interval
                else _("距上次走访 %(d)d 天") % {"d": days}
            )
        score = 10 * top_priority + 20 * ratio + 5 * needs + 2 * (len(tags) - 1)
    else:
        days = (on - last).days if last else 365
        score = 10 * min(days / 365, 1)
        reasons.append(
            _("常规入户走访") if last is None else _("常规入户走访，距上次 %(d)d 天") % {"d": days}
        )
    if needs:
        reasons.append(_("未解决需求 %(n)d 项") % {"n": needs})
    return Decimal(str(round(score, 2))), reasons


def propose(*, unit, month: date, today: date | None = None) -> Proposal:
    today = today or timezone.localdate()
    on = max(today, month)
    workers = schedule.station_workers(unit)
    proposal = Proposal(workers=workers)
    lo = unit_setting(unit, "visit_plan_min_per_worker")
    hi = unit_setting(unit, "visit_plan_max_per_worker")
    if not workers:
        proposal.notes.append(_("本站点没有可安排走访的社工。"))
        return proposal
    tags = special_tags_by_household(unit)
    lasts = last_visits(unit, before=schedule.at_local(on, time(0)))
    needs = open_needs_by_household(unit)
    special, ordinary = [], []
    for household in Household.objects.filter(unit=unit).order_by("id"):
        hh_tags = tags.get(household.pk, [])
        score, reasons = score_household(hh_tags, lasts.get(household.pk), needs.get(household.pk, 0), on)
        (special if hh_tags else ordinary).append(Candidate(household, score, reasons, bool(hh_tags)))
    by_priority = lambda c: (-c.score, c.household.pk)  # noqa: E731
    special.sort(key=by_priority)
    ordinary.sort(key=by_priority)
    w = len(workers)
    floor, ceiling = lo * w, hi * w
    if len(special) > ceiling:
        selected = special[:ceiling]
        proposal.notes.append(
            _(
                "特殊群体家庭 %(n)d 户，超出本月走访容量（%(w)d 人 × %(hi)d 户），按优先级纳入 %(c)d 户，其余 %(r)d 户顺延。"
            )
            % {"n": len(special), "w": w, "hi": hi, "c": ceiling, "r": len(special) - ceiling}
        )
    else:
        filler = ordinary[: max(0, floor - len(special))]
        selected = special + filler
        proposal.notes.append(
            _("特殊群体家庭 %(n)d 户全部纳入。") % {"n": len(special)}
            + (
                _("另以普通家庭 %(f)d 户补足每人 %(lo)d 户的下限。") % {"f": len(filler), "lo": lo}
                if filler
                else ""
            )
        )
    if len(selected) < floor:
        proposal.notes.append(
            _(
                "候选家庭户只有 %(n)d 户，少于 %(w)d 名社工 × 每人 %(lo)d 户 = %(f)d 户，每人将不足 %(lo)d 户。"
            )
            % {"n": len(selected), "w": w, "lo": lo, "f": floor}
        )
    selected.sort(key=lambda c: route_key(c.household))
    base, extra = divmod(len(selected), w)
    start = 0
    for i, worker in enumerate(workers):
        size = base + (1 if i < extra else 0)
        for candidate in selected[start : start + size]:
            candidate.worker = worker
        start += size
    proposal.assigned = selected
    proposal.notes.append(
        _("共 %(n)d 户，%(w)d 名社工，每人 %(a)d–%(b)d 户。")
        % {"n": len(selected), "w": w, "a": base, "b": base + (1 if extra else 0)}
    )
    return proposal
