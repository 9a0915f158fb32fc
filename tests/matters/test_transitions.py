"""Every action from every status: allowed moves happen with an event and an audit row; refused moves raise a
clear message and change nothing."""

import pytest

from quanke.core.models import AuditEvent
from quanke.matters import services
from quanke.matters.models import TRANSITIONS, Matter, MatterEvent, Status
from quanke.matters.services import TransitionRefused
from tests.matters.conftest import accept, received

S = Status


def drive(cast, back_a2, status):
    """A matter (an on-spot-capable assistance item, routed to community A's back office) in `status`."""
    m = accept(cast.desk_a)
    if status == S.ACCEPTED:
        return m
    if status == S.ON_SPOT:
        return services.matter_finish_on_spot(actor=cast.desk_a, matter=m, note="已出具", **received(m))
    if status in (S.REFUSED, S.WITHDRAWN):
        fn = services.matter_refuse if status == S.REFUSED else services.matter_withdraw
        return fn(actor=cast.desk_a, matter=m, **({"reason": "x"} if status == S.REFUSED else {}))
    m = services.matter_route(actor=cast.desk_a, matter=m)
    if status == S.ROUTED:
        return m
    if status == S.AWAITING_MATERIALS:
        return services.matter_request_materials(actor=cast.desk_a, matter=accept(cast.desk_a), note="户口簿")
    m = services.matter_claim(actor=cast.back_a, matter=m)
    if status == S.IN_PROGRESS:
        return m
    if status == S.RETURNED:
        return services.matter_return(actor=cast.back_a, matter=m, reason="材料不全")
    if status == S.FINISHED:
        return services.matter_complete(actor=cast.back_a, matter=m, note="已办", **received(m))
    raise AssertionError(status)


def run(action, cast, back_a2, m):
    holder = m.assigned_to or cast.desk_a
    calls = {
        "finish_on_spot": lambda: services.matter_finish_on_spot(
            actor=cast.desk_a, matter=m, note="已出具", **received(m)
        ),
        "route": lambda: services.matter_route(
            actor=cast.head_a if m.status == S.ROUTED else cast.desk_a, matter=m
        ),
        "claim": lambda: services.matter_claim(actor=cast.back_a, matter=m),
        "complete": lambda: services.matter_complete(
            actor=m.assigned_to or cast.back_a, matter=m, note="ok", **received(m)
        ),
        "return": lambda: services.matter_return(actor=cast.back_a, matter=m, reason="缺材料"),
        "forward": lambda: services.matter_forward(
            actor=m.assigned_to or cast.back_a, matter=m, department=cast.street_1
        ),
        "request_materials": lambda: services.matter_request_materials(
            actor=holder, matter=m, note="缺户口簿"
        ),
        "materials_received": lambda: services.matter_materials_received(actor=holder, matter=m),
        "refuse": lambda: services.matter_refuse(actor=holder, matter=m, reason="不符合条件"),
        "withdraw": lambda: services.matter_withdraw(actor=holder, matter=m),
        "reassign": lambda: services.matter_reassign(actor=cast.head_a, matter=m, to_user=back_a2),
    }
    return calls[action]()


ALLOWED = {
    S.ACCEPTED: {"finish_on_spot", "route", "request_materials", "refuse", "withdraw"},
    S.ROUTED: {"route", "claim", "return", "withdraw", "reassign"},
    S.IN_PROGRESS: {"complete", "return", "forward", "request_materials", "refuse", "withdraw", "reassign"},
    S.AWAITING_MATERIALS: {"materials_received", "refuse", "withdraw"},
    S.RETURNED: {"route", "request_materials", "refuse", "withdraw"},
    S.ON_SPOT: set(),
    S.FINISHED: set(),
    S.REFUSED: set(),
    S.WITHDRAWN: set(),
}
ACTIONS = sorted(
    {"finish_on_spot", "route", "claim", "complete", "return", "forward"}
    | {"request_materials", "materials_received", "refuse", "withdraw", "reassign"}
)
EXPECTED_TARGET = {
    "finish_on_spot": S.ON_SPOT,
    "route": S.ROUTED,
    "claim": S.IN_PROGRESS,
    "complete": S.FINISHED,
    "return": S.RETURNED,
    "forward": S.ROUTED,
    "request_materials": S.AWAITING_MATERIALS,
    "refuse": S.REFUSED,
    "withdraw": S.WITHDRAWN,
    "reassign": S.IN_PROGRESS,
}


def test_every_status_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(S.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(S.values)


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", ACTIONS)
def test_action_from_status(cast, back_a2, status, action):
    m = drive(cast, back_a2, status)
    assert m.status == status
    before = Matter.objects.filter(pk=m.pk).values().get()
    events, audits = MatterEvent.objects.count(), AuditEvent.objects.count()
    if action in ALLOWED[status]:
        result = run(action, cast, back_a2, m)
        expected = EXPECTED_TARGET.get(action) or m.paused_from
        assert result.status == expected
        assert Matter.objects.get(pk=m.pk).status == expected
        event = MatterEvent.objects.filter(matter=m).latest("id")
        assert (event.from_status, event.to_status, event.action) == (status, expected, action)
        assert MatterEvent.objects.count() == events + 1
        assert AuditEvent.objects.filter(action="transition", object_id=str(m.pk)).exists()
    else:
        with pytest.raises(TransitionRefused) as exc:
            run(action, cast, back_a2, m)
        assert exc.value.message  # a sentence for the user, in Chinese
        assert Matter.objects.filter(pk=m.pk).values().get() == before
        assert (MatterEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_refused_message_names_the_current_status_and_what_is_allowed(cast, back_a2):
    m = drive(cast, back_a2, S.FINISHED)
    with pytest.raises(TransitionRefused) as exc:
        services.matter_withdraw(actor=cast.desk_a, matter=m)
    assert "已办结" in exc.value.message and "已撤回" in exc.value.message


def test_refuse_and_return_need_a_reason(cast):
    from django.core.exceptions import ValidationError

    m = accept(cast.desk_a)
    with pytest.raises(ValidationError):
        services.matter_refuse(actor=cast.desk_a, matter=m, reason="  ")
    assert Matter.objects.get(pk=m.pk).status == S.ACCEPTED


def test_routed_item_cannot_be_finished_on_the_spot(cast):
    m = accept(cast.desk_a, "SA-DIBAO")
    with pytest.raises(TransitionRefused, match="须流转办理"):
        services.matter_finish_on_spot(actor=cast.desk_a, matter=m)
    assert Matter.objects.get(pk=m.pk).status == S.ACCEPTED


def test_refused_certificate_is_never_routed_and_is_recorded_as_refusal(cast):
    m = accept(cast.desk_a, "CT-REF-KINSHIP")
    with pytest.raises(TransitionRefused, match="不予出具"):
        services.matter_route(actor=cast.desk_a, matter=m)
    assert Matter.objects.get(pk=m.pk).status == S.ACCEPTED
    m = services.intake(
        actor=cast.desk_a,
        then="refuse",
        item=m.item,
        applicant_name="李先生",
        kind="consultation",
    )
    assert m.status == S.REFUSED and m.result_note == m.item.refusal_note and m.result_note


def test_intake_is_all_or_nothing(cast):
    with pytest.raises(TransitionRefused):
        services.intake(
            actor=cast.desk_a, then="on_spot", item=accept(cast.desk_a, "SA-DIBAO").item, applicant_name="甲"
        )
    assert Matter.objects.count() == 1  # only the matter accepted by the helper above


def test_default_routes_follow_the_items_route_level(cast):
    street = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-DIBAO"))
    county = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-TEKUN"))
    station = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "CV-PROPERTY-ISSUE"))
    assert (street.handling_unit, county.handling_unit, station.handling_unit) == (
        cast.street_1,
        cast.county,
        cast.community_a,
    )


def test_forward_then_department_claims_and_completes(cast):
    m = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL"))
    m = services.matter_claim(actor=cast.back_a, matter=m)
    m = services.matter_forward(actor=cast.back_a, matter=m, department=cast.street_1, note="需街道审批")
    assert (m.status, m.handling_unit, m.assigned_to) == (S.ROUTED, cast.street_1, None)
    m = services.matter_claim(actor=cast.street_handler, matter=m)
    m = services.matter_complete(actor=cast.street_handler, matter=m, note="已救助", **received(m))
    assert m.status == S.FINISHED and m.closed_at
    actions = list(m.events.values_list("action", flat=True))
    assert actions == ["accept", "route", "claim", "forward", "claim", "complete"]


def test_cannot_forward_to_another_streets_department(cast):
    m = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL"))
    m = services.matter_claim(actor=cast.back_a, matter=m)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.matter_forward(actor=cast.back_a, matter=m, department=cast.street_2)
    assert Matter.objects.get(pk=m.pk).handling_unit == cast.community_a


@pytest.mark.parametrize("status", list(S))
def test_pages_offer_only_moves_the_table_allows(cast, back_a2, status):
    m = drive(cast, back_a2, status)
    for actor in (cast.desk_a, cast.back_a, cast.head_a, cast.street_handler, cast.county_viewer):
        offered = set(services.available_actions(actor, m))
        assert offered <= ALLOWED[status], (actor.username, offered - ALLOWED[status])
