"""Issue 13, failure 3 (a re-import wiped data) and the import limits of failure 9."""

import csv
import io
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook

from quanke.core.models import AuditEvent
from quanke.registry import idnumber, imports, services
from quanke.registry.imports import CLEAR, residents_commit, residents_import, residents_preview
from quanke.registry.models import ImportBatch, Resident
from tests.registry.test_import import GOOD, ID1, ID2, ID3, row, xlsx
from tests.support import login


def sheet(header, rows) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def preview(cast, content, name="r.xlsx", actor=None):
    return residents_preview(
        actor=actor or cast.head_a, unit=cast.community_a, filename=name, fileobj=io.BytesIO(content)
    )


@pytest.fixture
def imported(cast):
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(GOOD))
    assert result.ok and result.created == 3
    return {r.id_number: r for r in Resident.objects.all()}


def state(ident):
    r = Resident.objects.get(id_number=ident)
    return (
        r.phone,
        r.relation,
        r.monthly_income,
        r.disability_kind,
        r.disability_grade,
        r.lives_alone,
        sorted(r.tags.values_list("code", flat=True)),
    )


def test_reimport_with_only_the_required_columns_changes_nothing(cast, imported):
    before = {i: state(i) for i in (ID1, ID2, ID3)}
    only_required = sheet(
        ["户编号", "住址", "姓名", "身份证号"],
        [["A-1", "甲社区1号楼101", "张三丰", ID1], ["A-2", "甲社区2号楼202", "李秀英", ID2]],
    )
    result = residents_import(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=only_required
    )
    assert result.ok and (result.updated, result.unchanged) == (0, 2)
    assert {i: state(i) for i in (ID1, ID2, ID3)} == before
    li = Resident.objects.get(id_number=ID2)
    assert (li.phone, li.disability_kind, li.disability_grade) == ("13900001111", "physical", 2)
    assert Resident.objects.get(id_number=ID1).monthly_income == Decimal("1200.00")


def test_empty_cells_in_present_columns_leave_fields_unchanged(cast, imported):
    before = state(ID2)
    blank = [row("A-2", "甲社区2号楼202", "李秀英", ID2)]  # every optional column present, all empty
    result = residents_import(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(blank)
    )
    assert result.ok and result.unchanged == 1 and state(ID2) == before


def test_clear_marker_empties_phone_disability_and_visible_tags(cast, imported):
    rows = [
        row("A-2", "甲社区2号楼202", "李秀英", ID2, 联系电话=CLEAR, 残疾类别=CLEAR, 残疾等级=CLEAR),
        row("A-1", "甲社区1号楼101", "张三丰", ID1, 人群标签=CLEAR),
    ]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(rows))
    assert result.ok and result.updated == 2
    li = Resident.objects.get(id_number=ID2)
    assert (li.phone, li.disability_kind, li.disability_grade) == ("", "", None)
    assert li.monthly_income == Decimal("0.00") and li.relation == "head"  # as imported, untouched
    assert not Resident.objects.get(id_number=ID1).tags.exists()


@pytest.mark.parametrize("column", ["月收入", "与户主关系", "独居", "户籍"])
def test_clear_marker_is_refused_where_a_field_cannot_be_empty(cast, imported, column):
    before = state(ID1)
    rows = [row("A-1", "甲社区1号楼101", "张三丰", ID1, **{column: CLEAR})]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(rows))
    assert not result.ok and result.errors[0].column == column
    assert state(ID1) == before


def test_preview_lists_new_changed_and_unchanged_and_writes_nothing(cast, imported):
    new_id = idnumber.build("330102", date(1960, 1, 2), 55)
    rows = [
        row("A-1", "甲社区1号楼101", "张三丰", ID1, 月收入="2500", 联系电话="13811112222"),
        row("A-2", "甲社区2号楼202", "李秀英", ID2),
        row("A-9", "甲社区9号楼", "新居民", new_id),
    ]
    audits = AuditEvent.objects.count()
    result = preview(cast, xlsx(rows))
    assert result.ok and result.batch.status == ImportBatch.Status.PREVIEW
    plan = {e["row"]: e for e in result.batch.plan}
    assert [plan[n]["action"] for n in (2, 3, 4)] == ["changed", "unchanged", "new"]
    changes = {label: (old, new) for label, old, new in plan[2]["changes"]}
    assert changes == {"联系电话": ("—", "138****2222"), "月收入": ("1200.00", "2500.00")}
    assert plan[4]["new_household"] and result.batch.summary["new"] == 1
    # Nothing written yet.
    assert Resident.objects.count() == 3 and Resident.objects.get(id_number=ID1).phone == ""
    # One read row for showing the registered residents' current values, nothing else.
    read = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == audits + 1 and read.action == "read"
    assert sorted(read.changes["residents"]) == sorted(imported[i].pk for i in (ID1, ID2))
    done = residents_commit(actor=cast.head_a, batch=result.batch)
    assert done.ok and (done.created, done.updated, done.unchanged) == (1, 1, 1)
    zsf = Resident.objects.get(id_number=ID1)
    assert (zsf.phone, zsf.monthly_income) == ("13811112222", Decimal("2500.00"))
    done.batch.refresh_from_db()
    assert done.batch.status == "committed" and done.batch.rows == []  # personal data not kept


def test_stale_preview_is_refused_and_shown_again(cast, imported):
    rows = [row("A-1", "甲社区1号楼101", "张三丰", ID1, 联系电话="13811112222")]
    result = preview(cast, xlsx(rows))
    first = result.batch.fingerprint
    zsf = Resident.objects.get(id_number=ID1)
    services.resident_update(actor=cast.desk_a, resident=zsf, phone="13599998888")
    stale = residents_commit(actor=cast.head_a, batch=result.batch)
    assert stale.stale and Resident.objects.get(id_number=ID1).phone == "13599998888"
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert batch.status == "preview" and batch.fingerprint != first
    assert batch.plan[0]["changes"] == [["联系电话", "135****8888", "138****2222"]]
    assert residents_commit(actor=cast.head_a, batch=batch).ok  # the re-shown preview can be confirmed
    assert Resident.objects.get(id_number=ID1).phone == "13811112222"


def test_another_user_cannot_confirm_or_see_a_preview(client, cast, imported):
    rows = [row("A-1", "甲社区1号楼101", "张三丰", ID1, 联系电话="13811112222")]
    batch = preview(cast, xlsx(rows)).batch
    with pytest.raises(PermissionDenied):
        residents_commit(actor=cast.back_a, batch=batch)
    assert imports.batch_for(actor=cast.back_a, token=batch.token) is None
    login(client, cast.back_a)
    assert client.get(reverse("registry:import_batch", args=[batch.token])).status_code == 404
    response = client.post(
        reverse("registry:import_confirm", args=[batch.token]), {"fingerprint": batch.fingerprint}
    )
    assert response.status_code == 404
    assert Resident.objects.get(id_number=ID1).phone == ""


def test_a_confirmed_batch_cannot_be_applied_twice(cast, imported):
    rows = [row("A-1", "甲社区1号楼101", "张三丰", ID1, 月收入="2500")]
    batch = preview(cast, xlsx(rows)).batch
    assert residents_commit(actor=cast.head_a, batch=batch).ok
    events = AuditEvent.objects.count()
    again = residents_commit(actor=cast.head_a, batch=ImportBatch.objects.get(pk=batch.pk))
    assert not again.ok and AuditEvent.objects.count() == events


def test_web_upload_preview_then_confirm(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.head_a)
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "r.xlsx"
    response = client.post(reverse("registry:resident_import"), {"unit": cast.community_a.pk, "file": upload})
    assert response.status_code == 302 and Resident.objects.count() == 0
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "新增 3 人" in page and "张三丰" in page
    batch = ImportBatch.objects.get()
    wrong = client.post(reverse("registry:import_confirm", args=[batch.token]), {"fingerprint": "x"})
    assert wrong.status_code == 302 and Resident.objects.count() == 0
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the task is enqueued (and, here, run) after commit
        queued = client.post(
            reverse("registry:import_confirm", args=[batch.token]), {"fingerprint": batch.fingerprint}
        )
        assert queued.url == reverse("registry:import_batch", args=[batch.token])
        assert Resident.objects.count() == 0  # the request only queued it
    done = client.get(queued.url)
    assert "导入完成：新增 3 人" in done.content.decode() and Resident.objects.count() == 3
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_import_page_and_template_document_the_rules(client, cast):
    login(client, cast.head_a)
    body = client.get(reverse("registry:resident_import")).content.decode()
    assert CLEAR.replace("<", "&lt;").replace(">", "&gt;") in body and "留空的单元格" in body
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(reverse("registry:import_template")).content))
    notes = " ".join(str(c.value) for c in wb["填写说明"]["A"])
    assert CLEAR in notes and "不会修改" in notes


def test_front_desk_cannot_use_the_import_pages(client, cast):
    login(client, cast.desk_a)
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "r.xlsx"
    response = client.post(reverse("registry:resident_import"), {"unit": cast.community_a.pk, "file": upload})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists() and Resident.objects.count() == 0


# --- Limits (failure 9, upload half) ----------------------------------------------------------------------------


def bad_csv(n: int) -> bytes:
    # Every row has a wrong check character (…002X is the valid one).
    lines = ["户编号,住址,姓名,身份证号"] + [f"A-{i},addr,名{i},11010519491231002{i % 10}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def test_row_limit_stops_reading(cast, settings):
    settings.IMPORT_MAX_ROWS = 10
    good_rows = [[f"A-{i}", "x", f"名{i}", idnumber.build("330102", date(1960, 1, 1), i)] for i in range(30)]
    result = preview(cast, sheet(["户编号", "住址", "姓名", "身份证号"], good_rows))
    assert not result.ok and result.truncated and "超过 10 行" in result.errors[-1].message
    assert result.errors[-1].row == 12 and result.batch.rows == []


def test_error_limit_stops_reading(cast, settings):
    settings.IMPORT_MAX_ERRORS = 20
    result = preview(cast, bad_csv(500), name="bad.csv")
    assert result.truncated and len(result.errors) == 21 and result.errors[-1].row == 21


def test_size_limit(cast, settings):
    settings.IMPORT_MAX_BYTES = 1000
    result = preview(cast, bad_csv(100), name="bad.csv")
    assert not result.ok and "不能超过" in result.errors[0].message


def test_web_upload_over_the_size_limit_is_cut_off(client, cast, settings):
    settings.IMPORT_MAX_BYTES = 2000
    login(client, cast.head_a)
    upload = io.BytesIO(bad_csv(300))
    upload.name = "bad.csv"
    response = client.post(reverse("registry:resident_import"), {"unit": cast.community_a.pk, "file": upload})
    assert response.status_code == 200 and "文件不能超过" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_100000_bad_rows_answer_fast_with_a_paged_report_and_a_download(client, cast):
    login(client, cast.head_a)
    upload = io.BytesIO(bad_csv(100_000))
    upload.name = "bad.csv"
    started = time.perf_counter()
    response = client.post(
        reverse("registry:resident_import"), {"unit": cast.community_a.pk, "file": upload}, follow=True
    )
    elapsed = time.perf_counter() - started
    body = response.content.decode()
    assert "停止检查" in body and body.count("校验位错误") == 50  # first page only
    assert len(response.content) < 100_000 and elapsed < 10
    batch = ImportBatch.objects.get()
    page3 = client.get(reverse("registry:import_batch", args=[batch.token]), {"page": 3}).content.decode()
    assert "第 3 / 21 页" in page3 and f"<td>{2 + 100}</td>" in page3
    download = client.get(reverse("registry:import_errors", args=[batch.token]))
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert lines[0] == ["行", "列", "问题"] and len(lines) == 1 + 1001
    assert download["Content-Disposition"].startswith("attachment")


def test_the_import_form_still_checks_csrf(cast):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), cast.head_a)
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "r.xlsx"
    response = client.post(reverse("registry:resident_import"), {"unit": cast.community_a.pk, "file": upload})
    assert response.status_code == 403 and not ImportBatch.objects.exists()


def test_a_resident_registered_between_plan_and_insert_rolls_the_whole_import_back(cast, monkeypatch):
    from tests.conftest import make_resident

    batch = preview(cast, xlsx(GOOD)).batch
    stored_plan = batch.plan
    # The race: the re-plan under lock saw ID1 as new, then another request registered her before the insert.
    monkeypatch.setattr(imports, "plan", lambda **kw: (stored_plan, []))
    racer = make_resident(cast.community_b, "张三丰")
    Resident.objects.filter(pk=racer.pk).update(id_number=ID1)
    result = residents_commit(actor=cast.head_a, batch=batch)
    assert not result.ok and "请重新上传" in result.errors[0].message
    assert Resident.objects.count() == 1 and not AuditEvent.objects.filter(action="import").exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == "preview"
