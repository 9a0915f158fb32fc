#!/usr/bin/env bash
# A production-like run: collectstatic, migrate, then gunicorn (config/gunicorn.conf.py) in the foreground.
# Reads the environment it is given, like the systemd unit (docs/DEPLOY.md): SECRET_KEY and DATABASE_URL at least.
#   SECRET_KEY=… DATABASE_URL=postgres://… ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false make serve
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py collectstatic --no-input -v 0
$PY manage.py migrate --no-input -v 0
exec $PY -m gunicorn -c config/gunicorn.conf.py config.wsgi
