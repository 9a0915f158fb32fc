from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.party.models import Membership, Relation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.Form):
    branch = forms.CharField(label=_("所在党支部"), max_length=100, required=False)
    membership = forms.ChoiceField(
        label=_("党员类别"), choices=[("", _("待补录")), *Membership.choices], required=False
    )
    joined_on = forms.DateField(label=_("入党日期"), widget=DATE, required=False)
    full_member_on = forms.DateField(label=_("转正日期"), widget=DATE, required=False)
    relation = forms.ChoiceField(label=_("组织关系"), choices=Relation.choices)
    relation_in_on = forms.DateField(label=_("组织关系转入日期"), widget=DATE, required=False)
    relation_in_from = forms.CharField(label=_("转入自（原党组织）"), max_length=100, required=False)
    relation_out_on = forms.DateField(label=_("组织关系转出日期"), widget=DATE, required=False)
    relation_out_to = forms.CharField(label=_("转往党组织"), max_length=100, required=False)
    workplace = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    note = forms.CharField(label=_("备注"), max_length=limits.SHORT, required=False)


class ReportForm(forms.Form):
    reported_on = forms.DateField(label=_("报到日期"), widget=DATE, initial=timezone.localdate)
    workplace = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    commitments = forms.CharField(
        label=_("服务承诺"), max_length=limits.NOTE, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    pledged_hours = forms.DecimalField(
        label=_("承诺服务时长（小时/年）"), min_value=0, max_digits=6, decimal_places=1, initial=0
    )
    served_hours = forms.DecimalField(
        label=_("已服务时长（小时）"), min_value=0, max_digits=6, decimal_places=1, initial=0
    )
