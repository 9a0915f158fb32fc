from datetime import timedelta

from django.core import mail
from django.core.management import call_command

from quanke.casework import services
from quanke.casework.models import FollowUpReminder
from tests.support import login


def test_reminders_sent_once_per_due_followup(cast, case, today, django_capture_on_commit_callbacks):
    cast.desk_a.email = "desk_a@example.org"
    cast.desk_a.save(update_fields=["email"])
    due = services.followup_schedule(actor=cast.desk_a, case=case, due_on=today, purpose="电话回访服药情况")
    services.followup_schedule(actor=cast.desk_a, case=case, due_on=today + timedelta(days=5), purpose="下周")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("casework_reminders")
    assert len(mail.outbox) == 1
    assert case.number in mail.outbox[0].subject and case.resident.name not in mail.outbox[0].body
    assert FollowUpReminder.objects.get().followup == due
    with django_capture_on_commit_callbacks(execute=True):
        call_command("casework_reminders")
    assert len(mail.outbox) == 1  # not twice


def test_done_followups_are_not_reminded(cast, case, today):
    f = services.followup_schedule(actor=cast.desk_a, case=case, due_on=today, purpose="回访")
    services.followup_complete(actor=cast.desk_a, followup=f, result="已服药")
    assert services.reminders_send(day=today) == {"reminded": 0, "emailed": 0}


def test_workbench_panel_lists_due_followups(client, cast, case, today):
    from django.urls import reverse

    services.followup_schedule(
        actor=cast.desk_a, case=case, due_on=today - timedelta(days=1), purpose="逾期回访"
    )
    login(client, cast.desk_a)
    body = client.get(reverse("core:home")).content.decode()
    assert "逾期回访" in body and "已逾期" in body
