"""The community party register (党员名册): members whose organisation relationship is here or who live here and
report from their workplace (在职党员到社区报到), their relationship's transfers in and out, and their 报到 records.

Party membership is sensitive (quanke.core.permissions.can_view_party_register): every read is audited.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanke.core import limits
from quanke.core.limits import text_field
from quanke.core.models import BaseModel, OrgUnit


class Membership(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class Relation(models.TextChoices):
    """Where the member's organisation relationship (组织关系) is."""

    HERE = "here", _("在本社区党组织")
    WORKPLACE = "workplace", _("在工作单位（到社区报到）")
    OUT = "out", _("已转出")


class PartyMember(BaseModel):
    resident = models.OneToOneField(
        "registry.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="party_member"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+")
    branch = models.CharField(_("所在党支部"), max_length=100, blank=True)
    # Blank until the letter of introduction (介绍信) is checked: a register written by a finished matter says
    # what it knows and the party worker completes it (待补录).
    membership = models.CharField(_("党员类别"), max_length=15, choices=Membership.choices, blank=True)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    full_member_on = models.DateField(_("转正日期"), null=True, blank=True)
    relation = models.CharField(_("组织关系"), max_length=10, choices=Relation.choices, default=Relation.HERE)
    relation_in_on = models.DateField(_("组织关系转入日期"), null=True, blank=True)
    relation_in_from = models.CharField(_("转入自（原党组织）"), max_length=100, blank=True)
    relation_out_on = models.DateField(_("组织关系转出日期"), null=True, blank=True)
    relation_out_to = models.CharField(_("转往党组织"), max_length=100, blank=True)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    note = text_field(_("备注"), limits.SHORT, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["unit", "branch", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(full_member_on__gte=F("joined_on")),
                name="party_member_full_after_joined",
            ),
            models.CheckConstraint(
                condition=~Q(relation="out") | Q(relation_out_on__isnull=False),
                name="party_member_out_has_date",
            ),
            models.CheckConstraint(
                condition=Q(relation_out_on__isnull=True)
                | Q(relation_in_on__isnull=True)
                | Q(relation_out_on__gte=F("relation_in_on")),
                name="party_member_out_after_in",
            ),
        ]

    def __str__(self):
        return str(self.resident)


class InServiceReport(BaseModel):
    """One 报到 of an in-service member at her home community: her unit, what she commits to, hours pledged and
    hours served since."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("报到日期"))
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    commitments = text_field(_("服务承诺"), limits.NOTE, blank=True)
    pledged_hours = models.DecimalField(
        _("承诺服务时长（小时/年）"), max_digits=6, decimal_places=1, default=0
    )
    served_hours = models.DecimalField(_("已服务时长（小时）"), max_digits=6, decimal_places=1, default=0)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("办理办件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        ordering = ["member", "-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledged_hours__gte=0) & Q(served_hours__gte=0),
                name="party_report_hours_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.member} {self.reported_on:%Y-%m-%d}"


# 《中国共产党章程》第一条: membership is open from the age of eighteen; a younger resident is never in the register.
MIN_AGE = 18

# Catalog items whose finishing writes the register (quanke.party.services.register_on_matter_finished).
TRANSFER_IN_ITEM = "PT-TRANSFER-IN"
TRANSFER_OUT_ITEM = "PT-TRANSFER-OUT"
INSERVICE_ITEM = "PT-INSERVICE-REPORT"
