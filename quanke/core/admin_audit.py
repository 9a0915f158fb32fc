"""The Django admin writes the same audit rows as the services: a create with the new values, an update with
{field: [old, new]} (core.audit.diff), a delete, and one read row each time a change page shows a record.

Every ModelAdmin of personal data inherits AuditedModelAdmin; inlines are audited as rows of their own model."""

from django.contrib import admin
from django.db import transaction
from django.template.response import TemplateResponse

from quanke.core.audit import audit_read, audit_record, diff, snapshot
from quanke.core.models import AuditEvent

# Never copied into the trail: secrets and bookkeeping the database writes itself.
NOT_AUDITED = {"password", "last_login", "created_at", "updated_at", "key_hash"}


def audited_fields(model, only=None) -> list[str]:
    if only is not None:
        return list(only)
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in NOT_AUDITED
    ]


def state(obj, fields, m2m: dict[str, str]) -> dict:
    """The record as the trail shows it: its fields and, for many-to-many fields, the sorted `m2m[name]` values
    of the related rows (tags by code, as the registry's services record them)."""
    values = snapshot(obj, fields)
    for name, attr in m2m.items():
        values[name] = sorted(getattr(obj, name).values_list(attr, flat=True)) if obj.pk else []
    return values


class AuditedModelAdmin(admin.ModelAdmin):
    # None: every editable concrete field but the key, secrets and timestamps (derived columns are not editable).
    audit_fields: list[str] | None = None
    # Many-to-many fields recorded by one attribute of the related rows: {"tags": "code"}.
    audit_m2m: dict[str, str] = {}

    def _state(self, obj) -> dict:
        return state(obj, audited_fields(type(obj), self.audit_fields), self.audit_m2m)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:  # before the form writes into it: the old values of the update row
            obj._audit_before = self._state(obj)
        return obj

    def save_related(self, request, form, formsets, change):
        # Runs after save_model, with the many-to-many fields and the inlines: the row sees the whole change.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = self._state(obj)
        if change:
            changes = diff(getattr(obj, "_audit_before", {}), after)
            if changes:
                audit_record(actor=request.user, action=AuditEvent.Action.UPDATE, obj=obj, changes=changes)
        else:
            audit_record(actor=request.user, action=AuditEvent.Action.CREATE, obj=obj, changes=after)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        fields = audited_fields(model)
        before = {
            f.instance.pk: snapshot(model.objects.get(pk=f.instance.pk), fields)
            for f in formset.initial_forms
            if f.instance.pk is not None and f.has_changed()
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(
                actor=request.user, action=AuditEvent.Action.CREATE, obj=obj, changes=snapshot(obj, fields)
            )
        for obj, _names in formset.changed_objects:
            changes = diff(before.get(obj.pk, {}), snapshot(obj, fields))
            if changes:
                audit_record(actor=request.user, action=AuditEvent.Action.UPDATE, obj=obj, changes=changes)
        for obj in formset.deleted_objects:
            audit_record(
                actor=request.user, action=AuditEvent.Action.DELETE, obj=obj, changes=before.get(obj.pk)
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user, action=AuditEvent.Action.DELETE, obj=obj, changes=self._state(obj)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The changelist's "delete selected" action: one row per record, as deleting each would write.
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action=AuditEvent.Action.DELETE, obj=obj, changes=self._state(obj)
                )
            super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A change page (or a refused form shown again) shows the whole record: one read row per showing.
        if isinstance(response, TemplateResponse) and response.status_code == 200:
            obj = (response.context_data or {}).get("original")
            if obj is not None and obj.pk is not None:
                audit_read(actor=request.user, obj=obj, via="admin")
        return response
