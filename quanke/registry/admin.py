from django.contrib import admin

from quanke.registry.models import Benefit, Household, Resident, ResidentDocument, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sensitive", "specialties", "visit_interval_days", "priority")


class ResidentInline(admin.TabularInline):
    model = Resident
    fields = ("name", "id_number", "relation", "monthly_income")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("number", "address", "unit", "hukou_kind", "hukou_type")
    list_filter = ("unit", "hukou_type")
    search_fields = ("number", "address")
    inlines = [ResidentInline]


class BenefitInline(admin.TabularInline):
    model = Benefit
    extra = 0


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("name", "id_number", "unit", "sex", "birth_date", "disability_kind", "disability_grade")
    list_filter = ("unit", "sex", "disability_kind")
    search_fields = ("name", "id_number", "name_initials", "phone")
    raw_id_fields = ("household",)
    filter_horizontal = ("tags",)
    inlines = [BenefitInline]


@admin.register(ResidentDocument)
class ResidentDocumentAdmin(admin.ModelAdmin):
    list_display = ("resident", "kind", "received_on", "valid_until")
    raw_id_fields = ("resident",)
