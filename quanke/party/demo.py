"""Demo 党员名册: in each community a handful of members whose relationship is here (正式 and 预备, two branches),
two in-service members with their 报到, and the details of members the matters demo entered by finishing 转入 or
报到 matters (待补录) filled in. Deterministic and idempotent."""

from datetime import date, timedelta

from django.db import transaction

from quanke.core import permissions
from quanke.party import services
from quanke.party.models import Membership, PartyMember, Relation
from quanke.registry.models import Resident

MEMBERS_PER_COMMUNITY = 6
IN_SERVICE_PER_COMMUNITY = 2
WORKPLACES = ["区财政局", "区人民医院", "第一中学", "区税务局", "市供电公司"]
COMMITMENTS = ["认领楼道清洁岗，每月一次", "周末为老人义诊", "四点半课堂辅导", "协助社区政策宣讲"]


def _party_worker(ctx, community):
    for user in ctx.users.values():
        if user.unit_id == community.pk and permissions.can_manage_party_register(user, community):
            return user
    return None


def _joined(rng, resident, today) -> date:
    # The month after her eighteenth birthday at the earliest (党章 第一条), never after today.
    earliest = date(resident.birth_date.year + 18, resident.birth_date.month, 1) + timedelta(days=31)
    span = max(1, (today - timedelta(days=400) - earliest).days)
    return min(earliest + timedelta(days=rng.randrange(span)), today)


@transaction.atomic
def seed(ctx) -> None:
    if PartyMember.objects.filter(unit__in=ctx.communities).exclude(branch="").exists():
        ctx.say("党员名册演示数据已存在，跳过。")
        return
    rng, today = ctx.rng, ctx.today
    adults_before = today.replace(year=today.year - 25)
    added = reports = completed = 0
    for community in ctx.communities:
        worker = _party_worker(ctx, community)
        branches = [f"{community.name}第一党支部", f"{community.name}第二党支部"]
        # Members the matters demo entered from a finished matter: the party worker completes them.
        for member in PartyMember.objects.filter(unit=community, membership="").select_related("resident"):
            services.party_member_update(
                actor=worker,
                member=member,
                branch=rng.choice(branches),
                membership=Membership.FULL,
                joined_on=_joined(rng, member.resident, today),
            )
            completed += 1
        candidates = list(
            Resident.objects.filter(
                unit=community, birth_date__lte=adults_before, party_member__isnull=True
            ).order_by("id")
        )
        chosen = rng.sample(
            candidates, min(MEMBERS_PER_COMMUNITY + IN_SERVICE_PER_COMMUNITY, len(candidates))
        )
        for n, resident in enumerate(chosen):
            joined = _joined(rng, resident, today)
            in_service = n >= MEMBERS_PER_COMMUNITY
            probationary = not in_service and n == 0
            member = services.party_member_register(
                actor=worker,
                resident=resident,
                branch="" if in_service else rng.choice(branches),
                membership=Membership.PROBATIONARY if probationary else Membership.FULL,
                joined_on=today - timedelta(days=200) if probationary else joined,
                full_member_on=None if probationary else min(joined + timedelta(days=365), today),
                relation=Relation.WORKPLACE if in_service else Relation.HERE,
                relation_in_on=None
                if in_service
                else max(
                    joined, min(joined + timedelta(days=rng.randrange(365, 3650)), today - timedelta(days=30))
                ),
                workplace=rng.choice(WORKPLACES) if in_service else "",
            )
            if member.relation_in_on and member.relation_in_on > today:
                services.party_member_update(
                    actor=worker, member=member, relation_in_on=today - timedelta(days=30)
                )
            added += 1
            if in_service:
                services.inservice_report_add(
                    actor=worker,
                    member=member,
                    reported_on=today - timedelta(days=rng.randrange(10, 200)),
                    commitments=rng.choice(COMMITMENTS),
                    pledged_hours=rng.choice([12, 24, 36]),
                    served_hours=rng.choice([0, 4, 8, 10]),
                )
                reports += 1
    ctx.say(
        f"党员名册演示数据：新增党员 {added} 名，在职党员报到 {reports} 条，补录办件登记的党员 {completed} 名。"
    )
