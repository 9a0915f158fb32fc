"""Delete expired idempotency keys (forms' one-time tokens, the API's Idempotency-Key); run daily from cron."""

from django.core.management.base import BaseCommand

from quanke.core.idempotency import purge_expired


class Command(BaseCommand):
    help = "删除已过期的幂等键（表单一次性令牌与接口 Idempotency-Key，默认保留 24 小时）。"

    def handle(self, *args, **options):
        self.stdout.write(f"purged {purge_expired()} expired idempotency keys")
