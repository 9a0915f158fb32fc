"""Excel and CSV exports: they open in openpyxl with the expected sheets and numbers; downloads are checked and
audited; the county viewer's files carry no personal names."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.reports import services
from quanke.reports.models import ExportJob
from tests.support import login


@pytest.fixture(autouse=True)
def _exports(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"


def request_and_run(client, actor, unit, kind):
    login(client, actor)
    response = client.post(
        reverse("reports:export_create", args=[unit.code]),
        {"kind": kind, "period": "month", "anchor": "2026-03-01"},
    )
    assert response.status_code == 302
    job = ExportJob.objects.latest("id")
    assert response.url == reverse("reports:export_job", args=[job.pk])
    assert job.status == ExportJob.Status.QUEUED
    call_command("run_export", str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    return job


def download(client, job) -> openpyxl.Workbook:
    response = client.get(reverse("reports:export_download", args=[job.pk]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def cells(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find_row(rows, first):
    return next(r for r in rows if r and r[0] == first)


def test_station_monthly_report(client, cast, hand):
    job = request_and_run(client, cast.head_a, cast.community_a, "station_monthly")
    page = client.get(reverse("reports:export_job", args=[job.pk])).content.decode()
    assert reverse("reports:export_download", args=[job.pk]) in page
    wb = download(client, job)
    assert wb.sheetnames == ["月度工作报表", "按服务事项", "本期受理办件清单", "指标说明"]
    rows = cells(wb["月度工作报表"])
    assert rows[0][0] == "甲社区月度工作报表"
    assert find_row(rows, "填报单位")[1].startswith("甲社区")
    assert find_row(rows, "统计期间")[1] == "2026年03月（2026-03-01 至 2026-03-31）"
    assert find_row(rows, "生成时间")[1]
    # 指标, 单位, 本期, 上月, 增减, 增减%
    assert find_row(rows, "指标")[3] == "上月"
    assert find_row(rows, "受理办件")[:5] == ["受理办件", "件", 9, 2, 7]
    assert find_row(rows, "当场办结")[2] == 3
    assert find_row(rows, "流转办理")[2] == 4
    assert find_row(rows, "按时办结率")[2] == pytest.approx(66.7)
    assert find_row(rows, "最多跑一次率")[2] == pytest.approx(85.7)
    assert find_row(rows, "党务服务")[1:3] == [4, 3]
    assert find_row(rows, "窗口")[1] == 8
    assert find_row(rows, "desk_a")[1] == 8  # the station head's own report lists workers
    items = cells(wb["按服务事项"])
    assert find_row(items, "低保申请")[1:5] == [5, 0, 4, 4]
    assert find_row(items, "合计")[1] == 9
    audit = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("id")
    assert audit.actor == cast.head_a and audit.object_id == str(job.pk)


def test_county_summary_by_unit_with_subtotals(client, cast, hand):
    job = request_and_run(client, cast.county_viewer, cast.county, "county_summary")
    wb = download(client, job)
    assert wb.sheetnames == ["区县汇总表", "指标说明"]
    rows = cells(wb["区县汇总表"])
    header = find_row(rows, "单位")
    col = header.index("受理办件(件)")
    labels = [r[0] for r in rows[rows.index(header) + 1 :]]
    assert labels == ["甲社区", "乙社区", "一街道 小计", "丙社区", "二街道 小计", "合计"]
    by_label = {r[0]: r for r in rows[rows.index(header) + 1 :]}
    assert [by_label[k][col] for k in labels] == [9, 1, 10, 2, 2, 12]
    rate = header.index("当场办结率(%)")
    assert by_label["合计"][rate] == pytest.approx(50.0)
    text = repr(cells(wb["区县汇总表"])) + repr(cells(wb["指标说明"]))
    for name in ("desk_a", "back_a", "head_a", "王女士"):
        assert name not in text


def test_county_viewer_station_report_has_no_worker_names(client, cast, hand):
    job = request_and_run(client, cast.county_viewer, cast.community_a, "station_monthly")
    wb = download(client, job)
    text = repr([cells(ws) for ws in wb.worksheets])
    for name in ("desk_a", "back_a", "head_a", "王女士"):
        assert name not in text
    assert "工作人员工作量" not in text


def test_someone_else_cannot_see_or_download_a_job(client, cast, hand):
    job = request_and_run(client, cast.head_a, cast.community_a, "station_monthly")
    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    for other in (cast.county_viewer, cast.desk_a, cast.admin):
        login(client, other)
        assert client.get(reverse("reports:export_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before


def test_wrong_kind_for_the_unit_is_refused(client, cast, hand):
    login(client, cast.admin)
    before = ExportJob.objects.count()
    response = client.post(
        reverse("reports:export_create", args=[cast.county.code]),
        {"kind": "station_monthly", "period": "month", "anchor": "2026-03-01"},
    )
    assert response.status_code == 302 and ExportJob.objects.count() == before


def test_job_page_polls_until_done(client, cast, hand):
    login(client, cast.head_a)
    job = services.export_request(
        actor=cast.head_a, kind="station_monthly", unit=cast.community_a, period=hand.march
    )
    page = client.get(reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in page
    services.export_run(job_id=job.pk)
    page = client.get(reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in page and "下载" in page


def test_failed_job_records_the_error(cast, hand):
    job = services.export_request(
        actor=cast.head_a, kind="station_monthly", unit=cast.community_a, period=hand.march
    )
    ExportJob.objects.filter(pk=job.pk).update(params={"period": "month", "start": "nonsense", "end": "x"})
    job = services.export_run(job_id=job.pk)
    assert job.status == ExportJob.Status.FAILED and "ValueError" in job.error


def test_indicator_csv_has_bom_and_rows(client, cast, hand):
    login(client, cast.county_viewer)
    response = client.get(
        reverse("reports:indicator_csv", args=[cast.county.code]) + "?period=month&anchor=2026-03-01"
    )
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    header = lines[1].split(",")
    received = header.index("受理办件(件)")
    rows = {line.split(",")[1]: line.split(",") for line in lines[2:]}
    assert rows["一街道"][received] == "10" and rows["测试区"][received] == "12"


@pytest.mark.parametrize("who", ["head_a", "county_viewer"])
def test_station_report_recounts_from_its_register_of_accepted_matters(client, cast, hand, who):
    """README: the 本期受理办件清单 sheet lets a user recount each acceptance-side figure of the report."""
    wb = download(client, request_and_run(client, getattr(cast, who), cast.community_a, "station_monthly"))
    report = {r[0]: r[2] for r in cells(wb["月度工作报表"]) if r and r[1] == "件"}
    sheet = cells(wb["本期受理办件清单"])
    heads, body = sheet[0], [r for r in sheet[1:] if isinstance(r[0], int)]
    assert len(body) == report["受理办件"] == 9
    for column, figure in (
        ("当场办结", "当场办结"),
        ("流转办理", "流转办理"),
        ("不予受理", "不予受理"),
        ("咨询", "其中：咨询"),
    ):
        assert sum(r[heads.index(column)] == "是" for r in body) == report[figure], column
    assert len({r[heads.index("受理编号")] for r in body}) == len(body)
    if who == "head_a":
        names = [r[heads.index("申请人")] for r in body]
        assert all("*" in n for n in names), names  # masked
    else:
        assert "申请人" not in heads  # the county viewer never sees a name
