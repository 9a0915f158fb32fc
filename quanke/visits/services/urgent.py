"""An urgent matter (走失老人、紧急求助: catalog Item.urgent) tells the worker on duty at once.

Runs through quanke.core.hooks.matter_accepted inside the transaction that accepts the matter, whatever the entry
point (desk, API, home visit, hotline, public side): the notices are queued in the outbox with the matter or not
at all, and sent after commit (quanke.core.notify). Nobody on duty now (a working day's office hours are not on
the roster): the station head, else the station's front desk, so that the notice always reaches someone.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import notify, permissions
from quanke.core.models import User
from quanke.visits import schedule


def duty_recipients(unit, *, now=None) -> list[User]:
    """Who hears of an urgent matter at this station now: the workers on duty, else the head, else the desk."""
    on_duty = [s.worker for s in schedule.on_duty_now(unit, now=now) if s.worker.is_active]
    if on_duty:
        return list({u.pk: u for u in on_duty}.values())
    return permissions.urgent_fallback_recipients(
        User.objects.filter(unit=unit, is_active=True).order_by("id")
    )


def notify_duty_of_urgent(matter) -> None:
    if not getattr(matter.item, "urgent", False):
        return
    station = matter.unit.station_name or matter.unit.name
    body = _(
        "【紧急·%(station)s】%(item)s（%(code)s）：%(name)s %(phone)s。%(text)s 请立即联系处置，处置情况记入办件。"
    ) % {
        "station": station,
        "item": matter.item.name,
        "code": matter.tracking_code,
        "name": matter.applicant_name,
        "phone": matter.applicant_phone,
        "text": (matter.request_text or "")[:120],
    }
    for worker in duty_recipients(matter.unit, now=timezone.now()):
        notify.notify(
            recipient_name=worker.display_name,
            phone=worker.phone,
            email=worker.email,
            subject=_("紧急事项：%(item)s") % {"item": matter.item.name},
            body=body,
            about=matter,
            unit=matter.unit,
        )
