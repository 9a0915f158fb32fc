from datetime import date

from django.urls import reverse

from quanke.assistance import selectors
from tests.assistance.households import benefit, household, member
from tests.support import login


def test_profile_shows_todays_assessment_with_explanation(client, cast):
    home = household(cast.community_a, "H1")
    r = member(home, "王低保", income="300")
    body = login(client, cast.desk_a).get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert "救助资格评估" in body and "北京市" in body
    assert "查看评估依据" in body
    assert "低保标准 1395.00 元（北京市，2023-07-01 起执行）" in body
    assert "1095.00" in body  # 1395 - 300


def test_leaving_dibao_lists_what_else_applies(client, cast):
    """Seed 003: a household that must leave 低保 is steered to the disability subsidy."""
    home = household(cast.community_a, "H2")
    mum = member(home, "李母", income="5000")
    son = member(
        home,
        "李子",
        birth=date(2000, 1, 1),
        income="0",
        disability_kind="intellectual",
        disability_grade=2,
        needs_long_term_care=True,
    )
    for r in (mum, son):
        benefit(r, "dibao", amount="100")
    body = login(client, cast.desk_a).get(reverse("registry:resident_detail", args=[mum.pk])).content.decode()
    assert "该户已不符合低保条件" in body
    assert "重度残疾人护理补贴（李子" in body


def test_county_viewer_sees_no_assessment(cast, rf):
    home = household(cast.community_a, "H3")
    r = member(home, "赵", income="300")
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = cast.county_viewer
    assert "救助资格评估" not in render_to_string(
        "assistance/_assessment.html", {"resident": r}, request=request
    )
    request.user = cast.desk_b  # another community
    assert "救助资格评估" not in render_to_string(
        "assistance/_assessment.html", {"resident": r}, request=request
    )
    request.user = cast.desk_a
    assert "救助资格评估" in render_to_string("assistance/_assessment.html", {"resident": r}, request=request)


def test_selector_reports_engine_errors_instead_of_crashing(cast, settings):
    settings.ASSISTANCE_DEFAULT_LOCALITY = "atlantis"
    r = member(household(cast.community_a, "H4"), "钱", income="300")
    view = selectors.household_assessment(actor=cast.desk_a, resident=r)
    assert view.result is None and "未知地区" in view.error
    view = selectors.household_assessment(actor=cast.desk_a, resident=r, on=date(2010, 1, 1))
    assert view.error
