"""Households and residents: the people a station serves."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.concurrency import Versioned
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit


class HukouKind(models.TextChoices):
    LOCAL = "local", _("本地户籍")
    NONLOCAL = "nonlocal", _("外地户籍")


class HukouType(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class DisabilityKind(models.TextChoices):
    VISUAL = "visual", _("视力残疾")
    HEARING = "hearing", _("听力残疾")
    SPEECH = "speech", _("言语残疾")
    PHYSICAL = "physical", _("肢体残疾")
    INTELLECTUAL = "intellectual", _("智力残疾")
    MENTAL = "mental", _("精神残疾")
    MULTIPLE = "multiple", _("多重残疾")


class Program(models.TextChoices):
    DIBAO = "dibao", _("低保")
    DIBAO_EDGE = "dibao_edge", _("低保边缘")
    TEKUN = "tekun", _("特困供养")
    TEMPORARY = "temporary", _("临时救助")
    DISABILITY_LIVING = "disability_living", _("残疾人生活补贴")
    DISABILITY_CARE = "disability_care", _("重度残疾人护理补贴")
    GAOLING = "gaoling", _("高龄津贴")
    ONLY_CHILD = "only_child", _("独生子女父母奖励")
    UNEMPLOYMENT = "unemployment", _("失业保险金")


class Household(BaseModel):
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("户编号"), max_length=30)
    address = models.CharField(_("住址"), max_length=200)
    building = models.CharField(_("楼栋/街巷"), max_length=60, blank=True, help_text=_("用于走访路线分组"))
    hukou_kind = models.CharField(
        _("户籍"), max_length=10, choices=HukouKind.choices, default=HukouKind.LOCAL
    )
    hukou_type = models.CharField(
        _("户口性质"), max_length=10, choices=HukouType.choices, default=HukouType.URBAN
    )
    assets_within_limits = models.BooleanField(_("家庭财产符合救助规定"), default=True)
    irregular_income = models.BooleanField(_("收入不稳定"), default=False)

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="household_number_unique_in_unit")
        ]

    def __str__(self):
        return f"{self.number} {self.address}"


class Tag(models.Model):
    """Special-group tags. Sensitive ones are shown only to the specialties listed on the tag (and heads)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    sensitive = models.BooleanField(_("敏感"), default=False)
    specialties = models.JSONField(_("可查看的专岗"), default=list, blank=True)
    visit_interval_days = models.PositiveSmallIntegerField(_("走访间隔（天）"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("走访优先级"), default=0)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("人群标签")
        verbose_name_plural = _("人群标签")
        ordering = ["-priority", "code"]

    def __str__(self):
        return self.name


class Resident(Versioned, BaseModel):
    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="members"
    )
    # Denormalised from the household so that every scoped read is one indexed filter.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="residents"
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, db_index=True, editable=False)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    relation = models.CharField(
        _("与户主关系"), max_length=12, choices=Relation.choices, default=Relation.HEAD
    )
    lives_alone = models.BooleanField(_("独居"), default=False)
    monthly_income = models.DecimalField(_("月收入（元）"), max_digits=10, decimal_places=2, default=0)
    disability_kind = models.CharField(
        _("残疾类别"), max_length=15, choices=DisabilityKind.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(_("残疾等级"), null=True, blank=True)
    needs_long_term_care = models.BooleanField(_("需长期照护"), default=False)
    in_school = models.BooleanField(_("在校就读"), default=False)
    has_capable_supporter = models.BooleanField(_("有赡养/抚养/扶养能力人"), default=True)
    # 户籍 is usually the household's (one 户口簿), so blank follows Household.hukou_kind; a member registered
    # elsewhere (a spouse who married in, a tenant's relative) is set here. Assistance counts only local members.
    member_hukou = models.CharField(
        _("本人户籍"),
        max_length=10,
        choices=HukouKind.choices,
        blank=True,
        help_text=_("留空表示与家庭户的户籍相同"),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("人群标签"), blank=True, related_name="residents")
    notes = text_field(_("备注"), limits.NOTE, blank=True)

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["unit", "household", "id"]
        indexes = [models.Index(fields=["unit", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disability_grade__isnull=True, disability_kind="")
                | (
                    models.Q(disability_grade__gte=1, disability_grade__lte=4) & ~models.Q(disability_kind="")
                ),
                name="resident_disability_kind_and_grade",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_income__gte=0), name="resident_income_not_negative"
            ),
            # Only the normalised number (idnumber.normalize: ASCII digits, upper-case X) may be stored, so that
            # the unique index really means one person (a full-width copy cannot slip in beside the ASCII one).
            models.CheckConstraint(
                condition=models.Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
                name="resident_id_number_normalised",
            ),
        ]

    def __str__(self):
        return self.name

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int:
        return self.age_on(date.today())

    @property
    def own_hukou_kind(self) -> str:
        """The resident's own 户籍: hers if recorded, else her household's."""
        return self.member_hukou or self.household.hukou_kind

    @property
    def hukou_local(self) -> bool:
        return self.own_hukou_kind == HukouKind.LOCAL

    @property
    def is_disabled(self) -> bool:
        return bool(self.disability_kind)


class Benefit(BaseModel):
    """A benefit the resident currently (or formerly) receives."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="benefits"
    )
    # Copied from the resident when the benefit is granted (a running benefit follows her when she moves, to
    # another household by the import or to another community by services.resident_move): statistics count
    # recipients and households per community from this table alone, without joining a million residents.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("发放社区"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.CASCADE, related_name="benefits"
    )
    program = models.CharField(_("待遇项目"), max_length=20, choices=Program.choices)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("终止日期"), null=True, blank=True)
    monthly_amount = models.DecimalField(_("月金额（元）"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("享受待遇")
        verbose_name_plural = _("享受待遇")
        ordering = ["resident", "program", "-start_date"]
        indexes = [
            models.Index(fields=["program", "end_date"]),
            models.Index(fields=["unit", "program"], name="benefit_unit_program"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="benefit_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.resident} {self.get_program_display()}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= date.today()


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("居民身份证")
    HUKOU_BOOK = "hukou_book", _("户口簿")
    DISABILITY_CERT = "disability_cert", _("残疾人证")
    PHOTO_1INCH = "photo_1inch", _("一寸照片")
    PHOTO_2INCH = "photo_2inch", _("二寸照片")
    BANK_CARD = "bank_card", _("银行卡")
    INCOME_PROOF = "income_proof", _("收入证明")


class ResidentDocument(BaseModel):
    """A copy of a document the station already holds, so the resident need not bring it again."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=DocumentKind.choices)
    received_on = models.DateField(_("收取日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("在档材料")
        verbose_name_plural = _("在档材料")
        ordering = ["resident", "kind", "-received_on"]

    def __str__(self):
        return f"{self.resident} {self.get_kind_display()}"

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class ResidentMove(models.Model):
    """A resident moving to another community (or household): the same record moves, and this row keeps where
    she came from, so that a move never becomes a second resident."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="moves"
    )
    from_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("迁出社区"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("迁入社区"), on_delete=models.PROTECT, related_name="+"
    )
    from_household = models.CharField(_("原户编号"), max_length=30)
    to_household = models.CharField(_("新户编号"), max_length=30)
    moved_at = models.DateTimeField(_("迁移时间"), auto_now_add=True)
    # Snapshot as well as the link, so that deleting a user does not erase who moved her.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人账号"), max_length=150)
    via = models.CharField(_("途径"), max_length=20)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("居民迁移记录")
        verbose_name_plural = _("居民迁移记录")
        ordering = ["resident", "-moved_at", "-id"]

    def __str__(self):
        return f"{self.resident} {self.from_unit} → {self.to_unit}"


class ImportBatch(models.Model):
    """An uploaded import file, parsed and held until its uploader confirms the preview (or it expires). The
    confirmation queues the write for a worker (quanke.registry.tasks.run_import): preview → queued → running →
    committed, or failed with its error, or back to preview when the data changed since (`error` says so)."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("有错误")
        PREVIEW = "preview", _("待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("导入失败")

    token = models.CharField(max_length=43, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Parsed rows (only what the file said), the plan shown to the user and its fingerprint, and the errors.
    rows = models.JSONField(default=list)
    plan = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64, blank=True)
    errors = models.JSONField(default=list)
    truncated = models.BooleanField(default=False)
    summary = models.JSONField(default=dict)
    # Why the last confirmation did not import (failed, or a stale preview shown again); empty otherwise.
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"
