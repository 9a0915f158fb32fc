"""Writes of the residents' side: a rating (once per matter), and the station head's 整改 and 回访 of a bad one."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions, workdays
from quanke.core.audit import audit_record, diff, snapshot
from quanke.core.errors import invalid
from quanke.core.models import AuditEvent
from quanke.matters.models import Matter, Status
from quanke.public.models import Callback, Rating, Rectification, RectificationStatus

RATEABLE = (Status.ON_SPOT, Status.FINISHED, Status.REFUSED)


def rating_submit(
    *, matter: Matter, level: int, comment: str, channel: str, at: datetime | None = None
) -> Rating:
    """The resident's rating (anonymous actor). 不满意/非常不满意 opens a 整改 for the station head, due in
    RATING_RECTIFY_WORKING_DAYS working days."""
    at = at or timezone.now()
    if matter.status not in RATEABLE:
        raise invalid("public.not_rateable", _("办件尚未办结，暂不能评价。"))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                matter=matter,
                unit=matter.unit,
                level=level,
                comment=comment.strip(),
                channel=channel,
                rated_at=at,
            )
            audit_record(
                actor=None,
                actor_username="public",
                action=AuditEvent.Action.CREATE,
                obj=rating,
                changes={"level": level, "channel": channel},
            )
            if rating.is_bad:
                due = workdays.add_working_days(
                    timezone.localtime(at).date(), settings.RATING_RECTIFY_WORKING_DAYS
                )
                rect = Rectification.objects.create(rating=rating, unit=matter.unit, due_date=due.date)
                audit_record(
                    actor=None,
                    actor_username="public",
                    action=AuditEvent.Action.CREATE,
                    obj=rect,
                    changes={"due_date": rect.due_date},
                )
    except IntegrityError:
        raise invalid("public.already_rated", _("该办件已评价过，每件只能评价一次。")) from None
    return rating


def _locked(actor, rectification: Rectification) -> Rectification:
    rect = Rectification.objects.select_for_update().get(pk=rectification.pk)
    permissions.require(permissions.can_handle_rectification(actor, rect))
    return rect


def callback_record(*, actor, rectification: Rectification, reached: bool, note: str, at=None) -> Callback:
    """回访: one call to the resident about the bad rating."""
    note = (note or "").strip()
    if not note:
        raise invalid("public.invalid", _("请写明回访情况。"), "note")
    with transaction.atomic():
        rect = _locked(actor, rectification)
        callback = Callback.objects.create(
            rectification=rect, at=at or timezone.now(), by=actor, reached=reached, note=note
        )
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, obj=callback, unit=rect.unit, changes={"note": note}
        )
    return callback


def rectification_close(*, actor, rectification: Rectification, result: str, at=None) -> Rectification:
    """整改 done: the result is written for the resident, who sees it on the progress page."""
    result = (result or "").strip()
    if not result:
        raise invalid("public.invalid", _("请写明整改结果，居民将在进度查询页看到。"), "result")
    with transaction.atomic():
        rect = _locked(actor, rectification)
        if rect.status == RectificationStatus.CLOSED:
            raise invalid("public.rectification_closed", _("该差评整改已办结。"))
        if not rect.callbacks.exists():
            raise invalid("public.invalid", _("请先记录回访情况再办结整改。"), "result")
        fields = ["status", "result", "closed_by", "closed_at"]
        before = snapshot(rect, fields)
        rect.status, rect.result, rect.closed_by, rect.closed_at = (
            RectificationStatus.CLOSED,
            result,
            actor,
            at or timezone.now(),
        )
        rect.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=rect,
            changes=diff(before, snapshot(rect, fields)),
        )
    return rect
