from django.urls import reverse

from tests.support import login


def test_suggest_partial_lists_keyboard_selectable_options(client, cast, django_assert_max_num_queries):
    login(client, cast.desk_a)
    client.get(reverse("intake:suggest"), {"q": "预热"})  # build the index outside the counted request
    with django_assert_max_num_queries(8):
        response = client.get(reverse("intake:suggest"), {"q": "老年卡丢了", "top": "5"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 3 <= body.count('role="option"') <= 5
    assert body.index('data-code="EL-SENIOR-CARD-REISSUE"') < body.index('data-code="EL-SENIOR-CARD"')
    response = client.get(reverse("intake:suggest"), {"q": "灯泡憋了", "top": "5"})
    body = response.content.decode()
    assert 'data-code="CV-ELECTRIC-REPAIR"' in body
    assert reverse("intake:item_panel", args=["CV-ELECTRIC-REPAIR"]) in body
    assert "<html" not in body, "a partial, not a page"


def test_suggest_requires_login(client, db):
    response = client.get(reverse("intake:suggest"), {"q": "低保"})
    assert response.status_code == 302


def test_assistant_page_shows_materials_and_current_knowledge(client, cast):
    body = login(client, cast.desk_a).get(reverse("intake:assistant"), {"q": "想办低保"}).content.decode()
    assert "低保申请" in body
    assert "一次性告知" in body
    assert "办事流程" in body and "现行政策" in body
    assert "最低生活保障审核确认办法" in body
    assert "北京市调整最低生活保障标准的通知（2023年）" in body
    assert "北京市调整最低生活保障标准的通知（2021年）" not in body, "superseded versions are never current"


def test_item_panel_for_inactive_or_unknown_item_is_404(client, cast):
    login(client, cast.desk_a)
    assert client.get(reverse("intake:item_panel", args=["NO-SUCH"])).status_code == 404


def test_search_page_finds_items_and_policies_by_number(client, cast):
    body = (
        login(client, cast.desk_a).get(reverse("intake:search"), {"q": "民发〔2020〕20号"}).content.decode()
    )
    assert "关于改进和规范基层群众性自治组织出具证明工作的指导意见" in body


def test_every_page_has_the_search_box(client, cast):
    body = login(client, cast.desk_a).get(reverse("core:home")).content.decode()
    assert f'action="{reverse("intake:search")}"' in body


def test_api_suggest_and_knowledge_search(client, cast):
    login(client, cast.desk_a)
    data = client.get("/api/intake/suggest", {"q": "dbsq"}).json()
    assert data["items"][0]["code"] == "SA-DIBAO"
    docs = client.get("/api/knowledge/search", {"q": "国务院令第649号"}).json()
    assert docs[0]["title"].startswith("社会救助暂行办法") and docs[0]["current"] is True


def _visible_text(html: str) -> str:
    """What a worker reads: tags and attribute values (data-code, URLs) removed."""
    import re

    return re.sub(r"<[^>]+>", " ", html)


def test_workers_see_no_item_codes_or_scores(client, cast):
    """Defect 12: item codes (SA-DIBAO) and ranking scores are internals, not for the desk."""
    login(client, cast.desk_a)
    pages = [
        client.get(reverse("intake:assistant"), {"q": "想办低保"}),
        client.get(reverse("intake:suggest"), {"q": "想办低保"}),
        client.get(reverse("intake:search"), {"q": "低保"}),
        client.get(reverse("intake:item_panel", args=["SA-DIBAO"])),
    ]
    for response in pages:
        text = _visible_text(response.content.decode())
        assert "低保" in text
        assert "SA-DIBAO" not in text and "得分" not in text, response.request["PATH_INFO"]
