"""A worker records a visit on a phone-sized screen (390×844): readings with the high-pressure hint, a supply
handed out from her kit, saved; the page is looked at in artifacts/visit_phone_*.png."""

from pathlib import Path

import pytest
from django.core.management import call_command

from quanke.catalog.models import Item
from quanke.matters.models import Matter
from quanke.visits import services
from quanke.visits.models import StockBalance, SupplyItem, Visit
from tests.conftest import PASSWORD
from tests.visits.conftest import household_with

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _reference_data():
    """A transactional test that ran earlier may have flushed the data-migration rows; load them again."""
    from importlib import import_module

    from django.apps import apps

    if not Item.objects.exists():
        import_module("quanke.catalog.migrations.0003_default_catalog").load(apps, None)
    if not SupplyItem.objects.exists():
        import_module("quanke.visits.migrations.0002_default_supplies").seed(apps, None)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_record_a_visit_on_a_phone(cast, live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are still synchronous.
    # Set only for this test, so that it never leaks into other tests (e.g. the deploy check's subprocess).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    ARTIFACTS.mkdir(exist_ok=True)
    _reference_data()
    bags = SupplyItem.objects.get(code="garbage_bags")
    item = Item.objects.get(code="EL-HOMECARE")
    services.stock_receive(actor=cast.head_a, unit=cast.community_a, supply=bags, quantity=20)
    services.stock_issue(
        actor=cast.head_a, unit=cast.community_a, supply=bags, worker=cast.desk_a, quantity=5
    )
    hh, (grandma, _son) = household_with(cast.community_a, "钱奶奶", "钱小军")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", cast.desk_a.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/visits/records/new/?household={hh.pk}")
        page.get_by_label("钱奶奶").first.check()
        page.fill("textarea[name=observations]", "老人独居，精神尚可，家中整洁。")
        page.select_option("select[name=bp_resident]", str(grandma.pk))
        page.fill("input[name=systolic]", "152")
        page.fill("input[name=diastolic]", "94")
        assert "血压偏高" in page.inner_text("#bp-hint")
        page.fill("input[name=need-0-text]", "想申请居家养老上门服务")
        page.select_option("select[name=need-0-item]", str(item.pk))
        page.select_option("select[name=need-0-resident]", str(grandma.pk))
        page.get_by_label("当场受理为办件（渠道：入户）").first.check()
        page.fill(f"input[name=supply-{bags.pk}-qty]", "2")
        page.select_option(f"select[name=supply-{bags.pk}-to]", str(grandma.pk))
        # One column: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator("button[type=submit].big").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300
        page.screenshot(path=str(ARTIFACTS / "visit_phone_form.png"), full_page=True)
        page.click("button[type=submit].big")
        page.wait_for_selector("#visit-saved")
        text = page.inner_text("main")
        assert "152/94" in text and "偏高" in text and "未诉先办" in text and "QK-" in text
        page.screenshot(path=str(ARTIFACTS / "visit_phone_saved.png"), full_page=True)
        browser.close()
    visit = Visit.objects.get()
    assert visit.systolic == 152 and visit.needs.count() == 1
    matter = Matter.objects.get()
    assert matter.channel == "home" and matter.resident == grandma and visit.needs.get().matter == matter
    assert StockBalance.objects.get(worker=cast.desk_a, supply=bags).quantity == 3
    call_command("check")
