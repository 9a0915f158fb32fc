from django import forms
from django.utils.translation import gettext_lazy as _

from quanke.assistance.models import PROGRAM_ITEMS, ReviewOutcome
from quanke.core import limits
from quanke.matters.models import Channel
from quanke.registry.models import Program


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"), choices=[("confirm", _("确认，跟进办理")), ("dismiss", _("排除"))]
    )
    open_application = forms.BooleanField(label=_("同时受理申请（入户）"), required=False)
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.NOTE,
        error_messages={"required": _("请填写处理理由。")},
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("复核日期"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label=_("复核结论"), choices=ReviewOutcome.choices)
    note = forms.CharField(
        max_length=limits.NOTE, label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApplicationForm(forms.Form):
    program = forms.ChoiceField(label=_("救助项目"))
    channel = forms.ChoiceField(label=_("受理渠道"), choices=Channel.choices, initial=Channel.WINDOW)
    request_text = forms.CharField(
        max_length=limits.REQUEST_TEXT,
        label=_("居民诉求"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(p, Program(p).label) for p in PROGRAM_ITEMS]


class InvestigateForm(forms.Form):
    investigated_on = forms.DateField(label=_("入户调查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    investigators = forms.CharField(label=_("调查人员"), max_length=100)
    record = forms.CharField(
        max_length=limits.RECORD, label=_("调查记录"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PublicizeForm(forms.Form):
    start = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))


class ApproveForm(forms.Form):
    decided_on = forms.DateField(label=_("审核确认日期"), widget=forms.DateInput(attrs={"type": "date"}))
    monthly_amount = forms.DecimalField(
        label=_("月救助金额（元）"), min_value=0, max_digits=10, decimal_places=2
    )
    amount_reason = forms.CharField(
        label=_("金额与规则测算不一致的理由"),
        required=False,
        max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("审批金额与测算金额相同时可不填。"),
    )
    objections = forms.CharField(
        max_length=limits.NOTE,
        label=_("公示期间异议及处理"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(forms.Form):
    reasons = forms.CharField(
        max_length=limits.NOTE,
        label=_("不予批准理由（书面告知申请人）"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferForm(forms.Form):
    note = forms.CharField(
        label=_("报送说明（可选）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoticeDeliveredForm(forms.Form):
    delivered_on = forms.DateField(label=_("告知书送达日期"), widget=forms.DateInput(attrs={"type": "date"}))
