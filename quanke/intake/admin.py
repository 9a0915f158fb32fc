from django.contrib import admin

from quanke.intake.models import IntakeSynonym


@admin.register(IntakeSynonym)
class IntakeSynonymAdmin(admin.ModelAdmin):
    list_display = ("term", "expansions", "item_codes", "weight", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("term", "note")
    list_editable = ("weight", "active")
