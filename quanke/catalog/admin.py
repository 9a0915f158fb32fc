from django.contrib import admin

from quanke.catalog.models import Category, Document, Item, Material, StationItemSetting


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "parent", "handling", "promised_limit_days", "active")
    list_filter = ("category", "handling", "specialty", "sensitive", "urgent", "active")
    search_fields = ("code", "name")
    inlines = [MaterialInline]


@admin.register(StationItemSetting)
class StationItemSettingAdmin(admin.ModelAdmin):
    list_display = ("unit", "item", "enabled")
    list_filter = ("enabled", "unit")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "doc_number", "effective_from", "expires_on", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "doc_number", "issuer", "organisation", "phone")
    filter_horizontal = ("items",)
    raw_id_fields = ("supersedes",)
    # Versions are published through "supersede" so the old one is kept and marked; status is read-only here.
    readonly_fields = ("status",)
