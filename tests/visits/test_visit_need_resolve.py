"""Defect 11: `visit_need_resolve` was unreachable, so a visit need that never became a matter stayed open for
ever. The visit page now resolves it with a required reason, audited; refusals change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.visits import planning, services
from quanke.visits.models import VisitNeed
from tests.support import login
from tests.visits.conftest import household_with


@pytest.fixture
def need(cast):
    hh, (r,) = household_with(cast.community_a, "陈奶奶")
    visit = services.visit_record(
        actor=cast.desk_a, household=hh, met=[r], needs=[{"description": "想了解助餐点", "resident": r}]
    )
    return visit.needs.get()


def test_the_visit_page_offers_to_resolve_an_open_need(cast, need, client):
    assert planning.open_needs_by_household(need.visit.unit)[need.visit.household_id] == 1
    page = (
        login(client, cast.desk_a).get(reverse("visits:visit_detail", args=[need.visit_id])).content.decode()
    )
    assert reverse("visits:visit_need_resolve", args=[need.pk]) in page and "标记已解决" in page


def test_resolving_needs_a_reason_and_is_audited(cast, need, client):
    login(client, cast.desk_a)
    url = reverse("visits:visit_need_resolve", args=[need.pk])
    body = client.post(url, {"reason": "  "}, follow=True).content.decode()
    assert "请填写处理情况" in body
    need.refresh_from_db()
    assert not need.resolved and not AuditEvent.objects.filter(object_type="visits.visitneed").exists()

    response = client.post(url, {"reason": "已当场告知助餐点地址和时间"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (
        need.resolved and need.resolution == "已当场告知助餐点地址和时间" and need.resolved_by == cast.desk_a
    )
    event = AuditEvent.objects.get(object_type="visits.visitneed", object_id=str(need.pk))
    assert event.changes == {"resolved": True, "resolution": "已当场告知助餐点地址和时间"}
    # A resolved need no longer counts as open for next month's plan.
    assert planning.open_needs_by_household(need.visit.unit).get(need.visit.household_id, 0) == 0
    page = client.get(reverse("visits:visit_detail", args=[need.visit_id])).content.decode()
    assert "已当场告知助餐点地址和时间" in page and "标记已解决" not in page


def test_a_need_taken_up_as_a_matter_is_not_resolved_by_hand(cast, need):
    from quanke.catalog.models import Item
    from quanke.matters import services as matter_services

    matter = matter_services.matter_accept(
        actor=cast.desk_a, item=Item.objects.get(code="EL-SENIOR-CARD"), resident=need.resident
    )
    VisitNeed.objects.filter(pk=need.pk).update(matter=matter)
    with pytest.raises(ValidationError, match="已受理为办件"):
        services.visit_need_resolve(actor=cast.desk_a, need=need, reason="x")
    assert not VisitNeed.objects.get(pk=need.pk).resolved


def test_other_community_gets_404_and_county_viewer_is_refused(cast, need, client):
    url = reverse("visits:visit_need_resolve", args=[need.pk])
    assert login(client, cast.desk_b).post(url, {"reason": "越权"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.visit_need_resolve(actor=cast.county_viewer, need=need, reason="越权")
    need.refresh_from_db()
    assert not need.resolved and need.resolution == ""
    assert not AuditEvent.objects.filter(object_type="visits.visitneed").exists()
