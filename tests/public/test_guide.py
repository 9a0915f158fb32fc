"""办事指南: search in a resident's words, station on/off respected, the item page, the notice PDF; public and
cacheable, never a staff page."""

from django.urls import reverse

from quanke.catalog.models import Item, StationItemSetting


def _guide(client, cast, **params):
    return client.get(reverse("public:guide"), {"station": cast.community_a.code, **params})


def test_search_in_residents_words_ranks_items(client, cast):
    response = _guide(client, cast, q="我妈八十多了能领钱吗")
    assert response.status_code == 200
    text = response.content.decode()
    assert "高龄津贴" in text
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_an_item_switched_off_at_the_station_is_not_offered(client, cast):
    item = Item.objects.get(name__contains="高龄津贴申领")
    StationItemSetting.objects.create(unit=cast.community_a, item=item, enabled=False)
    assert item.name not in _guide(client, cast).content.decode()
    assert item.name not in _guide(client, cast, q="高龄津贴").content.decode()
    url = reverse("public:guide_item", args=[item.code]) + f"?station={cast.community_a.code}"
    assert client.get(url).status_code == 404
    # Another station still offers it.
    url_b = reverse("public:guide_item", args=[item.code]) + f"?station={cast.community_b.code}"
    assert client.get(url_b).status_code == 200


def test_item_page_shows_materials_questions_limit_place_and_basis(client, cast):
    item = Item.objects.filter(materials__condition="disabled").distinct().first()
    url = reverse("public:guide_item", args=[item.code]) + f"?station={cast.community_a.code}"
    response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "家里有残疾人吗" in text
    assert "0571-1" in text  # the station's phone
    assert "办公时间" in text and "在哪里办" in text
    for material in item.materials.all():
        assert material.name in text
    if item.legal_basis:
        assert item.legal_basis in text
    assert "public" in response["Cache-Control"]
    # Chinese only: an English browser gets the same Chinese page.
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "要带的材料" in english.content.decode()


def test_notice_pdf(client, cast):
    item = Item.objects.get(code="SA-DIBAO")
    response = client.get(
        reverse("public:guide_notice_pdf", args=[item.code]) + f"?station={cast.community_a.code}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_without_a_station_the_resident_picks_one(client, cast):
    response = client.get(reverse("public:guide"))
    assert response.status_code == 200
    assert "请选择您所在的社区" in response.content.decode()
    assert cast.community_b.name in response.content.decode()


def test_public_modules_never_import_staff_views():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "quanke" / "public"
    staff_views = {
        f"quanke.{app}.views"
        for app in ("matters", "catalog", "intake", "assistance", "visits", "registry", "core")
    }
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module not in staff_views, path
                assert not (node.module.startswith("quanke.") and node.module.endswith(".views")), path


def test_guide_pages_use_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    station = cast.community_a.code
    for url in (
        f"/m/guide/?station={station}",
        f"/m/guide/?station={station}&q=低保",
        f"/m/guide/SA-DIBAO/?station={station}",
    ):
        client.get(url)  # warm: the suggestion index is built once per process
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(3):
        client.get(f"/m/guide/?station={station}")
