"""One place decides what a user may see and do.

Personal records are scoped to the actor's unit subtree (a community worker sees her community, a street user her
street). The county viewer reads statistics only, never personal records. Sensitive tags and supplies are shown
only to roles that need them. Views and selectors call these functions; nothing else decides access.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from quanke.core.models import OrgUnit, Role, Specialty, UnitLevel

PERSONAL_DATA_ROLES = (Role.FRONT_DESK, Role.BACK_OFFICE, Role.STATION_HEAD, Role.DEPT_HANDLER, Role.ADMIN)
EDIT_RESIDENT_ROLES = (Role.FRONT_DESK, Role.BACK_OFFICE, Role.STATION_HEAD, Role.ADMIN)
IMPORT_ROLES = (Role.BACK_OFFICE, Role.STATION_HEAD, Role.ADMIN)
STATISTICS_ROLES = (Role.STATION_HEAD, Role.COUNTY_VIEWER, Role.ADMIN, Role.DEPT_HANDLER)


def _active(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active and actor.unit_id)


def can_view_personal_data(actor) -> bool:
    return _active(actor) and actor.has_role(*PERSONAL_DATA_ROLES)


def can_edit_residents(actor) -> bool:
    return _active(actor) and actor.has_role(*EDIT_RESIDENT_ROLES)


def can_import_residents(actor) -> bool:
    return _active(actor) and actor.has_role(*IMPORT_ROLES)


def can_move_resident(actor, resident, to_unit) -> bool:
    """Moving a resident registered in another community into `to_unit` (迁入): a registry manager (those who may
    import) of the destination community. The source community need not be in her scope (the resident presents
    herself at the new community); the move keeps the record and its history and is audited."""
    return (
        can_import_residents(actor)
        and to_unit is not None
        and to_unit.level == UnitLevel.COMMUNITY
        and unit_in_scope(actor, to_unit)
        and resident.unit_id != to_unit.pk
    )


def can_view_statistics(actor) -> bool:
    return _active(actor) and actor.has_role(*STATISTICS_ROLES)


def can_manage_station_catalog(actor) -> bool:
    return _active(actor) and actor.has_role(Role.STATION_HEAD, Role.ADMIN)


def can_review_assistance(actor) -> bool:
    """Work the assistance review queue (主动发现线索), record reviews and move applications along:
    station heads, and back-office or street/county handlers of the assistance specialty."""
    if not can_view_personal_data(actor):
        return False
    if actor.has_role(Role.STATION_HEAD, Role.ADMIN):
        return True
    return actor.has_role(Role.BACK_OFFICE, Role.DEPT_HANDLER) and Specialty.ASSISTANCE in actor.specialties


def can_record_benefits(actor) -> bool:
    """Write a benefit into the registry after an approval (the assistance handlers)."""
    return can_review_assistance(actor)


def can_process_assistance_application(actor, application) -> bool:
    """Carry an assistance application through its legal steps: whoever may claim or handle its matter
    (the street or county handler it was routed to, or the station head there), within her units."""
    matter = application.matter
    return (
        can_review_assistance(actor)
        and unit_in_scope(actor, application.unit)
        and (can_handle_matter(actor, matter) or can_claim_matter(actor, matter))
    )


def can_run_assistance_scan(actor) -> bool:
    """Start a discovery scan over the registry (heavy; county and street level only)."""
    return can_review_assistance(actor) and (
        actor.has_role(Role.ADMIN) or (actor.has_role(Role.DEPT_HANDLER) and actor.unit.level != "community")
    )


def can_browse_audit(actor) -> bool:
    return _active(actor) and actor.has_role(Role.ADMIN)


def must_use_second_factor(actor) -> bool:
    """A TOTP second factor at login is required of station heads, administrators (and anyone who may open the
    admin site) and every user of a street or county unit; optional for the community's other workers."""
    if not (actor and actor.is_authenticated):
        return False
    if actor.is_staff or actor.is_superuser or actor.has_role(Role.STATION_HEAD, Role.ADMIN):
        return True
    return actor.unit is not None and actor.unit.level in (UnitLevel.STREET, UnitLevel.COUNTY)


# --- Special-group tags (人群标签) ---------------------------------------------------------------------------------
# One rule for every place a tag meets a person: shown on a record, offered in a filter, used to filter a list, a
# search, an export or the API, or to count residents. A tag the actor may not use is treated everywhere as if it
# did not exist: not offered, refused as an unknown tag when asked for, never counted. Using a sensitive tag is
# audited by the caller (a READ_SENSITIVE row naming the tag).


def can_use_tag(actor, tag) -> bool:
    """See, filter by or count residents by `tag`. Ordinary tags: any personal-data role. Sensitive tags
    (吸毒康复, 精神障碍, 社区矫正 …): station heads and administrators, and back-office workers of a specialty the tag
    names; never the front desk, a street or county handler or the county viewer."""
    if not can_view_personal_data(actor):
        return False
    if not tag.sensitive:
        return True
    if actor.has_role(Role.STATION_HEAD, Role.ADMIN):
        return True
    return actor.has_role(Role.BACK_OFFICE) and bool(set(actor.specialties) & set(tag.specialties or []))


def usable_tags(actor, tags) -> list:
    """The tags among `tags` (a queryset or list of registry Tags) the actor may use, in their order."""
    return [t for t in tags if can_use_tag(actor, t)]


def subtree(unit, field: str = "unit") -> Q:
    """Q filter for rows whose `field` (an OrgUnit relation, or "" for OrgUnit itself) is `unit` or below it.

    The separator matters: code 110101001 must not match the sibling 1101010010.
    """
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path": unit.path}) | Q(**{f"{prefix}path__startswith": unit.path + "/"})


def within(unit, root) -> bool:
    """`subtree` for a unit already in memory: `unit` is `root` or below it (same separator rule)."""
    return (unit.path + "/").startswith(root.path + "/")


def unit_scope(actor, field: str = "unit") -> Q:
    """Q filter for personal records in the actor's subtree; matches nothing without access."""
    if not can_view_personal_data(actor):
        return Q(pk__in=[])
    return subtree(actor.unit, field)


def units_for(actor):
    """Org units the actor may act within (her unit and everything below it)."""
    if not _active(actor):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(subtree(actor.unit, ""))


def unit_in_scope(actor, unit) -> bool:
    return _active(actor) and unit is not None and within(unit, actor.unit)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("您没有权限执行此操作。"))


# --- Sensitive catalog items (敏感事项) -----------------------------------------------------------------------
# An item whose very name says something about the person (社区矫正对象报到) exists only for the station head, the
# administrator and workers holding the item's specialty: elsewhere it is not listed, not found by search, not
# accepted, and its matters are not shown at the front desk. Ordinary items are for everyone.


def sees_all_items(actor) -> bool:
    return _active(actor) and actor.has_role(Role.STATION_HEAD, Role.ADMIN)


def can_see_item(actor, item) -> bool:
    if not getattr(item, "sensitive", False):
        return True
    if not _active(actor):
        return False
    return sees_all_items(actor) or item.specialty in (actor.specialties or [])


def item_scope(actor, prefix: str = "") -> Q:
    """Q over catalog.Item (or, with prefix "item__", over rows pointing at an item) the actor may see."""
    if sees_all_items(actor):
        return Q()
    own = list(actor.specialties or []) if _active(actor) else []
    return Q(**{f"{prefix}sensitive": False}) | Q(**{f"{prefix}specialty__in": own})


# --- Matters (办件) -------------------------------------------------------------------------------------------
# Front desk and station head see every matter accepted in their community (the front desk not those of a
# sensitive item outside her specialties); back-office workers those of their specialties; department handlers
# those forwarded to their unit in their specialties; anyone sees what is assigned to her. The county viewer sees
# none (statistics only).


def _desk_sees(actor, matter) -> bool:
    """The accepting desk sees the matter: the station head always, the front desk unless its item is sensitive
    and outside her specialties."""
    if matter.unit_id != actor.unit_id:
        return False
    if actor.has_role(Role.STATION_HEAD):
        return True
    return actor.has_role(Role.FRONT_DESK) and can_see_item(actor, matter.item)


def matter_scope(actor) -> Q:
    """Q over matters.Matter for the matters the actor may see."""
    if not can_view_personal_data(actor):
        return Q(pk__in=[])
    q = Q(assigned_to=actor.pk)
    if actor.has_role(Role.ADMIN):
        q |= subtree(actor.unit)
    if actor.has_role(Role.STATION_HEAD):
        q |= Q(unit=actor.unit_id)
    elif actor.has_role(Role.FRONT_DESK):
        q |= Q(unit=actor.unit_id) & item_scope(actor, "item__")
    if actor.has_role(Role.BACK_OFFICE):
        q |= Q(unit=actor.unit_id, specialty__in=list(actor.specialties))
    if actor.has_role(Role.DEPT_HANDLER):
        q |= Q(handling_unit=actor.unit_id, specialty__in=list(actor.specialties))
    return q


def can_view_matter(actor, matter) -> bool:
    if not can_view_personal_data(actor):
        return False
    if matter.assigned_to_id == actor.pk:
        return True
    if actor.has_role(Role.ADMIN) and unit_in_scope(actor, matter.unit):
        return True
    if _desk_sees(actor, matter):
        return True
    if actor.has_role(Role.BACK_OFFICE) and matter.unit_id == actor.unit_id:
        return matter.specialty in actor.specialties
    if actor.has_role(Role.DEPT_HANDLER) and matter.handling_unit_id == actor.unit_id:
        return matter.specialty in actor.specialties
    return False


def can_take_intake(actor) -> bool:
    """Front-desk work happens at a community station."""
    return (
        _active(actor)
        and actor.has_role(Role.FRONT_DESK, Role.STATION_HEAD)
        and actor.unit.level == "community"
    )


def urgent_fallback_recipients(staff) -> list:
    """Who at a station hears of an urgent matter when nobody is on the duty roster now: its head, else its front
    desk (`staff`: the station's users)."""
    for role in (Role.STATION_HEAD, Role.FRONT_DESK):
        chosen = [u for u in staff if u.is_active and u.has_role(role)]
        if chosen:
            return chosen
    return []


def can_accept_item(actor, item) -> bool:
    """Accept a request for this item at the desk: a sensitive item only by its specialty or the station head."""
    return can_take_intake(actor) and can_see_item(actor, item)


def can_act_at_desk(actor, matter) -> bool:
    """Route, finish on the spot, ask for materials, refuse or withdraw at the desk that accepted the matter."""
    return _active(actor) and _desk_sees(actor, matter)


def can_claim_matter(actor, matter) -> bool:
    """The back office of the accepting station, or a department handler of the unit it was forwarded to."""
    if (
        not _active(actor)
        or matter.handling_unit_id != actor.unit_id
        or matter.specialty not in actor.specialties
    ):
        return False
    at_station = matter.handling_unit_id == matter.unit_id
    return actor.has_role(Role.BACK_OFFICE) if at_station else actor.has_role(Role.DEPT_HANDLER)


def can_handle_matter(actor, matter) -> bool:
    """Complete, return, forward or ask for materials: the worker holding the matter, or her station head."""
    if not _active(actor):
        return False
    if matter.assigned_to_id == actor.pk:
        return True
    return actor.has_role(Role.STATION_HEAD) and matter.handling_unit_id == actor.unit_id


def can_reassign_matter(actor, matter) -> bool:
    return (
        _active(actor)
        and actor.has_role(Role.STATION_HEAD)
        and matter.unit_id == actor.unit_id
        and matter.handling_unit_id == actor.unit_id
    )


# Matter statuses by value (core sits below matters and does not import its models).
_DESK_HOLDS = ("accepted", "returned")


def can_route_matter(actor, matter) -> bool:
    """Route from the desk that holds the matter; re-route an unclaimed one: the station head."""
    if matter.status == "routed":
        return can_reassign_matter(actor, matter)
    return can_act_at_desk(actor, matter)


def can_act_on_matter_now(actor, matter) -> bool:
    """Ask for materials, record them received, refuse: at the desk while the desk holds the matter; the
    handler while she does (or, paused for materials, whoever held it before the pause)."""
    if matter.status in _DESK_HOLDS:
        return can_act_at_desk(actor, matter)
    if matter.status == "awaiting":
        if matter.paused_from == "in_progress":
            return can_handle_matter(actor, matter) or can_act_at_desk(actor, matter)
        return can_act_at_desk(actor, matter)
    if matter.status == "routed":
        return can_claim_matter(actor, matter) or can_act_at_desk(actor, matter)
    return can_handle_matter(actor, matter)


def can_return_matter(actor, matter) -> bool:
    """Send back to the desk: the handler, or whoever may claim it while it waits."""
    return can_handle_matter(actor, matter) or can_claim_matter(actor, matter)


def can_withdraw_matter(actor, matter) -> bool:
    """Record the resident's withdrawal: the desk that accepted it or the worker handling it."""
    return can_act_at_desk(actor, matter) or can_handle_matter(actor, matter)


def may_take_reassigned_matters(user, unit) -> bool:
    """Who a station head may give a back-office matter to: an active back-office worker (or head) of the
    station that accepted it."""
    return (
        bool(user and user.is_active)
        and user.unit_id == unit.pk
        and user.has_role(Role.BACK_OFFICE, Role.STATION_HEAD)
    )


def sees_every_specialty(actor) -> bool:
    """The station head's queues and figures cover all specialties; a worker's only her own."""
    return _active(actor) and actor.has_role(Role.STATION_HEAD)


def matter_queue_specialties(actor) -> list[str]:
    """The specialties whose matters the actor's queues hold, in the order of Specialty."""
    if sees_every_specialty(actor):
        return list(Specialty.values)
    own = set(actor.specialties or []) if _active(actor) else set()
    return [s for s in Specialty.values if s in own]


def can_use_matter_queues(actor) -> bool:
    return _active(actor) and actor.has_role(Role.BACK_OFFICE, Role.DEPT_HANDLER, Role.STATION_HEAD)


def can_view_station_dashboard(actor) -> bool:
    return _active(actor) and actor.has_role(Role.STATION_HEAD) and actor.unit.level == "community"


def can_manage_knowledge(actor) -> bool:
    """Replacing a policy, procedure or contact in the shared binder: station heads and administrators."""
    return _active(actor) and actor.has_role(Role.STATION_HEAD, Role.ADMIN)


def can_use_knowledge(actor) -> bool:
    """Reading the binder and using the intake assistant: any active staff member with a unit."""
    return _active(actor)


# --- Casework and the 5+N network -------------------------------------------------------------------------------
#
# A case is read only by (1) the workers assigned to it, (2) the station head of the case's unit (or of a station
# above it), and (3) staff of a partner organisation that a valid consent on the case covers. Nobody else — not a
# colleague at the same desk, not the county viewer, not the administrator — reads a case. Partner staff are linked
# to their organisation by `network.PartnerStaff` (reverse accessor `user.partner_staff`); a withdrawn or expired
# consent stops their access at once because validity is computed on every check.

CASE_WORKER_ROLES = (Role.FRONT_DESK, Role.BACK_OFFICE, Role.STATION_HEAD)
# The street's civil-affairs office (部门经办人) is one of the five partners of 五社联动 and keeps its own ledger.
NETWORK_ROLES = (Role.FRONT_DESK, Role.BACK_OFFICE, Role.STATION_HEAD, Role.DEPT_HANDLER, Role.ADMIN)
LEDGER_ROLES = (Role.FRONT_DESK, Role.BACK_OFFICE, Role.STATION_HEAD, Role.DEPT_HANDLER)


def _is_case_head(actor, case) -> bool:
    return actor.has_role(Role.STATION_HEAD) and unit_in_scope(actor, case.unit)


def partner_organisation_id(actor):
    """The partner organisation a login belongs to, or None."""
    if not (actor and actor.is_authenticated and actor.is_active):
        return None
    try:
        return actor.partner_staff.organisation_id
    except ObjectDoesNotExist:  # not a partner login
        return None


def valid_consent_q(day, prefix: str = "consents__") -> Q:
    """Consents given on or before `day`, not withdrawn and not expired on it."""
    return Q(**{f"{prefix}given_on__lte": day, f"{prefix}withdrawn_at__isnull": True}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    )


def case_read_scope(actor, day) -> Q:
    """Q filter over cases the actor may read (use with .distinct())."""
    if not (actor and actor.is_authenticated and actor.is_active):
        return Q(pk__in=[])
    scope = Q(pk__in=[])
    if _active(actor) and actor.has_role(*CASE_WORKER_ROLES):
        scope |= Q(workers=actor)
        if actor.has_role(Role.STATION_HEAD):
            scope |= subtree(actor.unit)
    org_id = partner_organisation_id(actor)
    if org_id is not None:
        scope |= valid_consent_q(day) & Q(consents__organisations=org_id)
    return scope


def can_read_case(actor, case, day) -> bool:
    if not (actor and actor.is_authenticated and actor.is_active):
        return False
    if (
        _active(actor)
        and actor.has_role(*CASE_WORKER_ROLES)
        and (_is_case_head(actor, case) or case.workers.filter(pk=actor.pk).exists())
    ):
        return True
    org_id = partner_organisation_id(actor)
    if org_id is None:
        return False
    return any(
        c.is_valid_on(day) and org_id in {o.pk for o in c.organisations.all()} for c in case.consents.all()
    )


def can_open_case(actor, resident) -> bool:
    return _active(actor) and actor.has_role(*CASE_WORKER_ROLES) and unit_in_scope(actor, resident.unit)


def can_work_on_case(actor, case) -> bool:
    """Write access: the assigned workers and the head. Partners read only."""
    if not (_active(actor) and actor.has_role(*CASE_WORKER_ROLES)):
        return False
    return _is_case_head(actor, case) or case.workers.filter(pk=actor.pk).exists()


def can_approve_case(actor, case) -> bool:
    """Approves plans and closures, confirms emergency assessments, assigns workers."""
    return _active(actor) and _is_case_head(actor, case)


def is_case_worker(actor) -> bool:
    """Staff who take cases (front desk, back office, station head): the workbench card and write pages."""
    return _active(actor) and actor.has_role(*CASE_WORKER_ROLES)


def can_list_cases(actor) -> bool:
    """The case list (and its nav entry): case workers, and partner staff, who see only what a consent covers."""
    return is_case_worker(actor) or partner_organisation_id(actor) is not None


def sees_all_station_cases_first(actor) -> bool:
    """A station head's case list opens on the whole station; everyone else's on her own cases."""
    return _active(actor) and actor.has_role(Role.STATION_HEAD)


def can_review_case_approvals(actor) -> bool:
    """The approval queue (plans, closures, emergency assessments): a station head of a station."""
    return _active(actor) and actor.has_role(Role.STATION_HEAD)


def can_be_case_worker(user, unit) -> bool:
    """Who may be named a worker of a case in `unit`: an active case worker of that community."""
    return is_case_worker(user) and unit_in_scope(user, unit)


def can_follow_up_case(user, case) -> bool:
    """Who may be given a case's follow-up: one of its workers, or the head who oversees it."""
    return case.workers.filter(pk=user.pk).exists() or can_approve_case(user, case)


def can_request_case_closure(actor, case) -> bool:
    """A worker of the case asks for closure (the service then checks that the work is done)."""
    return can_work_on_case(actor, case)


def can_close_case(actor, case) -> bool:
    """Only the station head overseeing the case approves its closure; a worker never closes her own case."""
    return can_approve_case(actor, case)


def can_view_network(actor) -> bool:
    """Volunteers, organisations, activities and the ledger name people: personal-data roles only."""
    return _active(actor) and actor.has_role(*NETWORK_ROLES)


def can_manage_network(actor, unit) -> bool:
    return _active(actor) and actor.has_role(*NETWORK_ROLES) and unit_in_scope(actor, unit)


def can_record_ledger(actor, unit) -> bool:
    return _active(actor) and actor.has_role(*LEDGER_ROLES) and unit_in_scope(actor, unit)


def can_link_partner_staff(actor, organisation) -> bool:
    """Giving a partner's staff member a login: only a head (or admin) of the organisation's unit."""
    return can_manage_network(actor, organisation.unit) and actor.has_role(Role.STATION_HEAD, Role.ADMIN)


def can_be_partner_staff(user) -> bool:
    """A partner login holds no staff role: it reads what consents share and nothing else."""
    return not user.roles


def network_scope(actor, field: str = "unit") -> Q:
    """Network rows registered in the actor's subtree or above it (a street's organisations serve its communities)."""
    if not can_view_network(actor):
        return Q(pk__in=[])
    units = [actor.unit.path, *(u.path for u in actor.unit.ancestors())]
    return subtree(actor.unit, field) | Q(**{f"{field}__path__in": units})


def network_subtree_scope(actor, field: str = "unit") -> Q:
    """Activities and the ledger: rows of the actor's own unit and below."""
    if not can_view_network(actor):
        return Q(pk__in=[])
    return subtree(actor.unit, field)


# Home visits (quanke.visits) -------------------------------------------------------------------------------------
VISIT_WORKER_ROLES = (Role.FRONT_DESK, Role.BACK_OFFICE)
STOCK_MANAGER_ROLES = (Role.STATION_HEAD, Role.BACK_OFFICE, Role.ADMIN)


def is_visit_worker(actor) -> bool:
    """Front-desk and back-office workers of a community go on home visits and duty."""
    return _active(actor) and actor.unit.level == "community" and actor.has_role(*VISIT_WORKER_ROLES)


def can_book_visits(actor) -> bool:
    return _active(actor) and actor.has_role(*EDIT_RESIDENT_ROLES)


class PublicCaller:
    """A resident at the public door (quanke.public) who proved a phone number with a one-time code, or holds the
    signed link of her own booking. Not a user: she may book in a community station's open slots under that phone
    and cancel or change her own bookings, nothing else."""

    pk = None
    is_authenticated = False
    is_active = False
    unit_id = None

    def __init__(self, phone: str):
        self.phone = phone.strip()

    def __str__(self):
        return "居民自助"


def can_book_online(actor, unit) -> bool:
    return isinstance(actor, PublicCaller) and bool(actor.phone) and unit.level == UnitLevel.COMMUNITY


def can_place_booking(actor, unit) -> bool:
    """Staff booking for a caller in their scope, or a verified resident booking for herself."""
    return (can_book_visits(actor) and unit_in_scope(actor, unit)) or can_book_online(actor, unit)


def can_cancel_booking(actor, booking) -> bool:
    if isinstance(actor, PublicCaller):
        return bool(actor.phone) and actor.phone == booking.caller_phone
    return can_book_visits(actor) and unit_in_scope(actor, booking.unit)


def can_manage_visits(actor) -> bool:
    """Reassign bookings, edit the duty roster, generate, adjust and approve visit plans."""
    return _active(actor) and actor.has_role(Role.STATION_HEAD, Role.ADMIN)


def can_record_visit(actor, unit) -> bool:
    return can_edit_residents(actor) and unit_in_scope(actor, unit)


def can_manage_stock(actor, unit) -> bool:
    return _active(actor) and actor.has_role(*STOCK_MANAGER_ROLES) and unit_in_scope(actor, unit)


def can_view_sensitive_supply(actor, supply) -> bool:
    """Who received a sensitive supply: station heads, and back-office workers of the supply's specialty."""
    if not can_view_personal_data(actor):
        return False
    if not supply.sensitive:
        return True
    if actor.has_role(Role.STATION_HEAD, Role.ADMIN):
        return True
    return actor.has_role(Role.BACK_OFFICE) and supply.specialty in (actor.specialties or [])


# --- Statistics (统计报表) ---------------------------------------------------------------------------------------
# Station heads see their community, street users (department handlers of a street) their street, the county
# viewer, county department handlers and the administrator the whole county with drill-down. Front-desk and
# back-office workers have no dashboard: their work lists are their view of the figures. Worker names appear only
# to the station head of that community and to the administrator; the county viewer never sees a personal name.


def can_view_unit_statistics(actor, unit) -> bool:
    return can_view_statistics(actor) and unit_in_scope(actor, unit)


def can_view_worker_statistics(actor, unit) -> bool:
    """Workload by named worker: the station head of that very community, or the administrator."""
    if not can_view_unit_statistics(actor, unit) or actor.has_role(Role.COUNTY_VIEWER):
        return False
    return actor.has_role(Role.ADMIN) or (actor.has_role(Role.STATION_HEAD) and unit.pk == actor.unit_id)


def can_list_statistics_matters(actor, unit) -> bool:
    """The matters behind a figure (names included): only for those who may read those matters anyway."""
    return (
        can_view_unit_statistics(actor, unit)
        and can_view_personal_data(actor)
        and actor.has_role(Role.STATION_HEAD, Role.ADMIN)
    )


def can_export_statistics(actor, unit) -> bool:
    return can_view_unit_statistics(actor, unit)


def can_download_export(actor, job) -> bool:
    """Only the person who asked for a file downloads it, and only while she may still see that unit."""
    return job.requested_by_id == getattr(actor, "pk", None) and can_view_unit_statistics(actor, job.unit)


# --- What the workbench and the main navigation offer (quanke.core.seams) ----------------------------------------
# Each entry an app contributes to home, nav or the resident page asks one of these, so a page shows a user only
# what she may open.


def can_use_visit_station(actor) -> bool:
    """The workbench card of a station's bookings, duty and stock, with its 电话预约上门 button: those who book
    visits. A street or county handler reads visits through the nav but has no station desk to work at."""
    return can_view_personal_data(actor) and can_book_visits(actor)


# --- Elderly meals (助餐): meal cards and the subsidy on each meal ------------------------------------------------
# A meal card is an ordinary personal record: whoever reads residents reads it; the desk that registers residents
# issues cards and records meals in its units. The subsidy rates are a station's setting: its head sets them.


def can_view_meal_cards(actor) -> bool:
    return can_view_personal_data(actor)


def can_manage_meal_cards(actor, unit) -> bool:
    return can_edit_residents(actor) and unit_in_scope(actor, unit)


def can_set_meal_rates(actor, unit) -> bool:
    return _active(actor) and actor.has_role(Role.STATION_HEAD, Role.ADMIN) and unit_in_scope(actor, unit)


def meal_scope(actor, field: str = "unit") -> Q:
    if not can_view_meal_cards(actor):
        return Q(pk__in=[])
    return subtree(actor.unit, field)


# --- The party register (党员名册, 在职党员报到) -------------------------------------------------------------------
# Party membership is a sensitive attribute: only the station head and workers of the party specialty (back office,
# or a street/county handler of it) see the register or learn that a resident is in it. Not the front desk, not the
# county viewer, not the administrator's staff pages (the admin site audits its own reads).


def can_view_party_register(actor) -> bool:
    if not can_view_personal_data(actor):
        return False
    if actor.has_role(Role.STATION_HEAD):
        return True
    return actor.has_role(Role.BACK_OFFICE, Role.DEPT_HANDLER) and Specialty.PARTY in (
        actor.specialties or []
    )


def can_manage_party_register(actor, unit) -> bool:
    return can_view_party_register(actor) and unit_in_scope(actor, unit)


def party_scope(actor, field: str = "unit") -> Q:
    if not can_view_party_register(actor):
        return Q(pk__in=[])
    return subtree(actor.unit, field)


# --- 好差评整改 (quanke.public) -----------------------------------------------------------------------------------
# The head of the station that accepted the matter puts a bad rating right; the street and county heads above see
# the follow-ups of their communities (statistics roles) but the station's own head closes them.


def can_view_rectifications(actor) -> bool:
    return _active(actor) and actor.has_role(Role.STATION_HEAD, Role.ADMIN)


def can_handle_rectification(actor, rectification) -> bool:
    return (
        _active(actor)
        and actor.has_role(Role.STATION_HEAD)
        and rectification.unit_id is not None
        and unit_in_scope(actor, rectification.unit)
    )
