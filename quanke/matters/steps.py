"""The one table of a matter's steps after intake: for each Action its service, the statuses it starts from, who
may take it and the fields it needs.

Everything that moves a matter reads this table: the services check a step with `check()` before writing, the
matter page offers `available()` as its buttons (and renders each step's fields), and the web and API
dispatchers parse a step's fields from a form or a JSON body and call its service through `run()`. Adding a step
is one row here and one service; the permission decisions (`who`) live in quanke.core.permissions.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanke.catalog.models import Handling
from quanke.core import hooks, limits, permissions
from quanke.core.errors import invalid
from quanke.matters.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Kind,
    Matter,
    Status,
    can_transition,
)

S = Status


class TransitionRefused(Exception):
    """The requested step is not allowed from the matter's current status (or not for this item)."""

    code = "matters.illegal_transition"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refuse_move(matter: Matter, to_status: str) -> None:
    """Refuse a move the transition table (quanke.matters.models.TRANSITIONS) does not list."""
    if not can_transition(matter.status, to_status):
        allowed = "、".join(str(Status(s).label) for s in sorted(TRANSITIONS[matter.status])) or _("无")
        raise TransitionRefused(
            _("办件 %(code)s 当前为“%(now)s”，不能变为“%(to)s”（可转为：%(allowed)s）。")
            % {
                "code": matter.tracking_code,
                "now": Status(matter.status).label,
                "to": Status(to_status).label,
                "allowed": allowed,
            }
        )


# --- payloads: a web form and a JSON body, read the same way ----------------------------------------------------


class Payload:
    """What a dispatcher received. `via` says how records are named in it: the web form by primary key, the API
    by code (units) and username (users)."""

    via = ""

    def value(self, name: str):
        raise NotImplementedError

    def values(self, name: str) -> list:
        raise NotImplementedError

    def reasons(self, name: str) -> dict[int, str]:
        raise NotImplementedError


class FormPayload(Payload):
    via = "web"

    def __init__(self, data):
        self.data = data  # a QueryDict

    def value(self, name):
        return self.data.get(name)

    def values(self, name):
        return self.data.getlist(name)

    def reasons(self, name):
        # One text box per line: <name>_<line id>.
        prefix = f"{name}_"
        lines = {_int(k[len(prefix) :]): self.data.get(k) for k in self.data if k.startswith(prefix)}
        return {k: v for k, v in lines.items() if k is not None}


class JsonPayload(Payload):
    via = "api"

    def __init__(self, data: Mapping):
        self.data = data

    def value(self, name):
        return self.data.get(name)

    def values(self, name):
        return list(self.data.get(name) or [])

    def reasons(self, name):
        return dict(self.data.get(name) or {})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pick(options, value, *, via: str, api_key: str):
    """The option the payload names (by pk on the web, by `api_key` over the API); None when none is named."""
    if value in (None, ""):
        return None
    if via == "web":
        wanted = _int(value)
        return next((o for o in options if o.pk == wanted), False)
    return next((o for o in options if getattr(o, api_key) == value), False)


# --- fields ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One input of a step: its name in the form or JSON body and how it becomes the service's arguments."""

    name: str
    parse: Callable[[Matter, Payload], dict]
    label: str = ""


@dataclass(frozen=True)
class Note(Field):
    """The free text of a step: its label on the page, the service argument it fills, and whether it is required
    (for this matter) with the message shown when it is missing."""

    arg: str = "note"
    required: Callable[[Matter], bool] = lambda m: False
    message: str = ""

    def clean(self, matter: Matter, text: str) -> str:
        text = (text or "").strip()
        if not text and self.required(matter):
            raise invalid("matters.note_required", str(self.message), "note")
        if len(text) > limits.NOTE:
            # The web form posts the step's note as free text: the limit is checked here for both channels.
            raise invalid(
                "matters.text_too_long",
                _("说明最多 %(n)d 个字（当前 %(m)d 个）。") % {"n": limits.NOTE, "m": len(text)},
                "note",
            )
        return text


def note(label, *, arg: str = "note", required=lambda m: False, message="") -> Note:
    return Note(
        name="note",
        parse=lambda m, p: {arg: p.value("note") or ""},
        label=label,
        arg=arg,
        required=required,
        message=message,
    )


def _services():
    return import_module("quanke.matters.services")


def _route_unit(m, p):
    unit = _pick(_services().route_targets(m.unit), p.value("route_unit"), via=p.via, api_key="code")
    if unit is False:
        raise invalid("matters.bad_target", _("该单位不是可选的流转对象。"), "route_unit")
    return {"handling_unit": unit}


def _department(m, p):
    unit = _pick(list(m.unit.ancestors()), p.value("department"), via=p.via, api_key="code")
    return {"department": unit or None}  # the service says what is wrong with none or a wrong one


def _to_user(m, p):
    from quanke.matters import selectors

    user = _pick(selectors.reassign_choices(unit=m.unit), p.value("to_user"), via=p.via, api_key="username")
    if not user:
        raise invalid("matters.bad_target", _("请选择本站后台工作人员。"), "to_user")
    return {"to_user": user}


def _in_person(m, p):
    value = p.value("in_person")
    return {"in_person": value is True or str(value).lower() in ("on", "true", "1")}


def _materials(m, p):
    received = [i for i in (_int(v) for v in p.values("received_lines")) if i is not None]
    waived = {_int(k): (v or "").strip() for k, v in p.reasons("waived_lines").items()}
    return {
        "received_lines": received,
        "waived_lines": {k: v for k, v in waived.items() if k is not None and v},
    }


ROUTE_UNIT = Field("route_unit", _route_unit, gettext_lazy("流转到"))
DEPARTMENT = Field("department", _department, gettext_lazy("转至部门"))
TO_USER = Field("to_user", _to_user, gettext_lazy("改派给"))
IN_PERSON = Field("in_person", _in_person, gettext_lazy("居民本人来站（计一次跑动）"))
# Outstanding materials (待补交) settled when finishing: each received now, or waived with a reason.
MATERIALS = Field("materials", _materials, gettext_lazy("待补交材料"))


# --- the table ---------------------------------------------------------------------------------------------------


def _is_application(m: Matter) -> bool:
    return m.kind == Kind.APPLICATION


def _why_not_on_spot(m: Matter) -> str | None:
    if m.kind == Kind.APPLICATION and m.item.handling == Handling.ROUTED:
        return _("“%(item)s”须流转办理，不能当场办结；请流转，或改为咨询记录。") % {"item": m.item.name}
    if m.kind == Kind.APPLICATION and m.item.handling == Handling.REFUSED:
        return _("社区不予出具该证明，请记录为不予受理。")
    return None


def _why_not_route(m: Matter) -> str | None:
    if m.item.handling == Handling.REFUSED:
        return _("社区不予出具“%(item)s”，不能流转：%(why)s") % {
            "item": m.item.name,
            "why": m.item.refusal_note,
        }
    if m.kind == Kind.CONSULTATION:
        return _("咨询记录不流转；如需办理，请重新受理为办理事项。")
    return None


def _why_not_forward(m: Matter) -> str | None:
    if not any(u.pk != m.handling_unit_id for u in m.unit.ancestors()):
        return _("没有可转办的街道或区县部门。")
    return None


def _resume_status(m: Matter) -> str:
    return (m.paused_from or S.ACCEPTED) if m.status == S.AWAITING_MATERIALS else S.AWAITING_MATERIALS


@dataclass(frozen=True)
class Step:
    action: str
    service: str  # the function in quanke.matters.services that takes the step
    from_statuses: frozenset
    to_status: str | Callable[[Matter], str]
    who: Callable  # a predicate of quanke.core.permissions: (actor, matter) -> bool
    fields: tuple[Field, ...] = ()
    not_from: str = ""  # why not, when the transition table allows the move but the step does not start here
    why_not: Callable[[Matter], str | None] = lambda m: None  # the item or the kind rules the step out
    decision: bool = False  # a decision another app's procedure may own (quanke.core.hooks.decision_refusal)
    style: str = ""  # "secondary" for the steps that end or hand back a matter

    @property
    def label(self) -> str:
        return str(Action(self.action).label)

    def target(self, m: Matter) -> str:
        return self.to_status(m) if callable(self.to_status) else self.to_status

    @property
    def note(self) -> Note | None:
        return next((f for f in self.fields if isinstance(f, Note)), None)

    @property
    def service_function(self) -> Callable:
        return getattr(_services(), self.service)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)


RESULT_REQUIRED = gettext_lazy("办结须填写办理结果。")

STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step(
            Action.FINISH_ON_SPOT,
            "matter_finish_on_spot",
            frozenset({S.ACCEPTED}),
            S.ON_SPOT,
            permissions.can_act_at_desk,
            fields=(
                note(gettext_lazy("办理结果"), required=_is_application, message=RESULT_REQUIRED),
                MATERIALS,
            ),
            why_not=_why_not_on_spot,
        ),
        Step(
            Action.ROUTE,
            "matter_route",
            frozenset({S.ACCEPTED, S.RETURNED, S.ROUTED}),
            S.ROUTED,
            permissions.can_route_matter,
            fields=(ROUTE_UNIT, note(gettext_lazy("说明"))),
            not_from=gettext_lazy("办理中的办件请由经办人转部门办理。"),
            why_not=_why_not_route,
        ),
        Step(
            Action.CLAIM,
            "matter_claim",
            frozenset({S.ROUTED}),
            S.IN_PROGRESS,
            permissions.can_claim_matter,
            not_from=gettext_lazy("只有已流转、待认领的办件可以认领。"),
        ),
        Step(
            Action.COMPLETE,
            "matter_complete",
            frozenset({S.IN_PROGRESS}),
            S.FINISHED,
            permissions.can_handle_matter,
            fields=(
                note(gettext_lazy("办理结果（必填）"), required=lambda m: True, message=RESULT_REQUIRED),
                MATERIALS,
            ),
            not_from=gettext_lazy("请先认领再办结。"),
            decision=True,
        ),
        Step(
            Action.FORWARD,
            "matter_forward",
            frozenset({S.IN_PROGRESS}),
            S.ROUTED,
            permissions.can_handle_matter,
            fields=(DEPARTMENT, note(gettext_lazy("说明"))),
            not_from=gettext_lazy("请先认领再转部门办理。"),
            why_not=_why_not_forward,
        ),
        Step(
            Action.REASSIGN,
            "matter_reassign",
            frozenset({S.ROUTED, S.IN_PROGRESS}),
            S.IN_PROGRESS,
            permissions.can_reassign_matter,
            fields=(TO_USER, note(gettext_lazy("说明"))),
            not_from=gettext_lazy("只有已流转或办理中的办件可以改派。"),
        ),
        Step(
            Action.RETURN,
            "matter_return",
            frozenset({S.ROUTED, S.IN_PROGRESS}),
            S.RETURNED,
            permissions.can_return_matter,
            fields=(
                note(
                    gettext_lazy("理由（必填）"),
                    arg="reason",
                    required=lambda m: True,
                    message=gettext_lazy("退回前台须写明理由。"),
                ),
            ),
            not_from=gettext_lazy("只有后台或部门手中的办件可以退回前台。"),
            style="secondary",
        ),
        Step(
            Action.REQUEST_MATERIALS,
            "matter_request_materials",
            frozenset({S.ACCEPTED, S.RETURNED, S.IN_PROGRESS}),
            S.AWAITING_MATERIALS,
            permissions.can_act_on_matter_now,
            fields=(note(gettext_lazy("需补正的材料")),),
        ),
        Step(
            Action.MATERIALS_RECEIVED,
            "matter_materials_received",
            frozenset({S.AWAITING_MATERIALS}),
            _resume_status,
            permissions.can_act_on_matter_now,
            fields=(IN_PERSON, note(gettext_lazy("说明"))),
            not_from=gettext_lazy("该办件不在待补正状态。"),
        ),
        Step(
            Action.REFUSE,
            "matter_refuse",
            frozenset({S.ACCEPTED, S.RETURNED, S.IN_PROGRESS, S.AWAITING_MATERIALS}),
            S.REFUSED,
            permissions.can_act_on_matter_now,
            fields=(
                note(
                    gettext_lazy("理由（必填）"),
                    arg="reason",
                    required=lambda m: True,
                    message=gettext_lazy("不予受理须写明理由。"),
                ),
            ),
            decision=True,
            style="secondary",
        ),
        Step(
            Action.WITHDRAW,
            "matter_withdraw",
            frozenset(OPEN_STATUSES),
            S.WITHDRAWN,
            permissions.can_withdraw_matter,
            fields=(note(gettext_lazy("说明")),),
            style="secondary",
        ),
    )
}


def step(action: str) -> Step:
    try:
        return STEPS[action]
    except KeyError:
        raise Http404("unknown action") from None


def check(actor, m: Matter, action: str) -> Step:
    """Refuse the step unless the matter may take it now and the actor may take it: the transition, the
    statuses it starts from, the item and kind, another app's procedure, then who. Changes nothing."""
    s = STEPS[action]
    refuse_move(m, s.target(m))
    if m.status not in s.from_statuses:
        raise TransitionRefused(str(s.not_from) or _("该办件当前不能%(step)s。") % {"step": s.label})
    reason = s.why_not(m)
    if reason:
        raise TransitionRefused(reason)
    if s.decision:
        reason = hooks.decision_refusal(m)
        if reason:
            raise TransitionRefused(reason)
    permissions.require(s.who(actor, m))
    return s


def clean_note(action: str, m: Matter, text: str) -> str:
    """The step's text, stripped; a ValidationError when the step requires one and it is empty."""
    n = STEPS[action].note
    return n.clean(m, text) if n else (text or "").strip()


def available(actor, m: Matter) -> list[Step]:
    """The steps the actor may take on the matter now, in table order: exactly those `check` lets through."""
    out, decided_elsewhere = [], None
    for s in STEPS.values():
        if m.status not in s.from_statuses or not can_transition(m.status, s.target(m)):
            continue
        if s.why_not(m) or not s.who(actor, m):
            continue
        if s.decision:
            if decided_elsewhere is None:
                decided_elsewhere = bool(hooks.decision_refusal(m))
            if decided_elsewhere:
                continue
        out.append(s)
    return out


def run(actor, m: Matter, action: str, payload: Payload) -> Matter:
    """Parse the step's fields from the payload and call its service (which checks everything again)."""
    s = step(action)
    kwargs = {}
    for f in s.fields:
        kwargs.update(f.parse(m, payload))
    return s.service_function(actor=actor, matter=m, **kwargs)
