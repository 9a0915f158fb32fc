"""The one step table: for every status × role, the buttons on the matter page, the steps the web endpoint
accepts and the steps the API accepts are the same set, and every step's service is the one the table names."""

import inspect

import pytest
from django.db import transaction
from django.urls import reverse

from quanke.api.models import ApiToken
from quanke.matters import services, steps
from quanke.matters.models import Action, MatterEvent, Status
from tests.matters.conftest import accept
from tests.matters.test_transitions import drive
from tests.support import login

S = Status
ROLES = ("desk_a", "back_a", "back_a2", "head_a", "street_handler", "desk_b", "county_viewer")


def test_every_action_but_intake_has_one_step_whose_service_takes_its_fields():
    assert set(steps.STEPS) == set(Action.values) - {Action.ACCEPT}
    for action, step in steps.STEPS.items():
        fn = step.service_function
        assert fn is getattr(services, step.service)
        params = set(inspect.signature(fn).parameters)
        assert {"actor", "matter"} <= params, action
        assert step.from_statuses <= set(S.values)
        assert step.who.__module__ == "quanke.core.permissions", action
        if step.note is not None:
            assert step.note.arg in params, action
        if step.has("materials"):
            assert {"received_lines", "waived_lines"} <= params, action


def _department(m):
    """The first department the page offers (a unit above the community, not the one holding the matter)."""
    return next(u for u in m.unit.ancestors() if u.pk != m.handling_unit_id)


def _web_form(step, m, cast, back_a2):
    data = {"note": "理由", "received_lines": [x.pk for x in m.materials.filter(state="missing")]}
    if step.has("department"):
        data["department"] = _department(m).pk
    if step.has("to_user"):
        data["to_user"] = back_a2.pk
    if step.has("in_person"):
        data["in_person"] = "on"
    return data


def _api_body(step, m, cast, back_a2):
    data = {"note": "理由", "received_lines": [x.pk for x in m.materials.filter(state="missing")]}
    if step.has("department"):
        data["department"] = _department(m).code
    if step.has("to_user"):
        data["to_user"] = back_a2.username
    return data


def _accepted(m, post, *args, **kwargs) -> bool:
    """Did the request take the step? Tried inside a savepoint that is rolled back, so each try starts afresh."""
    sid = transaction.savepoint()
    try:
        before = MatterEvent.objects.filter(matter=m).count()
        post(*args, **kwargs)
        return MatterEvent.objects.filter(matter=m).count() == before + 1
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("status", [s for s in S if s not in (S.REFUSED, S.WITHDRAWN)])
def test_page_buttons_web_and_api_accept_exactly_the_same_steps(client, cast, back_a2, status):
    _agree(client, cast, back_a2, drive(cast, back_a2, status))


@pytest.mark.parametrize("claimed", [False, True], ids=["waiting", "in_hand"])
def test_the_same_holds_at_a_street_department(client, cast, back_a2, claimed):
    m = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, "SA-DIBAO-CHANGE"))
    assert m.handling_unit == cast.street_1
    if claimed:
        m = services.matter_claim(actor=cast.street_handler, matter=m)
    _agree(client, cast, back_a2, m)


def _agree(client, cast, back_a2, m):
    status = m.status
    tokens = {}
    for role in ROLES:
        actor = back_a2 if role == "back_a2" else getattr(cast, role)
        offered = set(services.available_actions(actor, m))
        if actor.pk not in tokens:
            tokens[actor.pk] = ApiToken.issue(user=actor, name="grid")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[actor.pk]}"}
        login(client, actor)
        page = client.get(reverse("matters:detail", args=[m.tracking_code]))
        buttons = set()
        if page.status_code == 200:
            buttons = {s["step"].action for s in page.context["steps"]}
        web, api = set(), set()
        for action, step in steps.STEPS.items():
            url = reverse("matters:act", args=[m.tracking_code, action])
            if _accepted(m, client.post, url, _web_form(step, m, cast, back_a2)):
                web.add(action)
            path = f"/api/matters/{m.tracking_code}/actions/{action}"
            body = _api_body(step, m, cast, back_a2)
            if _accepted(m, client.post, path, body, content_type="application/json", **auth):
                api.add(action)
        assert offered == buttons == web == api, (role, status, offered, buttons, web, api)
        client.logout()


def test_unknown_and_intake_actions_are_404_on_web_and_api(client, cast, back_a2):
    m = drive(cast, back_a2, S.ACCEPTED)
    login(client, cast.desk_a)
    for action in ("accept", "nonsense"):
        assert client.post(reverse("matters:act", args=[m.tracking_code, action])).status_code == 404
    _token, key = ApiToken.issue(user=cast.desk_a, name="t")
    response = client.post(
        f"/api/matters/{m.tracking_code}/actions/accept",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 404
    assert MatterEvent.objects.filter(matter=m).count() == 1


def test_page_renders_each_offered_steps_fields(client, cast, back_a2):
    m = drive(cast, back_a2, S.IN_PROGRESS)
    login(client, cast.head_a)
    body = client.get(reverse("matters:detail", args=[m.tracking_code])).content.decode()
    for step in steps.available(cast.head_a, m):
        assert f'data-step="{step.action}"' in body
    assert 'name="to_user"' in body and 'name="department"' in body and 'name="received_lines"' in body
    assert 'name="waived_lines_' in body


def test_no_role_decision_is_written_outside_permissions():
    """Who may do what is decided in quanke/core/permissions.py only."""
    from pathlib import Path

    import quanke

    root = Path(quanke.__file__).parent
    for name in ("matters/views.py", "matters/selectors.py", "matters/services.py", "matters/steps.py"):
        text = (root / name).read_text(encoding="utf-8")
        assert "has_role(" not in text and "Role." not in text, name
    assert "has_role(" not in (root / "api/matters.py").read_text(encoding="utf-8")
