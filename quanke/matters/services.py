"""Writes to matters: one function per action. Each checks the actor's permission and the transition table, locks
the row, writes the change, a timeline event and an audit row, all in one transaction.

`at` (keyword) lets imports, the demo and tests record a step at a past moment; the UI and the API never pass it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.catalog.models import Handling, RouteLevel
from quanke.core import hooks, permissions, workdays
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, Role, UnitLevel, User
from quanke.matters import checklist
from quanke.matters.models import (
    TRANSITIONS,
    Action,
    Channel,
    Kind,
    MaterialState,
    Matter,
    MatterEvent,
    MatterMaterial,
    Status,
    TrackingSequence,
    can_transition,
)


class TransitionRefused(Exception):
    """The requested step is not allowed from the matter's current status (or not for this item)."""

    code = "illegal_transition"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _local_date(moment: datetime):
    return timezone.localtime(moment).date()


def _next_tracking_code(day) -> str:
    seq, _created = TrackingSequence.objects.select_for_update().get_or_create(day=day)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"QK-{day:%Y%m%d}-{seq.last:04d}"


def _refuse_move(matter: Matter, to_status: str) -> None:
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


def _lock(matter: Matter, actor) -> Matter:
    """Re-read the row under a lock: the decision is taken on the current state, not the one the page showed.

    Someone who may not see the matter learns nothing about it; someone who may see it is told first whether the
    move is possible at all, then whether it is hers to make.
    """
    m = Matter.objects.select_for_update().select_related("item", "unit", "handling_unit").get(pk=matter.pk)
    permissions.require(permissions.can_view_matter(actor, m))
    return m


def _refresh_statistics(matter: Matter) -> None:
    """Tell the apps that read matters (reports' roll-ups, rebuilt after commit) that this one was written.

    An explicit call in the services, not a signal, so every write path is visible; through quanke.core.hooks
    because those apps sit above matters."""
    hooks.matter_written(matter)


def _record(
    matter: Matter,
    *,
    actor,
    action: str,
    from_status: str,
    note: str,
    at: datetime,
    fields: list[str],
    data: dict | None = None,
) -> Matter:
    matter.save(update_fields=[*fields, "updated_at"])
    _refresh_statistics(matter)
    MatterEvent.objects.create(
        matter=matter,
        at=at,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=matter.status,
        note=note,
        data=data or {},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSITION if from_status else AuditEvent.Action.CREATE,
        obj=matter,
        changes={"action": action, "status": [from_status, matter.status], **(data or {})},
    )
    return matter


def _require_note(note: str, message: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": message})
    return note


def _recompute_due(matter: Matter) -> None:
    if matter.limit_days is None:
        matter.due_date, matter.due_estimated = None, False
        return
    d = workdays.deadline(
        _local_date(matter.accepted_at), matter.limit_days, paused_working_days=matter.paused_working_days
    )
    matter.due_date, matter.due_estimated = d.date, d.estimated


def default_route(item, unit):
    """Where an item goes by default: (handling unit, specialty). Community and external items go to the station's
    back office (which liaises with outside offices); street and county items to that level's department."""
    if item.route_level == RouteLevel.STREET and unit.parent_id:
        return unit.parent, item.specialty
    if item.route_level == RouteLevel.COUNTY:
        return unit.county, item.specialty
    return unit, item.specialty


def route_targets(unit) -> list:
    """Units a matter accepted at `unit` may be routed to: the station itself, then its street and county."""
    return [unit, *unit.ancestors()]


# --- intake ----------------------------------------------------------------------------------------------------


def matter_accept(
    *,
    actor,
    item,
    channel: str = Channel.WINDOW,
    resident=None,
    applicant_name: str = "",
    applicant_phone: str = "",
    request_text: str = "",
    kind: str = Kind.APPLICATION,
    received_material_ids=(),
    at: datetime | None = None,
) -> Matter:
    """Accept a request at the front desk: the matter, its materials checklist and its deadline."""
    permissions.require(permissions.can_take_intake(actor))
    if resident is not None:
        permissions.require(
            permissions.unit_in_scope(actor, resident.unit), _("该居民不属于本社区，不能在本站受理。")
        )
    elif not (applicant_name or "").strip():
        raise ValidationError({"applicant_name": _("匿名咨询请至少记录称呼（如“王女士”）。")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("请选择受理渠道。")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("请选择办理或咨询。")})
    if not item.active:
        raise ValidationError({"item": _("该事项已停用。")})
    at = _now(at)
    received = {int(i) for i in received_material_ids}
    with transaction.atomic():
        matter = Matter(
            tracking_code=_next_tracking_code(_local_date(at)),
            unit=actor.unit,
            resident=resident,
            applicant_name=(resident.name if resident else applicant_name.strip())[:50],
            applicant_phone=(resident.phone if resident and not applicant_phone else applicant_phone).strip()[
                :20
            ],
            item=item,
            kind=kind,
            channel=channel,
            request_text=(request_text or "").strip(),
            status=Status.ACCEPTED,
            specialty=item.specialty,
            handling_unit=actor.unit,
            accepted_by=actor,
            accepted_at=at,
            # A resident who comes to the window has made her first trip; a call, a home visit or an online
            # request has cost her none.
            trips=1 if channel == Channel.WINDOW else 0,
            limit_days=item.time_limit_days
            if kind == Kind.APPLICATION and item.handling == Handling.ROUTED
            else None,
        )
        _recompute_due(matter)
        matter.save()
        _refresh_statistics(matter)
        lines = checklist.resolve(item, resident, on=_local_date(at))
        MatterMaterial.objects.bulk_create(
            MatterMaterial(
                matter=matter,
                material_id=line.material_id,
                name=line.name,
                detail=line.detail,
                state=MaterialState.RECEIVED
                if line.state == MaterialState.MISSING and line.material_id in received
                else line.state,
                order=i,
            )
            for i, line in enumerate(lines)
        )
        MatterEvent.objects.create(
            matter=matter,
            at=at,
            actor=actor,
            action=Action.ACCEPT,
            from_status="",
            to_status=Status.ACCEPTED,
            note=matter.request_text,
            data={"channel": channel, "kind": kind},
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=matter,
            changes={
                "item": item.code,
                "resident": resident.pk if resident else None,
                "channel": channel,
                "kind": kind,
                "due_date": matter.due_date,
            },
        )
    return matter


def plain_intake(*, actor, then: str = "keep", note: str = "", route_unit=None, at=None, **accept) -> Matter:
    """Accept as a plain matter, then at once finish on the spot, route, ask for materials or refuse.

    All in one transaction, so a refused next step leaves nothing half-done. Only `intake` (below) and the
    procedure handlers registered with quanke.core.hooks call this: every other entry point calls `intake`, or
    an item's procedure would be skipped."""
    steps = {
        "keep": None,
        "on_spot": lambda m: matter_finish_on_spot(actor=actor, matter=m, note=note, at=at),
        "route": lambda m: matter_route(actor=actor, matter=m, handling_unit=route_unit, note=note, at=at),
        "request_materials": lambda m: matter_request_materials(actor=actor, matter=m, note=note, at=at),
        "refuse": lambda m: matter_refuse(actor=actor, matter=m, reason=note or m.item.refusal_note, at=at),
    }
    if then not in steps:
        raise ValidationError({"then": _("未知的处理方式。")})
    with transaction.atomic():
        matter = matter_accept(actor=actor, at=at, **accept)
        if steps[then] is not None:
            matter = steps[then](matter)
    return matter


def intake(*, actor, then: str = "keep", note: str = "", route_unit=None, **accept) -> Matter:
    """The one way a request becomes a matter, whatever its entry point: the desk (web and API), a home visit,
    a discovery finding, casework, the public side and the hotline. An app that owns the procedure of the item
    (quanke.core.hooks.intake: assistance for its programmes) takes the intake over; otherwise it is a plain
    matter."""
    handler = hooks.intake_handler(accept["item"].code)
    if handler is not None:
        matter = handler(actor=actor, then=then, note=note, route_unit=route_unit, **accept)
        if matter is not None:
            return matter
    return plain_intake(actor=actor, then=then, note=note, route_unit=route_unit, **accept)


# --- the desk --------------------------------------------------------------------------------------------------


def matter_finish_on_spot(*, actor, matter: Matter, note: str = "", at=None) -> Matter:
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.ON_SPOT)
        permissions.require(permissions.can_act_at_desk(actor, m))
        if m.kind == Kind.APPLICATION and m.item.handling == Handling.ROUTED:
            raise TransitionRefused(
                _("“%(item)s”须流转办理，不能当场办结；请流转，或改为咨询记录。") % {"item": m.item.name}
            )
        if m.kind == Kind.APPLICATION and m.item.handling == Handling.REFUSED:
            raise TransitionRefused(_("社区不予出具该证明，请记录为不予受理。"))
        from_status = m.status
        m.status, m.closed_at, m.due_date, m.due_estimated = Status.ON_SPOT, at, None, False
        m.result_note = (note or "").strip()
        return _record(
            m,
            actor=actor,
            action=Action.FINISH_ON_SPOT,
            from_status=from_status,
            note=m.result_note,
            at=at,
            fields=["status", "closed_at", "due_date", "due_estimated", "result_note"],
        )


def matter_route(*, actor, matter: Matter, handling_unit=None, specialty: str = "", note: str = "", at=None):
    """Send the matter to the station's back office (handling_unit = the station) or a street/county department."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.ROUTED)
        if m.status not in (Status.ACCEPTED, Status.RETURNED, Status.ROUTED):
            # A matter in hand moves on by matter_forward, which keeps the handler's say in it.
            raise TransitionRefused(_("办理中的办件请由经办人转部门办理。"))
        rerouting = m.status == Status.ROUTED
        allowed = (
            permissions.can_reassign_matter(actor, m) if rerouting else permissions.can_act_at_desk(actor, m)
        )
        permissions.require(allowed)
        if m.item.handling == Handling.REFUSED:
            raise TransitionRefused(
                _("社区不予出具“%(item)s”，不能流转：%(why)s")
                % {"item": m.item.name, "why": m.item.refusal_note}
            )
        if m.kind == Kind.CONSULTATION:
            raise TransitionRefused(_("咨询记录不流转；如需办理，请重新受理为办理事项。"))
        default_unit, default_specialty = default_route(m.item, m.unit)
        target = handling_unit or default_unit
        if target.pk not in {u.pk for u in route_targets(m.unit)}:
            raise ValidationError({"handling_unit": _("只能流转到本站后台或上级街道、区县部门。")})
        from_status = m.status
        m.status, m.handling_unit, m.assigned_to = Status.ROUTED, target, None
        m.specialty = specialty or m.specialty or default_specialty
        m.routed_at = m.routed_at or at
        return _record(
            m,
            actor=actor,
            action=Action.ROUTE,
            from_status=from_status,
            note=(note or "").strip(),
            at=at,
            fields=["status", "handling_unit", "assigned_to", "specialty", "routed_at"],
            data={"to_unit": target.name, "specialty": m.specialty},
        )


# --- back office and departments ------------------------------------------------------------------------------


def matter_claim(*, actor, matter: Matter, at=None) -> Matter:
    """Take an unclaimed matter from the queue. Two workers clicking at once: the row lock makes one win."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        permissions.require(permissions.can_claim_matter(actor, m))
        if m.status == Status.IN_PROGRESS and m.assigned_to_id:
            holder = User.objects.get(pk=m.assigned_to_id)
            raise TransitionRefused(
                _("办件 %(code)s 已被 %(who)s 认领。") % {"code": m.tracking_code, "who": holder.display_name}
            )
        _refuse_move(m, Status.IN_PROGRESS)
        if m.status != Status.ROUTED:
            raise TransitionRefused(_("只有已流转、待认领的办件可以认领。"))
        m.status, m.assigned_to = Status.IN_PROGRESS, actor
        return _record(
            m,
            actor=actor,
            action=Action.CLAIM,
            from_status=Status.ROUTED,
            note="",
            at=at,
            fields=["status", "assigned_to"],
        )


def _refuse_decision_owned_elsewhere(m: Matter) -> None:
    """Some matters are decided by another app's procedure (an assistance application: 审核确认 or 不予批准),
    which closes the matter itself; finishing or refusing it here would bypass that procedure."""
    reason = hooks.decision_refusal(m)
    if reason:
        raise TransitionRefused(reason)


def matter_complete(*, actor, matter: Matter, note: str = "", at=None) -> Matter:
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.FINISHED)
        _refuse_decision_owned_elsewhere(m)
        if m.status != Status.IN_PROGRESS:
            raise TransitionRefused(_("请先认领再办结。"))
        permissions.require(permissions.can_handle_matter(actor, m))
        m.status, m.closed_at, m.result_note = Status.FINISHED, at, (note or "").strip()
        return _record(
            m,
            actor=actor,
            action=Action.COMPLETE,
            from_status=Status.IN_PROGRESS,
            note=m.result_note,
            at=at,
            fields=["status", "closed_at", "result_note"],
        )


def matter_return(*, actor, matter: Matter, reason: str, at=None) -> Matter:
    """Send the matter back to the front desk that accepted it, with the reason."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.RETURNED)
        if m.status not in (Status.ROUTED, Status.IN_PROGRESS):
            raise TransitionRefused(_("只有后台或部门手中的办件可以退回前台。"))
        permissions.require(permissions.can_handle_matter(actor, m) or permissions.can_claim_matter(actor, m))
        reason = _require_note(reason, _("退回前台须写明理由。"))
        from_status = m.status
        from_unit = m.handling_unit.name
        m.status, m.handling_unit, m.assigned_to = Status.RETURNED, m.unit, None
        return _record(
            m,
            actor=actor,
            action=Action.RETURN,
            from_status=from_status,
            note=reason,
            at=at,
            fields=["status", "handling_unit", "assigned_to"],
            data={"from_unit": from_unit},
        )


def matter_forward(*, actor, matter: Matter, department, note: str = "", at=None) -> Matter:
    """Forward a matter in hand to a street or county department, where it waits to be claimed."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.ROUTED)
        if m.status != Status.IN_PROGRESS:
            raise TransitionRefused(_("请先认领再转部门办理。"))
        permissions.require(permissions.can_handle_matter(actor, m))
        ancestors = {u.pk for u in m.unit.ancestors()}
        if department is None or department.pk not in ancestors or department.pk == m.handling_unit_id:
            raise ValidationError({"department": _("只能转到本社区所属街道或区县的部门。")})
        if department.level not in (UnitLevel.STREET, UnitLevel.COUNTY):
            raise ValidationError({"department": _("只能转到街道或区县部门。")})
        m.status, m.handling_unit, m.assigned_to = Status.ROUTED, department, None
        return _record(
            m,
            actor=actor,
            action=Action.FORWARD,
            from_status=Status.IN_PROGRESS,
            note=(note or "").strip(),
            at=at,
            fields=["status", "handling_unit", "assigned_to"],
            data={"to_unit": department.name},
        )


# --- materials (待补正 pauses the clock) -----------------------------------------------------------------------


def _may_act_now(actor, m: Matter) -> bool:
    """At the desk while the desk holds the matter; the handler while she does."""
    if m.status in (Status.ACCEPTED, Status.RETURNED):
        return permissions.can_act_at_desk(actor, m)
    if m.status == Status.AWAITING_MATERIALS:
        if m.paused_from == Status.IN_PROGRESS:
            return permissions.can_handle_matter(actor, m) or permissions.can_act_at_desk(actor, m)
        return permissions.can_act_at_desk(actor, m)
    if m.status == Status.ROUTED:
        return permissions.can_claim_matter(actor, m) or permissions.can_act_at_desk(actor, m)
    return permissions.can_handle_matter(actor, m)


def matter_request_materials(
    *, actor, matter: Matter, note: str = "", missing_material_ids=None, at=None
) -> Matter:
    """Tell the resident what is missing; the deadline clock stops until the materials arrive."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.AWAITING_MATERIALS)
        permissions.require(_may_act_now(actor, m))
        if missing_material_ids is not None:
            m.materials.filter(pk__in=list(missing_material_ids)).update(state=MaterialState.MISSING)
        missing = list(m.materials.filter(state=MaterialState.MISSING).values_list("name", flat=True))
        if not (note or "").strip() and not missing:
            raise ValidationError({"note": _("请写明需补正的材料。")})
        from_status = m.status
        m.status, m.paused_from, m.paused_on = Status.AWAITING_MATERIALS, from_status, _local_date(at)
        return _record(
            m,
            actor=actor,
            action=Action.REQUEST_MATERIALS,
            from_status=from_status,
            note=(note or "").strip() or "、".join(missing),
            at=at,
            fields=["status", "paused_from", "paused_on"],
            data={"missing": missing},
        )


def matter_materials_received(*, actor, matter: Matter, in_person: bool = True, note: str = "", at=None):
    """The missing materials arrived: the clock resumes, the due date moves by the working days paused, and a
    resident who had to come back in person has made one more trip."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        if m.status != Status.AWAITING_MATERIALS:
            _refuse_move(m, Status.AWAITING_MATERIALS)  # says what is allowed instead
            raise TransitionRefused(_("该办件不在待补正状态。"))
        permissions.require(_may_act_now(actor, m))
        resume = m.paused_from or Status.ACCEPTED
        _refuse_move(m, resume)
        paused = max(0, workdays.working_days_between(m.paused_on, _local_date(at)))
        m.materials.filter(state=MaterialState.MISSING).update(state=MaterialState.RECEIVED)
        m.status, m.paused_from, m.paused_on = resume, "", None
        m.paused_working_days += paused
        if in_person:
            m.trips += 1
        _recompute_due(m)
        return _record(
            m,
            actor=actor,
            action=Action.MATERIALS_RECEIVED,
            from_status=Status.AWAITING_MATERIALS,
            note=(note or "").strip(),
            at=at,
            fields=[
                "status",
                "paused_from",
                "paused_on",
                "paused_working_days",
                "trips",
                "due_date",
                "due_estimated",
            ],
            data={
                "paused_working_days": paused,
                "in_person": in_person,
                "due_date": m.due_date.isoformat() if m.due_date else None,
            },
        )


# --- closing -------------------------------------------------------------------------------------------------


def matter_refuse(*, actor, matter: Matter, reason: str, at=None) -> Matter:
    """不予受理 / 不予办理, always with the reason in writing."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.REFUSED)
        _refuse_decision_owned_elsewhere(m)
        permissions.require(_may_act_now(actor, m))
        reason = _require_note(reason, _("不予受理须写明理由。"))
        from_status = m.status
        m.status, m.closed_at, m.result_note, m.paused_on = Status.REFUSED, at, reason, None
        return _record(
            m,
            actor=actor,
            action=Action.REFUSE,
            from_status=from_status,
            note=reason,
            at=at,
            fields=["status", "closed_at", "result_note", "paused_on"],
        )


def matter_withdraw(*, actor, matter: Matter, note: str = "", at=None) -> Matter:
    """The resident withdraws her request (at the desk or by telling the worker handling it)."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.WITHDRAWN)
        permissions.require(permissions.can_act_at_desk(actor, m) or permissions.can_handle_matter(actor, m))
        from_status = m.status
        m.status, m.closed_at, m.paused_on = Status.WITHDRAWN, at, None
        m.result_note = (note or "").strip()
        return _record(
            m,
            actor=actor,
            action=Action.WITHDRAW,
            from_status=from_status,
            note=m.result_note,
            at=at,
            fields=["status", "closed_at", "paused_on", "result_note"],
        )


def matter_reassign(*, actor, matter: Matter, to_user, note: str = "", at=None) -> Matter:
    """The station head gives a back-office matter to another worker of the station's back office."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        _refuse_move(m, Status.IN_PROGRESS)
        if m.status not in (Status.ROUTED, Status.IN_PROGRESS):
            raise TransitionRefused(_("只有已流转或办理中的办件可以改派。"))
        permissions.require(permissions.can_reassign_matter(actor, m))
        if not (
            to_user.is_active
            and to_user.unit_id == m.unit_id
            and to_user.has_role(Role.BACK_OFFICE, Role.STATION_HEAD)
        ):
            raise ValidationError({"to_user": _("只能改派给本站后台工作人员。")})
        if to_user.pk == m.assigned_to_id:
            raise ValidationError({"to_user": _("该办件已由此人办理。")})
        from_status, previous = m.status, (m.assigned_to.display_name if m.assigned_to_id else "")
        m.status, m.assigned_to = Status.IN_PROGRESS, to_user
        return _record(
            m,
            actor=actor,
            action=Action.REASSIGN,
            from_status=from_status,
            note=(note or "").strip(),
            at=at,
            fields=["status", "assigned_to"],
            data={"from_user": previous, "to_user": to_user.display_name},
        )


# --- what the actor may do now (read-only; mirrors the checks above so pages offer only what will work) -------


def may_act_now(actor, m: Matter) -> bool:
    return _may_act_now(actor, m)


def available_actions(actor, m: Matter) -> list[str]:
    s, acts = m.status, []
    desk = permissions.can_act_at_desk(actor, m)
    handler = permissions.can_handle_matter(actor, m)
    claimer = permissions.can_claim_matter(actor, m)
    head = permissions.can_reassign_matter(actor, m)
    application = m.kind == Kind.APPLICATION
    if s == Status.ACCEPTED and desk and not (application and m.item.handling != Handling.ON_SPOT):
        acts.append(Action.FINISH_ON_SPOT)
    routable = application and m.item.handling != Handling.REFUSED
    if routable and ((s in (Status.ACCEPTED, Status.RETURNED) and desk) or (s == Status.ROUTED and head)):
        acts.append(Action.ROUTE)
    if s == Status.ROUTED and claimer:
        acts.append(Action.CLAIM)
    if s == Status.IN_PROGRESS and handler:
        acts.append(Action.COMPLETE)
        if any(u.pk != m.handling_unit_id for u in m.unit.ancestors()):
            acts.append(Action.FORWARD)
    if s in (Status.ROUTED, Status.IN_PROGRESS) and head:
        acts.append(Action.REASSIGN)
    if s in (Status.ROUTED, Status.IN_PROGRESS) and (handler or claimer):
        acts.append(Action.RETURN)
    if s in (Status.ACCEPTED, Status.RETURNED, Status.IN_PROGRESS) and _may_act_now(actor, m):
        acts.append(Action.REQUEST_MATERIALS)
    if s == Status.AWAITING_MATERIALS and _may_act_now(actor, m):
        acts.append(Action.MATERIALS_RECEIVED)
    if s in (
        Status.ACCEPTED,
        Status.RETURNED,
        Status.IN_PROGRESS,
        Status.AWAITING_MATERIALS,
    ) and _may_act_now(actor, m):
        acts.append(Action.REFUSE)
    if m.is_open and (desk or handler):
        acts.append(Action.WITHDRAW)
    decisions = (Action.COMPLETE, Action.REFUSE)
    if any(a in acts for a in decisions) and hooks.decision_refusal(m):
        acts = [a for a in acts if a not in decisions]
    return acts
