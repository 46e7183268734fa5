#!/usr/bin/env bash
# A private PostgreSQL cluster (Debian's server) for the local stack and the tests,
# under the git-ignored .cache/pg folder. PostgreSQL refuses to run as root, so the
# server runs as the `postgres` user.
#   infra/postgres.sh start | stop | status | createdb NAME...
# Settings: PGPORT (55432), PG_HOME (.cache/pg). Local connections are trusted: this
# cluster listens on 127.0.0.1 only and exists for development and CI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_HOME="${PG_HOME:-$ROOT/.cache/pg}"
PGPORT="${PGPORT:-55432}"
DATA="$PG_HOME/data-$PGPORT"
LOG="$PG_HOME/postgres-$PGPORT.log"

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$d" ]; then
    echo "postgres.sh: installing Debian's postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$d"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_admin() { as_pg "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

ready() { "$BIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -q; }

start() {
  if ready; then echo "postgres.sh: PostgreSQL already up on 127.0.0.1:$PGPORT"; return 0; fi
  mkdir -p "$PG_HOME"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_HOME"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PG_HOME'
max_connections = 400
shared_buffers = 256MB
fsync = on
synchronous_commit = on
CONF
    # More settings for this cluster only, e.g. the bench's pg_stat_statements when it profiles.
    if [ -n "${PG_EXTRA_CONF:-}" ]; then printf '%s\n' "$PG_EXTRA_CONF" >> "$DATA/postgresql.conf"; fi
  fi
  echo "postgres.sh: starting PostgreSQL on 127.0.0.1:$PGPORT (log: $LOG)"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null
  psql_admin -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='platform') THEN CREATE ROLE platform LOGIN PASSWORD 'platform' CREATEDB; END IF; END\$\$;"
}

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && echo "postgres.sh: stopped"; fi
}

createdb() {
  for db in "$@"; do
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$db'")" ]; then
      psql_admin -c "CREATE DATABASE \"$db\" OWNER platform"
    fi
  done
}

BIN=$(bindir)
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if ready; then echo "up on 127.0.0.1:$PGPORT"; else echo "down"; exit 1; fi ;;
  createdb) shift; createdb "$@" ;;
  *) echo "usage: $0 start|stop|restart|status|createdb NAME..." >&2; exit 2 ;;
esac
