"""Group activities: created, volunteers credited with hours, photos attached."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record, snapshot
from quanke.network.models import (
    Activity,
    ActivityPhoto,
    ServiceRecord,
)
from quanke.network.services.cleaning import A, positive


def activity_create(
    *,
    actor,
    unit,
    title: str,
    kind: str,
    held_on: date,
    place: str,
    hours,
    service_kind: str = "",
    outcome: str = "",
    organiser_workers=(),
    organiser_organisations=(),
    participant_residents=(),
    participant_volunteers=(),
    extra_participants: int = 0,
) -> Activity:
    """Record an activity. Each participating volunteer is credited the activity's hours (one person-time)."""
    permissions.require(permissions.can_manage_network(actor, unit))
    hours = positive(hours, "hours", _("活动时长"))
    for r in participant_residents:
        permissions.require(
            permissions.unit_in_scope(actor, r.unit) or permissions.unit_in_scope(actor, unit)
        )
    with transaction.atomic():
        activity = Activity.objects.create(
            unit=unit,
            title=title,
            kind=kind,
            service_kind=service_kind,
            held_on=held_on,
            place=place,
            hours=hours,
            outcome=outcome,
            extra_participants=extra_participants,
            created_by=actor,
        )
        activity.organiser_workers.set(organiser_workers)
        activity.organiser_organisations.set(organiser_organisations)
        activity.participant_residents.set(participant_residents)
        audit_record(
            actor=actor,
            action=A.CREATE,
            obj=activity,
            changes={
                **snapshot(activity, ["title", "kind", "held_on", "place", "hours"]),
                "residents": [r.pk for r in participant_residents],
                "volunteers": [v.pk for v in participant_volunteers],
            },
        )
        activity_add_volunteers(actor=actor, activity=activity, volunteers=participant_volunteers)
    return activity


def activity_add_volunteers(*, actor, activity: Activity, volunteers) -> list[ServiceRecord]:
    permissions.require(permissions.can_manage_network(actor, activity.unit))
    already = set(activity.service_records.values_list("volunteer_id", flat=True))
    records = []
    with transaction.atomic():
        for volunteer in volunteers:
            if volunteer.pk in already:
                continue
            activity.participant_volunteers.add(volunteer)
            records.append(
                ServiceRecord.objects.create(
                    volunteer=volunteer,
                    unit=activity.unit,
                    served_on=activity.held_on,
                    hours=activity.hours,
                    service_kind=activity.service_kind,
                    activity=activity,
                    description=activity.title,
                    recorded_by=actor,
                )
            )
        if records:
            audit_record(
                actor=actor,
                action=A.UPDATE,
                obj=activity,
                changes={"volunteers_added": [r.volunteer_id for r in records]},
            )
    return records


PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


PHOTO_MAX_BYTES = 8 * 1024 * 1024


def photo_content_type(head: bytes) -> str | None:
    """The image type by its magic bytes (what the file is, not what its name or the browser says)."""
    for signature, content_type in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def activity_photo_add(*, actor, activity: Activity, upload, caption: str = "") -> ActivityPhoto:
    permissions.require(permissions.can_manage_network(actor, activity.unit))
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"file": _("照片不能超过 8 MB。")})
    head = upload.read(16)
    upload.seek(0)
    content_type = photo_content_type(head)
    if content_type is None:
        raise ValidationError({"file": _("只支持 JPEG、PNG 或 WebP 格式的照片。")})
    with transaction.atomic():
        photo = ActivityPhoto(activity=activity, content_type=content_type, caption=caption)
        photo.file.save(upload.name, upload, save=False)
        photo.save()
        audit_record(
            actor=actor, action=A.CREATE, obj=photo, unit=activity.unit, changes={"activity": activity.pk}
        )
    return photo
