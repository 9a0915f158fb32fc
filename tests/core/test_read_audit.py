"""Every read of one person's record writes exactly one read audit row, whatever the entry point (web or API),
because the selector that selects the record for display writes it (core.audit.audit_read); a refused read
(another community) answers 403/404 and writes no read row of the record.

The walk below is checked against every named URL pattern and every API operation: each is either walked or
excluded with its reason (a list of many people, masked as every list is; a write, audited by its service; no
personal data), so a new page or endpoint that shows a person cannot be left unaudited by being forgotten here.
The admin's pages are audited by core.admin_audit (tests/core/test_admin_audit.py)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls import reverse as url
from django.utils import timezone

from quanke.api.models import ApiToken
from quanke.core.models import AuditEvent, Role
from quanke.visits.models import Booking, Visit
from tests.assistance.households import household, member
from tests.conftest import make_resident, make_user
from tests.support import login

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- The objects read: each factory makes one record of community A and returns (path, record). -------------


def _resident(cast):
    return make_resident(cast.community_a, "孔繁荣", phone="13912345678")


def resident_page(cast):
    r = _resident(cast)
    return url("registry:resident_detail", args=[r.pk]), r


def resident_edit_page(cast):
    r = _resident(cast)
    return url("registry:resident_edit", args=[r.pk]), r


def resident_api(cast):
    r = _resident(cast)
    return f"/api/residents/{r.pk}", r


def assessment_api(cast):
    r = member(household(cast.community_a, "RA-1"), "贺桂兰", income="100")
    return f"/api/assistance/assessment/{r.pk}", r


def _finding(cast):
    from quanke.assistance import services
    from quanke.assistance.models import Finding

    member(household(cast.community_a, "RF-1"), "蔡德明", income="100")
    services.assistance_scan(actor=None, on=timezone.localdate())
    return Finding.objects.filter(unit=cast.community_a).order_by("pk").first()


def finding_page(cast):
    f = _finding(cast)
    return url("assistance:finding_detail", args=[f.pk]), f


def finding_api(cast):
    f = _finding(cast)
    return f"/api/assistance/findings/{f.pk}", f


def _application(cast, *, refused=False):
    from quanke.assistance import services

    r = member(household(cast.community_a, "RP-1"), "邹丽华", income="3200")
    at = datetime.combine(timezone.localdate() - timedelta(days=4), time(10), tzinfo=SHANGHAI)
    app = services.application_open(actor=cast.desk_a, resident=r, program="dibao", at=at)
    if refused:
        app = services.application_refuse(
            actor=cast.street_handler, application=app, reasons="家庭人均收入高于当地低保标准。"
        )
    return app


def application_page(cast):
    a = _application(cast)
    return url("assistance:application_detail", args=[a.pk]), a


def application_notice_page(cast):
    a = _application(cast, refused=True)
    return url("assistance:application_notice", args=[a.pk]), a


def application_api(cast):
    a = _application(cast)
    return f"/api/assistance/applications/{a.pk}", a


def _case(cast):
    from quanke.casework import services

    return services.case_open(
        actor=cast.desk_a,
        resident=_resident(cast),
        origin_kind="visit",
        origin_reference="VR-1",
        presenting_problem="独居，近期情绪低落。",
    )


def case_page(cast):
    c = _case(cast)
    return url("casework:case_detail", args=[c.pk]), c


def case_api(cast):
    c = _case(cast)
    return f"/api/casework/cases/{c.pk}", c


def _slot():
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    return start, start + timedelta(minutes=30)


def booking_page(cast):
    r = _resident(cast)
    start, end = _slot()
    b = Booking.objects.create(
        unit=cast.community_a,
        resident=r,
        caller_name=r.name,
        caller_phone=r.phone,
        address=r.household.address,
        request_text="量血压",
        worker=cast.desk_a,
        slot_start=start,
        slot_end=end,
        created_by=cast.desk_a,
    )
    return url("visits:booking_detail", args=[b.pk]), b


def visit_page(cast):
    r = _resident(cast)
    v = Visit.objects.create(
        unit=cast.community_a, household=r.household, worker=cast.desk_a, visited_at=timezone.now()
    )
    return url("visits:visit_detail", args=[v.pk]), v


def volunteer_page(cast):
    from quanke.network.models import Volunteer

    v = Volunteer.objects.create(
        unit=cast.community_a, name="严志刚", phone="13700001111", registered_on=timezone.localdate()
    )
    return url("network:volunteer_detail", args=[v.pk]), v


def _matter(cast):
    from tests.matters.conftest import accept

    return accept(cast.desk_a, resident=_resident(cast))


def matter_page(cast):
    m = _matter(cast)
    return url("matters:detail", args=[m.tracking_code]), m


def matter_notice_page(cast):
    m = _matter(cast)
    return url("matters:notice", args=[m.tracking_code]), m


def matter_notice_pdf(cast):
    m = _matter(cast)
    return url("matters:notice_pdf", args=[m.tracking_code]), m


def matter_receipt_page(cast):
    m = _matter(cast)
    return url("matters:receipt", args=[m.tracking_code]), m


def matter_api(cast):
    m = _matter(cast)
    return f"/api/matters/{m.tracking_code}", m


def matter_timeline_api(cast):
    m = _matter(cast)
    return f"/api/matters/{m.tracking_code}/timeline", m


def booking_address_lookup(cast):
    r = _resident(cast)
    return url("visits:booking_resident_address") + f"?resident={r.pk}", r


def visit_form_page(cast):
    r = _resident(cast)
    return url("visits:visit_new") + f"?household={r.household_id}", r.household


def notice_preview_page(cast):
    r = _resident(cast)
    return url("matters:notice_preview") + f"?item=SA-DIBAO&resident={r.pk}", r


def notice_preview_pdf(cast):
    path, r = notice_preview_page(cast)
    return path + "&format=pdf", r


def _meal_card(cast):
    from quanke.meals.models import MealCard

    r = _resident(cast)
    return MealCard.objects.create(
        resident=r, unit=r.unit, number="ZC-T-1", issued_on=timezone.localdate(), category="gaoling"
    )


def meal_card_page(cast):
    c = _meal_card(cast)
    return url("meals:card_detail", args=[c.pk]), c


def meal_card_edit_page(cast):
    c = _meal_card(cast)
    return url("meals:card_edit", args=[c.pk]), c


def _party_member(cast):
    from quanke.party.models import PartyMember

    r = _resident(cast)
    return PartyMember.objects.create(resident=r, unit=r.unit, branch="第一党支部", membership="full")


def meal_card_api(cast):
    c = _meal_card(cast)
    return f"/api/meals/cards/{c.pk}", c


def party_member_api(cast):
    m = _party_member(cast)
    return f"/api/party/members/{m.pk}", m


def party_member_page(cast):
    m = _party_member(cast)
    return url("party:member_detail", args=[m.pk]), m


def party_member_edit_page(cast):
    m = _party_member(cast)
    return url("party:member_edit", args=[m.pk]), m


# --- The walk: route → (reader in community A, refused user of another community, factory). ------------------
# Web routes are URL names; API routes are "GET /api<prefix><path>" as the API declares them.

WALK = {
    "registry:resident_detail": ("desk_a", "desk_b", resident_page),
    "registry:resident_edit": ("desk_a", "desk_b", resident_edit_page),
    "GET /api/residents/{resident_id}": ("desk_a", "desk_b", resident_api),
    "GET /api/assistance/assessment/{resident_id}": ("desk_a", "desk_b", assessment_api),
    "assistance:finding_detail": ("back_a", "back_b", finding_page),
    "GET /api/assistance/findings/{finding_id}": ("back_a", "back_b", finding_api),
    "assistance:application_detail": ("desk_a", "desk_b", application_page),
    "assistance:application_notice": ("desk_a", "desk_b", application_notice_page),
    "GET /api/assistance/applications/{application_id}": ("desk_a", "desk_b", application_api),
    "casework:case_detail": ("desk_a", "desk_b", case_page),
    "GET /api/casework/cases/{case_id}": ("desk_a", "desk_b", case_api),
    "visits:booking_detail": ("desk_a", "desk_b", booking_page),
    "visits:visit_detail": ("desk_a", "desk_b", visit_page),
    "visits:booking_resident_address": ("desk_a", "desk_b", booking_address_lookup),
    "visits:visit_new": ("desk_a", "desk_b", visit_form_page),
    "matters:notice_preview": ("desk_a", "desk_b", notice_preview_page),
    "network:volunteer_detail": ("desk_a", "desk_b", volunteer_page),
    "meals:card_detail": ("desk_a", "desk_b", meal_card_page),
    "meals:card_edit": ("desk_a", "desk_b", meal_card_edit_page),
    "GET /api/meals/cards/{card_id}": ("desk_a", "desk_b", meal_card_api),
    "GET /api/party/members/{member_id}": ("head_a", "desk_a", party_member_api),
    # Party membership: the station head reads it; the front desk of the same community is refused.
    "party:member_detail": ("head_a", "desk_a", party_member_page),
    "party:member_edit": ("head_a", "desk_a", party_member_edit_page),
}

# The same route once more, as the PDF it prints.
VARIANTS = {"matters:notice_preview (pdf)": ("desk_a", "desk_b", notice_preview_pdf)}

# The matter reads are audited by the matters app's selector (a separate piece of work on this issue).
MATTER_WALK = {
    "matters:detail": ("desk_a", "desk_b", matter_page),
    "matters:notice": ("desk_a", "desk_b", matter_notice_page),
    "matters:notice_pdf": ("desk_a", "desk_b", matter_notice_pdf),
    "matters:receipt": ("desk_a", "desk_b", matter_receipt_page),
    "GET /api/matters/{code}": ("desk_a", "desk_b", matter_api),
    "GET /api/matters/{code}/timeline": ("desk_a", "desk_b", matter_timeline_api),
}

POST_ONLY = "POST only: a write, audited by its service as a write"
LIST = "a list of many people: names and masked numbers, as every list; each record's own page is walked"
NO_PERSON = "no personal data"
API_WRITE = "a write, audited by its service (the row names the record); the answer is the record written"
EXCLUDED = {
    "meals:card_list": LIST,
    "GET /api/meals/cards": LIST,
    "GET /api/party/members": "the register: masked numbers; one READ_SENSITIVE row names who was listed",
    "meals:rate_list": "the subsidy rates: no personal data",
    "meals:card_new": "the issue-a-card form: the resident's name only, the write is audited by its service",
    "party:member_list": "the register: masked numbers; one READ_SENSITIVE row names who was listed",
    "party:member_new": "the register-a-member form: the resident's name only, the write is audited by its service",
    # Forms that start a write for a resident: they name her (name, household, address, as the lists do) and the
    # write that follows is audited; her record itself is read on her page.
    "assistance:application_new": "the form to open an application: the resident's name and household only",
    "casework:case_open": "the form to open a case: the resident's name and address only",
    # Prints of many people's records: one read row per application, tests/assistance/test_publicity_sheet.py.
    "assistance:application_publicity": "the 公示 sheet: masked names, one read row per application shown",
    # Records that are not one person's.
    "catalog:item_detail": "a catalog item: no personal data",
    "catalog:item_toggle": POST_ONLY,
    "catalog:kb_detail": "a knowledge-base document: no personal data",
    "catalog:kb_supersede": "a knowledge-base document: no personal data",
    "intake:item_panel": "a catalog item's panel at the desk: no personal data",
    "network:organisation_detail": "an organisation: its contact person is its public contact, not a resident",
    "network:activity_detail": "an activity: participants' names only, as on the lists, no contact or ID data",
    "network:activity_photo": "an activity's photo, served only to those who may see the activity",
    "visits:plan_detail": "a visit plan: counts of households per worker, not one person's record",
    "visits:plan_route": "a visit plan's route list over many households, like the list pages",
    "reports:dashboard_unit": "statistics of a unit: no personal data",
    "reports:indicator_csv": "statistics of a unit: no personal data",
    "reports:export_create": "statistics export of a unit: figures only, audited as an export",
    "reports:matter_list": "the matters behind a figure: codes, items and dates, no names",
    "reports:export_job": "an export job's state: no personal data",
    "reports:export_download": "a statistics workbook: figures only",
    "GET /api/catalog/items/{code}": "a catalog item: no personal data",
    "GET /api/residents/tags": "the tags the caller may use: no personal data",
    # The residents' online booking (/m/book/, no login): the booking is read only through its signed link.
    "public:book_start": "the list of stations residents may book at: no personal data",
    "public:book_station": "a station's open slots and the empty booking form; posting it is audited as a write",
    "public:book_verify": "the code form: only the phone's last 4 digits; confirming is audited by booking_create",
    "public:book_manage": "the resident's own booking by its signed link, name masked; every showing writes a read "
    "row (tests/public/test_booking_views.py)",
    "healthz": "the load balancer's probe: database, queue and disk figures, no personal data",
    "core:otp_setup": "the signed-in worker's own second-factor enrolment: no resident data",
    "core:otp_verify": "the signed-in worker's own second-factor code: no resident data",
    "GET /api/reports/units/{code}": "statistics of a unit: no personal data",
    # The import preview: one read row when the plan (registered residents' current values) is computed,
    # tests/registry/test_import_preview.py; only the uploader's own batch, by an unguessable token.
    "registry:import_batch": "an import preview: its read row is written when the plan is computed",
    "registry:import_errors": "an import's error report: row numbers and messages about the uploaded file",
    "registry:import_confirm": POST_ONLY,
    # Writes.
    "assistance:finding_decide": POST_ONLY,
    "assistance:review_record": POST_ONLY,
    "assistance:application_step": POST_ONLY,
    "casework:case_action": POST_ONLY,
    "matters:act": POST_ONLY,
    "visits:booking_reassign": POST_ONLY,
    "visits:booking_cancel": POST_ONLY,
    "visits:booking_no_show": POST_ONLY,
    "visits:duty_remove": POST_ONLY,
    "visits:plan_adjust": POST_ONLY,
    "visits:visit_need_resolve": POST_ONLY,
    "visits:duty_fill": POST_ONLY,
    "network:ledger_receive": "a form and its write (a resource received), audited by its service",
    "network:ledger_disburse": "a form and its write (a resource handed out), audited by its service",
    "core:logout": "signing out: no personal data",
    "core:login": "the sign-in page: no personal data (sign-ins are audited by the login work)",
    # Forms that create a record: an empty form, then a write its service audits.
    "registry:resident_create": "the new-resident form: empty until posted, the write is audited",
    "registry:resident_import": "the import form: the import is audited as an import",
    "registry:import_template": "the import template: column headings only",
    "visits:booking_new": "the booking form: residents are picked through the masked picker",
    "network:volunteer_create": "the new-volunteer form: empty until posted, the write is audited",
    "network:organisation_create": "the new-organisation form: no personal data",
    "network:activity_create": "the new-activity form: empty until posted, the write is audited",
    "matters:desk": "the desk form: the picked resident's name, age and address only, as the lists show",
    # Pickers and partials: masked matches or no personal data.
    "matters:desk_residents": "the desk's resident picker: names and masked numbers, as the lists",
    "visits:booking_residents": "the booking form's resident picker: names and masked numbers, as the lists",
    "matters:item_picker": "the desk's item box: catalog items only",
    "matters:desk_checklist": "an item's materials at the desk, before anything is accepted or printed",
    "visits:booking_slots": "free slots of a day: staff names only",
    "intake:assistant": "the intake assistant: catalog items and documents only",
    "intake:suggest": "item suggestions: catalog items only",
    "intake:search": "knowledge search: documents only",
    # Lists of many people: names and masked numbers (tests of each app), no full record.
    "registry:resident_list": LIST,
    "visits:booking_list": LIST,
    "visits:visit_list": LIST,
    "visits:overdue_list": LIST,
    "visits:plan_list": LIST,
    "assistance:finding_list": LIST,
    "assistance:review_list": LIST,
    "assistance:application_list": LIST,
    "assistance:publicity_sheet": "the 公示 sheet: masked names and numbers, one read row per application",
    "matters:list": LIST,
    "matters:queue": LIST,
    "matters:head": LIST,
    "casework:case_list": LIST,
    "casework:approvals": LIST,
    "network:volunteer_list": LIST,
    "network:team_list": LIST,
    "network:match": "volunteers matched to a need: names of volunteers, no resident",
    "network:activity_list": LIST,
    "network:organisation_list": "organisations and their public contacts: no resident",
    "visits:stock_ledger": "the stock ledger: recipients of sensitive supplies hidden, their reads audited as such",
    # The residents' pages (/m/, no login). A look-up shows one matter with the masked name after verification: it
    # is audited with an anonymous actor, found or not (tests/public/test_track.py), as is the rating link.
    "public:home": NO_PERSON,
    "public:guide": "the service guide: catalog items only",
    "public:guide_item": "the service guide: catalog items only",
    "public:guide_notice_pdf": "the one-time notice of an item, for nobody in particular",
    "public:check": "the self-check: the answers are neither stored nor about a registered person",
    "public:track": "the resident's own look-up: masked name and steps, audited anonymously (tests/public)",
    "public:rate": "the resident's rating link: masked name and steps, audited anonymously (tests/public)",
    "public_staff:rectification_list": LIST,
    "public_staff:rectification_detail": "a rating's follow-up: the applicant's masked name, no record shown",
    # No personal data.
    "core:home": NO_PERSON,
    "core:audit_list": "the audit trail: administrators only; it names records, it does not show them",
    "catalog:item_list": NO_PERSON,
    "catalog:kb_list": NO_PERSON,
    "reports:dashboard": NO_PERSON,
    "reports:definitions": NO_PERSON,
    "visits:index": NO_PERSON,
    "visits:duty_week": "the duty roster: staff names and office phones",
    "visits:stats": "visit statistics: counts",
    "visits:stock": "stock levels: counts",
    "network:overview": NO_PERSON,
    "network:ledger": "resource ledger totals: organisations and amounts",
    # API lists: names and masked numbers, as the web lists.
    "GET /api/residents/": LIST,
    "GET /api/matters/": LIST,
    "GET /api/casework/cases": LIST,
    "GET /api/assistance/findings": LIST,
    "GET /api/assistance/applications": LIST,
    # API operations with no personal data.
    "GET /api/catalog/items": NO_PERSON,
    "GET /api/reports/indicators": NO_PERSON,
    "GET /api/visits/slots": "free slots: staff names only",
    "GET /api/visits/on-duty": "who is on duty: staff names and phones",
    "GET /api/intake/suggest": NO_PERSON,
    "GET /api/knowledge/search": NO_PERSON,
    "GET /api/casework/network/totals": "figures only",
    # API writes: the service audits the write, which names the record; the answer is that record.
    "POST /api/visits/bookings": API_WRITE,
    "POST /api/matters/": API_WRITE,
    "POST /api/matters/{code}/actions/{action}": API_WRITE,
    "POST /api/assistance/findings/{finding_id}/decide": API_WRITE,
    "POST /api/assistance/applications": API_WRITE,
    "POST /api/assistance/applications/{application_id}/investigate": API_WRITE,
    "POST /api/assistance/applications/{application_id}/publicize": API_WRITE,
    "POST /api/assistance/applications/{application_id}/approve": API_WRITE,
    "POST /api/assistance/applications/{application_id}/refuse": API_WRITE,
    "POST /api/assistance/applications/{application_id}/refer_to_county": API_WRITE,
    "POST /api/assistance/applications/{application_id}/notice_delivered": API_WRITE,
}


def _web_routes(patterns, namespace=""):
    """Every named web route but the admin's (core.admin_audit) and the API's (walked as operations below)."""
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "api") or str(p.pattern).startswith(("admin/", "api/", "i18n/")):
                continue
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _web_routes(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def _api_operations():
    """Every operation of the API, as "METHOD /api<prefix><path>"."""
    from quanke.api.api import api

    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    yield f"{method} /api{prefix}{path}"


def test_every_route_and_api_operation_is_walked_or_excluded_with_a_reason():
    routes = set(_web_routes(get_resolver().url_patterns)) | set(_api_operations())
    listed = WALK.keys() | MATTER_WALK.keys() | EXCLUDED.keys()
    assert sorted(routes - listed) == [], "walk it below or exclude it with the reason"
    assert sorted(listed - routes) == [], "no such route any more"
    assert not (WALK.keys() | MATTER_WALK.keys()) & EXCLUDED.keys()
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_check_sees_every_named_route_and_api_operation():
    from django.urls import path

    patterns = [path("x/<int:pk>/", lambda r, pk: None, name="x"), path("y/", lambda r: None, name="y")]
    assert list(_web_routes(patterns, "demo")) == ["demo:x", "demo:y"]
    assert {"POST /api/matters/", "GET /api/residents/{resident_id}"} <= set(_api_operations())


@pytest.fixture
def back_b(cast):
    return make_user("back_b", cast.community_b, [Role.BACK_OFFICE], ["assistance", "disability"])


def _get(client, route: str, path: str, user):
    if route.startswith("GET /api"):
        _token, key = ApiToken.issue(user=user, name="测试")
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    return login(client, user).get(path)


def _reads_of(obj):
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.READ,
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
        object_id=str(obj.pk),
    )


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _walk_allowed(client, cast, route, reader, factory):
    path, obj = factory(cast)
    start = _last_event_id()  # set-up may have read on its own; the trail cannot be emptied
    user = getattr(cast, reader)
    response = _get(client, route, path, user)
    assert response.status_code == 200, response.content[:300]
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.READ, pk__gt=start)
    assert [(e.actor, e.object_type, e.object_id) for e in reads] == [
        (user, f"{obj._meta.app_label}.{obj._meta.model_name}", str(obj.pk))
    ]
    row = reads.get()
    # A second request is a second read.
    assert _get(client, route, path, user).status_code == 200
    assert _reads_of(obj).count() == 2
    return row


def _walk_refused(client, cast, route, refused, factory, users):
    path, obj = factory(cast)
    user = users.get(refused) or getattr(cast, refused)
    before = _reads_of(obj).count()
    response = _get(client, route, path, user)
    assert response.status_code in (403, 404)
    assert _reads_of(obj).count() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.READ, actor=user).exists()


@pytest.mark.parametrize("route", sorted(WALK | VARIANTS))
def test_a_detail_read_writes_one_read_row_naming_the_record(client, cast, back_b, route):
    reader, _refused, factory = (WALK | VARIANTS)[route]
    row = _walk_allowed(client, cast, route, reader, factory)
    # The entry point is named (core.audit.audit_read): "api" over the API, the page otherwise.
    via = row.changes["via"]
    assert via == "api" if route.startswith("GET /api") else via and via != "api"


@pytest.mark.parametrize("route", sorted(WALK | VARIANTS))
def test_a_refused_detail_read_writes_no_read_row(client, cast, back_b, route):
    _reader, refused, factory = (WALK | VARIANTS)[route]
    _walk_refused(client, cast, route, refused, factory, {"back_b": back_b})


@pytest.mark.parametrize("route", sorted(MATTER_WALK))
def test_matter_reads_audited(client, cast, back_b, route):
    reader, refused, factory = MATTER_WALK[route]
    _walk_allowed(client, cast, route, reader, factory)
    _walk_refused(client, cast, route, refused, factory, {"back_b": back_b})
