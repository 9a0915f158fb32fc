"""Elderly meals (助餐): a meal card per resident, the meals eaten on it and the subsidy paid on each.

The subsidy is policy, not code: a dated rate per unit and eligibility category (MealSubsidyRate), set by the
station (or its street or county for all their communities). No national amount exists (民政部等《积极发展老年助餐服务
行动方案》2023 leaves it to localities), so a rate without a `reference` is shown as a station-configured value.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit


class MealCategory(models.TextChoices):
    """Why the card holder is subsidised; GENERAL eats at the canteen's price without a subsidy."""

    GAOLING = "gaoling", _("高龄")
    TEKUN = "tekun", _("特困")
    DIBAO = "dibao", _("低保")
    DISABLED = "disabled", _("失能")
    ALONE = "alone", _("独居")
    GENERAL = "general", _("普通")


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂停")
    CANCELLED = "cancelled", _("已注销")


# from-status -> statuses a card may move to; a cancelled card stays cancelled (a new card is issued instead).
CARD_TRANSITIONS: dict[str, frozenset[str]] = {
    CardStatus.ACTIVE: frozenset({CardStatus.SUSPENDED, CardStatus.CANCELLED}),
    CardStatus.SUSPENDED: frozenset({CardStatus.ACTIVE, CardStatus.CANCELLED}),
    CardStatus.CANCELLED: frozenset(),
}
LIVE_STATUSES = (CardStatus.ACTIVE, CardStatus.SUSPENDED)


class MealSubsidyRate(BaseModel):
    """The subsidy on one meal for a category from `start_date`, for `unit` and every unit below it (the nearest
    unit's latest rate on the meal's date applies), with an optional monthly cap per card."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("适用单位"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("补贴类别"), max_length=10, choices=MealCategory.choices)
    start_date = models.DateField(_("起始日期"))
    per_meal = models.DecimalField(_("每餐补贴（元）"), max_digits=8, decimal_places=2)
    monthly_cap = models.DecimalField(
        _("每月补贴上限（元）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    reference = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("文件名称或网址；留空即为本站自行设定的数值")
    )

    class Meta:
        verbose_name = _("助餐补贴标准")
        verbose_name_plural = _("助餐补贴标准")
        ordering = ["unit", "category", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "category", "start_date"], name="meal_rate_unique_start"),
            models.CheckConstraint(condition=Q(per_meal__gte=0), name="meal_rate_not_negative"),
            models.CheckConstraint(
                condition=Q(monthly_cap__isnull=True) | Q(monthly_cap__gte=0),
                name="meal_rate_cap_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.get_category_display()} {self.start_date:%Y-%m-%d} ¥{self.per_meal}"


class MealCard(BaseModel):
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="meal_cards"
    )
    # Copied from the resident when issued: the card belongs to the community that issued it, and every scoped
    # read is one indexed filter.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("发卡社区"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("卡号"), max_length=30, unique=True)
    issued_on = models.DateField(_("发卡日期"))
    status = models.CharField(_("状态"), max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE)
    category = models.CharField(_("补贴类别"), max_length=10, choices=MealCategory.choices)
    canteen = models.CharField(_("就餐助餐点"), max_length=100, blank=True)
    home_delivery = models.BooleanField(_("送餐上门"), default=False)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("办理办件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = text_field(_("备注"), limits.SHORT, blank=True)

    class Meta:
        verbose_name = _("助餐卡")
        verbose_name_plural = _("助餐卡")
        ordering = ["unit", "number"]
        constraints = [
            # One card in use per resident; cancelled cards stay as history.
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status__in=["active", "suspended"]),
                name="meal_card_one_live_per_resident",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.resident}"


class MealRecord(BaseModel):
    """Meals eaten (or delivered) on one day at one canteen, the price and the subsidy paid on them."""

    card = models.ForeignKey(
        MealCard, verbose_name=_("助餐卡"), on_delete=models.PROTECT, related_name="records"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("发卡社区"), on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField(_("就餐日期"), db_index=True)
    meals = models.PositiveSmallIntegerField(_("餐数"))
    canteen = models.CharField(_("助餐点"), max_length=100)
    price = models.DecimalField(_("餐费合计（元）"), max_digits=8, decimal_places=2)
    subsidy = models.DecimalField(_("补贴金额（元）"), max_digits=8, decimal_places=2)
    rate = models.ForeignKey(
        MealSubsidyRate,
        verbose_name=_("补贴标准"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("助餐记录")
        verbose_name_plural = _("助餐记录")
        ordering = ["card", "-served_on", "-id"]
        indexes = [models.Index(fields=["unit", "served_on"], name="meal_record_unit_day")]
        constraints = [
            models.CheckConstraint(condition=Q(meals__gte=1), name="meal_record_at_least_one_meal"),
            models.CheckConstraint(condition=Q(price__gte=0), name="meal_record_price_not_negative"),
            models.CheckConstraint(
                condition=Q(subsidy__gte=0) & Q(subsidy__lte=models.F("price")),
                name="meal_record_subsidy_within_price",
            ),
        ]

    def __str__(self):
        return f"{self.card.number} {self.served_on:%Y-%m-%d} ×{self.meals}"


# Catalog items whose finishing issues a card (quanke.meals.services.issue_on_matter_finished).
CARD_ITEMS = ("EL-MEAL",)
