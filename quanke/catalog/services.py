from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.catalog.knowledge import DOC_TRANSITIONS, DocStatus, Document
from quanke.catalog.models import StationItemSetting
from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent


def station_item_toggle(*, actor, item, enabled: bool) -> StationItemSetting:
    """The station head switches an item on or off for her own station's desk."""
    permissions.require(permissions.can_manage_station_catalog(actor))
    with transaction.atomic():
        setting, _ = StationItemSetting.objects.select_for_update().get_or_create(
            unit=actor.unit, item=item, defaults={"enabled": enabled}
        )
        old = setting.enabled
        if setting.enabled != enabled:
            setting.enabled = enabled
            setting.save(update_fields=["enabled"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=setting,
            unit=actor.unit,
            changes={"item": item.code, "enabled": [old, enabled]},
        )
    return setting


SUPERSEDE_FIELDS = (
    "title",
    "doc_number",
    "issuer",
    "issued_on",
    "effective_from",
    "expires_on",
    "summary",
    "body",
    "steps",
    "organisation",
    "phone",
    "address",
    "service_area",
    "hours",
    "source",
)


def document_supersede(*, actor, document: Document, changes: dict) -> Document:
    """Publish a new version of a knowledge document. The old one is kept, marked superseded and expired from
    the day the new one takes effect, so it is never shown as current again."""
    permissions.require(permissions.can_manage_knowledge(actor))
    unknown = set(changes) - set(SUPERSEDE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    with transaction.atomic():
        old = Document.objects.select_for_update().get(pk=document.pk)
        if DocStatus.SUPERSEDED not in DOC_TRANSITIONS[DocStatus(old.status)]:
            raise ValidationError(_("该文档已失效，不能再被替代；请替代它的最新版本。"))
        values = {f: getattr(old, f) for f in SUPERSEDE_FIELDS}
        values.update(changes)
        starts = values["effective_from"] or timezone.localdate()
        values["effective_from"] = starts
        if old.effective_from and starts < old.effective_from:
            raise ValidationError({"effective_from": _("新版本的生效日期不能早于旧版本的生效日期。")})
        if values["expires_on"] and values["expires_on"] <= starts:
            values["expires_on"] = None
        new = Document(kind=old.kind, supersedes=old, status=DocStatus.CURRENT, **values)
        new.full_clean(exclude=["supersedes"])
        old.status = DocStatus.SUPERSEDED
        old.expires_on = starts if old.expires_on is None or old.expires_on > starts else old.expires_on
        old.save(update_fields=["status", "expires_on", "updated_at"])
        new.save()
        new.items.set(old.items.all())
        audit_record(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=old,
            unit=actor.unit,
            changes={"status": [DocStatus.CURRENT, DocStatus.SUPERSEDED], "superseded_by": new.pk},
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=new,
            unit=actor.unit,
            changes={
                "supersedes": old.pk,
                **{k: [getattr(old, k), v] for k, v in changes.items() if getattr(old, k) != v},
            },
        )
    return new
