"""gunicorn for Quanke (issue 14): `gunicorn -c config/gunicorn.conf.py config.wsgi`. Everything from the
environment (docs/DEPLOY.md lists it). Each worker process keeps its own database pool of DB_POOL_MAX connections,
so the web tier uses at most WEB_WORKERS × DB_POOL_MAX connections whatever the load; WEB_THREADS above DB_POOL_MAX
only queue for a connection."""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
# Threads: a request waiting on the database or on a slow client does not hold a whole process.
threads = int(os.environ.get("WEB_THREADS", "8"))
worker_class = "gthread"
# A request running longer than this is killed (the worker restarts); exports and imports run as tasks.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("WEB_MAX_REQUESTS_JITTER", "200"))
# Behind nginx on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "quanke-web"

# Logs: JSON to stdout (journald keeps them under systemd); the access log without query strings.
accesslog = "-" if os.environ.get("WEB_ACCESS_LOG", "true").lower() in {"1", "true", "yes", "on"} else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "config.gunicorn_logging.JsonAccessLogger"
_json = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": "time",
}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": _json},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
