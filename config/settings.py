"""Quanke settings: one file, everything from the environment. The defaults are production's: DEBUG off, and without
SECRET_KEY the process refuses to start. `make demo` and the tests (config/settings_test.py) set what they need."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL (postgres://user:pass@host:port/name?sslmode=...) or sqlite:///path."""
    parsed = urlparse(url)
    if parsed.scheme in {"sqlite", "sqlite3"}:
        path = unquote(parsed.path[1:] if parsed.path.startswith("//") else parsed.path) or ":memory:"
        busy_ms = env_int("SQLITE_BUSY_TIMEOUT_MS", 20000)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            # Concurrent writers wait for each other instead of failing with "database is locked": WAL lets
            # readers run beside the writer, and BEGIN IMMEDIATE takes the write lock at the start of a
            # transaction (a deferred one that reads first cannot wait for it and fails at once when it writes).
            "OPTIONS": {
                "timeout": busy_ms / 1000,
                "transaction_mode": "IMMEDIATE",
                "init_command": f"PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout={busy_ms}",
            },
        }
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme}")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    # JIT compilation costs more than it saves on the short grouped queries behind the dashboards (bench: the
    # county visit figures 80 → 49 ms); a DATABASE_URL `?options=` overrides it.
    options.setdefault("options", "-c jit=off")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "quanke",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "TEST": {"NAME": env_str("DATABASE_TEST_NAME") or None},
    }


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or DEBUG=true for local development."
        )
    # Development only: a key of this process alone, so no key that signs anything is ever written in the code.
    SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "全科服务平台")
STATION_PHONE = env_str("STATION_PHONE", "")
# The residents' pages (/m/): the address printed in QR codes and links sent by SMS (empty: the request's own host);
# failed progress look-ups allowed per IP and per tracking code in a window, then a wait; the least seconds a
# human takes to fill a public form (faster posts are refused as bots); working days a station head has to put a
# 不满意/非常不满意 rating right (整改, provincial schemes commonly 15); how long a rating link stays valid.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")
PUBLIC_LOOKUP_MAX_FAILURES = env_int("PUBLIC_LOOKUP_MAX_FAILURES", 5)
PUBLIC_LOOKUP_WINDOW_MINUTES = env_int("PUBLIC_LOOKUP_WINDOW_MINUTES", 15)
PUBLIC_FORM_MIN_SECONDS = env_int("PUBLIC_FORM_MIN_SECONDS", 3)
RATING_RECTIFY_WORKING_DAYS = env_int("RATING_RECTIFY_WORKING_DAYS", 15)
RATING_LINK_DAYS = env_int("RATING_LINK_DAYS", 90)

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "quanke.core",
    "quanke.registry",
    "quanke.catalog",
    "quanke.intake",
    "quanke.matters",
    "quanke.visits",
    "quanke.assistance",
    "quanke.casework",
    "quanke.network",
    "quanke.meals",
    "quanke.party",
    "quanke.reports",
    "quanke.api",
    "quanke.public",
    # Task queue (TASKS block below). After quanke.core, whose db_worker (heartbeat + reaper) overrides the app's.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quanke.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "quanke.core.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "quanke.core.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quanke.core.middleware.FriendlyNotFoundMiddleware",
    # Last, so that it turns the login view's answer into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quanke.core.context_processors.site",
            ],
            # The masking filters (mask_id, mask_phone) are for every page that lists people, so no template
            # loads the registry's tags by name (DESIGN.md: no template loads another app's tags).
            "builtins": ["quanke.registry.templatetags.registry_tags"],
        },
    },
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'quanke.sqlite3'}")
}

# --- Read replica (docs/REPLICA.md) ---------------------------------------------------------------------------
# DATABASE_REPLICA_URL adds a hot standby as the "replica" alias. quanke.core.dbrouter sends the reads of the views
# that opt in (dashboards, reports, exports, searches, the public guide) there, and everything else — and every
# read of a request that has written, or of a browser that wrote within DATABASE_REPLICA_PIN_SECONDS — to the
# primary. Migrations run on the primary only; the standby receives them through replication.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL)
DATABASE_REPLICA_READS = env_bool("DATABASE_REPLICA_READS", True)
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 5)
DATABASE_ROUTERS = ["quanke.core.dbrouter.PrimaryReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "quanke.core.dbrouter.ReplicaRoutingMiddleware",
)
# --- end read replica -------------------------------------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Request bodies: a form or JSON body (no files) up to DATA_UPLOAD_MAX_MEMORY_SIZE, a multipart upload up to
# UPLOAD_MAX_REQUEST_SIZE; larger ones get a translated 413 (quanke.core.middleware.RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
UPLOAD_MAX_REQUEST_SIZE = env_int("UPLOAD_MAX_REQUEST_SIZE", 25 * 1024 * 1024)

# Production hardening switches on when DEBUG is off.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"

# --- Login security -------------------------------------------------------------------------------------------
# The axes backend comes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed passwords before a lockout, and how long the lockout lasts. By default a username is locked whatever the
# address (a guesser can change hers), and an address whatever the usernames (one password tried on many accounts);
# "username+ip_address" in LOGIN_LOCKOUT_PARAMETERS locks only the pair.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env_list("LOGIN_LOCKOUT_PARAMETERS", "username,ip_address")
]
AXES_RESET_ON_SUCCESS = True
# The lockout lasts LOGIN_LOCKOUT_MINUTES from the failure that caused it; attempts meanwhile are refused unchecked.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "quanke.core.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env_bool("LOGIN_THROTTLING", True)
AXES_CLIENT_IP_CALLABLE = "quanke.core.login_security.client_ip"
# Second factor (TOTP): required for the roles permissions.must_use_second_factor names when OTP_REQUIRED is on;
# optional for everyone else (whoever enrolled verifies at each login).
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = SITE_NAME
# A signed-in session without a request for this long must sign in again.
IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 30)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "quanke@localhost")

# LOGGING: JSON to stdout, in the serving block at the end of this file.

# Generated export files (downloaded only through the permission-checked reports view, never served as media).
EXPORTS_ROOT = Path(env_str("EXPORTS_ROOT", str(VAR_DIR / "exports")))
# Resident import (quanke.registry.imports): checked while the upload is read, so a huge file stops early; a
# preview not confirmed within IMPORT_PREVIEW_SECONDS is dropped.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_ERRORS = env_int("IMPORT_MAX_ERRORS", 1_000)
IMPORT_PREVIEW_SECONDS = env_int("IMPORT_PREVIEW_SECONDS", 3600)
# Notifications (quanke.core.notify): channels in use and the backend for each. SMS needs a provider's gateway.
NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", "console")
NOTIFY_BACKENDS = {
    "console": "quanke.core.notify.ConsoleBackend",
    "memory": "quanke.core.notify.MemoryBackend",
    "email": "quanke.core.notify.EmailBackend",
    "sms": env_str("NOTIFY_SMS_BACKEND", "quanke.core.notify.SmsBackend"),
}
# The HTTP SMS gateway (quanke.core.sms.HttpSmsBackend; set NOTIFY_SMS_BACKEND to it). The contract a provider (or an
# adapter in front of one) must speak is in docs/DEPLOY.md.
SMS_HTTP_URL = env_str("SMS_HTTP_URL")
SMS_HTTP_KEY = env_str("SMS_HTTP_KEY")
SMS_HTTP_SECRET = env_str("SMS_HTTP_SECRET")
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "全科服务")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 10)
# Online booking (quanke.public): code lifetime, wrong tries per phone and per IP in the window, days bookable ahead.
PUBLIC_CODE_MINUTES = env_int("PUBLIC_CODE_MINUTES", 10)
PUBLIC_ATTEMPT_LIMIT = env_int("PUBLIC_ATTEMPT_LIMIT", 5)
PUBLIC_ATTEMPT_WINDOW_MINUTES = env_int("PUBLIC_ATTEMPT_WINDOW_MINUTES", 15)
PUBLIC_BOOKING_DAYS = env_int("PUBLIC_BOOKING_DAYS", 14)
PUBLIC_BOOKING_LINK_DAYS = env_int("PUBLIC_BOOKING_LINK_DAYS", 60)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 60)

# Near-due working days, visit-plan size per worker and finding snooze days are station settings in the database
# (OrgUnit fields, quanke.core.unit_settings); policy values are dated locality parameters (assistance engine YAML).
# Social assistance: the locality whose parameters apply where no unit is mapped (see assistance.UnitLocality).
ASSISTANCE_DEFAULT_LOCALITY = env_str("ASSISTANCE_DEFAULT_LOCALITY", "beijing")

# --- Task queue and schedules (django-tasks + django-tasks-db; quanke/core/taskqueue.py, quanke/core/schedule.py) --
# "database": tasks are rows that `manage.py db_worker` processes run (any number, on any machine, one database);
# "immediate": a task runs inside the enqueueing process (the test suite; a one-process trial without a worker).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
# A worker writes its heartbeat every TASKS_HEARTBEAT_SECONDS; a worker silent for TASKS_LEASE_SECONDS is dead, and
# its running task goes back to the queue (up to TASKS_MAX_ATTEMPTS runs in all) or is marked failed.
TASKS_HEARTBEAT_SECONDS = env_int("TASKS_HEARTBEAT_SECONDS", 10)
TASKS_LEASE_SECONDS = env_int("TASKS_LEASE_SECONDS", 60)
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 2)
# Finished task rows and schedule claims older than this many days are deleted by the nightly prune.
TASKS_KEEP_DAYS = env_int("TASKS_KEEP_DAYS", 30)
# Tests only: seconds an export sleeps once it is marked running, so a test can kill its worker mid-export.
EXPORT_TEST_DELAY_SECONDS = float(env_str("EXPORT_TEST_DELAY_SECONDS", "0") or 0)
# Tests only: the same for a resident import.
IMPORT_TEST_DELAY_SECONDS = float(env_str("IMPORT_TEST_DELAY_SECONDS", "0") or 0)

# Backups (quanke.core.backups, docs/BACKUP.md): where `manage.py backup` and the nightly task write, and how many
# to keep — the newest of each of the last N days, ISO weeks and months that have one (the newest is never deleted).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 4)
BACKUP_KEEP_MONTHLY = env_int("BACKUP_KEEP_MONTHLY", 6)
# Directory of the PostgreSQL client programs (pg_dump, pg_restore) when the ones on PATH are older than the server.
PG_BIN_DIR = env_str("PG_BIN_DIR")

# --- Serving and operations (issue 14: gunicorn, WhiteNoise, the connection pool, /healthz, JSON logs) ----------
# WhiteNoise serves /static/ from the process itself (behind SecurityMiddleware, before anything that touches the
# session); the request id comes first of the rest so that every later log line carries it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "quanke.core.request_log.RequestIdMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("quanke.core.request_log.RequestIdMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
# Hashed, compressed names (collectstatic writes them and a manifest): far-future caching, never a stale file.
# Under DEBUG the plain storage, so that `make demo` needs no collectstatic; the test suite picks its own.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_STORAGE",
            "whitenoise.storage.CompressedStaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# The load balancer's probe speaks plain HTTP to the process: /healthz is never redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Connection pool (psycopg 3's, through Django's own "pool" option): each process holds at most DB_POOL_MAX
# connections, so gunicorn's WEB_WORKERS × DB_POOL_MAX bounds the web tier whatever the load (without it every
# thread kept a persistent connection of its own: the development server used up all 100 after ~220 requests).
# A pool needs CONN_MAX_AGE 0 (Django returns the connection to the pool at the end of each request).
DB_POOL = env_bool("DB_POOL", True)
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 2),
        "max_size": env_int("DB_POOL_MAX", 4),
        # Seconds a request waits for a free connection before it fails (a 500, logged) instead of hanging.
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
    }

# /healthz (quanke.core.health): unhealthy when the oldest waiting task is older than this (no worker takes tasks)
# or the disk holding VAR_DIR has less free space than this.
HEALTH_QUEUE_MAX_AGE_SECONDS = env_int("HEALTH_QUEUE_MAX_AGE_SECONDS", 900)
HEALTH_MIN_FREE_DISK_MB = env_int("HEALTH_MIN_FREE_DISK_MB", 1024)

# Logs: one JSON object a line on stdout, each with the request id and the user id (quanke.core.request_log);
# LOG_FORMAT=text for a terminal. One "quanke.request" line per request at INFO.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "quanke.core.request_log.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # UTC ISO 8601 in every process (Django sets the process time zone to TIME_ZONE; gunicorn's master not).
            "timestamp": "time",
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request"],
            "formatter": "text" if env_str("LOG_FORMAT", "json") == "text" else "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    # Django's own request logger repeats every 4xx/5xx with the full path and query string: the app's line is
    # enough, and errors still reach django.request at ERROR (with the traceback) as warnings are dropped.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "numexpr": {"level": "WARNING"},
    },
}
