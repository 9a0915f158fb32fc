"""Defect 2: the one-time notice names the unit and specialty that actually handle the matter, the station's own
back office included, in HTML and in the PDF."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from quanke.matters import services
from tests.conftest import make_resident
from tests.matters.conftest import accept
from tests.matters.test_views import login

# 养老服务补贴申请: a county item (区民政局) of the 养老服务 specialty; not an assistance programme.
ITEM = "EL-SERVICE-SUBSIDY"


def _pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(content)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_routed_to_the_stations_back_office_the_notice_names_it(client, cast, tmp_path):
    r = make_resident(cast.community_a, "张老伯")
    m = services.matter_route(
        actor=cast.desk_a, matter=accept(cast.desk_a, ITEM, resident=r), handling_unit=cast.community_a
    )
    assert (m.handling_unit, m.get_specialty_display()) == (cast.community_a, "养老服务")
    login(client, cast.desk_a)
    html = client.get(reverse("matters:notice", args=[m.tracking_code])).content.decode()
    assert "本站后台（养老服务）办理" in html
    assert "流转至" not in html and "区民政局" not in html and cast.county.name not in html
    response = client.get(reverse("matters:notice_pdf", args=[m.tracking_code]))
    text = "".join(_pdf_text(response.content, tmp_path).split())  # pdftotext may break lines anywhere
    assert "本站后台（养老服务）办理" in text
    assert "流转至" not in text and "区民政局" not in text


def test_routed_to_the_items_department_the_notice_names_it_with_its_office(client, cast):
    m = services.matter_route(actor=cast.desk_a, matter=accept(cast.desk_a, ITEM))
    assert m.handling_unit == cast.county
    html = login(client, cast.desk_a).get(reverse("matters:notice", args=[m.tracking_code])).content.decode()
    assert f"流转至{cast.county.name}（区民政局）办理" in html


def test_routed_to_another_level_the_notice_names_that_unit_and_the_specialty(client, cast):
    m = services.matter_route(
        actor=cast.desk_a, matter=accept(cast.desk_a, ITEM), handling_unit=cast.street_1
    )
    html = login(client, cast.desk_a).get(reverse("matters:notice", args=[m.tracking_code])).content.decode()
    assert f"流转至{cast.street_1.name}（养老服务）办理" in html and "区民政局" not in html
