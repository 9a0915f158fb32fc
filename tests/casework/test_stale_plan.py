"""A case plan edited in two places (two workers, two tabs): a save from a form read before the other save is
refused instead of overwriting it (quanke.core.concurrency, as for residents; issue 13, failure 6)."""

import re
from datetime import timedelta

from django.urls import reverse

from quanke.casework.models import TimelineEntry
from tests.casework.conftest import assess
from tests.support import login


def mark_on_page(client, case) -> str:
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    return re.search(r'name="revision" value="([^"]*)"', page).group(1)


def save_plan(client, case, goals, mark, today):
    response = client.post(
        reverse("casework:case_action", args=[case.pk, "plan"]),
        {
            "revision": mark,
            "goals": goals,
            "a0_domain": "mental_health",
            "a0_description": "申请免费长效针剂",
            "a0_worker": case.workers.first().pk,
            "a0_due_on": (today + timedelta(days=10)).isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_stale_plan_save_is_refused_and_names_the_other_save(client, cast, case, consented, today):
    assess(case, cast.desk_a)
    login(client, cast.desk_a)
    first_tab = second_tab = mark_on_page(client, case)
    assert first_tab == "new"
    save_plan(client, case, "规律服药", first_tab, today)
    plan = case.plans.get()
    events = TimelineEntry.objects.filter(case=case).count()
    body = save_plan(client, case, "另一个目标", second_tab, today)
    assert "已被他人修改" in body and "规律服药" in body and "另一个目标" in body
    plan.refresh_from_db()
    assert (case.plans.count(), plan.goals, plan.revision) == (1, "规律服药", 1)
    assert TimelineEntry.objects.filter(case=case).count() == events  # nothing written
    # From the current draft the save goes through, and makes every older form stale.
    current = mark_on_page(client, case)
    assert current == f"{plan.pk}.1"
    save_plan(client, case, "规律服药，情绪稳定", current, today)
    plan.refresh_from_db()
    assert (plan.goals, plan.revision) == ("规律服药，情绪稳定", 2)
    assert "已被他人修改" in save_plan(client, case, "旧页面", current, today)
    plan.refresh_from_db()
    assert plan.goals == "规律服药，情绪稳定"
