"""The test suite's settings: production's (config/settings.py: DEBUG off, login throttling, the second factor
required) with only what a test run needs spelled out. pytest-django selects this module (pyproject.toml)."""

import os

# settings.py refuses to start without a key when DEBUG is off; tests get a fixed one of their own, given for the
# import only, so that processes the tests start (manage.py subprocesses) still see the caller's environment.
_caller_key = os.environ.get("SECRET_KEY")
os.environ["SECRET_KEY"] = _caller_key or "test-suite-only-key-not-for-any-deployment-0123456789"
try:
    from config.settings import *  # noqa: F403
finally:
    if _caller_key is None:
        del os.environ["SECRET_KEY"]

# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False

# Tasks run inside the test's process, unless TASKS_BACKEND is set (the real-worker tests start `db_worker`
# subprocesses with TASKS_BACKEND=database).
if not os.environ.get("TASKS_BACKEND"):
    TASKS = {  # noqa: F811
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }

# Read replica: the suite always has a "replica" alias, a test mirror of the primary's test database (a physical
# standby cannot have a database created on it; it receives the primary's through replication). Ordinary tests
# read the primary (DATABASE_REPLICA_READS off: their TestCase transaction is invisible to a second connection);
# tests/core/test_dbrouter.py switches routing on with committed rows, and tests/core/test_replica_standby.py
# swaps in a connection to the real standby (DATABASE_REPLICA_URL, port 5433 in .ci/run) for the lag tests.
_dbs = globals()["DATABASES"]
_dbs["replica"] = {**_dbs.get("replica", _dbs["default"]), "TEST": {"MIRROR": "default"}}
DATABASE_REPLICA_READS = False

# Static files: the manifest storage needs collectstatic before any page renders `{% static %}`; the suite uses the
# plain storage, and tests/core/test_serving.py runs collectstatic and serves the hashed names with production's.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# No collected STATIC_ROOT in a test run: WhiteNoise looks files up per request instead of scanning it at start.
WHITENOISE_AUTOREFRESH = True

# The suite's own connections are not pooled: tests that terminate backends (tests/matters/test_fault_run.py) would
# leave dead connections in the pool for the tests after them. The pool itself is tested through the settings
# (tests/core/test_serving.py) and under gunicorn (tests/core/test_load_bench.py, a process of its own).
for _db in DATABASES.values():  # noqa: F405
    if "pool" in _db.get("OPTIONS", {}):
        _db["OPTIONS"] = {k: v for k, v in _db["OPTIONS"].items() if k != "pool"}
        _db["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE") or 60)
