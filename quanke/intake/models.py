"""The intake dictionary: residents' everyday words and workers' abbreviations, mapped to catalog words and items.

Administrators extend it in the admin without code; the suggestion index rebuilds when it changes.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanke.core.models import BaseModel


class IntakeSynonym(BaseModel):
    term = models.CharField(
        _("说法"),
        max_length=60,
        unique=True,
        help_text=_("居民或工作人员的说法，如“饭卡”“灯泡憋了”。用“+”连接表示几个词同时出现，如“灯+不亮”。"),
    )
    expansions = models.JSONField(
        _("对应规范词"), default=list, blank=True, help_text=_('检索时补充的规范用词，如 ["助餐"]。')
    )
    item_codes = models.JSONField(
        _("直接指向的事项编码"), default=list, blank=True, help_text=_("出现这个说法时加分的事项编码。")
    )
    weight = models.FloatField(_("权重"), default=1.0, help_text=_("1 为常规；说法越明确，权重越高。"))
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("口语同义词")
        verbose_name_plural = _("口语同义词")
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="intake_synonym_weight_positive"),
            models.CheckConstraint(condition=~models.Q(term=""), name="intake_synonym_term_not_empty"),
        ]

    def __str__(self):
        return self.term

    def clean(self):
        if not isinstance(self.expansions, list) or not isinstance(self.item_codes, list):
            raise ValidationError(_("规范词和事项编码须为列表。"))
        if not self.expansions and not self.item_codes:
            raise ValidationError(_("请至少填写一个规范词或事项编码。"))
        if self.item_codes:
            from quanke.catalog.models import Item

            known = set(Item.objects.filter(code__in=self.item_codes).values_list("code", flat=True))
            unknown = [c for c in self.item_codes if c not in known]
            if unknown:
                raise ValidationError(_("未知的事项编码：%(c)s") % {"c": "、".join(unknown)})
