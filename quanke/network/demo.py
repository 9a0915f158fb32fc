"""Demo 5+N network (seed 004): two volunteer teams (~30 volunteers), a dozen partners with agreements, a donations
ledger of more than ¥50,000 with in-kind goods and disbursements, and 25 community activities with participants,
which with individual service records come to about 260 volunteer person-times. Deterministic and idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from quanke.core.demo import DEMO_PASSWORD
from quanke.core.models import User
from quanke.network import services
from quanke.network.models import LedgerEntry, OrganisationKind, PartnerStaff, VolunteerTeam
from quanke.registry.models import Resident

TEAM_A = "核桃园红马甲志愿服务队"
TEAM_STREET = "广内街道青年志愿服务队"
PARTNER_USERNAME = "huoban_xq"

K = OrganisationKind
ORGANISATIONS = [
    # name, kind, services, area ("street" = the whole street, "a"/"b" = one community), agreement (start, end) days
    ("广内街道民政科", K.CIVIL_AFFAIRS, ["material", "legal", "employment"], "street", (-700, None)),
    (
        "广内街道社工站",
        K.SOCIAL_WORK_AGENCY,
        ["mental_health", "companionship", "child_care"],
        "street",
        (-500, None),
    ),
    ("心晴社会工作服务中心", K.SOCIAL_WORK_AGENCY, ["mental_health", "companionship"], "street", (-300, 430)),
    ("夕阳红助老服务社", K.SOCIAL_ORGANISATION, ["elderly_care", "housekeeping", "escort"], "a", (-400, 20)),
    ("童心儿童关爱协会", K.SOCIAL_ORGANISATION, ["child_care", "tutoring"], "street", (-200, 530)),
    ("示范区第二医院", K.HOSPITAL, ["medical", "mental_health"], "street", (-365, 365)),
    ("广内社区卫生服务中心", K.HOSPITAL, ["medical"], "street", (-800, None)),
    ("育才中学", K.SCHOOL, ["tutoring", "culture"], "street", (-150, 215)),
    ("惠民超市", K.ENTERPRISE, ["material"], "a", (-100, 265)),
    ("安家物业服务公司", K.ENTERPRISE, ["repair"], "a", (-420, -30)),  # agreement expired: flagged
    ("示范区慈善协会", K.CHARITY, ["material", "employment"], "street", (-600, None)),
    ("明理律师事务所", K.OTHER, ["legal"], "street", (-90, 275)),
]

SKILL_POOL = [
    ["companionship", "elderly_care"],
    ["escort", "companionship"],
    ["repair", "digital"],
    ["tutoring", "child_care"],
    ["medical", "companionship"],
    ["culture"],
    ["housekeeping", "elderly_care"],
    ["legal"],
    ["mental_health", "companionship"],
    ["digital", "tutoring"],
]
SLOT_POOL = [["weekend"], ["weekday_evening", "weekend"], ["weekday_day"], ["weekday_day", "weekday_evening"]]
STREET_NAMES = ["程", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭"]
GIVEN = [
    "志强",
    "丽娟",
    "海燕",
    "建军",
    "晓东",
    "春梅",
    "立新",
    "雪莹",
    "国庆",
    "子涵",
    "一鸣",
    "佳怡",
    "浩然",
    "欣悦",
]

ACTIVITIES = [
    # title, kind, service kind, place, hours
    ("重阳敬老百家宴", "community", "elderly_care", "社区活动室", "3"),
    ("“心晴驿站”情绪减压小组", "group", "mental_health", "社工站团辅室", "2"),
    ("智能手机课堂", "training", "digital", "社区党群服务中心", "2"),
    ("四点半课堂", "group", "tutoring", "社区图书室", "1.5"),
    ("防范电信诈骗宣传", "campaign", "legal", "社区广场", "2"),
    ("义诊与慢病咨询", "community", "medical", "社区广场", "3"),
    ("家电义务维修", "volunteer", "repair", "社区广场", "3"),
    ("独居老人集体生日会", "community", "companionship", "社区活动室", "2"),
    ("志愿者服务技能培训", "training", "companionship", "街道社工站", "3"),
]


def _volunteers(ctx, head, desk, team_a, team_street):
    street, community_a, community_b = ctx.streets[0], ctx.communities[0], ctx.communities[1]
    residents = list(
        Resident.objects.filter(unit=community_a, birth_date__lte=ctx.today - timedelta(days=365 * 25))
        .filter(birth_date__gte=ctx.today - timedelta(days=365 * 68))
        .order_by("id")[:40:3]
    )
    volunteers = []
    for i in range(16):
        resident = residents[i] if i < len(residents) and i % 2 == 0 else None
        volunteers.append(
            services.volunteer_register(
                actor=desk,
                unit=community_a,
                name="" if resident else STREET_NAMES[i % 14] + GIVEN[(i * 5) % 14],
                phone="" if resident else f"1390000{1000 + i}",
                resident=resident,
                team=team_a,
                skills=SKILL_POOL[i % len(SKILL_POOL)],
                availability=SLOT_POOL[i % len(SLOT_POOL)],
                registered_on=ctx.today - timedelta(days=400 - i * 11),
            )
        )
    for i in range(14):
        volunteers.append(
            services.volunteer_register(
                actor=head,
                unit=street if i % 2 else community_b,
                name=STREET_NAMES[(i + 7) % 14] + GIVEN[(i * 3 + 1) % 14],
                phone=f"1370000{2000 + i}",
                team=team_street,
                skills=SKILL_POOL[(i + 3) % len(SKILL_POOL)],
                availability=SLOT_POOL[(i + 1) % len(SLOT_POOL)],
                registered_on=ctx.today - timedelta(days=300 - i * 7),
            )
        )
    return volunteers


@transaction.atomic
def seed(ctx) -> None:
    if VolunteerTeam.objects.filter(name=TEAM_A).exists():
        ctx.say("五社联动演示数据已存在，跳过。")
        return
    users = ctx.users
    street, community_a, community_b = ctx.streets[0], ctx.communities[0], ctx.communities[1]
    street_user, head, desk, back = (
        users["jiedao_gn"],
        users["zhanzhang_a"],
        users["qiantai_a1"],
        users["houtai_a"],
    )
    today = ctx.today

    team_a = services.team_create(
        actor=head, unit=community_a, name=TEAM_A, leader="王桂芝", description="退休党员和热心居民"
    )
    team_street = services.team_create(
        actor=street_user,
        unit=street,
        name=TEAM_STREET,
        leader="李一鸣",
        description="辖区青年、学生和企业职工",
    )
    volunteers = _volunteers(ctx, street_user, desk, team_a, team_street)

    orgs = {}
    for name, kind, offered, area, (start, end) in ORGANISATIONS:
        unit = community_a if area == "a" else street
        org = services.organisation_create(
            actor=street_user if unit == street else head,
            unit=unit,
            name=name,
            kind=kind,
            services=offered,
            service_area=[street] if area == "street" else [community_a],
            contact_person=STREET_NAMES[len(orgs) % 14] + "老师",
            phone=f"010-6601{len(orgs):04d}",
        )
        services.agreement_add(
            actor=street_user if unit == street else head,
            organisation=org,
            title=f"{name}合作服务协议",
            start_on=today + timedelta(days=start),
            end_on=today + timedelta(days=end) if end is not None else None,
        )
        orgs[name] = org

    # A partner's staff login: reads only the cases whose valid consent names 心晴.
    partner = User.objects.filter(username=PARTNER_USERNAME).first()
    if partner is None:
        partner = User(username=PARTNER_USERNAME, full_name="苏心怡（心晴社工）", unit=street, roles=[])
        partner.set_password(DEMO_PASSWORD)
        partner.save()
    if not PartnerStaff.objects.filter(user=partner).exists():
        services.partner_staff_link(
            actor=users["admin"], user=partner, organisation=orgs["心晴社会工作服务中心"]
        )

    # Activities: 25 over the last six months, in communities A and B.
    residents_a = list(Resident.objects.filter(unit=community_a).order_by("id")[:120])
    residents_b = list(Resident.objects.filter(unit=community_b).order_by("id")[:60])
    activities = []
    org_list = list(orgs.values())
    for i in range(25):
        title, kind, service_kind, place, hours = ACTIVITIES[i % len(ACTIVITIES)]
        in_a = i % 4 != 3
        pool = residents_a if in_a else residents_b
        picked = pool[(i * 7) % max(1, len(pool) - 15) :][: 6 + i % 7] if pool else []
        team_size = 7 + (i % 4)
        start = (i * 3) % len(volunteers)
        activities.append(
            services.activity_create(
                actor=desk if in_a else street_user,
                unit=community_a if in_a else street,
                title=title,
                kind=kind,
                service_kind=service_kind,
                held_on=today - timedelta(days=7 * i + 2),
                place=place,
                hours=Decimal(hours),
                outcome=f"居民反响良好，收集需求 {3 + i % 5} 条。",
                organiser_workers=[desk if in_a else street_user],
                organiser_organisations=[org_list[i % 12], org_list[(i + 5) % 12]],
                participant_residents=picked,
                participant_volunteers=(volunteers[start:] + volunteers[:start])[:team_size],
                extra_participants=10 + (i * 3) % 20,
            )
        )

    # Individual services outside activities (探访, 陪同就医…): with the activities and the demo case, 260 in all.
    for i in range(48):
        v = volunteers[(i * 7) % len(volunteers)]
        services.service_record_add(
            actor=desk,
            volunteer=v,
            served_on=today - timedelta(days=3 + i * 4),
            hours=Decimal("1.5") + Decimal(i % 3),
            service_kind=v.skills[0],
            description="入户探访" if i % 2 else "陪同就医",
            unit=community_a,
        )
    services.hours_redeem(
        actor=desk,
        volunteer=volunteers[0],
        redeemed_on=today - timedelta(days=5),
        hours="4",
        description="兑换理发服务",
    )

    # The ledger: ¥52,800 raised plus goods; some paid out.
    donations = [
        ("惠民超市", orgs["惠民超市"], "12000", 150),
        ("示范区慈善协会", orgs["示范区慈善协会"], "20000", 120),
        ("安家物业服务公司", orgs["安家物业服务公司"], "5000", 95),
        ("爱心人士张先生", None, "3800", 80),
        ("示范区慈善协会", orgs["示范区慈善协会"], "8000", 40),
        ("辖区企业联合捐赠", None, "4000", 12),
    ]
    for donor, org, amount, days_ago in donations:
        services.ledger_receive(
            actor=back,
            unit=community_a,
            kind="money",
            quantity=Decimal(amount),
            entry_on=today - timedelta(days=days_ago),
            donor_name=donor,
            donor_organisation=org,
            purpose="困难群众帮扶和社区活动",
        )
    goods = [
        ("惠民超市", orgs["惠民超市"], "米面油礼包", "份", "120", "9600", 60),
        ("示范区慈善协会", orgs["示范区慈善协会"], "冬衣", "件", "60", "6000", 45),
        ("示范区第二医院", orgs["示范区第二医院"], "血压计", "台", "10", "1500", 30),
    ]
    for donor, org, item, unit_label, qty, value, days_ago in goods:
        services.ledger_receive(
            actor=back,
            unit=community_a,
            kind="in_kind",
            item=item,
            item_unit=unit_label,
            quantity=Decimal(qty),
            estimated_value=Decimal(value),
            entry_on=today - timedelta(days=days_ago),
            donor_name=donor,
            donor_organisation=org,
            purpose="困难群众帮扶",
        )
    for i, r in enumerate(residents_a[:8]):
        services.ledger_disburse(
            actor=back,
            unit=community_a,
            kind="in_kind",
            item="米面油礼包",
            quantity=Decimal(2),
            entry_on=today - timedelta(days=40 - i),
            purpose="节日慰问",
            recipient_kind="resident",
            recipient_resident=r,
        )
    services.ledger_disburse(
        actor=back,
        unit=community_a,
        kind="money",
        quantity=Decimal("1200"),
        entry_on=activities[0].held_on,
        purpose="重阳敬老百家宴餐费",
        recipient_kind="activity",
        recipient_activity=activities[0],
    )
    services.ledger_disburse(
        actor=back,
        unit=community_a,
        kind="money",
        quantity=Decimal("3000"),
        entry_on=today - timedelta(days=20),
        purpose="“心晴驿站”小组活动经费",
        recipient_kind="organisation",
        recipient_organisation=orgs["心晴社会工作服务中心"],
    )
    ctx.say(
        f"五社联动：志愿者 {len(volunteers)} 人、合作方 {len(orgs)} 家、活动 {len(activities)} 场、"
        f"台账 {LedgerEntry.objects.filter(unit=community_a).count()} 笔。"
    )
