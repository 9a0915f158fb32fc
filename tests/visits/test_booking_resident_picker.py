"""The booking form names a resident through a search picker (station's own residents, masked), never a list of
the whole community; a tampered resident id is refused by the form and nothing is saved."""

from datetime import date, time

from django.urls import reverse

from quanke.catalog.selectors import items_for_unit
from quanke.core.models import AuditEvent, Notification
from quanke.registry.models import Household, Resident
from quanke.visits import schedule
from quanke.visits.models import Booking
from tests.conftest import make_resident
from tests.support import login


def picker(client, q, **params):
    return client.get(reverse("visits:booking_residents"), {"resident_q": q, **params}).content.decode()


def booking_post(day, **fields):
    data = {
        "caller_phone": "13900000002",
        "caller_name": "赵奶奶",
        "request_text": "想请社工上门量血压",
        "address": "甲社区5号楼101",
        "day": day.isoformat(),
        "slot": f"{day.isoformat()}T19:00",
    }
    data.update(fields)
    return data


def test_picker_finds_by_name_and_pinyin_initials_with_masked_id_and_phone(cast, client):
    r = make_resident(cast.community_a, "孔繁荣", birth=date(1941, 5, 6), phone="13912345678")
    other = make_resident(cast.community_b, "孔繁荣", phone="13987654321")
    login(client, cast.desk_a)
    for q in ("孔繁", "kfr"):
        body = picker(client, q)
        assert f'value="{r.pk}"' in body and "孔繁荣" in body
        assert f"{r.id_number[:6]}********{r.id_number[-4:]}" in body and "139****5678" in body
        assert r.id_number not in body and "13912345678" not in body
        # The namesake of community B is never offered, not even masked.
        assert f'value="{other.pk}"' not in body and "139****4321" not in body
        assert body.count('name="resident"') == 1


def test_picker_of_another_community_never_returns_this_ones_residents(cast, client):
    r = make_resident(cast.community_a, "孔繁荣")
    login(client, cast.desk_b)
    body = picker(client, "kfr")
    assert f'value="{r.pk}"' not in body and "孔繁荣" not in body
    # Asking for community A's station explicitly is outside desk_b's scope.
    response = client.get(
        reverse("visits:booking_residents"), {"resident_q": "kfr", "unit": cast.community_a.pk}
    )
    assert response.status_code == 404


def test_picker_with_an_empty_query_lists_nobody(cast, client):
    make_resident(cast.community_a, "孔繁荣")
    login(client, cast.desk_a)
    assert 'name="resident"' not in picker(client, "")


def test_booking_names_the_picked_resident(cast, saturday, duty, client):
    duty(cast.back_a, saturday, time(9), time(21))
    r = make_resident(cast.community_a, "孔繁荣")
    login(client, cast.desk_a)
    response = client.post(reverse("visits:booking_new"), booking_post(saturday, resident=r.pk))
    booking = Booking.objects.get()
    assert response.status_code == 302 and booking.resident == r and booking.worker == cast.back_a


def test_out_of_scope_resident_id_is_refused_in_chinese_and_nothing_is_saved(cast, saturday, duty, client):
    duty(cast.back_a, saturday, time(9), time(21))
    other = make_resident(cast.community_b, "钱多多")
    login(client, cast.desk_a)
    response = client.post(
        reverse("visits:booking_new"), booking_post(saturday, resident=other.pk, resident_q="qdd")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "所选居民不在本站点的居民名册中" in body
    # The refused id is neither shown as chosen nor does a leftover search text claim "not found".
    assert "钱多多" not in body and "本社区没有找到" not in body
    assert '<input type="radio" name="resident" value="" checked>' in body
    assert not Booking.objects.exists() and not Notification.objects.exists()
    assert not AuditEvent.objects.filter(object_type="visits.booking").exists()


def test_admin_may_see_both_communities_but_a_booking_names_only_the_stations_resident(
    cast, saturday, duty, client
):
    duty(cast.back_a, saturday, time(9), time(21))
    other = make_resident(cast.community_b, "钱多多")
    login(client, cast.admin)
    url = reverse("visits:booking_new") + f"?unit={cast.community_a.pk}"
    response = client.post(url, booking_post(saturday, resident=other.pk))
    assert response.status_code == 200 and "所选居民不在本站点的居民名册中" in response.content.decode()
    assert not Booking.objects.exists()
    assert "钱多多" not in picker(client, "qdd", unit=cast.community_a.pk)


def test_find_without_javascript_keeps_the_form_and_lists_matches(cast, saturday, client):
    r = make_resident(cast.community_a, "孔繁荣", phone="13912345678")
    login(client, cast.desk_a)
    response = client.post(
        reverse("visits:booking_new"), booking_post(saturday, resident_q="kfr", find_resident="1")
    )
    body = response.content.decode()
    assert response.status_code == 200 and not Booking.objects.exists()
    assert f'<input type="radio" name="resident" value="{r.pk}">' in body and "139****5678" in body
    assert 'value="赵奶奶"' in body and 'value="甲社区5号楼101"' in body
    assert "errorlist" not in body  # a search is not a failed submission


def test_a_chosen_resident_stays_chosen_across_a_search(cast, saturday, client):
    r = make_resident(cast.community_a, "孔繁荣")
    login(client, cast.desk_a)
    body = client.post(
        reverse("visits:booking_new"),
        booking_post(saturday, resident=r.pk, resident_q="nobody", find_resident="1"),
    ).content.decode()
    assert f'<input type="radio" name="resident" value="{r.pk}" checked>' in body
    assert "本社区没有找到该居民" in body


def test_prefilling_from_a_resident_is_an_audited_read(cast, saturday, duty, client):
    duty(cast.back_a, saturday, time(9), time(21))
    r = make_resident(cast.community_a, "孔繁荣", phone="13912345678")
    login(client, cast.desk_a)
    body = client.get(reverse("visits:booking_new"), {"resident": r.pk}).content.decode()
    assert 'value="13912345678"' in body
    assert f'<input type="radio" name="resident" value="{r.pk}" checked>' in body
    event = AuditEvent.objects.get(action=AuditEvent.Action.READ)
    assert (event.actor, event.object_id) == (cast.desk_a, str(r.pk))
    assert event.changes == {"via": "visits.booking"}
    # Posting the form from that page (its URL keeps ?resident=) books without a second read row.
    url = reverse("visits:booking_new") + f"?resident={r.pk}"
    client.post(url, booking_post(saturday, resident=r.pk, caller_name="孔繁荣"))
    assert Booking.objects.get().resident == r
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ).count() == 1


def test_booking_page_does_not_grow_with_the_community(cast, client, django_assert_max_num_queries):
    login(client, cast.desk_a)
    url = reverse("visits:booking_new")
    before = client.get(url).content.decode()
    hh = Household.objects.create(unit=cast.community_a, number="BIG1", address="甲社区9号楼")
    Resident.objects.bulk_create(
        Resident(
            household=hh,
            unit=cast.community_a,
            name=f"测试居民{i:03d}",
            id_number=f"330102195001{i:06d}",
            birth_date=date(1950, 1, 1),
            sex="F",
        )
        for i in range(300)
    )
    with django_assert_max_num_queries(20):
        after = client.get(url).content.decode()
    options = (
        items_for_unit(cast.community_a, actor=cast.desk_a).count()
        + len(schedule.station_workers(cast.community_a))
        + 2
    )
    assert after.count("<option") == before.count("<option") == options
    assert "测试居民" not in after and 'name="resident"' in after
    # Only the CSRF token differs between the two renders, and it has a fixed length.
    assert len(after.encode()) == len(before.encode())


def test_picker_shows_at_most_twelve_and_says_there_are_more(cast, client, django_assert_max_num_queries):
    hh = Household.objects.create(unit=cast.community_a, number="BIG2", address="甲社区8号楼")
    Resident.objects.bulk_create(
        Resident(
            household=hh,
            unit=cast.community_a,
            name=f"王{i:02d}",
            id_number=f"330102196001{i:06d}",
            birth_date=date(1960, 1, 1),
            sex="M",
        )
        for i in range(20)
    )
    login(client, cast.desk_a)
    with django_assert_max_num_queries(4):
        body = picker(client, "王")
    assert body.count('name="resident"') == 12 and "王00" in body and "王11" in body and "王12" not in body
    assert "只显示前 12 位" in body
    assert "只显示前" not in picker(client, "王19")


def test_enter_in_a_field_books_rather_than_searches(cast, client):
    """Browsers submit with the form's first submit button on Enter: it must be the booking one, not 查找."""
    import re

    login(client, cast.desk_a)
    html = client.get(reverse("visits:booking_new") + f"?unit={cast.community_a.pk}").content.decode()
    form = re.search(
        r'<form method="post" class="card stack" id="booking-form"[^>]*>(.*?)</form>', html, re.S
    ).group(1)
    first = re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)
    assert 'name="find_resident"' not in first
