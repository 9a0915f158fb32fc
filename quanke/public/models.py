"""Models of the residents' door.

Online booking: a request waiting for its SMS code, and the counter of code sends and
wrong codes that rate-limits them per IP and per phone. The booking itself is quanke.visits' Booking, made by the
visits service once the code is right."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit
from quanke.visits.models import BookingKind


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
