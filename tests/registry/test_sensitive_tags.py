"""Issue 13, failure 1: nobody lists, filters by or counts a sensitive tag (吸毒康复, 精神障碍, 社区矫正) she may not see.

One rule decides (permissions.can_use_tag); this file walks every entry point that lists, filters, offers or
counts residents by tag — the resident list (web) with and without a search, the API list with and without a
search, the filter choices (list page, resident form, API tags endpoint), the resident page (web and API), the
overdue-visit list and its workbench count, the visit plan and the statistics pages — as the front desk, the street
handler, a county handler, the county viewer, back-office workers of two specialties, the station head and the
administrator. A refused filter is answered exactly as an unknown tag, lists nobody and writes nothing; a permitted
filter by a sensitive tag writes one READ_SENSITIVE row naming the tag and the filter.
"""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quanke.core.models import AuditEvent, Role
from quanke.registry.models import Household, Tag
from quanke.visits.models import Visit
from tests.conftest import make_resident, make_user
from tests.support import bearer, login

SENSITIVE = ("drug_rehab", "mental_disorder", "community_correction")
TAG_NAMES = {"drug_rehab": "吸毒康复", "mental_disorder": "精神障碍", "community_correction": "社区矫正"}
# The carriers in community A, one per tag, and one in community C (another street) for the county-wide users.
CARRIERS_A = {"drug_rehab": "吸毒甲", "mental_disorder": "精神乙", "community_correction": "矫正丙"}
CARRIER_C = "吸毒戊"
EVERYONE = (*CARRIERS_A.values(), CARRIER_C, "高龄丁")

# Who may use which sensitive tag (back_a works in assistance and disability, back_gen in general).
MAY_USE = {
    "desk_a": set(),
    "street_handler": set(),
    "county_handler": set(),
    "county_viewer": set(),
    "back_a": {"mental_disorder"},
    "back_gen": {"drug_rehab", "community_correction"},
    "head_a": set(SENSITIVE),
    "admin": set(SENSITIVE),
}
NO_PERSONAL_DATA = {"county_viewer"}
USERS = tuple(MAY_USE)


@pytest.fixture
def people(cast):
    """Carriers of each sensitive tag in community A, a drug-rehab carrier in community C, an elderly resident."""
    made = {}
    for code, name in CARRIERS_A.items():
        made[name] = make_resident(cast.community_a, name)
        made[name].tags.add(Tag.objects.get(code=code))
    made[CARRIER_C] = make_resident(cast.community_c, CARRIER_C)
    made[CARRIER_C].tags.add(Tag.objects.get(code="drug_rehab"))
    made["高龄丁"] = make_resident(cast.community_a, "高龄丁")
    made["高龄丁"].tags.add(Tag.objects.get(code="elderly"))
    return made


@pytest.fixture
def users(cast):
    return {
        "desk_a": cast.desk_a,
        "street_handler": cast.street_handler,
        "county_handler": make_user("county_h", cast.county, [Role.DEPT_HANDLER], ["general", "disability"]),
        "county_viewer": cast.county_viewer,
        "back_a": cast.back_a,
        "back_gen": make_user("back_gen", cast.community_a, [Role.BACK_OFFICE], ["general"]),
        "head_a": cast.head_a,
        "admin": cast.admin,
    }


def web_list(client, user, tag, q=""):
    login(client, user)
    response = client.get(reverse("registry:resident_list"), {"tag": tag, "q": q})
    return response.status_code, response.content.decode()


def api_list(client, user, tag, q=""):
    response = client.get("/api/residents/", {"tag": tag, "q": q}, **bearer(user))
    return response.status_code, json.dumps(response.json(), ensure_ascii=False)


ENTRIES = {
    "web list": lambda c, u, t: web_list(c, u, t),
    "web search": lambda c, u, t: web_list(c, u, t, q="吸毒" if t == "drug_rehab" else ""),
    "api list": lambda c, u, t: api_list(c, u, t),
    "api search": lambda c, u, t: api_list(c, u, t, q="吸毒" if t == "drug_rehab" else ""),
}

# What each user's scope holds of the carriers of a tag.
IN_SCOPE = {
    "desk_a": {"a"},
    "street_handler": {"a"},
    "county_handler": {"a", "c"},
    "back_a": {"a"},
    "back_gen": {"a"},
    "head_a": {"a"},
    "admin": {"a", "c"},
}


def carriers(code, who):
    names = {CARRIERS_A[code]} if "a" in IN_SCOPE.get(who, ()) else set()
    if code == "drug_rehab" and "c" in IN_SCOPE.get(who, ()):
        names.add(CARRIER_C)
    return names


def trail_count():
    """Rows of the trail other than the sign-in rows the helper writes itself."""
    logins = [AuditEvent.Action.LOGIN, AuditEvent.Action.LOGIN_FAILED, AuditEvent.Action.LOCKED_OUT]
    return AuditEvent.objects.exclude(action__in=logins).count()


def sensitive_reads():
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.READ_SENSITIVE))


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("code", SENSITIVE)
def test_filter_by_a_sensitive_tag(client, cast, people, users, entry, who, code):
    before = trail_count()
    status, body = ENTRIES[entry](client, users[who], code)
    if code not in MAY_USE[who]:
        # Refused: not one name, not a count, not a row of the trail.
        if who in NO_PERSONAL_DATA:
            assert status == 403
        else:
            assert status == (400 if entry.startswith("web") else 422)
            assert "没有这个人群标签，或您无权按它筛选。" in body
            if entry.startswith("api"):
                assert '"registry.unknown_tag"' in body
        for name in EVERYONE:
            assert name not in body
        assert trail_count() == before
        return
    assert status == 200
    shown = {name for name in EVERYONE if name in body}
    assert shown == carriers(code, who)
    (row,) = sensitive_reads()
    assert trail_count() == before + 1
    assert row.actor == users[who] and row.object_type == "registry.tag"
    assert row.object_repr == TAG_NAMES[code]
    assert row.changes["via"] == ("web" if entry.startswith("web") else "api")
    assert row.changes["filter"]["tag"] == code
    assert row.changes["filter"]["q"] == ("吸毒" if "search" in entry and code == "drug_rehab" else "")
    assert sorted(row.changes["residents"]) == sorted(people[n].pk for n in carriers(code, who))


@pytest.mark.parametrize("entry", ENTRIES)
def test_a_refused_tag_is_answered_exactly_as_an_unknown_one(client, cast, people, users, entry):
    """The answer to a forbidden tag must not confirm that anyone carries it: same status, same words."""
    refused = ENTRIES[entry](client, users["desk_a"], "drug_rehab")
    unknown = ENTRIES[entry](client, users["desk_a"], "no_such_tag")
    assert refused[0] == unknown[0] != 200
    if entry.startswith("api"):
        assert refused[1] == unknown[1]


@pytest.mark.parametrize("entry", ["web list", "api list"])
def test_an_ordinary_tag_filters_without_a_sensitive_read(client, cast, people, users, entry):
    status, body = ENTRIES[entry](client, users["desk_a"], "elderly")
    assert status == 200 and "高龄丁" in body
    assert not any(name in body for name in CARRIERS_A.values())
    assert sensitive_reads() == []


def test_a_permitted_filter_with_nobody_found_is_still_audited(client, cast, users):
    status, body = web_list(client, users["head_a"], "community_correction")
    assert status == 200 and "没有找到符合条件的居民" in body
    (row,) = sensitive_reads()
    assert row.changes["filter"]["tag"] == "community_correction" and row.changes["residents"] == []


def test_a_forbidden_tag_cannot_be_slipped_into_the_selector(cast, people):
    """The search itself refuses a Tag object the actor may not use (a caller that skipped filter_tag)."""
    from quanke.registry import selectors

    with pytest.raises(selectors.UnknownTag):
        selectors.resident_search(actor=cast.desk_a, tag=Tag.objects.get(code="drug_rehab"))


# --- What is offered ----------------------------------------------------------------------------------------------


def offered_on_pages(client, user) -> dict[str, tuple[int, str]]:
    login(client, user)
    pages = {
        "list": client.get(reverse("registry:resident_list")),
        "form": client.get(reverse("registry:resident_create")),
    }
    out = {k: (r.status_code, r.content.decode()) for k, r in pages.items()}
    api = client.get("/api/residents/tags", **bearer(user))
    out["api"] = (api.status_code, json.dumps(api.json(), ensure_ascii=False))
    return out


@pytest.mark.parametrize("who", USERS)
def test_filter_choices_offer_only_usable_tags(client, cast, users, who):
    for page, (status, body) in offered_on_pages(client, users[who]).items():
        if status == 403:  # the county viewer (and, for the form, those who may not register residents)
            assert who in NO_PERSONAL_DATA or page == "form"
            continue
        assert status == 200
        assert "高龄" in body  # an ordinary tag is offered
        for code in SENSITIVE:
            assert (TAG_NAMES[code] in body) == (code in MAY_USE[who]), (page, code)
    assert sensitive_reads() == []


# --- The resident page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["desk_a", "street_handler", "back_a", "back_gen", "head_a"])
def test_resident_page_and_api_show_only_usable_tags(client, cast, people, users, who):
    r = people["吸毒甲"]
    login(client, users[who])
    web = client.get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    api = client.get(f"/api/residents/{r.pk}", **bearer(users[who])).json()
    may = "drug_rehab" in MAY_USE[who]
    assert ("吸毒康复" in web) == may and ("drug_rehab" in api["tags"]) == may
    assert len(sensitive_reads()) == (2 if may else 0)


# --- Home visits: the overdue list, its count, the plan -----------------------------------------------------------


@pytest.fixture
def visit_households(cast):
    """Community A: a household due only for a drug-rehab member (never visited), one with an elderly member
    (every 60 days) and a correction member (every 30) visited 40 days ago."""
    hidden = Household.objects.create(unit=cast.community_a, number="V-HIDDEN", address="3号楼101")
    make_resident(cast.community_a, "吸毒甲", household=hidden).tags.add(Tag.objects.get(code="drug_rehab"))
    mixed = Household.objects.create(unit=cast.community_a, number="V-MIXED", address="4号楼101")
    make_resident(cast.community_a, "高龄丁", household=mixed).tags.add(Tag.objects.get(code="elderly"))
    make_resident(cast.community_a, "矫正丙", household=mixed).tags.add(
        Tag.objects.get(code="community_correction")
    )
    Visit.objects.create(
        unit=cast.community_a,
        household=mixed,
        worker=cast.desk_a,
        visited_at=timezone.now() - timedelta(days=40),
    )
    return hidden, mixed


@pytest.mark.parametrize("who", ["desk_a", "street_handler", "back_a", "back_gen", "head_a"])
def test_overdue_list_counts_only_usable_tags(client, cast, users, visit_households, who):
    from quanke.visits import selectors

    hidden, mixed = visit_households
    may = MAY_USE[who]
    login(client, users[who])
    response = client.get(reverse("visits:overdue_list"), {"unit": cast.community_a.pk})
    assert response.status_code == 200
    body = response.content.decode()
    rows = selectors.overdue_households(actor=users[who], unit=cast.community_a)
    # The drug-rehab household is listed only to those who may see the tag.
    assert (hidden.number in body) == ("drug_rehab" in may)
    # The mixed household is 10 days late by the correction tag's 30 days, not yet by the elderly tag's 60:
    # those who may not see the correction tag must not learn of it from the list.
    assert (mixed.number in body) == ("community_correction" in may)
    assert len(rows) == len(may & {"drug_rehab", "community_correction"})
    for code in SENSITIVE:
        assert (TAG_NAMES[code] in body) == (code in may and code != "mental_disorder")
    shown = [r for r in sensitive_reads() if r.changes.get("via") == "visits.overdue"]
    if may & {"drug_rehab", "community_correction"}:
        (row,) = shown
        assert row.actor == users[who]
        assert set(row.changes["tags"]) == may & {"drug_rehab", "community_correction"}
    else:
        assert shown == []


def test_workbench_overdue_count_leaves_out_hidden_tags(client, cast, visit_households):
    from quanke.visits import selectors

    assert len(selectors.overdue_households(actor=cast.desk_a, unit=cast.community_a)) == 0
    assert len(selectors.overdue_households(actor=cast.head_a, unit=cast.community_a)) == 2
    assert sensitive_reads() == []  # a count is not a read of who carries the tag


def test_visit_plan_never_names_a_sensitive_tag(client, cast, visit_households):
    from quanke.visits import services

    plan = services.plan_generate(actor=cast.head_a, unit=cast.community_a, month=date.today().replace(day=1))
    for who in (cast.desk_a, cast.head_a):
        login(client, who)
        for url in (f"/visits/plans/{plan.pk}/", f"/visits/plans/{plan.pk}/route/"):
            response = client.get(url)
            assert response.status_code == 200
            for name in TAG_NAMES.values():
                assert name not in response.content.decode()


# --- Statistics ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_viewer", "street_handler", "county_handler", "head_a", "admin"])
def test_statistics_count_nobody_by_a_sensitive_tag(client, cast, people, users, who):
    """No statistics page, export or API counts or names residents per sensitive tag."""
    user = users[who]
    login(client, user)
    unit = user.unit
    query = "?period=month&anchor=" + date.today().replace(day=1).isoformat()
    responses = [
        client.get(reverse("visits:stats")),
        client.get(reverse("reports:dashboard_unit", args=[unit.code]) + query),
        client.get(reverse("reports:indicator_csv", args=[unit.code]) + query),
        client.get(f"/api/reports/units/{unit.code}" + query, **bearer(user)),
    ]
    for response in responses:
        assert response.status_code == 200
        body = response.content.decode("utf-8-sig")
        if response["Content-Type"].startswith("application/json"):
            body = json.dumps(response.json(), ensure_ascii=False)
        for text in (*TAG_NAMES.values(), *SENSITIVE, *EVERYONE):
            assert text not in body


@pytest.mark.parametrize("who", USERS)
def test_one_rule_decides(cast, users, who):
    """permissions.can_use_tag is the table above; usable_tags agrees with it."""
    from quanke.core import permissions

    tags = list(Tag.objects.all())
    usable = {t.code for t in permissions.usable_tags(users[who], tags)}
    ordinary = {t.code for t in tags if not t.sensitive}
    assert usable == (set() if who in NO_PERSONAL_DATA else ordinary | MAY_USE[who])
    for t in tags:
        assert permissions.can_use_tag(users[who], t) == (t.code in usable)
