"""Send reminders for case follow-ups that are due (the schedule enqueues it daily: quanke/core/schedule.py)."""

from datetime import date

from django.core.management.base import BaseCommand

from quanke.casework import services


class Command(BaseCommand):
    help = "提醒社工到期的个案回访（每个回访每个到期日只提醒一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按此日期计算到期（YYYY-MM-DD，默认今天）")
        parser.add_argument("--enqueue", action="store_true", help="放入任务队列由 db_worker 执行")

    def handle(self, *args, **options):
        if options.get("enqueue"):
            from quanke.casework.tasks import casework_reminders

            self.stdout.write(f"已放入任务队列：{casework_reminders.enqueue(day=options.get('date')).id}")
            return
        day = date.fromisoformat(options["date"]) if options.get("date") else None
        counts = services.reminders_send(day=day)
        self.stdout.write(f"已提醒 {counts['reminded']} 条回访，其中发送邮件 {counts['emailed']} 封。")
