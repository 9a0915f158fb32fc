from django.core.management.base import BaseCommand

from quanke.core import notify


class Command(BaseCommand):
    help = (
        "Send queued notifications and retry failed ones whose back-off has passed (the schedule enqueues it "
        "every minute: quanke/core/schedule.py); --enqueue hands it to a worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)
        parser.add_argument("--enqueue", action="store_true", help="enqueue the task for a worker instead")

    def handle(self, *args, limit, enqueue=False, **options):
        if enqueue:
            from quanke.core.tasks import send_notifications

            self.stdout.write(f"已放入任务队列：{send_notifications.enqueue(limit=limit).id}")
            return
        sent, failed = notify.send_due(limit=limit)
        self.stdout.write(f"已发送 {sent} 条，失败 {failed} 条（失败的将按退避时间重试）。")
