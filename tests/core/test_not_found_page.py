"""Defect 12: a mistyped tracking code in the demo (DEBUG on) shows the Chinese 404 page, not Django's English
debug page; with DEBUG off Django renders the same template."""

import pytest
from django.urls import reverse

from tests.support import login


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_tracking_code_answers_with_the_chinese_404_page(client, cast, settings, debug):
    settings.DEBUG = debug
    login(client, cast.desk_a)
    response = client.get(reverse("matters:detail", args=["QK-20261301-9999"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" not in html and "Django" not in html
    assert "返回工作台" in html
    if debug:  # the view's sentence for people is shown
        assert "未找到受理编号为“QK-20261301-9999”的办件" in html


def test_an_internal_404_message_is_not_shown(rf, settings):
    from django.http import Http404

    from quanke.core.middleware import FriendlyNotFoundMiddleware

    settings.DEBUG = True
    request = rf.get("/x/")
    middleware = FriendlyNotFoundMiddleware(lambda r: None)
    html = middleware.process_exception(request, Http404("unknown queue")).content.decode()
    assert "unknown queue" not in html and "没有找到该页面或记录" in html
    assert middleware.process_exception(request, ValueError("x")) is None
