"""Explicit seams (DESIGN.md): apps contribute home panels, nav entries, resident-page sections and buttons and
demo steps through typed registries in quanke.core.seams, filled in AppConfig.ready(); no list of app names."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from quanke.core import seams
from tests.conftest import make_resident
from tests.support import login

ROOT = Path(__file__).resolve().parents[2]


def test_each_app_with_a_home_panel_or_demo_module_registered_it():
    panels = {p.template for p in seams.home_panels}
    steps = {s.module for s in seams.demo_steps}
    for config in apps.get_app_configs():
        if not config.name.startswith("quanke.") or config.label == "core":
            continue
        if (ROOT / "templates" / config.label / "home_panel.html").exists():
            assert f"{config.label}/home_panel.html" in panels, config.label
        if (Path(config.path) / "demo.py").exists():
            assert f"quanke.{config.label}.demo" in steps, config.label


def test_demo_steps_run_in_dependency_order():
    order = [s.key for s in seams.demo_steps]
    assert order.index("registry") < order.index("intake") < order.index("matters") < order.index("visits")
    assert order.index("matters") < order.index("assistance") < order.index("reports")
    assert order[-1] == "reports"


def test_registering_again_replaces_the_entry():
    registry = seams.Registry("test")
    everyone = bool
    registry.register(seams.NavEntry("x", "一", "core:home", everyone, order=2))
    registry.register(seams.NavEntry("y", "二", "core:home", everyone, order=1))
    registry.register(seams.NavEntry("x", "三", "core:home", everyone, order=3))
    assert [e.label for e in registry] == ["二", "三"]


def test_no_hand_written_lists_of_app_names():
    assert not (ROOT / "templates" / "nav_apps.html").exists()
    from quanke.core import demo, views

    assert not hasattr(views, "HOME_PANEL_APPS") and not hasattr(demo, "DEMO_STEPS")


@pytest.mark.parametrize("who", ["desk_a", "head_a"])
def test_resident_page_offers_one_intake_button(client, cast, who):
    """Defect 11: the resident page showed 受理新事项 twice; the matters app contributes it once."""
    resident = make_resident(cast.community_a)
    login(client, getattr(cast, who))
    html = client.get(reverse("registry:resident_detail", args=[resident.pk])).content.decode()
    title = html[html.index("<h1>") : html.index("</h1>")]
    assert title.count("受理新事项") == 1
    assert f'href="{reverse("matters:desk")}?resident={resident.pk}"' in title
    assert title.count('accesskey="n"') == 1
    for label in ("受理救助申请", "开个案", "记录走访", "预约上门"):
        assert title.count(label) == 1, label


def test_resident_page_buttons_follow_permissions(client, cast):
    resident = make_resident(cast.community_a)
    login(client, cast.street_handler)
    html = client.get(reverse("registry:resident_detail", args=[resident.pk])).content.decode()
    title = html[html.index("<h1>") : html.index("</h1>")]
    assert re.findall(r"<a [^>]*>", title) == []  # a street handler reads, she does not take intake here
    assert "办件" in html and "上门走访" in html  # the sections still show


def test_home_panels_nav_entries_and_desk_panels_ask_core_permissions():
    """Defect 7: what home and nav show is decided in quanke.core.permissions, nowhere else."""
    for registry in (seams.home_panels, seams.nav_entries, seams.desk_panels):
        for entry in registry:
            assert entry.visible.__module__ == "quanke.core.permissions", (registry.kind, entry.key)
