"""The 5+N network (五社联动): volunteers and their hours, social organisations and partners, the resources ledger,
community activities, and engagements made by matching.

Dependency direction: network sits beside casework and below nothing of it. Casework points at network (a consent
names organisations, a service names a volunteer); network never imports casework. Where a network row must name a
case or a matter (a disbursement to a case, an engagement for a matter's need), it stores the other record's
tracking code in a CharField (`case_reference`, `subject_reference`): no foreign key, hence no import cycle and no
migration dependency on apps that do not exist yet.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.ledger import BalanceRow
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit


class ServiceKind(models.TextChoices):
    """One vocabulary for volunteer skills, services an organisation offers and the need a case or matter has,
    so that matching compares like with like."""

    COMPANIONSHIP = "companionship", _("陪伴探访")
    ELDERLY_CARE = "elderly_care", _("助老服务")
    CHILD_CARE = "child_care", _("儿童关爱")
    TUTORING = "tutoring", _("课业辅导")
    MEDICAL = "medical", _("医疗康复")
    MENTAL_HEALTH = "mental_health", _("心理疏导")
    LEGAL = "legal", _("法律援助")
    REPAIR = "repair", _("维修便民")
    HOUSEKEEPING = "housekeeping", _("家政照料")
    ESCORT = "escort", _("出行陪同")
    EMPLOYMENT = "employment", _("就业帮扶")
    CULTURE = "culture", _("文体活动")
    DIGITAL = "digital", _("智能设备帮助")
    MATERIAL = "material", _("物资帮扶")


class Slot(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", _("工作日白天")
    WEEKDAY_EVENING = "weekday_evening", _("工作日晚间")
    WEEKEND = "weekend", _("周末")


def slot_of(day: date, evening: bool = False) -> str:
    if day.weekday() >= 5:
        return Slot.WEEKEND
    return Slot.WEEKDAY_EVENING if evening else Slot.WEEKDAY_DAY


class VolunteerTeam(BaseModel):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("队名"), max_length=60)
    leader = models.CharField(_("队长"), max_length=50, blank=True)
    description = models.CharField(_("简介"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="volunteerteam_name_unique_in_unit")
        ]

    def __str__(self):
        return self.name


class Volunteer(BaseModel):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Set when the volunteer is also a resident on the registry (many are: retired neighbours, party members).
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("对应居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_roles",
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("服务队"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    skills = models.JSONField(_("技能/服务类型"), default=list, blank=True)
    availability = models.JSONField(_("可服务时段"), default=list, blank=True)
    registered_on = models.DateField(_("注册日期"))
    active = models.BooleanField(_("在册"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["unit", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(resident__isnull=False), name="volunteer_one_per_resident"
            )
        ]

    def __str__(self):
        return self.name

    def skill_labels(self) -> list[str]:
        return [str(ServiceKind(s).label) for s in self.skills if s in ServiceKind.values]

    def availability_labels(self) -> list[str]:
        return [str(Slot(s).label) for s in self.availability if s in Slot.values]


class OrganisationKind(models.TextChoices):
    SOCIAL_WORK_AGENCY = "social_work_agency", _("社工机构")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    ENTERPRISE = "enterprise", _("爱心企业")
    HOSPITAL = "hospital", _("医疗机构")
    SCHOOL = "school", _("学校")
    CHARITY = "charity", _("慈善组织")
    OTHER = "other", _("其他合作方")


class SocialOrganisation(BaseModel):
    """A partner in the directory: a social organisation, agency, enterprise, hospital, school…"""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=24, choices=OrganisationKind.choices)
    services = models.JSONField(_("提供服务"), default=list, blank=True)
    service_area = models.ManyToManyField(OrgUnit, verbose_name=_("服务范围"), blank=True, related_name="+")
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    active = models.BooleanField(_("合作中"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("社会组织/合作方")
        verbose_name_plural = _("社会组织/合作方")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="organisation_name_unique_in_unit")
        ]

    def __str__(self):
        return self.name

    def service_labels(self) -> list[str]:
        return [str(ServiceKind(s).label) for s in self.services if s in ServiceKind.values]


class Agreement(BaseModel):
    """A cooperation agreement (合作协议) with its validity; an organisation without a valid one is flagged."""

    organisation = models.ForeignKey(
        SocialOrganisation, verbose_name=_("合作方"), on_delete=models.CASCADE, related_name="agreements"
    )
    title = models.CharField(_("协议名称"), max_length=100)
    start_on = models.DateField(_("生效日期"))
    end_on = models.DateField(_("到期日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")
        ordering = ["organisation", "-start_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="agreement_end_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def is_valid_on(self, day: date) -> bool:
        return self.start_on <= day and (self.end_on is None or self.end_on >= day)


class PartnerStaff(BaseModel):
    """A login that belongs to a partner organisation. Such a user reads only the cases whose valid consent
    covers her organisation (quanke.core.permissions.can_read_case)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="partner_staff",
    )
    organisation = models.ForeignKey(
        SocialOrganisation, verbose_name=_("合作方"), on_delete=models.CASCADE, related_name="staff"
    )

    class Meta:
        verbose_name = _("合作方人员")
        verbose_name_plural = _("合作方人员")

    def __str__(self):
        return f"{self.user} · {self.organisation}"


class ActivityType(models.TextChoices):
    GROUP = "group", _("小组活动")
    COMMUNITY = "community", _("社区活动")
    TRAINING = "training", _("培训")
    CAMPAIGN = "campaign", _("宣传倡导")
    VOLUNTEER = "volunteer", _("志愿服务")


class Activity(BaseModel):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("活动类型"), max_length=12, choices=ActivityType.choices)
    service_kind = models.CharField(_("服务类型"), max_length=20, choices=ServiceKind.choices, blank=True)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=1)
    organiser_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("组织社工"), blank=True, related_name="+"
    )
    organiser_organisations = models.ManyToManyField(
        SocialOrganisation, verbose_name=_("合作组织"), blank=True, related_name="activities"
    )
    participant_residents = models.ManyToManyField(
        "registry.Resident", verbose_name=_("参与居民"), blank=True, related_name="+"
    )
    participant_volunteers = models.ManyToManyField(
        Volunteer, verbose_name=_("参与志愿者"), blank=True, related_name="activities"
    )
    # Residents who came but are not on the registry (visitors, children from outside) are only counted.
    extra_participants = models.PositiveIntegerField(_("其他参与人数"), default=0)
    outcome = text_field(_("活动成效"), limits.NOTE, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="activity_hours_positive")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ActivityPhoto(BaseModel):
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos"
    )
    # A FileField with a magic-byte check in the form keeps Pillow out of the dependencies.
    file = models.FileField(_("照片"), upload_to="activities/%Y/%m/")
    content_type = models.CharField(_("类型"), max_length=30)
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["activity", "id"]


class ServiceRecord(BaseModel):
    """Hours a volunteer served (the time bank's credit side). One row is one person-time (人次)."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="service_records"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("服务单位"), on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField(_("服务日期"), db_index=True)
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1)
    service_kind = models.CharField(_("服务类型"), max_length=20, choices=ServiceKind.choices, blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    # The tracking code of a case or matter served (see the module docstring for why this is not a FK).
    subject_reference = models.CharField(_("个案/办件编号"), max_length=40, blank=True)
    description = models.CharField(_("服务内容"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="servicerecord_hours_0_24"
            ),
            models.UniqueConstraint(
                fields=["volunteer", "activity"],
                condition=Q(activity__isnull=False),
                name="servicerecord_once_per_activity",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.served_on} {self.hours}h"


class HoursRedemption(BaseModel):
    """Hours a volunteer spent from her time bank (时间银行兑换). Never more than she has earned."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="redemptions"
    )
    redeemed_on = models.DateField(_("兑换日期"))
    hours = models.DecimalField(_("兑换时长（小时）"), max_digits=6, decimal_places=1)
    description = models.CharField(_("兑换内容"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("时间银行兑换")
        verbose_name_plural = _("时间银行兑换")
        ordering = ["-redeemed_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="hoursredemption_positive")]


class ResourceKind(models.TextChoices):
    MONEY = "money", _("资金")
    IN_KIND = "in_kind", _("物资")


class Direction(models.TextChoices):
    IN = "in", _("接收捐赠")
    OUT = "out", _("发放支出")


class RecipientKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    CASE = "case", _("个案")
    ACTIVITY = "activity", _("活动")
    ORGANISATION = "organisation", _("组织")


MONEY_ITEM = ""
MONEY_UNIT = "元"


class LedgerEntry(BaseModel):
    """One line of the resources ledger (资源台账). Entries are never edited: a mistake is corrected by a
    counter-entry, so the sum of entries is always the balance."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("台账单位"), on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("资源类型"), max_length=8, choices=ResourceKind.choices)
    item = models.CharField(_("物资名称"), max_length=60, blank=True)
    item_unit = models.CharField(_("计量单位"), max_length=10)
    quantity = models.DecimalField(_("金额/数量"), max_digits=12, decimal_places=2)
    estimated_value = models.DecimalField(
        _("折合金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    entry_on = models.DateField(_("日期"), db_index=True)
    purpose = models.CharField(_("用途"), max_length=200)
    # Source of a donation.
    donor_name = models.CharField(_("捐赠方"), max_length=100, blank=True)
    donor_organisation = models.ForeignKey(
        SocialOrganisation,
        verbose_name=_("捐赠组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    # Recipient of a disbursement.
    recipient_kind = models.CharField(
        _("接收方类型"), max_length=12, choices=RecipientKind.choices, blank=True
    )
    recipient_resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("接收居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_activity = models.ForeignKey(
        Activity,
        verbose_name=_("接收活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_organisation = models.ForeignKey(
        SocialOrganisation,
        verbose_name=_("接收组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received",
    )
    case_reference = models.CharField(_("个案编号"), max_length=40, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("资源台账")
        verbose_name_plural = _("资源台账")
        ordering = ["-entry_on", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "item"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ledgerentry_quantity_positive"),
            models.CheckConstraint(
                condition=(Q(kind="money", item="") | (Q(kind="in_kind") & ~Q(item=""))),
                name="ledgerentry_item_matches_kind",
            ),
            models.CheckConstraint(
                condition=(Q(direction="in", recipient_kind="") & ~Q(donor_name=""))
                | (Q(direction="out") & ~Q(recipient_kind="")),
                name="ledgerentry_source_or_recipient",
            ),
            models.CheckConstraint(
                condition=~Q(recipient_kind="case") | ~Q(case_reference=""),
                name="ledgerentry_case_has_reference",
            ),
        ]

    def __str__(self):
        return f"{self.entry_on} {self.get_direction_display()} {self.item or self.get_kind_display()} {self.quantity}"

    @property
    def signed_quantity(self) -> Decimal:
        return self.quantity if self.direction == Direction.IN else -self.quantity

    def recipient_label(self) -> str:
        if self.recipient_kind == RecipientKind.RESIDENT and self.recipient_resident_id:
            return str(self.recipient_resident)
        if self.recipient_kind == RecipientKind.CASE:
            return self.case_reference
        if self.recipient_kind == RecipientKind.ACTIVITY and self.recipient_activity_id:
            return self.recipient_activity.title
        if self.recipient_kind == RecipientKind.ORGANISATION and self.recipient_organisation_id:
            return str(self.recipient_organisation)
        return ""


class ResourceBalance(BalanceRow):
    """The running balance per (unit, kind, item). Kept beside the ledger so that a disbursement can lock one row
    (select_for_update) and the database itself refuses a negative balance."""

    balance_field = "balance"

    unit = models.ForeignKey(OrgUnit, verbose_name=_("台账单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("资源类型"), max_length=8, choices=ResourceKind.choices)
    item = models.CharField(_("物资名称"), max_length=60, blank=True)
    item_unit = models.CharField(_("计量单位"), max_length=10)
    balance = models.DecimalField(_("结余"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("资源结余")
        verbose_name_plural = _("资源结余")
        ordering = ["unit", "kind", "item"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "item"], name="resourcebalance_unique"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="resourcebalance_not_negative"),
        ]

    def __str__(self):
        return f"{self.unit} {self.item or self.get_kind_display()} {self.balance}{self.item_unit}"

    @property
    def label(self) -> str:
        return self.item or str(ResourceKind(self.kind).label)

    def shortfall(self, delta) -> ValidationError:
        return ValidationError(
            {
                "quantity": _("结余不足：%(i)s 现有 %(b)s%(u)s，不能发放 %(q)s。")
                % {"i": self.item or _("资金"), "b": self.balance, "u": self.item_unit, "q": -delta}
            }
        )


class SubjectKind(models.TextChoices):
    CASE = "case", _("个案")
    MATTER = "matter", _("办件")
    ACTIVITY = "activity", _("活动")


class Engagement(BaseModel):
    """Who was engaged for a need: a volunteer, an organisation or a resource, for a case or a matter."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("对象类型"), max_length=10, choices=SubjectKind.choices)
    subject_reference = models.CharField(_("对象编号"), max_length=40, db_index=True)
    need = models.CharField(_("需求类型"), max_length=20, choices=ServiceKind.choices)
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        SocialOrganisation,
        verbose_name=_("合作方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    ledger_entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("资源发放"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    engaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("链接人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("资源链接")
        verbose_name_plural = _("资源链接")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, organisation__isnull=True, ledger_entry__isnull=True)
                | Q(volunteer__isnull=True, organisation__isnull=False, ledger_entry__isnull=True)
                | Q(volunteer__isnull=True, organisation__isnull=True, ledger_entry__isnull=False),
                name="engagement_exactly_one_party",
            )
        ]

    def __str__(self):
        return f"{self.subject_reference} ← {self.party_label}"

    @property
    def party_label(self) -> str:
        if self.volunteer_id:
            return str(self.volunteer)
        if self.organisation_id:
            return str(self.organisation)
        return str(self.ledger_entry)
