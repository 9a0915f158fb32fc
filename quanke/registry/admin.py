from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quanke.core.admin_audit import AuditedModelAdmin
from quanke.registry import idnumber
from quanke.registry.models import Benefit, Household, Resident, ResidentDocument, Tag


@admin.register(Tag)
class TagAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "sensitive", "specialties", "visit_interval_days", "priority")


@admin.display(description=_("身份证号"))
def masked_id_number(resident):
    return idnumber.mask(resident.id_number)


@admin.display(description=_("联系电话"))
def masked_phone(resident):
    return idnumber.mask_phone(resident.phone)


class ResidentInline(admin.TabularInline):
    # A household's page lists its members as the registry's lists do: ID number masked; the member's own page
    # (show_change_link) shows the whole record and writes its read row.
    model = Resident
    fields = ("name", masked_id_number, "relation", "monthly_income")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(AuditedModelAdmin):
    list_display = ("number", "address", "unit", "hukou_kind", "hukou_type")
    list_filter = ("unit", "hukou_type")
    search_fields = ("number", "address")
    inlines = [ResidentInline]


class BenefitInline(admin.TabularInline):
    model = Benefit
    extra = 0


class ResidentAdminForm(forms.ModelForm):
    """The admin's edit takes an ID number as the registry's own form does: normalised (full-width digits,
    spaces, lowercase x) and checked before uniqueness, so the same person cannot be entered twice here either."""

    # Room for the spaces and separators a typed number may carry before it is normalised to 18 characters.
    id_number = forms.CharField(label=_("身份证号"), max_length=40)

    class Meta:
        model = Resident
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields it shows)

    def clean_id_number(self):
        try:
            return idnumber.parse(self.cleaned_data["id_number"]).value
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


@admin.register(Resident)
class ResidentAdmin(AuditedModelAdmin):
    form = ResidentAdminForm
    # The list masks ID numbers and phones as the registry's own lists do; searching by the full number works.
    list_display = (
        "name",
        masked_id_number,
        masked_phone,
        "unit",
        "sex",
        "birth_date",
        "disability_kind",
        "disability_grade",
    )
    list_filter = ("unit", "sex", "disability_kind")
    search_fields = ("name", "id_number", "name_initials", "phone")
    raw_id_fields = ("household",)
    filter_horizontal = ("tags",)
    inlines = [BenefitInline]
    audit_m2m = {"tags": "code"}


@admin.register(ResidentDocument)
class ResidentDocumentAdmin(AuditedModelAdmin):
    list_display = ("resident", "kind", "received_on", "valid_until")
    raw_id_fields = ("resident",)
