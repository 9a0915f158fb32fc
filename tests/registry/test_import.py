import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook

from quanke.core.models import AuditEvent
from quanke.registry import idnumber
from quanke.registry.imports import COLUMNS, residents_commit, residents_import, residents_preview
from quanke.registry.models import Household, Resident, ResidentMove
from tests.conftest import make_resident
from tests.support import login

HEADER = [title for title, _f, _r in COLUMNS]
ID1 = idnumber.build("330102", date(1941, 4, 5), 11)
ID2 = idnumber.build("330102", date(1945, 6, 7), 22)
ID3 = idnumber.build("330102", date(2015, 8, 9), 33)


def row(number, address, name, ident, **kw):
    values = {"户编号": number, "住址": address, "姓名": name, "身份证号": ident, **kw}
    return [values.get(h, "") for h in HEADER]


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    row(
        "A-1",
        "甲社区1号楼101",
        "张三丰",
        ID1,
        户籍="本地户籍",
        户口性质="城镇",
        月收入="1200",
        人群标签="高龄、独居",
    ),
    row("A-2", "甲社区2号楼202", "李秀英", ID2, 联系电话="13900001111", 残疾类别="肢体残疾", 残疾等级="二级"),
    row("A-2", "甲社区2号楼202", "李小宝", ID3, 与户主关系="孙子女"),
]


def test_good_file_imports_everything(cast):
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(GOOD))
    assert result.ok and (result.created, result.households_created) == (3, 2)
    zsf = Resident.objects.get(id_number=ID1)
    assert zsf.unit == cast.community_a and zsf.name_initials == "zsf"
    assert set(zsf.tags.values_list("code", flat=True)) == {"elderly", "alone"}
    li = Resident.objects.get(id_number=ID2)
    assert (li.disability_kind, li.disability_grade, li.sex) == ("physical", 2, "F")
    assert Resident.objects.get(id_number=ID3).household == li.household
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_bad_rows_import_nothing_and_report_row_column_problem(cast):
    bad = GOOD + [
        row("A-3", "甲社区3号楼", "王五", "110105194912310021"),  # bad check character
        row(
            "A-4", "", "赵六", idnumber.build("330102", date(1980, 1, 1), 44), 月收入="-5", 人群标签="不存在"
        ),
    ]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(bad))
    assert not result.ok
    problems = {(e.row, e.column) for e in result.errors}
    assert {(5, "身份证号"), (6, "住址"), (6, "月收入"), (6, "人群标签")} <= problems
    assert any("校验位错误" in e.message for e in result.errors)
    assert Resident.objects.count() == 0 and Household.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_reimporting_the_same_file_creates_no_duplicates(cast):
    content = xlsx(GOOD)
    residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=content)
    again = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=content)
    assert again.ok and (again.created, again.updated, again.unchanged, again.households_created) == (
        0,
        0,
        3,
        0,
    )
    assert Resident.objects.count() == 3 and Household.objects.count() == 2


def test_reimport_with_a_change_updates_and_audits(cast):
    residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(GOOD))
    changed = [GOOD[0][:10] + ["2000"] + GOOD[0][11:]] + GOOD[1:]
    result = residents_import(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(changed)
    )
    assert (result.created, result.updated) == (0, 1)
    assert str(Resident.objects.get(id_number=ID1).monthly_income) == "2000.00"


def test_duplicate_id_within_file_is_reported(cast):
    rows = GOOD + [row("A-9", "x", "重复", ID1)]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(5, "身份证号")]
    assert "第2行" in result.errors[0].message


def test_resident_of_another_community_is_previewed_as_a_move_and_moved_only_on_confirmation(cast):
    other = make_resident(cast.community_b, "张三丰", phone="13700001111")
    rows = [row("A-1", "x", "张三丰", other.id_number)]
    preview = residents_preview(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", fileobj=io.BytesIO(xlsx(rows))
    )
    [entry] = preview.batch.plan
    assert preview.ok and entry["action"] == "move" and entry["from_unit"] == cast.community_b.name
    other.refresh_from_db()
    assert other.unit == cast.community_b and not ResidentMove.objects.exists()
    result = residents_commit(actor=cast.head_a, batch=preview.batch)
    assert result.ok and result.moved == 1 and result.created == 0
    assert Resident.objects.filter(id_number=other.id_number).count() == 1
    other.refresh_from_db()
    assert other.unit == cast.community_a and other.phone == "13700001111"  # the same record, data kept
    move = ResidentMove.objects.get(resident=other)
    assert (move.from_unit, move.to_unit, move.actor_name, move.via) == (
        cast.community_b,
        cast.community_a,
        cast.head_a.username,
        "import",
    )
    assert AuditEvent.objects.filter(object_id=str(other.pk), changes__unit__isnull=False).exists()


def test_gbk_csv_from_excel_is_read(cast):
    lines = [",".join(HEADER)] + [",".join(r) for r in GOOD]
    content = ("\r\n".join(lines) + "\r\n").encode("gb18030")
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.csv", content=content)
    assert result.ok and result.created == 3


def test_missing_required_column_is_reported(cast):
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["张三丰", ID1])
    out = io.BytesIO()
    wb.save(out)
    result = residents_import(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=out.getvalue()
    )
    assert {e.column for e in result.errors} == {"户编号", "住址"}


def test_front_desk_and_other_community_imports_are_refused(cast):
    with pytest.raises(PermissionDenied):
        residents_import(actor=cast.desk_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(GOOD))
    with pytest.raises(PermissionDenied):
        residents_import(actor=cast.head_a, unit=cast.community_b, filename="r.xlsx", content=xlsx(GOOD))
    assert Resident.objects.count() == 0


def test_import_page_shows_readable_error_report(client, cast):
    login(client, cast.head_a)
    upload = io.BytesIO(xlsx(GOOD + [row("A-3", "x", "王五", "110105194912310021")]))
    upload.name = "residents.xlsx"
    response = client.post(
        reverse("registry:resident_import"), {"unit": cast.community_a.pk, "file": upload}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200 and "未导入任何数据" in body and "校验位错误" in body
    assert "确认导入" not in body
    assert Resident.objects.count() == 0


def test_moving_household_in_a_reimport_carries_running_benefits_along(cast):
    """Statistics count 低保 households from the benefits; a move within the community must follow."""
    from decimal import Decimal

    from quanke.registry import services
    from quanke.registry.models import Benefit

    residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(GOOD))
    zsf = Resident.objects.get(id_number=ID1)
    running = services.benefit_start(
        actor=cast.head_a, resident=zsf, program="gaoling", start_date=date(2024, 1, 1), monthly_amount=100
    )
    ended = Benefit.objects.create(
        resident=zsf,
        unit=zsf.unit,
        household=zsf.household,
        program="dibao",
        start_date=date(2020, 1, 1),
        end_date=date(2021, 1, 1),
        monthly_amount=Decimal("500"),
    )
    assert (running.unit, running.household) == (cast.community_a, zsf.household)
    moved = [
        row(
            "A-2",
            "甲社区2号楼202",
            "张三丰",
            ID1,
            户籍="本地户籍",
            户口性质="城镇",
            月收入="1200",
            人群标签="高龄、独居",
        )
    ]
    result = residents_import(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(moved + GOOD[1:])
    )
    assert result.ok and result.updated == 1
    new_home = Resident.objects.get(id_number=ID2).household
    running.refresh_from_db()
    ended.refresh_from_db()
    assert running.household == new_home and ended.household != new_home  # history keeps the old household


def test_member_hukou_column_sets_changes_and_clears_a_members_own_hukou(cast):
    rows = [
        row("A-3", "甲社区3号楼303", "王本地", ID1, 户籍="本地户籍"),
        row("A-3", "甲社区3号楼303", "赵外地", ID2, 本人户籍="外地户籍"),
    ]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(rows))
    assert result.ok and result.created == 2
    local, away = Resident.objects.get(id_number=ID1), Resident.objects.get(id_number=ID2)
    assert (local.member_hukou, local.hukou_local) == ("", True)
    assert (away.member_hukou, away.hukou_local) == ("nonlocal", False)
    bad = [row("A-3", "甲社区3号楼303", "赵外地", ID2, 本人户籍="火星户籍")]
    result = residents_import(actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(bad))
    assert not result.ok and any(e.column == "本人户籍" for e in result.errors)
    away.refresh_from_db()
    assert away.member_hukou == "nonlocal"
    cleared = [row("A-3", "甲社区3号楼303", "赵外地", ID2, 本人户籍="<清空>")]
    result = residents_import(
        actor=cast.head_a, unit=cast.community_a, filename="r.xlsx", content=xlsx(cleared)
    )
    assert result.ok and result.updated == 1
    away.refresh_from_db()
    assert (away.member_hukou, away.hukou_local) == ("", True)
