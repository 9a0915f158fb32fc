"""Public forms: CSRF comes from the middleware; a cheap anti-bot measure without third parties is added here: a
hidden field people leave empty (a honeypot) and a signed start time, so a form posted faster than a person
could fill it (PUBLIC_FORM_MIN_SECONDS) or with a forged or stale token is refused."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from quanke.public.models import Level

SALT = "quanke.public.form-start"
MAX_AGE_SECONDS = 2 * 3600


def start_token() -> str:
    return signing.dumps(time.time(), salt=SALT)


AUTOMATED = ("bot", "stale", "too_fast")


class HumanForm(forms.Form):
    website = forms.CharField(required=False, label=_("网址"))  # the honeypot: hidden, people leave it empty
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = start_token()

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("提交未通过校验，请刷新页面后重试。"), code="bot")
        try:
            started = signing.loads(data.get("started") or "", salt=SALT, max_age=MAX_AGE_SECONDS)
        except signing.BadSignature:
            raise forms.ValidationError(_("页面已过期，请刷新页面后重试。"), code="stale") from None
        if time.time() - float(started) < settings.PUBLIC_FORM_MIN_SECONDS:
            raise forms.ValidationError(_("提交太快了，请核对后再点一次。"), code="too_fast")
        return data

    def looks_automated(self) -> bool:
        """After is_valid(): refused by the honeypot or the start time (answered 400, not 422)."""
        return any(self.has_error(forms.forms.NON_FIELD_ERRORS, code) for code in AUTOMATED)


class TrackForm(HumanForm):
    code = forms.CharField(label=_("受理编号"), max_length=20)
    last4 = forms.RegexField(
        label=_("手机号或身份证号后4位"),
        regex=r"^[0-9]{3}[0-9Xx]$",
        max_length=4,
        error_messages={"invalid": _("请输入4位数字（身份证最后一位可以是X）。")},
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_last4(self):
        return self.cleaned_data["last4"].upper()


class RatingForm(HumanForm):
    level = forms.TypedChoiceField(
        label=_("您对这次办事满意吗？"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("想说的话（可不填）"), required=False, max_length=500, widget=forms.Textarea
    )
    token = forms.CharField(widget=forms.HiddenInput)


class CheckForm(HumanForm):
    hukou = forms.ChoiceField(
        label=_("户口是城镇还是农村？"), choices=[("urban", _("城镇户口")), ("rural", _("农村户口"))]
    )
    assets_ok = forms.TypedChoiceField(
        label=_("家里的存款、房产、车辆是否不多（在当地规定的范围内）？"),
        choices=[("1", _("是，不多")), ("0", _("不是，比较多"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    receiving_dibao = forms.BooleanField(label=_("家里现在正在领低保"), required=False)


DISABILITY_CHOICES = [
    ("", _("没有残疾")),
    ("physical", _("肢体残疾")),
    ("visual", _("视力残疾")),
    ("hearing", _("听力残疾")),
    ("speech", _("言语残疾")),
    ("intellectual", _("智力残疾")),
    ("mental", _("精神残疾")),
    ("multiple", _("多重残疾")),
]


class MemberForm(forms.Form):
    age = forms.IntegerField(label=_("年龄（周岁）"), min_value=0, max_value=120)
    income = forms.DecimalField(
        label=_("每月收入（元）"), min_value=0, max_value=1_000_000, decimal_places=2, initial=0
    )
    disability = forms.ChoiceField(label=_("残疾情况"), choices=DISABILITY_CHOICES, required=False)
    grade = forms.TypedChoiceField(
        label=_("残疾等级"),
        choices=[("", "—"), ("1", _("一级")), ("2", _("二级")), ("3", _("三级")), ("4", _("四级"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    local = forms.TypedChoiceField(
        label=_("户籍"),
        choices=[("1", _("本地户籍")), ("0", _("外地户籍"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    in_school = forms.BooleanField(label=_("在上学"), required=False)
    needs_care = forms.BooleanField(label=_("生活需要别人长期照顾"), required=False)
    supporter = forms.BooleanField(label=_("有能力赡养、抚养或扶养他/她的亲属"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("disability") and not data.get("grade"):
            self.add_error("grade", _("请选择残疾等级。"))
        return data


MemberFormSet = forms.formset_factory(MemberForm, extra=0, min_num=1, max_num=10, validate_min=True)
