"""Forms of online booking. Every public form carries CSRF (the template's token) and a cheap anti-bot check
without third parties: a honeypot field people never see ("website") and a signed start time ("started"); a post
faster than PUBLIC_FORM_MIN_SECONDS, or with the honeypot filled, is refused."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.visits import selectors as visit_selectors

STARTED_SALT = "quanke.public.form-started"


class HumanForm(forms.Form):
    website = forms.CharField(required=False)  # the honeypot, hidden by CSS and aria-hidden
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=STARTED_SALT)

    def looks_automated(self) -> bool:
        """True for a bot: honeypot filled, start time missing or forged, or posted too fast (checked after
        is_valid())."""
        if self.data.get("website"):
            return True
        try:
            started = signing.loads(self.data.get("started", ""), salt=STARTED_SALT, max_age=3 * 3600)
        except signing.BadSignature:
            return True
        return time.time() - float(started) < settings.PUBLIC_FORM_MIN_SECONDS


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
