#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for Strata's tests, on a loopback port.
#
#   scripts/pg-test-server.sh start   # initdb (once) and start; prints the settings
#   scripts/pg-test-server.sh env     # print PGHOST/PGPORT/PGUSER (exit 1 if not running)
#   scripts/pg-test-server.sh status  # exit 0 when the server answers
#   scripts/pg-test-server.sh stop    # stop the server (the data directory is kept)
#   scripts/pg-test-server.sh destroy # stop and remove the data directory
#
# The port is STRATA_PG_PORT (default 55432); the data lives in
# STRATA_PG_DIR (default /tmp/strata-pg-<port>). initdb refuses to run as root, so when
# run as root the server runs as the `postgres` system user. Durability is switched off
# (fsync=off): the cluster holds test data only. Shared buffers are 1 GB, the size of a small
# analytics server rather than PostgreSQL's 128 MB default (the benchmarks run on this server
# too). `start` is idempotent and safe to call from several test processes at once (it takes
# a lock).
set -euo pipefail

PORT="${STRATA_PG_PORT:-55432}"
DIR="${STRATA_PG_DIR:-/tmp/strata-pg-$PORT}"
HOST=127.0.0.1
USER_NAME=postgres

find_bin() {
  if [ -n "${PGBIN:-}" ] && [ -x "$PGBIN/initdb" ]; then echo "$PGBIN"; return 0; fi
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}

as_owner() {
  # Run a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"
    else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

print_env() {
  echo "PGHOST=$HOST"
  echo "PGPORT=$PORT"
  echo "PGUSER=$USER_NAME"
  echo "STRATA_PG_PORT=$PORT"
}

answers() {
  local bin="$1"
  "$bin/pg_isready" -q -h "$HOST" -p "$PORT" -U "$USER_NAME" >/dev/null 2>&1
}

cmd="${1:-start}"
BIN="$(find_bin)"
if [ -z "$BIN" ]; then
  echo "pg-test-server: PostgreSQL's server binaries are not installed (no /usr/lib/postgresql/*/bin/initdb)." >&2
  echo "pg-test-server: install them with: apt-get install -y postgresql" >&2
  exit 3
fi

case "$cmd" in
  start)
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; fi
    exec 9>"$DIR.lock"
    flock 9
    if answers "$BIN"; then print_env; exit 0; fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      rm -rf "$DIR/data"
      as_owner "$BIN/initdb" -D "$DIR/data" -U "$USER_NAME" --auth=trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 9>&- || {
        echo "pg-test-server: initdb failed; its log:" >&2; cat "$DIR/initdb.log" >&2; exit 4; }
    fi
    # A stale pid file from a killed server would stop pg_ctl; the server is not running.
    rm -f "$DIR/data/postmaster.pid"
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
      -o "-p $PORT -k $DIR -c listen_addresses=$HOST -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=1GB" \
      start >/dev/null 2>&1 9>&- || {
        echo "pg-test-server: the server did not start; its log:" >&2; tail -n 30 "$DIR/server.log" >&2 || true; exit 5; }
    print_env
    ;;
  env)
    if answers "$BIN"; then print_env; else echo "pg-test-server: no server answers on $HOST:$PORT" >&2; exit 1; fi
    ;;
  status)
    answers "$BIN"
    ;;
  stop)
    if [ -f "$DIR/data/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    ;;
  destroy)
    if [ -f "$DIR/data/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$DIR" "$DIR.lock"
    ;;
  *)
    echo "usage: $0 start|env|status|stop|destroy" >&2
    exit 2
    ;;
esac
