"""Defect 1 of issue 12 in a real browser: at a booked home visit a worker ticks “当场受理为办件” for 重度残疾人护理补贴;
the matter it creates opens the assistance application (its legal steps), and the matter page links to it."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from quanke.assistance.models import AssistanceApplication
from quanke.catalog.models import Item
from quanke.core import workdays
from quanke.matters.models import Matter
from quanke.registry.models import Household
from quanke.visits import schedule
from quanke.visits import services as visit_services
from tests.conftest import PASSWORD, make_resident

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _morning_booking(cast, resident):
    day = timezone.localdate() + timedelta(days=1)
    while not workdays.is_workday(day):
        day += timedelta(days=1)
    booking = visit_services.booking_create(
        actor=cast.desk_a,
        unit=cast.community_a,
        slot_start=schedule.at_local(day, time(9, 30)),
        worker=cast.desk_a,
        caller_name="朱女士",
        caller_phone="13800000001",
        address=resident.household.address,
        request_text="母亲卧床，想请社工上门看看",
        resident=resident,
    )
    start = timezone.now() - timedelta(hours=2)  # booked for this morning: the visit comes after it
    type(booking).objects.filter(pk=booking.pk).update(slot_start=start, slot_end=start + timedelta(hours=1))
    return booking


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_visit_need_for_care_subsidy_opens_the_application(cast, migrated_data, live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    item = Item.objects.get(code="DS-CARE-SUBSIDY")
    home = Household.objects.create(unit=cast.community_a, number="B0001", address="甲社区3号楼201")
    mother = make_resident(
        cast.community_a,
        "朱秀英",
        household=home,
        relation="head",
        disability_kind="physical",
        disability_grade=1,
        needs_long_term_care=True,
    )
    booking = _morning_booking(cast, mother)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", cast.desk_a.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/visits/records/new/?booking={booking.pk}")
        page.get_by_label("朱秀英").first.check()
        page.fill("input[name=need-0-text]", "一级肢体残疾，长期卧床，想申请护理补贴")
        page.select_option("select[name=need-0-item]", str(item.pk))
        page.select_option("select[name=need-0-resident]", str(mother.pk))
        page.get_by_label("当场受理为办件（渠道：入户）").first.check()
        page.click("button[type=submit].big")
        page.wait_for_selector("#visit-saved")
        matter = Matter.objects.get()
        page.click(f"a:has-text('{matter.tracking_code}')")
        page.wait_for_url(f"**/{matter.tracking_code}/**")
        link = page.get_by_role("link", name="社会救助申请：重度残疾人护理补贴 · 已受理")
        assert link.count() == 1
        # No plain decision on the matter page: the application decides it.
        assert page.locator("button:has-text('办结')").count() == 0
        link.click()
        page.wait_for_url("**/assistance/applications/*/")
        heading = page.inner_text("h1")
        assert "重度残疾人护理补贴" in heading and "朱秀英" in heading and "已受理" in heading
        browser.close()
    application = AssistanceApplication.objects.get()
    assert application.matter == matter and application.program == "disability_care"
    assert application.step == "accepted" and matter.channel == "home"
