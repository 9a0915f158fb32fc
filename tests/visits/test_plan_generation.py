"""Monthly plans: 30–50 households per worker, special groups first by priority, overdue-ness and open needs,
even shares along the route; the head adjusts and approves."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quanke.registry.models import Household, Resident, Tag
from quanke.visits import schedule, services
from quanke.visits.models import PlanEntry, Visit, VisitNeed, VisitPlan
from tests.conftest import make_resident
from tests.visits.conftest import household_with

MONTH = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)


def many(unit, n, *, tags=(), building_of=lambda i: f"{i % 7 + 1}号楼"):
    """n households of one resident each, tagged in bulk (fast)."""
    start = Household.objects.count()
    households = Household.objects.bulk_create(
        [
            Household(
                unit=unit,
                number=f"P{start + i:05d}",
                address=f"{building_of(i)}{i}室",
                building=building_of(i),
            )
            for i in range(n)
        ]
    )
    people = [make_resident(unit, f"居民{start + i}", household=h) for i, h in enumerate(households)]
    for code in tags:
        tag = Tag.objects.get(code=code)
        Resident.tags.through.objects.bulk_create(
            [Resident.tags.through(resident_id=p.pk, tag_id=tag.pk) for p in people]
        )
    return households


def counts(plan):
    return {w: plan.entries.filter(worker=w).count() for w in schedule.station_workers(plan.unit)}


def test_special_groups_within_capacity_are_all_planned_and_shared_evenly(cast):
    special = many(cast.community_a, 70, tags=["dibao"])
    many(cast.community_a, 20)
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    assert set(plan.entries.values_list("household", flat=True)) == {h.pk for h in special}
    assert sorted(counts(plan).values()) == [35, 35]
    assert any("全部纳入" in n for n in plan.notes)


def test_ordinary_households_fill_up_to_thirty_each(cast):
    many(cast.community_a, 40, tags=["elderly"])
    many(cast.community_a, 50)
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    assert sorted(counts(plan).values()) == [30, 30]
    assert plan.entries.filter(household__members__tags__code="elderly").distinct().count() == 40


def test_over_capacity_keeps_the_highest_priorities_and_says_so(cast):
    low = many(cast.community_a, 90, tags=["veteran"])  # priority 2, every 180 days
    high = many(cast.community_a, 20, tags=["tekun"])  # priority 9, every 30 days
    # Ten veterans visited yesterday fall to the bottom.
    yesterday = timezone.now() - timedelta(days=1)
    for h in low[:10]:
        Visit.objects.create(unit=cast.community_a, household=h, worker=cast.desk_a, visited_at=yesterday)
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    planned = set(plan.entries.values_list("household", flat=True))
    assert len(planned) == 100 and all(c == 50 for c in counts(plan).values())
    assert {h.pk for h in high} <= planned
    assert not planned & {h.pk for h in low[:10]}
    assert any("顺延" in n for n in plan.notes)


def test_open_needs_and_overdue_raise_the_score(cast):
    a, _ = household_with(cast.community_a, "甲", tags=["dibao"])
    b, _ = household_with(cast.community_a, "乙", tags=["dibao"])
    c, _ = household_with(cast.community_a, "丙", tags=["dibao"])
    old = timezone.now() - timedelta(days=200)
    recent = timezone.now() - timedelta(days=10)
    Visit.objects.create(unit=cast.community_a, household=a, worker=cast.desk_a, visited_at=old)
    v = Visit.objects.create(unit=cast.community_a, household=b, worker=cast.desk_a, visited_at=recent)
    VisitNeed.objects.create(visit=v, description="需要轮椅")
    Visit.objects.create(unit=cast.community_a, household=c, worker=cast.desk_a, visited_at=recent)
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    score = {e.household_id: e.score for e in plan.entries.all()}
    assert score[a.pk] > score[b.pk] > score[c.pk]
    reasons = plan.entries.get(household=b).reasons
    assert "低保" in reasons and any("未解决需求 1 项" in r for r in reasons)


def test_sensitive_tags_count_but_are_never_printed(cast):
    hh, _ = household_with(cast.community_a, "丁", tags=["drug_rehab"])
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    entry = plan.entries.get(household=hh)
    assert "吸毒康复" not in " ".join(entry.reasons)


def test_too_few_households_is_said(cast):
    many(cast.community_a, 12, tags=["alone"])
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    assert plan.entries.count() == 12
    assert any("每人将不足 30 户" in n for n in plan.notes)


def test_generation_is_deterministic_and_follows_the_route(cast):
    many(cast.community_a, 64, tags=["dibao"])
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    first = sorted(plan.entries.values_list("household", "worker"))
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    assert sorted(plan.entries.values_list("household", "worker")) == first
    # Each worker's households form a contiguous stretch of buildings: at most one building is shared.
    buildings = {
        w: set(plan.entries.filter(worker=w).values_list("household__building", flat=True))
        for w in schedule.station_workers(cast.community_a)
    }
    a, b = buildings.values()
    assert len(a & b) <= 1


def test_head_adjusts_within_the_cap_and_approves(cast, client):
    many(cast.community_a, 60, tags=["dibao"])
    extra, _ = household_with(cast.community_a, "戊")
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    entry = plan.entries.filter(worker=cast.desk_a).first()
    services.plan_entry_move(actor=cast.head_a, entry=entry, worker=cast.back_a)
    assert counts(plan)[cast.back_a] == 31
    services.plan_entry_add(actor=cast.head_a, plan=plan, household=extra, worker=cast.desk_a)
    for e in list(plan.entries.filter(worker=cast.desk_a))[:11]:
        services.plan_entry_move(actor=cast.head_a, entry=e, worker=cast.back_a)
    assert counts(plan)[cast.back_a] == 42
    services.plan_entry_remove(actor=cast.head_a, entry=plan.entries.filter(worker=cast.back_a).first())
    services.plan_approve(actor=cast.head_a, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == cast.head_a
    with pytest.raises(ValidationError):
        services.plan_entry_remove(actor=cast.head_a, entry=plan.entries.first())
    with pytest.raises(ValidationError):
        services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)


def test_moving_beyond_the_stations_limit_is_refused(cast):
    # The station's own setting (default 50, seed 000's 30–50 households a month) caps each worker.
    cast.community_a.visit_plan_max_per_worker = 31
    cast.community_a.save()
    many(cast.community_a, 62, tags=["dibao"])
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    with pytest.raises(ValidationError) as exc:
        services.plan_entry_move(
            actor=cast.head_a, entry=plan.entries.filter(worker=cast.desk_a).first(), worker=cast.back_a
        )
    assert "达到上限" in str(exc.value)
    assert sorted(counts(plan).values()) == [31, 31]


def test_front_desk_cannot_generate_or_approve_and_nothing_changes(cast, client):
    many(cast.community_a, 5, tags=["dibao"])
    with pytest.raises(PermissionDenied):
        services.plan_generate(actor=cast.desk_a, unit=cast.community_a, month=MONTH)
    assert VisitPlan.objects.count() == 0
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=cast.desk_a, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "draft" and PlanEntry.objects.count() == 5


def test_route_list_groups_by_building(cast, client):
    from tests.support import login

    many(cast.community_a, 14, tags=["dibao"], building_of=lambda i: ["2号楼", "10号楼"][i % 2])
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    body = login(client, cast.desk_a).get(f"/visits/plans/{plan.pk}/route/").content.decode()
    assert body.index("<h2>2号楼</h2>") < body.index("<h2>10号楼</h2>")


def test_overdue_list(cast, client):
    from tests.support import login

    never, _ = household_with(cast.community_a, "甲", tags=["tekun"])
    late, _ = household_with(cast.community_a, "乙", tags=["dibao"])  # every 90 days
    fine, _ = household_with(cast.community_a, "丙", tags=["dibao"])
    household_with(cast.community_a, "丁")  # no special group: never overdue
    Visit.objects.create(
        unit=cast.community_a,
        household=late,
        worker=cast.desk_a,
        visited_at=timezone.now() - timedelta(days=100),
    )
    Visit.objects.create(
        unit=cast.community_a,
        household=fine,
        worker=cast.desk_a,
        visited_at=timezone.now() - timedelta(days=20),
    )
    body = login(client, cast.desk_a).get("/visits/overdue/").content.decode()
    assert never.number in body and late.number in body and fine.number not in body
    assert "从未走访" in body and "10 天" in body


def test_the_stations_minimum_sets_how_many_ordinary_households_each_worker_gets(cast):
    cast.community_a.visit_plan_min_per_worker = 20
    cast.community_a.save()
    many(cast.community_a, 50)
    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=MONTH)
    assert sorted(counts(plan).values()) == [20, 20]
