"""The daily review digest (the schedule's review_reminders row): each reviewer with an address gets the count of
低保 reviews due in her own scope, and no household or name; people who cannot review get nothing."""

from datetime import date

from django.core import mail

from quanke.assistance import services
from quanke.assistance.models import Locality, UnitLocality
from quanke.assistance.tasks import review_reminders
from tests.assistance.households import benefit, household, member

ON = date(2024, 3, 15)


def test_each_reviewer_gets_the_count_of_reviews_due_in_her_scope(cast, django_capture_on_commit_callbacks):
    # Chongqing's 6-month interval for irregular income (渝民〔2023〕3号) applies to street 1.
    UnitLocality.objects.create(unit=cast.street_1, locality=Locality.objects.get(code="chongqing"))
    a = household(cast.community_a, "D1", irregular=True)
    benefit(member(a, "甲某", birth=date(1990, 1, 1)), "dibao", start=date(2023, 9, 20))  # due 2024-03-20
    c = household(cast.community_b, "D3")
    benefit(member(c, "丙某"), "dibao", start=date(2022, 1, 1))  # other community, overdue
    for user in (cast.back_a, cast.street_handler, cast.desk_a):
        user.email = f"{user.username}@example.org"
        user.save()

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.review_reminders_send(on=ON)

    assert counts == {"reviewers": 2, "emailed": 2}  # desk_a cannot review: no mail
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"back_a@example.org", "street_1@example.org"}
    assert "1 户" in by_to["back_a@example.org"].body and "0 户已逾期" in by_to["back_a@example.org"].body
    assert "2 户" in by_to["street_1@example.org"].body and "1 户已逾期" in by_to["street_1@example.org"].body
    assert not any("甲某" in m.body or "丙某" in m.body or "D1" in m.body for m in mail.outbox)


def test_the_task_sends_nothing_when_nothing_is_due(cast, django_capture_on_commit_callbacks):
    cast.back_a.email = "back_a@example.org"
    cast.back_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = review_reminders.enqueue(on="2024-03-15")
    assert result.return_value == {"reviewers": 1, "emailed": 0}
    assert mail.outbox == []
