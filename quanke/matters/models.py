"""Matters (办件): one resident's request from the front desk to completion, with its timeline.

The allowed transitions are data (TRANSITIONS) next to the statuses; services consult them and nothing else.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit, Specialty


class Status(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    ON_SPOT = "on_spot", _("当场办结")
    ROUTED = "routed", _("已流转")
    IN_PROGRESS = "in_progress", _("办理中")
    AWAITING_MATERIALS = "awaiting", _("待补正")
    RETURNED = "returned", _("已退回前台")
    FINISHED = "finished", _("已办结")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


S = Status
# from-status -> statuses it may move to. A move not listed here is refused and changes nothing.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACCEPTED: frozenset({S.ON_SPOT, S.ROUTED, S.AWAITING_MATERIALS, S.REFUSED, S.WITHDRAWN}),
    # ROUTED -> ROUTED: a station head re-routes an unclaimed matter to another specialty or department.
    S.ROUTED: frozenset({S.IN_PROGRESS, S.ROUTED, S.RETURNED, S.WITHDRAWN}),
    # IN_PROGRESS -> ROUTED: forwarded to a street/county department, where it waits to be claimed.
    S.IN_PROGRESS: frozenset(
        {S.FINISHED, S.ROUTED, S.RETURNED, S.AWAITING_MATERIALS, S.REFUSED, S.WITHDRAWN, S.IN_PROGRESS}
    ),
    # Leaving 待补正 goes back to the status the matter was paused in (Matter.paused_from).
    S.AWAITING_MATERIALS: frozenset({S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.REFUSED, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.ROUTED, S.AWAITING_MATERIALS, S.REFUSED, S.WITHDRAWN}),
    S.ON_SPOT: frozenset(),
    S.FINISHED: frozenset(),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if targets)
CLOSED_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
# Statuses in which the deadline clock runs (待补正 pauses it; before routing the desk still holds it).
CLOCK_RUNNING = frozenset({S.ACCEPTED, S.ROUTED, S.IN_PROGRESS, S.RETURNED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


# --- figures: one definition each, used by the head page, the queues, the desk and the reports -------------------


def day_start(day: date) -> datetime:
    """The first moment of a Beijing day, whatever time zone the current request activated."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def near_due_limit(today: date, days: int) -> date:
    from quanke.core import workdays

    return workdays.add_working_days(today, days).date


def open_q() -> Q:
    """Not closed yet (已受理、已流转、办理中、待补正、已退回前台)."""
    return Q(status__in=sorted(OPEN_STATUSES))


def closed_q() -> Q:
    return Q(status__in=sorted(CLOSED_STATUSES))


def overdue_q(today: date) -> Q:
    """超期: the clock runs (not paused for materials, not closed) and the due date is before today."""
    return Q(status__in=sorted(CLOCK_RUNNING), due_date__lt=today)


def near_due_q(today: date) -> Q:
    """临近到期: the clock runs and the due date is within the accepting station's near_due_working_days (a station
    setting, quanke.core.unit_settings) working days from today."""
    from quanke.core.unit_settings import UnitValues

    values = UnitValues("near_due_working_days")
    groups = values.groups()
    within = Q(due_date__lte=near_due_limit(today, values.default))
    if groups:
        within &= ~Q(unit_id__in=[pk for pks in groups.values() for pk in pks])
        for days, pks in groups.items():
            within |= Q(unit_id__in=pks, due_date__lte=near_due_limit(today, days))
    return Q(status__in=sorted(CLOCK_RUNNING), due_date__gte=today) & within


def accepted_in_q(start: date, end: date) -> Q:
    """Accepted on a Beijing day in [start, end]."""
    return Q(accepted_at__gte=day_start(start), accepted_at__lt=day_start(end + timedelta(days=1)))


def closed_in_q(start: date, end: date) -> Q:
    """Closed (by any closing step) on a Beijing day in [start, end]."""
    return Q(closed_at__gte=day_start(start), closed_at__lt=day_start(end + timedelta(days=1)))


class MatterQuerySet(models.QuerySet):
    """The figures every page counts. Each method is the definition; `*_q` above give the same condition for
    conditional aggregates (Count(..., filter=overdue_q(today)))."""

    def open(self):
        return self.filter(open_q())

    def closed(self):
        return self.filter(closed_q())

    def finished(self):
        """已办结 after routing (流转办结); on-the-spot closures are `on_spot()`."""
        return self.filter(status=Status.FINISHED)

    def on_spot(self):
        return self.filter(status=Status.ON_SPOT)

    def completed(self):
        """办结 proper: on the spot or after routing (not refused, not withdrawn)."""
        return self.filter(status__in=[Status.ON_SPOT, Status.FINISHED])

    def at_back_office(self):
        """Held by a back office or department: waiting to be claimed or in hand."""
        return self.filter(status__in=[Status.ROUTED, Status.IN_PROGRESS])

    def overdue(self, today: date):
        return self.filter(overdue_q(today))

    def near_due(self, today: date):
        return self.filter(near_due_q(today))

    def accepted_in(self, start: date, end: date):
        return self.filter(accepted_in_q(start, end))

    def closed_in(self, start: date, end: date):
        return self.filter(closed_in_q(start, end))


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口")
    PHONE = "phone", _("电话")
    HOME = "home", _("入户")
    ONLINE = "online", _("线上")


class Kind(models.TextChoices):
    APPLICATION = "application", _("办理")
    CONSULTATION = "consultation", _("咨询")


class TrackingSequence(models.Model):
    """Per-day counter behind the human-quotable tracking codes (QK-20261123-0042)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("受理编号序列")
        verbose_name_plural = _("受理编号序列")

    def __str__(self):
        return f"{self.day}: {self.last}"


class Matter(BaseModel):
    tracking_code = models.CharField(_("受理编号"), max_length=20, unique=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("受理社区"), on_delete=models.PROTECT, related_name="matters"
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    # For anonymous consultations (and as a snapshot of who came, in case the registry record changes later).
    applicant_name = models.CharField(_("申请人/咨询人"), max_length=50, blank=True)
    applicant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="matters"
    )
    kind = models.CharField(_("类型"), max_length=15, choices=Kind.choices, default=Kind.APPLICATION)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.WINDOW)
    request_text = text_field(_("居民诉求（原话）"), limits.REQUEST_TEXT, blank=True)
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.ACCEPTED, db_index=True
    )
    paused_from = models.CharField(_("补正前状态"), max_length=15, choices=Status.choices, blank=True)
    specialty = models.CharField(_("承办专岗"), max_length=20, choices=Specialty.choices)
    handling_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("当前承办单位"),
        on_delete=models.PROTECT,
        related_name="handled_matters",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_matters",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        on_delete=models.PROTECT,
        related_name="accepted_matters",
    )
    accepted_at = models.DateTimeField(_("受理时间"), db_index=True)
    routed_at = models.DateTimeField(_("首次流转时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    due_date = models.DateField(_("办结期限"), null=True, blank=True, db_index=True)
    due_estimated = models.BooleanField(_("期限为估算"), default=False)
    paused_on = models.DateField(_("补正开始日期"), null=True, blank=True)
    paused_working_days = models.PositiveSmallIntegerField(_("补正暂停工作日"), default=0)
    trips = models.PositiveSmallIntegerField(_("跑动次数"), default=0)
    result_note = text_field(_("办理结果/理由"), limits.NOTE, blank=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["handling_unit", "specialty", "status"]),
            models.Index(fields=["assigned_to", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(resident__isnull=True, applicant_name=""),
                name="matter_has_applicant",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="awaiting") | models.Q(paused_on__isnull=False),
                name="matter_paused_has_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="in_progress") | models.Q(assigned_to__isnull=False),
                name="matter_in_progress_has_handler",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["on_spot", "finished", "refused", "withdrawn"])
                | models.Q(closed_at__isnull=False),
                name="matter_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.item.name}"

    @property
    def applicant(self) -> str:
        return self.resident.name if self.resident_id else (self.applicant_name or "—")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def at_department(self) -> bool:
        return self.handling_unit_id != self.unit_id

    def deadline_state(self, today: date | None = None, near_days: int | None = None) -> str:
        """'paused', 'overdue', 'near', 'ok' or '' (no deadline or closed). ``near_days``: the accepting station's
        near_due_working_days when the caller resolved it for many rows at once (unit_settings.UnitValues)."""
        from quanke.core import workdays
        from quanke.core.unit_settings import unit_setting

        if not self.is_open or self.due_date is None:
            return ""
        if self.status == Status.AWAITING_MATERIALS:
            return "paused"
        today = today or date.today()
        if self.due_date < today:
            return "overdue"
        if near_days is None:
            near_days = unit_setting(self.unit, "near_due_working_days")
        if workdays.working_days_between(today, self.due_date) <= near_days:
            return "near"
        return "ok"


class MaterialState(models.TextChoices):
    RECEIVED = "received", _("已收取")
    ON_FILE = "on_file", _("已在档，无需再交")
    MISSING = "missing", _("待补交")
    IF_APPLICABLE = "if_applicable", _("如适用")
    WAIVED = "waived", _("免交")


class MatterMaterial(models.Model):
    """One line of the materials checklist, resolved for this applicant when the matter was accepted."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        "catalog.Material", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("材料名称"), max_length=100)
    detail = models.CharField(_("形式与份数"), max_length=120, blank=True)
    state = models.CharField(_("状态"), max_length=15, choices=MaterialState.choices)
    # Why an outstanding material was not required after all (免交), written by whoever finished the matter.
    waived_reason = models.CharField(_("免交理由"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["matter", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="waived") | ~models.Q(waived_reason=""),
                name="matter_material_waived_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_state_display()}）"


class Action(models.TextChoices):
    ACCEPT = "accept", _("受理")
    FINISH_ON_SPOT = "finish_on_spot", _("当场办结")
    ROUTE = "route", _("流转")
    CLAIM = "claim", _("认领")
    REQUEST_MATERIALS = "request_materials", _("通知补正")
    MATERIALS_RECEIVED = "materials_received", _("补正材料已收")
    COMPLETE = "complete", _("办结")
    RETURN = "return", _("退回前台")
    FORWARD = "forward", _("转部门办理")
    REFUSE = "refuse", _("不予受理")
    WITHDRAW = "withdraw", _("撤回")
    REASSIGN = "reassign", _("改派")


class MatterEvent(models.Model):
    """One step on a matter's timeline: who, when, what, from which status to which, and a note."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=15, choices=Status.choices)
    note = text_field(_("说明"), limits.NOTE, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["matter", "at", "id"]

    def __str__(self):
        return f"{self.matter.tracking_code} {self.get_action_display()}"
