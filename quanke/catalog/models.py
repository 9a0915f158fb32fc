"""The service catalog: categories, items (with sub-items) and their required materials. Policy is data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit, Specialty
from quanke.registry.models import DocumentKind


class Category(models.Model):
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项类别")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Handling(models.TextChoices):
    ON_SPOT = "on_spot", _("当场办结")
    ROUTED = "routed", _("流转办理")
    REFUSED = "refused", _("社区不予出具")


class RouteLevel(models.TextChoices):
    COMMUNITY = "community", _("社区后台")
    STREET = "street", _("街道/乡镇")
    COUNTY = "county", _("区/县")
    EXTERNAL = "external", _("其他部门")


class Item(BaseModel):
    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=100, unique=True)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    specialty = models.CharField(
        _("主管专岗"), max_length=20, choices=Specialty.choices, default=Specialty.GENERAL
    )
    description = text_field(_("事项说明"), limits.CATALOG_TEXT, blank=True)
    eligibility = text_field(_("申请对象"), limits.CATALOG_TEXT, blank=True)
    legal_basis = models.CharField(_("设立依据"), max_length=300, blank=True)
    legal_limit_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), null=True, blank=True)
    promised_limit_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), null=True, blank=True)
    handling = models.CharField(
        _("办理方式"), max_length=10, choices=Handling.choices, default=Handling.ON_SPOT
    )
    route_level = models.CharField(_("流转层级"), max_length=10, choices=RouteLevel.choices, blank=True)
    route_department = models.CharField(_("承办部门"), max_length=100, blank=True)
    refusal_note = models.CharField(_("不予出具说明"), max_length=300, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    # Seen, accepted and handled only by workers of the item's specialty and the station head
    # (quanke.core.permissions.can_see_item): the item itself says something about the person (社区矫正).
    sensitive = models.BooleanField(_("敏感事项（仅主管专岗可见）"), default=False)
    # Accepting it notifies the worker on duty at once, in the accepting transaction (走失老人、紧急求助).
    urgent = models.BooleanField(_("紧急事项（受理即通知值班社工）"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["category__order", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(handling="routed") | ~models.Q(route_level=""),
                name="item_routed_has_level",
            ),
            models.CheckConstraint(
                condition=models.Q(legal_limit_days__isnull=True)
                | models.Q(promised_limit_days__isnull=True)
                | models.Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="item_promise_within_legal_limit",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def time_limit_days(self) -> int | None:
        """The limit the station commits to: the promised one, else the legal one."""
        return self.promised_limit_days if self.promised_limit_days is not None else self.legal_limit_days


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ORIGINAL_AND_COPY = "original_and_copy", _("原件及复印件")
    FORM = "form", _("申请表（站点提供）")
    OTHER = "other", _("其他")


class MaterialCondition(models.TextChoices):
    ALWAYS = "always", _("所有申请人")
    DISABLED = "disabled", _("残疾人申请时")
    AGE_60_PLUS = "age_60_plus", _("60周岁以上申请人")
    AGE_80_PLUS = "age_80_plus", _("80周岁以上申请人")
    NON_LOCAL_HUKOU = "non_local_hukou", _("非本地户籍申请人")
    LOCAL_HUKOU = "local_hukou", _("本地户籍申请人")
    RURAL_HUKOU = "rural_hukou", _("农村户口申请人")
    URBAN_HUKOU = "urban_hukou", _("城镇户口申请人")
    UNDER_18 = "under_18", _("未满18周岁申请人")
    HAS_DIBAO = "has_dibao", _("低保对象申请时")


class Material(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=100)
    form = models.CharField(
        _("形式"), max_length=20, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    condition = models.CharField(
        _("需要条件"), max_length=20, choices=MaterialCondition.choices, default=MaterialCondition.ALWAYS
    )
    on_file = models.CharField(_("可用在档材料"), max_length=20, choices=DocumentKind.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(copies__gte=1), name="material_copies_positive")
        ]

    def __str__(self):
        return self.name


class StationItemSetting(models.Model):
    """A station switches a catalog item on or off for its own desk."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="item_settings"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="station_settings"
    )
    enabled = models.BooleanField(_("本站办理"), default=True)

    class Meta:
        verbose_name = _("站点事项设置")
        verbose_name_plural = _("站点事项设置")
        constraints = [models.UniqueConstraint(fields=["unit", "item"], name="station_item_unique")]

    def __str__(self):
        return f"{self.unit} {self.item}: {'启用' if self.enabled else '停用'}"


# The knowledge base lives in its own module; importing it here registers its models with the catalog app.
from quanke.catalog.knowledge import DocKind, DocStatus, Document  # noqa: E402, F401
