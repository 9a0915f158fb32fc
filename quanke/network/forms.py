from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.network.models import (
    ActivityType,
    OrganisationKind,
    RecipientKind,
    ResourceKind,
    ServiceKind,
    Slot,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_field(units):
    field = forms.ModelChoiceField(label=_("单位"), queryset=units)
    if units is not None and units.count() == 1:
        field.initial = units.first()
    return field


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DATE)


class TeamForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    name = forms.CharField(label=_("队名"), max_length=60)
    leader = forms.CharField(label=_("队长"), max_length=50, required=False)
    description = forms.CharField(label=_("简介"), max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units)


class VolunteerForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("登记单位"), queryset=None)
    resident_id_number = forms.CharField(
        label=_("居民身份证号"),
        max_length=40,  # room for spaces and full-width input; normalised to 18 before the lookup
        required=False,
        help_text=_("志愿者是本辖区居民时填写，自动关联"),
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    team = forms.ModelChoiceField(label=_("服务队"), queryset=None, required=False)
    skills = forms.MultipleChoiceField(
        label=_("技能/服务类型"), choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.MultipleChoiceField(
        label=_("可服务时段"), choices=Slot.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    registered_on = forms.DateField(label=_("注册日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, units=None, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units)
        self.fields["team"].queryset = teams
        self.initial.setdefault("registered_on", timezone.localdate())


class ServiceRecordForm(forms.Form):
    served_on = forms.DateField(label=_("服务日期"), widget=DATE)
    hours = forms.DecimalField(label=_("时长（小时）"), max_digits=4, decimal_places=1, min_value=0)
    service_kind = forms.ChoiceField(
        label=_("服务类型"), choices=[("", "—"), *ServiceKind.choices], required=False
    )
    description = forms.CharField(label=_("服务内容"), max_length=200)


class RedeemForm(forms.Form):
    redeemed_on = forms.DateField(label=_("兑换日期"), widget=DATE)
    hours = forms.DecimalField(label=_("兑换时长（小时）"), max_digits=6, decimal_places=1, min_value=0)
    description = forms.CharField(label=_("兑换内容"), max_length=200)


class OrganisationForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("登记单位"), queryset=None)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OrganisationKind.choices)
    services = forms.MultipleChoiceField(
        label=_("提供服务"), choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    service_area = forms.ModelMultipleChoiceField(
        label=_("服务范围"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units)
        self.fields["service_area"].queryset = units


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("协议名称"), max_length=100)
    start_on = forms.DateField(label=_("生效日期"), widget=DATE)
    end_on = forms.DateField(label=_("到期日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ReceiveForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("台账单位"), queryset=None)
    kind = forms.ChoiceField(label=_("资源类型"), choices=ResourceKind.choices)
    item = forms.CharField(label=_("物资名称"), max_length=60, required=False, help_text=_("资金不填"))
    item_unit = forms.CharField(
        label=_("计量单位"), max_length=10, required=False, help_text=_("如：袋、箱、件")
    )
    quantity = forms.DecimalField(label=_("金额（元）/数量"), max_digits=12, decimal_places=2, min_value=0)
    estimated_value = forms.DecimalField(
        label=_("物资折合金额（元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    entry_on = forms.DateField(label=_("日期"), widget=DATE)
    donor_name = forms.CharField(label=_("捐赠方"), max_length=100, required=False)
    donor_organisation = forms.ModelChoiceField(label=_("捐赠组织（名录内）"), queryset=None, required=False)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, units=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units)
        self.fields["donor_organisation"].queryset = organisations
        self.initial.setdefault("entry_on", timezone.localdate())


class DisburseForm(forms.Form):
    balance = forms.ModelChoiceField(label=_("资源"), queryset=None)
    quantity = forms.DecimalField(label=_("金额（元）/数量"), max_digits=12, decimal_places=2, min_value=0)
    entry_on = forms.DateField(label=_("日期"), widget=DATE)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    recipient_kind = forms.ChoiceField(
        label=_("接收方类型"),
        choices=[(k, label) for k, label in RecipientKind.choices if k != RecipientKind.CASE],
    )
    recipient_id_number = forms.CharField(label=_("接收居民身份证号"), max_length=40, required=False)
    recipient_activity = forms.ModelChoiceField(label=_("接收活动"), queryset=None, required=False)
    recipient_organisation = forms.ModelChoiceField(label=_("接收组织"), queryset=None, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, balances=None, activities=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["balance"].queryset = balances
        self.fields["balance"].label_from_instance = lambda b: (
            f"{b.unit.name} · {b.label}（{_('结余')} {b.balance}{b.item_unit}）"
        )
        self.fields["recipient_activity"].queryset = activities
        self.fields["recipient_organisation"].queryset = organisations
        self.initial.setdefault("entry_on", timezone.localdate())


class ActivityForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityType.choices)
    service_kind = forms.ChoiceField(
        label=_("服务类型"), choices=[("", "—"), *ServiceKind.choices], required=False
    )
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=100)
    hours = forms.DecimalField(label=_("时长（小时）"), max_digits=4, decimal_places=1, min_value=0)
    organiser_organisations = forms.ModelMultipleChoiceField(
        label=_("合作组织"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    participant_volunteers = forms.ModelMultipleChoiceField(
        label=_("参与志愿者"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    extra_participants = forms.IntegerField(label=_("参与居民人数（未逐一登记）"), min_value=0, initial=0)
    outcome = forms.CharField(
        max_length=limits.NOTE, label=_("活动成效"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, units=None, organisations=None, volunteers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units)
        self.fields["organiser_organisations"].queryset = organisations
        self.fields["participant_volunteers"].queryset = volunteers
        self.initial.setdefault("held_on", timezone.localdate())


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("照片（JPEG/PNG/WebP，不超过 8 MB）"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class AddVolunteersForm(forms.Form):
    volunteers = forms.ModelMultipleChoiceField(
        label=_("参与志愿者"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args, volunteers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = volunteers


class MatchForm(forms.Form):
    need = forms.ChoiceField(label=_("需求类型"), choices=ServiceKind.choices)
    unit = forms.ModelChoiceField(label=_("社区/村"), queryset=None)
    slot = forms.ChoiceField(label=_("时段"), required=False, choices=[("", _("不限")), *Slot.choices])

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units)
        self.fields["unit"].label = _("社区/村")
