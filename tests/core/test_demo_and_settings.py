import os
import subprocess
import sys
from pathlib import Path

import pytest

from quanke.core import demo
from quanke.core.models import OrgUnit, User
from quanke.registry.models import Household, Resident

ROOT = Path(__file__).resolve().parents[2]


def test_seed_demo_twice_creates_nothing_new(db):
    demo.run()
    counts = (
        OrgUnit.objects.count(),
        User.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
    )
    staff = User.objects.filter(username__in=[row[0] for row in demo.STAFF])
    assert counts[0] == 7 and staff.count() == 20 and 1900 <= counts[3] <= 2100
    assert {r for u in User.objects.all() for r in u.roles} >= {
        "front_desk",
        "back_office",
        "station_head",
        "dept_handler",
        "county_viewer",
        "admin",
    }
    demo.run()
    assert (
        OrgUnit.objects.count(),
        User.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
    ) == counts
    ages = [r.age for r in Resident.objects.all()]
    assert min(ages) < 10 and max(ages) > 85
    assert Resident.objects.filter(tags__code="elderly").exists()
    assert Resident.objects.exclude(disability_kind="").exists()


def test_login_table_lists_every_demo_account(db):
    demo.run()
    rows = demo.login_table()
    assert len(rows) == 20 and all(r[0] and r[2] and r[3] for r in rows)


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_deploy_check_is_clean_with_production_settings(tmp_path, engine):
    # The check reads the settings only (no connection): the PostgreSQL URL covers the pool's settings (issue 14),
    # the WhiteNoise middleware and manifest storage, and the HTTPS switches production gets by default.
    url = (
        f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
        if engine == "sqlite"
        else "postgres://quanke:secret@127.0.0.1:5432/quanke"
    )
    # The browser tests' async switch must not leak into a production check.
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
        },
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "quanke.example.gov.cn",
        "DATABASE_URL": url,
        "VAR_DIR": str(tmp_path),
        "BEHIND_TLS_PROXY": "true",
        "CSRF_TRUSTED_ORIGINS": "https://quanke.example.gov.cn",
    }
    for key in (
        "DB_POOL",
        "SECURE_SSL_REDIRECT",
        "SECURE_COOKIES",
        "SECURE_HSTS_SECONDS",
        "STATICFILES_STORAGE",
    ):
        env.pop(key, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_parsing_turns_postgres_jit_off_unless_told_otherwise():
    from config.settings import database_from_url

    pg = database_from_url("postgres://u:p%40ss@db.example:5433/quanke?sslmode=require")
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "quanke",
        "u",
        "p@ss",
        "db.example",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}
    mine = database_from_url("postgres://db.example/quanke?options=-c%20work_mem%3D64MB")
    assert mine["OPTIONS"]["options"] == "-c work_mem=64MB"
    assert database_from_url("sqlite:///var/x.sqlite3")["ENGINE"].endswith("sqlite3")


def test_postgres_sessions_run_without_jit(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        import pytest

        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
