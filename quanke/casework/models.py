"""Casework (个案服务): a case opens from a matter, a visit, a scan finding, a referral or a walk-in; consent
comes first; then assessment, a plan the station head approves, services, follow-ups, and closure the head
approves. A closed case may be reopened.

The origin is stored generically (kind + the other record's id or tracking code) because matters, visits and
scan findings live in apps that sit beside casework; the lead can later add real links without rewriting this.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit


class OriginKind(models.TextChoices):
    MATTER = "matter", _("办件")
    VISIT = "visit", _("入户走访")
    SCAN_FINDING = "scan_finding", _("主动发现")
    REFERRAL = "referral", _("转介")
    WALK_IN = "walk_in", _("来访求助")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("服务中")
    CLOSURE_REQUESTED = "closure_requested", _("申请结案")
    CLOSED = "closed", _("已结案")


# Allowed transitions, as data.
CASE_TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.CLOSURE_REQUESTED},
    CaseStatus.CLOSURE_REQUESTED: {CaseStatus.CLOSED, CaseStatus.OPEN},
    CaseStatus.CLOSED: {CaseStatus.OPEN},
}


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    URGENT = "urgent", _("紧急")


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2, RiskLevel.URGENT: 3}


class Domain(models.TextChoices):
    LIVELIHOOD = "livelihood", _("基本生活")
    HEALTH = "health", _("身体健康")
    MENTAL_HEALTH = "mental_health", _("精神心理")
    FAMILY = "family", _("家庭关系")
    HOUSING = "housing", _("居住")
    EMPLOYMENT = "employment", _("就业")
    SAFETY = "safety", _("安全")


class Severity(models.IntegerChoices):
    NONE = 0, _("无需求")
    MILD = 1, _("轻度")
    MODERATE = 2, _("中度")
    SEVERE = 3, _("重度")


class ClosureOutcome(models.TextChoices):
    GOALS_MET = "goals_met", _("目标达成")
    PARTLY_MET = "partly_met", _("部分达成")
    REFERRED = "referred", _("转介其他机构")
    MOVED = "moved", _("迁出本辖区")
    DECLINED = "declined", _("服务对象拒绝继续服务")
    DECEASED = "deceased", _("服务对象去世")


class Case(BaseModel):
    number = models.CharField(_("个案编号"), max_length=20, unique=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="cases"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="cases"
    )
    origin_kind = models.CharField(_("来源"), max_length=14, choices=OriginKind.choices)
    origin_reference = models.CharField(_("来源记录编号"), max_length=40, blank=True, db_index=True)
    origin_note = models.CharField(_("来源说明"), max_length=200, blank=True)
    presenting_problem = text_field(_("主要问题"), limits.NOTE)
    status = models.CharField(_("状态"), max_length=18, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    risk_level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, blank=True)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("负责社工"), related_name="cases"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开案人"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("开案日期"))
    closure_outcome = models.CharField(
        _("结案成效"), max_length=12, choices=ClosureOutcome.choices, blank=True
    )
    closure_reason = text_field(_("结案理由"), limits.NOTE, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_requested_at = models.DateTimeField(_("申请结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结案审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)

    class Meta:
        verbose_name = _("个案")
        verbose_name_plural = _("个案")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_by__isnull=False, closed_at__isnull=False) & ~Q(closure_outcome="")),
                name="case_closed_has_approval_and_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status="closure_requested") | ~Q(closure_outcome=""),
                name="case_closure_request_has_outcome",
            ),
            models.UniqueConstraint(
                fields=["resident"], condition=~Q(status="closed"), name="case_one_unclosed_per_resident"
            ),
        ]

    def __str__(self):
        return self.number

    def can_transition(self, target: str) -> bool:
        return target in CASE_TRANSITIONS.get(CaseStatus(self.status), set())


class ConsenterKind(models.TextChoices):
    SELF = "self", _("本人")
    GUARDIAN = "guardian", _("监护人")


class ShareKind(models.TextChoices):
    """What the consent allows beyond the station itself."""

    VOLUNTEERS = "volunteers", _("向志愿者提供必要信息")
    ORGANISATIONS = "organisations", _("向所列合作组织转介并共享个案信息")
    RESOURCES = "resources", _("为其申请链接资金物资")
    MEDICAL = "medical", _("与医疗机构沟通病情")


class Consent(BaseModel):
    """Informed consent (知情同意). Valid on a day when given, not yet expired and not withdrawn."""

    case = models.ForeignKey(Case, verbose_name=_("个案"), on_delete=models.CASCADE, related_name="consents")
    consenter_kind = models.CharField(_("同意人"), max_length=10, choices=ConsenterKind.choices)
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("与服务对象关系"), max_length=20, blank=True)
    share_kinds = models.JSONField(_("同意共享的范围"), default=list, blank=True)
    organisations = models.ManyToManyField(
        "network.SocialOrganisation", verbose_name=_("可共享的合作组织"), blank=True, related_name="+"
    )
    given_on = models.DateField(_("签署日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("知情同意")
        verbose_name_plural = _("知情同意")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consenter_kind="self") | (~Q(guardian_name="") & ~Q(guardian_relation="")),
                name="consent_guardian_named",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_until_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="consent_withdrawal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.given_on}"

    def is_valid_on(self, day: date) -> bool:
        return (
            self.withdrawn_at is None
            and self.given_on <= day
            and (self.valid_until is None or self.valid_until >= day)
        )

    @property
    def consenter_label(self) -> str:
        if self.consenter_kind == ConsenterKind.SELF:
            return str(ConsenterKind.SELF.label)
        return f"{self.guardian_name}（{self.guardian_relation}）"

    def share_labels(self) -> list[str]:
        return [str(ShareKind(s).label) for s in self.share_kinds if s in ShareKind.values]


class EmergencyStatus(models.TextChoices):
    NONE = "", _("—")
    PENDING = "pending", _("待站长确认")
    CONFIRMED = "confirmed", _("站长已确认")
    REJECTED = "rejected", _("站长未确认")


class Assessment(BaseModel):
    case = models.ForeignKey(
        Case, verbose_name=_("个案"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("评估日期"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人"), on_delete=models.PROTECT, related_name="+"
    )
    risk_level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices)
    summary = text_field(_("评估小结"), limits.RECORD)
    # The consent this assessment rests on; empty only under an emergency reason the head must confirm.
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("依据的知情同意"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    emergency_reason = models.CharField(_("紧急评估理由"), max_length=200, blank=True)
    emergency_status = models.CharField(
        _("紧急评估确认"), max_length=10, choices=EmergencyStatus.choices, blank=True, default=""
    )
    emergency_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emergency_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("需求评估")
        verbose_name_plural = _("需求评估")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(consent__isnull=False, emergency_reason="", emergency_status=""))
                | (Q(consent__isnull=True) & ~Q(emergency_reason="") & ~Q(emergency_status="")),
                name="assessment_consent_or_emergency",
            ),
            models.CheckConstraint(
                condition=Q(emergency_status__in=["", "pending"]) | Q(emergency_reviewed_by__isnull=False),
                name="assessment_emergency_review_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.case} {self.assessed_on}"

    @property
    def counts(self) -> bool:
        """Whether a plan may rest on this assessment."""
        return self.emergency_status in ("", EmergencyStatus.CONFIRMED)


class DomainFinding(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    domain = models.CharField(_("领域"), max_length=14, choices=Domain.choices)
    severity = models.PositiveSmallIntegerField(_("需求程度"), choices=Severity.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("领域评估")
        verbose_name_plural = _("领域评估")
        ordering = ["assessment", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="finding_domain_once"),
            models.CheckConstraint(condition=Q(severity__lte=3), name="finding_severity_range"),
        ]

    def __str__(self):
        return f"{self.get_domain_display()} {self.get_severity_display()}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待站长审批")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: {PlanStatus.SUBMITTED},
    PlanStatus.RETURNED: {PlanStatus.SUBMITTED},
    PlanStatus.SUBMITTED: {PlanStatus.APPROVED, PlanStatus.RETURNED},
    PlanStatus.APPROVED: set(),
}


class Plan(BaseModel):
    """A service plan. An approved plan is frozen; changing it means a new version."""

    case = models.ForeignKey(Case, verbose_name=_("个案"), on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("版本"))
    # Edits of this version's draft (quanke.core.concurrency): a save from a stale form is refused.
    revision = models.PositiveIntegerField(_("修订号"), default=1, editable=False)
    goals = text_field(_("服务目标"), limits.RECORD)
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制定人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    review_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务计划")
        verbose_name_plural = _("服务计划")
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "returned"]) | Q(reviewed_by__isnull=False),
                name="plan_review_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.case} v{self.version}"

    @property
    def editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class PlanAction(BaseModel):
    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="actions")
    domain = models.CharField(_("领域"), max_length=14, choices=Domain.choices)
    description = models.CharField(_("行动"), max_length=200)
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责社工"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_organisation = models.ForeignKey(
        "network.SocialOrganisation",
        verbose_name=_("负责合作方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    # An action that will not be carried out is dropped with a reason, so that closure never hides it.
    dropped_on = models.DateField(_("不再执行日期"), null=True, blank=True)
    drop_reason = models.CharField(_("不再执行的原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("计划行动")
        verbose_name_plural = _("计划行动")
        ordering = ["plan", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_worker__isnull=False) | Q(responsible_organisation__isnull=False),
                name="planaction_has_responsible",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(dropped_on__isnull=True),
                name="planaction_done_or_dropped",
            ),
            models.CheckConstraint(
                condition=Q(dropped_on__isnull=True) | ~Q(drop_reason=""),
                name="planaction_drop_has_reason",
            ),
        ]

    @property
    def settled(self) -> bool:
        """Done, or dropped with a reason: nothing left open for closure."""
        return self.done_on is not None or self.dropped_on is not None

    @property
    def responsible_label(self) -> str:
        return str(self.responsible_worker or self.responsible_organisation)


class ServiceDelivery(BaseModel):
    case = models.ForeignKey(Case, verbose_name=_("个案"), on_delete=models.CASCADE, related_name="services")
    delivered_on = models.DateField(_("服务日期"))
    service_kind = models.CharField(_("服务类型"), max_length=20)
    description = models.CharField(_("服务内容"), max_length=300)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录社工"), on_delete=models.PROTECT, related_name="+"
    )
    volunteer = models.ForeignKey(
        "network.Volunteer",
        verbose_name=_("参与志愿者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "network.SocialOrganisation",
        verbose_name=_("合作方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-delivered_on", "-id"]


class FollowUp(BaseModel):
    case = models.ForeignKey(Case, verbose_name=_("个案"), on_delete=models.CASCADE, related_name="followups")
    due_on = models.DateField(_("回访日期"), db_index=True)
    purpose = models.CharField(_("回访内容"), max_length=200)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访社工"), on_delete=models.PROTECT, related_name="+"
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = text_field(_("回访情况"), limits.NOTE, blank=True)

    class Meta:
        verbose_name = _("跟进回访")
        verbose_name_plural = _("跟进回访")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(result=""), name="followup_done_has_result"
            )
        ]


class FollowUpReminder(models.Model):
    """A reminder sent for a follow-up due on a given date; unique so that a rerun never sends it twice."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回访提醒")
        verbose_name_plural = _("回访提醒")
        constraints = [
            models.UniqueConstraint(fields=["followup", "due_on"], name="reminder_once_per_due_date")
        ]

    def __str__(self):
        return f"{self.followup_id} {self.due_on}"


class TimelineKind(models.TextChoices):
    OPENED = "opened", _("开案")
    ASSIGNED = "assigned", _("分派社工")
    CONSENT = "consent", _("知情同意")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("撤回同意")
    ASSESSED = "assessed", _("评估")
    EMERGENCY = "emergency", _("紧急评估确认")
    PLAN = "plan", _("服务计划")
    SERVICE = "service", _("服务")
    LINK = "link", _("资源链接")
    FOLLOWUP = "followup", _("跟进回访")
    CLOSURE = "closure", _("结案")
    REOPENED = "reopened", _("重新开案")


class TimelineEntry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=TimelineKind.choices)
    text = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("个案时间线")
        verbose_name_plural = _("个案时间线")
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.text
