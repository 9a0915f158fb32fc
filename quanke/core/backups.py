"""Backups that restore (issue 14; docs/BACKUP.md).

PostgreSQL: `pg_dump -Fc` of the whole database, taken inside one exported snapshot so that the manifest written
beside the dump (row counts of every table, a checksum of the audit trail) describes exactly the data in the dump.
SQLite (the demo): sqlite3's online backup API into a file, with the same manifest. `restore` loads a backup into a
fresh database and checks it against the manifest; `nightly_backup` is the hook the task schedule runs.

Importing this module has no side effects: it reads settings only when called."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger(__name__)

AUDIT_TABLE = "core_auditevent"
PREFIX = "quanke-"
NAME_RE = re.compile(r"^quanke-(\d{8}T\d{6}Z)\.(dump|sqlite3)$")
STAMP = "%Y%m%dT%H%M%SZ"
# Connection keys libpq understands, passed on from DATABASES[...]["OPTIONS"] (others, such as Django's `pool`, are
# not libpq's). `options` (e.g. -c jit=off) is left out: it tunes the app's queries, not a dump.
LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """A backup or restore that could not be done, with a message for the operator."""


@dataclass
class RestoreResult:
    target: str
    seconds: float
    mismatches: list[str] = field(default_factory=list)
    manifest: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatches


# --- settings ----------------------------------------------------------------------------------------------------


def _settings():
    from django.conf import settings

    return settings


def backup_dir() -> Path:
    s = _settings()
    return Path(getattr(s, "BACKUP_DIR", None) or Path(s.VAR_DIR) / "backups")


def retention() -> dict:
    s = _settings()
    return {
        "daily": int(getattr(s, "BACKUP_KEEP_DAILY", 7)),
        "weekly": int(getattr(s, "BACKUP_KEEP_WEEKLY", 4)),
        "monthly": int(getattr(s, "BACKUP_KEEP_MONTHLY", 6)),
    }


def _db_settings(using: str) -> dict:
    from django.db import connections

    # The connection's own dict: under the test runner it names the test database.
    return dict(connections[using].settings_dict)


def _vendor(db: dict) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"不支持的数据库引擎 / unsupported database engine: {engine}")


def _pg_env(db: dict, dbname: str | None = None) -> dict:
    """libpq environment for pg_dump/pg_restore: the password travels in PGPASSWORD, never on the command line
    (where `ps` would show it to every user of the machine)."""
    env = dict(os.environ)
    for key, var in {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}.items():
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = dbname or db["NAME"]
    for key, var in LIBPQ_ENV.items():
        if (db.get("OPTIONS") or {}).get(key):
            env[var] = str(db["OPTIONS"][key])
    env.pop("PGOPTIONS", None)
    return env


def _pg_connect(db: dict, dbname: str | None = None, *, autocommit: bool = False):
    import psycopg

    params = {"dbname": dbname or db["NAME"]}
    for key, param in {"HOST": "host", "PORT": "port", "USER": "user", "PASSWORD": "password"}.items():
        if db.get(key):
            params[param] = str(db[key])
    for key in LIBPQ_ENV:
        if (db.get("OPTIONS") or {}).get(key):
            params[key] = str(db["OPTIONS"][key])
    return psycopg.connect(autocommit=autocommit, **params)


def _pg_bin(name: str) -> str:
    """PG_BIN_DIR picks the client matching the server (pg_dump must not be older than the server)."""
    directory = os.environ.get("PG_BIN_DIR") or getattr(_settings(), "PG_BIN_DIR", "")
    path = shutil.which(name, path=directory) if directory else shutil.which(name)
    if not path:
        raise BackupError(f"找不到 {name}（请安装 postgresql-client 或设置 PG_BIN_DIR） / {name} not found")
    return path


# --- what a backup is checked against ------------------------------------------------------------------------------


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        # pg_catalog, pg_toast and other sessions' pg_temp_N (pg_dump leaves temporary tables out too)
        "WHERE schemaname NOT LIKE 'pg\\_%' AND schemaname <> 'information_schema' ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def _pg_facts(conn) -> dict:
    """Row counts of every table in the catalog and the audit checksum, on an open psycopg connection (the caller
    picks the snapshot)."""
    with conn.cursor() as cursor:
        # The audit rows' text depends on these session settings; fix them so both sides print alike.
        cursor.execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3")
        counts = {}
        for table in _pg_tables(cursor):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 -- names come from the catalog, quoted
            counts[table.replace('"', "")] = cursor.fetchone()[0]
    digest, rows = hashlib.sha256(), 0
    if f"public.{AUDIT_TABLE}" in counts:
        # A server-side cursor: the trail can be millions of rows; each row's text form (ROW(...)::text) is the
        # canonical form of all its columns, the same on the source and on a restore of the same version.
        with conn.cursor(name="quanke_audit_checksum") as cursor:
            cursor.itersize = 5000
            cursor.execute(f"SELECT t::text FROM {AUDIT_TABLE} AS t ORDER BY t.id")  # noqa: S608
            for (text,) in cursor:
                digest.update(text.encode() + b"\n")
                rows += 1
    return {
        "tables": counts,
        "audit_rows": rows,
        "audit_sha256": digest.hexdigest(),
        "method": "pg-rowtext-v1",
    }


def _sqlite_facts(path: Path) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608
        digest, rows = hashlib.sha256(), 0
        if AUDIT_TABLE in counts:
            for row in conn.execute(f"SELECT * FROM {AUDIT_TABLE} ORDER BY id"):  # noqa: S608
                digest.update(json.dumps(row, ensure_ascii=False, default=str).encode() + b"\n")
                rows += 1
        return {
            "tables": counts,
            "audit_rows": rows,
            "audit_sha256": digest.hexdigest(),
            "method": "sqlite-json-v1",
        }
    finally:
        conn.close()


def database_facts(using: str = "default", dbname: str | None = None) -> dict:
    """Row counts and audit checksum of a live database (the configured one, or `dbname` on the same server /
    a SQLite file path)."""
    db = _db_settings(using)
    if _vendor(db) == "sqlite":
        return _sqlite_facts(Path(dbname or db["NAME"]))
    with _pg_connect(db, dbname) as conn:
        conn.read_only = True
        return _pg_facts(conn)


def compare(expected: dict, actual: dict) -> list[str]:
    """Every difference between a manifest's facts and a database's, one line each (empty: they agree)."""
    problems = []
    want, got = expected["tables"], actual["tables"]
    for table in sorted(set(want) | set(got)):
        if table not in got:
            problems.append(f"缺少表 / missing table: {table}")
        elif table not in want:
            problems.append(f"多出的表 / unexpected table: {table}")
        elif want[table] != got[table]:
            problems.append(f"行数不符 / row count differs: {table}: {want[table]} ≠ {got[table]}")
    if expected.get("method") != actual.get("method"):
        problems.append(
            f"校验方法不同 / checksum method differs: {expected.get('method')} ≠ {actual.get('method')}"
        )
    elif expected["audit_sha256"] != actual["audit_sha256"]:
        problems.append(
            f"审计表校验和不符 / audit checksum differs: {expected['audit_sha256'][:16]}… ≠ "
            f"{actual['audit_sha256'][:16]}…"
        )
    return problems


# --- files -------------------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def manifest_path(path: Path) -> Path:
    return Path(path).with_suffix(Path(path).suffix + ".json")


def read_manifest(path: Path) -> dict | None:
    m = manifest_path(path)
    return json.loads(m.read_text(encoding="utf-8")) if m.exists() else None


def _write_atomic(final: Path, write):
    """`write(tmp_path)` fills a hidden temporary file in the same directory; it is synced and renamed into place,
    so a crash or a full disk never leaves a half backup under a backup's name."""
    tmp = final.with_name(f".{final.name}.partial")
    try:
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


# --- backup ------------------------------------------------------------------------------------------------------


def backup(
    *, using: str = "default", directory: Path | None = None, now: datetime | None = None, prune: bool = True
) -> Path:
    """Write one backup of the database into BACKUP_DIR and its manifest beside it; apply retention. Returns the
    backup's path."""
    db = _db_settings(using)
    vendor = _vendor(db)
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    final = directory / f"{PREFIX}{now.strftime(STAMP)}.{'dump' if vendor == 'postgresql' else 'sqlite3'}"
    if final.exists():
        raise BackupError(f"备份文件已存在 / backup already exists: {final}")
    started = time.monotonic()
    facts = _backup_postgres(db, final) if vendor == "postgresql" else _backup_sqlite(db, final)
    manifest = {
        "file": final.name,
        "created_at": now.isoformat(),
        "engine": vendor,
        "database": db["NAME"] if vendor == "postgresql" else Path(db["NAME"]).name,
        "size": final.stat().st_size,
        "sha256": _sha256_file(final),
        "seconds": round(time.monotonic() - started, 3),
        **facts,
    }
    m = manifest_path(final)
    _write_atomic(m, lambda tmp: tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"))
    logger.info(
        "backup written",
        extra={"backup": str(final), "size": manifest["size"], "seconds": manifest["seconds"]},
    )
    if prune:
        prune_backups(directory, now=now)
    return final


def _backup_postgres(db: dict, final: Path) -> dict:
    # One snapshot for the dump and the manifest: pg_dump imports the snapshot this transaction exported, so
    # rows written meanwhile are in neither (otherwise the counts would race the dump).
    import psycopg

    with _pg_connect(db) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]

        facts = {}

        def dump(tmp: Path):
            cmd = [
                _pg_bin("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={tmp}",
            ]
            # The counts and the audit checksum are read on this connection while pg_dump runs: same snapshot,
            # and the two overlap instead of adding up.
            proc = subprocess.Popen(
                cmd, env=_pg_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            try:
                facts.update(_pg_facts(conn))
            finally:
                _, stderr = proc.communicate()
            if proc.returncode != 0:
                raise BackupError(f"pg_dump 失败 / pg_dump failed: {stderr.strip()}")

        _write_atomic(final, dump)
        conn.rollback()
    return facts


def _backup_sqlite(db: dict, final: Path) -> dict:
    def copy(tmp: Path):
        source = sqlite3.connect(db["NAME"])
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)  # the online backup API: consistent while the app keeps writing
        finally:
            target.close()
            source.close()

    _write_atomic(final, copy)
    return _sqlite_facts(final)  # the copy itself: exactly what was backed up


def nightly_backup() -> str:
    """The nightly task (the task schedule wraps it): one backup with retention. Returns the file's path."""
    return str(backup())


# --- retention ---------------------------------------------------------------------------------------------------


def list_backups(directory: Path | None = None) -> list[tuple[datetime, Path]]:
    """Backups in the directory, newest first (only files named as this module names them)."""
    directory = Path(directory or backup_dir())
    found = []
    for path in directory.glob(f"{PREFIX}*"):
        match = NAME_RE.match(path.name)
        if match:
            found.append((datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC), path))
    return sorted(found, reverse=True)


def to_keep(stamps: list[datetime], *, daily: int, weekly: int, monthly: int) -> set[datetime]:
    """Grandfather-father-son: the newest backup of each of the `daily` most recent days that have one, of the
    `weekly` most recent ISO weeks, of the `monthly` most recent months; always the newest of all."""
    keep = set(stamps[:1])
    for count, bucket in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen = []
        for stamp in sorted(stamps, reverse=True):
            key = bucket(stamp)
            if key not in seen:
                if len(seen) >= count:
                    break
                seen.append(key)
                keep.add(stamp)
    return keep


def prune_backups(directory: Path | None = None, *, now: datetime | None = None, **limits) -> list[Path]:
    """Delete the backups (and their manifests) that retention no longer keeps. Returns what was deleted."""
    found = list_backups(directory)
    keep = to_keep([stamp for stamp, _ in found], **{**retention(), **limits})
    deleted = []
    for stamp, path in found:
        if stamp not in keep:
            path.unlink(missing_ok=True)
            manifest_path(path).unlink(missing_ok=True)
            deleted.append(path)
    if deleted:
        logger.info("old backups deleted", extra={"count": len(deleted)})
    return deleted


# --- restore -----------------------------------------------------------------------------------------------------


def verify_file(path: Path) -> list[str]:
    """The backup file against its manifest's size and sha256 (a copy that rotted or was cut short)."""
    manifest = read_manifest(path)
    if manifest is None:
        return [f"没有清单文件 / no manifest: {manifest_path(path).name}"]
    problems = []
    if Path(path).stat().st_size != manifest["size"]:
        problems.append(f"文件大小不符 / size differs: {Path(path).stat().st_size} ≠ {manifest['size']}")
    elif _sha256_file(Path(path)) != manifest["sha256"]:
        problems.append("文件校验和不符 / file sha256 differs")
    return problems


def restore(
    path, target_db: str, *, force: bool = False, using: str = "default", jobs: int = 1
) -> RestoreResult:
    """Load a backup into `target_db` (a database on the configured server, or a SQLite file path), created fresh,
    and compare it with the manifest. Refuses to replace the live database, or any existing one, without `force`.
    """
    path = Path(path)
    if not path.exists():
        raise BackupError(f"找不到备份文件 / backup not found: {path}")
    db = _db_settings(using)
    vendor = _vendor(db)
    manifest = read_manifest(path)
    if manifest and manifest["engine"] != vendor:
        raise BackupError(f"备份来自 {manifest['engine']}，当前数据库是 {vendor} / engine mismatch")
    problems = verify_file(path) if manifest else []
    if problems and not force:
        raise BackupError(
            "备份文件损坏，未恢复 / backup file is damaged, not restored: " + "; ".join(problems)
        )
    started = time.monotonic()
    if vendor == "postgresql":
        _restore_postgres(db, path, target_db, force=force, jobs=jobs)
    else:
        _restore_sqlite(db, path, target_db, force=force)
    seconds = time.monotonic() - started
    result = RestoreResult(target=target_db, seconds=seconds, manifest=manifest)
    if manifest is None:
        result.mismatches = [f"没有清单文件，无法校验 / no manifest, nothing to verify against: {path.name}"]
    else:
        result.mismatches = problems + compare(manifest, database_facts(using, target_db))
    logger.info(
        "backup restored",
        extra={
            "backup": str(path),
            "target": target_db,
            "seconds": round(seconds, 3),
            "mismatches": len(result.mismatches),
        },
    )
    return result


def _restore_postgres(db: dict, path: Path, target: str, *, force: bool, jobs: int):
    from django.db import connections
    from psycopg import sql

    live = target == db["NAME"]
    with _pg_connect(db, "postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone()
        if live and not force:
            raise BackupError(
                f"拒绝覆盖正在使用的数据库 {target}（确需如此请加 --force） / refusing to overwrite the "
                "live database without --force"
            )
        if exists and not force:
            raise BackupError(
                f"数据库 {target} 已存在（换一个名字，或加 --force 删除重建） / database exists"
            )
        if exists:
            connections.close_all()  # our own connections to it must not hold the drop up
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(target)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(target))
        )
    # pg_restore loads in sections: schema (tables, the audit trigger's function), then the data, then indexes,
    # constraints and triggers (the append-only trigger comes after the rows it protects; it refuses only UPDATE
    # and DELETE anyway). --no-owner: the restoring role owns what it creates (the deployment runs as one role).
    cmd = [
        _pg_bin("pg_restore"),
        "--no-password",
        "--exit-on-error",
        "--no-owner",
        f"--dbname={target}",
        str(path),
    ]
    if jobs > 1:
        cmd.insert(1, f"--jobs={jobs}")
    else:
        cmd.insert(1, "--single-transaction")
    done = subprocess.run(cmd, env=_pg_env(db, target), capture_output=True, text=True)
    if done.returncode != 0:
        if not live:  # leave no half-restored database behind to be mistaken for a good one
            with _pg_connect(db, "postgres", autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
                )
        raise BackupError(f"pg_restore 失败 / pg_restore failed: {done.stderr.strip()}")


def _restore_sqlite(db: dict, path: Path, target: str, *, force: bool):
    target_path = Path(target).resolve()
    if target_path == Path(db["NAME"]).resolve() and not force:
        raise BackupError(
            f"拒绝覆盖正在使用的数据库 {target}（确需如此请加 --force） / refusing to overwrite the "
            "live database without --force"
        )
    if target_path.exists() and not force:
        raise BackupError(f"文件 {target} 已存在（加 --force 覆盖） / target file exists")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dest = sqlite3.connect(target_path)
    try:
        source.backup(dest)  # page by page into the target, replacing whatever it held
    finally:
        dest.close()
        source.close()
