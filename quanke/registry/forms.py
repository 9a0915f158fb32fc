from django import forms
from django.utils.translation import gettext_lazy as _

from quanke.core.models import OrgUnit
from quanke.registry import idnumber
from quanke.registry.imports import max_bytes
from quanke.registry.models import HukouKind, HukouType, Resident
from quanke.registry.services import RESIDENT_FIELDS


class ResidentForm(forms.ModelForm):
    # Longer than the stored 18 so that spaces and full-width input reach clean_id_number to be normalised.
    id_number = forms.CharField(label=_("身份证号"), max_length=40)
    tags = forms.MultipleChoiceField(label=_("人群标签"), required=False, widget=forms.CheckboxSelectMultiple)
    # The version the form was read at (quanke.core.concurrency): a save from an older one is refused.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = Resident
        fields = RESIDENT_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, tag_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tag_objects = {t.code: t for t in tag_choices}
        self.fields["tags"].choices = [(t.code, t.name) for t in tag_choices]
        self.fields["disability_grade"].widget = forms.Select(
            choices=[("", "—")] + [(i, _("%(n)d级") % {"n": i}) for i in range(1, 5)]
        )
        self.fields["member_hukou"].choices = [("", _("同家庭户"))] + list(HukouKind.choices)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            self.initial["tags"] = [t.code for t in self.instance.tags.all() if t.code in self.tag_objects]

    def clean_id_number(self):
        try:
            return idnumber.parse(self.cleaned_data["id_number"]).value
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def validate_unique(self):
        # ID numbers are checked by the services on the normalised value, where a resident of another community
        # can be offered as a move instead of a bare "already exists".
        exclude = self._get_validation_exclusions()
        exclude.add("id_number")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)

    def clean(self):
        data = super().clean()
        kind, grade = data.get("disability_kind"), data.get("disability_grade")
        if bool(kind) != (grade is not None):
            self.add_error("disability_grade", _("残疾类别和残疾等级须同时填写或同时留空。"))
        return data

    def selected_tags(self):
        return [self.tag_objects[c] for c in self.cleaned_data.get("tags", [])]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HouseholdChoiceForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("社区/村"), queryset=OrgUnit.objects.none())
    household_number = forms.CharField(
        label=_("户编号"), max_length=30, help_text=_("已有户填写户编号；新户会自动建立")
    )
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    building = forms.CharField(label=_("楼栋/街巷"), max_length=60, required=False)
    hukou_kind = forms.ChoiceField(label=_("户籍"), choices=HukouKind.choices)
    hukou_type = forms.ChoiceField(label=_("户口性质"), choices=HukouType.choices)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units is not None and units.count() == 1:
            self.initial["unit"] = units.first()


class ImportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("导入到社区/村"), queryset=OrgUnit.objects.none())
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units is not None and units.count() == 1:
            self.initial["unit"] = units.first()

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件。"))
        if f.size > max_bytes():
            raise forms.ValidationError(
                _("文件不能超过 %(n)s MB。") % {"n": f"{max_bytes() / 1024 / 1024:g}"}
            )
        return f
