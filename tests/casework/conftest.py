from datetime import date, timedelta

import pytest
from django.utils import timezone

from quanke.casework import services
from quanke.core.models import User
from quanke.network import services as network_services
from quanke.network.models import OrganisationKind
from tests.conftest import PASSWORD, make_resident


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def resident(cast):
    return make_resident(cast.community_a, "林秀英", birth=date(1972, 4, 9), sex="F")


@pytest.fixture
def org(cast, today):
    org = network_services.organisation_create(
        actor=cast.head_a,
        unit=cast.community_a,
        name="心晴社工服务中心",
        kind=OrganisationKind.SOCIAL_WORK_AGENCY,
        services=["mental_health", "companionship"],
        service_area=[cast.community_a],
    )
    network_services.agreement_add(
        actor=cast.head_a, organisation=org, title="合作协议", start_on=today - timedelta(days=100)
    )
    return org


@pytest.fixture
def other_org(cast):
    return network_services.organisation_create(
        actor=cast.head_a,
        unit=cast.community_a,
        name="阳光助残协会",
        kind=OrganisationKind.SOCIAL_ORGANISATION,
    )


@pytest.fixture
def partner_user(cast, org):
    user = User(username="partner_x", full_name="伙伴", unit=cast.community_a, roles=[])
    user.set_password(PASSWORD)
    user.save()
    network_services.partner_staff_link(actor=cast.head_a, user=user, organisation=org)
    return user


@pytest.fixture
def case(cast, resident):
    return services.case_open(
        actor=cast.desk_a,
        resident=resident,
        origin_kind="visit",
        origin_reference="VR-2026-0012",
        presenting_problem="精神障碍，停药后情绪不稳，家属求助。",
    )


@pytest.fixture
def consented(cast, case, org, today):
    return services.consent_record(
        actor=cast.desk_a,
        case=case,
        consenter_kind="guardian",
        guardian_name="林建国",
        guardian_relation="兄长",
        share_kinds=["volunteers", "organisations", "resources"],
        organisations=[org],
        given_on=today,
        valid_until=today + timedelta(days=365),
    )


FINDINGS = {"mental_health": (3, "停药"), "livelihood": (2, "收入低"), "family": (1, "")}


def assess(case, actor, **kw):
    return services.assessment_record(
        actor=actor, case=case, risk_level="high", summary="需链接长效针剂资源", findings=FINDINGS, **kw
    )


def approved_plan(cast, case, today):
    plan = services.plan_save(
        actor=cast.desk_a,
        case=case,
        goals="规律服药，情绪稳定",
        actions=[
            {
                "domain": "mental_health",
                "description": "联系医院申请免费长效针剂",
                "due_on": today + timedelta(days=14),
                "responsible_worker": cast.desk_a,
            }
        ],
    )
    services.plan_submit(actor=cast.desk_a, plan=plan)
    return services.plan_review(actor=cast.head_a, plan=plan, approve=True)


def deliver(case, actor, on):
    """One service given, so that the case may be closed."""
    return services.service_deliver(
        actor=actor,
        case=case,
        delivered_on=on,
        service_kind="companionship",
        description="上门探访，了解服药情况",
    )


def settle(plan, actor):
    """Mark every action of the approved plan done."""
    for action in plan.actions.all():
        services.plan_action_complete(actor=actor, action=action)
