"""Models of the residents' door: failed progress look-ups (the throttle's counter), 好差评 ratings and their 整改
follow-up; online booking — a request waiting for its SMS code, and the counter of code sends and wrong codes that
rate-limits them per IP and per phone. The booking itself is quanke.visits' Booking, made by the visits service once
the code is right."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit
from quanke.visits.models import BookingKind


class LookupFailure(models.Model):
    """One failed progress look-up. Counted per IP and per tracking code in the database, so that the limit holds
    across gunicorn processes and machines (the production cache is per process)."""

    class Scope(models.TextChoices):
        IP = "ip", _("来源地址")
        CODE = "code", _("受理编号")

    scope = models.CharField(_("范围"), max_length=4, choices=Scope.choices)
    key = models.CharField(_("键"), max_length=64)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("进度查询失败记录")
        verbose_name_plural = _("进度查询失败记录")
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self):
        return f"{self.scope}:{self.key} {self.at:%Y-%m-%d %H:%M}"


class Level(models.IntegerChoices):
    """政务服务“好差评” five levels (国办发〔2019〕51号)."""

    VERY_GOOD = 5, _("非常满意")
    GOOD = 4, _("满意")
    FAIR = 3, _("基本满意")
    BAD = 2, _("不满意")
    VERY_BAD = 1, _("非常不满意")


SATISFIED_LEVELS = (Level.VERY_GOOD, Level.GOOD, Level.FAIR)
BAD_LEVELS = (Level.BAD, Level.VERY_BAD)


class RatingChannel(models.TextChoices):
    LINK = "link", _("办结通知链接")
    PROGRESS = "progress", _("进度查询页")


class Rating(BaseModel):
    """One rating per matter, by the person served."""

    matter = models.OneToOneField(
        "matters.Matter", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="rating"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("受理社区"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("评价"), choices=Level.choices)
    comment = text_field(_("评价意见"), limits.NOTE, blank=True)
    channel = models.CharField(_("评价渠道"), max_length=10, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="rating_level_1_to_5")
        ]

    def __str__(self):
        return f"{self.matter_id} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已整改")


class Rectification(BaseModel):
    """整改: a 不满意/非常不满意 rating put right by the station head, within working days, with a 回访."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("差评"), on_delete=models.CASCADE, related_name="rectification"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("受理社区"), on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    result = text_field(_("整改结果（告知居民）"), limits.NOTE, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (models.Q(closed_at__isnull=False) & ~models.Q(result="")),
                name="rectification_closed_has_result",
            )
        ]

    def __str__(self):
        return f"{self.rating} {self.get_status_display()}"


class Callback(BaseModel):
    """回访: the station phones the resident about a bad rating."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("差评整改"), on_delete=models.CASCADE, related_name="callbacks"
    )
    at = models.DateTimeField(_("回访时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+"
    )
    reached = models.BooleanField(_("已联系上"), default=True)
    note = text_field(_("回访情况"), limits.NOTE)

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.rectification_id} {self.at:%Y-%m-%d}"


class BookingRequest(BaseModel):
    """What the resident filled in, held until she types the code sent to her phone (expires, single use; only a
    keyed hash of the code is stored)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("预约类型"), max_length=10, choices=BookingKind.choices)
    slot_start = models.DateTimeField(_("预约时段开始"))
    caller_name = models.CharField(_("姓名"), max_length=50)
    caller_phone = models.CharField(_("手机号码"), max_length=20)
    address = models.CharField(_("上门地址"), max_length=200, blank=True)
    item = models.ForeignKey(
        "catalog.Item",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request_text = text_field(_("诉求"), limits.REQUEST_TEXT, blank=True)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    expires_at = models.DateTimeField(_("验证码失效时间"))
    wrong_tries = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    booking = models.OneToOneField(
        "visits.Booking",
        verbose_name=_("预约"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("线上预约申请")
        verbose_name_plural = _("线上预约申请")
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(booking__isnull=False),
                name="bookingrequest_used_has_booking",
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.slot_start:%Y-%m-%d %H:%M}"


class BookingAttempt(models.Model):
    """One code sent or one wrong code, counted per IP and per phone (a digest, not the number) in a window.
    A table, not the cache: the production cache is per process, and the limit must hold across workers."""

    class Scope(models.TextChoices):
        IP = "ip", _("IP 地址")
        PHONE = "phone", _("手机号码")

    class Kind(models.TextChoices):
        SENT = "sent", _("发送验证码")
        WRONG = "wrong", _("验证码错误")

    scope = models.CharField(max_length=10, choices=Scope.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=32)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "kind", "key", "at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_scope_display()} {self.at:%Y-%m-%d %H:%M}"
