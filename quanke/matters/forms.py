from django import forms
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.matters.models import Channel, Kind

THEN_CHOICES = [
    ("on_spot", _("当场办结")),
    ("route", _("流转后台/部门")),
    ("request_materials", _("待补正（一次性告知）")),
    ("keep", _("仅受理")),
    ("refuse", _("不予受理")),
]


class DeskForm(forms.Form):
    """The front-desk intake form. Look-ups (resident, item, unit) are resolved by the view through the scoped
    selectors, never by this form."""

    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    item = forms.CharField(
        max_length=40, widget=forms.HiddenInput, error_messages={"required": _("请选择服务事项。")}
    )
    anonymous = forms.BooleanField(required=False, label=_("匿名咨询"))
    applicant_name = forms.CharField(required=False, max_length=50, label=_("称呼"))
    applicant_phone = forms.CharField(required=False, max_length=20, label=_("联系电话"))
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.WINDOW, label=_("渠道"))
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.APPLICATION, label=_("类型"))
    request_text = forms.CharField(
        max_length=limits.REQUEST_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("居民诉求"),
    )
    then = forms.ChoiceField(choices=THEN_CHOICES, initial="on_spot")
    note = forms.CharField(required=False, max_length=limits.NOTE, label=_("说明"))
    route_unit = forms.IntegerField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("resident") and not (data.get("applicant_name") or "").strip():
            raise forms.ValidationError(_("请先查找并选择居民，或勾选匿名咨询并填写称呼。"))
        return data
