from decimal import Decimal

import pytest
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.registry.models import Resident
from tests.conftest import make_resident
from tests.support import login


def test_list_masks_id_and_phone(client, cast):
    r = make_resident(cast.community_a, "张三丰", phone="13812345678")
    body = login(client, cast.desk_a).get(reverse("registry:resident_list")).content.decode()
    assert r.id_number[:6] + "********" + r.id_number[-4:] in body
    assert "138****5678" in body
    assert r.id_number not in body and "13812345678" not in body


def test_detail_shows_full_values_and_is_audited(client, cast):
    r = make_resident(cast.community_a, "张三丰", phone="13812345678")
    body = login(client, cast.desk_a).get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert r.id_number in body and "13812345678" in body
    assert AuditEvent.objects.filter(action="read", object_id=str(r.pk), actor=cast.desk_a).exists()


def test_list_query_count_is_bounded(client, cast, django_assert_max_num_queries):
    for i in range(40):
        make_resident(cast.community_a, f"居民{i}")
    login(client, cast.desk_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:resident_list"))
    assert response.status_code == 200 and response.content.decode().count("/residents/") >= 30


@pytest.mark.parametrize("url_name", ["registry:resident_detail", "registry:resident_edit"])
def test_worker_cannot_reach_another_communitys_resident_by_url(client, cast, url_name):
    other = make_resident(cast.community_b, "李四")
    response = login(client, cast.desk_a).get(reverse(url_name, args=[other.pk]))
    assert response.status_code == 404
    assert "李四" not in response.content.decode()


def test_worker_cannot_change_another_communitys_resident(client, cast):
    other = make_resident(cast.community_b, "李四", monthly_income=Decimal("800"))
    before = Resident.objects.filter(pk=other.pk).values().get()
    response = login(client, cast.desk_a).post(
        reverse("registry:resident_edit", args=[other.pk]),
        {"name": "改名", "id_number": other.id_number, "relation": "head", "monthly_income": "99999"},
    )
    assert response.status_code == 404
    assert Resident.objects.filter(pk=other.pk).values().get() == before
    assert not AuditEvent.objects.filter(object_id=str(other.pk), action="update").exists()


def test_county_viewer_is_refused_personal_pages(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.county_viewer)
    assert client.get(reverse("registry:resident_list")).status_code == 403
    assert client.get(reverse("registry:resident_detail", args=[r.pk])).status_code == 403


def test_sensitive_tags_hidden_from_front_desk_shown_to_head_and_audited(client, cast, tag):
    r = make_resident(cast.community_a, "张三丰")
    r.tags.add(tag("drug_rehab"), tag("elderly"))
    body = login(client, cast.desk_a).get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert "高龄" in body and "吸毒康复" not in body
    assert not AuditEvent.objects.filter(action="read_sensitive").exists()
    client.logout()
    body = login(client, cast.head_a).get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert "吸毒康复" in body
    event = AuditEvent.objects.get(action="read_sensitive", actor=cast.head_a)
    assert event.changes == {"tags": ["drug_rehab"]}


def test_back_office_sees_sensitive_tag_of_her_specialty_only(client, cast, tag):
    r = make_resident(cast.community_a, "张三丰")
    r.tags.add(tag("drug_rehab"), tag("mental_disorder"))
    body = login(client, cast.back_a).get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert "精神障碍" in body  # back_a has the disability specialty
    assert "吸毒康复" not in body


def test_sensitive_tag_filter_not_offered_to_front_desk(client, cast, tag):
    r = make_resident(cast.community_a, "张三丰")
    r.tags.add(tag("drug_rehab"))
    body = (
        login(client, cast.desk_a).get(reverse("registry:resident_list") + "?tag=drug_rehab").content.decode()
    )
    assert "吸毒康复" not in body


def test_create_resident_with_new_household(client, cast):
    from datetime import date

    from quanke.registry import idnumber

    login(client, cast.desk_a)
    number = idnumber.build("330102", date(1940, 5, 6), 21)
    response = client.post(
        reverse("registry:resident_create"),
        {
            "h-unit": cast.community_a.pk,
            "h-household_number": "N-1",
            "h-address": "甲社区3号楼",
            "h-hukou_kind": "local",
            "h-hukou_type": "urban",
            "name": "赵六",
            "id_number": number,
            "relation": "head",
            "monthly_income": "1200",
            "has_capable_supporter": "on",
            "member_hukou": "nonlocal",
        },
    )
    r = Resident.objects.get(id_number=number)
    assert response.status_code == 302 and r.unit == cast.community_a and r.name_initials == "zl"
    # Her own 户籍 differs from the household's: she is not local for the assistance rules.
    assert r.member_hukou == "nonlocal" and not r.hukou_local
    body = client.get(reverse("registry:resident_detail", args=[r.pk])).content.decode()
    assert "不计入本地低保保障人口" in body
    assert r.sex == "M" and r.birth_date == date(1940, 5, 6)
    assert AuditEvent.objects.filter(
        action="create", object_type="registry.resident", object_id=str(r.pk)
    ).exists()


def test_invalid_id_number_gets_chinese_error_and_nothing_is_saved(client, cast):
    login(client, cast.desk_a)
    response = client.post(
        reverse("registry:resident_create"),
        {
            "h-unit": cast.community_a.pk,
            "h-household_number": "N-2",
            "h-address": "甲社区3号楼",
            "h-hukou_kind": "local",
            "h-hukou_type": "urban",
            "name": "赵六",
            "id_number": "110105194912310021",
            "relation": "head",
            "monthly_income": "1200",
        },
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Resident.objects.filter(name="赵六").exists()


def test_cannot_create_in_another_community_even_by_forged_post(client, cast):
    from datetime import date

    from quanke.registry import idnumber

    login(client, cast.desk_a)
    number = idnumber.build("330102", date(1960, 1, 1), 31)
    client.post(
        reverse("registry:resident_create"),
        {
            "h-unit": cast.community_b.pk,
            "h-household_number": "N-3",
            "h-address": "乙社区",
            "h-hukou_kind": "local",
            "h-hukou_type": "urban",
            "name": "钱七",
            "id_number": number,
            "relation": "head",
            "monthly_income": "0",
        },
    )
    assert not Resident.objects.filter(id_number=number).exists()
