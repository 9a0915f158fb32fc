#!/usr/bin/env bash
# A fresh clone of this repository (or of $1) run as production (no systemd in this container: the three processes of the
# units are started by hand with the same commands), on PostgreSQL, DEBUG=false.
set -uo pipefail
SRC=${1:-$(cd "$(dirname "$0")/.." && pwd)}
rm -rf /tmp/deploy && git clone -q "$SRC" /tmp/deploy && cd /tmp/deploy
make install >/dev/null 2>&1 || { echo "install failed"; exit 1; }
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS quanke_deploy" -c "DROP DATABASE IF EXISTS quanke_deploy_restored" -c "CREATE DATABASE quanke_deploy"
set -a
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
DATABASE_URL=postgres://postgres@127.0.0.1:5432/quanke_deploy
ALLOWED_HOSTS=127.0.0.1,localhost
VAR_DIR=/tmp/deploy/var
# Plain HTTP on this machine (nginx terminates TLS in production).
SECURE_SSL_REDIRECT=false
SECURE_COOKIES=false
WEB_BIND=127.0.0.1:8123
set +a
PY=.venv/bin/python
echo "== migrate, collectstatic, check --deploy (with production's HTTPS settings), demo data"
$PY manage.py migrate --no-input -v 0
$PY manage.py collectstatic --no-input -v 0
SECURE_SSL_REDIRECT=true SECURE_COOKIES=true $PY manage.py check --deploy --fail-level WARNING
$PY manage.py seed_demo > /dev/null
echo "== start web (gunicorn), worker (db_worker), scheduler (run_scheduler)"
$PY -m gunicorn -c config/gunicorn.conf.py config.wsgi > var/web.log 2>&1 & WEB=$!
DB_POOL=false $PY manage.py db_worker --worker-id deploy-1 > var/worker.log 2>&1 & WORKER=$!
DB_POOL=false $PY manage.py run_scheduler > var/scheduler.log 2>&1 & SCHED=$!
trap 'kill $WEB $WORKER $SCHED 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:8123/healthz >/dev/null && break; sleep 1; done
echo "== /healthz"; curl -s -w ' HTTP %{http_code}\n' http://127.0.0.1:8123/healthz
CSS=$(grep -o '/static/[^"]*\.css' <(curl -s http://127.0.0.1:8123/login/) | head -1)
echo "== static with DEBUG=false: $CSS"; curl -s -o /dev/null -D - "http://127.0.0.1:8123$CSS" -H 'Accept-Encoding: gzip' | grep -iE "^HTTP|content-encoding|cache-control"
echo "== an export requested, a pending notification queued (not dispatched): the worker and the schedule do the rest"
$PY manage.py shell -v 0 -c "
from datetime import date
from quanke.core.models import User, Notification, OrgUnit
from quanke.reports import services
from quanke.reports.periods import period_for
head = User.objects.get(username='zhanzhang_a')
job = services.export_request(actor=head, kind='station_monthly', unit=head.unit, period=period_for('month', date.today()))
n = Notification.objects.create(channel='console', recipient_name='部署检查', address='13800000000', body='schedule check')
print('export job', job.pk, job.status, '| notification', n.pk, n.status)
"
for i in $(seq 1 90); do
  out=$($PY manage.py shell -v 0 -c "
from quanke.core.models import Notification
from quanke.reports.models import ExportJob
j = ExportJob.objects.latest('pk'); n = Notification.objects.filter(recipient_name='部署检查').latest('pk')
print(j.status, bool(j.file_name) if hasattr(j,'file_name') else '', n.status)" 2>/dev/null)
  case "$out" in *done*sent*|*completed*sent*) break;; esac
  sleep 2
done
echo "after ${i} polls: export / notification = $out"
$PY manage.py shell -v 0 -c "
from quanke.reports.models import ExportJob
from django_tasks_db.models import DBTaskResult
j = ExportJob.objects.latest('pk'); print('export', j.pk, j.status, {f.name: getattr(j, f.name) for f in j._meta.fields if f.name in ('file_name', 'file_path', 'finished_at')})
for t in DBTaskResult.objects.order_by('enqueued_at'): print('task', t.task_path, t.status, t.worker_ids)
"
echo "== backup, then restore into a fresh database and verify"
$PY manage.py backup
$PY manage.py restore latest --into quanke_deploy_restored
echo "restore rc=$?"
