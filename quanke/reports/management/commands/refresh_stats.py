from datetime import date

from django.core.management.base import BaseCommand, CommandError

from quanke.reports import rollup


class Command(BaseCommand):
    help = "Rebuild the matter statistics roll-ups (idempotent), month by month, from --since (default: all)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first day to rebuild, YYYY-MM-DD (default: the first matter)")
        parser.add_argument("--until", help="last day to rebuild, YYYY-MM-DD (default: today)")
        parser.add_argument("--enqueue", action="store_true", help="enqueue the rebuild for a worker instead")

    def handle(self, *args, since=None, until=None, enqueue=False, **options):
        if enqueue:
            from quanke.reports.tasks import refresh_stats

            self.stdout.write(f"enqueued task {refresh_stats.enqueue(since=since, until=until).id}")
            return
        try:
            since_d = date.fromisoformat(since) if since else None
            until_d = date.fromisoformat(until) if until else None
        except ValueError as exc:
            raise CommandError(f"bad date: {exc}") from None

        def progress(start, end, written):
            self.stdout.write(f"  {start:%Y-%m-%d} … {end:%Y-%m-%d}  rows so far: {written:,}")

        written = rollup.refresh_all(since=since_d, until=until_d, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"refresh_stats: {written:,} roll-up rows written."))
