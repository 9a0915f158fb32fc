"""Restore a backup into a fresh database and verify it against the backup's manifest; or only verify a file or a
database. docs/BACKUP.md."""

from django.core.management.base import BaseCommand, CommandError

from quanke.core import backups


class Command(BaseCommand):
    help = (
        "把备份恢复到一个新数据库并按清单核对行数与审计表校验和。"
        "用法：manage.py restore <备份文件> --into <数据库名>；只核对：--verify-only [--into <数据库名>]。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="备份文件，或 latest 表示最新一份 / backup file (.dump, .sqlite3) or 'latest'"
        )
        parser.add_argument(
            "--into", help="目标数据库名（SQLite 为文件路径） / target database (SQLite: a file)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="允许删除重建已存在的目标库，包括正在使用的数据库 / drop and recreate an existing target, even the live one",
        )
        parser.add_argument(
            "--jobs", type=int, default=1, help="pg_restore 并行数 / parallel pg_restore jobs"
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="不恢复，只核对文件（给了 --into 时也核对该库） / check the file (and --into database) only",
        )

    def handle(self, *args, **options):
        path, target = options["file"], options["into"]
        try:
            if path == "latest":
                found = backups.list_backups()
                if not found:
                    raise CommandError(f"备份目录里没有备份 / no backups in {backups.backup_dir()}")
                path = str(found[0][1])
            if options["verify_only"]:
                return self._verify(path, target)
            if not target:
                raise CommandError("请用 --into 指定目标数据库 / name the target database with --into")
            self.stdout.write(f"正在恢复 / restoring {path} → {target} …")
            result = backups.restore(path, target, force=options["force"], jobs=options["jobs"])
        except (backups.BackupError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复用时 / restore took {result.seconds:.1f} s")
        self._report(result.mismatches, result.manifest)

    def _verify(self, path, target):
        problems = backups.verify_file(path)
        manifest = backups.read_manifest(path)
        if target and manifest:
            problems += backups.compare(manifest, backups.database_facts(dbname=target))
        self._report(problems, manifest)

    def _report(self, problems, manifest):
        if problems:
            for line in problems:
                self.stderr.write(self.style.ERROR(f"  ✗ {line}"))
            raise CommandError(
                f"核对不通过：{len(problems)} 处不符 / verification failed: {len(problems)} mismatches"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"核对通过 / verified: {len(manifest['tables'])} 张表行数一致 / table row counts match, "
                f"审计记录 {manifest['audit_rows']:,d} 行校验和一致 / audit checksum matches"
            )
        )
