"""Write one database backup (pg_dump custom format, or a SQLite copy) with its manifest, then apply retention.
The nightly task runs the same function (quanke.core.backups.nightly_backup); docs/BACKUP.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quanke.core import backups


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL：pg_dump 自定义格式；SQLite：在线备份），写清单并按保留策略清理旧备份。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="备份目录（默认 BACKUP_DIR） / backup directory")
        parser.add_argument("--no-prune", action="store_true", help="不清理旧备份 / keep every old backup")
        parser.add_argument("--list", action="store_true", help="只列出已有备份 / only list the backups")

    def handle(self, *args, **options):
        directory = Path(options["dir"]) if options["dir"] else backups.backup_dir()
        if options["list"]:
            for stamp, path in backups.list_backups(directory):
                self.stdout.write(f"{stamp:%Y-%m-%d %H:%M:%S} UTC  {path.stat().st_size:>12,d}  {path}")
            return
        try:
            path = backups.backup(directory=directory, prune=not options["no_prune"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backups.read_manifest(path)
        self.stdout.write(self.style.SUCCESS(f"备份完成 / backup written: {path}"))
        self.stdout.write(
            f"  大小 / size: {manifest['size']:,d} bytes   用时 / took: {manifest['seconds']:.1f} s   "
            f"表 / tables: {len(manifest['tables'])}   行 / rows: {sum(manifest['tables'].values()):,d}"
        )
        self.stdout.write(
            f"  审计记录 / audit rows: {manifest['audit_rows']:,d}   sha256: {manifest['audit_sha256']}"
        )
        kept = backups.list_backups(directory)
        self.stdout.write(f"  保留备份 / backups kept: {len(kept)} ({backups.retention()})")
