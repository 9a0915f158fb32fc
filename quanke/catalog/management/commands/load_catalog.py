from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from quanke.catalog.loading import DEFAULT_CATALOG, load_catalog, read_catalog


class Command(BaseCommand):
    help = (
        "Load or refresh the service catalog from YAML (upserts by item code; default: the shipped catalog)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CATALOG))

    def handle(self, *args, path, **options):
        with transaction.atomic():
            counts = load_catalog(read_catalog(Path(path)))
        self.stdout.write(
            self.style.SUCCESS("已加载：类别 {categories}，事项 {items}，材料 {materials}".format(**counts))
        )
