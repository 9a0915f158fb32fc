"""A station head signs in through the real pages in Chromium: password, then she must enrol an authenticator (the
key read off the page, as an app would scan it) before the head page opens; on her next login she types a code."""

from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from quanke.core.models import AuditEvent
from tests.conftest import PASSWORD
from tests.visits.test_browser_phone_visit import CHROMIUM_ARGS


def code_for(key: str, shift: int = 0) -> str:
    return f"{TOTP(b32decode(key.replace(' ', '')), drift=shift).token():06d}"


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
@pytest.mark.django_db(transaction=True)
def test_a_head_enrols_then_verifies_at_the_next_login(cast, live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        requests = []
        page.on("request", lambda r: requests.append(r.url))

        page.goto(f"{live_server.url}/matters/head/")
        page.fill("#id_username", cast.head_a.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/account/two-factor/?next=*")
        assert page.locator(".qr svg").count() == 1 and "岗位要求启用两步验证" in page.content()
        key = page.inner_text("#otp-key")
        page.fill("#id_token", code_for(key))
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/matters/head/")
        assert "两步验证已启用" in page.content()

        page.click("header button[type=submit]")  # 退出
        page.goto(f"{live_server.url}/matters/head/")
        page.fill("#id_username", cast.head_a.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/account/two-factor/verify/?next=*")
        page.fill("#id_token", code_for(key, shift=1))  # the next step's code: the first one was used up
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/matters/head/")
        browser.close()
    assert all(r.startswith(live_server.url) for r in requests)  # nothing from a CDN
    steps = list(
        AuditEvent.objects.filter(action="login", actor=cast.head_a).values_list("changes__step", flat=True)
    )
    assert sorted(steps) == ["otp", "otp", "password", "password"]
