"""The knowledge base (the front desk's "two binders"): policy documents, procedures, contacts and FAQs.

A document is linked to catalog items. A new version supersedes the old one without deleting it; a superseded or
expired document is kept for the record and never shown as current.
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel


class DocKind(models.TextChoices):
    POLICY = "policy", _("政策文件")
    PROCEDURE = "procedure", _("办事流程")
    CONTACT = "contact", _("联系方式")
    FAQ = "faq", _("常见问答")


class DocStatus(models.TextChoices):
    CURRENT = "current", _("现行有效")
    SUPERSEDED = "superseded", _("已失效（已被新版本替代）")
    EXPIRED = "expired", _("已失效")


# Allowed status changes, as data: a document only ever leaves the current state.
DOC_TRANSITIONS = {
    DocStatus.CURRENT: {DocStatus.SUPERSEDED, DocStatus.EXPIRED},
    DocStatus.SUPERSEDED: set(),
    DocStatus.EXPIRED: set(),
}


# Statuses under which a document can be in force, dates permitting (see DocumentQuerySet.current).
IN_FORCE_STATUSES = (DocStatus.CURRENT, DocStatus.SUPERSEDED)


class DocumentQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        """Documents in force on `on` (today by default): status current, already effective, not yet expired."""
        day = on or date.today()
        # A superseded document stays in force until its successor takes effect (its expires_on).
        return self.filter(status__in=IN_FORCE_STATUSES).filter(
            models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=day),
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gt=day),
        )


class Document(BaseModel):
    kind = models.CharField(_("类型"), max_length=10, choices=DocKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True, db_index=True)
    issuer = models.CharField(_("发布机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = text_field(_("正文"), limits.CATALOG_TEXT, blank=True)
    steps = models.JSONField(_("办理步骤"), default=list, blank=True)
    # Contacts: a repair vendor, a hospital or a department.
    organisation = models.CharField(_("单位名称"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    service_area = models.CharField(_("服务范围"), max_length=200, blank=True)
    hours = models.CharField(_("服务时间"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=DocStatus.choices, default=DocStatus.CURRENT)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("替代的旧版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    items = models.ManyToManyField(
        "catalog.Item", verbose_name=_("关联事项"), blank=True, related_name="documents"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("知识库文档")
        verbose_name_plural = _("知识库文档")
        ordering = ["kind", "-effective_from", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(expires_on__gte=models.F("effective_from")),
                name="document_expires_after_effective",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="contact") | ~models.Q(phone=""),
                name="document_contact_has_phone",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["current", "superseded", "expired"]),
                name="document_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="superseded") | models.Q(expires_on__isnull=False),
                name="document_superseded_has_end",
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title

    def is_current(self, on: date | None = None) -> bool:
        day = on or date.today()
        return (
            self.status in IN_FORCE_STATUSES
            and (self.effective_from is None or self.effective_from <= day)
            and (self.expires_on is None or self.expires_on > day)
        )

    def display_status(self, on: date | None = None) -> str:
        """What the binder would say about this sheet today."""
        day = on or date.today()
        if self.status == DocStatus.SUPERSEDED and self.expires_on is not None and self.expires_on > day:
            return str(_("现行有效（新版本将于 %(d)s 生效）") % {"d": self.expires_on.isoformat()})
        if self.status != DocStatus.CURRENT:
            return str(self.get_status_display())
        if self.expires_on is not None and self.expires_on <= day:
            return str(_("已失效（已过失效日期）"))
        if self.effective_from is not None and self.effective_from > day:
            return str(_("尚未生效"))
        return str(DocStatus.CURRENT.label)

    def versions(self) -> list["Document"]:
        """The whole chain, newest first: later versions, this one, then the ones it replaced."""
        newer, doc = [], self
        while True:
            nxt = Document.objects.filter(supersedes=doc).first()
            if nxt is None:
                break
            newer.append(nxt)
            doc = nxt
        older, doc = [], self
        while doc.supersedes_id:
            doc = doc.supersedes
            older.append(doc)
        return list(reversed(newer)) + [self] + older
