"""Admin: administrators maintain locality parameters (dated values) and which locality applies where."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from quanke.assistance.engine import EngineError
from quanke.assistance.models import (
    AssistanceReview,
    Finding,
    Locality,
    LocalityParameter,
    ScanRun,
    UnitLocality,
)
from quanke.assistance.parameters import validate_parameter_set
from quanke.core.admin_audit import AuditedModelAdmin
from quanke.core.audit import audit_record, snapshot
from quanke.core.models import AuditEvent, UnitLevel


def _check_whole_set(
    *, locality_code: str, locality_name: str, rows, exclude_locality_id=None, exclude_pk=None
):
    """Validate the parameter set the database would hold after this change, as the engine will read it."""
    others = LocalityParameter.objects.select_related("locality")
    if exclude_locality_id is not None:
        others = others.exclude(locality_id=exclude_locality_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    all_rows = [(p.locality.code, p.path, p.start_date, p.value) for p in others] + list(rows)
    localities = list(Locality.objects.values_list("code", "name"))
    localities = [(c, n) for c, n in localities if c != locality_code] + [(locality_code, locality_name)]
    try:
        validate_parameter_set(localities, all_rows)
    except EngineError as exc:
        raise ValidationError(_("参数设置无法使用：%(e)s") % {"e": exc}) from None


class ParameterInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        rows, seen = [], set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            key = (data["path"], data["start_date"])
            if key in seen:
                raise ValidationError(
                    _("同一参数在同一日期只能有一个取值：%(p)s %(d)s") % {"p": key[0], "d": key[1]}
                )
            seen.add(key)
            rows.append((self.instance.code, data["path"], data["start_date"], data["value"]))
        if self.instance.code:
            _check_whole_set(
                locality_code=self.instance.code,
                locality_name=self.instance.name,
                rows=rows,
                exclude_locality_id=self.instance.pk,
            )


class ParameterInline(admin.TabularInline):
    model = LocalityParameter
    formset = ParameterInlineFormSet
    fields = ("path", "start_date", "value", "note")
    extra = 1


class AuditedAdmin(admin.ModelAdmin):
    audit_fields: list[str] = []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
            obj=obj,
            changes=snapshot(obj, self.audit_fields),
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save()
        for obj in instances:
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE,
                obj=obj,
                changes=snapshot(obj, ["path", "start_date", "value", "note"]),
            )
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action=AuditEvent.Action.DELETE, obj=obj)

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=AuditEvent.Action.DELETE, obj=obj)
        super().delete_model(request, obj)


@admin.register(Locality)
class LocalityAdmin(AuditedAdmin):
    list_display = ("code", "name", "note")
    search_fields = ("code", "name")
    inlines = [ParameterInline]
    audit_fields = ["code", "name", "note"]


@admin.register(LocalityParameter)
class LocalityParameterAdmin(AuditedAdmin):
    list_display = ("locality", "path", "start_date", "value", "note")
    list_filter = ("locality", "path")
    ordering = ("locality__code", "path", "start_date")
    audit_fields = ["path", "start_date", "value", "note"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        base_clean = form.clean

        def clean(form_self):
            data = base_clean(form_self)
            if form_self.errors or not data.get("locality"):
                return data
            locality = data["locality"]
            _check_whole_set(
                locality_code=locality.code,
                locality_name=locality.name,
                rows=[(locality.code, data["path"], data["start_date"], data["value"])],
                exclude_pk=form_self.instance.pk,
            )
            return data

        form.clean = clean
        return form


@admin.register(UnitLocality)
class UnitLocalityAdmin(AuditedAdmin):
    list_display = ("unit", "locality")
    audit_fields = ["unit", "locality"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = db_field.related_model.objects.exclude(level=UnitLevel.COMMUNITY)
        if db_field.name == "locality":
            kwargs["queryset"] = Locality.objects.exclude(code="national")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "on_date", "locality", "households", "residents", "findings_new", "seconds")
    readonly_fields = [f.name for f in ScanRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Finding)
class FindingAdmin(AuditedModelAdmin):
    list_display = ("household", "resident", "program", "kind", "status", "unit", "on_date")
    list_filter = ("status", "kind", "program", "locality")
    raw_id_fields = ("household", "resident", "unit", "first_run", "last_run", "decided_by")
    readonly_fields = ("key",)

    def has_add_permission(self, request):
        return False


@admin.register(AssistanceReview)
class AssistanceReviewAdmin(AuditedModelAdmin):
    list_display = ("household", "program", "reviewed_on", "outcome", "actor")
    raw_id_fields = ("household", "unit", "actor")
