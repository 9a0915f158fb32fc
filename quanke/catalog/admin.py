from django.contrib import admin

from quanke.catalog.models import Category, Item, Material, StationItemSetting


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "parent", "handling", "promised_limit_days", "active")
    list_filter = ("category", "handling", "specialty", "active")
    search_fields = ("code", "name")
    inlines = [MaterialInline]


@admin.register(StationItemSetting)
class StationItemSettingAdmin(admin.ModelAdmin):
    list_display = ("unit", "item", "enabled")
    list_filter = ("enabled", "unit")
