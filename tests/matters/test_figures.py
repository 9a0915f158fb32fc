"""Defect 8: one definition per figure. The head's dashboard and the reports dashboard show the same 已办结 and
超期 for the same community and month; the head page counts every overdue matter (not the first 50) and lists at
most HEAD_OVERDUE_ROWS of them. The indicator definitions point at the Matter QuerySet methods."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from quanke.matters import services
from quanke.matters.models import Matter, MatterQuerySet
from quanke.matters.views import HEAD_OVERDUE_ROWS
from quanke.reports import indicators as ind
from quanke.reports import rollup
from tests.matters.conftest import accept, at, received
from tests.support import login


def test_head_page_and_reports_agree_on_finished_and_overdue(client, cast):
    now = timezone.now()
    today = timezone.localdate()
    month_start = today.replace(day=1)
    long_ago = now - timedelta(days=120)
    # 55 matters still at the desk long past their due date (accepted, the clock running).
    for _ in range(HEAD_OVERDUE_ROWS + 5):
        accept(cast.desk_a, "SA-HOMELESS-REFERRAL", at=long_ago)
    # One paused for materials: past due but its clock stands still, so not overdue.
    paused = accept(cast.desk_a, "SA-HOMELESS-REFERRAL", at=long_ago)
    services.matter_request_materials(actor=cast.desk_a, matter=paused, note="缺户口簿")
    # Accepted last month and finished this month; accepted this month and finished this month.
    for accepted_at in (now.replace(day=1) - timedelta(days=3), now):
        m = services.matter_route(
            actor=cast.desk_a,
            matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL", at=accepted_at),
            at=accepted_at,
        )
        m = services.matter_claim(actor=cast.back_a, matter=m, at=accepted_at)
        services.matter_complete(actor=cast.back_a, matter=m, note="已转介", **received(m))
    rollup.refresh_all()

    expected_overdue = Matter.objects.filter(unit=cast.community_a).overdue(today).count()
    expected_finished = (
        Matter.objects.filter(unit=cast.community_a).closed_in(month_start, today).finished().count()
    )
    assert (expected_overdue, expected_finished) == (HEAD_OVERDUE_ROWS + 5, 2)

    login(client, cast.head_a)
    head = client.get(reverse("matters:head"))
    reports = client.get(reverse("reports:dashboard"))
    assert head.status_code == reports.status_code == 200
    d, codes = reports.context["d"], ind.by_code()
    assert (d.period.start, d.period.end) == (month_start, d.period.end)
    assert head.context["month_stats"].finished == d.total.value(codes["finished"]) == expected_finished
    assert head.context["live"].overdue == d.total.value(codes["overdue_now"]) == expected_overdue
    assert head.context["live"].open == d.total.value(codes["open_now"])
    body = head.content.decode()
    assert f'id="live-overdue">{expected_overdue}<' in body
    assert f'id="month-finished">{expected_finished}<' in body
    assert len(head.context["overdue"]) == HEAD_OVERDUE_ROWS  # the list is capped, the count is not


def test_queues_use_the_same_overdue_definition(client, cast):
    today = timezone.localdate()
    m = services.matter_route(
        actor=cast.desk_a, matter=accept(cast.desk_a, "SA-HOMELESS-REFERRAL", at=at(2025, 1, 6))
    )
    login(client, cast.back_a)
    page = client.get(reverse("matters:queue") + "?q=overdue")
    assert page.context["counts"]["overdue"] == 1 and [r.pk for r in page.context["rows"]] == [m.pk]
    assert list(Matter.objects.overdue(today)) == [m]


def test_matter_indicators_point_at_queryset_methods():
    matter_codes = {i.code for i in ind.MATTER_INDICATORS}
    for indicator in ind.INDICATORS:
        if indicator.code in matter_codes and not indicator.denominator:
            assert indicator.figure, indicator.code
        for name in indicator.figure:
            assert callable(getattr(MatterQuerySet, name, None)), (indicator.code, name)
