from django.core.management.base import BaseCommand, CommandError

from quanke.reports import services
from quanke.reports.models import ExportJob


class Command(BaseCommand):
    help = "Run one queued (or failed) export job in this process: what a task-queue worker would do."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id, **options):
        if not ExportJob.objects.filter(pk=job_id).exists():
            raise CommandError(f"no export job {job_id}")
        job = services.export_run(job_id=job_id)
        if job.status == ExportJob.Status.FAILED:
            raise CommandError(f"export {job_id} failed: {job.error}")
        self.stdout.write(
            self.style.SUCCESS(f"export {job_id}: {job.get_status_display()} → {job.file_path}")
        )
