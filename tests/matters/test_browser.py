"""The desk in real headless Chromium: log in, find a resident, pick an item with the keyboard, accept the matter,
open the one-time notice. Screenshots go to artifacts/ (git-ignored)."""

import os
from pathlib import Path

import pytest

from quanke.matters.models import Matter
from tests.conftest import PASSWORD, make_resident

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# migrated_data refills what the data migrations installed (serialized_rollback collides with content types after
# another transactional test).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


@pytest.fixture
def page():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()


def test_desk_intake_and_one_time_notice(live_server, cast, page):
    ARTIFACTS.mkdir(exist_ok=True)
    resident = make_resident(cast.community_a, "欧阳残", disability_kind="physical", disability_grade=2)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", cast.desk_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/matters/desk/")
    assert page.evaluate("document.activeElement.id") == "resident-q"  # keyboard-first: the cursor is ready
    page.keyboard.type("oyc")
    page.wait_for_selector("#resident-results [data-pick]")
    page.keyboard.press("Enter")
    assert "欧阳残" in page.inner_text("#resident-chosen")
    assert page.evaluate("document.activeElement.id") == "item-q"
    page.keyboard.type("低保申请")
    page.wait_for_selector("#item-results [data-pick]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.inner_text("#item-chosen") == "低保申请"
    page.wait_for_selector("#checklist table")
    assert "残疾人证" in page.inner_text("#checklist")  # resolved from her disability
    assert page.is_checked("input[name=then][value=route]")  # a routed item defaults to routing
    page.keyboard.type("收入太低，想申请低保")  # focus moved to the resident's words
    page.check("#checklist input[name=received] >> nth=0")
    page.screenshot(path=str(ARTIFACTS / "desk.png"), full_page=True)
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/matters/QK-*/")

    matter = Matter.objects.get()
    assert (matter.resident, matter.status, matter.handling_unit) == (resident, "routed", cast.street_1)
    assert matter.request_text == "收入太低，想申请低保"
    assert matter.tracking_code in page.inner_text("h1")

    notice_link = page.get_attribute("a[href$='/notice/']", "href")
    page.goto(f"{live_server.url}{notice_link}")
    text = page.inner_text("body")
    assert "一次性告知单" in text and matter.tracking_code in text
    assert "残疾人证" in text and "残疾人申请时" in text  # the conditional material, resolved for her
    assert "已收取" in text  # what was ticked at the desk is not asked for again
    page.screenshot(path=str(ARTIFACTS / "notice.png"), full_page=True)


def test_route_to_the_stations_back_office_and_the_notice_names_it(live_server, cast, page):
    """Defect 2: a county item (养老服务补贴申请, 区民政局) routed on the matter page to 本站后台（养老服务）: the
    notice names the station's own back office, not the county office the item would go to by default."""
    from quanke.matters import services
    from tests.matters.conftest import accept

    resident = make_resident(cast.community_a, "张老伯")
    matter = accept(cast.desk_a, "EL-SERVICE-SUBSIDY", resident=resident)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", cast.desk_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/matters/{matter.tracking_code}/")
    form = page.locator("form[data-step=route]")
    form.locator("select[name=route_unit]").select_option(label="本站后台（养老服务）")
    form.locator("button[data-action=route]").click()
    page.wait_for_load_state()
    matter.refresh_from_db()
    assert (matter.status, matter.handling_unit) == ("routed", cast.community_a)
    assert "甲社区 · 养老服务" in page.inner_text("body")
    assert services.available_actions(cast.desk_a, matter)  # still the desk's to withdraw

    page.goto(f"{live_server.url}/matters/{matter.tracking_code}/notice/")
    text = page.inner_text("body")
    assert "本站后台（养老服务）办理" in text
    assert "区民政局" not in text and "流转至" not in text
