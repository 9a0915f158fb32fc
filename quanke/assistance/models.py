"""Assistance: locality parameters (dated values, edited by administrators), the unit → locality mapping,
scan runs and the review queue they fill, and dibao reviews.

The rules themselves live in ``quanke.assistance.engine`` (OpenFisca, Django-free); these tables hold the
data the engine is fed with and what the product records around its answers.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit
from quanke.registry.models import Household, Program, Resident

# Reserved locality code whose rows override the national defaults (not an assessable locality).
NATIONAL_CODE = "national"


class Locality(BaseModel):
    """A parameter set: one per city/county whose 低保 standard etc. differ. Adding one adds a row here."""

    code = models.SlugField(
        _("地区代码"),
        max_length=40,
        unique=True,
        help_text=_("小写字母、数字和下划线，如 beijing；national 表示全国默认参数。"),
    )
    name = models.CharField(_("地区名称"), max_length=60)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("救助参数地区")
        verbose_name_plural = _("救助参数地区")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def is_national(self) -> bool:
        return self.code == NATIONAL_CODE

    def clean(self):
        if self.code and not re.fullmatch(r"[a-z][a-z0-9_]*", self.code):
            raise ValidationError({"code": _("地区代码只能包含小写字母、数字和下划线，并以字母开头。")})


class LocalityParameter(BaseModel):
    """One dated value of one parameter (e.g. dibao.standard from 2023-07-01 = 1395)."""

    locality = models.ForeignKey(
        Locality, verbose_name=_("地区"), on_delete=models.CASCADE, related_name="parameters"
    )
    path = models.CharField(
        _("参数"), max_length=80, help_text=_("如 dibao.standard 或 dibao.standard.urban")
    )
    start_date = models.DateField(_("起始日期"))
    value = models.DecimalField(_("取值"), max_digits=12, decimal_places=4)
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("救助参数取值")
        verbose_name_plural = _("救助参数取值")
        ordering = ["locality", "path", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "path", "start_date"], name="locality_parameter_unique_date"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="locality_parameter_not_negative"),
        ]

    def clean(self):
        from quanke.assistance.parameters import check_parameter_value

        problem = check_parameter_value(self.path, self.value) if self.path else None
        if problem:
            raise ValidationError({problem[0]: problem[1]})

    def __str__(self):
        return f"{self.locality.code} {self.path} {self.start_date:%Y-%m-%d} = {self.value.normalize():f}"


class UnitLocality(BaseModel):
    """Which parameter set applies to a county or street (and everything below it)."""

    unit = models.OneToOneField(
        OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="assistance_locality"
    )
    locality = models.ForeignKey(
        Locality, verbose_name=_("适用地区参数"), on_delete=models.PROTECT, related_name="units"
    )

    class Meta:
        verbose_name = _("单位适用地区")
        verbose_name_plural = _("单位适用地区")

    def __str__(self):
        return f"{self.unit} → {self.locality}"

    def clean(self):
        if self.unit_id and self.unit.level == "community":
            raise ValidationError({"unit": _("适用地区按区/县或街道/乡镇配置。")})
        if self.locality_id and self.locality.is_national:
            raise ValidationError({"locality": _("全国默认参数不能直接作为适用地区。")})


class ScanRun(models.Model):
    """One run of the proactive-discovery scan (未诉先办) over the registry."""

    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    on_date = models.DateField(_("评估日期"))
    locality = models.CharField(_("地区"), max_length=40, blank=True, help_text=_("留空表示全部地区"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    households = models.PositiveIntegerField(_("家庭户数"), default=0)
    residents = models.PositiveIntegerField(_("居民数"), default=0)
    findings_new = models.PositiveIntegerField(_("新增线索"), default=0)
    findings_kept = models.PositiveIntegerField(_("仍然存在的线索"), default=0)
    findings_lapsed = models.PositiveIntegerField(_("已失效的线索"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    stages = models.JSONField(_("各阶段耗时"), default=dict, blank=True)

    class Meta:
        verbose_name = _("主动发现扫描")
        verbose_name_plural = _("主动发现扫描")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.on_date:%Y-%m-%d} {self.locality or '*'}"


class FindingKind(models.TextChoices):
    ELIGIBLE_NOT_RECEIVING = "eligible_not_receiving", _("似乎符合条件但未享受")
    NO_LONGER_ELIGIBLE = "no_longer_eligible", _("享受中但似乎已不符合条件")
    GRADUAL_EXIT = "gradual_exit", _("收入已超标准，适用渐退")
    # 特困 support replaces 低保 for a person who qualifies (国发〔2016〕14号): a lead to convert, never a
    # 低保 lead for that person.
    TEKUN_INSTEAD_OF_DIBAO = "tekun_instead_of_dibao", _("符合特困供养条件，正在享受低保（应转为特困供养）")


# Leads whose confirmation may open an application for the lead's programme.
APPLICATION_FINDING_KINDS = (FindingKind.ELIGIBLE_NOT_RECEIVING, FindingKind.TEKUN_INSTEAD_OF_DIBAO)


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")
    LAPSED = "lapsed", _("已失效（情况已变化）")


# A worker decides open findings; lapsing is the scan's own bookkeeping.
FINDING_TRANSITIONS = {
    FindingStatus.OPEN: {FindingStatus.CONFIRMED, FindingStatus.DISMISSED, FindingStatus.LAPSED},
    FindingStatus.CONFIRMED: set(),
    FindingStatus.DISMISSED: set(),
    FindingStatus.LAPSED: set(),
}

HOUSEHOLD_PROGRAMS = (Program.DIBAO, Program.DIBAO_EDGE)
PERSON_PROGRAMS = (Program.TEKUN, Program.GAOLING, Program.DISABILITY_LIVING, Program.DISABILITY_CARE)
ASSESSED_PROGRAMS = HOUSEHOLD_PROGRAMS + PERSON_PROGRAMS


class Finding(models.Model):
    """A lead for a worker: the rules say something different from what the registry records.

    Nobody is enrolled or removed automatically; a worker confirms or dismisses each, with a reason.
    ``key`` identifies the lead across runs so that re-running the scan never duplicates an open one.
    """

    key = models.CharField(_("线索键"), max_length=80, editable=False)
    kind = models.CharField(_("类型"), max_length=30, choices=FindingKind.choices)
    program = models.CharField(_("待遇项目"), max_length=20, choices=Program.choices)
    # Findings are derived rows the scan writes by the hundred thousand and can always recompute, so they
    # carry no database FK constraints (checking each at commit locks every referenced household and resident
    # row, costing several times the insert; Django's on_delete still cascades) and few indexes:
    # (household, status) and (unit, status) below serve the lookups the FK indexes would.
    household = models.ForeignKey(
        Household,
        verbose_name=_("家庭户"),
        on_delete=models.CASCADE,
        related_name="assistance_findings",
        db_index=False,
        db_constraint=False,
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assistance_findings",
        db_constraint=False,
        help_text=_("按人认定的项目（特困、高龄、残疾人两项补贴）；按户认定的项目留空"),
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    locality = models.CharField(_("地区"), max_length=40)
    on_date = models.DateField(_("评估日期"))
    amount = models.DecimalField(
        _("测算月金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    current_amount = models.DecimalField(
        _("现享受月金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    details = models.JSONField(_("详情"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    reason = text_field(_("处理理由"), limits.NOTE, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # Bookkeeping links, without a database constraint: the scan writes them by the hundred thousand and
    # checking each against ScanRun at commit would cost more than the insert itself.
    first_run = models.ForeignKey(
        ScanRun,
        verbose_name=_("首次发现"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    last_run = models.ForeignKey(
        ScanRun,
        verbose_name=_("最近发现"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("主动发现线索")
        verbose_name_plural = _("主动发现线索")
        ordering = ["unit", "household", "kind", "program", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(status="open"), name="finding_one_open_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(decided_at__isnull=False),
                name="finding_decided_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["household", "status"]),
            models.Index(fields=["locality", "status"]),
        ]

    def __str__(self):
        who = self.resident.name if self.resident_id else self.household.number
        return f"{who} {self.get_program_display()} {self.get_kind_display()}"

    @staticmethod
    def make_key(kind: str, program: str, household_id: int, resident_id: int | None) -> str:
        return f"{kind}:{program}:{household_id}:{resident_id or 0}"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("继续享受")
    ADJUST = "adjust", _("调整金额")
    GRADUAL_EXIT = "gradual_exit", _("进入渐退")
    STOP = "stop", _("停止享受")


class AssistanceReview(BaseModel):
    """A periodic review (复核) of a household's 低保: yearly, or every 6 months for some households."""

    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.CASCADE, related_name="assistance_reviews"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+")
    program = models.CharField(_("待遇项目"), max_length=20, choices=Program.choices, default=Program.DIBAO)
    reviewed_on = models.DateField(_("复核日期"))
    outcome = models.CharField(_("复核结论"), max_length=20, choices=ReviewOutcome.choices)
    note = text_field(_("说明"), limits.NOTE, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("救助复核")
        verbose_name_plural = _("救助复核")
        ordering = ["-reviewed_on", "-id"]
        indexes = [models.Index(fields=["household", "program", "reviewed_on"])]

    def __str__(self):
        return f"{self.household} {self.get_program_display()} {self.reviewed_on:%Y-%m-%d}"


class ApplicationStep(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    INVESTIGATED = "investigated", _("已入户调查")
    PUBLICITY = "publicity", _("公示中")
    APPROVED = "approved", _("已审核确认")
    REFUSED = "refused", _("不予批准")


# The legal path (社会救助暂行办法; 民发〔2021〕57号): accepted → home investigation → 公示 7 days → confirmation,
# payment from the next month; refusal in writing with reasons at any step before confirmation.
STEP_TRANSITIONS = {
    ApplicationStep.ACCEPTED: {ApplicationStep.INVESTIGATED, ApplicationStep.REFUSED},
    ApplicationStep.INVESTIGATED: {
        ApplicationStep.PUBLICITY,
        ApplicationStep.APPROVED,
        ApplicationStep.REFUSED,
    },
    ApplicationStep.PUBLICITY: {ApplicationStep.APPROVED, ApplicationStep.REFUSED},
    ApplicationStep.APPROVED: set(),
    ApplicationStep.REFUSED: set(),
}
OPEN_STEPS = [step for step, targets in STEP_TRANSITIONS.items() if targets]
# Programmes whose recipients are posted publicly before confirmation; the others go straight to decision.
PUBLICITY_PROGRAMS = (Program.DIBAO, Program.DIBAO_EDGE, Program.TEKUN)
# How long the 公示 lasts and within how many working days a refusal is notified in writing are dated locality
# parameters (engine parameters/national.yaml), read through assistance.parameters.policy_value.
PUBLICITY_DAYS_PATH = "application.publicity_days"
NOTICE_WORKING_DAYS_PATH = "application.refusal_notice_working_days"
# The catalog item an application of each programme is accepted under.
PROGRAM_ITEMS = {
    Program.DIBAO: "SA-DIBAO",
    Program.DIBAO_EDGE: "SA-LOW-INCOME",
    Program.TEKUN: "SA-TEKUN",
    Program.TEMPORARY: "SA-TEMP",
    Program.DISABILITY_LIVING: "DS-LIVING-SUBSIDY",
    Program.DISABILITY_CARE: "DS-CARE-SUBSIDY",
    Program.GAOLING: "EL-LONGEVITY",
}
# Catalog sub-items that are kinds of a programme's application (急难型、支出型临时救助): accepted under their own
# item, they take the programme's procedure all the same.
PROGRAM_SUBITEMS = {
    "SA-TEMP-URGENT": Program.TEMPORARY,
    "SA-TEMP-EXPENSE": Program.TEMPORARY,
}
# Every catalog item whose intake opens the application procedure (registered with quanke.core.hooks).
PROCEDURE_ITEMS = {**{code: program for program, code in PROGRAM_ITEMS.items()}, **PROGRAM_SUBITEMS}
# 按户 programmes pay every member of the household; the others pay the applicant.
HOUSEHOLD_BENEFIT_PROGRAMS = (Program.DIBAO, Program.DIBAO_EDGE)


class AssistanceApplication(BaseModel):
    """An application for assistance: a matter (办件) plus the legal steps of the assistance procedure."""

    matter = models.OneToOneField(
        "matters.Matter",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        related_name="assistance_application",
    )
    program = models.CharField(_("救助项目"), max_length=20, choices=Program.choices)
    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="assistance_applications"
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="assistance_applications"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+")
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("来源线索"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    step = models.CharField(
        _("办理环节"), max_length=15, choices=ApplicationStep.choices, default=ApplicationStep.ACCEPTED
    )
    accepted_on = models.DateField(_("受理日期"))
    investigated_on = models.DateField(_("入户调查日期"), null=True, blank=True)
    investigators = models.CharField(_("调查人员"), max_length=100, blank=True)
    investigation_record = text_field(_("入户调查记录"), limits.RECORD, blank=True)
    assessment = models.JSONField(_("调查时规则评估"), default=dict, blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    publicity_objections = text_field(_("公示期间异议"), limits.NOTE, blank=True)
    decided_on = models.DateField(_("审核确认日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    monthly_amount = models.DecimalField(
        _("月救助金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    payment_from = models.DateField(_("发放起始月"), null=True, blank=True)
    # What the rules computed at the home investigation, kept with the decision: an approved amount that differs
    # from it carries the decider's written reason (shown on the application, audited).
    computed_amount = models.DecimalField(
        _("规则测算月金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    amount_reason = text_field(_("审批金额与测算不一致的理由"), limits.NOTE, blank=True)
    refusal_reasons = text_field(_("不予批准理由"), limits.NOTE, blank=True)
    # The written refusal (不予批准告知书) is due within application.refusal_notice_working_days of the decision.
    notice_due_on = models.DateField(_("告知书送达期限"), null=True, blank=True)
    notice_delivered_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    notice_delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("告知书送达登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("救助申请")
        verbose_name_plural = _("救助申请")
        ordering = ["-accepted_on", "-id"]
        indexes = [models.Index(fields=["unit", "step"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "resident", "program"],
                condition=models.Q(step__in=["accepted", "investigated", "publicity"]),
                name="application_one_open_per_program",
            ),
            models.CheckConstraint(
                condition=~models.Q(step="refused") | ~models.Q(refusal_reasons=""),
                name="application_refusal_has_reasons",
            ),
            models.CheckConstraint(
                condition=~models.Q(step="approved")
                | models.Q(
                    payment_from__isnull=False, monthly_amount__isnull=False, decided_on__isnull=False
                ),
                name="application_approval_has_payment",
            ),
            models.CheckConstraint(
                condition=models.Q(computed_amount__isnull=True)
                | models.Q(monthly_amount=models.F("computed_amount"))
                | ~models.Q(amount_reason=""),
                name="application_amount_differs_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(step="publicity") | models.Q(publicity_start__isnull=False),
                name="application_publicity_has_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(notice_delivered_on__isnull=True) | models.Q(step="refused"),
                name="application_notice_only_when_refused",
            ),
        ]

    def __str__(self):
        return f"{self.resident.name} {self.get_program_display()}"

    @property
    def is_open(self) -> bool:
        return self.step in OPEN_STEPS

    @property
    def needs_publicity(self) -> bool:
        return self.program in PUBLICITY_PROGRAMS

    @property
    def publicity_days(self) -> int:
        """Days of the 公示: as posted once it started, else the locality's value today."""
        if self.publicity_start and self.publicity_end:
            return (self.publicity_end - self.publicity_start).days + 1
        from django.utils import timezone

        from quanke.assistance.parameters import policy_value

        return int(policy_value(PUBLICITY_DAYS_PATH, on=timezone.localdate(), unit=self.unit))

    def notice_overdue_on(self, day) -> bool:
        """The written refusal is still undelivered after its due date."""
        return (
            self.step == ApplicationStep.REFUSED
            and self.notice_delivered_on is None
            and self.notice_due_on is not None
            and self.notice_due_on < day
        )
