"""Forms of online booking; the anti-bot check (honeypot and signed start time) is quanke.public.forms.HumanForm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.public.forms import HumanForm
from quanke.visits import selectors as visit_selectors


class BookingForm(HumanForm):
    kind = forms.ChoiceField(
        label=_("预约类型"), choices=visit_selectors.BOOKING_KINDS, widget=forms.RadioSelect
    )
    slot = forms.ChoiceField(label=_("选择时段"), widget=forms.RadioSelect)
    caller_name = forms.CharField(label=_("姓名"), max_length=50)
    caller_phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_("上门地址（到站办理可不填）"), max_length=200, required=False)
    request_text = forms.CharField(
        label=_("要办的事"),
        max_length=limits.REQUEST_TEXT,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("例如：想申请老年卡；腿脚不便，请社工上门量血压")}
        ),
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {s.key: s for s in slots}
        self.fields["slot"].choices = [(s.key, s) for s in slots]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ChangeForm(forms.Form):
    slot = forms.ChoiceField(label=_("新的时段"), widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {s.key: s for s in slots}
        self.fields["slot"].choices = [(s.key, s) for s in slots]
