"""Issue 13, failure 7: worker names reach only the station head of that station and the administrator.

Every page, export and API operation that shows figures per worker — the visit statistics, the statistics
dashboard, its CSV, its workbook, the statistics API and the head's desk dashboard — is walked as each role. The
others get the same figures added up per community, never a worker's name.
"""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from quanke.core.models import Role
from quanke.reports.models import ExportJob
from quanke.visits.models import Visit
from tests.conftest import make_resident, make_user
from tests.reports.conftest import at
from tests.support import bearer, login

MARCH = "?period=month&anchor=2026-03-01"
VISITS_MARCH = "?start=2026-03-01&end=2026-03-31"
WORKERS_A = ("desk_a", "back_a")  # named in community A's matters (the `hand` fixture) and visits
WORKER_C = "worker_c"  # a social worker of community C (another street)


@pytest.fixture(autouse=True)
def _exports(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"


@pytest.fixture
def users(cast, hand):
    worker_c = make_user(WORKER_C, cast.community_c, [Role.FRONT_DESK])
    resident = make_resident(cast.community_c, "丙居民")
    Visit.objects.create(
        unit=cast.community_c, household=resident.household, worker=worker_c, visited_at=at(2026, 3, 5)
    )
    Visit.objects.create(
        unit=cast.community_a,
        household=make_resident(cast.community_a, "甲居民").household,
        worker=cast.desk_a,
        visited_at=at(2026, 3, 6),
    )
    return {
        "county_viewer": cast.county_viewer,
        "street_handler": cast.street_handler,
        "county_handler": make_user("county_h", cast.county, [Role.DEPT_HANDLER], ["assistance"]),
        "head_b": make_user("head_b", cast.community_b, [Role.STATION_HEAD]),
        "head_a": cast.head_a,
        "admin": cast.admin,
    }


# Which workers' names each user may see: the head of community A those of A, the administrator everyone's.
MAY_NAME = {
    "county_viewer": set(),
    "street_handler": set(),
    "county_handler": set(),
    "head_b": set(),
    "head_a": set(WORKERS_A),
    "admin": {*WORKERS_A, WORKER_C},
}


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    if response.streaming:
        content = b"".join(response.streaming_content)
        wb = openpyxl.load_workbook(io.BytesIO(content))
        return repr([list(ws.iter_rows(values_only=True)) for ws in wb.worksheets])
    return response.content.decode("utf-8-sig")


def workbook(client, user, unit):
    response = client.post(
        reverse("reports:export_create", args=[unit.code]),
        {"kind": "station_monthly", "period": "month", "anchor": "2026-03-01"},
    )
    if response.status_code != 302:
        return response
    job = ExportJob.objects.latest("id")
    call_command("run_export", str(job.pk))
    return client.get(reverse("reports:export_download", args=[job.pk]))


# Pages that do show names to whoever may see them, and which names (the CSV and the API carry figures only).
NAMED = {
    ("head_a", "a"): {
        "visit stats": {"desk_a"},
        "dashboard": {"desk_a", "back_a"},
        "workbook": {"desk_a", "back_a"},
        "head dashboard": {"back_a"},
    },
    ("head_a", "c"): {"visit stats": {"desk_a"}, "head dashboard": {"back_a"}},
    ("admin", "a"): {"visit stats": {"desk_a", WORKER_C}, "dashboard": {"desk_a", "back_a"}},
    ("admin", "c"): {"visit stats": {"desk_a", WORKER_C}},
}

ENTRIES = {
    "visit stats": lambda c, u, unit: c.get(reverse("visits:stats") + VISITS_MARCH),
    "dashboard": lambda c, u, unit: c.get(reverse("reports:dashboard_unit", args=[unit.code]) + MARCH),
    "indicators csv": lambda c, u, unit: c.get(reverse("reports:indicator_csv", args=[unit.code]) + MARCH),
    "api figures": lambda c, u, unit: c.get(f"/api/reports/units/{unit.code}" + MARCH, **bearer(u)),
    "workbook": workbook,
    "head dashboard": lambda c, u, unit: c.get(reverse("matters:head")),
}


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("who", MAY_NAME)
@pytest.mark.parametrize("community", ["a", "c"])
def test_worker_names_only_for_the_head_and_the_administrator(client, cast, users, entry, who, community):
    user = users[who]
    unit = cast.community_a if community == "a" else cast.community_c
    login(client, user)
    response = ENTRIES[entry](client, user, unit)
    if response.status_code in (403, 404):
        # Out of her scope or not her page: nothing shown at all.
        assert not any(name in response.content.decode() for name in (*WORKERS_A, WORKER_C))
        return
    assert response.status_code == 200, response.status_code
    body = text_of(response)
    for name in (*WORKERS_A, WORKER_C):
        if name not in MAY_NAME[who]:
            assert name not in body, (entry, name)
    # Where names are allowed they are really there (so the refusals above are not an empty page).
    expected = NAMED.get((who, community), {}).get(entry, set())
    assert {name for name in (*WORKERS_A, WORKER_C) if name in body} >= expected


@pytest.mark.parametrize("who", ["county_viewer", "street_handler", "county_handler"])
def test_visit_statistics_add_up_per_community_without_names(client, cast, users, who):
    login(client, users[who])
    body = client.get(reverse("visits:stats") + VISITS_MARCH).content.decode()
    assert "按社工" not in body
    assert "按社区" in body and "甲社区" in body
    if who != "street_handler":
        assert "丙社区" in body  # another street: only the county-wide users see it


def test_visit_statistics_name_workers_for_the_head(client, cast, users):
    login(client, cast.head_a)
    body = client.get(reverse("visits:stats") + VISITS_MARCH).content.decode()
    assert "按社工" in body and "desk_a" in body and WORKER_C not in body
