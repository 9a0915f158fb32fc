from django.contrib import admin

from quanke.core.admin_audit import AuditedModelAdmin
from quanke.matters.models import Matter, MatterEvent, MatterMaterial


class MatterMaterialInline(admin.TabularInline):
    model = MatterMaterial
    extra = 0
    readonly_fields = ("name", "detail", "state")


class MatterEventInline(admin.TabularInline):
    model = MatterEvent
    extra = 0
    readonly_fields = ("at", "actor", "action", "from_status", "to_status", "note")
    can_delete = False


@admin.register(Matter)
class MatterAdmin(AuditedModelAdmin):
    """Read-only: matters change only through their services, so that every step is on the timeline."""

    list_display = ("tracking_code", "item", "applicant_name", "unit", "status", "handling_unit", "due_date")
    list_filter = ("status", "channel", "unit")
    search_fields = ("tracking_code", "applicant_name")
    inlines = [MatterMaterialInline, MatterEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
