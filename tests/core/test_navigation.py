"""The main navigation: every destination once, and only those the user may open."""

import re

import pytest
from django.urls import reverse

from tests.support import login


@pytest.mark.parametrize("who", ["head_a", "desk_a", "back_a", "county_viewer", "admin"])
def test_main_navigation_lists_each_destination_once(client, cast, who):
    login(client, getattr(cast, who))
    html = client.get(reverse("core:home")).content.decode()
    nav = re.search(r'<nav aria-label="主导航">(.*?)</nav>', html, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', nav)
    assert links and len(links) == len(set(links)), links
    # every link opens for this user
    for href in links:
        assert client.get(href).status_code in (200, 302), href
