"""Demo: the demo county uses Beijing's parameters; one discovery scan fills the review queue; a few
applications stand at each legal step (accepted, investigated, 公示, confirmed, refused)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from quanke.assistance import selectors, services
from quanke.assistance.models import AssistanceApplication, Finding, Locality, ScanRun, UnitLocality

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def seed(ctx) -> None:
    beijing = Locality.objects.get(code="beijing")
    UnitLocality.objects.get_or_create(unit=ctx.county, defaults={"locality": beijing})
    if not ScanRun.objects.exists():
        result = services.assistance_scan(actor=None, on=ctx.today, progress=ctx.say)
        ctx.say(f"主动发现：复核队列 {result.run.findings_new} 条线索。")
    if AssistanceApplication.objects.exists():
        ctx.say("救助申请演示数据已存在，跳过。")
        return
    _applications(ctx)


def _applications(ctx) -> None:
    users = ctx.users
    head, handler = users["zhanzhang_a"], users["jiedao_gn"]
    community = head.unit
    leads = list(
        Finding.objects.filter(unit=community, status="open", kind="eligible_not_receiving", program="dibao")
        .select_related("household")
        .order_by("household__number")[:5]
    )
    today = ctx.today
    plans = [
        # (days ago accepted, steps to take)
        (2, []),
        (6, ["investigate"]),
        (12, ["investigate", "publicize"]),
        (26, ["investigate", "publicize", "approve"]),
        (9, ["investigate", "refuse"]),
    ]
    for finding, (ago, steps) in zip(leads, plans, strict=False):
        resident = selectors.household_applicant(finding.household)
        services.finding_confirm(actor=head, finding=finding, reason="电话联系家庭，情况基本属实，动员申请。")
        accepted = today - timedelta(days=ago)
        app = services.application_open(
            actor=head,
            resident=resident,
            program="dibao",
            channel="home",
            request_text="主动发现：家庭人均收入低于低保标准",
            finding=finding,
            at=_at(accepted),
        )
        for step in steps:
            if step == "investigate":
                day = accepted + timedelta(days=2)
                app = services.application_investigate(
                    actor=handler,
                    application=app,
                    investigated_on=day,
                    investigators="赵立新、社区金莉",
                    record="入户核实家庭人口、收入和住房情况，与登记信息一致。",
                    at=_at(day, 15),
                )
            elif step == "publicize":
                app = services.application_publicize(
                    actor=handler, application=app, start=accepted + timedelta(days=4)
                )
            elif step == "approve":
                app = services.application_approve(
                    actor=handler,
                    application=app,
                    decided_on=accepted + timedelta(days=12),
                    monthly_amount=services.suggested_amount(app),
                    objections="公示期间无异议。",
                    at=_at(accepted + timedelta(days=12), 16),
                )
            elif step == "refuse":
                app = services.application_refuse(
                    actor=handler,
                    application=app,
                    reasons="入户调查发现家庭有机动车一辆，超过本市低保家庭财产限定条件。",
                    decided_on=accepted + timedelta(days=4),
                    at=_at(accepted + timedelta(days=4), 16),
                )
    _temporary(ctx)
    ctx.say(
        f"救助申请：{AssistanceApplication.objects.count()} 件，分处受理、调查、公示、确认、不予批准各环节。"
    )


# 临时救助 at every station over the last three months (seed 003: households helped through a hard patch):
# (community's desk user, street handler, [(days ago accepted, amount or None for a refusal)]).
TEMPORARY_PLAN = [
    ("qiantai_a1", "jiedao_gn", [(85, 1500), (52, 2000), (30, 800), (12, None)]),
    ("qiantai_b1", "jiedao_gn", [(70, 1200), (41, 3000), (8, 1000)]),
    ("qiantai_c1", "jiedao_qb", [(77, 2500), (45, 600), (20, None), (5, 1800)]),
    ("qiantai_d1", "jiedao_qb", [(60, 2000), (33, 1500)]),
]


def _temporary(ctx) -> None:
    from quanke.registry.models import Resident

    for desk_name, handler_name, plans in TEMPORARY_PLAN:
        desk, handler = ctx.users[desk_name], ctx.users[handler_name]
        people = Resident.objects.filter(unit=desk.unit).order_by("id")[100 : 100 + len(plans)]
        for resident, (ago, amount) in zip(people, plans, strict=False):
            accepted = ctx.today - timedelta(days=ago)
            app = services.application_open(
                actor=desk,
                resident=resident,
                program="temporary",
                request_text="家中突发重病，医疗费用支出较大，生活出现困难",
                at=_at(accepted),
            )
            day = accepted + timedelta(days=2)
            app = services.application_investigate(
                actor=handler,
                application=app,
                investigated_on=day,
                investigators="街道社会救助专干",
                record="入户核实医疗票据和家庭收支情况。",
                at=_at(day, 15),
            )
            decided = accepted + timedelta(days=4)
            if amount is None:
                services.application_refuse(
                    actor=handler,
                    application=app,
                    reasons="医疗费用已由医疗保险和大病保险报销，家庭基本生活未陷入困境。",
                    decided_on=decided,
                    at=_at(decided, 16),
                )
            else:
                approver = handler
                limit = selectors.temporary_street_limit(app.unit, decided)
                if limit is not None and amount > limit.amount:
                    # Above the street's authority: sent up, and the county's handler approves it.
                    app = services.application_refer_to_county(
                        actor=handler, application=app, at=_at(decided, 10)
                    )
                    approver = ctx.users["quju_mz"]
                services.application_approve(
                    actor=approver,
                    application=app,
                    decided_on=decided,
                    monthly_amount=amount,
                    at=_at(decided, 16),
                )
