"""Defect 9: every read of a matter's personal data writes exactly one read audit row, whatever the entry point
(web detail, notice, notice PDF, receipt; API detail and timeline); a step (POST) writes no read row."""

import pytest
from django.urls import reverse

from quanke.api.models import ApiToken
from quanke.core.models import AuditEvent
from quanke.matters import services
from tests.conftest import make_resident
from tests.matters.conftest import accept
from tests.support import login


def _web(client, user, url):
    login(client, user)
    return client.get(url)


def _api(client, user, url):
    _token, key = ApiToken.issue(user=user, name="test")
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")


ENDPOINTS = {
    "web_detail": (_web, lambda c: reverse("matters:detail", args=[c])),
    "web_notice": (_web, lambda c: reverse("matters:notice", args=[c])),
    "web_notice_pdf": (_web, lambda c: reverse("matters:notice_pdf", args=[c])),
    "web_receipt": (_web, lambda c: reverse("matters:receipt", args=[c])),
    "api_detail": (_api, lambda c: f"/api/matters/{c}"),
    "api_timeline": (_api, lambda c: f"/api/matters/{c}/timeline"),
}


def _reads(matter):
    return AuditEvent.objects.filter(action="read", object_type="matters.matter", object_id=str(matter.pk))


@pytest.mark.parametrize("via", list(ENDPOINTS))
@pytest.mark.parametrize("anonymous", [False, True], ids=["resident", "anonymous"])
def test_each_matter_read_writes_exactly_one_audit_row(client, cast, via, anonymous):
    resident = None if anonymous else make_resident(cast.community_a, "张三丰")
    m = services.matter_route(
        actor=cast.desk_a, matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL", resident=resident)
    )
    get, url = ENDPOINTS[via]
    assert not _reads(m).exists()
    response = get(client, cast.back_a, url(m.tracking_code))
    assert response.status_code == 200
    row = _reads(m).get()
    assert (row.actor, row.unit, row.changes) == (
        cast.back_a,
        cast.community_a,
        {"resident": m.resident_id, "via": via},
    )


@pytest.mark.parametrize("via", list(ENDPOINTS))
def test_a_refused_read_writes_no_row(client, cast, via):
    m = accept(cast.desk_a, "SA-HOMELESS-REFERRAL", resident=make_resident(cast.community_a, "张三丰"))
    get, url = ENDPOINTS[via]
    assert get(client, cast.desk_b, url(m.tracking_code)).status_code == 404
    assert not _reads(m).exists()


def test_steps_write_no_read_row(client, cast):
    m = services.matter_route(
        actor=cast.desk_a,
        matter=accept(
            cast.desk_a, "SA-HOMELESS-REFERRAL", resident=make_resident(cast.community_a, "张三丰")
        ),
    )
    login(client, cast.back_a)
    assert client.post(reverse("matters:act", args=[m.tracking_code, "claim"])).status_code == 302
    _token, key = ApiToken.issue(user=cast.back_a, name="test")
    response = client.post(
        f"/api/matters/{m.tracking_code}/actions/return",
        {"note": "材料不全"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    assert not _reads(m).exists()
