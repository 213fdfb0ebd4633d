#!/usr/bin/env bash
# Run a command with AFTERLINE_TEST_DATABASE_URL pointing at a real PostgreSQL.
#
# Uses the server named by AFTERLINE_TEST_DATABASE_URL when it answers; otherwise installs
# Debian's postgresql package if needed and starts a throwaway cluster on loopback, owned
# by the `postgres` user (the server refuses to run as root), and removes it afterwards.
set -euo pipefail

if [[ -n "${AFTERLINE_TEST_DATABASE_URL:-}" ]]; then
  dsn="${AFTERLINE_TEST_DATABASE_URL/postgresql+asyncpg:/postgresql:}"
  if pg_isready -d "$dsn" -t 3 >/dev/null 2>&1; then
    exec "$@"
  fi
  echo "with-postgres: $AFTERLINE_TEST_DATABASE_URL does not answer; starting a throwaway cluster" >&2
fi

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bin=$(find_bin)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "with-postgres: installing PostgreSQL from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
fi

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}

dir=$(mktemp -d /tmp/afterline-pg.XXXXXX)
[[ $(id -u) -eq 0 ]] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

stop() {
  as_postgres "$bin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_postgres "$bin/initdb -D $dir/data -U postgres --auth=trust" >/dev/null
as_postgres "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' -l $dir/log -w start" >/dev/null

export AFTERLINE_TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
