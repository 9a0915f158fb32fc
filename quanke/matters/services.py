"""Writes to matters: one function per step. Each locks the row, checks the step against the step table
(quanke.matters.steps: the transition, the statuses it starts from, the item, another app's procedure, who), then
writes the change, a timeline event and an audit row, all in one transaction.

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
from quanke.core.errors import invalid
from quanke.core.models import AuditEvent, UnitLevel, User
from quanke.matters import checklist, notices, steps
from quanke.matters.models import (
    Action,
    Channel,
    Kind,
    MaterialState,
    Matter,
    MatterEvent,
    MatterMaterial,
    Status,
    TrackingSequence,
)
from quanke.matters.steps import TransitionRefused

__all__ = ["TransitionRefused"]  # raised by every step; the API maps it to 409


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _local_date(moment: datetime):
    return timezone.localtime(moment).date()


def _next_tracking_code(day) -> str:
    seq, _created = TrackingSequence.objects.select_for_update().get_or_create(day=day)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"QK-{day:%Y%m%d}-{seq.last:04d}"


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
    notices.matter_notice(matter, action=action, at=at, note=note, data=data)
    return matter


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
    """Accept a request at the front desk: the matter, its materials checklist and its deadline. Every entry point
    (desk, API, home visit, hotline, public side, casework, assistance) comes through here, so the hooks that must
    see every new matter (an urgent item tells the worker on duty) run here, in this transaction."""
    permissions.require(permissions.can_accept_item(actor, item))
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
        raise invalid("matters.item_unavailable", _("该事项已停用。"), "item")
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
        hooks.matter_accepted(matter)
        notices.matter_notice(matter, action=Action.ACCEPT, at=at)
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


# --- the steps (each checked against quanke.matters.steps.STEPS before it writes) ----------------------------


def _settle_materials(m: Matter, received_lines, waived_lines) -> dict:
    """Finishing needs every outstanding material (待补交) received now or waived with a reason. Returns what was
    settled, for the timeline and the audit row. An item whose own procedure decides the matter (an assistance
    application, quanke.core.hooks.intake) has its materials checked by that procedure's investigation."""
    outstanding = {line.pk: line for line in m.materials.filter(state=MaterialState.MISSING)}
    received = [
        outstanding[i] for i in dict.fromkeys(int(i) for i in received_lines or ()) if i in outstanding
    ]
    received_ids = {line.pk for line in received}
    waived = {
        int(i): (reason or "").strip()[:200]
        for i, reason in (waived_lines or {}).items()
        if int(i) in outstanding and int(i) not in received_ids and (reason or "").strip()
    }
    left = [line.name for pk, line in outstanding.items() if pk not in received_ids and pk not in waived]
    if left and hooks.intake_handler(m.item.code) is None:
        raise invalid(
            "matters.materials_missing",
            _("以下材料待补交：%(names)s。请确认已收取，或逐项写明免交理由后再办结。")
            % {"names": "、".join(left)},
            "materials",
        )
    for line in received:
        line.state = MaterialState.RECEIVED
        line.save(update_fields=["state"])
    for pk, reason in waived.items():
        line = outstanding[pk]
        line.state, line.waived_reason = MaterialState.WAIVED, reason
        line.save(update_fields=["state", "waived_reason"])
    data = {}
    if received:
        data["received"] = [line.name for line in received]
    if waived:
        data["waived"] = {outstanding[pk].name: reason for pk, reason in waived.items()}
    return data


def matter_finish_on_spot(
    *, actor, matter: Matter, note: str = "", received_lines=(), waived_lines=None, at=None
) -> Matter:
    """当场办结: for an application, with its result and its materials settled (a consultation needs neither)."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        steps.check(actor, m, Action.FINISH_ON_SPOT)
        note = steps.clean_note(Action.FINISH_ON_SPOT, m, note)
        settled = _settle_materials(m, received_lines, waived_lines) if m.kind == Kind.APPLICATION else {}
        from_status = m.status
        m.status, m.closed_at, m.due_date, m.due_estimated = Status.ON_SPOT, at, None, False
        m.result_note = note
        _record(
            m,
            actor=actor,
            action=Action.FINISH_ON_SPOT,
            from_status=from_status,
            note=m.result_note,
            at=at,
            fields=["status", "closed_at", "due_date", "due_estimated", "result_note"],
            data=settled,
        )
        hooks.matter_finished(m, actor=actor, on=_local_date(at))
        return m


def matter_route(*, actor, matter: Matter, handling_unit=None, specialty: str = "", note: str = "", at=None):
    """Send the matter to the station's back office (handling_unit = the station) or a street/county department;
    the station head re-routes an unclaimed one."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        steps.check(actor, m, Action.ROUTE)
        default_unit, default_specialty = default_route(m.item, m.unit)
        target = handling_unit or default_unit
        if target.pk not in {u.pk for u in route_targets(m.unit)}:
            raise invalid(
                "matters.bad_target", _("只能流转到本站后台或上级街道、区县部门。"), "handling_unit"
            )
        from_status = m.status
        m.status, m.handling_unit, m.assigned_to = Status.ROUTED, target, None
        m.specialty = specialty or m.specialty or default_specialty
        m.routed_at = m.routed_at or at
        return _record(
            m,
            actor=actor,
            action=Action.ROUTE,
            from_status=from_status,
            note=steps.clean_note(Action.ROUTE, m, note),
            at=at,
            fields=["status", "handling_unit", "assigned_to", "specialty", "routed_at"],
            data={"to_unit": target.name, "specialty": m.specialty},
        )


def matter_claim(*, actor, matter: Matter, at=None) -> Matter:
    """Take an unclaimed matter from the queue. Two workers clicking at once: the row lock makes one win."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        if m.status == Status.IN_PROGRESS and m.assigned_to_id and permissions.can_claim_matter(actor, m):
            holder = User.objects.get(pk=m.assigned_to_id)
            raise TransitionRefused(
                _("办件 %(code)s 已被 %(who)s 认领。") % {"code": m.tracking_code, "who": holder.display_name}
            )
        steps.check(actor, m, Action.CLAIM)
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


def matter_complete(
    *, actor, matter: Matter, note: str = "", received_lines=(), waived_lines=None, at=None
) -> Matter:
    """办结: with the result in writing and every outstanding material received or waived with a reason."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        steps.check(actor, m, Action.COMPLETE)
        note = steps.clean_note(Action.COMPLETE, m, note)
        settled = _settle_materials(m, received_lines, waived_lines)
        m.status, m.closed_at, m.result_note = Status.FINISHED, at, note
        _record(
            m,
            actor=actor,
            action=Action.COMPLETE,
            from_status=Status.IN_PROGRESS,
            note=m.result_note,
            at=at,
            fields=["status", "closed_at", "result_note"],
            data=settled,
        )
        hooks.matter_finished(m, actor=actor, on=_local_date(at))
        return m


def matter_return(*, actor, matter: Matter, reason: str, at=None) -> Matter:
    """Send the matter back to the front desk that accepted it, with the reason."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        steps.check(actor, m, Action.RETURN)
        reason = steps.clean_note(Action.RETURN, m, reason)
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
        steps.check(actor, m, Action.FORWARD)
        ancestors = {u.pk for u in m.unit.ancestors()}
        if department is None or department.pk not in ancestors or department.pk == m.handling_unit_id:
            raise invalid("matters.bad_target", _("只能转到本社区所属街道或区县的部门。"), "department")
        if department.level not in (UnitLevel.STREET, UnitLevel.COUNTY):
            raise invalid("matters.bad_target", _("只能转到街道或区县部门。"), "department")
        m.status, m.handling_unit, m.assigned_to = Status.ROUTED, department, None
        return _record(
            m,
            actor=actor,
            action=Action.FORWARD,
            from_status=Status.IN_PROGRESS,
            note=steps.clean_note(Action.FORWARD, m, note),
            at=at,
            fields=["status", "handling_unit", "assigned_to"],
            data={"to_unit": department.name},
        )


def matter_request_materials(
    *, actor, matter: Matter, note: str = "", missing_material_ids=None, at=None
) -> Matter:
    """Tell the resident what is missing; the deadline clock stops until the materials arrive."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        steps.check(actor, m, Action.REQUEST_MATERIALS)
        if missing_material_ids is not None:
            m.materials.filter(pk__in=list(missing_material_ids)).update(state=MaterialState.MISSING)
        missing = list(m.materials.filter(state=MaterialState.MISSING).values_list("name", flat=True))
        note = steps.clean_note(Action.REQUEST_MATERIALS, m, note)
        if not note and not missing:
            raise invalid("matters.note_required", _("请写明需补正的材料。"), "note")
        from_status = m.status
        m.status, m.paused_from, m.paused_on = Status.AWAITING_MATERIALS, from_status, _local_date(at)
        return _record(
            m,
            actor=actor,
            action=Action.REQUEST_MATERIALS,
            from_status=from_status,
            note=note or "、".join(missing),
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
        steps.check(actor, m, Action.MATERIALS_RECEIVED)
        resume = m.paused_from or Status.ACCEPTED
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
            note=steps.clean_note(Action.MATERIALS_RECEIVED, m, note),
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


def matter_refuse(*, actor, matter: Matter, reason: str, at=None) -> Matter:
    """不予受理 / 不予办理, always with the reason in writing."""
    at = _now(at)
    with transaction.atomic():
        m = _lock(matter, actor)
        steps.check(actor, m, Action.REFUSE)
        reason = steps.clean_note(Action.REFUSE, m, reason)
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
        steps.check(actor, m, Action.WITHDRAW)
        from_status = m.status
        m.status, m.closed_at, m.paused_on = Status.WITHDRAWN, at, None
        m.result_note = steps.clean_note(Action.WITHDRAW, m, note)
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
        steps.check(actor, m, Action.REASSIGN)
        if not permissions.may_take_reassigned_matters(to_user, m.unit):
            raise invalid("matters.bad_target", _("只能改派给本站后台工作人员。"), "to_user")
        if to_user.pk == m.assigned_to_id:
            raise invalid("matters.bad_target", _("该办件已由此人办理。"), "to_user")
        from_status, previous = m.status, (m.assigned_to.display_name if m.assigned_to_id else "")
        m.status, m.assigned_to = Status.IN_PROGRESS, to_user
        return _record(
            m,
            actor=actor,
            action=Action.REASSIGN,
            from_status=from_status,
            note=steps.clean_note(Action.REASSIGN, m, note),
            at=at,
            fields=["status", "assigned_to"],
            data={"from_user": previous, "to_user": to_user.display_name},
        )


def available_actions(actor, m: Matter) -> list[str]:
    """What the actor may do now: read from the step table, so pages offer exactly what the services accept."""
    return [s.action for s in steps.available(actor, m)]
