"""Home visits: bookings and the duty roster, monthly visit plans, visit records, and service-kit stock."""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.ledger import BalanceRow
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit, Specialty


class StationHours(models.Model):
    """A station's ordinary working hours on working days, and the length of a bookable slot."""

    unit = models.OneToOneField(
        OrgUnit, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="visit_hours"
    )
    workday_start = models.TimeField(_("工作日上班时间"), default=time(8, 30))
    workday_end = models.TimeField(_("工作日下班时间"), default=time(17, 30))
    slot_minutes = models.PositiveSmallIntegerField(_("预约时段（分钟）"), default=60)

    class Meta:
        verbose_name = _("站点工作时间")
        verbose_name_plural = _("站点工作时间")
        constraints = [
            models.CheckConstraint(
                condition=Q(workday_end__gt=models.F("workday_start")), name="stationhours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=15, slot_minutes__lte=240), name="stationhours_slot_length"
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.workday_start:%H:%M}–{self.workday_end:%H:%M}"


class DutyShift(BaseModel):
    """One worker on duty at one station on one date (weekday evenings, weekends and holidays)."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="duty_shifts"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("值班社工"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    date = models.DateField(_("日期"), db_index=True)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("值班")
        verbose_name_plural = _("值班表")
        ordering = ["date", "start", "worker_id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="dutyshift_end_after_start"),
            models.UniqueConstraint(fields=["worker", "date", "start"], name="dutyshift_unique_start"),
        ]

    def __str__(self):
        return f"{self.date} {self.start:%H:%M}–{self.end:%H:%M} {self.worker}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    DONE = "done", _("已上门")
    CANCELLED = "cancelled", _("已取消")
    NO_SHOW = "no_show", _("未遇")


# from-status -> statuses it may move to.
BOOKING_TRANSITIONS: dict[str, frozenset[str]] = {
    BookingStatus.BOOKED: frozenset({BookingStatus.DONE, BookingStatus.CANCELLED, BookingStatus.NO_SHOW}),
    BookingStatus.DONE: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
    BookingStatus.NO_SHOW: frozenset(),
}
# A booking in these statuses holds its worker's slot.
ACTIVE_BOOKING = [BookingStatus.BOOKED, BookingStatus.DONE]


class BookingChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    WINDOW = "window", _("到站")
    ONLINE = "online", _("线上")


class BookingKind(models.TextChoices):
    VISIT = "visit", _("上门服务")
    DESK = "desk", _("到站办理")


class Booking(BaseModel):
    """A resident's request for a home visit (预约上门) or a desk appointment (预约到站), held in one worker's slot."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="bookings"
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_bookings",
    )
    kind = models.CharField(
        _("预约类型"), max_length=10, choices=BookingKind.choices, default=BookingKind.VISIT
    )
    caller_name = models.CharField(_("来电人"), max_length=50)
    caller_phone = models.CharField(_("来电号码"), max_length=20)
    channel = models.CharField(
        _("渠道"), max_length=10, choices=BookingChannel.choices, default=BookingChannel.PHONE
    )
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("预约事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    request_text = text_field(_("诉求"), limits.REQUEST_TEXT, blank=True)
    address = models.CharField(_("上门地址"), max_length=200, blank=True)
    preferred_time = models.CharField(_("希望时间"), max_length=100, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上门社工"),
        on_delete=models.PROTECT,
        related_name="visit_bookings",
    )
    slot_start = models.DateTimeField(_("预约时段开始"), db_index=True)
    slot_end = models.DateTimeField(_("预约时段结束"))
    status = models.CharField(
        _("状态"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    # Empty for a resident's own online booking (quanke.public): no staff member registered it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # When the day-before reminder was queued (quanke.visits.tasks.booking_reminders): sent once.
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("上门预约")
        verbose_name_plural = _("上门预约")
        ordering = ["slot_start", "id"]
        constraints = [
            # The database itself refuses a second active booking in a worker's slot, whatever races above it.
            models.UniqueConstraint(
                fields=["worker", "slot_start"],
                condition=Q(status__in=["booked", "done"]),
                name="booking_one_active_per_worker_slot",
            ),
            models.CheckConstraint(
                condition=Q(slot_end__gt=models.F("slot_start")), name="booking_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(item__isnull=True, request_text=""), name="booking_has_item_or_text"
            ),
            # A home visit needs the address to go to; a desk appointment is at the station.
            models.CheckConstraint(condition=~Q(kind="visit", address=""), name="booking_visit_has_address"),
            models.CheckConstraint(
                condition=~Q(created_by__isnull=True) | Q(channel="online"), name="booking_staff_or_online"
            ),
        ]

    def __str__(self):
        return f"{self.caller_name} {self.slot_start:%Y-%m-%d %H:%M}"

    @property
    def what(self) -> str:
        return self.item.name if self.item_id else self.request_text[:40]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿（待站长审定）")
    APPROVED = "approved", _("已审定")


PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.APPROVED}),
    PlanStatus.APPROVED: frozenset({PlanStatus.DRAFT}),
}


class VisitPlan(BaseModel):
    """A station's visit plan for one month: which worker visits which households."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="visit_plans"
    )
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    notes = models.JSONField(_("生成说明"), default=list, blank=True)

    class Meta:
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")
        ordering = ["-month", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="visitplan_one_per_unit_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="visitplan_month_first_day"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="visitplan_approved_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}"


class PlanEntry(models.Model):
    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="entries"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访社工"),
        on_delete=models.PROTECT,
        related_name="plan_entries",
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.CASCADE, related_name="plan_entries"
    )
    score = models.DecimalField(_("优先分"), max_digits=8, decimal_places=2, default=0)
    reasons = models.JSONField(_("纳入理由"), default=list, blank=True)
    added_by_head = models.BooleanField(_("站长调整加入"), default=False)

    class Meta:
        verbose_name = _("计划走访户")
        verbose_name_plural = _("计划走访户")
        ordering = ["plan", "worker_id", "-score", "household_id"]
        constraints = [models.UniqueConstraint(fields=["plan", "household"], name="planentry_household_once")]

    def __str__(self):
        return f"{self.plan} {self.household} → {self.worker}"


class Visit(BaseModel):
    """One home visit as recorded on the worker's phone."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="visits"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访社工"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_at = models.DateTimeField(_("走访时间"), db_index=True)
    met = models.ManyToManyField(
        "registry.Resident", verbose_name=_("见到的家庭成员"), blank=True, related_name="visits"
    )
    met_others = models.CharField(_("其他在场人员"), max_length=100, blank=True)
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("对应预约"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit",
    )
    plan_entry = models.ForeignKey(
        PlanEntry,
        verbose_name=_("对应计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    observations = text_field(_("走访情况"), limits.RECORD, blank=True)
    systolic = models.PositiveSmallIntegerField(_("收缩压（mmHg）"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("舒张压（mmHg）"), null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(_("心率（次/分）"), null=True, blank=True)
    bp_resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("测量对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    forms_filled = models.JSONField(_("填写的表格"), default=list, blank=True)
    # Whether a member of the household carried a special-group tag (one with a visit interval: 特困, 低保, 残疾,
    # 高龄, 独居 …) when the visit was recorded: the 特殊群体走访 figure counts the household as it was then, and reads one column instead of
    # looking up members and tags for every visit.
    special_group = models.BooleanField(_("特殊群体家庭"), default=False, editable=False)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["household", "visited_at"]),
            models.Index(fields=["worker", "visited_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(systolic__isnull=True) & Q(diastolic__isnull=True))
                | (
                    Q(systolic__gte=70, systolic__lte=250, diastolic__gte=40, diastolic__lte=150)
                    & Q(systolic__gt=models.F("diastolic"))
                ),
                name="visit_blood_pressure_in_range",
            )
        ]

    def __str__(self):
        return f"{self.household} {self.visited_at:%Y-%m-%d}"

    @property
    def bp_high(self) -> bool:
        return self.systolic is not None and (self.systolic >= 140 or self.diastolic >= 90)


class VisitNeed(models.Model):
    """A need noticed at a visit that the resident did not ask about (未诉先办)."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="needs")
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("对应事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("需求描述"), max_length=300)
    resolved = models.BooleanField(_("已解决"), default=False)
    # A need that never becomes a matter is closed by hand, with what was done about it.
    resolution = models.CharField(_("处理情况"), max_length=200, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("当场受理的办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_needs",
    )

    class Meta:
        verbose_name = _("走访发现需求")
        verbose_name_plural = _("走访发现需求")
        ordering = ["visit", "id"]

    def __str__(self):
        return self.description


class VisitMatterRole(models.TextChoices):
    BOOKING = "booking", _("预约事项受理")
    NEED = "need", _("未诉先办")
    MATERIALS = "materials", _("上门收取补正材料")


class VisitMatter(models.Model):
    """A matter the visit touched: accepted from the booking, spawned from a need, or given its materials."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="matter_links"
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="visit_links"
    )
    role = models.CharField(_("关系"), max_length=10, choices=VisitMatterRole.choices)

    class Meta:
        verbose_name = _("走访相关办件")
        verbose_name_plural = _("走访相关办件")
        ordering = ["visit", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "matter", "role"], name="visitmatter_once_per_role")
        ]

    def __str__(self):
        return f"{self.visit} {self.get_role_display()} {self.matter_id}"


class SupplyItem(models.Model):
    """A supply carried in the service kit. Who received a sensitive one is shown only to `specialty` (and heads)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    unit_label = models.CharField(_("计量单位"), max_length=10, default="个")
    catalog_item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("对应服务事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sensitive = models.BooleanField(_("敏感（一对一发放，领取人保密）"), default=False)
    specialty = models.CharField(
        _("可查看领取人的专岗"), max_length=20, choices=Specialty.choices, blank=True
    )
    low_stock_station = models.PositiveIntegerField(_("站点库存预警线"), default=20)
    low_stock_kit = models.PositiveIntegerField(_("服务包预警线"), default=3)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("便民服务包物资")
        verbose_name_plural = _("便民服务包物资")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sensitive=True, specialty=""), name="supply_sensitive_has_specialty"
            )
        ]

    def __str__(self):
        return self.name


class StockBalance(BalanceRow):
    """Current quantity of a supply in the station store (worker empty) or in one worker's kit."""

    balance_field = "quantity"

    unit = models.ForeignKey(OrgUnit, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="stock")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务包（社工）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kit_stock",
    )
    supply = models.ForeignKey(
        SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="balances"
    )
    quantity = models.IntegerField(_("数量"), default=0)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        ordering = ["unit", "worker_id", "supply__order"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_never_negative"),
            models.UniqueConstraint(
                fields=["unit", "supply"], condition=Q(worker__isnull=True), name="stock_one_station_row"
            ),
            models.UniqueConstraint(
                fields=["worker", "supply"], condition=Q(worker__isnull=False), name="stock_one_kit_row"
            ),
        ]

    def __str__(self):
        return f"{self.worker or self.unit} {self.supply} {self.quantity}"

    def shortfall(self, delta) -> ValidationError:
        where = (
            _("%(name)s的服务包") % {"name": self.worker.display_name} if self.worker_id else _("站点库房")
        )
        return ValidationError(
            {
                "quantity": _("%(where)s中%(supply)s只剩 %(n)d %(u)s，不足以出库。")
                % {
                    "where": where,
                    "supply": self.supply.name,
                    "n": self.quantity,
                    "u": self.supply.unit_label,
                }
            }
        )


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("入库")
    ISSUE = "issue", _("领用到服务包")
    HANDOUT = "handout", _("上门发放")
    RETURN = "return", _("退回站点")
    WRITE_OFF = "write_off", _("报损核销")


class StockMovement(models.Model):
    """One line of the stock ledger. Quantities are positive; the kind says where they came from and went."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="stock_movements"
    )
    supply = models.ForeignKey(
        SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=MovementKind.choices)
    quantity = models.PositiveIntegerField(_("数量"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务包（社工）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kit_movements",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("走访"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handouts",
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("领取人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库台账")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="movement_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(kind__in=["issue", "handout", "return"]) | Q(worker__isnull=False),
                name="movement_kit_moves_name_kit",
            ),
            models.CheckConstraint(
                condition=~Q(kind="handout") | Q(resident__isnull=False),
                name="movement_handout_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(kind="handout") | Q(resident__isnull=True, visit__isnull=True),
                name="movement_recipient_only_on_handout",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.supply} ×{self.quantity}"
