from django.urls import reverse

from quanke.catalog.conditions import applies
from quanke.catalog.models import Item, StationItemSetting
from tests.conftest import make_resident
from tests.support import login


def test_browse_and_search_catalog(client, cast, django_assert_max_num_queries):
    login(client, cast.desk_a)
    with django_assert_max_num_queries(6):
        body = client.get(reverse("catalog:item_list")).content.decode()
    assert "低保申请" in body and "党组织关系转接" in body
    body = client.get(reverse("catalog:item_list") + "?q=低保").content.decode()
    assert "低保申请" in body and "党组织关系转接" not in body
    detail = client.get(reverse("catalog:item_detail", args=["SA-DIBAO"])).content.decode()
    assert "申请材料" in detail and "残疾人申请时" in detail


def test_station_head_switches_an_item_off_for_her_station_only(client, cast):
    login(client, cast.head_a)
    client.post(reverse("catalog:item_toggle", args=["CV-DRAIN"]), {"enabled": "0"})
    assert StationItemSetting.objects.get(unit=cast.community_a, item__code="CV-DRAIN").enabled is False
    client.logout()
    login(client, cast.desk_a)
    assert "CV-DRAIN" not in client.get(reverse("catalog:item_list") + "?q=下水道").content.decode()
    client.logout()
    login(client, cast.desk_b)
    assert "CV-DRAIN" in client.get(reverse("catalog:item_list") + "?q=下水道").content.decode()


def test_front_desk_cannot_switch_items(client, cast):
    login(client, cast.desk_a)
    response = client.post(reverse("catalog:item_toggle", args=["CV-DRAIN"]), {"enabled": "0"})
    assert response.status_code == 403
    assert not StationItemSetting.objects.exists()


def test_material_conditions_follow_the_resident(cast):
    disabled = make_resident(cast.community_a, "甲", disability_kind="physical", disability_grade=2)
    able = make_resident(cast.community_a, "乙")
    assert applies("disabled", disabled) and not applies("disabled", able)
    assert applies("always", None) and not applies("disabled", None)
    assert applies("age_60_plus", able)  # born 1950
    assert Item.objects.get(code="SA-DIBAO").time_limit_days == 23
