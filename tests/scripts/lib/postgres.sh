# A throwaway PostgreSQL server for tests: its own cluster in a temp directory, listening on a
# Unix socket only (no TCP port, so it runs beside anything), stopped and removed on exit.
# PostgreSQL refuses to run as root, so the server runs as the `postgres` user (Debian's
# postgresql package creates it); the tests connect over the socket with trust auth.
#
# Sourced:   source lib/postgres.sh; pg_start  -> $PG_URI (postgresql:///kpki?host=...), a trap
#            stops it (pg_stop) on EXIT, chained to any EXIT trap already set.
# Run:       bash lib/postgres.sh start DIR  -> prints the URI (DIR: an empty directory);
#            bash lib/postgres.sh stop DIR   (what a gtest fixture uses).
# Exits 77 (skip) when PostgreSQL 15's binaries or the postgres user are absent.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_available() {
  [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && id postgres >/dev/null 2>&1
}

pg_as_postgres() {
  # From /: the caller's directory may be closed to the postgres user.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# pg_start_in DIR: initdb + start in DIR (created if needed); prints the URI.
pg_start_in() {
  local dir=$1
  mkdir -p "$dir/sock"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; fi
  pg_as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-k $dir/sock -c listen_addresses='' -c fsync=off -c max_connections=50" start \
    >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  pg_as_postgres "$PG_BIN/createdb" -h "$dir/sock" -U postgres kpki >/dev/null
  echo "postgresql:///kpki?host=$dir/sock&user=postgres"
}

# pg_stop_in DIR: stops the server (immediately; nothing in it is kept).
pg_stop_in() {
  local dir=$1
  if [ -f "$dir/data/postmaster.pid" ]; then
    pg_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

pg_start() {
  if ! pg_available; then
    echo "SKIP: PostgreSQL 15 ($PG_BIN) or the postgres user is missing" >&2
    exit 77
  fi
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kpki-pg-XXXXXX")
  chmod 0755 "$PG_DIR"
  local previous
  previous=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  # shellcheck disable=SC2064
  trap "pg_stop_in '$PG_DIR'; rm -rf '$PG_DIR'; $previous" EXIT
  PG_URI=$(pg_start_in "$PG_DIR")
  export PG_URI
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start)
      pg_available || exit 77
      pg_start_in "$2"
      ;;
    stop) pg_stop_in "$2" ;;
    *)
      echo "usage: $0 start|stop DIR" >&2
      exit 2
      ;;
  esac
fi
