"""Issue 12, defect 5: the printable 公示 sheet for the 公示 step — the names and amounts to post, masked (name as
张*丰, ID number masked, no phone, no address, no special-group tag), per application and for the applications
now in 公示 in the worker's units; scoped like the application page, and every read audited."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse

from quanke.assistance import services
from quanke.assistance.selectors import mask_name
from quanke.core.models import AuditEvent
from quanke.registry.models import Tag
from tests.assistance.households import household, member
from tests.assistance.test_applications import STARTED, TODAY
from tests.support import login


def in_publicity(cast, unit, number, name, **fields):
    home = household(unit, number)
    applicant = member(home, name, income="400", phone="13911112222", **fields)
    member(home, f"{name[0]}小妹", birth=date(2012, 4, 1), in_school=True)
    app = services.application_open(
        actor=unit_desk(cast, unit), resident=applicant, program="dibao", at=STARTED
    )
    services.application_investigate(
        actor=cast.street_handler,
        application=app,
        investigated_on=TODAY - timedelta(days=5),
        investigators="赵",
        record="属实",
    )
    return services.application_publicize(
        actor=cast.street_handler, application=app, start=TODAY - timedelta(days=2)
    )


def unit_desk(cast, unit):
    return cast.desk_a if unit == cast.community_a else cast.desk_b


@pytest.fixture
def posted(cast):
    mine = in_publicity(cast, cast.community_a, "PA1", "张三丰")
    mine.resident.tags.add(Tag.objects.get(code="mental_disorder"), Tag.objects.get(code="disabled"))
    theirs = in_publicity(cast, cast.community_b, "PB1", "李四")
    waiting_home = household(cast.community_a, "PA2")
    waiting = services.application_open(
        actor=cast.desk_a, resident=member(waiting_home, "王五", income="100"), program="dibao", at=STARTED
    )
    return mine, theirs, waiting


def reads(app):
    return AuditEvent.objects.filter(
        action="read", object_type="assistance.assistanceapplication", object_id=str(app.pk)
    )


def test_mask_name():
    assert [mask_name(n) for n in ("张三丰", "李四", "欧阳修锋", "王", "")] == [
        "张*丰",
        "李*",
        "欧**锋",
        "*",
        "",
    ]


def test_the_sheet_posts_masked_names_and_amounts_of_the_units_applications_in_publicity(
    client, cast, posted
):
    mine, theirs, waiting = posted
    response = login(client, cast.desk_a).get(reverse("assistance:publicity_sheet"))
    assert response.status_code == 200
    body = response.content.decode()
    r = mine.resident
    assert "张*丰" in body and r.id_number[:6] + "********" + r.id_number[-4:] in body
    assert "2390.00" in body and "甲社区" in body  # 1395 × 2 − 400, for the 2 people of the household
    assert "<td>2</td>" in body
    for secret in ("张三丰", r.id_number, "13911112222", r.household.address, "精神障碍", "残疾"):
        assert secret not in body
    assert "李*" not in body and "王*" not in body  # another community's, and one not yet in 公示
    assert reads(mine).count() == 1 and not reads(theirs).exists() and not reads(waiting).exists()
    assert (
        reads(mine).get().changes["via"] == "assistance.publicity_sheet"
        and reads(mine).get().actor == cast.desk_a
    )


def test_the_street_prints_one_community_or_all_of_them(client, cast, posted):
    mine, theirs, _waiting = posted
    login(client, cast.street_handler)
    body = client.get(reverse("assistance:publicity_sheet")).content.decode()
    assert "张*丰" in body and "李*" in body and body.count('class="sheet"') == 2
    body = client.get(
        reverse("assistance:publicity_sheet") + f"?unit={cast.community_b.code}"
    ).content.decode()
    assert "李*" in body and "张*丰" not in body


def test_one_applications_sheet_is_scoped_like_its_page(client, cast, posted):
    mine, theirs, waiting = posted
    login(client, cast.desk_a)
    body = client.get(reverse("assistance:application_publicity", args=[mine.pk])).content.decode()
    assert "张*丰" in body and "2390.00" in body
    assert (
        reverse("assistance:application_publicity", args=[mine.pk])
        in client.get(reverse("assistance:application_detail", args=[mine.pk])).content.decode()
    )
    before = AuditEvent.objects.filter(action="read").count()
    assert client.get(reverse("assistance:application_publicity", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("assistance:application_publicity", args=[waiting.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="read").count() == before  # nothing read, nothing audited
    client.logout()
    login(client, cast.county_viewer)  # statistics only: no personal data
    assert client.get(reverse("assistance:application_publicity", args=[mine.pk])).status_code == 403
    assert client.get(reverse("assistance:publicity_sheet")).status_code == 403


def test_the_sheet_as_pdf(client, cast, posted, tmp_path):
    mine, _theirs, _waiting = posted
    response = login(client, cast.desk_a).get(
        reverse("assistance:application_publicity", args=[mine.pk]) + "?format=pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert reads(mine).count() == 1
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "社会救助审核确认公示" in text and "张*丰" in text and "2390.00" in text and "张三丰" not in text
