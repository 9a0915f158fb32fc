from django.contrib import admin

from quanke.core.admin_audit import AuditedModelAdmin
from quanke.visits.models import Booking, DutyShift, StationHours, SupplyItem, VisitPlan


@admin.register(StationHours)
class StationHoursAdmin(admin.ModelAdmin):
    list_display = ("unit", "workday_start", "workday_end", "slot_minutes")


@admin.register(SupplyItem)
class SupplyItemAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sensitive", "specialty", "low_stock_station", "low_stock_kit", "active")


@admin.register(DutyShift)
class DutyShiftAdmin(AuditedModelAdmin):
    list_display = ("date", "start", "end", "worker", "unit")
    list_filter = ("unit",)


@admin.register(Booking)
class BookingAdmin(AuditedModelAdmin):
    list_display = ("slot_start", "worker", "caller_name", "status", "unit")
    list_filter = ("status", "unit")
    # Bookings are changed through the station's pages so that the slot rules and the audit trail apply.
    readonly_fields = [f.name for f in Booking._meta.fields]


@admin.register(VisitPlan)
class VisitPlanAdmin(AuditedModelAdmin):
    list_display = ("unit", "month", "status", "approved_by")
    readonly_fields = ("notes",)
