import pytest
from django.core.exceptions import ValidationError

from quanke.catalog.loading import load_catalog, read_catalog, validate_catalog
from quanke.catalog.models import Item, Material

MINIMAL = {
    "categories": [{"code": "public", "name": "基本公共服务"}],
    "items": [
        {
            "code": "X-1",
            "name": "测试事项",
            "category": "public",
            "handling": "routed",
            "route_level": "street",
            "specialty": "assistance",
            "legal_limit_days": 10,
            "promised_limit_days": 5,
            "materials": [
                {"name": "身份证", "form": "original", "condition": "always", "on_file": "id_card"}
            ],
        },
    ],
}


def test_reloading_the_default_catalog_is_idempotent(db):
    before = (Item.objects.count(), Material.objects.count())
    load_catalog(read_catalog())
    assert (Item.objects.count(), Material.objects.count()) == before


def test_bad_catalog_is_refused_with_every_problem_named(db):
    bad = {
        "categories": MINIMAL["categories"],
        "items": [
            {**MINIMAL["items"][0], "promised_limit_days": 20},
            {
                **MINIMAL["items"][0],
                "code": "X-2",
                "name": "二",
                "handling": "routed",
                "route_level": "",
                "materials": [{"name": "照片", "condition": "someday"}],
            },
        ],
    }
    problems = validate_catalog(bad)
    assert any("X-1" in p and "超过法定时限" in p for p in problems)
    assert any("X-2" in p and "route_level" in p for p in problems)
    assert any("X-2" in p and "someday" in p for p in problems)
    count = Item.objects.count()
    with pytest.raises(ValidationError):
        load_catalog(bad)
    assert Item.objects.count() == count


def test_load_updates_existing_items_by_code(db):
    load_catalog(MINIMAL)
    changed = {**MINIMAL, "items": [{**MINIMAL["items"][0], "name": "改名事项", "materials": []}]}
    load_catalog(changed)
    item = Item.objects.get(code="X-1")
    assert item.name == "改名事项" and item.materials.count() == 0
