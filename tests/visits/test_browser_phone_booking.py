"""A desk worker takes a phone call and books a Saturday-evening visit: she finds the caller by the pinyin initials of
her name, the slots come in by htmx and the booking lands on the duty worker (screenshot in
artifacts/booking_saturday.png)."""

import re
from datetime import time
from pathlib import Path

import pytest

from quanke.visits.models import Booking, DutyShift
from tests.conftest import PASSWORD, make_resident
from tests.visits.test_browser_phone_visit import CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_book_a_saturday_evening_visit_by_phone(cast, live_server, saturday, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
    # Set only for this test, so that it never leaks into other tests (e.g. the deploy check's subprocess).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    ARTIFACTS.mkdir(exist_ok=True)
    DutyShift.objects.create(
        unit=cast.community_a, worker=cast.back_a, date=saturday, start=time(9), end=time(21)
    )
    kong = make_resident(cast.community_a, "孔繁荣", phone="13912345678")
    namesake = make_resident(cast.community_b, "孔凡容", phone="13912340000")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", cast.desk_a.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/visits/bookings/new/")
        page.fill("input[name=caller_phone]", "13912345678")
        page.fill("input[name=caller_name]", "孔奶奶")
        # Search as you type: the picker lists only community A's 孔繁荣, with the phone masked.
        page.fill("#resident-q", "kfr")
        match = page.locator(f"#resident-results input[value='{kong.pk}']")
        match.wait_for(state="attached")
        results = page.inner_text("#resident-results")
        assert "139****5678" in results and "13912345678" not in results
        assert page.locator(f"input[value='{namesake.pk}']").count() == 0
        page.locator("#resident-results label.pick", has=page.locator(f"input[value='{kong.pk}']")).click()
        assert page.locator(f"#resident-chosen input[value='{kong.pk}']").is_checked()
        # Picking her fills the address with her household's (defect 11); the worker may still change it.
        page.wait_for_function("document.querySelector('input[name=address]').value !== ''")
        assert page.input_value("input[name=address]") == kong.household.address
        page.fill("textarea[name=request_text]", "腿脚不便，想请社工周六晚上上门量血压")
        page.fill("input[name=address]", "甲社区7号楼3单元201")
        page.fill("input[name=preferred_time]", "周六晚上")
        page.fill("input[name=day]", saturday.isoformat())
        page.dispatch_event("input[name=day]", "change")
        slot = page.locator(f"input[name=slot][value='{saturday.isoformat()}T19:00']")
        slot.wait_for(state="attached")
        assert "值班：back_a" in page.inner_text("#slots")
        # The slot list is re-rendered by htmx as fields change; pick only once every refresh has landed.
        page.wait_for_load_state("networkidle")
        page.locator("label.slot", has=slot).click()
        page.wait_for_load_state("networkidle")
        assert slot.is_checked()
        page.screenshot(path=str(ARTIFACTS / "booking_saturday.png"), full_page=True)
        page.click("button[type=submit].big")
        page.wait_for_url(re.compile(r"/visits/bookings/\d+/$"))
        text = page.inner_text("main")
        assert "由back_a上门" in text and "19:00–20:00" in text
        browser.close()
    booking = Booking.objects.get()
    assert booking.worker == cast.back_a and booking.preferred_time == "周六晚上"
    assert booking.resident == kong
