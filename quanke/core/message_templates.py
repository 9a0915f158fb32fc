"""Resident-facing message texts, one per event, editable in the admin (MessageTemplate). A missing row falls back to
the default below (the data migration seeds the same defaults); a switched-off row sends nothing.

Placeholders are filled with `str.format_map`; a placeholder the event does not supply renders empty, so a station
that edits a text cannot break sending.
"""

from quanke.core.models import MessageEvent, MessageTemplate

DEFAULTS: dict[str, str] = {
    MessageEvent.MATTER_ACCEPTED: "【{station}】您的“{item}”已受理，受理编号{code}{due}。查询进度：{track_url}",
    MessageEvent.MATTER_ROUTED: "【{station}】您的“{item}”（{code}）已转{to_unit}办理，我们会跟进进度。",
    MessageEvent.MATTER_MATERIALS: (
        "【{station}】您的“{item}”（{code}）需补正材料：{missing}。请带齐后到{station}办理，咨询电话{phone}。"
    ),
    MessageEvent.MATTER_FINISHED: "【{station}】您的“{item}”（{code}）已办结。请为本次服务评价：{rating_url}",
    MessageEvent.MATTER_REFUSED: (
        "【{station}】您的“{item}”（{code}）不予受理，原因：{reason}。如有疑问请致电{phone}。请评价：{rating_url}"
    ),
    MessageEvent.BOOKING_CODE: "【{station}】您的预约验证码是{code}，{minutes}分钟内有效。如非本人操作，请忽略。",
    MessageEvent.BOOKING_CONFIRMED: (
        "【{station}】您已预约{kind}（{what}），时间{when}{worker}。如需改约请来电{phone}{link}"
    ),
    MessageEvent.BOOKING_CANCELLED: "【{station}】您{when}的预约已取消。如有需要请再次预约或来电{phone}。",
    MessageEvent.BOOKING_REMINDER: "【{station}】温馨提醒：您预约的{kind}（{what}）在{when}。{link}",
}

# The placeholders each event fills, shown on the admin page beside the text.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    MessageEvent.MATTER_ACCEPTED: ("station", "item", "code", "due", "track_url", "phone"),
    MessageEvent.MATTER_ROUTED: ("station", "item", "code", "to_unit", "phone"),
    MessageEvent.MATTER_MATERIALS: ("station", "item", "code", "missing", "phone"),
    MessageEvent.MATTER_FINISHED: ("station", "item", "code", "rating_url", "phone"),
    MessageEvent.MATTER_REFUSED: ("station", "item", "code", "reason", "rating_url", "phone"),
    MessageEvent.BOOKING_CODE: ("station", "code", "minutes"),
    MessageEvent.BOOKING_CONFIRMED: ("station", "kind", "what", "when", "worker", "phone", "link"),
    MessageEvent.BOOKING_CANCELLED: ("station", "when", "phone"),
    MessageEvent.BOOKING_REMINDER: ("station", "kind", "what", "when", "phone", "link"),
}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render(event: str, **context) -> str | None:
    """The event's text with `context` filled in, or None when the station switched the event off."""
    row = MessageTemplate.objects.filter(event=event).first()
    if row is not None and not row.active:
        return None
    body = row.body if row is not None else DEFAULTS[event]
    try:
        return body.format_map(_Blank({k: "" if v is None else v for k, v in context.items()}))
    except (ValueError, IndexError, AttributeError):
        # A stray brace typed in the admin: send the default rather than nothing.
        return DEFAULTS[event].format_map(_Blank(context))
