from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.visits import schedule
from quanke.visits.services import check_blood_pressure

NEED_ROWS = 3


class BookingForm(forms.Form):
    caller_phone = forms.CharField(
        label=_("来电号码"), max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )
    caller_name = forms.CharField(label=_("来电人"), max_length=50)
    # Chosen with the search picker, never offered as a list: a community has thousands of residents. The
    # queryset is the station's residents in the actor's scope, so a tampered id is refused here.
    resident = forms.ModelChoiceField(
        label=_("登记居民（可选）"),
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("所选居民不在本站点的居民名册中，请重新查找并选择。")},
    )
    item = forms.ModelChoiceField(label=_("预约事项"), queryset=None, required=False)
    request_text = forms.CharField(
        max_length=limits.REQUEST_TEXT,
        label=_("诉求（原话）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Not required in the browser: left empty with a resident picked, the view fills her household's address
    # (the no-JavaScript path); with nobody picked the service asks for it.
    address = forms.CharField(label=_("上门地址"), max_length=200, required=False)
    preferred_time = forms.CharField(
        label=_("希望时间"), max_length=100, required=False, help_text=_("居民原话，如“周六晚上”")
    )
    day = forms.DateField(label=_("上门日期"), widget=forms.DateInput(attrs={"type": "date"}))
    slot = forms.CharField(label=_("时段"), help_text=_("选择日期后点选可约时段"))
    worker = forms.ModelChoiceField(label=_("指定社工（可选）"), queryset=None, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, residents, items, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
        self.fields["item"].queryset = items
        self.fields["worker"].queryset = workers
        self.fields["worker"].empty_label = _("系统自动安排")

    def chosen_resident(self):
        """The resident the form currently names (posted or initial), if she is in scope; one query at most."""
        value = self["resident"].value()
        if value is None or hasattr(value, "pk"):
            return value
        value = str(value)
        return self.fields["resident"].queryset.filter(pk=value).first() if value.isdigit() else None

    def clean_slot(self):
        raw = self.cleaned_data["slot"]
        try:
            local = datetime.strptime(raw, "%Y-%m-%dT%H:%M")
        except ValueError:
            raise forms.ValidationError(_("请选择一个可约时段。")) from None
        return local.replace(tzinfo=schedule.local_tz())


class ReassignForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("改派给"), queryset=None)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class DutyShiftForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("值班社工"), queryset=None)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class StockForm(forms.Form):
    ACTIONS = [
        ("receive", _("入库")),
        ("issue", _("领用到服务包")),
        ("return", _("服务包退回站点")),
        ("write_off", _("报损核销")),
    ]
    action = forms.ChoiceField(label=_("操作"), choices=ACTIONS)
    supply = forms.ModelChoiceField(label=_("物资"), queryset=None)
    quantity = forms.IntegerField(label=_("数量"), min_value=1)
    worker = forms.ModelChoiceField(label=_("服务包（社工）"), queryset=None, required=False)
    note = forms.CharField(label=_("说明/报损原因"), max_length=200, required=False)

    def __init__(self, *args, supplies, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supply"].queryset = supplies
        self.fields["worker"].queryset = workers

    def clean(self):
        data = super().clean()
        if data.get("action") in ("issue", "return") and not data.get("worker"):
            self.add_error("worker", _("请选择社工的服务包。"))
        return data


class VisitForm(forms.Form):
    """The phone form. Repeated rows (needs, hand-outs, materials) are read by name from the POST data."""

    visited_at = forms.DateTimeField(
        label=_("走访时间"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    met = forms.ModelMultipleChoiceField(
        label=_("见到的家庭成员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    met_others = forms.CharField(label=_("其他在场人员"), max_length=100, required=False)
    observations = forms.CharField(
        max_length=limits.RECORD,
        label=_("走访情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    bp_resident = forms.ModelChoiceField(label=_("测量血压的居民"), queryset=None, required=False)
    systolic = forms.IntegerField(
        label=_("收缩压（高压）"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    diastolic = forms.IntegerField(
        label=_("舒张压（低压）"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    pulse = forms.IntegerField(
        label=_("心率"),
        required=False,
        min_value=20,
        max_value=250,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    forms_filled = forms.CharField(
        max_length=limits.NOTE,
        label=_("填写的表格（每行一项）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    before_booking_confirmed = forms.BooleanField(
        label=_("确认本次走访早于预约时段（如居民提前联系、顺路先访）"), required=False
    )

    def __init__(self, *args, household, items, kit, **kwargs):
        super().__init__(*args, **kwargs)
        members = household.members.all()
        self.fields["met"].queryset = members
        self.fields["bp_resident"].queryset = members
        self.members = {str(m.pk): m for m in members}
        self.items = {str(i.pk): i for i in items}
        self.kit = kit
        self.need_rows = range(NEED_ROWS)
        if not self.is_bound:
            self.initial.setdefault("visited_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean(self):
        data = super().clean()
        try:
            check_blood_pressure(data.get("systolic"), data.get("diastolic"))
        except forms.ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field, errors)
        if data.get("systolic") is not None and not data.get("bp_resident"):
            self.add_error("bp_resident", _("请选择测量血压的居民。"))
        post = self.data
        needs = []
        for i in self.need_rows:
            text = post.get(f"need-{i}-text", "").strip()
            item = self.items.get(post.get(f"need-{i}-item", ""))
            if not text and item is None:
                continue
            needs.append(
                {
                    "description": text,
                    "item": item,
                    "resident": self.members.get(post.get(f"need-{i}-resident", "")),
                    "spawn": post.get(f"need-{i}-spawn") == "1",
                    "row": i,
                }
            )
        handouts = []
        for row in self.kit:
            supply = row["supply"]
            raw = post.get(f"supply-{supply.pk}-qty", "").strip()
            if not raw or raw == "0":
                continue
            if not raw.isdigit():
                self.add_error(None, _("%(s)s的数量须为整数。") % {"s": supply.name})
                continue
            qty = int(raw)
            recipient = self.members.get(post.get(f"supply-{supply.pk}-to", ""))
            if recipient is None:
                self.add_error(None, _("请选择%(s)s的领取人。") % {"s": supply.name})
                continue
            if qty > row["quantity"]:
                self.add_error(
                    None,
                    _("您的服务包中%(s)s只有 %(n)d %(u)s。")
                    % {"s": supply.name, "n": row["quantity"], "u": supply.unit_label},
                )
                continue
            handouts.append({"supply": supply, "quantity": qty, "resident": recipient})
        data["needs"] = needs
        data["handouts"] = handouts
        data["forms_list"] = [
            line.strip() for line in (data.get("forms_filled") or "").splitlines() if line.strip()
        ]
        return data


class NeedResolveForm(forms.Form):
    reason = forms.CharField(
        label=_("处理情况"),
        max_length=200,
        error_messages={"required": _("请填写处理情况（如已当场解答、已转介、居民不再需要）。")},
    )
