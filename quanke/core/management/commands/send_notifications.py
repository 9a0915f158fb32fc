from django.core.management.base import BaseCommand

from quanke.core import notify


class Command(BaseCommand):
    help = "Send queued notifications and retry failed ones whose back-off has passed (run from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        sent, failed = notify.send_due(limit=limit)
        self.stdout.write(f"已发送 {sent} 条，失败 {failed} 条（失败的将按退避时间重试）。")
