"""Demo home visits: duty rosters for this month and next, a month of bookings (evenings and weekends with the
duty worker), kit stock with its ledger (some items low), ~30–50 visits per worker in the past month with
readings, needs and hand-outs (a few sensitive), and this month's plan per community. Deterministic, idempotent."""

import logging
import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from quanke.catalog.models import Item
from quanke.core.models import Role
from quanke.registry.models import Household, Resident
from quanke.visits import integration, schedule, services
from quanke.visits.models import (
    Booking,
    BookingStatus,
    DutyShift,
    StockBalance,
    SupplyItem,
    Visit,
    VisitMatter,
)

# Station store deliveries and what each worker carries; rehab test strips and mailbox locks run low on purpose.
STATION_STOCK = {
    "garbage_bags": 400,
    "pest_bait": 150,
    "mailbox_lock": 24,
    "contraceptives": 120,
    "rehab_test_strips": 16,
}
KIT_STOCK = {
    "garbage_bags": 60,
    "pest_bait": 20,
    "mailbox_lock": 3,
    "contraceptives": 12,
    "rehab_test_strips": 2,
}
BOOKING_ITEMS = ["CV-HOME-VISIT", "HS-BP-CHECK", "CV-GARBAGE-BAGS", "CV-MAILBOX-LOCK", "CV-PEST-BAIT"]
REQUESTS = [
    "老人腿脚不便，想请社工上门帮忙办高龄津贴",
    "家里信报箱锁坏了，想领一把新锁",
    "想请社工上门量血压",
    "需要上门收取低保年审材料",
    "想了解残疾人两项补贴怎么申请",
    "家里有老鼠，想领灭鼠药",
]
OBSERVATIONS = [
    "老人精神状态良好，居住环境整洁。",
    "独居老人，冰箱食物充足，提醒注意用电安全。",
    "家属在家照护，反映夜间起夜较多，建议就医检查。",
    "房屋漏雨，已登记报修需求。",
    "孩子在校表现良好，家长希望了解助学政策。",
    "老人听力下降，沟通需大声，建议申请助听器补贴。",
]
NEEDS = [
    ("符合重度残疾人护理补贴条件，尚未申请", "DS-CARE-SUBSIDY"),
    ("老人希望办理老年人优待证", "EL-SENIOR-CARD"),
    ("家中燃气灶老化，需联系维修", None),
    ("希望申请居家养老上门服务", "EL-HOMECARE"),
]


def _head(community, users):
    for u in users.values():
        if u.unit_id == community.pk and u.has_role(Role.STATION_HEAD):
            return u
    return None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def seed(ctx) -> None:
    communities = ctx.communities
    if (
        Visit.objects.filter(unit__in=communities).exists()
        or DutyShift.objects.filter(unit__in=communities).exists()
    ):
        ctx.say("走访演示数据已存在，跳过。")
        return
    notify_log = logging.getLogger("quanke.notify")
    level = notify_log.level
    notify_log.setLevel(logging.ERROR)  # the demo's reminders go to the outbox; don't flood the console
    try:
        with transaction.atomic():
            for community in communities:
                _seed_station(ctx, community, random.Random(f"visits-{community.code}"))
    finally:
        notify_log.setLevel(level)


def _seed_station(ctx, community, rng: random.Random) -> None:
    today = ctx.today
    head = _head(community, ctx.users)
    workers = schedule.station_workers(community)
    if head is None or not workers:
        return
    # Duty roster: from the week that holds the first day of last month's visits to the end of next month.
    first_week = schedule.week_start(today - timedelta(days=35))
    end = _next_month(_next_month(today)) - timedelta(days=1)
    week = first_week
    while week <= end:
        services.duty_week_fill(actor=head, unit=community, week=week)
        week += timedelta(days=7)
    # Stock: a delivery five weeks ago, then each worker's kit filled.
    stock_manager = head
    delivered = timezone.now() - timedelta(days=36)
    supplies = {s.code: s for s in SupplyItem.objects.filter(active=True)}
    for code, qty in STATION_STOCK.items():
        services.stock_receive(
            actor=stock_manager,
            unit=community,
            supply=supplies[code],
            quantity=qty,
            note="季度配送",
            at=delivered,
        )
    for i, w in enumerate(workers):
        for code, qty in KIT_STOCK.items():
            services.stock_issue(
                actor=stock_manager,
                unit=community,
                supply=supplies[code],
                worker=w,
                quantity=qty,
                at=delivered + timedelta(hours=1 + i),
            )
    services.stock_write_off(
        actor=stock_manager,
        unit=community,
        supply=supplies["pest_bait"],
        quantity=5,
        reason="包装破损",
        at=delivered + timedelta(days=2),
    )
    _seed_visits(ctx, community, workers, supplies, rng)
    _seed_bookings(ctx, community, workers, head, rng)
    plan = services.plan_generate(actor=head, unit=community, month=_month_start(today), today=today)
    if community.code.endswith("1"):
        services.plan_approve(actor=head, plan=plan)
    n_visits = Visit.objects.filter(unit=community).count()
    spawned = VisitMatter.objects.filter(visit__unit=community).count()
    ctx.say(
        f"{community.name}：值班 {DutyShift.objects.filter(unit=community).count()} 班次，"
        f"预约 {Booking.objects.filter(unit=community).count()} 个，走访 {n_visits} 次（当场受理办件 {spawned} 件），本月计划 {plan.entries.count()} 户。"
    )


def _kit_left(worker, supply) -> int:
    row = StockBalance.objects.filter(worker=worker, supply=supply).first()
    return row.quantity if row else 0


def _seed_visits(ctx, community, workers, supplies, rng: random.Random) -> None:
    now = timezone.now()
    tz = schedule.local_tz()
    households = list(
        Household.objects.filter(unit=community).prefetch_related("members__tags").order_by("id")
    )
    special = [
        h for h in households if any(t.visit_interval_days for m in h.members.all() for t in m.tags.all())
    ]
    ordinary = [h for h in households if h not in special]
    rng.shuffle(special)
    rng.shuffle(ordinary)
    pool = special[: int(len(special) * 0.7)] + ordinary
    items = {i.code: i for i in Item.objects.filter(code__in=[code for _t, code in NEEDS if code])}
    cursor = 0
    for worker in workers:
        for _n in range(rng.randint(30, 42)):
            household = pool[cursor % len(pool)]
            cursor += 1
            members = list(household.members.all())
            day = ctx.today - timedelta(days=rng.randint(1, 30))
            evening = rng.random() < 0.1
            moment = (
                time(rng.randint(18, 20), rng.choice([0, 15, 30]))
                if evening
                else time(rng.randint(9, 16), rng.choice([0, 20, 40]))
            )
            visited_at = datetime.combine(day, moment, tzinfo=tz)
            if visited_at >= now:
                continue
            met = rng.sample(members, k=rng.randint(1, len(members)))
            elder = max(members, key=lambda m: m.age_on(ctx.today))
            bp = {}
            if elder.age_on(ctx.today) >= 55 and rng.random() < 0.7:
                sys_ = rng.randint(105, 165)
                bp = {
                    "systolic": sys_,
                    "diastolic": max(55, min(sys_ - 30, rng.randint(62, 98))),
                    "pulse": rng.randint(60, 92),
                    "bp_resident": elder,
                }
            needs = []
            if rng.random() < 0.1:
                text, code = rng.choice(NEEDS)
                needs.append({"description": text, "resident": elder, "item": items.get(code)})
            handouts = []
            tags = {t.code for m in members for t in m.tags.all()}
            if rng.random() < 0.35 and _kit_left(worker, supplies["garbage_bags"]) > 0:
                handouts.append({"supply": supplies["garbage_bags"], "quantity": 1, "resident": met[0]})
            if "drug_rehab" in tags and _kit_left(worker, supplies["rehab_test_strips"]) > 0:
                target = next(m for m in members if any(t.code == "drug_rehab" for t in m.tags.all()))
                handouts.append({"supply": supplies["rehab_test_strips"], "quantity": 1, "resident": target})
            adults = [m for m in members if 20 <= m.age_on(ctx.today) <= 45]
            if adults and rng.random() < 0.06 and _kit_left(worker, supplies["contraceptives"]) > 0:
                handouts.append({"supply": supplies["contraceptives"], "quantity": 1, "resident": adults[0]})
            # Some needs with a catalog item are accepted on the spot as matters (未诉先办) by desk workers.
            spawn = bool(
                needs and needs[0]["item"] and integration.can_accept_at_visit(worker) and rng.random() < 0.6
            )
            if spawn:
                needs[0]["spawn"] = True
            integration.record_visit(
                actor=worker,
                household=household,
                data={
                    "visited_at": visited_at,
                    "met": met,
                    "met_others": "",
                    "observations": rng.choice(OBSERVATIONS),
                    "systolic": bp.get("systolic"),
                    "diastolic": bp.get("diastolic"),
                    "pulse": bp.get("pulse"),
                    "bp_resident": bp.get("bp_resident"),
                    "needs": needs,
                    "handouts": handouts,
                    "forms_list": ["入户走访记录表"],
                },
            )


def _seed_bookings(ctx, community, workers, head, rng: random.Random) -> None:
    """Two weeks back (done, no-show, cancelled) and two weeks ahead (booked), weekday evenings and weekends too."""
    items = list(Item.objects.filter(code__in=BOOKING_ITEMS))
    residents = list(
        Resident.objects.filter(unit=community).exclude(phone="").select_related("household").order_by("id")
    )
    now = timezone.now()
    desk = next((w for w in workers if w.has_role(Role.FRONT_DESK)), workers[0])
    for offset in range(-14, 15):
        day = ctx.today + timedelta(days=offset)
        evening_or_weekend = not schedule.workdays.is_workday(day)
        wanted = rng.randint(1, 3) if evening_or_weekend else rng.randint(1, 4)
        # Past days: offer slots as they were that morning, so the history respects the same rules.
        slots = schedule.available_slots(
            community, day, now=schedule.at_local(day, time(0)) if offset < 0 else now
        )
        if not slots:
            continue
        evening_slots = [s for s in slots if s.on_duty]
        chosen = rng.sample(slots, k=min(wanted, len(slots)))
        if evening_slots and rng.random() < 0.6:
            extra = rng.choice(evening_slots)
            if extra not in chosen:
                chosen.append(extra)
        for slot in chosen:
            resident = rng.choice(residents)
            item = rng.choice(items) if rng.random() < 0.7 else None
            fields = {
                "caller_name": resident.name,
                "caller_phone": resident.phone,
                "address": resident.household.address,
                "item": item,
                "request_text": "" if item else rng.choice(REQUESTS),
                "preferred_time": "周末晚上"
                if slot.on_duty and not schedule.workdays.is_workday(day)
                else "",
                "resident": resident,
            }
            if offset >= 0:
                services.booking_create(actor=desk, unit=community, slot_start=slot.start, **fields)
                continue
            worker = slot.workers[0]
            booking = Booking.objects.create(
                unit=community,
                worker=worker,
                slot_start=slot.start,
                slot_end=slot.end,
                created_by=desk,
                **{k: v for k, v in fields.items()},
            )
            fate = rng.random()
            if fate < 0.8:
                services.visit_record(
                    actor=worker,
                    household=resident.household,
                    visited_at=slot.start + timedelta(minutes=10),
                    met=[resident],
                    observations="按预约上门服务。",
                    booking=booking,
                    forms_filled=[item.name] if item else [],
                )
            elif fate < 0.9:
                booking.status = BookingStatus.NO_SHOW
                booking.save(update_fields=["status"])
            else:
                booking.status = BookingStatus.CANCELLED
                booking.note = "居民来电取消"
                booking.save(update_fields=["status", "note"])
