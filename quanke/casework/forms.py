from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanke.casework.models import (
    ClosureOutcome,
    ConsenterKind,
    Domain,
    OriginKind,
    RiskLevel,
    Severity,
    ShareKind,
)
from quanke.core import limits
from quanke.network.models import ResourceKind, ServiceKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACTION_ROWS = 4


class CaseOpenForm(forms.Form):
    origin_kind = forms.ChoiceField(label=_("个案来源"), choices=OriginKind.choices)
    origin_reference = forms.CharField(
        label=_("来源记录编号"),
        max_length=40,
        required=False,
        help_text=_("办件编号、走访记录号、转介单号等"),
    )
    origin_note = forms.CharField(label=_("来源说明"), max_length=200, required=False)
    presenting_problem = forms.CharField(
        max_length=limits.NOTE, label=_("主要问题"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentForm(forms.Form):
    consenter_kind = forms.ChoiceField(
        label=_("同意人"), choices=ConsenterKind.choices, widget=forms.RadioSelect
    )
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50, required=False)
    guardian_relation = forms.CharField(label=_("与服务对象关系"), max_length=20, required=False)
    share_kinds = forms.MultipleChoiceField(
        label=_("同意共享的范围"),
        choices=ShareKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("可共享的合作组织"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    given_on = forms.DateField(label=_("签署日期"), widget=DATE)
    valid_until = forms.DateField(
        label=_("有效期至"), required=False, widget=DATE, help_text=_("留空为长期有效")
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.initial.setdefault("given_on", timezone.localdate())
        self.initial.setdefault("consenter_kind", ConsenterKind.SELF)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class AssessmentForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    summary = forms.CharField(
        max_length=limits.RECORD, label=_("评估小结"), widget=forms.Textarea(attrs={"rows": 3})
    )
    emergency_reason = forms.CharField(
        label=_("紧急评估理由"),
        max_length=200,
        required=False,
        help_text=_("仅在未取得知情同意而情况紧急时填写；评估将标记为待站长确认"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Domain.choices:
            self.fields[f"sev_{value}"] = forms.TypedChoiceField(
                label=label, choices=Severity.choices, coerce=int, initial=0
            )
            self.fields[f"note_{value}"] = forms.CharField(label=_("说明"), max_length=300, required=False)

    def domain_rows(self):
        return [(self[f"sev_{v}"], self[f"note_{v}"]) for v in Domain.values]

    def findings(self) -> dict:
        d = self.cleaned_data
        return {v: (d[f"sev_{v}"], d[f"note_{v}"]) for v in Domain.values if d[f"sev_{v}"] or d[f"note_{v}"]}


class PlanForm(forms.Form):
    goals = forms.CharField(
        max_length=limits.RECORD, label=_("服务目标"), widget=forms.Textarea(attrs={"rows": 3})
    )
    # The draft and revision the form was read at (services.plan_mark): a stale save is refused.
    revision = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, workers=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(ACTION_ROWS):
            req = False
            self.fields[f"a{i}_domain"] = forms.ChoiceField(
                label=_("领域"), choices=[("", "—"), *Domain.choices], required=req
            )
            self.fields[f"a{i}_description"] = forms.CharField(label=_("行动"), max_length=200, required=req)
            self.fields[f"a{i}_worker"] = forms.ModelChoiceField(
                label=_("负责社工"), queryset=workers, required=False
            )
            self.fields[f"a{i}_organisation"] = forms.ModelChoiceField(
                label=_("或合作方"), queryset=organisations, required=False
            )
            self.fields[f"a{i}_due_on"] = forms.DateField(label=_("期限"), required=False, widget=DATE)

    def action_rows(self):
        return [
            [self[f"a{i}_{n}"] for n in ("domain", "description", "worker", "organisation", "due_on")]
            for i in range(ACTION_ROWS)
        ]

    def actions(self) -> list[dict]:
        d, rows = self.cleaned_data, []
        for i in range(ACTION_ROWS):
            if not (d.get(f"a{i}_description") or d.get(f"a{i}_domain")):
                continue
            rows.append(
                {
                    "domain": d.get(f"a{i}_domain"),
                    "description": d.get(f"a{i}_description"),
                    "due_on": d.get(f"a{i}_due_on"),
                    "responsible_worker": d.get(f"a{i}_worker"),
                    "responsible_organisation": d.get(f"a{i}_organisation"),
                }
            )
        return rows

    def load(self, plan):
        self.initial["goals"] = plan.goals
        self.initial["revision"] = f"{plan.pk}.{plan.revision}"
        for i, a in enumerate(list(plan.actions.all())[:ACTION_ROWS]):
            self.initial.update(
                {
                    f"a{i}_domain": a.domain,
                    f"a{i}_description": a.description,
                    f"a{i}_worker": a.responsible_worker_id,
                    f"a{i}_organisation": a.responsible_organisation_id,
                    f"a{i}_due_on": a.due_on,
                }
            )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("return", _("退回"))])
    note = forms.CharField(label=_("意见"), max_length=200, required=False)


class ServiceForm(forms.Form):
    delivered_on = forms.DateField(label=_("服务日期"), widget=DATE)
    service_kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceKind.choices)
    description = forms.CharField(label=_("服务内容"), max_length=300)
    volunteer = forms.ModelChoiceField(label=_("参与志愿者"), queryset=None, required=False)
    volunteer_hours = forms.DecimalField(
        label=_("志愿服务时长（小时）"), required=False, min_value=0, max_digits=4, decimal_places=1
    )
    organisation = forms.ModelChoiceField(label=_("合作方"), queryset=None, required=False)

    def __init__(self, *args, volunteers=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["organisation"].queryset = organisations
        self.initial.setdefault("delivered_on", timezone.localdate())


class LinkForm(forms.Form):
    need = forms.ChoiceField(label=_("需求类型"), choices=ServiceKind.choices)
    party = forms.IntegerField()
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ResourceLinkForm(forms.Form):
    balance = forms.ModelChoiceField(label=_("资源"), queryset=None)
    quantity = forms.DecimalField(label=_("金额/数量"), min_value=0, max_digits=12, decimal_places=2)
    purpose = forms.CharField(label=_("用途"), max_length=200)

    def __init__(self, *args, balances=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["balance"].queryset = balances
        self.fields["balance"].label_from_instance = lambda b: (
            f"{b.unit.name} · {b.label}（{_('结余')} {b.balance}{b.item_unit}）"
        )


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("回访日期"), widget=DATE)
    purpose = forms.CharField(label=_("回访内容"), max_length=200)
    assigned_to = forms.ModelChoiceField(label=_("回访社工"), queryset=None)

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = workers


class FollowUpDoneForm(forms.Form):
    followup = forms.IntegerField()
    result = forms.CharField(label=_("回访情况"), max_length=limits.NOTE)


class PlanActionForm(forms.Form):
    """Mark one action of the approved plan done, or drop it with a reason."""

    action = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("done", _("完成")), ("drop", _("不再执行"))])
    reason = forms.CharField(label=_("不再执行的原因"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "drop" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请填写不再执行该行动的原因。"))
        return data


class ClosureForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结案成效"), choices=ClosureOutcome.choices)
    reason = forms.CharField(
        max_length=limits.NOTE, label=_("结案理由"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    workers = forms.ModelMultipleChoiceField(
        label=_("负责社工"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = workers


class EmergencyReviewForm(forms.Form):
    assessment = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("confirm", _("确认")), ("reject", _("不予确认"))])
    note = forms.CharField(label=_("意见"), max_length=200, required=False)


class MatchForm(forms.Form):
    need = forms.ChoiceField(label=_("需求类型"), choices=ServiceKind.choices)
    slot = forms.ChoiceField(label=_("时段"), required=False)

    def __init__(self, *args, **kwargs):
        from quanke.network.models import Slot

        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", _("不限")), *Slot.choices]


RESOURCE_KINDS = ResourceKind.choices
