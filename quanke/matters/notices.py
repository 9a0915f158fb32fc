"""What the applicant is told at each step of her matter, through the notification outbox (quanke.core.notify).

Called by the matter services, inside the step's transaction (so a rolled-back step tells nobody), once per step:
受理, 流转/转办, 待补正 (with exactly the missing materials), 办结 and 不予受理 (with the 好差评 link). A step recorded
back-dated (imports, the demo: `at` in the past) is history, not news, and sends nothing; nor does a matter without
the applicant's phone.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from quanke.core import hooks, message_templates, notify
from quanke.core.models import MessageEvent
from quanke.matters.models import Action, Kind, Matter

EVENTS = {
    Action.ACCEPT: MessageEvent.MATTER_ACCEPTED,
    Action.ROUTE: MessageEvent.MATTER_ROUTED,
    Action.FORWARD: MessageEvent.MATTER_ROUTED,
    Action.REQUEST_MATERIALS: MessageEvent.MATTER_MATERIALS,
    Action.COMPLETE: MessageEvent.MATTER_FINISHED,
    Action.FINISH_ON_SPOT: MessageEvent.MATTER_FINISHED,
    Action.REFUSE: MessageEvent.MATTER_REFUSED,
}
# A step older than this when recorded was back-dated.
BACKDATED = timedelta(minutes=10)


def matter_notice(
    matter: Matter, *, action: str, at: datetime, note: str = "", data: dict | None = None
) -> None:
    event = EVENTS.get(action)
    if event is None or not matter.applicant_phone or timezone.now() - at > BACKDATED:
        return
    if action == Action.ACCEPT and matter.kind != Kind.APPLICATION:
        return  # a consultation is answered at once; its only message is the finish with the rating link
    data = data or {}
    unit = matter.unit
    context = {
        "station": unit.station_name or unit.name,
        "phone": unit.phone or "",
        "item": matter.item.name,
        "code": matter.tracking_code,
        "due": _("，预计%(d)s前办结") % {"d": date_format(matter.due_date, "Y年n月j日")}
        if matter.due_date
        else "",
        "to_unit": data.get("to_unit") or (matter.handling_unit.name if matter.handling_unit_id else ""),
        "missing": "、".join(data.get("missing") or []) or note,
        "reason": note,
    }
    if event in (MessageEvent.MATTER_FINISHED, MessageEvent.MATTER_REFUSED):
        context["rating_url"] = hooks.public_link("rating", matter)
    if event == MessageEvent.MATTER_ACCEPTED:
        context["track_url"] = hooks.public_link("track", matter)
    body = message_templates.render(event, **context)
    if body:
        notify.notify(
            recipient_name=matter.applicant_name,
            phone=matter.applicant_phone,
            body=body,
            about=matter,
            unit=unit,
        )
