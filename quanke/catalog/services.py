from django.db import transaction

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
