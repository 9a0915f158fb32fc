"""The county dashboard in real Chromium: charts draw from the vendored ECharts, on a phone and a projector."""

from pathlib import Path

import pytest

from tests.support import login

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_county_dashboard_draws_charts_on_phone_and_projector(live_server, migrated_data, cast, hand, client):
    from playwright.sync_api import sync_playwright

    login(client, cast.county_viewer)
    session = client.cookies["sessionid"].value
    ARTIFACTS.mkdir(exist_ok=True)
    requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, size in (("phone", (390, 844)), ("projector", (1920, 1080))):
            context = browser.new_context(viewport={"width": size[0], "height": size[1]})
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            errors = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(f"{live_server.url}/reports/?period=month&anchor=2026-03-01")
            page.wait_for_function("document.querySelectorAll('.chart canvas').length >= 5")
            assert not errors
            assert page.locator("#chart-programs canvas").count() == 1
            assert page.locator("#table-programs tr.total").inner_text().startswith("合计")
            assert page.locator("text=下级单位排名").is_visible()
            # Nothing is wider than the screen on a phone (tables scroll inside their wrappers).
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size[0] + 1, width
            page.screenshot(path=str(ARTIFACTS / f"reports-county-{name}.png"), full_page=True)
            page.click("text=一街道")
            page.wait_for_selector("text=甲社区")
            context.close()
        browser.close()
    assert all(r.startswith(live_server.url) for r in requests)  # no CDN
