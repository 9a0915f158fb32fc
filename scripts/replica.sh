#!/usr/bin/env bash
# A real hot standby of the local PostgreSQL server: a second cluster "replica" on port 5433, copied with
# pg_basebackup and kept current by streaming replication through a physical slot. Run as root (.ci/run does).
# Idempotent: a standby that already streams from this primary is left alone; a stopped one is started; one that
# cannot stream (or follows another server) is rebuilt. `scripts/replica.sh --rebuild` rebuilds it regardless.
# Changes to the primary are reload-only (pg_hba.conf, max_slot_wal_keep_size): it is never restarted.
set -euo pipefail

VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -1)}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
CLUSTER="${REPLICA_CLUSTER:-replica}"
SLOT="${REPLICA_SLOT:-quanke_replica}"
DATA="/var/lib/postgresql/$VERSION/$CLUSTER"
CONF="/etc/postgresql/$VERSION/$CLUSTER"
PRIMARY_HBA="$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc 'SHOW hba_file' 2>/dev/null || true)"

as_postgres() { runuser -u postgres -- "$@"; }
primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -v ON_ERROR_STOP=1 -Atqc "$1"; }
replica() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -Atqc "$1" 2>/dev/null; }
log() { echo "replica.sh: $*"; }

streaming() {
  # In recovery, its WAL receiver streaming, and the same database system as the primary (not a stale copy).
  local state ours theirs
  state="$(replica "SELECT pg_is_in_recovery()::text || '/' || coalesce((SELECT status FROM pg_stat_wal_receiver), '')")" \
    || return 1
  [ "$state" = "true/streaming" ] || return 1
  ours="$(replica 'SELECT system_identifier FROM pg_control_system()')" || return 1
  theirs="$(primary 'SELECT system_identifier FROM pg_control_system()')" || return 1
  [ "$ours" = "$theirs" ]
}

wait_streaming() {
  for _ in $(seq 1 "${1:-60}"); do
    streaming && return 0
    sleep 1
  done
  return 1
}

if [ "${1:-}" != "--rebuild" ] && streaming; then
  log "standby on port $REPLICA_PORT is streaming; nothing to do"
  exit 0
fi

if ! pg_isready -q -h 127.0.0.1 -p "$PRIMARY_PORT"; then
  log "the primary on port $PRIMARY_PORT is not running" >&2
  exit 1
fi

# 1. The primary accepts replication connections from this machine (reload only). wal_level=replica and
#    max_wal_senders=10 are PostgreSQL's defaults; a primary without them needs a restart, done by hand.
if [ "$(primary 'SHOW wal_level')" = "minimal" ] || [ "$(primary 'SHOW max_wal_senders')" = "0" ]; then
  log "the primary has wal_level=minimal or max_wal_senders=0; set wal_level=replica and restart it" >&2
  exit 1
fi
if ! grep -Eq '^\s*host\s+replication\s+(all|postgres)\s+127\.0\.0\.1/32' "$PRIMARY_HBA"; then
  log "allowing replication connections from 127.0.0.1 in $PRIMARY_HBA"
  printf '\n# scripts/replica.sh: the local hot standby streams from here.\nhost replication postgres 127.0.0.1/32 trust\n' \
    >>"$PRIMARY_HBA"
  primary 'SELECT pg_reload_conf()' >/dev/null
fi
# A slot keeps the WAL a stopped standby still needs; cap it so that a forgotten standby cannot fill the disk.
if [ "$(primary 'SHOW max_slot_wal_keep_size')" = "-1" ]; then
  primary "ALTER SYSTEM SET max_slot_wal_keep_size = '2GB'"
  primary 'SELECT pg_reload_conf()' >/dev/null
fi

# 2. A standby that exists and only needs starting.
if [ "${1:-}" != "--rebuild" ] && [ -f "$DATA/standby.signal" ]; then
  log "starting the existing standby"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start 2>/dev/null || true
  if wait_streaming 30; then
    log "standby on port $REPLICA_PORT is streaming"
    exit 0
  fi
  log "the existing standby does not stream; rebuilding it"
fi

# 3. Build it: a cluster's configuration (Debian layout, so pg_lsclusters and pg_ctlcluster know it), its data
#    directory replaced by a base backup of the primary that starts as a standby (-R writes standby.signal and
#    primary_conninfo).
if [ -d "$CONF" ]; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" stop -m fast 2>/dev/null || true
else
  log "creating cluster $VERSION/$CLUSTER on port $REPLICA_PORT"
  pg_createcluster "$VERSION" "$CLUSTER" -p "$REPLICA_PORT" >/dev/null
fi
# The standby's settings: the primary's connection limits (a standby refuses to start with lower ones), small
# buffers (it shares the machine), and the primary's trust rules for local connections.
cat >"$CONF/conf.d/90-replica.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
hot_standby = on
hot_standby_feedback = on
shared_buffers = 32MB
max_connections = $(primary 'SHOW max_connections')
max_worker_processes = $(primary 'SHOW max_worker_processes')
max_wal_senders = $(primary 'SHOW max_wal_senders')
max_prepared_transactions = $(primary 'SHOW max_prepared_transactions')
max_locks_per_transaction = $(primary 'SHOW max_locks_per_transaction')
EOF
cp "$PRIMARY_HBA" "$CONF/pg_hba.conf"
chown postgres:postgres "$CONF/conf.d/90-replica.conf" "$CONF/pg_hba.conf"

if [ -z "$(primary "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT'")" ]; then
  primary "SELECT pg_create_physical_replication_slot('$SLOT')" >/dev/null
fi
log "copying the primary (pg_basebackup)"
rm -rf "$DATA"
install -d -o postgres -g postgres -m 700 "$DATA"
as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -X stream -S "$SLOT" -R \
  -c fast --no-password
pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start

if wait_streaming 60; then
  log "standby on port $REPLICA_PORT is streaming (read-only)"
else
  log "the standby did not start streaming; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log" >&2
  exit 1
fi
