"""The desk form's one-time token: posting the same form twice (a double click, a retry after a lost answer)
opens the first matter instead of accepting a second one (issue 13, failure 5)."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from quanke.core.models import IdempotencyKey
from quanke.matters.models import Matter
from quanke.reports import rollup
from tests.conftest import make_resident
from tests.support import login


def desk_form(resident, token, **extra):
    return {
        "submission_token": token,
        "resident": resident.pk,
        "item": "CV-PARKING",
        "channel": "window",
        "kind": "application",
        "request_text": "门口能不能停车？",
        "then": "on_spot",
        "note": "已告知停车政策",
        **extra,
    }


def page_token(client) -> str:
    page = client.get(reverse("matters:desk")).content.decode()
    return re.search(r'name="submission_token" value="([^"]+)"', page).group(1)


def test_the_desk_page_carries_a_fresh_token_each_time(client, cast):
    login(client, cast.desk_a)
    first, second = page_token(client), page_token(client)
    assert len(first) >= 20 and first != second


def test_posting_the_same_desk_form_twice_accepts_one_matter(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    token = page_token(client)
    first = client.post(reverse("matters:desk"), desk_form(r, token))
    second = client.post(reverse("matters:desk"), desk_form(r, token), follow=True)
    m = Matter.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("matters:detail", args=[m.tracking_code])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "已经提交过，未重复受理" in second.content.decode()
    assert IdempotencyKey.objects.filter(scope="matters.desk", key=token).count() == 1


def test_a_new_token_is_a_new_matter(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    client.post(reverse("matters:desk"), desk_form(r, page_token(client)))
    client.post(reverse("matters:desk"), desk_form(r, page_token(client)))
    assert Matter.objects.count() == 2


def test_the_same_token_with_other_fields_is_refused_and_a_new_token_offered(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    token = page_token(client)
    client.post(reverse("matters:desk"), desk_form(r, token))
    response = client.post(reverse("matters:desk"), desk_form(r, token, request_text="另一件事"))
    body = response.content.decode()
    assert response.status_code == 200 and "已经提交过" in body and "查看第一次提交的办件" in body
    assert Matter.objects.count() == 1
    fresh = re.search(r'name="submission_token" value="([^"]+)"', body).group(1)
    assert fresh != token  # a deliberate second submission after the warning goes through
    client.post(reverse("matters:desk"), desk_form(r, fresh, request_text="另一件事"))
    assert Matter.objects.count() == 2


def test_a_refused_submission_keeps_its_token_free(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    token = page_token(client)
    refused = client.post(reverse("matters:desk"), desk_form(r, token, item="SA-DIBAO"))  # on-spot refused
    assert refused.status_code == 200 and "须流转办理" in refused.content.decode()
    assert token in refused.content.decode() and not IdempotencyKey.objects.exists()
    assert client.post(reverse("matters:desk"), desk_form(r, token)).status_code == 302
    assert Matter.objects.count() == 1


def test_tokens_are_per_user(client, cast):
    from quanke.core.models import Role
    from tests.conftest import make_user

    r = make_resident(cast.community_a, "张三丰")
    desk_a2 = make_user("desk_a2", cast.community_a, [Role.FRONT_DESK])
    login(client, cast.desk_a)
    client.post(reverse("matters:desk"), desk_form(r, "same-token-value-0001"))
    login(client, desk_a2)
    client.post(reverse("matters:desk"), desk_form(r, "same-token-value-0001"))
    assert Matter.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
def test_a_statistics_refresh_failing_after_the_commit_does_not_turn_the_intake_into_an_error(
    client, cast, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("statistics unavailable")

    monkeypatch.setattr(rollup, "refresh_matter_days", broken)
    r = make_resident(cast.community_a, "张三丰")
    login(client, cast.desk_a)
    assert not transaction.get_connection().in_atomic_block  # the commit and its callbacks really run
    response = client.post(reverse("matters:desk"), desk_form(r, "token-refresh-fails-0001"))
    assert response.status_code == 302 and Matter.objects.count() == 1
