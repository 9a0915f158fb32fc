from datetime import date, timedelta

from quanke.network import selectors, services
from quanke.network.models import OrganisationKind
from tests.conftest import make_user


def test_volunteers_ranked_by_skill_area_availability_and_load(cast, today):
    desk_c = make_user("desk_c", cast.community_c, ["front_desk"])
    mk = services.volunteer_register
    near = mk(
        actor=cast.desk_a,
        unit=cast.community_a,
        name="近",
        registered_on=today,
        skills=["escort"],
        availability=["weekend"],
    )
    busy = mk(
        actor=cast.desk_a,
        unit=cast.community_a,
        name="忙",
        registered_on=today,
        skills=["escort"],
        availability=["weekend"],
    )
    street = mk(
        actor=cast.desk_b, unit=cast.community_b, name="同街道", registered_on=today, skills=["escort"]
    )
    mk(actor=cast.desk_a, unit=cast.community_a, name="技能不符", registered_on=today, skills=["repair"])
    mk(actor=desk_c, unit=cast.community_c, name="别的街道", registered_on=today, skills=["escort"])
    for i in range(2):
        services.service_record_add(
            actor=cast.desk_a, volunteer=busy, served_on=today - timedelta(days=i), hours="4", description="x"
        )
    # A street-level user sees both communities' volunteers.
    m = selectors.match_for_need(
        actor=cast.street_handler, need="escort", unit=cast.community_a, day=today, slot="weekend"
    )
    names = [s.obj.name for s in m.volunteers]
    assert names == ["近", "忙", "同街道"]  # recent load puts 忙 behind 近, nearness ahead of 同街道
    assert "技能不符" not in names and "别的街道" not in names
    assert street.pk in {s.obj.pk for s in m.volunteers}
    assert near.pk == m.volunteers[0].obj.pk


def test_organisations_by_service_area_and_agreement(cast, today):
    def org(name, area, agreement_end):
        o = services.organisation_create(
            actor=cast.head_a,
            unit=cast.community_a,
            name=name,
            kind=OrganisationKind.SOCIAL_ORGANISATION,
            services=["legal"],
            service_area=area,
        )
        if agreement_end is not False:
            services.agreement_add(
                actor=cast.head_a,
                organisation=o,
                title="协议",
                start_on=date(2024, 1, 1),
                end_on=agreement_end,
            )
        return o

    org("有效", [cast.community_a], None)
    org("过期", [cast.community_a], today - timedelta(days=1))
    org("街道范围", [cast.street_1], None)
    org("别处", [cast.community_b], None)
    m = selectors.match_for_need(actor=cast.desk_a, need="legal", unit=cast.community_a, day=today)
    assert [s.obj.name for s in m.organisations] == ["有效", "街道范围", "过期"]


def test_resources_with_positive_balance(cast, today):
    from decimal import Decimal

    services.ledger_receive(
        actor=cast.back_a,
        unit=cast.community_a,
        kind="money",
        quantity=Decimal("500"),
        entry_on=today,
        donor_name="甲",
        purpose="x",
    )
    m = selectors.match_for_need(actor=cast.desk_a, need="material", unit=cast.community_a, day=today)
    assert [b.balance for b in m.resources] == [Decimal("500")]
