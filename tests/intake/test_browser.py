"""The 事项助手 page in a real browser: type a resident's words, pick with the keyboard, see the item's binder."""

import os

import pytest
from django.urls import reverse

from quanke.catalog.knowledge_search import knowledge_index
from quanke.intake.selectors import suggestion_index
from tests.conftest import PASSWORD, make_user

# The migrated_data fixture refills the catalog, knowledge base and dictionary that the data migrations installed
# (serialized_rollback would collide with content types after another transactional test).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(live_server, migrated_data, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; scoped to the test so that no other test (the
    # deploy check runs a subprocess that inherits the environment) sees the switch.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    from quanke.core.models import OrgUnit, Role, UnitLevel

    county = OrgUnit.objects.create(code="330199", name="测试区", level=UnitLevel.COUNTY)
    street = OrgUnit.objects.create(code="330199001", name="一街道", level=UnitLevel.STREET, parent=county)
    unit = OrgUnit.objects.create(
        code="330199001001", name="甲社区", level=UnitLevel.COMMUNITY, parent=street
    )
    make_user("desk_browser", unit, [Role.FRONT_DESK])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.goto(live_server.url + reverse("core:login"))
        page.fill("input[name=username]", "desk_browser")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        yield page
        browser.close()
    # The flush after a transactional test fires no signals; drop the per-process indexes.
    suggestion_index.invalidate()
    knowledge_index.invalidate()


def test_type_words_choose_with_keyboard_and_see_the_binder(page, live_server):
    page.goto(live_server.url + reverse("intake:assistant"))
    page.fill("#intake-q", "老年卡丢了要补一张")
    page.wait_for_selector('#intake-results [role="option"][data-code="EL-SENIOR-CARD-REISSUE"]')
    first = page.locator('#intake-results [role="option"]').first
    assert first.get_attribute("data-code") == "EL-SENIOR-CARD-REISSUE"
    page.keyboard.press("ArrowDown")
    second = page.locator('#intake-results [role="option"][aria-selected="true"]')
    assert second.get_attribute("data-code") != "EL-SENIOR-CARD-REISSUE"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_selector("#intake-panel #intake-item-EL-SENIOR-CARD-REISSUE")
    panel = page.inner_text("#intake-panel")
    assert "一次性告知" in panel and "办事流程" in panel
    os.makedirs("artifacts", exist_ok=True)
    page.screenshot(path="artifacts/intake_assistant.png", full_page=True)


def test_header_search_finds_a_policy_by_number(page, live_server):
    page.goto(live_server.url + reverse("catalog:item_list"))
    page.fill("header form[role=search] input[name=q]", "民发〔2020〕20号")
    page.keyboard.press("Enter")
    page.wait_for_url("**/intake/search/**")
    assert "关于改进和规范基层群众性自治组织出具证明工作的指导意见" in page.inner_text("main")
    page.screenshot(path="artifacts/intake_search.png", full_page=True)
