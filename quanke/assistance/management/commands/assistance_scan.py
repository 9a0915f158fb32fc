"""Proactive discovery over the whole registry: `manage.py assistance_scan [--locality CODE] [--date YYYY-MM-DD]`."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from quanke.assistance import services
from quanke.assistance.engine import EngineError


class Command(BaseCommand):
    help = "用规则一次性评估全部登记居民，把“似乎符合但未享受”和“享受中但似乎已不符合”的情况写入复核队列。"

    def add_arguments(self, parser):
        parser.add_argument("--locality", default="", help="只扫描该地区参数适用的单位（如 beijing）")
        parser.add_argument("--date", default="", help="评估日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--enqueue", action="store_true", help="放入任务队列由 db_worker 执行")

    def handle(self, *args, **options):
        if options.get("enqueue"):
            from quanke.assistance.tasks import discovery_scan

            result = discovery_scan.enqueue(locality=options["locality"], on=options["date"] or None)
            self.stdout.write(f"已放入任务队列：{result.id}")
            return
        on = None
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from None
        try:
            result = services.assistance_scan(
                actor=None, locality=options["locality"], on=on, progress=self.stdout.write
            )
        except EngineError as exc:
            raise CommandError(f"无法扫描：{exc}") from None
        run = result.run
        self.stdout.write(
            self.style.SUCCESS(
                f"扫描完成（{run.on_date:%Y-%m-%d}）：{run.households} 户 {run.residents} 人；"
                f"复核队列新增 {run.findings_new} 条，仍存在 {run.findings_kept} 条，失效 {run.findings_lapsed} 条。"
            )
        )
