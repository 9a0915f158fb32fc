from django import forms
from django.utils.translation import gettext_lazy as _

from quanke.assistance.models import ReviewOutcome


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"), choices=[("confirm", _("确认，跟进办理")), ("dismiss", _("排除"))]
    )
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("请填写处理理由。")},
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("复核日期"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label=_("复核结论"), choices=ReviewOutcome.choices)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
