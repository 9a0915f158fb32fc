"""The residents' pages on a phone (390×844, headless Chromium): find an item in one's own words and open its
guide; the self-check for a household that qualifies for 低保; a look-up through the QR link showing 待补正 and
the missing material; a 不满意 rating and the station head's 整改; enumeration refused after the limit.
Screenshots land in artifacts/public/ and are looked at."""

from pathlib import Path

import pytest
from django.test import Client

from quanke.matters import services as matter_services
from quanke.public import links
from quanke.public.models import Rectification
from tests.conftest import make_resident
from tests.matters.conftest import accept, received
from tests.support import login
from tests.visits.test_browser_phone_visit import CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "public"
PHONE = "13912345678"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def phone(live_server, monkeypatch, settings, migrated_data):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PUBLIC_FORM_MIN_SECONDS = 1
    settings.PUBLIC_BASE_URL = ""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        yield page
        browser.close()
    assert all(r.startswith(live_server.url) for r in requests)  # nothing from a CDN


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit(page, selector="main form button[type=submit]"):
    page.wait_for_timeout(1100)  # a person takes longer than PUBLIC_FORM_MIN_SECONDS
    page.locator(selector).last.click()


def test_find_an_item_in_own_words_and_open_its_guide(phone, live_server, cast):
    page = phone
    page.goto(f"{live_server.url}/m/?station={cast.community_a.code}")
    shot(page, "home")
    page.fill("#q", "我妈八十多了能领钱吗")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#results")
    shot(page, "guide_search")
    page.locator("#results a", has_text="高龄津贴").first.click()
    page.wait_for_selector("text=要带的材料")
    assert "高龄津贴" in page.inner_text("h1")
    assert "0571-1" in page.content()
    shot(page, "guide_item")
    # Tap targets: the list rows and buttons are at least 44 CSS px high.
    assert page.locator("a.button").first.bounding_box()["height"] >= 44


def test_self_check_for_a_household_that_qualifies_for_dibao(phone, live_server, cast):
    page = phone
    page.goto(f"{live_server.url}/m/check/?station={cast.community_a.code}")
    page.select_option("#id_hukou", "urban")
    page.check("input[name=assets_ok][value='1']")
    page.fill("#id_m-0-age", "52")
    page.fill("#id_m-0-income", "400")
    page.click("#add-member")
    page.fill("#id_m-1-age", "15")
    page.fill("#id_m-1-income", "0")
    page.check("#id_m-1-in_school")
    # The parent supports the child (else the child is 特困, outside the 低保 cover).
    page.check("#id_m-1-supporter")
    shot(page, "check_form")
    submit(page, "#check-form button[type=submit]")
    page.wait_for_selector("text=测算结果")
    text = page.inner_text("main")
    assert "最低生活保障（低保）" in text
    assert "约 2390.0 元/月（全家）" in text  # (1395 − 400 / 2) × 2
    assert "家庭人均月收入 200.00 元 < 低保标准 1395.00 元" in text
    shot(page, "check_result")


def test_qr_link_shows_awaiting_materials(phone, live_server, cast):
    page = phone
    resident = make_resident(cast.community_a, "孔繁荣", phone=PHONE)
    matter = accept(cast.desk_a, code="SA-DIBAO", resident=resident)
    line = matter.materials.first()
    matter_services.matter_request_materials(actor=cast.desk_a, matter=matter, missing_material_ids=[line.pk])
    page.goto(links.track_url(matter.tracking_code).replace("/m/", f"{live_server.url}/m/", 1))
    assert page.input_value("#id_code") == matter.tracking_code
    page.fill("#id_last4", PHONE[-4:])
    shot(page, "track_form")
    submit(page)
    page.wait_for_selector("#missing")
    assert line.name in page.inner_text("#missing")
    assert "孔*荣" in page.content() and "孔繁荣" not in page.content()
    shot(page, "track_awaiting")


def test_rate_not_satisfied_and_the_head_sees_the_rectification(phone, live_server, cast):
    page = phone
    resident = make_resident(cast.community_a, "孔繁荣", phone=PHONE)
    matter = accept(cast.desk_a, resident=resident)
    matter = matter_services.matter_finish_on_spot(
        actor=cast.desk_a, matter=matter, note="已出具。", **received(matter)
    )
    page.goto(live_server.url + links.rating_url(matter))
    page.check("text=不满意 >> nth=0")
    page.fill("#id_comment", "排队时间太长")
    shot(page, "rate_form")
    submit(page)
    page.wait_for_selector("text=谢谢您的评价")
    assert "服务站正在整改" in page.content()
    shot(page, "rate_done")
    rect = Rectification.objects.get(rating__matter=matter)
    assert rect.rating.level == 2
    # The head (signed in with her second factor) finds it on her 整改 page.
    head = login(Client(), cast.head_a)
    page.context.add_cookies(
        [{"name": "sessionid", "value": head.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/ratings/")
    page.click(f"text={matter.tracking_code}")
    page.wait_for_selector("#rect-status")
    assert "排队时间太长" in page.content() and "整改中" in page.inner_text("#rect-status")
    shot(page, "head_rectification")


def test_enumeration_refused_after_the_limit(phone, live_server, cast):
    page = phone
    for n in range(6):
        page.goto(f"{live_server.url}/m/track/")
        page.fill("#id_code", f"QK-20260101-{n:04d}")
        page.fill("#id_last4", "1234")
        submit(page)
        page.wait_for_load_state()
    assert page.locator("#throttled").is_visible()
    assert "分钟后再试" in page.inner_text("#throttled")
    shot(page, "track_throttled")
