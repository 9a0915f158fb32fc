"""Social-assistance figures on a small hand-built set with known answers.

March 2026 in community A: three applications accepted (低保 from a confirmed finding and approved on 25 March,
临时救助 approved on 4 March for ¥2,000, another 低保 still open), one 特困 application accepted in February and
refused on 5 March. Benefits in force on 31 March: one 低保 household of three (¥500 each), one resident with
高龄津贴 (¥100) and 残疾人生活补贴 (¥80, from 15 March); a 特困 benefit ended on 20 March; a 低保 benefit starts
in April; a 临时救助 record is one-off and never counts as "in receipt". Community C (other street) has one
低保边缘 recipient (¥300).
"""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from quanke.network.models import ServiceRecord, Volunteer
from quanke.reports import exports, selectors
from quanke.reports import indicators as ind
from quanke.reports.periods import period_for
from tests.conftest import make_resident
from tests.reports.conftest import benefit
from tests.support import login

TODAY = date(2026, 11, 23)
MARCH = period_for("month", date(2026, 3, 1))
FEBRUARY = period_for("month", date(2026, 2, 1))


def figures(actor, unit, period=MARCH):
    d = selectors.dashboard(actor=actor, unit=unit, period=period, today=TODAY)
    return {code: d.total.value(i) for code, i in ind.by_code().items()}, d


def test_community_assistance_figures(cast, aid):
    v, d = figures(cast.head_a, cast.community_a)
    assert v["aid_applications"] == 3
    assert v["aid_proactive"] == 1
    assert v["aid_approved"] == 2
    assert v["aid_refused"] == 1
    assert v["aid_approval_rate"] == Decimal("66.7")
    # 3 低保 members + 高龄 + 残疾人生活补贴; the ended 特困, April 低保 and one-off 临时救助 are not counted
    assert v["aid_recipients"] == 5
    assert v["aid_monthly_amount"] == Decimal("1680")
    assert v["aid_temporary_amount"] == Decimal("2000")
    assert v["findings_confirmed"] == 1
    assert v["findings_open_now"] == 1
    # Previous period (as of 28 February): 低保 ×3, 高龄, 特困 in force; 残疾人生活补贴 not yet
    prev = {code: d.total.previous_value(i) for code, i in ind.by_code().items()}
    assert prev["aid_recipients"] == 5
    assert prev["aid_monthly_amount"] == Decimal("2500")
    assert prev["aid_applications"] == 1 and prev["aid_refused"] == 0
    assert prev["findings_confirmed"] == 1
    assert prev["findings_open_now"] is None  # live: no previous value


def test_by_programme_table(cast, aid):
    _v, d = figures(cast.head_a, cast.community_a)
    cols = [code for code, _h, _u in ind.ASSISTANCE_PROGRAM_COLUMNS]
    rows = {r["label"]: dict(zip(cols, r["values"], strict=True)) for r in d.programs}
    assert rows["低保"] == {
        "aid_applications": 2,
        "aid_approved": 1,
        "aid_refused": 0,
        "aid_households": 1,
        "aid_recipients": 3,
        "aid_monthly_amount": Decimal("1500"),
        "aid_approved_amount": Decimal("700"),
    }
    assert rows["特困供养"]["aid_refused"] == 1 and rows["特困供养"]["aid_recipients"] == 0
    assert rows["临时救助"]["aid_approved_amount"] == Decimal("2000")
    assert rows["临时救助"]["aid_recipients"] is None  # one-off: no "in receipt" figure
    assert rows["残疾人生活补贴"]["aid_monthly_amount"] == Decimal("80")
    total = rows["合计"]
    assert total["aid_applications"] == 3 and total["aid_households"] == 3 and total["aid_recipients"] == 5
    # The total row is the sum of the programme rows
    for code in cols:
        parts = [r[code] or 0 for label, r in rows.items() if label != "合计"]
        assert sum(parts) == total[code]


def test_county_rolls_up_every_community(cast, aid):
    v, _d = figures(cast.county_viewer, cast.county)
    assert v["aid_applications"] == 3  # B's application is in April
    assert v["aid_recipients"] == 6  # A's five plus C's 低保边缘
    assert v["aid_monthly_amount"] == Decimal("1980")
    assert v["findings_open_now"] == 2
    april, _ = figures(cast.county_viewer, cast.county, period_for("month", date(2026, 4, 1)))
    assert april["aid_applications"] == 1
    # In April the new 低保 (¥700) is in force and the 残疾人生活补贴 continues
    assert april["aid_recipients"] == 7 and april["aid_monthly_amount"] == Decimal("2680")


def test_period_still_running_counts_recipients_as_of_today(cast, aid):
    """A year that has not ended yet is measured today, not on 31 December."""
    benefit(make_resident(cast.community_a, "未来人"), "gaoling", date(2026, 12, 1), "100")
    year, _ = figures(cast.head_a, cast.community_a, period_for("year", date(2026, 1, 1)))
    assert year["aid_recipients"] == 6  # 低保 ×3 + new 低保 + 高龄 + 残疾人生活补贴; not December's 高龄


def test_station_report_has_the_programme_section(cast, aid):
    wb = exports.station_monthly(actor=cast.head_a, unit=cast.community_a, period=MARCH, today=TODAY)
    wb.save(buf := io.BytesIO())
    rows = [
        list(r)
        for r in openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["月度工作报表"].iter_rows(
            values_only=True
        )
    ]
    titles = [r[0] for r in rows if r and isinstance(r[0], str)]
    assert "四、社会救助（按项目）" in titles and "五、工作人员工作量" in titles
    dibao = next(r for r in rows if r[0] == "低保")
    assert dibao[1:8] == [2, 1, 0, 1, 3, 1500, 700]
    headline = next(r for r in rows if r[0] == "在享人次（期末）")
    assert headline[2:4] == [5, 5]


def test_summary_has_own_rows_that_make_subtotals_add_up(cast, aid):
    """A volunteer record kept by the street itself appears as 街道本级, so the subtotal is the sum above it."""
    vol = Volunteer.objects.create(unit=cast.street_1, name="志愿者乙", registered_on=date(2025, 1, 1))
    ServiceRecord.objects.create(volunteer=vol, unit=cast.street_1, served_on=date(2026, 3, 9), hours=3)
    rows = selectors.summary_rows(actor=cast.county_viewer, unit=cast.county, period=MARCH, today=TODAY)
    kinds = [(kind, f.label) for kind, f in rows]
    street = cast.street_1.name
    assert ("own", f"{street}本级") in kinds
    code = ind.by_code()["volunteer_times"]
    block = []
    for kind, f in rows:
        if kind == "subtotal" and f.unit == cast.street_1:
            assert sum(f2.value(code) for f2 in block) == f.value(code) == 1
            assert sum(f2.value(ind.by_code()["aid_recipients"]) for f2 in block) == 5
            break
        block = [] if kind == "subtotal" else [*block, f]
    else:
        pytest.fail("no subtotal for street 1")
    # No own row for a street without records of its own
    assert not any(kind == "own" and f.unit == cast.street_2 for kind, f in rows)


def test_api_gives_the_programme_table_to_the_county_viewer(client, cast, aid):
    from tests.api.test_api import bearer

    response = client.get(
        f"/api/reports/units/{cast.county.code}?period=month&anchor=2026-03-01", **bearer(cast.county_viewer)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["values"]["aid_recipients"] == 6.0
    programs = {p["program"]: p["values"] for p in body["programs"]}
    assert programs["低保"]["aid_recipients"] == 3.0 and programs["临时救助"]["aid_recipients"] is None
    assert "王建国" not in response.content.decode()


def test_county_summary_workbook_shows_the_street_own_row(cast, aid):
    vol = Volunteer.objects.create(unit=cast.street_1, name="志愿者乙", registered_on=date(2025, 1, 1))
    ServiceRecord.objects.create(volunteer=vol, unit=cast.street_1, served_on=date(2026, 3, 9), hours=3)
    wb = exports.county_summary(actor=cast.county_viewer, unit=cast.county, period=MARCH, today=TODAY)
    rows = [list(r) for r in wb["区县汇总表"].iter_rows(values_only=True)]
    header = next(r for r in rows if r[0] == "单位")
    body = rows[rows.index(header) + 1 :]
    labels = [r[0] for r in body if r[0]]
    street = cast.street_1.name
    assert labels.index(f"{street}本级") == labels.index(f"{street} 小计") - 1
    own = next(r for r in body if r[0] == f"{street}本级")
    assert own[1] == street and own[header.index("志愿服务人次(人次)")] == 1
    assert own[header.index("救助申请受理(件)")] == 0
    total = next(r for r in body if r[0] == "合计")
    assert total[header.index("在享人次（期末）(人次)")] == 6


def test_programme_table_on_the_dashboard_has_definitions_and_no_names(client, cast, aid):
    from django.urls import reverse

    login(client, cast.county_viewer)
    html = client.get(reverse("reports:dashboard") + "?period=month&anchor=2026-03-01").content.decode()
    assert 'id="table-programs"' in html
    assert f'title="{ind.by_code()["aid_households"].definition}"' in html
    for name in ("王建国", "李桂兰", "陈老伯", "赵边缘"):
        assert name not in html
