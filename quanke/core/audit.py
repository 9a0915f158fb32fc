"""The audit trail: every write records who, when, what and what changed; sensitive reads too."""

from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from quanke.core.models import AuditEvent


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, FieldFile):  # an uploaded file: its stored name
        return value.name
    return value


def snapshot(obj, fields: list[str]) -> dict:
    values = {}
    for name in fields:
        value, field = getattr(obj, name), obj._meta.get_field(name)
        # Decimal("1000") and Decimal("1000.00") are one stored value; compare them in the column's own scale.
        if isinstance(value, Decimal) and getattr(field, "decimal_places", None) is not None:
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        values[name] = _plain(value)
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    changes: dict | None = None,
    unit=None,
    actor_username: str = "",
):
    """One append-only row. The actor is kept as a snapshot (id, username, name; AuditEvent.save); `actor_username`
    names who acted when there is no user to point at (a failed login under an unknown name)."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        unit = unit if unit is not None else getattr(obj, "unit", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=actor_username[:150],
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        unit=unit if getattr(unit, "pk", None) else None,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )


def audited_get(queryset, pk, *, actor, via: str, missing: str):
    """One row of the actor's scoped `queryset`, else 404 (`missing` is the 404's message). `via` names the entry
    point that shows it, which writes one read row; empty only to look it up for a write its service audits."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(missing)
    if via:
        audit_read(actor=actor, obj=obj, via=via)
    return obj


def audit_read(*, actor, obj, via: str, **details) -> AuditEvent:
    """One row for one showing of a person's record: who read which record, through which entry point (`via`:
    "web" for the record's own page, "api", or "<app>.<page>" for another page or print that shows it) and, in
    `details`, which part. The selector that selects the record for display calls it, never the view, so that
    every entry point (web, API, export) writes the row."""
    return audit_record(actor=actor, action=AuditEvent.Action.READ, obj=obj, changes={"via": via, **details})


# --- Reading the trail (/audit/): Chinese names for what was touched and what changed -----------------------------

# Keys services write into `changes` that are not fields of the object's model.
CHANGE_LABELS = {
    "status": _("状态"),
    "note": _("备注"),
    "via": _("途径"),
    "reason": _("理由"),
    "worker": _("社工"),
    "workers": _("社工"),
    "tags": _("人群标签"),
    "tag": _("人群标签"),
    "filter": _("筛选条件"),
    "q": _("查找内容"),
    "offset": _("起始行"),
    "residents": _("列出的居民"),
    "outcome": _("结果"),
    "kind": _("类型"),
    "household": _("家庭"),
    "withdrawn": _("已撤回"),
    "week": _("周"),
    "month": _("月份"),
    "volunteer": _("志愿者"),
    "volunteers_added": _("新增志愿者"),
    "view": _("查看内容"),
    "user": _("用户"),
    "unit": _("单位"),
    "step": _("步骤"),
    "shifts": _("班次"),
    "result": _("办理结果"),
    "resolved": _("已解决"),
    "resident": _("居民"),
    "organisation": _("组织"),
    "name": _("名称"),
    "locality": _("地区"),
    "item": _("事项"),
    "hours": _("时长"),
    "file": _("文件"),
    "entries": _("条目"),
    "enabled": _("启用"),
    "description": _("描述"),
    "activity": _("活动"),
    "actions": _("行动"),
    "action": _("动作"),
    "done_on": _("完成日期"),
    "emergency_status": _("紧急评估状态"),
    "goals": _("目标"),
    "on": _("日期"),
    # Login rows (quanke.core.login_security).
    "ip": _("来源地址"),
    "locked_out": _("已锁定"),
    "failures": _("失败次数"),
    "second_factor": _("两步验证"),
    "referred_to": _("转介至"),
    "reopen_count": _("重新打开次数"),
    "reviewed_on": _("复核日期"),
    "superseded_by": _("被替代为"),
}


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """“办件” for matters.matter; the stored text for anything that is not a model (an export file …)."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def _text(value, field=None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return "、".join(_text(v, field) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{_label(k, None)}：{_text(v)}" for k, v in value.items())
    return str(value)


def _field(model, key: str):
    """The model's own field of that name (not a reverse relation, which has no Chinese name), or None."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None


def _label(key: str, model) -> str:
    field = _field(model, key)
    return str(field.verbose_name) if field is not None else str(CHANGE_LABELS.get(key, key))


def readable_changes(event) -> list[tuple[str, str]]:
    """[(字段, “旧 → 新” or the value)] with the model's Chinese field names and choice labels."""
    model = _model(event.object_type)
    changes = event.changes if isinstance(event.changes, dict) else {"": event.changes}
    rows = []
    for key, value in changes.items():
        field = _field(model, key)
        pair = event.action in (AuditEvent.Action.UPDATE, AuditEvent.Action.TRANSITION)
        if pair and isinstance(value, list) and len(value) == 2 and not isinstance(value[0], dict):
            text = f"{_text(value[0], field)} → {_text(value[1], field)}"
        else:
            text = _text(value, field)
        rows.append((_label(key, model), text))
    return rows
