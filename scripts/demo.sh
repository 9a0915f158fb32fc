#!/usr/bin/env bash
# `make demo`'s processes: the web server, a task worker (exports, notifications, scans) and the scheduler, side by
# side; Ctrl-C, or any one of them stopping, stops all three. Each runs in its own session so that its children
# (runserver's autoreloader) go with it.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null
  done
  echo "demo: stopped the server, the worker and the scheduler."
}
trap stop_all INT TERM EXIT

setsid "$PY" manage.py db_worker --no-reload --interval 1 -v 1 &
pids+=($!)
setsid "$PY" manage.py run_scheduler &
pids+=($!)
setsid "$PY" manage.py runserver "$HOST:$PORT" &
pids+=($!)
echo "demo: server $HOST:$PORT, worker and scheduler running (pids ${pids[*]}); Ctrl-C stops all."
wait -n
