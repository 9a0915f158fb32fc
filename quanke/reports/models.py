"""Roll-up tables behind the statistics, and background export jobs.

The roll-ups are derived data: `refresh_stats` (and the after-commit refresh in quanke.reports.rollup) delete and
re-insert whole community-days, so they can always be rebuilt from the matters themselves.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanke.core.models import BaseModel, OrgUnit


class MatterCounts(models.Model):
    """The additive counts of one community-day (see quanke.reports.indicators for what each one means).

    Received-side counts are keyed by the day the matter was accepted; closed-side counts by the day it was
    closed. Every column is a sum, so any period and any subtree is a plain SUM over rows.
    """

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # Keyed by the acceptance day:
    received = models.PositiveIntegerField(default=0)
    consultations = models.PositiveIntegerField(default=0)
    on_spot = models.PositiveIntegerField(default=0)
    routed = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # Keyed by the closing day:
    closed = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_with_deadline = models.PositiveIntegerField(default=0)
    finished_in_time = models.PositiveIntegerField(default=0)
    working_days = models.PositiveIntegerField(default=0)
    trips = models.PositiveIntegerField(default=0)
    one_trip = models.PositiveIntegerField(default=0)

    COUNT_FIELDS = (
        "received",
        "consultations",
        "on_spot",
        "routed",
        "refused",
        "closed",
        "finished",
        "finished_with_deadline",
        "finished_in_time",
        "working_days",
        "trips",
        "one_trip",
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit_id} {self.day} {self.received}"


class MatterDailyStat(MatterCounts):
    """Matter counts per community, day, service item and channel: the source of every breakdown."""

    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("办件日统计")
        verbose_name_plural = _("办件日统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "item", "channel"], name="matterdailystat_key")
        ]
        indexes = [models.Index(fields=["day", "unit"], name="matterdailystat_day_unit")]


class MatterMonthStat(MatterCounts):
    """MatterDailyStat summed over whole calendar months (``day`` is the month's first day).

    The county's breakdowns by category, item and channel read one month from here instead of ~30 days of the
    daily table; periods that do not start or end on a month boundary add their edge days from the daily table.
    """

    item = models.ForeignKey("catalog.Item", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("办件月统计")
        verbose_name_plural = _("办件月统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "item", "channel"], name="mattermonthstat_key")
        ]
        indexes = [models.Index(fields=["day", "unit"], name="mattermonthstat_day_unit")]


class MatterDayTotal(MatterCounts):
    """The same counts summed over items and channels: one row per community-day, for totals and trends.

    About 25 times fewer rows than MatterDailyStat, which is what keeps the county dashboard fast.
    """

    class Meta:
        verbose_name = _("办件日合计")
        verbose_name_plural = _("办件日合计")
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="matterdaytotal_key")]
        indexes = [models.Index(fields=["day", "unit"], name="matterdaytotal_day_unit")]


class ExportJob(BaseModel):
    class Kind(models.TextChoices):
        STATION_MONTHLY = "station_monthly", _("社区服务站月度工作报表")
        COUNTY_SUMMARY = "county_summary", _("区县汇总表")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("统计单位"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("报表"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_path = models.CharField(_("文件路径"), max_length=300, blank=True)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="exportjob_progress_max_100"),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file_path=""), name="exportjob_done_has_file"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
