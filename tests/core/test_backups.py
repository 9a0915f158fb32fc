"""Backups that restore (issue 14): a backup of seeded data restored into a fresh database has every table's row
count and the audit trail's checksum of the source; retention keeps what it promises; the live database is not
overwritten without --force. The PostgreSQL tests run pg_dump/pg_restore for real (they need committed data, hence
transactional tests); the SQLite test backs up the demo's engine."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from quanke.core import backups
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent
from quanke.matters import services
from quanke.matters.models import Matter
from quanke.registry.models import Resident
from tests.conftest import make_resident
from tests.matters.conftest import item

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup path")
TARGET = "quanke_backup_restored"


def _seed(cast):
    residents = [make_resident(cast.community_a, name) for name in ("王一", "李二", "张三")]
    for resident in residents:
        services.intake(
            actor=cast.desk_a, item=item("CT-HARDSHIP-PROOF"), resident=resident, applicant_name=resident.name
        )
    for resident in residents:
        audit_record(
            actor=cast.desk_a, action=AuditEvent.Action.READ, obj=resident, changes={"via": "备份测试"}
        )
    return residents


def _live_counts() -> dict:
    """Every table Django's introspection sees, counted directly (independently of the module under test); not
    this session's temporary tables (a report's scratch table), which no dump contains."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relpersistence = 't'")
        temporary = {row[0] for row in cursor.fetchall()}
        counts = {}
        for table in set(connection.introspection.table_names(cursor)) - temporary:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _drop(name):
    from psycopg import sql

    with backups._pg_connect(connection.settings_dict, "postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def restored_name():
    yield TARGET
    _drop(TARGET)


@pytest.mark.postgres
@on_postgres
def test_backup_restores_into_a_fresh_database_with_every_table_and_the_audit_trail(
    migrated_data, cast, tmp_path, restored_name
):
    _seed(cast)
    source = _live_counts()
    assert source["matters_matter"] >= 3 and source["core_auditevent"] >= 6

    path = backups.backup(directory=tmp_path)
    manifest = backups.read_manifest(path)
    assert path.suffix == ".dump" and path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert manifest["tables"] == {
        f"public.{t}": n for t, n in source.items()
    }  # every table, counted in the dump

    result = backups.restore(path, restored_name)
    assert result.ok, result.mismatches
    restored = backups.database_facts(dbname=restored_name)
    assert restored["tables"] == manifest["tables"]
    assert restored["audit_rows"] == source["core_auditevent"]
    assert restored["audit_sha256"] == manifest["audit_sha256"] == backups.database_facts()["audit_sha256"]

    # The append-only trigger came back with the data: the restored trail refuses a change too.
    with (
        backups._pg_connect(connection.settings_dict, restored_name) as conn,
        pytest.raises(Exception, match="append-only"),
    ):
        conn.execute("UPDATE core_auditevent SET object_repr = 'x'")


@pytest.mark.postgres
@on_postgres
def test_verify_reports_a_restored_database_that_differs(migrated_data, cast, tmp_path, restored_name):
    residents = _seed(cast)
    path = backups.backup(directory=tmp_path)
    assert backups.restore(path, restored_name).ok
    # Change the restore behind the manifest's back: one resident fewer, one audit row more.
    with backups._pg_connect(connection.settings_dict, restored_name) as conn:
        conn.execute("SET session_replication_role = replica")  # foreign keys off for the tampering
        conn.execute("DELETE FROM matters_matter WHERE resident_id = %s", [residents[0].pk])
        conn.execute(
            "INSERT INTO core_auditevent (created_at, actor_username, actor_name, action, object_type, object_id, "
            "object_repr, changes) VALUES (now(), 'x', 'x', 'read', 'x', '', '', '{}')"
        )
    problems = backups.compare(backups.read_manifest(path), backups.database_facts(dbname=restored_name))
    assert any("matters_matter" in line for line in problems)
    assert any("core_auditevent" in line for line in problems)
    assert any("audit checksum" in line for line in problems)
    with pytest.raises(CommandError, match="verification failed"):
        call_command("restore", str(path), "--verify-only", "--into", restored_name)


@pytest.mark.postgres
@on_postgres
def test_restore_refuses_the_live_database_and_an_existing_one(migrated_data, cast, tmp_path, restored_name):
    _seed(cast)
    path = backups.backup(directory=tmp_path)
    before = _live_counts()
    with pytest.raises(CommandError, match="refusing to overwrite the live database"):
        call_command("restore", str(path), "--into", connection.settings_dict["NAME"])
    assert _live_counts() == before  # nothing changed in the live database
    assert Resident.objects.count() == 3 and Matter.objects.count() == 3

    call_command("restore", str(path), "--into", restored_name)
    with pytest.raises(CommandError, match="database exists"):
        call_command("restore", str(path), "--into", restored_name)
    call_command("restore", str(path), "--into", restored_name, "--force")  # --force: drop and recreate


@pytest.mark.postgres
@on_postgres
def test_a_damaged_backup_is_not_restored(migrated_data, cast, tmp_path, restored_name):
    _seed(cast)
    path = backups.backup(directory=tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(backups.BackupError, match="file sha256 differs"):
        backups.restore(path, restored_name)
    assert not _exists(restored_name)
    # A file pg_restore cannot read (no manifest to catch it first): the half-made target is dropped again.
    junk = tmp_path / "quanke-20260101T000000Z.dump"
    junk.write_bytes(bytes(data[:1000]))
    with pytest.raises(backups.BackupError, match="pg_restore failed"):
        backups.restore(junk, restored_name)
    assert not _exists(restored_name)


def _exists(name) -> bool:
    with backups._pg_connect(connection.settings_dict, "postgres") as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@on_sqlite
def test_sqlite_backup_and_restore(migrated_data, cast, tmp_path, monkeypatch):
    """The demo's engine: the online backup API copies the live file; a restore into a new file verifies."""
    live = tmp_path / "live.sqlite3"
    # The test database is in memory: back up a file copy of it, as the demo's var/quanke.sqlite3 would be.
    _seed(cast)
    target = sqlite3.connect(live)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    db = {**connection.settings_dict, "NAME": str(live)}
    facts_before = backups._sqlite_facts(live)
    monkeypatch.setattr(backups, "_db_settings", lambda using: db)
    path = backups.backup(directory=tmp_path / "b")
    assert path.suffix == ".sqlite3"
    manifest = backups.read_manifest(path)
    assert manifest["tables"] == facts_before["tables"] and manifest["tables"]["core_auditevent"] >= 6
    with pytest.raises(backups.BackupError, match="refusing to overwrite the live database"):
        backups.restore(path, str(live))
    result = backups.restore(path, str(tmp_path / "restored.sqlite3"))
    assert result.ok, result.mismatches
    assert backups._sqlite_facts(tmp_path / "restored.sqlite3")["audit_sha256"] == manifest["audit_sha256"]


def _stamps(*texts):
    return [datetime.fromisoformat(t).replace(tzinfo=UTC) for t in texts]


def test_retention_keeps_daily_weekly_monthly_and_always_the_newest(tmp_path):
    start = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
    # 120 nights of backups, two on the last night.
    stamps = [start + timedelta(days=d) for d in range(120)] + [start + timedelta(days=119, hours=5)]
    for stamp in stamps:
        (tmp_path / f"quanke-{stamp:%Y%m%dT%H%M%SZ}.dump").write_bytes(b"x")
        (tmp_path / f"quanke-{stamp:%Y%m%dT%H%M%SZ}.dump.json").write_text("{}")
    (tmp_path / "someone-elses.dump").write_bytes(b"x")
    deleted = backups.prune_backups(tmp_path, daily=7, weekly=4, monthly=3)
    kept = sorted(stamp for stamp, _ in backups.list_backups(tmp_path))
    newest = max(stamps)
    assert newest in kept
    assert len(deleted) == len(stamps) - len(kept)
    # 7 days (the last night's newest only), then Sundays of earlier weeks, then ends of earlier months.
    days = {k.date() for k in kept}
    assert {(newest - timedelta(days=d)).date() for d in range(7)} <= days
    assert (start + timedelta(days=119)) not in kept  # the older of the last night's two
    assert len(kept) <= 7 + 4 + 3 and len(kept) >= 7
    months = {(k.year, k.month) for k in kept}
    assert len(months) == 3
    # Manifests go with their backups; files not named like ours are left alone.
    assert len(list(tmp_path.glob("*.json"))) == len(kept)
    assert (tmp_path / "someone-elses.dump").exists()


def test_retention_never_deletes_the_newest_even_when_told_to_keep_nothing(tmp_path):
    for stamp in _stamps("2026-03-01T02:00:00", "2026-03-02T02:00:00"):
        (tmp_path / f"quanke-{stamp:%Y%m%dT%H%M%SZ}.dump").write_bytes(b"x")
    backups.prune_backups(tmp_path, daily=0, weekly=0, monthly=0)
    assert [p.name for _, p in backups.list_backups(tmp_path)] == ["quanke-20260302T020000Z.dump"]


def test_nightly_backup_is_importable_without_side_effects(tmp_path):
    """The task schedule imports the hook at start-up: no settings, no database, no directory at import time."""
    import subprocess
    import sys
    from pathlib import Path

    env = {
        "PATH": "/usr/bin:/bin",
        "VAR_DIR": str(tmp_path / "var"),
    }  # no DJANGO_SETTINGS_MODULE, no SECRET_KEY
    code = "import quanke.core.backups as b; assert callable(b.nightly_backup)"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "var").exists()
