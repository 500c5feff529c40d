#!/usr/bin/env bash
# Run a command against PostgreSQL:  scripts/postgres.sh COMMAND [ARGS...]
#
# - If DATABASE_URL is already set, the command runs against that database.
# - Otherwise a throw-away cluster is started in a temporary directory, DATABASE_URL points at it
#   for the command, and the cluster is stopped and removed afterwards, whatever happens.
#   It listens on a Unix socket in that directory only (no TCP), with trust authentication;
#   the role `postgres` is a superuser, so pytest-django can create its test database.
# - If the PostgreSQL server binaries are missing, this fails when VARNA_REQUIRE_POSTGRES is set
#   (as in CI), and otherwise warns loudly and skips the command.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

if [ -n "${DATABASE_URL:-}" ]; then
    echo "==> Using the PostgreSQL database in DATABASE_URL"
    exec "$@"
fi

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-54329}  # only names the socket file; the directory is private, so it cannot clash

if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
    if [ -n "${VARNA_REQUIRE_POSTGRES:-}" ]; then
        echo "error: PostgreSQL server binaries not found in $PG_BIN, and VARNA_REQUIRE_POSTGRES is set." >&2
        exit 1
    fi
    cat >&2 <<EOF

################################################################################
##
##   WARNING: PostgreSQL server binaries not found in $PG_BIN
##   SKIPPED: $*
##   This code has NOT been tested on PostgreSQL.
##   Install postgresql-15, or set DATABASE_URL, to run these tests.
##
################################################################################

EOF
    exit 0
fi

# initdb and postgres refuse to run as root: as root, run them as the postgres user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

PG_DIR=$(mktemp -d -t varna-pg.XXXXXX)
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PG_DIR"
fi

cleanup() {
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> Starting a temporary PostgreSQL cluster in $PG_DIR"
if ! as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    exit 1
fi
# Durability is pointless for a throw-away test cluster; turning it off makes the tests faster.
if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-c listen_addresses='' -k $PG_DIR -p $PG_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    cat "$PG_DIR/server.log" >&2
    exit 1
fi
as_pg "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres varna

export DATABASE_URL="postgres://postgres@/varna?host=$PG_DIR&port=$PG_PORT"
echo "==> DATABASE_URL=$DATABASE_URL"

# Not exec: the trap must stop the cluster when the command ends.
status=0
"$@" || status=$?
exit "$status"
