"""Dashboards: scoping, drill-down, no names for the county viewer, refusals, bounded queries."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.reports.models import ExportJob, MatterDailyStat
from tests.support import login

MARCH = "?period=month&anchor=2026-03-01"
NAMES = ("desk_a", "desk_b", "back_a", "head_a", "王女士")


def url(unit=None, query=MARCH):
    if unit is None:
        return reverse("reports:dashboard") + query
    return reverse("reports:dashboard_unit", args=[unit.code]) + query


def test_station_head_sees_her_station_with_workers(client, cast, hand):
    login(client, cast.head_a)
    html = client.get(url()).content.decode()
    assert "甲社区" in html and "工作人员工作量" in html and "desk_a" in html
    assert "2026年03月" in html and "2026年02月" in html  # period and the one compared with


def test_county_viewer_drills_down_and_never_sees_names(client, cast, hand):
    login(client, cast.county_viewer)
    county = client.get(url()).content.decode()
    assert "一街道" in county and "二街道" in county
    assert reverse("reports:dashboard_unit", args=[cast.street_1.code]) in county
    street = client.get(url(cast.street_1)).content.decode()
    assert reverse("reports:dashboard_unit", args=[cast.community_a.code]) in street
    community = client.get(url(cast.community_a)).content.decode()
    assert "测试区" in community and "一街道" in community  # breadcrumb back up
    for html in (county, street, community):
        for name in NAMES:
            assert name not in html
        assert "工作人员工作量" not in html
        assert "受理办件清单" not in html
    assert client.get(reverse("reports:matter_list", args=[cast.community_a.code]) + MARCH).status_code == 403


def test_front_desk_has_no_dashboard(client, cast, hand):
    login(client, cast.desk_a)
    before = (AuditEvent.objects.count(), ExportJob.objects.count(), MatterDailyStat.objects.count())
    assert client.get(url()).status_code == 403
    assert client.get(url(cast.community_a)).status_code == 403
    response = client.post(
        reverse("reports:export_create", args=[cast.community_a.code]),
        {"kind": "station_monthly", "period": "month", "anchor": "2026-03-01"},
    )
    assert response.status_code == 404
    assert (AuditEvent.objects.count(), ExportJob.objects.count(), MatterDailyStat.objects.count()) == before


def test_out_of_scope_units_are_not_found(client, cast, hand):
    login(client, cast.street_handler)  # street 1
    assert client.get(url()).status_code == 200
    assert client.get(url(cast.community_b)).status_code == 200
    before = ExportJob.objects.count()
    assert client.get(url(cast.community_c)).status_code == 404
    assert client.get(url(cast.county)).status_code == 404
    assert (
        client.post(
            reverse("reports:export_create", args=[cast.community_c.code]),
            {"kind": "station_monthly", "period": "month", "anchor": "2026-03-01"},
        ).status_code
        == 404
    )
    assert ExportJob.objects.count() == before
    login(client, cast.head_a)
    assert client.get(url(cast.community_b)).status_code == 404
    assert client.get(url(cast.street_1)).status_code == 404


def test_street_handler_sees_no_worker_names(client, cast, hand):
    login(client, cast.street_handler)
    html = client.get(url(cast.community_a)).content.decode()
    assert "desk_a" not in html and "工作人员工作量" not in html


@pytest.mark.parametrize(
    "query",
    [
        "?period=day&anchor=2026-03-02",
        "?period=week&anchor=2026-03-02",
        "?period=quarter&anchor=2026-03-02",
        "?period=year&anchor=2026-03-02",
        "?period=custom&start=2026-02-20&end=2026-03-10",
        "?period=custom&start=2026-03-10&end=2026-02-20",  # invalid: falls back with a message
        "?period=bogus",
    ],
)
def test_every_period_kind_renders(client, cast, hand, query):
    login(client, cast.admin)
    response = client.get(url(cast.county, query))
    assert response.status_code == 200


def test_dashboard_query_count_is_bounded(client, cast, hand, django_assert_max_num_queries):
    """A fixed number of grouped queries per source table, whatever the number of units or periods."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quanke.core.models import OrgUnit

    login(client, cast.admin)
    # One grouped query per source table serves this and the previous period; live figures add a few more.
    # 24 since the session's second-factor device (django-otp); 25 with the ratings table (好差评).
    with django_assert_max_num_queries(25):
        assert client.get(url(cast.county)).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(url(cast.community_a)).status_code == 200
    with CaptureQueriesContext(connection) as before:
        client.get(url(cast.county))
    for n in range(5):
        OrgUnit.objects.create(
            code=f"33010200200{n + 2}", name=f"新社区{n}", level="community", parent=cast.street_2
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url(cast.county))
    assert len(after) == len(before)


def test_definitions_page_lists_every_indicator(client, cast):
    from quanke.reports.indicators import INDICATORS

    login(client, cast.county_viewer)
    html = client.get(reverse("reports:definitions")).content.decode()
    for i in INDICATORS:
        assert i.name in html and i.definition in html


def test_tooltips_carry_definitions(client, cast, hand):
    login(client, cast.county_viewer)
    html = client.get(url()).content.decode()
    assert 'title="受理时间（北京时间）在统计期内的办件数' in html


def test_matter_list_keyset_pagination(client, cast, hand, django_assert_max_num_queries, monkeypatch):
    from quanke.reports import views

    monkeypatch.setattr(views, "MATTER_PAGE_SIZE", 4)
    login(client, cast.head_a)
    base = reverse("reports:matter_list", args=[cast.community_a.code]) + MARCH
    seen, page_url = [], base
    while page_url:
        with django_assert_max_num_queries(7):  # 7 since the session's second-factor device (django-otp)
            response = client.get(page_url)
        rows = response.context["rows"]
        seen += [m.tracking_code for m in rows]
        key = response.context["next_key"]
        page_url = f"{base}&before={quote(key)}" if key else None
        assert len(seen) <= 9
    assert len(seen) == len(set(seen)) == 9  # the received figure for community A in March


def test_matter_list_totals_and_figure_filters_match_the_report(client, cast, hand):
    """The list a user holds against the report: each acceptance-side figure, counted and listed."""
    login(client, cast.head_a)
    base = reverse("reports:matter_list", args=[cast.community_a.code]) + MARCH
    response = client.get(base)
    assert response.context["totals"] == {
        "received": 9,
        "on_spot": 3,
        "routed": 4,
        "refused": 1,
        "consultations": 1,
    }
    assert "本清单（受理办件）共 9 件" in response.content.decode()
    on_spot = client.get(base + "&figure=on_spot")
    assert len(on_spot.context["rows"]) == 3
    assert {m.status for m in on_spot.context["rows"]} == {"on_spot"}
    routed = client.get(base + "&figure=routed").context["rows"]
    assert len(routed) == 4 and all(m.routed_at for m in routed)
    # An unknown figure falls back to every received matter rather than failing
    assert len(client.get(base + "&figure=nonsense").context["rows"]) == 9


def test_figures_are_formatted_for_reading():
    from decimal import Decimal

    from quanke.reports.templatetags.reports_tags import fig, signed

    assert fig(Decimal("1146.50")) == "1,146.50"  # money keeps its cents
    assert fig(Decimal("67.2")) == "67.2" and fig(Decimal("100.0")) == "100"
    assert fig(12345) == "12,345" and fig(None) == "—"
    assert signed(Decimal("-3.5")) == "−3.5" and signed(4) == "+4"


def test_matter_list_counts_only_bounded_slices(client, cast, hand):
    """A county-wide list over a year is walked page by page without counting; a station's is counted."""
    login(client, cast.admin)
    year = "?period=year&anchor=2026-01-01"
    county = client.get(reverse("reports:matter_list", args=[cast.county.code]) + year)
    assert county.status_code == 200 and county.context["totals"] is None
    assert len(county.context["rows"]) == 14  # every matter of the hand-built year is still listed
    station = client.get(reverse("reports:matter_list", args=[cast.community_a.code]) + year)
    assert station.context["totals"]["received"] == 11
