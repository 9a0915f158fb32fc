"""A resident books a home visit on her phone (390 × 844, headless Chromium): picks a day and a slot, fills the
form, types the code the SMS carried (read from the outbox), sees the confirmation; a desk worker then sees the
booking in the station's list. Screenshots in artifacts/public/."""

import re
from datetime import time
from pathlib import Path

import pytest

from quanke.visits import schedule
from quanke.visits.models import Booking
from tests.conftest import PASSWORD
from tests.public.booking.conftest import last_code
from tests.visits.test_browser_phone_visit import CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "public"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_books_a_visit_on_her_phone_and_the_station_sees_it(
    cast, live_server, workday, monkeypatch, settings
):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PUBLIC_FORM_MIN_SECONDS = 1
    cast.community_a.station_name = "甲社区服务站"
    cast.community_a.save(update_fields=["station_name"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        phone = browser.new_page(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        phone.goto(f"{live_server.url}/m/book/station/{cast.community_a.pk}/?day={workday.isoformat()}")
        phone.locator("label.pick", has=phone.locator("input[name=kind][value=visit]")).click()
        slot = phone.locator(f"input[name=slot][value='{workday.isoformat()}T14:30']")
        phone.locator("label.pick", has=slot).click()
        assert slot.is_checked()
        phone.fill("input[name=caller_name]", "王秀英")
        phone.fill("input[name=caller_phone]", "13912345678")
        phone.fill("input[name=address]", "甲社区3号楼2单元101")
        phone.fill("textarea[name=request_text]", "腿脚不便，想请社工上门量血压")
        # Large tap targets for older residents: the button and every choice at least 48 px high.
        button = phone.locator("button[type=submit]")
        assert button.bounding_box()["height"] >= 48
        assert all(
            box["height"] >= 48 for box in (lbl.bounding_box() for lbl in phone.locator("label.pick").all())
        )
        # The honeypot is off-screen: people never see or fill it.
        assert phone.locator("input[name=website]").bounding_box()["x"] < 0
        phone.screenshot(path=str(ARTIFACTS / "booking_form.png"), full_page=True)
        phone.wait_for_timeout(1100)  # a person takes longer than the bot threshold
        button.click()
        phone.wait_for_url(re.compile(r"/m/book/verify/"))
        assert "尾号 5678" in phone.inner_text("main")
        phone.fill("input[name=code]", last_code())
        phone.screenshot(path=str(ARTIFACTS / "booking_code.png"), full_page=True)
        phone.click("button[type=submit]")
        phone.wait_for_url(re.compile(r"/m/book/manage/.+\?done=1"))
        text = phone.inner_text("main")
        assert "预约成功" in text and "王**" in text and "14:30" in text and "上门服务" in text
        phone.screenshot(path=str(ARTIFACTS / "booking_done.png"), full_page=True)

        desk = browser.new_page(viewport={"width": 1280, "height": 900})
        desk.goto(f"{live_server.url}/login/")
        desk.fill("input[name=username]", cast.desk_a.username)
        desk.fill("input[name=password]", PASSWORD)
        desk.click("button[type=submit]")
        desk.goto(f"{live_server.url}/visits/bookings/?unit={cast.community_a.pk}&day={workday.isoformat()}")
        row = desk.locator("tr", has_text="王秀英")
        assert "线上" in row.inner_text() and "量血压" in row.inner_text()
        desk.screenshot(path=str(ARTIFACTS / "station_bookings.png"), full_page=True)
        browser.close()
    booking = Booking.objects.get()
    assert booking.channel == "online" and booking.slot_start == schedule.at_local(workday, time(14, 30))
