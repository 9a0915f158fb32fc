from django.contrib import admin

from quanke.core.admin_audit import AuditedModelAdmin
from quanke.meals.models import MealCard, MealRecord, MealSubsidyRate


@admin.register(MealSubsidyRate)
class MealSubsidyRateAdmin(AuditedModelAdmin):
    list_display = ("unit", "category", "start_date", "per_meal", "monthly_cap", "reference")
    list_filter = ("category",)


@admin.register(MealCard)
class MealCardAdmin(AuditedModelAdmin):
    list_display = ("number", "resident", "unit", "category", "status", "issued_on")
    list_filter = ("status", "category")
    raw_id_fields = ("resident", "matter")
    # Cards are issued and changed through the station's pages (one live card, the numbering, the audit trail).
    readonly_fields = ("resident", "unit", "number", "matter")


@admin.register(MealRecord)
class MealRecordAdmin(AuditedModelAdmin):
    list_display = ("card", "served_on", "meals", "canteen", "price", "subsidy")
    # The subsidy is computed from the rate in force by the service; the admin shows it and does not recompute it.
    readonly_fields = [f.name for f in MealRecord._meta.fields]
