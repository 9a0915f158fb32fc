from django.contrib import admin

from quanke.core.admin_audit import AuditedModelAdmin
from quanke.party.models import InServiceReport, PartyMember


@admin.register(PartyMember)
class PartyMemberAdmin(AuditedModelAdmin):
    list_display = ("resident", "unit", "branch", "membership", "relation")
    list_filter = ("membership", "relation")
    raw_id_fields = ("resident",)


@admin.register(InServiceReport)
class InServiceReportAdmin(AuditedModelAdmin):
    list_display = ("member", "reported_on", "workplace", "pledged_hours", "served_hours")
    raw_id_fields = ("member", "matter")
