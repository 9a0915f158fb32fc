"""Demo cases (seed 002) at every stage, in 核桃园社区: opened without consent, consented, assessed, an emergency
assessment awaiting the head, plan submitted, plan approved with services, links and follow-ups due, closure
requested, closed, and reopened. Runs the network demo first (it needs volunteers, partners and the ledger).
Deterministic and idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from quanke.casework import services
from quanke.casework.models import Case
from quanke.network import demo as network_demo
from quanke.network.models import ResourceBalance, SocialOrganisation, Volunteer
from quanke.registry.models import Resident

FINDINGS = {
    "mental_health": (3, "精神障碍，近期自行停药，夜间失眠、情绪激动"),
    "livelihood": (2, "无固定收入，靠兄长接济"),
    "health": (2, "高血压，未规律复诊"),
    "family": (1, "与兄长同住，照护压力大"),
}

STAGES = [
    # stage key, origin kind, origin reference, presenting problem, days since opened
    ("open", "visit", "走访-2026-0031", "入户走访发现独居老人近期记忆力下降、饮食不规律。", 2),
    ("consented", "walk_in", "", "居民来访求助：儿子失业，家庭收入骤降。", 6),
    ("assessed", "matter", "BJ-2026-00188", "办理低保咨询时发现家庭关系紧张，需要个案跟进。", 12),
    ("emergency", "referral", "派出所转介-17", "派出所转介：夜间在街头徘徊，疑似走失，家属联系不上。", 3),
    ("plan_submitted", "scan_finding", "SF-2026-0042", "主动发现：重度残疾人未申领护理补贴，照护困难。", 20),
    ("active", "visit", "走访-2026-0007", "精神障碍患者停药后情绪不稳，家属求助（个案服务示例）。", 75),
    ("closure_requested", "walk_in", "", "困境儿童课业落后、父母外出务工。", 120),
    ("closed", "matter", "BJ-2025-01377", "失业人员再就业帮扶。", 200),
    ("reopened", "visit", "走访-2025-0213", "独居老人跌倒后康复期生活照料。", 260),
]


def _pick_residents(community, n):
    """Adults of the community, mental-disorder residents first (seed 002's case)."""
    tagged = list(
        Resident.objects.filter(unit=community, tags__code="mental_disorder", cases__isnull=True).order_by(
            "id"
        )[:1]
    )
    others = list(
        Resident.objects.filter(unit=community, cases__isnull=True)
        .exclude(pk__in=[r.pk for r in tagged])
        .order_by("id")[: n * 7 : 7]
    )
    return tagged + others


@transaction.atomic
def seed(ctx) -> None:
    network_demo.seed(ctx)
    community = ctx.communities[0]
    if Case.objects.filter(unit=community).exists():
        ctx.say("个案演示数据已存在，跳过。")
        return
    users = ctx.users
    desk, desk2, back, head = (
        users["qiantai_a1"],
        users["qiantai_a2"],
        users["houtai_a"],
        users["zhanzhang_a"],
    )
    today = ctx.today
    residents = _pick_residents(community, len(STAGES))
    if len(residents) < len(STAGES):
        ctx.say("居民不足，跳过个案演示数据。")
        return
    org = SocialOrganisation.objects.get(name="心晴社会工作服务中心")
    hospital = SocialOrganisation.objects.get(name="示范区第二医院")
    volunteer = Volunteer.objects.filter(unit=community, skills__icontains="escort").order_by("id").first()
    money = ResourceBalance.objects.get(unit=community, kind="money", item="")
    # The seed-002 case goes first so it gets the mental-disorder resident.
    order = ["active"] + [s[0] for s in STAGES if s[0] != "active"]
    by_key = {s[0]: s for s in STAGES}
    made = []
    for resident, key in zip(residents, order, strict=False):
        _key, origin, reference, problem, days = by_key[key]
        opened = today - timedelta(days=days)
        worker = (
            desk
            if key in ("active", "open", "emergency", "closed")
            else (desk2 if key != "assessed" else back)
        )
        case = services.case_open(
            actor=worker,
            resident=resident,
            origin_kind=origin,
            origin_reference=reference,
            presenting_problem=problem,
            opened_on=opened,
            origin_note="" if reference else "来访",
        )
        made.append(case)
        if key == "open":
            continue
        if key == "emergency":
            services.assessment_record(
                actor=worker,
                case=case,
                risk_level="urgent",
                summary="无法联系家属，存在走失和受伤风险，先行评估并安排临时照护。",
                findings={"safety": (3, "夜间徘徊"), "health": (2, "疑似认知障碍")},
                assessed_on=opened,
                emergency_reason="服务对象意识不清、无法表达同意，且监护人暂时联系不上",
            )
            continue
        guardian = key == "active"
        services.consent_record(
            actor=worker,
            case=case,
            consenter_kind="guardian" if guardian else "self",
            guardian_name="林建国" if guardian else "",
            guardian_relation="兄长" if guardian else "",
            share_kinds=["volunteers", "resources", "medical"],
            organisations=[org, hospital] if guardian else [org],
            given_on=opened,
            valid_until=opened + timedelta(days=365),
        )
        if key == "consented":
            continue
        services.assessment_record(
            actor=worker,
            case=case,
            risk_level="high" if guardian else "medium",
            summary="综合评估：需要医疗资源链接、生活支持和家庭支持。",
            findings=FINDINGS if guardian else {"livelihood": (2, ""), "family": (2, "")},
            assessed_on=opened + timedelta(days=1),
        )
        if key == "assessed":
            continue
        plan = services.plan_save(
            actor=worker,
            case=case,
            goals="一、规律服药、情绪稳定；二、生活有基本保障；三、家属照护压力减轻。",
            actions=[
                {
                    "domain": "mental_health",
                    "description": "联系示范区第二医院申请免费长效针剂",
                    "due_on": opened + timedelta(days=14),
                    "responsible_organisation": hospital if guardian else None,
                    "responsible_worker": None if guardian else worker,
                },
                {
                    "domain": "livelihood",
                    "description": "协助申请临时救助，链接慈善资金",
                    "due_on": opened + timedelta(days=30),
                    "responsible_worker": worker,
                },
                {
                    "domain": "family",
                    "description": "心晴社工每两周一次家属减压辅导",
                    "due_on": opened + timedelta(days=60),
                    "responsible_organisation": org,
                },
            ],
        )
        services.plan_submit(actor=worker, plan=plan)
        if key == "plan_submitted":
            continue
        services.plan_review(actor=head, plan=plan, approve=True, note="同意")
        services.service_deliver(
            actor=worker,
            case=case,
            delivered_on=opened + timedelta(days=5),
            service_kind="medical",
            description="陪同到示范区第二医院复诊，办理免费长效针剂",
            volunteer=volunteer if guardian else None,
            volunteer_hours=Decimal("3") if guardian else None,
            organisation=hospital if guardian else None,
        )
        if guardian:
            services.case_link_volunteer(
                actor=worker, case=case, volunteer=volunteer, need="escort", note="每月陪同复诊"
            )
            services.case_link_organisation(
                actor=worker, case=case, organisation=org, need="mental_health", note="家属减压辅导"
            )
            services.case_link_resource(
                actor=worker,
                case=case,
                kind="money",
                quantity=Decimal("1500"),
                purpose="交通和购药补助",
                ledger_unit=money.unit,
                on=opened + timedelta(days=10),
            )
            services.case_link_resource(
                actor=worker,
                case=case,
                kind="in_kind",
                item="米面油礼包",
                quantity=Decimal("2"),
                purpose="生活支持",
                on=opened + timedelta(days=10),
            )
            done = services.followup_schedule(
                actor=worker, case=case, due_on=opened + timedelta(days=30), purpose="电话回访服药情况"
            )
            services.followup_complete(
                actor=worker, followup=done, result="按时注射，情绪平稳", done_on=done.due_on
            )
            services.followup_schedule(
                actor=worker, case=case, due_on=today - timedelta(days=2), purpose="入户回访"
            )
            services.followup_schedule(actor=worker, case=case, due_on=today, purpose="电话了解家属照护情况")
            services.followup_schedule(
                actor=worker, case=case, due_on=today + timedelta(days=5), purpose="陪同第三次注射"
            )
            continue
        if key in ("closure_requested", "closed", "reopened"):
            # Closure needs every action of the approved plan done or dropped with a reason.
            first, *rest = plan.actions.all()
            services.plan_action_complete(actor=worker, action=first, done_on=first.due_on)
            for action in rest:
                services.plan_action_drop(
                    actor=worker, action=action, reason="服务对象情况好转，经商议不再需要。"
                )
            services.case_request_closure(
                actor=worker, case=case, outcome="goals_met", reason="服务目标基本达成，服务对象生活稳定。"
            )
        if key in ("closed", "reopened"):
            services.case_review_closure(actor=head, case=case, approve=True, note="同意结案")
        if key == "reopened":
            services.case_reopen(actor=worker, case=case, reason="再次跌倒，需要重新评估照护需求")
            services.followup_schedule(
                actor=worker, case=case, due_on=today + timedelta(days=1), purpose="入户评估"
            )
    ctx.say(f"个案演示数据：{len(made)} 件（各阶段各一件）。")
