"""Defect 7: each role's home and nav show only what that role may use — every link on them answers 200."""

import re
from datetime import date

import pytest
from django.urls import reverse

from quanke.core import demo
from quanke.core.models import User
from tests.support import login

CAST = ["desk_a", "desk_b", "back_a", "head_a", "street_handler", "county_viewer", "admin"]


def _links(html: str) -> list[str]:
    hrefs = {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)', html)}
    return sorted(h for h in hrefs if not h.startswith("/static/"))


def _crawl(client, user) -> dict[str, int]:
    login(client, user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    links = _links(response.content.decode())
    assert reverse("core:home") in links
    return {href: client.get(href).status_code for href in links}


@pytest.mark.parametrize("who", CAST)
def test_every_link_on_home_and_nav_opens_for_each_cast_role(client, cast, who):
    statuses = _crawl(client, getattr(cast, who))
    assert {h: s for h, s in statuses.items() if s != 200} == {}


@pytest.mark.parametrize("username", [row[0] for row in demo.STAFF])
def test_every_link_on_home_and_nav_opens_for_each_demo_user(client, db, username):
    ctx = demo.seed_core(today=date(2026, 3, 2))
    statuses = _crawl(client, ctx.users[username])
    assert {h: s for h, s in statuses.items() if s != 200} == {}


def test_a_street_user_sees_no_community_visit_panel(client, db):
    ctx = demo.seed_core(today=date(2026, 3, 2))
    login(client, ctx.users["jiedao_gn"])
    html = client.get(reverse("core:home")).content.decode()
    assert "核桃园社区" not in html
    assert reverse("visits:booking_new") not in html


def test_every_link_on_home_and_nav_opens_for_every_demo_account_on_the_seeded_demo(client, db):
    """The same walk on the full demo data, where home panels list bookings, cases and queues."""
    demo.run()
    failures = {}
    for username, *_rest in demo.STAFF:
        statuses = _crawl(client, User.objects.get(username=username))
        failures |= {(username, h): s for h, s in statuses.items() if s != 200}
    assert failures == {}
