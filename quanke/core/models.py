"""Org units, staff and roles, audit trail and the working-day calendar."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanke.core.limits import text_field


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class UnitLevel(models.TextChoices):
    COUNTY = "county", _("区/县")
    STREET = "street", _("街道/乡镇")
    COMMUNITY = "community", _("社区/村")


# A unit's parent must sit exactly one level up.
PARENT_LEVEL = {UnitLevel.STREET: UnitLevel.COUNTY, UnitLevel.COMMUNITY: UnitLevel.STREET}


class OrgUnit(BaseModel):
    """County → street/township → community/village. `path` is the chain of codes, for subtree filters."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=200, db_index=True, editable=False)
    station_name = models.CharField(_("站点名称"), max_length=100, blank=True)
    phone = models.CharField(_("服务电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # Station settings (quanke.core.unit_settings): empty takes the nearest ancestor's value, else the default.
    visit_plan_min_per_worker = models.PositiveSmallIntegerField(
        _("每名社工每月走访下限（户）"), null=True, blank=True, help_text=_("留空沿用上级单位设置，默认 30。")
    )
    visit_plan_max_per_worker = models.PositiveSmallIntegerField(
        _("每名社工每月走访上限（户）"), null=True, blank=True, help_text=_("留空沿用上级单位设置，默认 50。")
    )
    finding_snooze_days = models.PositiveSmallIntegerField(
        _("线索处理后不再重复提示的天数"),
        null=True,
        blank=True,
        help_text=_("留空沿用上级单位设置，默认 180。"),
    )
    near_due_working_days = models.PositiveSmallIntegerField(
        _("临近到期提示（工作日）"), null=True, blank=True, help_text=_("留空沿用上级单位设置，默认 2。")
    )

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="county", parent__isnull=True)
                | models.Q(level__in=["street", "community"], parent__isnull=False),
                name="orgunit_parent_matches_level",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived data; keep it in step with the parent chain.
        self.path = f"{self.parent.path}/{self.code}" if self.parent_id else self.code
        super().save(*args, **kwargs)

    @property
    def county(self) -> "OrgUnit":
        unit = self
        while unit.parent_id:
            unit = unit.parent
        return unit

    def ancestors(self) -> list["OrgUnit"]:
        chain, unit = [], self.parent
        while unit:
            chain.append(unit)
            unit = unit.parent
        return chain


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("前台全科社工")
    BACK_OFFICE = "back_office", _("后台专岗社工")
    STATION_HEAD = "station_head", _("站长")
    DEPT_HANDLER = "dept_handler", _("部门经办人")
    COUNTY_VIEWER = "county_viewer", _("民政局统计查看")
    ADMIN = "admin", _("系统管理员")


class Specialty(models.TextChoices):
    ASSISTANCE = "assistance", _("社会救助")
    ELDERLY = "elderly", _("养老服务")
    DISABILITY = "disability", _("残疾人服务")
    FAMILY_PLANNING = "family_planning", _("计划生育")
    EMPLOYMENT = "employment", _("就业社保")
    PARTY = "party", _("党务")
    # 社区矫正: the worker the station assigns to assist the 司法所 (社区矫正法 第十二条); a sensitive specialty.
    CORRECTION = "correction", _("社区矫正")
    GENERAL = "general", _("综合")


class User(AbstractUser):
    """A staff member. Belongs to exactly one org unit; roles and specialties decide what she may do."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    roles = models.JSONField(_("角色"), default=list, blank=True)
    specialties = models.JSONField(_("专岗"), default=list, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]

    def specialty_labels(self) -> list[str]:
        return [str(Specialty(s).label) for s in self.specialties if s in Specialty.values]


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly(_("审计记录只能新增，不能修改。"))

    def delete(self):
        raise AuditTrailIsAppendOnly(_("审计记录只能新增，不能删除。"))


class AuditTrailIsAppendOnly(Exception):
    """Raised before the database trigger would refuse the same write (migration 0004)."""


class AuditEvent(models.Model):
    """Who did what to which object, and what changed. Reads of sensitive data are recorded too.

    Append-only: database triggers (migration core 0004) refuse UPDATE and DELETE on this table on PostgreSQL and
    SQLite, and the model refuses them before the database does. The actor is kept as a snapshot (id, username and
    name at the time): the foreign key has no database constraint and never cascades, so deleting or renaming a user
    changes no row. A migration that rebuilds this table on SQLite drops its triggers: recreate them
    (core.migrations.0004_append_only_audit.create_triggers); tests/core/test_audit_append_only.py catches it."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        READ = "read", _("查看个人信息")
        READ_SENSITIVE = "read_sensitive", _("查看敏感信息")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        TRANSITION = "transition", _("状态变更")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("登录锁定")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("操作人用户名"), max_length=150, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        who = self.actor_name or self.actor_username
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly(_("审计记录只能新增，不能修改。"))
        if self.actor_id is not None and not self.actor_username:
            self.actor_username, self.actor_name = self.actor.username, str(self.actor)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly(_("审计记录只能新增，不能删除。"))


class CalendarYear(models.Model):
    """A year whose official holiday schedule (with make-up working days) is known."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a holiday on a weekday or a make-up working weekend day."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日/调休")
        verbose_name_plural = _("节假日/调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class Notification(BaseModel):
    """The outbox: every reminder the system sends, its channel and its fate. Nothing is lost silently."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败，待重试")
        DEAD = "dead", _("多次失败，已停止重试")

    channel = models.CharField(_("渠道"), max_length=20)
    recipient_name = models.CharField(_("接收人"), max_length=50, blank=True)
    address = models.CharField(_("号码/地址"), max_length=100, blank=True)
    subject = models.CharField(_("标题"), max_length=100, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    object_type = models.CharField(_("关联对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("关联对象编号"), max_length=40, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            )
        ]

    # What a worker reads for each backend's channel (quanke.core.notify); the stored code stays as configured.
    CHANNEL_LABELS = {
        "sms": _("短信"),
        "email": _("电子邮件"),
        "console": _("系统记录（演示环境，未实际发出）"),
        "memory": _("测试"),
    }

    def __str__(self):
        return f"{self.get_status_display()} {self.channel_label} {self.recipient_name}"

    @property
    def channel_label(self) -> str:
        return str(self.CHANNEL_LABELS.get(self.channel, self.channel))


class IdempotencyKey(models.Model):
    """A submission that must happen once: a form's one-time token or an API client's Idempotency-Key.

    Written in the same transaction as the work it guards (quanke.core.idempotency), so a committed write always
    has its key, and a retry of a request whose answer was lost finds the first result instead of doubling it.
    """

    scope = models.CharField(max_length=60)  # "api" or the form's name, e.g. "matters.desk"
    owner = models.CharField(max_length=80)  # "user:<id>" or "token:<hash prefix>": keys are per sender
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of what was submitted
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    location = models.CharField(max_length=300, blank=True)  # where a form's replay redirects

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["scope", "owner", "key"], name="idempotency_key_once_per_owner")
        ]

    def __str__(self):
        return f"{self.scope} {self.owner} {self.key}"


class WorkerHeartbeat(models.Model):
    """A live task worker (`manage.py db_worker`): its last sign of life. The task rows say which worker runs a
    task; a task whose worker has gone silent for TASKS_LEASE_SECONDS is reaped (quanke.core.taskqueue.reap)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("任务进程心跳")
        verbose_name_plural = _("任务进程心跳")

    def __str__(self):
        return f"{self.worker_id} {self.hostname}:{self.pid}"


class ScheduleClaim(models.Model):
    """One run of a schedule entry (quanke/core/schedule.py) at one slot: the unique key lets any number of
    schedulers tick at once and only the first enqueues the task."""

    name = models.CharField(max_length=60)
    slot = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="schedule_claim_once_per_slot")]

    def __str__(self):
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"


class MessageEvent(models.TextChoices):
    """What a resident is told, one text per event (quanke.core.message_templates renders them)."""

    MATTER_ACCEPTED = "matter_accepted", _("办件受理")
    MATTER_ROUTED = "matter_routed", _("办件流转")
    MATTER_MATERIALS = "matter_materials", _("待补正")
    MATTER_FINISHED = "matter_finished", _("办结（附评价链接）")
    MATTER_REFUSED = "matter_refused", _("不予受理（附评价链接）")
    BOOKING_CODE = "booking_code", _("预约验证码")
    BOOKING_CONFIRMED = "booking_confirmed", _("预约确认")
    BOOKING_CANCELLED = "booking_cancelled", _("预约取消")
    BOOKING_REMINDER = "booking_reminder", _("预约提醒")


class MessageTemplate(BaseModel):
    """The editable text of one event's message. Placeholders in braces ({station}, {code} …) are filled in when
    it is sent; the admin page lists the ones each event offers. Switched off, the event sends nothing."""

    event = models.CharField(_("事件"), max_length=30, choices=MessageEvent.choices, unique=True)
    body = text_field(_("短信内容"), 500)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("通知模板")
        verbose_name_plural = _("通知模板")
        ordering = ["event"]

    def __str__(self):
        return self.get_event_display()
