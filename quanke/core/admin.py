from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from quanke.core.admin_audit import AuditedModelAdmin
from quanke.core.message_templates import PLACEHOLDERS
from quanke.core.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    MessageTemplate,
    Notification,
    OrgUnit,
    User,
)

admin.site.site_header = _("全科服务平台 · 系统管理")
admin.site.site_title = _("全科服务平台")


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "station_name", "phone")
    list_filter = ("level",)
    search_fields = ("name", "code")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ("username", "full_name", "unit", "roles", "specialties", "is_active")
    list_filter = ("is_active", "unit__level")
    search_fields = ("username", "full_name")
    audit_m2m = {
        "groups": "name",
        "user_permissions": "codename",
    }  # the password is never copied (admin_audit)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("岗位"), {"fields": ("full_name", "unit", "roles", "specialties", "phone")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "unit",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "object_id", "actor_username")
    date_hierarchy = "created_at"

    # The trail is evidence: nobody edits or deletes it, not even administrators.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(AuditedModelAdmin):
    list_display = ("created_at", "channel", "recipient_name", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "channel")
    search_fields = ("recipient_name", "address", "body")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedModelAdmin):
    """Each event's SMS text; edits are audited (what residents are told is the station's word)."""

    list_display = ("event", "active", "body", "placeholders")
    list_filter = ("active",)
    readonly_fields = ("event", "placeholders")
    fields = ("event", "placeholders", "body", "active")

    @admin.display(description=_("可用占位符"))
    def placeholders(self, obj):
        return "、".join(f"{{{name}}}" for name in PLACEHOLDERS.get(obj.event, ()))

    def has_add_permission(self, request):
        return False  # one row per event, seeded by the data migration

    def has_delete_permission(self, request, obj=None):
        return False
