"""Who sees and who may move which matter, across communities and roles. Every refusal leaves nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied

from quanke.core import permissions
from quanke.core.models import AuditEvent
from quanke.matters import selectors, services
from quanke.matters.models import Matter, MatterEvent
from tests.conftest import make_resident
from tests.matters.conftest import accept


@pytest.fixture
def matters(cast):
    """a_street: community A's 低保 application routed to street 1; a_station: A's property issue at A's back
    office (general); a_disab: A's disability item at A's back office; b_street: B's 低保 routed to street 1."""
    desk_b = cast.desk_b
    return {
        "a_street": services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-DIBAO")),
        "a_station": services.matter_route(
            actor=cast.desk_a, matter=accept(cast.desk_a, "CV-PROPERTY-ISSUE")
        ),
        "a_disab": services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "DS-CERT-NEW")),
        "b_street": services.matter_route(actor=desk_b, matter=accept(desk_b, "SA-DIBAO")),
    }


VISIBLE = {
    "desk_a": {"a_street", "a_station", "a_disab"},
    "desk_b": {"b_street"},
    "back_a": {"a_street", "a_disab"},  # assistance and disability specialties of community A
    "head_a": {"a_street", "a_station", "a_disab"},
    "street_handler": {"a_street", "b_street"},  # forwarded to street 1, assistance
    "county_viewer": set(),
    "admin": {"a_street", "a_station", "a_disab", "b_street"},
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_visibility_matrix(cast, matters, who):
    actor = getattr(cast, who)
    codes = set(selectors.matters_for(actor=actor).values_list("tracking_code", flat=True))
    assert codes == {matters[k].tracking_code for k in VISIBLE[who]}
    for key, m in matters.items():
        assert permissions.can_view_matter(actor, m) == (key in VISIBLE[who]), key


def snapshot(m):
    return (
        Matter.objects.filter(pk=m.pk).values().get(),
        MatterEvent.objects.count(),
        AuditEvent.objects.count(),
    )


REFUSED = [
    # (actor, matter key, action)
    ("desk_b", "a_station", "withdraw"),
    ("desk_b", "a_station", "route"),
    ("county_viewer", "a_station", "withdraw"),
    ("county_viewer", "a_street", "claim"),
    ("desk_a", "a_station", "claim"),  # front desk is not back office
    ("back_a", "a_station", "claim"),  # not her specialty
    ("street_handler", "a_disab", "claim"),  # at the station's back office, not forwarded
    ("back_a", "a_street", "claim"),  # at the street now, not at the station
    ("desk_a", "a_station", "reassign"),
    ("back_a", "a_disab", "reassign"),
    ("head_a", "b_street", "withdraw"),
    ("admin", "a_station", "withdraw"),  # administrators look, they do not work matters
]


def act(cast, action, actor, m):
    if action == "withdraw":
        return services.matter_withdraw(actor=actor, matter=m)
    if action == "route":
        return services.matter_route(actor=actor, matter=m)
    if action == "claim":
        return services.matter_claim(actor=actor, matter=m)
    if action == "reassign":
        return services.matter_reassign(actor=actor, matter=m, to_user=cast.back_a)
    raise AssertionError(action)


@pytest.mark.parametrize("who,key,action", REFUSED)
def test_refused_actions_change_nothing(cast, matters, who, key, action):
    m = matters[key]
    before = snapshot(m)
    with pytest.raises(PermissionDenied):
        act(cast, action, getattr(cast, who), m)
    assert snapshot(m) == before


def test_allowed_counterparts(cast, matters):
    assert services.matter_claim(actor=cast.back_a, matter=matters["a_disab"]).assigned_to == cast.back_a
    assert (
        services.matter_claim(actor=cast.street_handler, matter=matters["b_street"]).status == "in_progress"
    )
    assert services.matter_reassign(actor=cast.head_a, matter=matters["a_station"], to_user=cast.head_a)
    assert services.matter_withdraw(actor=cast.desk_a, matter=matters["a_street"]).status == "withdrawn"


def test_only_the_holder_or_her_head_completes(cast, matters, back_a2):
    m = services.matter_claim(actor=back_a2, matter=matters["a_station"])
    before = snapshot(m)
    with pytest.raises(PermissionDenied):
        services.matter_complete(actor=cast.desk_a, matter=m)
    assert snapshot(m) == before
    assert services.matter_complete(actor=cast.head_a, matter=m, note="站长代办结").status == "finished"


@pytest.mark.parametrize("who", ["county_viewer", "street_handler", "back_a", "admin"])
def test_only_the_desk_accepts(cast, who):
    with pytest.raises(PermissionDenied):
        accept(getattr(cast, who))
    assert not Matter.objects.exists()


def test_desk_cannot_accept_for_another_communitys_resident(cast):
    other = make_resident(cast.community_b, "李四")
    with pytest.raises(PermissionDenied):
        accept(cast.desk_a, resident=other)
    assert not Matter.objects.exists()
