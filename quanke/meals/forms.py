from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.meals.models import CardStatus, MealCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CardForm(forms.Form):
    category = forms.ChoiceField(label=_("补贴类别"), choices=MealCategory.choices)
    canteen = forms.CharField(label=_("就餐助餐点"), max_length=100, required=False)
    home_delivery = forms.BooleanField(label=_("送餐上门"), required=False)
    note = forms.CharField(label=_("备注"), max_length=limits.SHORT, required=False)


class CardIssueForm(CardForm):
    issued_on = forms.DateField(label=_("发卡日期"), widget=DATE, initial=timezone.localdate)
    number = forms.CharField(label=_("卡号"), max_length=30, required=False, help_text=_("留空则自动编号"))


class CardStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("改为"), choices=CardStatus.choices)
    reason = forms.CharField(label=_("理由"), max_length=limits.SHORT, required=False)


class MealRecordForm(forms.Form):
    served_on = forms.DateField(label=_("就餐日期"), widget=DATE, initial=timezone.localdate)
    meals = forms.IntegerField(label=_("餐数"), min_value=1, max_value=3, initial=1)
    price = forms.DecimalField(label=_("餐费合计（元）"), min_value=0, max_digits=8, decimal_places=2)
    canteen = forms.CharField(
        label=_("助餐点"), max_length=100, required=False, help_text=_("留空则为卡上的助餐点")
    )


class RateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("适用单位"), queryset=None)
    category = forms.ChoiceField(label=_("补贴类别"), choices=MealCategory.choices)
    start_date = forms.DateField(label=_("起始日期"), widget=DATE)
    per_meal = forms.DecimalField(label=_("每餐补贴（元）"), min_value=0, max_digits=8, decimal_places=2)
    monthly_cap = forms.DecimalField(
        label=_("每月补贴上限（元）"), min_value=0, max_digits=8, decimal_places=2, required=False
    )
    reference = forms.CharField(
        label=_("依据"),
        max_length=200,
        required=False,
        help_text=_("文件名称或网址；留空即为本站自行设定的数值"),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
