"""The materials checklist for one applicant and one item: what to bring, what is already on file.

Used by the desk (to tick what was handed over), by the one-time notice and by the matter's stored checklist.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from quanke.catalog.conditions import applies
from quanke.catalog.models import MaterialCondition
from quanke.matters.models import MaterialState


@dataclass
class ChecklistLine:
    material_id: int | None
    name: str
    detail: str
    note: str
    condition: str
    condition_label: str
    state: str  # MaterialState; MISSING here means "to bring"
    on_file_since: date | None = None

    @property
    def state_label(self) -> str:
        return str(MaterialState(self.state).label)

    @property
    def to_bring(self) -> bool:
        return self.state in (MaterialState.MISSING, MaterialState.IF_APPLICABLE)


def _detail(material) -> str:
    return _("%(form)s %(n)s份") % {"form": material.get_form_display(), "n": material.copies}


def resolve(item, resident, *, on: date | None = None) -> list[ChecklistLine]:
    """Every material the item asks of this applicant (None: an anonymous consultation).

    Conditional materials are resolved from the resident's registry data; a material the station already holds
    a valid copy of is marked as on file. For an unknown applicant conditional materials are listed "if
    applicable" rather than guessed.
    """
    on = on or date.today()
    receiving: set[str] = set()
    on_file: dict[str, date] = {}
    if resident is not None:
        receiving = {b.program for b in resident.benefits.all() if b.end_date is None or b.end_date >= on}
        for doc in resident.documents.all():
            if doc.is_valid_on(on):
                on_file[doc.kind] = max(on_file.get(doc.kind, doc.received_on), doc.received_on)
    lines = []
    for m in item.materials.all():
        if applies(m.condition, resident, on=on, receiving=receiving):
            state = MaterialState.ON_FILE if m.on_file and m.on_file in on_file else MaterialState.MISSING
        elif resident is None:
            state = MaterialState.IF_APPLICABLE
        else:
            continue
        lines.append(
            ChecklistLine(
                material_id=m.pk,
                name=m.name,
                detail=_detail(m),
                note=m.note,
                condition=m.condition,
                condition_label=""
                if m.condition == MaterialCondition.ALWAYS
                else str(MaterialCondition(m.condition).label),
                state=state,
                on_file_since=on_file.get(m.on_file) if state == MaterialState.ON_FILE else None,
            )
        )
    return lines
