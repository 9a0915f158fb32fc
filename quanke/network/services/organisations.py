"""Social organisations, their agreements with the station, and the partner staff who act for them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.network.models import (
    Agreement,
    OrganisationKind,
    PartnerStaff,
    ServiceKind,
    SocialOrganisation,
)
from quanke.network.services.cleaning import A, clean_choices


def organisation_create(
    *,
    actor,
    unit,
    name: str,
    kind: str,
    services=(),
    service_area=(),
    contact_person: str = "",
    phone: str = "",
    address: str = "",
    note: str = "",
) -> SocialOrganisation:
    permissions.require(permissions.can_manage_network(actor, unit))
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("请选择组织类型。")})
    if SocialOrganisation.objects.filter(unit=unit, name=name.strip()).exists():
        raise ValidationError({"name": _("该合作方已在名录中。")})
    with transaction.atomic():
        org = SocialOrganisation.objects.create(
            unit=unit,
            name=name.strip(),
            kind=kind,
            services=clean_choices(services, ServiceKind.values, "services"),
            contact_person=contact_person,
            phone=phone,
            address=address,
            note=note,
        )
        if service_area:
            org.service_area.set(service_area)
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=org,
            changes={
                **snapshot(org, ["name", "kind", "services"]),
                "service_area": [u.pk for u in service_area],
            },
        )
    return org


def agreement_add(
    *,
    actor,
    organisation: SocialOrganisation,
    title: str,
    start_on: date,
    end_on: date | None = None,
    note="",
) -> Agreement:
    permissions.require(permissions.can_manage_network(actor, organisation.unit))
    if end_on is not None and end_on < start_on:
        raise ValidationError({"end_on": _("到期日期不能早于生效日期。")})
    with transaction.atomic():
        agreement = Agreement.objects.create(
            organisation=organisation, title=title, start_on=start_on, end_on=end_on, note=note
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=agreement,
            unit=organisation.unit,
            changes=snapshot(agreement, ["organisation", "title", "start_on", "end_on"]),
        )
    return agreement


def partner_staff_link(*, actor, user, organisation: SocialOrganisation) -> PartnerStaff:
    """Give a login to a partner's staff member. Only a head (or admin) of the organisation's unit may."""
    permissions.require(permissions.can_link_partner_staff(actor, organisation))
    if not permissions.can_be_partner_staff(user):
        raise ValidationError({"user": _("合作方人员账号不能同时拥有工作人员角色。")})
    with transaction.atomic():
        link, _created = PartnerStaff.objects.update_or_create(
            user=user, defaults={"organisation": organisation}
        )
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=link,
            unit=organisation.unit,
            changes={"user": user.pk, "organisation": organisation.pk},
        )
    return link
