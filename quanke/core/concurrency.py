"""Optimistic concurrency for records edited through forms: a `version` column, one mechanism.

Two workers open the same record; each form carries the version it was read at. The service locks the row,
compares, and refuses a save made from a stale version (StaleVersion: no write, no audit row), naming what the
other worker changed meanwhile (their value against yours), so the second worker redoes her change knowingly
instead of silently reverting the first one's. The API answers the same refusal with 409 `<app>.stale_version`.

Every save of a Versioned record bumps the version (forms, imports, the admin), so a form read before any of
them is stale after it. Bulk `update()` does not: code that updates such rows in bulk bumps `version` itself.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Versioned(models.Model):
    version = models.PositiveIntegerField(gettext_lazy("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "version" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "version"]
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    theirs: str  # the value saved meanwhile
    yours: str  # the value this save wanted


def _shown(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _same(field, a, b) -> bool:
    try:
        return field.to_python(a) == field.to_python(b)
    except Exception:  # noqa: BLE001 - a value the field cannot read is compared as shown
        return _shown(field, a) == _shown(field, b)


class StaleVersion(Exception):
    """A save from a form read at an older version. `changes`: the fields where the record now differs from
    what this save wanted."""

    def __init__(self, current: models.Model, yours: dict, *, field: str = "version"):
        self.current = current
        self.code = f"{current._meta.app_label}.stale_version"
        self.message = _("保存前，该记录已被他人修改（当前版本 %(v)d）。请核对以下内容后重新保存。") % {
            "v": getattr(current, field)
        }
        self.changes = []
        for name, wanted in yours.items():
            field = current._meta.get_field(name)
            now = getattr(current, field.attname)
            if not _same(field, now, wanted):
                self.changes.append(
                    Change(name, str(field.verbose_name), _shown(field, now), _shown(field, wanted))
                )
        super().__init__(self.message)

    def changes_for_api(self) -> dict:
        return {c.field: {"current": c.theirs, "yours": c.yours} for c in self.changes}


def lock_current(
    instance: models.Model, expected_version: int | None, yours: dict | None = None, *, field: str = "version"
) -> models.Model:
    """Re-read `instance` under a row lock (call inside a transaction); refuse if it moved past the version the
    editor read. `expected_version` None: the caller did not read a version (a script), no check. `field`: the
    counter's name where `version` already means something else (a case plan's 第N版 is `version`; its edits
    are counted in `revision`)."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and getattr(current, field) != expected_version:
        raise StaleVersion(current, yours or {}, field=field)
    return current
