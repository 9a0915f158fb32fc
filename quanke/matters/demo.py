"""Demo matters: a few hundred requests over the last two months in every community, driven through the real
services (so every matter has a consistent timeline and audit trail), in every status, some overdue. 86 % are
finished on the spot, as in the first month of the 全科社工 pilot (seed 001: 242 of 281), counted as the reports
count 当场办结率 (quanke.reports.indicators: status 当场办结 ÷ every matter accepted).

Each desk's matters follow a fixed plan (OUTCOMES, shuffled), not independent dice, so that the share holds per
community. Later demo steps (visits, assistance, casework) accept a few routed matters of their own; `top_up`
(the "matters_share" step, after them) adds on-the-spot desk matters until the whole demo is back at the seed's
share.

Deterministic (ctx.rng) and idempotent (skipped when the demo communities already have matters).
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from quanke.catalog.models import Handling, Item, RouteLevel
from quanke.core import hooks, permissions, workdays
from quanke.matters import services
from quanke.matters.models import MaterialState, Matter, Status
from quanke.registry.models import Resident

DAYS_BACK = 60
# Seed 001: 242 of 281 matters finished on the spot in the pilot's first month.
SEED_ON_SPOT, SEED_TOTAL = 242, 281
# Per community: 90 planned matters plus the one waiting for materials (below) = 91, of which 78 (85.7 %) on the
# spot: 70 applications and 8 consultations finished at the desk; 3 refused (certificates a community may not
# issue), 1 phoned in and not yet handled, 8 routed to the back office or a department.
OUTCOMES = {"on_spot": 70, "consultation": 8, "refused": 3, "phoned": 1, "routed": 8}
MATTERS_PER_COMMUNITY = sum(OUTCOMES.values())

REQUEST_TEXTS = {
    "SA-DIBAO": "家里就我和老伴，收入不够生活，想问问能不能申请低保。",
    "CV-PARKING": "小区门口路边能不能停车，怎么收费？",
    "CV-ELECTRIC-REPAIR": "楼道里的灯坏了好几天了，晚上看不见。",
    "CV-DRAIN": "厨房下水道堵了，想找人来通一下。",
    "EM-SSCARD-LOSS": "社保卡丢了，想先挂失。",
    "EL-LONGEVITY": "我妈今年满八十了，听说有高龄津贴。",
    "CV-FLU-VACCINE": "老人打流感疫苗去哪儿打，要钱吗？",
    "CV-DIGITAL-HELP": "手机上的挂号软件不会用，孩子不在身边。",
}


def _moment(ctx, day, rng):
    minutes = rng.randint(8 * 60 + 30, 17 * 60)
    naive = datetime.combine(day, time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive)


def _later(start: datetime, working_days: int, rng, now: datetime) -> datetime | None:
    """A moment `working_days` working days after `start` (during office hours), or None if not yet past."""
    day = workdays.add_working_days(timezone.localtime(start).date(), working_days).date
    moment = timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59))))
    moment = max(moment, start + timedelta(minutes=rng.randint(10, 90)))
    return moment if moment < now else None


def _soon(start: datetime, *, now: datetime, hours: int = 0, minutes: int = 0) -> datetime:
    """A little after `start`, but never in the future."""
    return min(start + timedelta(hours=hours, minutes=minutes), start + (now - start) / 2)


def plain_items(items) -> list:
    """Items the demo may accept as plain matters at chosen past moments: those without a procedure of their own
    (an assistance programme's item opens its application through `services.intake`, never plainly)."""
    return [i for i in items if hooks.intake_handler(i.code) is None]


def _handler(users, matter):
    choices = [u for u in users if permissions.can_claim_matter(u, matter)]
    return choices[0] if choices else None


@transaction.atomic
def seed(ctx) -> None:
    if Matter.objects.filter(unit__in=ctx.communities).exists():
        ctx.say("办件演示数据已存在，跳过。")
        return
    rng, now = ctx.rng, timezone.now()
    today = timezone.localtime(now).date()
    staff = list(ctx.users.values())
    # Not a sensitive item (only its specialty may accept it) nor an urgent one (each would page the duty worker).
    items = plain_items(
        Item.objects.filter(active=True, sensitive=False, urgent=False)
        .prefetch_related("materials")
        .order_by("code")
    )
    on_spot = [i for i in items if i.handling == Handling.ON_SPOT]
    refused = [i for i in items if i.handling == Handling.REFUSED]
    county_specs = {s for u in staff if u.unit_id == ctx.county.pk for s in u.specialties}
    routed = [
        i
        for i in items
        if i.handling == Handling.ROUTED
        and i.time_limit_days
        and (i.route_level != RouteLevel.COUNTY or i.specialty in county_specs)
    ]
    workdays_back = [
        today - timedelta(days=d)
        for d in range(DAYS_BACK, -1, -1)
        if workdays.is_workday(today - timedelta(days=d))
    ]
    total, by_status = 0, {}
    for community in ctx.communities:
        desk = [u for u in staff if u.unit_id == community.pk and permissions.can_take_intake(u)]
        residents = list(
            Resident.objects.filter(unit=community)
            .select_related("household")
            .prefetch_related("benefits", "documents")
            .order_by("id")
        )
        plan = [outcome for outcome, count in OUTCOMES.items() for _ in range(count)]
        rng.shuffle(plan)
        for n, outcome in enumerate(plan):
            # Newer days are busier (and the last days hold the open matters).
            day = workdays_back[min(len(workdays_back) - 1, int(len(workdays_back) * rng.random() ** 0.8))]
            at = _moment(ctx, day, rng)
            if at >= now:
                at = now - timedelta(minutes=rng.randint(5, 120))
            actor = rng.choice(desk)
            resident = rng.choice(residents) if rng.random() < 0.88 else None
            anonymous = (
                {} if resident else {"applicant_name": rng.choice(["王女士", "李先生", "刘阿姨", "赵大爷"])}
            )
            channel = rng.choices(["window", "phone", "home", "online"], weights=[70, 18, 7, 5])[0]
            if outcome == "on_spot":
                m = _on_spot_matter(rng, actor, on_spot, resident, channel, at, now, anonymous)
            elif outcome == "consultation":
                item = rng.choice(routed)
                m = services.matter_accept(
                    actor=actor,
                    item=item,
                    resident=resident,
                    channel=channel,
                    kind="consultation",
                    at=at,
                    request_text=REQUEST_TEXTS.get(item.code, ""),
                    **anonymous,
                )
                m = services.matter_finish_on_spot(
                    actor=actor, matter=m, note="已一次性告知所需材料", at=_soon(at, minutes=6, now=now)
                )
            elif outcome == "refused":
                item = rng.choice(refused)
                m = services.matter_accept(
                    actor=actor, item=item, resident=resident, channel=channel, at=at, **anonymous
                )
                m = services.matter_refuse(
                    actor=actor, matter=m, reason=item.refusal_note, at=_soon(at, minutes=5, now=now)
                )
            elif outcome == "phoned":
                item = rng.choice(routed)
                m = services.matter_accept(
                    actor=actor, item=item, resident=resident or residents[n], channel="phone", at=at
                )
            else:
                m = _routed_matter(
                    ctx, rng, staff, actor, rng.choice(routed), resident or residents[n], at, now
                )
            by_status[m.status] = by_status.get(m.status, 0) + 1
            total += 1
        # Every desk also has a resident who must come back with a missing document (待补正, clock paused).
        item = Item.objects.get(code="SA-DIBAO")
        m = services.intake(
            actor=desk[0],
            then="request_materials",
            note="缺户口簿原件及家庭收入和财产状况申报（承诺书）",
            item=item,
            resident=residents[-1],
            channel="window",
            request_text=REQUEST_TEXTS["SA-DIBAO"],
            at=now - timedelta(days=1),
        )
        by_status[m.status] = by_status.get(m.status, 0) + 1
        total += 1
    overdue = Matter.objects.filter(unit__in=ctx.communities).overdue(today)
    ctx.say(
        f"办件演示数据：共 {total} 件（"
        + "，".join(f"{Status(k).label} {v}" for k, v in sorted(by_status.items()))
        + f"），其中超期 {overdue.count()} 件。"
    )


def _on_spot_matter(rng, actor, items, resident, channel, at, now, anonymous) -> Matter:
    item = rng.choice(items)
    m = services.matter_accept(
        actor=actor,
        item=item,
        resident=resident,
        channel=channel,
        at=at,
        **anonymous,
        request_text=REQUEST_TEXTS.get(item.code, ""),
        received_material_ids=[x.pk for x in item.materials.all()],
    )
    return services.matter_finish_on_spot(
        actor=actor, matter=m, note="已当场办理并告知", at=_soon(at, minutes=8, now=now)
    )


def on_spot_share(communities) -> tuple[int, int]:
    """(当场办结, 受理办件) over the communities' matters, as the reports count them: every accepted matter, and
    those whose status is 当场办结 (quanke.reports.indicators on_spot / received)."""
    qs = Matter.objects.filter(unit__in=communities)
    return qs.filter(status=Status.ON_SPOT).count(), qs.count()


@transaction.atomic
def top_up(ctx) -> None:
    """After every step that accepts matters: add on-the-spot desk matters until the demo's share is the seed's
    (242 of 281). Idempotent: nothing is added once the share is reached."""
    on, total = on_spot_share(ctx.communities)
    if total == 0:
        return
    # Smallest k with (on + k) / (total + k) >= 242 / 281.
    missing = SEED_TOTAL - SEED_ON_SPOT
    k = max(0, -(-(SEED_ON_SPOT * total - SEED_TOTAL * on) // missing))
    if k:
        rng, now = ctx.rng, timezone.now()
        today = timezone.localtime(now).date()
        staff = list(ctx.users.values())
        on_spot = plain_items(
            Item.objects.filter(active=True, sensitive=False, urgent=False, handling=Handling.ON_SPOT)
            .prefetch_related("materials")
            .order_by("code")
        )
        days = [
            today - timedelta(days=d)
            for d in range(DAYS_BACK, 0, -1)
            if workdays.is_workday(today - timedelta(days=d))
        ]
        for n in range(k):
            community = ctx.communities[n % len(ctx.communities)]
            desk = [u for u in staff if u.unit_id == community.pk and permissions.can_take_intake(u)]
            residents = list(Resident.objects.filter(unit=community).order_by("id")[:200])
            resident = rng.choice(residents) if residents else None
            anonymous = {} if resident else {"applicant_name": "王女士"}
            at = _moment(ctx, rng.choice(days), rng)
            _on_spot_matter(rng, rng.choice(desk), on_spot, resident, "window", at, now, anonymous)
        on, total = on_spot_share(ctx.communities)
    ctx.say(f"办件演示数据：当场办结 {on} / {total} 件（{on / total:.1%}，种子数据 242/281 = 86.1%）。")


def _routed_matter(ctx, rng, staff, desk_actor, item, resident, at, now) -> Matter:
    m = services.matter_accept(
        actor=desk_actor,
        item=item,
        resident=resident,
        channel="window",
        at=at,
        request_text=REQUEST_TEXTS.get(item.code, ""),
        received_material_ids=[x.pk for x in item.materials.all()][: rng.randint(1, 6)],
    )
    m = services.matter_route(
        actor=desk_actor, matter=m, note="材料已收，流转办理", at=_soon(at, minutes=10, now=now)
    )
    fate = rng.random()
    step = _later(at, rng.choice([0, 0, 1, 1, 2]), rng, now)
    handler = _handler(staff, m)
    if step is None or handler is None or fate < 0.10:
        return m  # still waiting to be claimed
    m = services.matter_claim(actor=handler, matter=m, at=step)
    limit = m.limit_days or 1
    if fate < 0.18:
        return services.matter_return(
            actor=handler,
            matter=m,
            reason="户口簿复印件不清晰，请前台联系居民重新提供",
            at=_soon(step, hours=1, now=now),
        )
    if fate < 0.28:
        m = services.matter_request_materials(
            actor=handler, matter=m, note="请补交户口簿全部成员页复印件", at=_soon(step, hours=1, now=now)
        )
        back = _later(step, rng.randint(2, 6), rng, now)
        if back is None or rng.random() < 0.5:
            return m
        m = services.matter_materials_received(actor=desk_actor, matter=m, at=back)
        step = back
    if fate < 0.36 and m.handling_unit.level == "community":
        dept = m.unit.parent
        m = services.matter_forward(
            actor=handler, matter=m, department=dept, note="需街道审批", at=_soon(step, hours=2, now=now)
        )
        dept_handler = _handler(staff, m)
        step2 = _later(step, 1, rng, now)
        if dept_handler is None or step2 is None:
            return m
        m = services.matter_claim(actor=dept_handler, matter=m, at=step2)
        handler, step = dept_handler, step2
    if fate < 0.40:
        return services.matter_refuse(
            actor=handler,
            matter=m,
            reason="经核查家庭收入超过标准，不符合条件",
            at=_soon(step, hours=3, now=now),
        )
    if fate < 0.42:
        return services.matter_withdraw(
            actor=desk_actor, matter=m, note="居民表示暂不办理", at=_soon(step, hours=3, now=now)
        )
    if rng.random() < 0.3:
        return m  # still in hand (the older ones are the overdue matters on the head's dashboard)
    # Most are done within the limit; some take longer.
    took = rng.randint(1, limit) if rng.random() < 0.85 else limit + rng.randint(1, 4)
    done = _later(at, took, rng, now)
    if done is None or done <= step:
        return m
    # The handler collects what the resident still owed before finishing (办结 needs every material settled).
    owed = list(m.materials.filter(state=MaterialState.MISSING).values_list("pk", flat=True))
    return services.matter_complete(
        actor=handler, matter=m, note="已办结，结果已电话告知居民", received_lines=owed, at=done
    )
