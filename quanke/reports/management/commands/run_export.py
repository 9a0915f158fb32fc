from django.core.management.base import BaseCommand, CommandError

from quanke.reports import services
from quanke.reports.models import ExportJob
from quanke.reports.tasks import run_export


class Command(BaseCommand):
    help = (
        "Run one queued (or failed) export job in this process (what a worker does), or with --enqueue hand it "
        "to the task queue."
    )

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)
        parser.add_argument("--enqueue", action="store_true", help="enqueue it for a worker instead")

    def handle(self, *args, job_id, enqueue=False, **options):
        if not ExportJob.objects.filter(pk=job_id).exists():
            raise CommandError(f"no export job {job_id}")
        if enqueue:
            result = run_export.enqueue(job_id)
            self.stdout.write(f"export {job_id}: enqueued as task {result.id}")
            return
        job = services.export_run(job_id=job_id)
        if job.status == ExportJob.Status.FAILED:
            raise CommandError(f"export {job_id} failed: {job.error}")
        self.stdout.write(
            self.style.SUCCESS(f"export {job_id}: {job.get_status_display()} → {job.file_path}")
        )
