"""Opening a case and assigning its workers, and the helpers every casework write shares (timeline, locks, role checks)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.casework.models import (
    Case,
    CaseStatus,
    OriginKind,
    TimelineEntry,
    TimelineKind,
)
from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.core.models import AuditEvent

A = AuditEvent.Action


def today() -> date:
    return timezone.localdate()


def timeline(case: Case, actor, kind: str, text: str) -> TimelineEntry:
    return TimelineEntry.objects.create(case=case, actor=actor, kind=kind, text=text[:300])


def case_event(
    case: Case, actor, kind: str, text: str, *, action: str, obj, changes: dict | None = None
) -> None:
    """One step on a case: a line on its timeline and an audit row in the case's unit."""
    timeline(case, actor, kind, text)
    audit_record(actor=actor, action=action, obj=obj, unit=case.unit, changes=changes)


def require_worker(actor, case: Case) -> None:
    permissions.require(permissions.can_work_on_case(actor, case))


def require_worker_open(actor, case: Case) -> None:
    """The actor works on the case, and it is not closed (a closed case must be reopened first)."""
    require_worker(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("个案已结案，请先重新开案。"))


def require_head(actor, case: Case) -> None:
    permissions.require(permissions.can_approve_case(actor, case), _("只有本站站长可以审批。"))


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock so that two transitions cannot both start from the same status."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _next_number(day: date) -> str:
    prefix = f"GA{day:%Y}"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def case_open(
    *,
    actor,
    resident,
    origin_kind: str,
    origin_reference: str = "",
    origin_note: str = "",
    presenting_problem: str = "",
    workers=(),
    opened_on: date | None = None,
) -> Case:
    """Open a case for a resident (and her household). The opener is assigned; more workers may be named."""
    permissions.require(permissions.can_open_case(actor, resident))
    if origin_kind not in OriginKind.values:
        raise ValidationError({"origin_kind": _("请选择个案来源。")})
    if origin_kind != OriginKind.WALK_IN and not (origin_reference or origin_note):
        raise ValidationError({"origin_reference": _("请填写来源记录编号或说明。")})
    if not presenting_problem.strip():
        raise ValidationError({"presenting_problem": _("请填写主要问题。")})
    open_case = Case.objects.filter(resident=resident).exclude(status=CaseStatus.CLOSED).first()
    if open_case is not None:
        raise ValidationError(
            _("该居民已有未结案的个案 %(n)s，请在原个案中继续服务。") % {"n": open_case.number}
        )
    for w in workers:
        if not permissions.can_be_case_worker(w, resident.unit):
            raise ValidationError({"workers": _("%(w)s 不是本社区的社工。") % {"w": w}})
    opened_on = opened_on or today()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=_next_number(opened_on),
                    unit=resident.unit,
                    resident=resident,
                    household=resident.household,
                    origin_kind=origin_kind,
                    origin_reference=origin_reference.strip(),
                    origin_note=origin_note.strip(),
                    presenting_problem=presenting_problem.strip(),
                    opened_by=actor,
                    opened_on=opened_on,
                )
                case.workers.set({actor, *workers})
                case_event(
                    case,
                    actor,
                    TimelineKind.OPENED,
                    _("开案（来源：%(o)s %(r)s）")
                    % {"o": OriginKind(origin_kind).label, "r": origin_reference},
                    action=A.CREATE,
                    obj=case,
                    changes={
                        **snapshot(case, ["number", "resident", "origin_kind", "origin_reference"]),
                        "workers": sorted(w.pk for w in {actor, *workers}),
                    },
                )
            return case
        except IntegrityError:
            continue  # two cases numbered at once; take the next number
    raise ValidationError(_("个案编号冲突，请重试。"))


def case_assign_workers(*, actor, case: Case, workers) -> Case:
    require_head(actor, case)
    workers = list(workers)
    if not workers:
        raise ValidationError({"workers": _("至少指定一名负责社工。")})
    for w in workers:
        if not permissions.can_be_case_worker(w, case.unit):
            raise ValidationError({"workers": _("%(w)s 不是本社区的社工。") % {"w": w}})
    with transaction.atomic():
        before = sorted(case.workers.values_list("pk", flat=True))
        case.workers.set(workers)
        case_event(
            case,
            actor,
            TimelineKind.ASSIGNED,
            _("负责社工：%(w)s") % {"w": "、".join(map(str, workers))},
            action=A.UPDATE,
            obj=case,
            changes={"workers": [before, sorted(w.pk for w in workers)]},
        )
    return case
