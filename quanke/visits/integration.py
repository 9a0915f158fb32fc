"""The seam between home visits and matters (办件), through the matters app's own services and selectors.

At a visit a worker may accept the booked item as a matter, accept a need she noticed on the spot (未诉先办,
channel 入户), and hand in the missing materials of the household's matters that wait for them (待补正), which
resumes those matters. Everything happens in the visit's one transaction: a refused step saves nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from quanke.catalog.models import Handling
from quanke.core import permissions
from quanke.core.models import Notification
from quanke.matters import selectors as matter_selectors
from quanke.matters import services as matter_services
from quanke.matters.models import OPEN_STATUSES, Channel, MaterialState, Matter, Status
from quanke.visits import services
from quanke.visits.models import VisitMatter, VisitMatterRole

MATTERS_ENABLED = True


def can_accept_at_visit(actor) -> bool:
    return permissions.can_take_intake(actor)


def _may_hand_in(actor, matter: Matter) -> bool:
    """Whether the actor may record that the missing materials arrived (the matters app checks it again)."""
    if matter.status != Status.AWAITING_MATERIALS:
        return False
    if permissions.can_act_at_desk(actor, matter):
        return True
    return matter.paused_from == Status.IN_PROGRESS and permissions.can_handle_matter(actor, matter)


def pending_materials(*, actor, household) -> list[dict]:
    """The household's matters waiting for materials that this worker may take in, with the missing lines."""
    matters = (
        matter_selectors.matters_for(actor=actor)
        .filter(resident__household=household, status=Status.AWAITING_MATERIALS)
        .select_related("item", "resident")
        .prefetch_related("materials")
        .order_by("accepted_at", "id")
    )
    rows = []
    for m in matters:
        if not _may_hand_in(actor, m):
            continue
        missing = [line for line in m.materials.all() if line.state == MaterialState.MISSING]
        rows.append({"matter": m, "materials": missing})
    return rows


def _matter_url(matter) -> str:
    try:
        return reverse("matters:detail", args=[matter.tracking_code])
    except NoReverseMatch:
        return "#"


def visit_matters(*, actor, visit) -> list[dict]:
    visible = set(matter_selectors.matters_for(actor=actor).values_list("pk", flat=True))
    links = visit.matter_links.select_related("matter__item").order_by("id")
    return [
        {"label": link.get_role_display(), "matter": link.matter, "url": _matter_url(link.matter)}
        for link in links
        if link.matter_id in visible
    ]


def notifications_about(booking) -> list:
    return list(
        Notification.objects.filter(object_type="visits.booking", object_id=str(booking.pk)).order_by(
            "created_at", "id"
        )
    )


def open_matters_by_household(unit) -> dict[int, int]:
    """Open matters of each household's residents, for the plan's 'open needs'."""
    from django.db.models import Count

    rows = (
        Matter.objects.filter(unit=unit, status__in=list(OPEN_STATUSES), resident__isnull=False)
        .values("resident__household")
        .annotate(n=Count("id"))
    )
    return {r["resident__household"]: r["n"] for r in rows}


def _then(item) -> str:
    if item.handling == Handling.REFUSED:
        raise ValidationError(
            _("社区不予出具“%(item)s”，不能受理为办件：%(why)s")
            % {"item": item.name, "why": item.refusal_note}
        )
    return "route" if item.handling == Handling.ROUTED else "keep"


def _accept(*, actor, item, resident, text: str, at):
    try:
        return matter_services.intake(
            actor=actor,
            then=_then(item),
            item=item,
            channel=Channel.HOME,
            resident=resident,
            request_text=text,
            at=at,
        )
    except matter_services.TransitionRefused as exc:
        raise ValidationError(exc.message) from None


def record_visit(
    *,
    actor,
    household,
    data: dict,
    booking=None,
    plan_entry=None,
    booking_to_matter: bool = False,
    materials=(),
):
    """Record the visit and, in the same transaction, the matters it starts or moves on."""
    spawn = [n for n in data["needs"] if n.get("spawn")]
    if (spawn or booking_to_matter) and not can_accept_at_visit(actor):
        raise ValidationError(_("您的岗位不能受理办件，请只记录需求，由前台受理。"))
    for n in spawn:
        if n.get("item") is None:
            raise ValidationError(_("当场受理为办件时须选择对应事项：%(d)s") % {"d": n["description"]})
    members = list(household.members.all())
    head = next((m for m in members if m.relation == "head"), members[0] if members else None)
    pending = {str(p["matter"].pk): p["matter"] for p in pending_materials(actor=actor, household=household)}
    chosen = [pending[m] for m in materials if m in pending]
    if len(chosen) != len(set(materials)):
        raise ValidationError(_("所选办件不在待补正状态或您无权收取其材料。"))
    with transaction.atomic():
        visit = services.visit_record(
            actor=actor,
            household=household,
            visited_at=data["visited_at"],
            met=list(data["met"]),
            met_others=data["met_others"],
            observations=data["observations"],
            systolic=data["systolic"],
            diastolic=data["diastolic"],
            pulse=data["pulse"],
            bp_resident=data["bp_resident"],
            needs=data["needs"],
            handouts=data["handouts"],
            forms_filled=data["forms_list"],
            booking=booking,
            plan_entry=plan_entry,
            before_booking_confirmed=data.get("before_booking_confirmed", False),
        )
        at = visit.visited_at
        if booking_to_matter and booking is not None and booking.item_id:
            matter = _accept(
                actor=actor,
                item=booking.item,
                resident=booking.resident or head,
                text=booking.request_text or _("电话预约上门：%(item)s") % {"item": booking.item.name},
                at=at,
            )
            VisitMatter.objects.create(visit=visit, matter=matter, role=VisitMatterRole.BOOKING)
        needs = list(visit.needs.order_by("id"))
        for need, row in zip(needs, data["needs"], strict=True):
            if not row.get("spawn"):
                continue
            matter = _accept(
                actor=actor,
                item=row["item"],
                resident=row.get("resident") or head,
                text=_("入户走访发现：%(d)s") % {"d": need.description},
                at=at,
            )
            need.matter = matter
            need.save(update_fields=["matter"])
            VisitMatter.objects.create(visit=visit, matter=matter, role=VisitMatterRole.NEED)
        for matter in chosen:
            names = "、".join(
                line.name for line in matter.materials.all() if line.state == MaterialState.MISSING
            )
            try:
                matter_services.matter_materials_received(
                    actor=actor,
                    matter=matter,
                    in_person=False,  # the worker came to the resident: no trip for her
                    note=_("入户走访时收取：%(names)s") % {"names": names},
                    at=at,
                )
            except matter_services.TransitionRefused as exc:
                raise ValidationError(exc.message) from None
            VisitMatter.objects.create(visit=visit, matter=matter, role=VisitMatterRole.MATERIALS)
    return visit
