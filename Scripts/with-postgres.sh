#!/bin/sh
# Runs a command with a throwaway PostgreSQL server (Debian's postgresql 15, RECIPES.md):
# a cluster in a temp directory, as the postgres user, on 127.0.0.1, trusting user parley. The
# command sees PARLEY_TEST_POSTGRES=postgres://parley@127.0.0.1:PORT/postgres; the cluster is
# stopped and removed however the command ends.
#
#   Scripts/with-postgres.sh swift test --filter ParleyStoreTests
#
# PARLEY_POSTGRES_PORT chooses the port (default 25432); PG_BIN the server's bin directory.
set -eu
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGUMENT...]" >&2; exit 2; }
PORT=${PARLEY_POSTGRES_PORT:-25432}
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$BIN/pg_ctl" ] || { echo "$0: no PostgreSQL server found (apt-get install -y postgresql)" >&2; exit 1; }
DIR=$(mktemp -d)
# As root, the server runs as postgres (it refuses root); otherwise as the calling user.
if [ "$(id -u)" = 0 ]; then
    chown postgres "$DIR"
    as_server() { su postgres -s /bin/sh -c "$1"; }
else
    as_server() { sh -c "$1"; }
fi
stop() {
    as_server "'$BIN/pg_ctl' -D '$DIR/data' -m fast stop >/dev/null 2>&1" || true
    rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
as_server "'$BIN/initdb' -D '$DIR/data' -A trust -U parley >/dev/null &&
    '$BIN/pg_ctl' -D '$DIR/data' -o \"-k '$DIR' -c listen_addresses=127.0.0.1 -p $PORT\" -l '$DIR/log' -w start >/dev/null" || {
    cat "$DIR/log" >&2 2>/dev/null
    exit 1
}
export PARLEY_TEST_POSTGRES="postgres://parley@127.0.0.1:$PORT/postgres"
"$@"
